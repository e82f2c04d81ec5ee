/**
 * The ensemble, pure of I/O: weights renormalised over the members that answered a market, a failing member dropped
 * (never failing the cycle), min_members, each member's view kept; and decideCycle naming llm_budget_guard and the
 * estimate coverage and cost in the one-line reason. The budget's arithmetic by hand.
 */
import { capitalSnapshot } from '../../src/domain/capital';
import { initialControlState } from '../../src/domain/control';
import { initialDailyLossState } from '../../src/domain/daily-loss';
import { decideCycle, type DecideInput } from '../../src/domain/decide';
import { initialDrawdownState } from '../../src/domain/drawdown';
import { initialFailureCooldownState } from '../../src/domain/failure-cooldown';
import { estimateInputTokens, reservationRefusal, usageCost, utcDayKey, worstCaseCost } from '../../src/domain/llm-budget';
import type { Estimate, MarketSnapshot } from '../../src/domain/trading-types';
import { EnsembleModel, FairValueModel, ModelConfigError, ModelError } from '../../src/models';
import { silentLogger } from '../../src/observability/logger';
import { snapshot } from '../domain/market-fixture';

const A = snapshot({ ticker: 'KXE-26FEB01-A', eventTicker: 'KXE-26FEB01', seriesTicker: 'KXE' });
const B = snapshot({ ticker: 'KXE-26FEB01-B', eventTicker: 'KXE-26FEB01', seriesTicker: 'KXE' });
const est = (ticker: string, probabilityPpm: number, source: string, confidencePpm = 900_000): Estimate => ({ ticker, probabilityPpm, confidencePpm, source, asOfMs: 1_000, reasoning: source });

function member(name: string, estimates: Estimate[] | Error, costMicros?: number): FairValueModel {
  return {
    name,
    async estimate() {
      if (estimates instanceof Error) throw estimates;
      return { estimates, skipped: [], notes: [`${name} note`], ...(costMicros === undefined ? {} : { costMicros }) };
    },
  };
}
const req = (markets: MarketSnapshot[]) => ({ markets, nowMs: 1_000, cycle: 3 });

describe('ensemble', () => {
  it('weighted mean over the members that answered, renormalised per market, half up; views kept; cost summed', async () => {
    const m = new EnsembleModel({
      members: [
        { kind: 'sim-oracle', weightMicros: 1_000_000, model: member('sim-oracle', [est(A.ticker, 600_000, 'sim-oracle', 800_000), est(B.ticker, 300_000, 'sim-oracle', 800_000)]) },
        { kind: 'llm', weightMicros: 2_000_000, model: member('llm', [est(A.ticker, 700_001, 'llm')], 4_500) },
      ],
      minMembers: 1,
      logger: silentLogger(),
    });
    const r = await m.estimate(req([A, B]));
    // A: (1×600000 + 2×700001) / 3 = 666667.33 → 666667; confidence (800000 + 1800000) / 3 = 866666.67 → 866667
    // B: only sim-oracle answered: its weight renormalised to 1 → 300000
    expect(r.estimates.map((e) => [e.ticker, e.probabilityPpm, e.confidencePpm, e.source])).toEqual([
      [A.ticker, 666_667, 866_667, 'ensemble'],
      [B.ticker, 300_000, 800_000, 'ensemble'],
    ]);
    expect(r.estimates[0].reasoning).toBe('ensemble: sim-oracle 0.6000 ×0.33, llm 0.700001 ×0.66');
    expect(r.views?.map((v) => [v.ticker, v.source])).toEqual([[A.ticker, 'sim-oracle'], [B.ticker, 'sim-oracle'], [A.ticker, 'llm']]);
    expect(r.costMicros).toBe(4_500);
  });

  it('a member that throws drops out of every estimate this cycle instead of failing it', async () => {
    const m = new EnsembleModel({
      members: [
        { kind: 'sim-oracle', weightMicros: 1_000_000, model: member('sim-oracle', [est(A.ticker, 600_000, 'sim-oracle')]) },
        { kind: 'llm', weightMicros: 3_000_000, model: member('llm', new ModelError('llm', 'llm: HTTP 500')) },
      ],
      minMembers: 1,
      logger: silentLogger(),
    });
    const r = await m.estimate(req([A]));
    expect(r.estimates.map((e) => e.probabilityPpm)).toEqual([600_000]);
    expect(r.notes.some((n) => n.includes('member llm failed') && n.includes('HTTP 500'))).toBe(true);
  });

  it('min_members: a market with fewer member estimates gets none (ensemble_too_few_members)', async () => {
    const m = new EnsembleModel({
      members: [
        { kind: 'sim-oracle', weightMicros: 1_000_000, model: member('sim-oracle', [est(A.ticker, 600_000, 'sim-oracle'), est(B.ticker, 300_000, 'sim-oracle')]) },
        { kind: 'llm', weightMicros: 1_000_000, model: member('llm', [est(A.ticker, 700_000, 'llm')]) },
      ],
      minMembers: 2,
      logger: silentLogger(),
    });
    const r = await m.estimate(req([A, B]));
    expect(r.estimates.map((e) => [e.ticker, e.probabilityPpm])).toEqual([[A.ticker, 650_000]]);
    expect(r.skipped).toEqual([{ ticker: B.ticker, reason: 'ensemble_too_few_members', detail: 'ensemble: 1 member estimates (sim-oracle), min_members 2' }]);
  });

  it('refuses an empty ensemble, a weight ≤ 0 and min_members above the member count', () => {
    const x = member('x', []);
    expect(() => new EnsembleModel({ members: [], minMembers: 1, logger: silentLogger() })).toThrow(ModelConfigError);
    expect(() => new EnsembleModel({ members: [{ kind: 'llm', weightMicros: 0, model: x }], minMembers: 1, logger: silentLogger() })).toThrow(/weight of llm/);
    expect(() => new EnsembleModel({ members: [{ kind: 'llm', weightMicros: 1, model: x }], minMembers: 2, logger: silentLogger() })).toThrow(/min_members/);
  });
});

