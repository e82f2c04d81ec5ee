/**
 * llm: fair values from an LLM (Anthropic Messages or OpenAI Chat Completions), with a budget that cannot leak
 * (docs/models.md). Per cycle:
 *
 *   reuse     a stored estimate of the market (llm_estimates) while younger than estimate_ttl_seconds, the market's
 *             reference price within reuse_max_price_move of the price it was made at, and its terms unchanged
 *   batches   the rest in batches of batch_size; per batch: replay a settled call of this cycle with the same key
 *             (a retried activity pays nothing twice), else reserve the worst case in SQLite → call → settle from
 *             usage. Markets the reply did not validly answer get ONE retry (a smaller batch), then no estimate.
 *   budget    a reservation that does not fit cost_limit_per_cycle / cost_limit_per_day: no call; that batch and every
 *             later one get `budget_exhausted` (the decision records llm_budget_guard)
 *   errors    429 / 4xx (charged 0), 5xx / timeout / dropped response (charged at the reservation): an LlmProviderError,
 *             retried by the decide activity's retry policy, which sees the earlier spend in SQLite
 */
import type { Logger } from 'pino';
import type { BudgetLimits, LlmPrices } from '../../domain/llm-budget';
import { estimateInputTokens, usageCost, worstCaseCost } from '../../domain/llm-budget';
import { formatDollarsExact } from '../../domain/fixed';
import type { Estimate, MarketSnapshot } from '../../domain/trading-types';
import { scrub } from '../../observability/redact';
import { cancellationSignal, progress } from '../../activities/heartbeat';
import { EstimateRequest, EstimateResult, EstimateSkip, FairValueModel, LlmLedgerPort, ModelError, oneLine } from '../types';
import { buildUserPrompt, LLM_SYSTEM_PROMPT, referencePriceMicros, termsHash } from './prompt';
import { LlmCallError, LlmProvider, REFUSED_FOR_GOOD } from './providers';
import { parseReply, REPLY_JSON_SCHEMA, ReplyEstimate } from './reply';

export const LLM_MODEL = 'llm';

export class LlmProviderError extends ModelError {
  constructor(readonly outcome: string, message: string) {
    super(LLM_MODEL, message);
    this.name = 'LlmProviderError';
  }
}

/** A 400/401/403/404/422: the key, the model name or the request is wrong; retrying cannot help (non-retryable). */
export class LlmRequestRefusedError extends ModelError {
  constructor(readonly status: number, message: string) {
    super(LLM_MODEL, message);
    this.name = 'LlmRequestRefusedError';
  }
}

export interface LlmModelOptions {
  provider: LlmProvider;
  maxTokens: number;
  temperature: number;
  batchSize: number;
  timeoutMs: number;
  prices: LlmPrices;
  limits: BudgetLimits;
  /** 0 = never reuse across cycles. */
  estimateTtlMs: number;
  /** Micros: a reference-price move above this re-asks. */
  reuseMaxPriceMoveMicros: number;
  logger: Logger;
}

type Asked = { kind: 'reply'; answers: Map<string, ReplyEstimate>; problems: string[]; callId: number } | { kind: 'budget'; detail: string };

export class LlmModel implements FairValueModel {
  readonly name = LLM_MODEL;

  constructor(private readonly opts: LlmModelOptions) {
    for (const [k, v] of Object.entries({ maxTokens: opts.maxTokens, batchSize: opts.batchSize, timeoutMs: opts.timeoutMs })) {
      if (!Number.isSafeInteger(v) || v < 1) throw new RangeError(`llm: ${k} must be a whole number ≥ 1`);
    }
  }

  /** The model id estimates are cached under (provider:model: a different model never reuses another's view). */
  get modelId(): string {
    return `${this.opts.provider.provider}:${this.opts.provider.model}`;
  }

