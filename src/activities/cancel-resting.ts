/**
 * The `cancelResting` activity: cancel a live lane's resting orders on the exchange (src/execution/live-cancel.ts;
 * docs/journal.md "Cancels"). The workflow calls it after reconcile every live cycle (`reason: "ttl"`: the routine
 * sweep, each order due by TTL or before its market's close), when the kill switch is engaged with cancelResting
 * (`kill_switch`) and on `stop --cancel-resting` (`stop`).
 *
 * A dry-run lane has no exchange orders: a no-op returning zero counts (paper orders stay, as definitions.ts says).
 * Safe to retry: a second cancel of a canceled order answers 404 (`gone`). The activity fails RETRYABLY when a cancel
 * `failed` (5xx, timeout, 429, unreadable…) or the resting orders could not be listed — after cancelling everything it
 * could; an exchange pause (`cancel_retry`) is not a failure: the order stays and the next sweep retries it.
 */
import { ApplicationFailure } from '@temporalio/activity';
import type { Logger } from 'pino';
import type { CancelReason } from '../domain/cancel-plan';
import { cancelResting, CancelOrderReport, emptyCounts } from '../execution/live-cancel';
import { subaccountParam } from '../execution/lane-subaccount';
import type { Store } from '../store';
import { KalshiCredentialsRequiredError } from '../venues/kalshi';
import { progress } from './heartbeat';
import type { CycleRef } from './types';
import type { TradingDeps } from './trading-deps';

export interface CancelRestingInput extends CycleRef {
  /** `ttl` (or `before_close`): the routine sweep; `kill_switch` / `stop`: every resting order of the lane. */
  reason: CancelReason;
}

export interface CancelRestingOutcome {
  reason: CancelReason;
  requested: number;
  canceled: number;
  gone: number;
  /** Refused during an exchange pause (`cancel_retry`): left resting, retried at the next sweep. */
  retry: number;
  failed: number;
  /** The lane's resting orders not due yet. */
  kept: number;
  /** Resting orders of the account that are not the lane's (never touched). */
  foreignLeft: number;
  results: Pick<CancelOrderReport, 'clientOrderId' | 'orderId' | 'ticker' | 'why' | 'result'>[];
  /**
   * kill_switch / stop: unknown journal rows a lookup could not settle (absent in results recorded before it). > 0 =
   * not complete: the kill switch's engagement stays unserved, the stop's cancel incomplete.
   */
  unresolved?: number;
}

export async function cancelRestingActivity(t: TradingDeps, store: Store, logger: Logger, input: CancelRestingInput): Promise<CancelRestingOutcome> {
  if (input.reason === 'panic') throw ApplicationFailure.nonRetryable('cancelResting: `panic` is the CLI\'s (kalshi-autopilot panic), not the workflow\'s', 'ConfigError');
  if (t.settings.mode !== 'live') return { reason: input.reason, ...emptyCounts(), kept: 0, foreignLeft: 0, unresolved: 0, results: [] };
  // On sim the exchange follows the lane's logical clock (as scan does): TTL and closes are judged at the cycle's time.
  await t.venueClock?.advanceTo(input.nowMs);
  const cfg = t.settings.config;
  const venueNowMs = t.venueNowMs ?? (async () => Date.now());
  const out = await cancelResting(
    {
      venue: t.venue, journal: store.journal, logger, venueNowMs,
      orderTtlSeconds: cfg.execution.order_ttl_seconds, cancelBeforeCloseSeconds: cfg.execution.cancel_before_close_seconds,
      ...subaccountParam(cfg),
      onProgress: (done, of) => progress({ stage: 'cancelResting', done, of }),
    },
    { reason: input.reason, firstRunId: input.firstRunId },
  ).catch((err: unknown) => {
    if (err instanceof KalshiCredentialsRequiredError) {
      throw ApplicationFailure.nonRetryable(`cancelResting: ${err.message}: the live lane has no Kalshi credentials`, 'VenueNotConfigured');
    }
    throw err;
  });
  const counts = { requested: out.requested, canceled: out.canceled, gone: out.gone, retry: out.retry, failed: out.failed };
  logger.info({ cycle: input.cycle, reason: input.reason, ...counts, kept: out.kept, foreignLeft: out.foreignLeft }, 'cancel_resting');
  if (out.failed > 0 || out.listingError) {
    // Retried by Temporal (a canceled order answers 404 next time: nothing is cancelled twice); the workflow counts it.
    throw ApplicationFailure.retryable(
      `cancelResting (${input.reason}): ${out.failed} of ${out.requested} cancels failed${out.listingError ? `; ${out.listingError}` : ''} ` +
        `(canceled ${out.canceled}, gone ${out.gone}, cancel_retry ${out.retry})`,
      'CancelFailed',
    );
  }
  return {
    reason: input.reason, ...counts, kept: out.kept, foreignLeft: out.foreignLeft, unresolved: out.unresolved.length,
    results: out.results.map((r) => ({ clientOrderId: r.clientOrderId, orderId: r.orderId, ticker: r.ticker, why: r.why, result: r.result })),
  };
}
