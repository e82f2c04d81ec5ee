/**
 * `clear-halt reconciliation_mismatch_guard`, the DB half: the mismatch latch (three mismatching reconciliations in a
 * row) lives in the lane DB's `reconciliation_runs`, not in the workflow's latched halts, so the CLI clears it there,
 * recording who and when (`cleared_by`, `cleared_at_ms`). Clearing does not make the numbers agree: while the latest
 * complete run still mismatches, entries stay blocked, and the count of mismatching runs starts again from zero (three
 * more latch again). Never creates a DB (openExistingLaneStore).
 */
import os from 'node:os';
import { safeErrorMessage } from '../observability/redact';
import type { LaneTarget } from './lane';
import { openExistingLaneStore } from './lane-db';

export type ReconciliationLatchClear =
  | { ok: true; cleared: number; by: string; atMs: number; stillMismatched: boolean }
  | { ok: false; error: string };

/** Who ran the command, for the audit columns: `cli:<os user>` (`cli` when the user cannot be read). */
export function cliActor(): string {
  try {
    return `cli:${os.userInfo().username}`;
  } catch {
    return 'cli';
  }
}

export function clearReconciliationLatch(lane: Pick<LaneTarget, 'dbPath' | 'dbFrom' | 'mode' | 'env' | 'allowLiveLegacyDb'>, by = cliActor(), atMs = Date.now()): ReconciliationLatchClear {
  try {
    const store = openExistingLaneStore(lane);
    try {
      const cleared = store.liveLedger.clearMismatchLatch(by, atMs);
      return { ok: true, cleared, by, atMs, stillMismatched: store.liveLedger.mismatchBlock().blocked };
    } finally {
      store.close();
    }
  } catch (err) {
    return { ok: false, error: safeErrorMessage(err) };
  }
}

/** The lines `clear-halt` prints for the DB half. */
export function describeLatchClear(r: Extract<ReconciliationLatchClear, { ok: true }>, dbShown: string): string {
  const head = r.cleared > 0
    ? `clear-halt reconciliation_mismatch_guard: cleared the reconciliation latch in ${dbShown} (by ${r.by} at ${new Date(r.atMs).toISOString()})`
    : `clear-halt reconciliation_mismatch_guard: no latched reconciliation mismatch in ${dbShown}: nothing to clear`;
  const tail = r.stillMismatched
    ? '  the latest reconciliation still disagrees with the exchange: entries stay blocked until one agrees (three more mismatching runs latch again)'
    : '  entries are no longer blocked by reconciliation; the next mismatching reconciliation blocks them again';
  return `${head}\n${tail}\n`;
}
