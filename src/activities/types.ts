/**
 * Activity contracts (types only; the workflow imports this file with `import type`).
 * Payloads are small: ids, counts, summaries. Every input carries the workflow's lane identity, which the activity
 * checks against its own worker's before doing anything.
 */
import type { ControlState, ExternalControl } from '../domain/control';
import type { ScanResult } from './scan';
import type { DecideOutcome } from './decide';
import type { ExecuteOrder, ExecuteOutcome } from './execute';
import type { BookOutcome } from './book';
import type { ReconcileSummary } from './reconcile';
import type { NotifyInput, NotifyResult } from './notify';
import type { CancelRestingInput, CancelRestingOutcome } from './cancel-resting';

export type { ScanResult, DecideOutcome, ExecuteOrder, ExecuteOutcome, BookOutcome, ReconcileSummary, CancelRestingInput, CancelRestingOutcome, NotifyInput, NotifyResult };
import type { LaneIdentity, StatusView } from '../workflows/definitions';

/** What every activity input carries to prove it is for this worker: the lane identity and the pinned DB id. */
export interface LaneRef {
  lane: LaneIdentity;
  /** The lane DB's UUID the workflow pinned at its first beginCycle; null/absent before that (first cycle only). */
  dbId?: string | null;
}

export interface CycleRef extends LaneRef {
  firstRunId: string;
  runId: string;
  cycle: number;
  /** The workflow's logical clock: activities never read the wall clock for trading time. */
  nowMs: number;
}

export interface BeginCycleInput extends CycleRef {
  /** Version of the DB control row the workflow last wrote or adopted (0: none yet). */
  controlVersion: number;
  /**
   * The control state the workflow last wrote or adopted: a DB row whose content differs from it is an outside write
   * whatever its version (a restored backup restarts the event ids below the workflow's version).
   */
  persisted?: ControlState | null;
}

export interface BeginCycleResult {
  /** Kill-switch sources outside Temporal: env var and file on the worker's host, and a newer DB flag. */
  external: ExternalControl;
  /** Current version of the DB control row. */
  controlVersion: number;
  /** The worker's DB UUID: the workflow pins it the first time. */
  dbId?: string;
}

export interface FinishCycleInput extends CycleRef {
  startedAtMs: number;
  outcome: string;
  summary: Record<string, unknown>;
  status: StatusView;
}

export interface PersistControlInput extends LaneRef {
  control: ControlState;
  /** The DB version the workflow last wrote or adopted; a newer row's restrictions are merged in, not overwritten. */
  expectedVersion: number;
  /** What the workflow last wrote or adopted; a row with other content is merged in too (restored backup). */
  expected?: ControlState | null;
  nowMs: number;
  kind: string;
  /** The workflow's status when it asked for the write: the activity rewrites the heartbeat from it (absent: older workflows). */
  status?: StatusView;
}

export interface PersistControlResult {
  /** What was written: the workflow's state plus any restriction written meanwhile by someone else. */
  control: ControlState;
  version: number;
}

export interface DecideInput extends CycleRef {
  scanId: number;
  /** The workflow's control state now (the guards read it; the DB's is read again inside execute). */
  control: ControlState;
}

export interface ExecuteInput extends CycleRef {
  scanId: number;
  orders: ExecuteOrder[];
}

export interface Activities {
  beginCycle(input: BeginCycleInput): Promise<BeginCycleResult>;
  /** Live lanes: journal, fills, positions, settlements and cash against the exchange (docs/reconciliation.md). */
  reconcile(input: CycleRef): Promise<ReconcileSummary>;
  /** Live lanes: cancel resting orders due (TTL, before close) or all of the lane's (kill switch, stop); dry-run: a no-op. */
  cancelResting(input: CancelRestingInput): Promise<CancelRestingOutcome>;
  /** Fetch what the scope names; filter and scope-check (#1); store the scan. */
  scan(input: CycleRef): Promise<ScanResult>;
  /** Fair value → opportunities → sizing → risk guards → final scope (#2); decision records stored. */
  decide(input: DecideInput): Promise<DecideOutcome>;
  /** Place the sized orders (paper in dry-run), re-checking mode, control and scope (#3) inside. */
  execute(input: ExecuteInput): Promise<ExecuteOutcome>;
  /** Fills from trades, TTL expiry, settlement; the ledger after it. */
  book(input: CycleRef): Promise<BookOutcome>;
  finishCycle(input: FinishCycleInput): Promise<void>;
  persistControl(input: PersistControlInput): Promise<PersistControlResult>;
  /** Webhook alerts: what began or ended since the carried dedupe state (src/activities/notify.ts); never fails on a dead webhook. */
  notify(input: NotifyInput): Promise<NotifyResult>;
}
