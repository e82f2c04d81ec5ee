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
import { writeHeartbeat } from '../observability/heartbeat';

export type { Activities } from './types';

export interface ActivityDeps {
  identity: LaneIdentity;
  store: Store;
  logger: Logger;
  /** Level kill-switch sources on this host (env var, file), read fresh at every call. */
  readKillSources(): Pick<ExternalControl, 'envKill' | 'fileKill'>;
  heartbeatPath: string | null;
}

export function createActivities(deps: ActivityDeps): Activities {
  const { identity, store, logger } = deps;
  /** Lane identity and DB id, checked first by every activity (non-retryable LaneMismatchError). */
  const guard = (input: LaneRef) => assertSameLane(identity, input.lane, { worker: store.dbId, workflow: input.dbId });
  return {
    async beginCycle(input: BeginCycleInput): Promise<BeginCycleResult> {
      guard(input);
      store.cycles.begin({ lane: input.lane.lane, firstRunId: input.firstRunId, cycle: input.cycle }, input.runId, input.nowMs);
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
      store.cycles.finish(key, input.runId, input.startedAtMs, input.nowMs, input.outcome, input.summary);
      logger.info({ cycle: input.cycle, outcome: input.outcome, blocked: input.status.tradingBlockedBy }, 'cycle_summary');
      if (deps.heartbeatPath) {
        writeHeartbeat(deps.heartbeatPath, {
          at: new Date(input.nowMs).toISOString(),
          lane: input.lane,
          dbPath: store.path,
          cycle: input.cycle,
          outcome: input.outcome,
          tradingBlockedBy: input.status.tradingBlockedBy,
          control: input.status.control,
          errors: input.status.errors,
          summary: input.summary,
        });
      }
    },

    async persistControl(input: PersistControlInput): Promise<PersistControlResult> {
      guard(input);
      const r = store.control.mergeWrite(input.control, input.expectedVersion, input.nowMs, 'workflow', input.kind, mergeRestrictive, input.expected ?? null);
      logger.info({ control: r.control, kind: input.kind, version: r.version }, 'control_state_persisted');
      return r;
    },
  };
}

function controlOnly(c: ControlState): ControlState {
  return { killSwitch: c.killSwitch, paused: c.paused, latchedHalts: c.latchedHalts };
}
