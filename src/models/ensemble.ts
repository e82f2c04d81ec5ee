/**
 * ensemble: several fair-value models with weights (model.ensemble.members: [{ kind, weight }]). Members plug in by
 * kind: each is built by createModel from its own model.<kind> section, so a new kind (e.g. cross-venue) joins an
 * ensemble without a change here.
 *
 * Per market, over the members that gave an estimate for it (a member that THREW this cycle is dropped for every
 * market, never failing the cycle; a member without an estimate for a market is dropped for that market):
 *   probability = Σ wᵢ·pᵢ / Σ wᵢ      confidence = Σ wᵢ·cᵢ / Σ wᵢ      (weights renormalised over those members;
 *                                                                     integer ppm, rounded half up)
 * fewer than model.ensemble.min_members → no estimate (`ensemble_too_few_members`). Each member's own estimate is kept
 * (`views`, stored with the cycle's estimates) and named in the combined estimate's reasoning.
 */
import type { Logger } from 'pino';
import { formatDollarsExact } from '../domain/fixed';
import type { Estimate } from '../domain/trading-types';
import { safeErrorMessage } from '../observability/redact';
import { EstimateRequest, EstimateResult, EstimateSkip, FairValueModel, ModelConfigError, oneLine } from './types';

export const ENSEMBLE_MODEL = 'ensemble';

export interface EnsembleMember {
  /** The member's kind (config), e.g. `llm`. */
  kind: string;
  /** Weight in micro-units (1.0 → 1_000_000), > 0. */
  weightMicros: number;
  model: FairValueModel;
}

export interface EnsembleOptions {
  members: EnsembleMember[];
  minMembers: number;
  logger: Logger;
}

/** Σ w·x / Σ w, rounded half up (integers). */
function weightedMean(pairs: { w: number; x: number }[]): number {
  const num = pairs.reduce((n, p) => n + BigInt(p.w) * BigInt(p.x), 0n);
  const den = pairs.reduce((n, p) => n + BigInt(p.w), 0n);
  return Number((2n * num + den) / (2n * den));
}

export class EnsembleModel implements FairValueModel {
  readonly name = ENSEMBLE_MODEL;

  constructor(private readonly opts: EnsembleOptions) {
    if (opts.members.length === 0) throw new ModelConfigError(ENSEMBLE_MODEL, 'model.ensemble.members', 'needs at least one member');
    for (const m of opts.members) {
      if (!Number.isSafeInteger(m.weightMicros) || m.weightMicros <= 0) throw new ModelConfigError(ENSEMBLE_MODEL, 'model.ensemble.members', `weight of ${m.kind} must be greater than 0`);
    }
    if (!Number.isSafeInteger(opts.minMembers) || opts.minMembers < 1 || opts.minMembers > opts.members.length) {
      throw new ModelConfigError(ENSEMBLE_MODEL, 'model.ensemble.min_members', `must be between 1 and the number of members (${opts.members.length})`);
    }
  }

  async estimate(req: EstimateRequest): Promise<EstimateResult> {
    const notes: string[] = [];
    const skipped: EstimateSkip[] = [];
    const views: Estimate[] = [];
    const byMember: { member: EnsembleMember; estimates: Map<string, Estimate> }[] = [];
    let cost: number | undefined;
    for (const member of this.opts.members) {
      try {
        const r = await member.model.estimate(req);
        byMember.push({ member, estimates: new Map(r.estimates.map((e) => [e.ticker, e])) });
        views.push(...r.estimates, ...(r.views ?? []));
        for (const s of r.skipped) skipped.push({ ...s, detail: s.detail.startsWith(`${member.kind}:`) ? s.detail : `${member.kind}: ${s.detail}` });
        notes.push(...r.notes);
        if (r.costMicros !== undefined) cost = (cost ?? 0) + r.costMicros;
      } catch (err) {
        const msg = oneLine(safeErrorMessage(err), 200);
        notes.push(`ensemble: member ${member.kind} failed and is left out this cycle (${msg})`);
        this.opts.logger.warn({ model: this.name, cycle: req.cycle, member: member.kind }, `ensemble member failed: ${msg}`);
        // A member that fails may still have charged the budget (an llm call that was lost): the ledger knows.
        const spent = req.llmLedger && req.firstRunId && member.kind === 'llm' ? req.llmLedger.spend({ firstRunId: req.firstRunId, cycle: req.cycle }, req.nowMs).cycleMicros : undefined;
        if (spent !== undefined) cost = (cost ?? 0) + spent;
      }
    }
    const estimates: Estimate[] = [];
    for (const m of req.markets) {
      if (estimates.some((e) => e.ticker === m.ticker)) continue;
      const have = byMember.map((b) => ({ member: b.member, e: b.estimates.get(m.ticker) })).filter((x): x is { member: EnsembleMember; e: Estimate } => x.e !== undefined);
      if (have.length < this.opts.minMembers) {
        skipped.push({ ticker: m.ticker, reason: 'ensemble_too_few_members', detail: `ensemble: ${have.length} member estimates (${have.map((h) => h.member.kind).join(', ') || 'none'}), min_members ${this.opts.minMembers}` });
        continue;
      }
      const probabilityPpm = weightedMean(have.map((h) => ({ w: h.member.weightMicros, x: h.e.probabilityPpm })));
      const confidencePpm = weightedMean(have.map((h) => ({ w: h.member.weightMicros, x: h.e.confidencePpm })));
      const total = have.reduce((n, h) => n + h.member.weightMicros, 0);
      estimates.push({
        ticker: m.ticker,
        probabilityPpm,
        confidencePpm,
        source: this.name,
        asOfMs: Math.min(...have.map((h) => h.e.asOfMs)),
        reasoning: oneLine(`ensemble: ${have.map((h) => `${h.e.source} ${formatDollarsExact(h.e.probabilityPpm)} ×${weightShare(h.member.weightMicros, total)}`).join(', ')}`),
      });
    }
    notes.push(`ensemble: ${estimates.length} estimates for ${req.markets.length} markets from ${byMember.length}/${this.opts.members.length} members`);
    return { estimates, skipped, notes, views, ...(cost !== undefined ? { costMicros: cost } : {}) };
  }
}

/** A member's renormalised weight as a share, e.g. "0.50" (display only, floor to the hundredth). */
function weightShare(w: number, total: number): string {
  const hundredths = Number((BigInt(w) * 100n) / BigInt(total));
  return `${Math.floor(hundredths / 100)}.${String(hundredths % 100).padStart(2, '0')}`;
}
