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
  PersistControlInput,
  PersistControlResult,
} from './types';
import { assertSameLane } from './lane-guard';
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
  return {
    async beginCycle(input: BeginCycleInput): Promise<BeginCycleResult> {
      assertSameLane(identity, input.lane);
      store.cycles.begin({ lane: input.lane.lane, firstRunId: input.firstRunId, cycle: input.cycle }, input.runId, input.nowMs);
      const sources = deps.readKillSources();
      // The DB row counts as an outside command only when it is newer than what the workflow last wrote or adopted
      // (e.g. the CLI engaged the switch while Temporal or the worker was down, or before this workflow started).
      const row = store.control.read();
      const newer = row !== null && row.version > input.controlVersion;
      const external: ExternalControl = { ...sources, db: newer ? controlOnly(row) : null };
      logger.info({ cycle: input.cycle, lane: input.lane.lane, at: new Date(input.nowMs).toISOString() }, 'cycle_start');
      return { external, controlVersion: row?.version ?? 0 };
    },

    async finishCycle(input: FinishCycleInput): Promise<void> {
      assertSameLane(identity, input.lane);
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
      assertSameLane(identity, input.lane);
      const r = store.control.mergeWrite(input.control, input.expectedVersion, input.nowMs, 'workflow', input.kind, mergeRestrictive);
      logger.info({ control: r.control, kind: input.kind, version: r.version }, 'control_state_persisted');
      return r;
    },
  };
}

function controlOnly(c: ControlState): ControlState {
  return { killSwitch: c.killSwitch, paused: c.paused, latchedHalts: c.latchedHalts };
}
