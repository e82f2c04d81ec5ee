/**
 * The LLM budget ledger and the estimate-reuse cache (migration 7; docs/models.md "The budget").
 *
 *   reserve()  one IMMEDIATE transaction: sum what the cycle and the UTC day already carry, refuse when the worst case
 *              does not fit (nothing written), else insert the row charged at its reservation — before the call
 *   settle()   after the reply: charged = the usage cost; the reply text is kept so a retried activity of the same
 *              cycle replays it (settledReply) instead of paying again
 *   lost()     timeout, dropped connection, 5xx: stays charged at the reservation
 *   refused()  429 / 4xx: the provider did no work; charged 0
 * A row left `reserved` (the process died mid-call) counts at its reservation forever. Rows are never deleted.
 */
import type { Database } from 'better-sqlite3';
import { BudgetLimits, BudgetRefusal, BudgetSpend, reservationRefusal, utcDayKey } from '../domain/llm-budget';
import type { CycleRef } from './scan-store';

export type LlmCallStatus = 'reserved' | 'settled' | 'lost' | 'refused';

export interface LlmCallRow {
  id: number;
  firstRunId: string;
  cycle: number;
  day: string;
  atMs: number;
  callKey: string;
  tickers: string[];
  provider: string;
  model: string;
  status: LlmCallStatus;
  reservedMicros: number;
  chargedMicros: number;
  costMicros: number | null;
  inputTokens: number | null;
  outputTokens: number | null;
  outcome: string | null;
  detail: string | null;
}

export interface NewReservation {
  ref: CycleRef;
  /** The logical clock: its UTC day is the day charged. */
  nowMs: number;
  callKey: string;
  tickers: readonly string[];
  provider: string;
  model: string;
  reservedMicros: number;
}

export interface CachedLlmEstimate {
  ticker: string;
  model: string;
  probabilityPpm: number;
  confidencePpm: number;
  reasoning: string;
  uncertainties: string[];
  asOfMs: number;
  priceMicros: number | null;
  termsHash: string;
  callId: number;
}

export interface LlmSpendSummary {
  /** The UTC day of `nowMs`. */
  day: string;
  todayMicros: number;
  todayCalls: number;
  /** The latest cycle with a call (of any first run), or null. */
  lastCycle: { firstRunId: string; cycle: number; micros: number; calls: number } | null;
}

const int = (v: number, what: string) => {
  if (!Number.isSafeInteger(v) || v < 0) throw new RangeError(`llm ledger: ${what} must be a whole number ≥ 0 (got ${String(v)})`);
  return v;
};

export class LlmStore {
  constructor(private readonly db: Database) {}

  /** What the cycle and the UTC day of `nowMs` already carry (settled costs + open and lost reservations). */
  spend(ref: CycleRef, nowMs: number): BudgetSpend {
    const c = this.db.prepare('SELECT COALESCE(SUM(charged_micros), 0) AS s FROM llm_calls WHERE first_run_id = ? AND cycle = ?').get(ref.firstRunId, ref.cycle) as { s: number };
    const d = this.db.prepare('SELECT COALESCE(SUM(charged_micros), 0) AS s FROM llm_calls WHERE day = ?').get(utcDayKey(nowMs)) as { s: number };
    return { cycleMicros: c.s, dayMicros: d.s };
  }

  /** Reserve the worst case of one call, or refuse (nothing written) when it does not fit a limit. */
  reserve(r: NewReservation, limits: BudgetLimits): { ok: true; id: number } | { ok: false; refusal: BudgetRefusal; spend: BudgetSpend } {
    int(r.reservedMicros, 'reservedMicros');
    return this.db.transaction(() => {
      const spend = this.spend(r.ref, r.nowMs);
      const refusal = reservationRefusal(spend, r.reservedMicros, limits);
      if (refusal) return { ok: false as const, refusal, spend };
      const id = Number(this.db.prepare(
        `INSERT INTO llm_calls (first_run_id, cycle, day, at_ms, call_key, tickers, provider, model, status, reserved_micros, charged_micros)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'reserved', ?, ?)`,
      ).run(r.ref.firstRunId, r.ref.cycle, utcDayKey(r.nowMs), r.nowMs, r.callKey, r.tickers.join(','), r.provider, r.model, r.reservedMicros, r.reservedMicros).lastInsertRowid);
      return { ok: true as const, id };
    }).immediate();
  }

  /** The reply arrived: charge its usage cost and keep the reply for a replay. */
  settle(id: number, s: { costMicros: number; inputTokens: number; outputTokens: number; outcome: string; replyText: string; atMs: number; detail?: string | null }): void {
    int(s.costMicros, 'costMicros');
    this.update(id, `status = 'settled', charged_micros = @cost, cost_micros = @cost, input_tokens = @inTok, output_tokens = @outTok, outcome = @outcome,
      reply_text = @reply, detail = @detail, settled_at_ms = @atMs`, {
      cost: s.costMicros, inTok: int(s.inputTokens, 'inputTokens'), outTok: int(s.outputTokens, 'outputTokens'), outcome: s.outcome, reply: s.replyText,
      detail: s.detail ?? null, atMs: s.atMs,
    });
  }

