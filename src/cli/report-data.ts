/**
 * The report's facts from a lane DB, read-only (src/domain/report.ts judges them). Paper lanes: paper_orders /
 * paper_fills / paper_positions; live lanes: order_journal / live_fills / live_settlements. Both: cycles (equity
 * after each cycle), decisions (signal edge, skips), llm_calls (migration 7) when the table exists.
 */
import BetterSqlite3 from 'better-sqlite3';
import { parseDollars, type Micros } from '../domain/fixed';
import type { FillFact, ReportFacts } from '../domain/report';

type Row = Record<string, unknown>;
const num = (v: unknown): number => (typeof v === 'number' ? v : Number(v ?? 0));

function hasTable(db: BetterSqlite3.Database, name: string): boolean {
  return db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) !== undefined;
}

export interface ReportSource {
  dbPath: string;
  lane: string;
  mode: 'dry-run' | 'live';
  bankrollMicros: Micros;
}

export function readReportFacts(src: ReportSource): ReportFacts & { notes: string[] } {
  const db = new BetterSqlite3(src.dbPath, { readonly: true, fileMustExist: true });
  try {
    const notes: string[] = [];
    const equity = (db.prepare("SELECT finished_at_ms, summary_json FROM cycles WHERE lane = ? AND finished_at_ms IS NOT NULL ORDER BY finished_at_ms").all(src.lane) as Row[])
      .flatMap((r) => {
        const e = (JSON.parse(String(r.summary_json ?? '{}')) as { equity?: unknown }).equity;
        if (typeof e !== 'string' || e === '') return [];
        try {
          return [{ atMs: num(r.finished_at_ms), equityMicros: parseDollars(e, 'cycles.summary.equity') }];
        } catch {
          return [];
        }
      });
    // The signal: the decision record of the order (same cycle, market and side).
    const edgeOf = new Map<string, Micros>();
    for (const r of db.prepare("SELECT cycle, ticker, side, edge_micros FROM decisions WHERE decision = 'order' AND edge_micros IS NOT NULL ORDER BY id").all() as Row[]) {
      const k = `${r.cycle}|${r.ticker}|${r.side}`;
      if (!edgeOf.has(k)) edgeOf.set(k, num(r.edge_micros));
    }
    const skips = (db.prepare("SELECT at_ms, reason FROM decisions WHERE decision = 'skip' AND reason IS NOT NULL").all() as Row[]).map((r) => ({ atMs: num(r.at_ms), reason: String(r.reason) }));
    let orders: ReportFacts['orders'];
    let fills: FillFact[];
    let settlements: ReportFacts['settlements'];
    if (src.mode === 'dry-run') {
      orders = (db.prepare('SELECT placed_at_ms, filled_centis FROM paper_orders').all() as Row[]).map((r) => ({ atMs: num(r.placed_at_ms), filledCentis: num(r.filled_centis) }));
      fills = (db.prepare(`SELECT f.at_ms, f.price_micros, f.count_centis, f.fee_micros, o.action, o.limit_price_micros, o.cycle, o.ticker, o.side
                             FROM paper_fills f JOIN paper_orders o ON o.id = f.order_id`).all() as Row[]).map((r) => ({
        atMs: num(r.at_ms), side: r.action === 'sell' ? 'sell' : 'buy', priceMicros: num(r.price_micros), limitMicros: num(r.limit_price_micros),
        countCentis: num(r.count_centis), feeMicros: num(r.fee_micros), edgeMicros: edgeOf.get(`${r.cycle}|${r.ticker}|${r.side}`) ?? null,
      }));
      settlements = (db.prepare('SELECT settled_at_ms, realized_pnl_micros FROM paper_positions WHERE settled_at_ms IS NOT NULL').all() as Row[]).map((r) => ({ atMs: num(r.settled_at_ms), realizedMicros: num(r.realized_pnl_micros) }));
    } else {
      const filled = new Map<string, number>();
      for (const r of db.prepare('SELECT client_order_id, SUM(count_centis) AS c FROM live_fills WHERE client_order_id IS NOT NULL GROUP BY client_order_id').all() as Row[]) filled.set(String(r.client_order_id), num(r.c));
      orders = (db.prepare("SELECT client_order_id, COALESCE(first_sent_at_ms, created_at_ms) AS at_ms FROM order_journal WHERE status IN ('resting', 'executed', 'canceled')").all() as Row[])
        .map((r) => ({ atMs: num(r.at_ms), filledCentis: filled.get(String(r.client_order_id)) ?? 0 }));
      fills = (db.prepare(`SELECT f.booked_at_ms, f.yes_price_micros, f.count_centis, f.fee_micros, j.side, j.action, j.price_micros, j.cycle, j.ticker
                             FROM live_fills f JOIN order_journal j ON j.client_order_id = f.client_order_id`).all() as Row[]).map((r) => ({
        atMs: num(r.booked_at_ms), side: r.action === 'sell' ? 'sell' : 'buy',
        priceMicros: r.side === 'no' ? 1_000_000 - num(r.yes_price_micros) : num(r.yes_price_micros), limitMicros: num(r.price_micros),
        countCentis: num(r.count_centis), feeMicros: num(r.fee_micros), edgeMicros: edgeOf.get(`${r.cycle}|${r.ticker}|${r.side}`) ?? null,
      }));
      settlements = (db.prepare('SELECT booked_at_ms, realized_pnl_micros FROM live_settlements').all() as Row[]).map((r) => ({ atMs: num(r.booked_at_ms), realizedMicros: num(r.realized_pnl_micros) }));
    }
    let llm: ReportFacts['llm'] = null;
    if (hasTable(db, 'llm_calls')) {
      llm = (db.prepare('SELECT day, SUM(charged_micros) AS m FROM llm_calls GROUP BY day').all() as Row[]).map((r) => ({ day: String(r.day), chargedMicros: num(r.m) }));
    } else notes.push('LLM spend: no LLM call ledger in this DB (migration 7): shown as 0');
    return { startEquityMicros: src.bankrollMicros, equity, orders, fills, settlements, skips, llm, notes };
  } finally {
    db.close();
  }
}
