/**
 * Forecast scoring's storage (migration 9, docs/scoring.md): settled outcomes per market, the estimates with the
 * market's price at decision time, the lane's entries, and the persisted bench list of {model, series} pairs.
 * Integers only in what is stored for money and prices (the bench's skill and interval are statistics).
 */
import type { Database } from 'better-sqlite3';
import type { BenchKey, EntryPoint, EstimatePoint, OutcomePoint, PairVerdict, ScoredForecast } from '../domain/scoring';
import { selectForecasts } from '../domain/scoring';
import type { Side } from '../domain/trading-types';

export type OutcomeSource = 'paper' | 'live' | 'venue' | 'scan';

export interface BenchRow extends BenchKey {
  benchedAtMs: number;
  settled: number;
  skill: number | null;
  ciLow: number | null;
  ciHigh: number | null;
  confidence: number;
}

export interface BenchClear extends BenchKey {
  clearedAtMs: number;
  clearedBy: string;
}

const seriesCol = (s: string | null) => s ?? '';
const seriesOf = (s: string) => (s === '' ? null : s);

export class QualityStore {
  constructor(private readonly db: Database) {}

  /** Record a market's settled result once (the first source wins; a retry is harmless). */
  recordOutcome(ticker: string, result: Side, settledAtMs: number, source: OutcomeSource): boolean {
    if (result !== 'yes' && result !== 'no') throw new RangeError(`outcome of ${ticker}: result must be yes or no (got ${String(result)})`);
    if (!Number.isSafeInteger(settledAtMs)) throw new RangeError(`outcome of ${ticker}: settledAtMs must be an integer`);
    return this.db.prepare('INSERT OR IGNORE INTO market_outcomes (ticker, result, settled_at_ms, source) VALUES (?, ?, ?, ?)')
      .run(ticker, result, settledAtMs, source).changes > 0;
  }

  /** Copy the paper and live ledgers' settlements into market_outcomes. Returns the rows added. */
  syncLedgerOutcomes(): number {
    const a = this.db.prepare(`INSERT OR IGNORE INTO market_outcomes (ticker, result, settled_at_ms, source)
      SELECT ticker, settled_result, MIN(settled_at_ms), 'paper' FROM paper_positions
      WHERE settled_result IS NOT NULL AND settled_at_ms IS NOT NULL GROUP BY ticker`).run().changes;
    const b = this.db.prepare(`INSERT OR IGNORE INTO market_outcomes (ticker, result, settled_at_ms, source)
      SELECT ticker, market_result, booked_at_ms, 'live' FROM live_settlements WHERE market_result IN ('yes', 'no')`).run().changes;
    return a + b;
  }

  /** The latest settled_at_ms among the known outcomes (0 when none). */
  latestOutcomeMs(): number {
    return (this.db.prepare('SELECT COALESCE(MAX(settled_at_ms), 0) AS m FROM market_outcomes').get() as { m: number }).m;
  }

  outcomes(): OutcomePoint[] {
    return (this.db.prepare('SELECT ticker, result, settled_at_ms FROM market_outcomes ORDER BY settled_at_ms, ticker').all() as Record<string, never>[])
      .map((r) => ({ ticker: r.ticker, result: r.result, settledAtMs: r.settled_at_ms }));
  }

  /** Markets the lane estimated, closed by `nowMs`, whose outcome is not known yet (oldest close first). */
  pendingOutcomes(nowMs: number, limit: number): string[] {
    return (this.db.prepare(`SELECT ticker, MIN(close_time_ms) AS c FROM estimates
        WHERE close_time_ms IS NOT NULL AND close_time_ms <= ? AND ticker NOT IN (SELECT ticker FROM market_outcomes)
        GROUP BY ticker ORDER BY c, ticker LIMIT ?`).all(nowMs, limit) as { ticker: string }[]).map((r) => r.ticker);
  }

  /** Every estimate with its market context (those written before migration 9 have no mid and are never scored). */
  estimatePoints(): EstimatePoint[] {
    return (this.db.prepare(`SELECT first_run_id, cycle, model, ticker, event_ticker, series_ticker, category, probability_ppm, mid_ppm,
        as_of_ms, close_time_ms FROM estimates WHERE ticker IN (SELECT ticker FROM market_outcomes) ORDER BY id`).all() as Record<string, never>[])
      .map((r) => ({
        firstRunId: r.first_run_id, cycle: r.cycle, model: r.model, ticker: r.ticker, eventTicker: r.event_ticker ?? r.ticker,
        seriesTicker: r.series_ticker, category: r.category, probabilityPpm: r.probability_ppm, midPpm: r.mid_ppm,
        asOfMs: r.as_of_ms, closeTimeMs: r.close_time_ms,
      }));
  }