  /** No reply (timeout, dropped connection, 5xx): the reservation stays charged. */
  lost(id: number, outcome: string, detail: string, atMs: number): void {
    this.update(id, `status = 'lost', outcome = @outcome, detail = @detail, settled_at_ms = @atMs`, { outcome, detail, atMs });
  }

  /** The provider refused before doing any work (429, 4xx): nothing charged. */
  refused(id: number, outcome: string, detail: string, atMs: number): void {
    this.update(id, `status = 'refused', charged_micros = 0, outcome = @outcome, detail = @detail, settled_at_ms = @atMs`, { outcome, detail, atMs });
  }

  private update(id: number, set: string, args: Record<string, unknown>): void {
    const n = this.db.prepare(`UPDATE llm_calls SET ${set} WHERE id = @id AND status = 'reserved'`).run({ ...args, id }).changes;
    if (n !== 1) throw new Error(`llm ledger: call ${id} is not an open reservation`);
  }

  /** A settled call of this cycle with this key (a retried activity replays its reply instead of paying again). */
  settledReply(ref: CycleRef, callKey: string): { id: number; replyText: string } | null {
    const r = this.db.prepare(
      `SELECT id, reply_text FROM llm_calls WHERE first_run_id = ? AND cycle = ? AND call_key = ? AND status = 'settled' ORDER BY id DESC LIMIT 1`,
    ).get(ref.firstRunId, ref.cycle, callKey) as { id: number; reply_text: string } | undefined;
    return r ? { id: r.id, replyText: r.reply_text } : null;
  }

  calls(q: { firstRunId?: string; cycle?: number; day?: string } = {}): LlmCallRow[] {
    const where: string[] = [];
    const args: (string | number)[] = [];
    if (q.firstRunId !== undefined) { where.push('first_run_id = ?'); args.push(q.firstRunId); }
    if (q.cycle !== undefined) { where.push('cycle = ?'); args.push(q.cycle); }
    if (q.day !== undefined) { where.push('day = ?'); args.push(q.day); }
    return (this.db.prepare(`SELECT * FROM llm_calls ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id`).all(...args) as Record<string, never>[]).map((r) => ({
      id: r.id, firstRunId: r.first_run_id, cycle: r.cycle, day: r.day, atMs: r.at_ms, callKey: r.call_key, tickers: (r.tickers as string).split(',').filter(Boolean),
      provider: r.provider, model: r.model, status: r.status, reservedMicros: r.reserved_micros, chargedMicros: r.charged_micros, costMicros: r.cost_micros,
      inputTokens: r.input_tokens, outputTokens: r.output_tokens, outcome: r.outcome, detail: r.detail,
    }));
  }

  /** Spend today (UTC day of `nowMs`) and of the latest cycle with a call: for status, the heartbeat and reports. */
  summary(nowMs: number): LlmSpendSummary {
    const day = utcDayKey(nowMs);
    const t = this.db.prepare('SELECT COALESCE(SUM(charged_micros), 0) AS s, COUNT(*) AS n FROM llm_calls WHERE day = ?').get(day) as { s: number; n: number };
    const last = this.db.prepare('SELECT first_run_id, cycle FROM llm_calls ORDER BY id DESC LIMIT 1').get() as { first_run_id: string; cycle: number } | undefined;
    let lastCycle: LlmSpendSummary['lastCycle'] = null;
    if (last) {
      const c = this.db.prepare('SELECT COALESCE(SUM(charged_micros), 0) AS s, COUNT(*) AS n FROM llm_calls WHERE first_run_id = ? AND cycle = ?').get(last.first_run_id, last.cycle) as { s: number; n: number };
      lastCycle = { firstRunId: last.first_run_id, cycle: last.cycle, micros: c.s, calls: c.n };
    }
    return { day, todayMicros: t.s, todayCalls: t.n, lastCycle };
  }

  cachedEstimate(ticker: string, model: string): CachedLlmEstimate | null {
    const r = this.db.prepare('SELECT * FROM llm_estimates WHERE ticker = ? AND model = ?').get(ticker, model) as Record<string, never> | undefined;
    if (!r) return null;
    return {
      ticker: r.ticker, model: r.model, probabilityPpm: r.probability_ppm, confidencePpm: r.confidence_ppm, reasoning: r.reasoning,
      uncertainties: JSON.parse(r.uncertainties_json) as string[], asOfMs: r.as_of_ms, priceMicros: r.price_micros, termsHash: r.terms_hash, callId: r.call_id,
    };
  }

  putEstimate(e: CachedLlmEstimate): void {
    this.db.prepare(
      `INSERT INTO llm_estimates (ticker, model, probability_ppm, confidence_ppm, reasoning, uncertainties_json, as_of_ms, price_micros, terms_hash, call_id)
       VALUES (@ticker, @model, @probabilityPpm, @confidencePpm, @reasoning, @uncertainties, @asOfMs, @priceMicros, @termsHash, @callId)
       ON CONFLICT (ticker, model) DO UPDATE SET probability_ppm = excluded.probability_ppm, confidence_ppm = excluded.confidence_ppm,
         reasoning = excluded.reasoning, uncertainties_json = excluded.uncertainties_json, as_of_ms = excluded.as_of_ms,
         price_micros = excluded.price_micros, terms_hash = excluded.terms_hash, call_id = excluded.call_id`,
    ).run({ ...e, uncertainties: JSON.stringify(e.uncertainties) });
  }
}
