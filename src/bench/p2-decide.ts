/**
 * P2 — the decision core on N markets (scope, fair-value join, opportunities, fees, sizing, guards, de-dup, final
 * scope: `filterInScope` + `decideCycle`, pure) ÷ the time to `JSON.parse` the same markets' wire pages (what the
 * simulator served for `GET /markets?limit=1000`), both the median of several repetitions in this run (goal ≤ 0.5×).
 */
import { performance } from 'node:perf_hooks';
import { toSnapshot } from '../activities/market-snapshot';
import { capitalSnapshot } from '../domain/capital';
import { initialControlState } from '../domain/control';
import { initialDailyLossState } from '../domain/daily-loss';
import { decideCycle } from '../domain/decide';
import { initialDrawdownState } from '../domain/drawdown';
import { initialFailureCooldownState } from '../domain/failure-cooldown';
import { filterInScope } from '../domain/scope';
import type { Estimate, MarketSnapshot } from '../domain/trading-types';
import { silentLogger } from '../observability/logger';
import { parseScenario, startSimulator } from '../sim';
import { parseItems } from '../venues/kalshi/parse';
import * as W from '../venues/kalshi/wire-schemas';
import { toMarket } from '../venues/kalshi/parse';
import { benchDir, benchRunContext } from './run-context';
import { benchScenario } from './scenario';

export interface P2Result {
  ratio: number;
  markets: number;
  decide_ms: number;
  json_parse_ms: number;
  wire_bytes: number;
  intents: number;
  decisions: number;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function timeMedian(reps: number, fn: () => unknown): number {
  fn(); // warm-up
  const out: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    fn();
    out.push(performance.now() - t0);
  }
  return median(out);
}

export async function benchP2(opts: { markets: number; reps: number; progress: (s: string) => void }): Promise<P2Result> {
  opts.progress(`P2: ${opts.markets} markets' wire pages from the simulator`);
  const startMs = Date.UTC(2026, 8, 1, 12);
  const sim = await startSimulator({ scenario: parseScenario(benchScenario(opts.markets), 'bench scenario'), clock: { mode: 'manual', startMs }, rateLimit: false });
  const pages: string[] = [];
  const truth = new Map<string, number>();
  try {
    let cursor = '';
    do {
      const res = await fetch(`${sim.baseUrl}/markets?limit=1000&status=open${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      const text = await res.text();
      pages.push(text);
      cursor = (JSON.parse(text) as { cursor?: string }).cursor ?? '';
    } while (cursor);
    for (const m of sim.core.exchange.markets.values()) truth.set(m.ticker, m.trueProbability);
  } finally {
    await sim.close();
  }
  const snaps: MarketSnapshot[] = pages.flatMap((p) => parseItems((JSON.parse(p) as { markets: unknown }).markets, W.MarketWire, toMarket, silentLogger(), 'market'))
    .map((m) => toSnapshot(m, { seriesTicker: m.eventTicker.split('-')[0], feeTypeOverride: null, feeMultiplierOverridePpm: null }, { feeType: 'quadratic', feeMultiplierPpm: 1_000_000 }, false));
  const estimates: Estimate[] = snaps.map((m) => ({ ticker: m.ticker, probabilityPpm: truth.get(m.ticker) ?? 500_000, confidencePpm: 900_000, source: 'bench', asOfMs: startMs, reasoning: '' }));
  const ctx = benchRunContext(benchDir(), { trading: { dry_run: true } });
  const f = ctx.fixed;
  const cfg = ctx.config;
  const decide = () => {
    const { inScope } = filterInScope(snaps, ctx.scope, 'dry-run');
    return decideCycle({
      cycle: 1, nowMs: startMs, mode: 'dry-run', scope: ctx.scope, markets: inScope, estimates,
      rules: {
        minEdge: f.minEdge, minConfidencePpm: f.minConfidencePpm, heavyFavoriteYesPriceThreshold: f.heavyFavoriteYesPriceThreshold,
        heavyFavoriteBuyNoMinEdge: f.heavyFavoriteBuyNoMinEdge, heavyFavoriteBuyNoMinConfidencePpm: f.heavyFavoriteBuyNoMinConfidencePpm,
        allowFeeMultipliers: [...cfg.strategy.allow_fee_multipliers], maxKellyFractionPpm: f.maxKellyFractionPpm, maxPositionSize: f.maxPositionSize,
        minTimeToCloseMs: cfg.execution.min_time_to_close_seconds * 1000,
      },
      capital: capitalSnapshot({
        bankrollMicros: f.bankroll, realisedPnlMicros: 0, positions: [], restingOrders: [], accountEquityMicros: null, todaysNewExposureMicros: 0,
        maxTotalExposureFractionPpm: f.maxTotalExposureFractionPpm, maxNewExposurePerDayFractionPpm: f.maxNewExposurePerDayFractionPpm,
      }),
      marketExposure: {},
      exposure: { markets: [], events: [] },
      caps: { maxOrdersPerCycle: cfg.risk.max_orders_per_cycle, maxNotionalPerCycleMicros: f.maxNotionalPerCycle, maxTradesPerMarketPerDay: cfg.risk.max_trades_per_market_per_day, maxPositions: cfg.risk.max_positions },
      tradesToday: {},
      guard: {
        control: initialControlState(), dailyLoss: initialDailyLossState(), drawdown: initialDrawdownState(), failureCooldown: initialFailureCooldownState(),
        limits: { dailyLossLimitFractionPpm: f.dailyLossLimitFractionPpm, maxDrawdownFractionPpm: null, failureStreakCooldownThreshold: 3, failureCooldownCycles: 2 },
      },
    });
  };
  opts.progress(`P2: decision core vs JSON.parse on ${snaps.length} markets, ${opts.reps} repetitions each`);
  const result = decide();
  const decideMs = timeMedian(opts.reps, decide);
  const parseMs = timeMedian(opts.reps, () => pages.map((p) => JSON.parse(p)));
  return {
    ratio: decideMs / parseMs,
    markets: snaps.length,
    decide_ms: decideMs,
    json_parse_ms: parseMs,
    wire_bytes: pages.reduce((s, p) => s + Buffer.byteLength(p), 0),
    intents: result.intents.length,
    decisions: result.decisions.length,
  };
}
