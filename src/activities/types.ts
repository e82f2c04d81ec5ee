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

export interface BeginCycleInput extends CycleRef {
  /** Version of the DB control row the workflow last wrote or adopted (0: none yet). */
  controlVersion: number;
}

export interface BeginCycleResult {
  /** Kill-switch sources outside Temporal: env var and file on the worker's host, and a newer DB flag. */
  external: ExternalControl;
  /** Current version of the DB control row. */
  controlVersion: number;
}

export interface FinishCycleInput extends CycleRef {
  startedAtMs: number;
  outcome: string;
  summary: Record<string, unknown>;
  status: StatusView;
}

export interface PersistControlInput {
  lane: LaneIdentity;
  control: ControlState;
  /** The DB version the workflow last wrote or adopted; a newer row's restrictions are merged in, not overwritten. */
  expectedVersion: number;
  nowMs: number;
  kind: string;
}

export interface PersistControlResult {
  /** What was written: the workflow's state plus any restriction written meanwhile by someone else. */
  control: ControlState;
  version: number;
}

export interface Activities {
  beginCycle(input: BeginCycleInput): Promise<BeginCycleResult>;
  finishCycle(input: FinishCycleInput): Promise<void>;
  persistControl(input: PersistControlInput): Promise<PersistControlResult>;
}