describe('the budget, by hand', () => {
  const prices = { inputMicrosPerMtok: 3_000_000, outputMicrosPerMtok: 15_000_000 };
  it('worst case = ceil(input × 1.2) at the input price + max_tokens at the output price, rounded up', () => {
    // 1001 × 1.2 = 1201.2 → 1202 tokens × 3 = 3606; 1000 × 15 = 15000
    expect(worstCaseCost(1001, 1000, prices)).toEqual({ inputTokens: 1202, outputTokens: 1000, micros: 18_606 });
    // 1 token at $0.25/Mtok = 0.25 micros → 1 (never under-counted)
    expect(usageCost({ inputTokens: 1, outputTokens: 0 }, { inputMicrosPerMtok: 250_000, outputMicrosPerMtok: 0 })).toBe(1);
    expect(usageCost({ inputTokens: 1000, outputTokens: 100, cacheReadInputTokens: 500 }, prices)).toBe(1500 * 3 + 100 * 15);
    expect(estimateInputTokens(['abc', 'abcd'])).toBe(Math.ceil(7 / 3) + 32);
  });
  it('refusal names the limit; the day is the UTC day of the logical clock', () => {
    const limits = { perCycleMicros: 100, perDayMicros: 1000 };
    expect(reservationRefusal({ cycleMicros: 50, dayMicros: 50 }, 50, limits)).toBeNull();
    expect(reservationRefusal({ cycleMicros: 51, dayMicros: 51 }, 50, limits)?.limit).toBe('cycle');
    expect(reservationRefusal({ cycleMicros: 0, dayMicros: 951 }, 50, limits)?.limit).toBe('day');
    expect(utcDayKey(Date.UTC(2026, 8, 1, 23, 59, 59, 999))).toBe('2026-09-01');
    expect(utcDayKey(Date.UTC(2026, 8, 2))).toBe('2026-09-02');
  });
});