  async estimate(req: EstimateRequest): Promise<EstimateResult> {
    const ledger = req.llmLedger;
    if (!ledger || !req.firstRunId) throw new ModelError(LLM_MODEL, 'llm: no budget ledger was given (the lane DB is required: no call is made without a reservation)');
    const ref = { firstRunId: req.firstRunId, cycle: req.cycle };
    const markets = dedupe(req.markets);
    const got = new Map<string, Estimate>();
    const skipped: EstimateSkip[] = [];
    let reused = 0;

    const toAsk: MarketSnapshot[] = [];
    for (const m of markets) {
      const e = this.reusable(ledger, m, req.nowMs);
      if (e) { got.set(m.ticker, e); reused += 1; } else toAsk.push(m);
    }

    let budgetDetail: string | null = null;
    let calls = 0;
    for (let i = 0; i < toAsk.length; i += this.opts.batchSize) {
      const batch = toAsk.slice(i, i + this.opts.batchSize);
      let remaining = batch;
      let lastProblems: string[] = [];
      for (let attempt = 0; attempt < 2 && remaining.length > 0 && budgetDetail === null; attempt += 1) {
        const r = await this.ask(ledger, ref, req.nowMs, remaining, attempt);
        if (r.kind === 'budget') { budgetDetail = r.detail; break; }
        calls += 1;
        for (const m of remaining) {
          const a = r.answers.get(m.ticker);
          if (!a) continue;
          const est: Estimate = {
            ticker: m.ticker, probabilityPpm: a.probabilityPpm, confidencePpm: a.confidencePpm, source: this.name, asOfMs: req.nowMs,
            reasoning: oneLine(scrub(a.reasoning)),
          };
          got.set(m.ticker, est);
          ledger.putEstimate({
            ticker: m.ticker, model: this.modelId, probabilityPpm: a.probabilityPpm, confidencePpm: a.confidencePpm, reasoning: est.reasoning,
            uncertainties: a.uncertainties.map((u) => scrub(u)), asOfMs: req.nowMs, priceMicros: referencePriceMicros(m), termsHash: termsHash(m), callId: r.callId,
          });
        }
        lastProblems = r.problems;
        if (r.problems.length) this.opts.logger.warn({ model: this.name, cycle: req.cycle, attempt, problems: r.problems.slice(0, 5) }, 'llm: reply did not validate for some markets');
        remaining = remaining.filter((m) => !got.has(m.ticker));
      }
      for (const m of remaining) {
        if (budgetDetail !== null) skipped.push({ ticker: m.ticker, reason: 'budget_exhausted', detail: `llm: no call made: ${budgetDetail}` });
        else skipped.push({ ticker: m.ticker, reason: 'llm_invalid_reply', detail: `llm: no valid answer after one retry (${oneLine(lastProblems.join('; '), 200)})` });
      }
    }

    const spend = ledger.spend(ref, req.nowMs);
    const estimates = markets.map((m) => got.get(m.ticker)).filter((e): e is Estimate => e !== undefined);
    const notes = [
      `llm ${this.modelId}: ${estimates.length} estimates for ${markets.length} markets (${reused} reused, ${calls} calls), ` +
        `spent $${formatDollarsExact(spend.cycleMicros)} this cycle, $${formatDollarsExact(spend.dayMicros)} today` +
        (budgetDetail ? `; budget reached: ${budgetDetail}` : ''),
    ];
    return { estimates, skipped, notes, costMicros: spend.cycleMicros };
  }

  private reusable(ledger: LlmLedgerPort, m: MarketSnapshot, nowMs: number): Estimate | null {
    if (this.opts.estimateTtlMs <= 0) return null;
    const c = ledger.cachedEstimate(m.ticker, this.modelId);
    if (!c) return null;
    const age = nowMs - c.asOfMs;
    if (age < 0 || age >= this.opts.estimateTtlMs) return null;
    if (c.termsHash !== termsHash(m)) return null;
    const p = referencePriceMicros(m);
    if ((p === null) !== (c.priceMicros === null)) return null;
    if (p !== null && c.priceMicros !== null && Math.abs(p - c.priceMicros) > this.opts.reuseMaxPriceMoveMicros) return null;
    return { ticker: m.ticker, probabilityPpm: c.probabilityPpm, confidencePpm: c.confidencePpm, source: this.name, asOfMs: c.asOfMs, reasoning: c.reasoning };
  }

