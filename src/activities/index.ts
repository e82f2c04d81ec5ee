/**
 * Activities: thin adapters between the workflow and the ports (store, venue, clock, notifier). They receive their
 * dependencies from the worker's composition root (`createActivities(deps)`); no module-level state.
 */
import type { Logger } from 'pino';
import type { Store } from '../store';
import { ControlState, ExternalControl, mergeRestrictive } from '../domain/control';
import type { LaneIdentity } from '../workflows/definitions';
import type {
  Activities,
  BeginCycleInput,
  BeginCycleResult,
  FinishCycleInput,
  LaneRef,
  PersistControlInput,
  PersistControlResult,
} from './types';
import { assertSameLane } from './lane-guard';
import { isOutsideWrite } from '../store/control-store';
import { buildHeartbeat, writeHeartbeat } from '../observability/heartbeat';
import { cycleSummaryFields, cycleSummaryText } from '../observability/cycle-summary';
import { pingDeadman } from '../observability/deadman';
import { ApplicationFailure } from '@temporalio/activity';
import { recordCycleOutcome } from '../domain/failure-cooldown';
import type { TradingDeps } from './trading-deps';
import type { DecisionRecord } from '../domain/trading-types';
import { scanMarkets } from './scan';
import { decideOrders } from './decide';
import { executePaper } from './execute';
import { bookPaper } from './book';
import { bookLive } from './book-live';
import { reconcileLane } from './reconcile';
import { orderGroupContractsLimit } from '../domain/order-group';
import { notifyLane } from './notify';
import type { WebhookTarget } from '../observability/notifier';
import { cancelRestingActivity } from './cancel-resting';
import { laneSubaccount, subaccountParam } from '../execution/lane-subaccount';

export type { TradingDeps, TradingSettings } from './trading-deps';

export type { Activities } from './types';

export interface ActivityDeps {
  identity: LaneIdentity;
  store: Store;
  logger: Logger;
  /** Level kill-switch sources on this host (env var, file), read fresh at every call. */
  readKillSources(): Pick<ExternalControl, 'envKill' | 'fileKill'>;
  heartbeatPath: string | null;
  /** Venue, model and settings of the trading pipeline; null = a worker that cannot trade (VenueNotConfigured). */
  trading?: TradingDeps | null;
  /** Called after each cycle is recorded (the CLI prints the cycle's decision table on a TTY). Never throws into the cycle. */
  /** Where alerts go (the webhook URL is a secret from the lane's secrets); null/absent = alerts off. */
  alerts?: WebhookTarget | null;
  onCycleFinished?: (c: { cycle: number; outcome: string; summary: Record<string, unknown>; decisions: DecisionRecord[] }) => void;
}

