/**
 * The live part of `kalshi-autopilot status` (source "live"), read-only from the lane DB: what reconciliation booked
 * from the exchange and what the journal holds open — the same facts the decision step reads (ledger-view.ts).
 *
 *   cash      = trading.bankroll + the cash booked since the lane started (fills, settlements; live_cash_ledger)
 *   equity    = trading.bankroll + realised P&L (net of fees) + Σ (mark − cost) of open positions, each marked by
 *               src/domain/marking.ts on the latest scanned snapshot of its market (at cost when never scanned)
 *   exposure  = Σ cost of open positions + Σ notional (rounded up) of what open buys could still take; an order whose
 *               outcome is unknown counts in full
 *   reconciliation: the latest run (complete or not), whether it mismatched, the 3-run latch, foreign exposure, and
 *               how many journal rows are unknown (each blocks every new order: unknown_order_outcome_guard)
 * Null when the lane has neither reconciled nor journalled anything (status then shows the last cycle's figures).
 */
import type { Database } from 'better-sqlite3';
import { liveFacts } from '../activities/ledger-view';
import { laneEquity, totalExposure } from '../domain/capital';
import { formatCount, formatDollarsExact, Micros } from '../domain/fixed';
import { markPositionWithBasis } from '../domain/marking';
import type { MarketSnapshot } from '../domain/trading-types';
import { JournalStore, LiveLedgerStore } from '../store';
import { hasTables } from './read-lane-db';

export interface LiveReconciliationStatus {
  lastRunAt: string | null;
  lastRunCycle: number | null;
  lastRunComplete: boolean | null;
  mismatch: boolean;
  /** Latched after three mismatching runs: entries stay blocked until `clear-halt reconciliation_mismatch_guard`. */
  latched: boolean;
  foreign: number;
  unknownOrders: number;
}

const money = (m: Micros) => formatDollarsExact(m);
const iso = (ms: number) => new Date(ms).toISOString();

function latestSnapshot(db: Database, ticker: string): { market: MarketSnapshot; atMs: number } | null {
  if (!hasTables(db, 'scans', 'scan_markets')) return null;
  const r = db
    .prepare('SELECT sm.snapshot_json AS j, s.at_ms AS at FROM scan_markets sm JOIN scans s ON s.id = sm.scan_id WHERE sm.ticker = ? ORDER BY s.at_ms DESC, s.id DESC LIMIT 1')
    .get(ticker) as { j: string; at: number } | undefined;
  return r ? { market: JSON.parse(r.j) as MarketSnapshot, atMs: r.at } : null;
}

function expirationIso(body: string): string {
  try {
    const e = (JSON.parse(body) as { expiration_time?: unknown }).expiration_time;
    return typeof e === 'number' ? iso(e * 1000) : 'none';
  } catch {
    return 'unreadable';
  }
}

export function liveLedgerStatus(db: Database, bankroll: Micros | null) {
  if (!hasTables(db, 'order_journal', 'live_positions', 'live_fills', 'live_cash_ledger', 'reconciliation_runs', 'foreign_exposure')) return null;
  const journal = new JournalStore(db);
  const liveLedger = new LiveLedgerStore(db);
  const runs = liveLedger.runs();
  const rows = journal.rows();
  if (runs.length === 0 && rows.length === 0) return null;
  const f = liveFacts({ journal, liveLedger }, { bankrollMicros: bankroll ?? 0, nowMs: 0 });
  const marked = f.positions.map((p) => {
    const snap = latestSnapshot(db, p.ticker);
    const mark = snap ? markPositionWithBasis(p, snap.market) : { valueMicros: p.costMicros, basis: 'cost' as const };
    return { p, mark, atMs: snap && mark.basis !== 'cost' ? snap.atMs : null };
  });
  const buys = f.open.filter((o) => o.action === 'buy');
  const last = runs.length ? runs[runs.length - 1] : null;
  const block = liveLedger.mismatchBlock();
  const reconciliation: LiveReconciliationStatus = {
    lastRunAt: last ? iso(last.atMs) : null,
    lastRunCycle: last?.cycle ?? null,
    lastRunComplete: last?.complete ?? null,
    mismatch: block.blocked,
    latched: block.latched,
    foreign: liveLedger.foreign().length,
    // What JournalStore.hasUnknown() counts (unknown_order_outcome_guard): every unknown and pending_submit row.
    unknownOrders: rows.filter((r) => r.status === 'unknown' || r.status === 'pending_submit').length,
  };
  const bodyOf = new Map(rows.map((r) => [`${r.ticker}|${r.side}|${r.action}|${r.priceMicros}`, r.requestBody]));
  return {
    source: 'live' as const,
    asOfCycle: liveLedger.lastCompleteRun()?.cycle ?? null,
    bankroll: bankroll === null ? null : money(bankroll),
    cash: bankroll === null ? null : money(f.cashMicros),
    realizedPnl: money(f.realisedMicros),
    equity: bankroll === null ? null : money(laneEquity(bankroll, f.realisedMicros, marked.map(({ p, mark }) => ({ costMicros: p.costMicros, markMicros: mark.valueMicros })))),
    exposure: money(totalExposure(f.positions, buys.map((o) => ({ priceMicros: o.priceMicros, remainingCentis: o.remainingCentis })))),
    openPositions: f.positions.length,
    restingOrders: f.open.length,
    positions: marked.map(({ p, mark, atMs }) => ({
      ticker: p.ticker, side: p.side, count: formatCount(p.countCentis), cost: money(p.costMicros), mark: money(mark.valueMicros), markBasis: mark.basis,
      markedAt: atMs === null ? null : iso(atMs),
    })),
    resting: f.open.map((o) => ({
      ticker: o.ticker, side: o.side, action: o.action, price: money(o.priceMicros), remaining: formatCount(o.remainingCentis),
      expiresAt: expirationIso(bodyOf.get(`${o.ticker}|${o.side}|${o.action}|${o.priceMicros}`) ?? ''),
    })),
    note: bankroll === null ? 'trading.bankroll unknown (config unusable): cash and equity not computed' : null,
    reconciliation,
  };
}

/** The status lines of a live ledger's reconciliation state (indented like the rest of status). */
export function liveReconciliationLines(r: LiveReconciliationStatus): string[] {
  const run = r.lastRunAt === null ? 'never' : `cycle #${r.lastRunCycle} at ${r.lastRunAt}${r.lastRunComplete ? '' : ' (INCOMPLETE: nothing changed locally)'}`;
  const lines = [`  reconciliation: last run ${run}; foreign exposure ${r.foreign}; unknown orders ${r.unknownOrders}`];
  if (r.latched) lines.push('    MISMATCH LATCHED (three runs in a row): entries blocked until `kalshi-autopilot clear-halt reconciliation_mismatch_guard` after review');
  else if (r.mismatch) lines.push('    mismatch with the exchange: entries blocked while it persists (reconciliation_mismatch_guard)');
  if (r.unknownOrders > 0) lines.push('    an order whose outcome is unknown blocks every new order until reconciliation resolves it (unknown_order_outcome_guard)');
  return lines;
}
