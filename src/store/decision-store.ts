/**
 * Estimates and decision records per cycle. Each write replaces the cycle's rows atomically, so a retried activity
 * is harmless. Every value is an integer (ppm, micros, centis).
 */
import type { Database } from 'better-sqlite3';
import type { DecisionRecord, Estimate, MarketSnapshot } from '../domain/trading-types';
import type { CycleRef } from './scan-store';

export interface StoredDecision extends DecisionRecord {
  id: number;
  firstRunId: string;
  /** Position within the cycle's records (the order they were given). */
  seq: number;
  atMs: number;
}

export interface StoredEstimate extends Estimate {
  firstRunId: string;
  cycle: number;
}

export class DecisionStore {
  constructor(private readonly db: Database) {}

  /**
   * Replace the cycle's estimates (one per ticker and model), each with its market's context at decision time when
   * `markets` holds it (docs/scoring.md): event, series, category, close time, the YES mid (⌊(bid + ask) / 2⌋, null
   * without both quotes) and both sides' asks (YES ask; NO ask = 1 − YES bid).
   */
  recordEstimates(ref: CycleRef, estimates: Estimate[], markets: readonly MarketSnapshot[] = []): void {
    const byTicker = new Map(markets.map((m) => [m.ticker, m]));
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM estimates WHERE first_run_id = ? AND cycle = ?').run(ref.firstRunId, ref.cycle);
      const put = this.db.prepare(
        `INSERT INTO estimates (first_run_id, cycle, ticker, model, probability_ppm, confidence_ppm, as_of_ms, reasoning,
           event_ticker, series_ticker, category, close_time_ms, mid_ppm, yes_ask_micros, no_ask_micros)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      );
      for (const e of estimates) {
        const m = byTicker.get(e.ticker);
        const bid = m?.yesBid?.price ?? null;
        const ask = m?.yesAsk?.price ?? null;
        put.run(ref.firstRunId, ref.cycle, e.ticker, e.source, e.probabilityPpm, e.confidencePpm, e.asOfMs, e.reasoning,
          m?.eventTicker ?? null, m?.seriesTicker ?? null, m?.category ?? null, m?.closeTimeMs ?? null,
          bid !== null && ask !== null ? Math.floor((bid + ask) / 2) : null, ask, bid === null ? null : 1_000_000 - bid);
      }
    })();
  }

  estimates(ref: CycleRef): StoredEstimate[] {
    return (this.db.prepare('SELECT * FROM estimates WHERE first_run_id = ? AND cycle = ? ORDER BY id').all(ref.firstRunId, ref.cycle) as Record<string, never>[])
      .map((r) => ({
        firstRunId: r.first_run_id, cycle: r.cycle, ticker: r.ticker, source: r.model, probabilityPpm: r.probability_ppm,
        confidencePpm: r.confidence_ppm, asOfMs: r.as_of_ms, reasoning: r.reasoning,
      }));
  }

  /** Replace the cycle's decision records (in the order given). Every record must name this cycle. */
  record(ref: CycleRef, atMs: number, records: DecisionRecord[]): void {
    for (const d of records) {
      if (d.cycle !== ref.cycle) throw new RangeError(`decision for ${d.ticker} names cycle ${d.cycle}, not ${ref.cycle}`);
      for (const [k, v] of Object.entries({ fairValuePpm: d.fairValuePpm, priceMicros: d.priceMicros, edgeMicros: d.edgeMicros, confidencePpm: d.confidencePpm, countCentis: d.countCentis })) {
        if (v !== null && !Number.isSafeInteger(v)) throw new RangeError(`decision for ${d.ticker}: ${k} must be an integer (got ${String(v)})`);
      }
    }
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM decisions WHERE first_run_id = ? AND cycle = ?').run(ref.firstRunId, ref.cycle);
      const put = this.db.prepare(
        `INSERT INTO decisions (first_run_id, cycle, seq, at_ms, ticker, side, fair_value_ppm, price_micros, edge_micros, confidence_ppm,
           count_centis, decision, reason, detail)
         VALUES (@firstRunId, @cycle, @seq, @atMs, @ticker, @side, @fairValuePpm, @priceMicros, @edgeMicros, @confidencePpm,
           @countCentis, @decision, @reason, @detail)`,
      );
      records.forEach((d, seq) => put.run({ ...d, firstRunId: ref.firstRunId, seq, atMs }));
    })();
  }

  /** Decision records, oldest first: of one cycle (every first run holding that number, unless firstRunId is given) or the latest `limit`. */
  list(q: { cycle?: number; firstRunId?: string; limit?: number } = {}): StoredDecision[] {
    const where: string[] = [];
    const args: (string | number)[] = [];
    if (q.cycle !== undefined) { where.push('cycle = ?'); args.push(q.cycle); }
    if (q.firstRunId !== undefined) { where.push('first_run_id = ?'); args.push(q.firstRunId); }
    const sql = `SELECT * FROM (SELECT * FROM decisions ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?) ORDER BY id`;
    return (this.db.prepare(sql).all(...args, q.limit ?? 1000) as Record<string, never>[]).map((r) => ({
      id: r.id, firstRunId: r.first_run_id, cycle: r.cycle, seq: r.seq, atMs: r.at_ms, ticker: r.ticker, side: r.side,
      fairValuePpm: r.fair_value_ppm, priceMicros: r.price_micros, edgeMicros: r.edge_micros, confidencePpm: r.confidence_ppm,
      countCentis: r.count_centis, decision: r.decision, reason: r.reason, detail: r.detail,
    }));
  }
}