  /** One call for `markets` (or the replay of this cycle's settled call with the same key). */
  private async ask(ledger: LlmLedgerPort, ref: { firstRunId: string; cycle: number }, nowMs: number, markets: MarketSnapshot[], attempt: number): Promise<Asked> {
    const tickers = markets.map((m) => m.ticker);
    const callKey = `${attempt}:${tickers.join(',')}`;
    const replay = ledger.settledReply(ref, callKey);
    if (replay) return { kind: 'reply', ...parseReply(replay.replyText, tickers), callId: replay.id };

    const user = buildUserPrompt(markets, nowMs);
    const worst = worstCaseCost(estimateInputTokens([LLM_SYSTEM_PROMPT, user, JSON.stringify(REPLY_JSON_SCHEMA)]), this.opts.maxTokens, this.opts.prices);
    const p = this.opts.provider;
    const res = ledger.reserve({ ref, nowMs, callKey, tickers, provider: p.provider, model: p.model, reservedMicros: worst.micros }, this.opts.limits);
    if (!res.ok) {
      this.opts.logger.warn({ model: this.name, cycle: ref.cycle, code: 'llm_budget_guard', limit: res.refusal.limit, detail: res.refusal.detail }, 'llm: reservation refused, no call made');
      return { kind: 'budget', detail: res.refusal.detail };
    }
    let reply;
    // Inside the decide activity: heartbeat while the call is in flight (a no-op elsewhere).
    const beat = () => progress({ stage: 'decide', model: this.name, call: res.id, markets: tickers.length });
    beat();
    const timer = setInterval(beat, 20_000);
    try {
      const signal = cancellationSignal();
      reply = await p.call({ system: LLM_SYSTEM_PROMPT, user, maxTokens: this.opts.maxTokens, temperature: this.opts.temperature, timeoutMs: this.opts.timeoutMs, ...(signal ? { signal } : {}) });
    } catch (err) {
      const e = err instanceof LlmCallError ? err : new LlmCallError('malformed_response', 'reservation', scrub(String((err as Error)?.message ?? err)));
      const detail = oneLine(scrub(e.message), 300);
      if (e.charge === 'none') ledger.refused(res.id, e.outcome, detail, nowMs);
      else ledger.lost(res.id, e.outcome, detail, nowMs);
      this.opts.logger.warn({ model: this.name, cycle: ref.cycle, outcome: e.outcome, charged: e.charge }, `llm: call failed: ${detail}`);
      if (e.status !== null && REFUSED_FOR_GOOD.includes(e.status)) throw new LlmRequestRefusedError(e.status, `llm: ${detail}`);
      throw new LlmProviderError(e.outcome, `llm: ${detail}`);
    } finally {
      clearInterval(timer);
    }
    const cost = reply.usage ? usageCost(reply.usage, this.opts.prices) : worst.micros;
    if (cost > worst.micros) this.opts.logger.warn({ model: this.name, cycle: ref.cycle, cost, reserved: worst.micros }, 'llm: usage cost above the reservation (the input estimate was low)');
    const parsed = parseReply(reply.text, tickers);
    ledger.settle(res.id, {
      costMicros: cost, inputTokens: reply.usage?.inputTokens ?? worst.inputTokens, outputTokens: reply.usage?.outputTokens ?? worst.outputTokens,
      outcome: parsed.problems.length === 0 ? 'ok' : parsed.answers.size > 0 ? 'partial' : 'invalid_reply', replyText: reply.text, atMs: nowMs,
      detail: reply.usage ? null : 'no usage in the response: charged at the reservation',
    });
    return { kind: 'reply', ...parsed, callId: res.id };
  }
}

function dedupe(markets: readonly MarketSnapshot[]): MarketSnapshot[] {
  const seen = new Set<string>();
  return markets.filter((m) => (seen.has(m.ticker) ? false : (seen.add(m.ticker), true)));
}
