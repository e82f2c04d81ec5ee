/**
 * `status`: what the LLM budget ledger holds (docs/models.md "The budget"), read-only. "Today" is the UTC day of the
 * lane's logical clock as of its latest cycle (wall time when no cycle ran), so a sim lane far ahead of the wall clock
 * shows the day its budget is charged to. A DB from before migration 7 (no llm_calls table) shows nothing.
 */
import BetterSqlite3 from 'better-sqlite3';
import { formatDollarsExact } from '../domain/fixed';
import { CycleStore } from '../store/cycle-store';
import { LlmStore, type LlmSpendSummary } from '../store/llm-store';

export interface LlmSpendStatus {
  /** UTC day (YYYY-MM-DD) charged as today. */
  day: string;
  today: string;
  todayCalls: number;
  lastCycle: { cycle: number; spent: string; calls: number } | null;
}

export function readLlmSpend(dbPath: string, lane: string, wallNowMs: number): LlmSpendStatus | null {
  const db = new BetterSqlite3(dbPath, { readonly: true, fileMustExist: true });
  try {
    if (!db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'llm_calls'").get()) return null;
    const last = new CycleStore(db).latest(lane, 1)[0];
    const s: LlmSpendSummary = new LlmStore(db).summary(last ? last.startedAtMs : wallNowMs);
    if (!s.lastCycle) return null;
    return {
      day: s.day, today: formatDollarsExact(s.todayMicros), todayCalls: s.todayCalls,
      lastCycle: { cycle: s.lastCycle.cycle, spent: formatDollarsExact(s.lastCycle.micros), calls: s.lastCycle.calls },
    };
  } finally {
    db.close();
  }
}

export function llmSpendLines(s: LlmSpendStatus | null): string[] {
  if (!s) return [];
  return [
    `  llm spend: today (${s.day} UTC) $${s.today} in ${s.todayCalls} calls` +
      (s.lastCycle ? `; last cycle with calls #${s.lastCycle.cycle} $${s.lastCycle.spent} in ${s.lastCycle.calls} calls` : ''),
  ];
}