export function createActivities(deps: ActivityDeps): Activities {
  const { identity, store, logger } = deps;
  /** Lane identity and DB id, checked first by every activity (non-retryable LaneMismatchError). */
  const guard = (input: LaneRef) => assertSameLane(identity, input.lane, { worker: store.dbId, workflow: input.dbId });
  const trading = (): TradingDeps => {
    if (!deps.trading) throw ApplicationFailure.nonRetryable('this worker was built without a venue and a model: it cannot run the trading pipeline', 'VenueNotConfigured');
    return deps.trading;
  };
  /** Rewrite the heartbeat; a failed write is logged, never fails the activity (its DB work is done). */
  const heartbeat = (facts: Omit<Parameters<typeof buildHeartbeat>[0], 'dbPath'>) => {
    if (!deps.heartbeatPath) return;
    try {
      writeHeartbeat(deps.heartbeatPath, buildHeartbeat({ ...facts, dbPath: store.path, llmSpend: store.llm.summary(facts.nowMs) }));
    } catch (err) {
      logger.warn({ err: (err as Error).message, path: deps.heartbeatPath }, 'heartbeat write failed');
    }
  };
  return {
    async scan(input) {
      guard(input);
      return scanMarkets(trading(), store, input, input.nowMs);
    },
    async decide(input) {
      guard(input);
      return decideOrders(trading(), store, logger, input);
    },
    async execute(input) {
      guard(input);
      return executePaper(trading(), store, logger, input);
    },
    async reconcile(input) {
      guard(input);
      const t = trading();
      if (t.settings.mode !== 'live') throw ApplicationFailure.nonRetryable('reconcile runs on live lanes only (a dry-run lane has no exchange account)', 'NotLive');
      const og = t.settings.config.execution.order_group;
      return reconcileLane({
        store, venue: t.venue, logger, crashAt: t.crashAt, subaccount: laneSubaccount(t.settings.config),
        orderGroup: og.enabled ? { enabled: true, contractsLimitCentis: orderGroupContractsLimit(t.settings.fixed.maxNotionalPerCycle), ...subaccountParam(t.settings.config) } : null,
      }, input);
    },
    async cancelResting(input) {
      guard(input);
      return cancelRestingActivity(trading(), store, logger, input);
    },
    async book(input) {
      guard(input);
      const t = trading();
      // A live lane's ledger is the exchange's (booked by reconcile); the paper store is dry-run's alone.
      return t.settings.mode === 'live' ? bookLive(t, store, logger, input) : bookPaper(t, store, logger, input);
    },

    async beginCycle(input: BeginCycleInput): Promise<BeginCycleResult> {
      guard(input);
      store.cycles.begin({ lane: input.lane.lane, firstRunId: input.firstRunId, cycle: input.cycle }, input.runId, input.nowMs, input.lane.configHash);
      const sources = deps.readKillSources();
      // The DB row counts as an outside command when it is newer than what the workflow last wrote or adopted (e.g.
      // the CLI engaged the switch while Temporal or the worker was down, or before this workflow started), or when its
      // content differs from what the workflow last persisted (a restored backup: event ids restart lower).
      const row = store.control.read();
      const outside = row !== null && isOutsideWrite(row, input.controlVersion, input.persisted ?? null);
      const external: ExternalControl = { ...sources, db: outside ? controlOnly(row) : null };
      logger.info({ cycle: input.cycle, lane: input.lane.lane, at: new Date(input.nowMs).toISOString() }, 'cycle_start');
      return { external, controlVersion: row?.version ?? 0, dbId: store.dbId };
    },

    async finishCycle(input: FinishCycleInput): Promise<void> {
      guard(input);
      const key = { lane: input.lane.lane, firstRunId: input.firstRunId, cycle: input.cycle };
      store.cycles.finish(key, input.runId, input.startedAtMs, input.nowMs, input.outcome, input.summary, input.lane.configHash);
      if (deps.trading) {
        const risk = deps.trading.settings.config.risk;
        const cfg = { failureStreakCooldownThreshold: risk.failure_streak_cooldown_threshold, failureCooldownCycles: risk.failure_cooldown_cycles };
        const state = store.risk.read().failureCooldown;
        store.risk.write({ failureCooldown: recordCycleOutcome(state, input.cycle, input.outcome.startsWith('error:'), cfg) }, input.nowMs);
      }
      const line = cycleSummaryFields({
        lane: input.lane.lane, cycle: input.cycle, outcome: input.outcome, startedAtMs: input.startedAtMs, finishedAtMs: input.nowMs,
        summary: input.summary, blocked: input.status.tradingBlockedBy,
      });
      logger.info({ ...line, summary: input.summary }, cycleSummaryText(line));
      if (deps.onCycleFinished) {
        try {
          const decisions = store.decisions.list({ cycle: input.cycle, firstRunId: input.firstRunId });
          deps.onCycleFinished({ cycle: input.cycle, outcome: input.outcome, summary: input.summary, decisions });
        } catch (err) {
          logger.warn({ err: (err as Error).message }, 'cycle report failed');
        }
      }
      heartbeat({ status: input.status, nowMs: input.nowMs, writtenBy: 'cycle', outcome: input.outcome, summary: input.summary });
      // The outside dead-man's switch: pinged after every cycle; a failed ping is a warning, never a failed cycle.
      const deadman = deps.trading?.settings.config.observability.deadman_url ?? null;
      if (deadman) {
        const ping = await pingDeadman(deadman);
        if (!ping.ok) logger.warn({ cycle: input.cycle, host: ping.host, detail: ping.detail }, 'deadman ping failed');
      }
    },

    async notify(input) {
      guard(input);
      const threshold = deps.trading?.settings.config.alerts.repeated_failure_threshold ?? 3;
      return notifyLane({ store, logger, target: deps.alerts ?? null, repeatedFailureThreshold: threshold }, input);
    },

    async persistControl(input: PersistControlInput): Promise<PersistControlResult> {
      guard(input);
      const r = store.control.mergeWrite(input.control, input.expectedVersion, input.nowMs, 'workflow', input.kind, mergeRestrictive, input.expected ?? null);
      logger.info({ control: r.control, kind: input.kind, version: r.version }, 'control_state_persisted');
      // Every control change shows in the heartbeat at once (a kill switch by signal, a pause, a stop), as written.
      if (input.status) heartbeat({ status: input.status, control: r.control, nowMs: input.nowMs, writtenBy: `control:${input.kind}` });
      return r;
    },
  };
}

function controlOnly(c: ControlState): ControlState {
  return { killSwitch: c.killSwitch, paused: c.paused, latchedHalts: c.latchedHalts };
}