  /**
   * The lane's entry per market: its first `order` decision (cycle, side, predicted edge), with what the position
   * became — paper: the buy fills' average price, count and fees, the positions' realised P&L; live: the decision's
   * price and count, the live position's fees and realised P&L.
   */
  entryPoints(): EntryPoint[] {
    // One pass over decisions: the first order row per ticker (no per-row subquery: the table grows every cycle).
    const rows = this.db.prepare(`SELECT d.ticker, d.first_run_id, d.cycle, d.side, d.edge_micros, d.price_micros, d.count_centis FROM decisions d
        JOIN (SELECT MIN(id) AS id FROM decisions WHERE decision = 'order' AND side IS NOT NULL GROUP BY ticker) f ON f.id = d.id
        ORDER BY d.id`).all() as Record<string, never>[];
    const fills = this.db.prepare(`SELECT SUM(f.count_centis) AS n, SUM(f.price_micros * f.count_centis) AS pc, SUM(f.fee_micros) AS fee
        FROM paper_fills f JOIN paper_orders o ON o.id = f.order_id WHERE o.ticker = ? AND o.side = ? AND o.action = 'buy'`);
    const paperPnl = this.db.prepare('SELECT SUM(realized_pnl_micros) AS p FROM paper_positions WHERE ticker = ?');
    const allFees = this.db.prepare(`SELECT SUM(f.fee_micros) AS fee FROM paper_fills f JOIN paper_orders o ON o.id = f.order_id WHERE o.ticker = ?`);
    const live = this.db.prepare('SELECT realized_pnl_micros AS p, fees_micros AS fee FROM live_positions WHERE ticker = ?');
    const out: EntryPoint[] = [];
    for (const r of rows) {
      const f = fills.get(r.ticker, r.side) as { n: number | null; pc: number | null; fee: number | null };
      const l = live.get(r.ticker) as { p: number; fee: number } | undefined;
      const base = { ticker: r.ticker, firstRunId: r.first_run_id, cycle: r.cycle, side: r.side as Side, predictedEdgeMicros: r.edge_micros ?? 0 };
      if (f.n) {
        out.push({
          ...base, entryPriceMicros: Math.floor((f.pc ?? 0) / f.n), countCentis: f.n,
          feeMicros: (allFees.get(r.ticker) as { fee: number | null }).fee ?? 0, pnlMicros: (paperPnl.get(r.ticker) as { p: number | null }).p ?? 0,
        });
      } else if (l) {
        out.push({ ...base, entryPriceMicros: r.price_micros ?? 0, countCentis: r.count_centis, feeMicros: l.fee, pnlMicros: l.p });
      }
    }
    return out;
  }

  /** One scored forecast per (model, settled market). */
  forecasts(): ScoredForecast[] {
    return selectForecasts(this.estimatePoints(), this.entryPoints(), this.outcomes());
  }

  bench(): BenchRow[] {
    return (this.db.prepare('SELECT * FROM model_bench ORDER BY model, series').all() as Record<string, never>[]).map((r) => ({
      model: r.model, series: seriesOf(r.series), benchedAtMs: r.benched_at_ms, settled: r.settled, skill: r.skill,
      ciLow: r.ci_low, ciHigh: r.ci_high, confidence: r.confidence,
    }));
  }

  /** Put a judged pair on the bench (once: a pair already benched keeps its first row). Returns whether it was added. */
  addToBench(v: PairVerdict, nowMs: number): boolean {
    return this.db.prepare(`INSERT OR IGNORE INTO model_bench (model, series, benched_at_ms, settled, skill, ci_low, ci_high, confidence)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?)`)
      .run(v.model, seriesCol(v.series), nowMs, v.settled, v.skill, v.interval?.lo ?? null, v.interval?.hi ?? null, v.interval?.confidence ?? 0).changes > 0;
  }

  /** Lift one bench entry and remember when (the pair is then judged only on markets settled later). False = not benched. */
  clearBench(key: BenchKey, nowMs: number, by: string): boolean {
    return this.db.transaction(() => {
      const gone = this.db.prepare('DELETE FROM model_bench WHERE model = ? AND series = ?').run(key.model, seriesCol(key.series)).changes > 0;
      if (gone) {
        this.db.prepare(`INSERT INTO model_bench_clears (model, series, cleared_at_ms, cleared_by) VALUES (?, ?, ?, ?)
            ON CONFLICT (model, series) DO UPDATE SET cleared_at_ms = excluded.cleared_at_ms, cleared_by = excluded.cleared_by`)
          .run(key.model, seriesCol(key.series), nowMs, by);
      }
      return gone;
    })();
  }

  clears(): BenchClear[] {
    return (this.db.prepare('SELECT * FROM model_bench_clears ORDER BY model, series').all() as Record<string, never>[])
      .map((r) => ({ model: r.model, series: seriesOf(r.series), clearedAtMs: r.cleared_at_ms, clearedBy: r.cleared_by }));
  }
}