describe('decideCycle: llm_budget_guard and the one-line reason', () => {
  function input(over: Partial<DecideInput>): DecideInput {
    return {
      cycle: 3, nowMs: 1_000, mode: 'dry-run', scope: { marketIds: [], eventTickers: [], seriesTickers: ['KXE'] }, markets: [A, B], estimates: [],
      rules: {
        minEdge: 100_000, minConfidencePpm: 750_000, heavyFavoriteYesPriceThreshold: 800_000, heavyFavoriteBuyNoMinEdge: 150_000,
        heavyFavoriteBuyNoMinConfidencePpm: 850_000, allowFeeMultipliers: [], maxKellyFractionPpm: 250_000, maxPositionSize: 1_000_000_000, minTimeToCloseMs: 0,
      },
      capital: capitalSnapshot({
        bankrollMicros: 10_000_000_000, realisedPnlMicros: 0, positions: [], restingOrders: [], accountEquityMicros: null, todaysNewExposureMicros: 0,
        maxTotalExposureFractionPpm: 800_000, maxNewExposurePerDayFractionPpm: 800_000,
      }),
      marketExposure: {}, exposure: { markets: [], events: [] },
      caps: { maxOrdersPerCycle: 10, maxNotionalPerCycleMicros: 10_000_000_000, maxTradesPerMarketPerDay: 3 }, tradesToday: {},
      guard: {
        control: initialControlState(), dailyLoss: initialDailyLossState(), drawdown: initialDrawdownState(), failureCooldown: initialFailureCooldownState(),
        limits: { dailyLossLimitFractionPpm: 100_000, maxDrawdownFractionPpm: null, failureStreakCooldownThreshold: 0, failureCooldownCycles: 0 },
      },
      ...over,
    };
  }
  it('a market left without an estimate by the budget is recorded as llm_budget_guard; the reason line says coverage and cost', () => {
    const mid = (m: MarketSnapshot) => Math.floor(((m.yesBid?.price ?? 0) + (m.yesAsk?.price ?? 0)) / 2);
    const r = decideCycle(input({
      estimates: [{ ticker: A.ticker, probabilityPpm: mid(A), confidencePpm: 900_000, source: 'llm', asOfMs: 1_000, reasoning: '' }],
      budgetSkips: { [B.ticker]: 'llm: no call made: reservation … > cost_limit_per_cycle $5.000000' },
      estimateNote: 'llm, $0.42',
    }));
    expect(r.decisions.find((d) => d.ticker === B.ticker)).toMatchObject({ decision: 'skip', reason: 'llm_budget_guard', detail: expect.stringContaining('cost_limit_per_cycle') });
    expect(r.whyNoTrade).toMatch(/^2 in scope, 1 estimates \(llm, \$0\.42; budget reached: 1 without estimates\), /);
  });
  it('without a note the line is unchanged', () => {
    expect(decideCycle(input({})).whyNoTrade).toMatch(/^2 in scope, 0 estimates, /);
  });
});

describe('config: model.ensemble and the llm limits, validated with errors naming the field', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { parseConfigObject } = require('../../src/config') as typeof import('../../src/config');
  const issues = (raw: Record<string, unknown>) => {
    try {
      parseConfigObject(raw);
      return [];
    } catch (err) {
      return (err as { issues: { path: string; message: string }[] }).issues;
    }
  };
  it.each([
    [{ kind: 'ensemble' }, { path: 'model.ensemble.members', message: 'needs at least one member when model.kind is ensemble' }],
    [{ kind: 'ensemble', ensemble: { members: [{ kind: 'llm', weight: 1 }], min_members: 2 } }, { path: 'model.ensemble.min_members', message: 'must be at most the number of members (1)' }],
    [{ kind: 'ensemble', ensemble: { members: [{ kind: 'ensemble', weight: 1 }] } }, { path: 'model.ensemble.members.0.kind', message: expect.stringContaining('must be one of sim-oracle, signals-file, llm') }],
    [{ kind: 'ensemble', ensemble: { members: [{ kind: 'llm', weight: 0 }] } }, { path: 'model.ensemble.members.0.weight', message: 'must be greater than 0' }],
    [{ kind: 'ensemble', ensemble: { members: [{ kind: 'llm', weight: 1 }, { kind: 'llm', weight: 2 }] } }, { path: 'model.ensemble.members', message: 'must not name a kind twice' }],
    [{ llm: { cost_limit_per_cycle: 30 } }, { path: 'model.llm.cost_limit_per_cycle', message: 'must be at most model.llm.cost_limit_per_day' }],
    [{ llm: { cost_limit_per_day: 0 } }, { path: 'model.llm.cost_limit_per_day', message: 'must be greater than 0 (dollars)' }],
    [{ llm: { timeout_seconds: 0 } }, { path: 'model.llm.timeout_seconds', message: 'must be at least 1' }],
    [{ kind: 'llm', llm: { max_tokens: 100_000, output_cost_per_mtok: 60, cost_limit_per_cycle: 5 } }, { path: 'model.llm.max_tokens', message: 'at output_cost_per_mtok costs more than cost_limit_per_cycle on its own: no call could ever be made' }],
  ])('%j', (model, issue) => {
    expect(issues({ model })).toContainEqual(issue);
  });
  it('max_tokens exactly at the limit passes (100000 × $50/Mtok = $5)', () => {
    expect(issues({ model: { kind: 'llm', llm: { max_tokens: 100_000, output_cost_per_mtok: 50, cost_limit_per_cycle: 5 } } })).toEqual([]);
  });
});
