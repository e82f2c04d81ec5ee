/**
 * Storage (better-sqlite3, WAL, one file per environment × mode).
 *
 *   openStore({ path, mode, env, allowLiveLegacyDb?, lock? }) → Store
 *     - refuses a file of another environment or mode (DbModeError) before writing anything;
 *     - with lock: true (the worker) takes the exclusive worker lock (DbLockError if held elsewhere);
 *   Store.control  — ControlStore (kill switch / pause / latched halts, with an audit trail)
 *   Store.cycles   — CycleStore (one row per trading cycle)
 *   Store.scans    — ScanStore (scans with their market snapshots, fetched order books)
 *   Store.decisions — DecisionStore (estimates and decision records per cycle)
 *   Store.paper    — PaperStore (paper orders, fills, positions, cash ledger; resetPaper)
 *   Store.journal  — JournalStore (live orders: pending before the send, outcomes, events; docs/journal.md)
 *   Store.liveLedger — LiveLedgerStore (live fills, positions, cash, reconciliation runs, foreign exposure; docs/reconciliation.md)
 *   Store.llm      — LlmStore (the LLM budget ledger and reusable LLM estimates; docs/models.md)
 *   Store.quality  — QualityStore (settled outcomes, scored forecasts, the model bench; docs/scoring.md)
 *   backupDatabase(db, path) — SQLite online backup into a timestamped file.
 */
import type { Database } from 'better-sqlite3';
import { checkDbForMode, openDatabase, OpenDbOptions } from './db';
import { acquireDbLock, DbLock } from './lock';
import { ControlStore } from './control-store';
import { CycleStore } from './cycle-store';
import { ScanStore } from './scan-store';
import { DecisionStore } from './decision-store';
import { PaperStore } from './paper-store';
import { RiskStore } from './risk-store';
import { JournalStore } from './journal-store';
import { LiveLedgerStore } from './live-ledger-store';
import { OrderGroupStore } from './order-group-store';
import { LlmStore } from './llm-store';
import { QualityStore } from './quality-store';

export * from './db';
export * from './lock';
export { ControlStore } from './control-store';
export { CycleStore } from './cycle-store';
export type { CycleRecord, CycleKey } from './cycle-store';
export { ScanStore } from './scan-store';
export type { CycleRef, ScanRecord, StoredBook } from './scan-store';
export { DecisionStore } from './decision-store';
export type { StoredDecision, StoredEstimate } from './decision-store';
export { PaperStore } from './paper-store';
export { RiskStore, RiskStateCorruptError } from './risk-store';
export type { RiskState } from './risk-store';
export { JournalStore, IdempotencyConflictError, JournalTransitionError, TRANSITIONS, RECONCILIATION_TRANSITIONS, JOURNAL_STATUSES } from './journal-store';
export { LiveLedgerStore } from './live-ledger-store';
export { OrderGroupStore } from './order-group-store';
export type { OrderGroupRow, OrderGroupState } from './order-group-store';
export type { LiveFillRow, ReconciliationRun, ForeignExposureRow } from './live-ledger-store';
export { LlmStore } from './llm-store';
export { QualityStore } from './quality-store';
export type { BenchRow, BenchClear, OutcomeSource } from './quality-store';
export type { LlmCallRow, LlmCallStatus, CachedLlmEstimate, LlmSpendSummary } from './llm-store';
export type { JournalRow, NewJournalRow, JournalStatus, JournalEvent, OutcomeOptions } from './journal-store';
export type {
  PaperOrder, NewPaperOrder, PaperOrderStatus, PaperFill, NewPaperFill, PaperPosition, LedgerEntry, LedgerKind,
} from './paper-store';

export interface Store {
  readonly path: string;
  readonly db: Database;
  /** The DB's UUID (`meta.db_id`): the lane's workflow pins it and refuses a worker on another file. */
  readonly dbId: string;
  readonly control: ControlStore;
  readonly cycles: CycleStore;
  readonly scans: ScanStore;
  readonly decisions: DecisionStore;
  readonly paper: PaperStore;
  readonly risk: RiskStore;
  /** The live order journal (docs/journal.md). */
  readonly journal: JournalStore;
  /** The live ledger and reconciliation runs (docs/reconciliation.md). */
  readonly liveLedger: LiveLedgerStore;
  /** The live lane's exchange-side order group (docs/reconciliation.md "Order groups"). */
  readonly orderGroups: OrderGroupStore;
  /** The LLM budget ledger and reusable LLM estimates (docs/models.md). */
  readonly llm: LlmStore;
  /** Settled outcomes, scored forecasts and the model bench (docs/scoring.md). */
  readonly quality: QualityStore;
  readonly warnings: string[];
  close(): void;
}

export function openStore(opts: OpenDbOptions & { lock?: boolean }): Store {
  let lock: DbLock | null = null;
  if (opts.lock) {
    checkDbForMode(opts); // refuse a wrong-lane file before creating even the lock file
    lock = acquireDbLock(opts.path);
  }
  try {
    const { db, warnings, dbId } = openDatabase(opts);
    return {
      path: opts.path,
      db,
      dbId,
      control: new ControlStore(db),
      cycles: new CycleStore(db),
      scans: new ScanStore(db),
      decisions: new DecisionStore(db),
      paper: new PaperStore(db),
      risk: new RiskStore(db),
      journal: new JournalStore(db),
      liveLedger: new LiveLedgerStore(db),
      orderGroups: new OrderGroupStore(db),
      llm: new LlmStore(db),
      quality: new QualityStore(db),
      warnings,
      close() {
        try {
          db.close();
        } finally {
          lock?.release();
        }
      },
    };
  } catch (err) {
    lock?.release();
    throw err;
  }
}
