/**
 * Each activity's own timeouts and retry policy, with the reason for each value. One shared 30 s start-to-close
 * cannot fit every step: a scope-less scan of hundreds of markets at 20 reads/s takes minutes and would retry into
 * 429s, while a local SQLite write that has not answered in 15 s is stuck and should be retried. The type makes an
 * entry mandatory for every activity in `Activities`. Pure data: imported by the workflow bundle.
 */
import type { ActivityOptions, RetryPolicy } from '@temporalio/workflow';
import type { Activities } from '../activities/types';
import { NON_RETRYABLE } from './definitions';

export interface ActivityPolicy extends ActivityOptions {
  /** Why these values: shown to the next engineer, and checked to be present by a test. */
  why: string;
}

const LOCAL_DB_RETRY: RetryPolicy = {
  initialInterval: '1 second',
  backoffCoefficient: 2,
  maximumInterval: '30 seconds',
  maximumAttempts: 5,
  nonRetryableErrorTypes: [...NON_RETRYABLE],
};

/** Venue reads: a few attempts, spaced out, so a rate-limited exchange is not hammered into more 429s. */
const VENUE_RETRY: RetryPolicy = {
  initialInterval: '5 seconds',
  backoffCoefficient: 3,
  maximumInterval: '2 minutes',
  maximumAttempts: 3,
  nonRetryableErrorTypes: [...NON_RETRYABLE],
};

export const ACTIVITY_POLICIES: Readonly<Record<keyof Activities, ActivityPolicy>> = {
  beginCycle: {
    startToCloseTimeout: '15 seconds',
    retry: LOCAL_DB_RETRY,
    why:
      'local work only (lane DB read/insert, kill-switch env var and file): SQLite busy_timeout is 5 s, so 15 s covers ' +
      'two lock waits behind a CLI write; longer means a wedged worker and a retry elsewhere is better',
  },
  persistControl: {
    startToCloseTimeout: '15 seconds',
    retry: LOCAL_DB_RETRY,
    why: 'one immediate SQLite transaction (busy_timeout 5 s); the workflow itself retries a failed persist every minute',
  },
  scan: {
    startToCloseTimeout: '10 minutes',
    heartbeatTimeout: '2 minutes',
    retry: VENUE_RETRY,
    why:
      'a scope-less dry-run scan pages open events (up to venues.kalshi.max_markets) plus one series read each at the ' +
      'Basic tier\'s 20 reads/s: minutes, not seconds; it heartbeats per series so a dead worker is noticed in 2 min',
  },
  decide: {
    startToCloseTimeout: '30 minutes',
    heartbeatTimeout: '2 minutes',
    retry: VENUE_RETRY,
    why:
      'the model\'s estimates (a local file or the sim oracle: seconds; an LLM: one call per model.llm.batch_size markets, ' +
      'each up to model.llm.timeout_seconds, so minutes for hundreds of markets) plus local SQLite work; it heartbeats ' +
      'every 20 s while an LLM call is in flight, so a dead worker is noticed in 2 min; a retry replays the settled calls ' +
      'from the budget ledger and pays nothing twice',
  },
  execute: {
    startToCloseTimeout: '5 minutes',
    heartbeatTimeout: '10 seconds',
    retry: { ...LOCAL_DB_RETRY, maximumAttempts: 5 },
    why:
      'one book read per order (max_orders_per_cycle ≤ a handful) and a local journal write each; it heartbeats per ' +
      'order and every 3 s while it runs (KeepAliveInterceptor), so a killed worker\'s attempt is retried after 10 s ' +
      '(not held for 5 min: the time-skipping server does not skip time while it is outstanding), and a retry is safe: ' +
      'the client_order_id built in the workflow is the order\'s identity',
  },
  reconcile: {
    startToCloseTimeout: '5 minutes',
    heartbeatTimeout: '10 seconds',
    retry: VENUE_RETRY,
    why:
      'a user-data timestamp, the lane\'s orders, fills and settlements walked to the last page, positions, the balance and ' +
      'one market read per foreign market, then one SQLite transaction; an incomplete run changes nothing, so a retry is safe; ' +
      'on the order path: it beats every 3 s while it runs (KeepAliveInterceptor), so a worker killed mid-booking is noticed in 10 s',
  },
  cancelResting: {
    startToCloseTimeout: '5 minutes',
    heartbeatTimeout: '1 minute',
    retry: VENUE_RETRY,
    why:
      'one resting-orders walk, one market read per market holding a lane order, then one cancel (a write) per order due; ' +
      'a retry is safe: a cancelled order answers 404 (gone) and is never cancelled twice; spaced out like other venue ' +
      'calls so a rate-limited exchange is not hammered; the workflow counts a failure and tries again next cycle',
  },
  book: {
    startToCloseTimeout: '5 minutes',
    retry: VENUE_RETRY,
    why: 'one trades read per market with resting orders and one market read per open position, then SQLite',
  },
  finishCycle: {
    startToCloseTimeout: '15 seconds',
    retry: LOCAL_DB_RETRY,
    why: 'one SQLite upsert and a small heartbeat file write (busy_timeout 5 s)',
  },
  notify: {
    startToCloseTimeout: '25 seconds',
    retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '10 seconds', maximumAttempts: 2, nonRetryableErrorTypes: [...NON_RETRYABLE] },
    why:
      'a few webhook POSTs within a 15 s budget (each also bounded by observability.webhook_timeout_seconds) after SQLite ' +
      'reads, so a worker stopped mid-call delays the workflow 25 s at most; a dead webhook ' +
      'never fails it (the unsent alert is retried next cycle), so one retry covers only a crashed worker, and the workflow ' +
      'swallows even that: alerts never block trading',
  },
};
