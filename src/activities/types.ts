/**
 * Activity contracts (types only; the workflow imports this file with `import type`).
 * Payloads are small: ids, counts, summaries. Every input carries the workflow's lane identity, which the activity
 * checks against its own worker's before doing anything.
 */
import type { ControlState, ExternalControl } from '../domain/control';
import type { LaneIdentity, StatusView } from '../workflows/definitions';

export interface CycleRef {
  lane: LaneIdentity;
  firstRunId: string;
  runId: string;
  cycle: number;
  /** The workflow's logical clock: activities never read the wall clock for trading time. */
  nowMs: number;
}

export interface BeginCycleResult {
  /** Kill-switch sources outside Temporal: env var and file on the worker's host, and the DB flag. */
  external: ExternalControl;
}

export interface FinishCycleInput extends CycleRef {
  outcome: string;
  summary: Record<string, unknown>;
  status: StatusView;
}

export interface PersistControlInput {
  lane: LaneIdentity;
  control: ControlState;
  nowMs: number;
  kind: string;
}

export interface Activities {
  beginCycle(input: CycleRef): Promise<BeginCycleResult>;
  finishCycle(input: FinishCycleInput): Promise<void>;
  persistControl(input: PersistControlInput): Promise<void>;
}
