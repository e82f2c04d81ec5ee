/**
 * The seed's scope tests (issue 8, "Scan and scope"; plan phase 1), on the real time-skipping Temporal server with a
 * real worker and lane DB, the loopback simulator as the venue:
 * - live fails without scope when required (config validation, and the scan itself);
 * - out-of-scope opportunities are skipped (scope check #1 at the scan);
 * - out-of-scope signals are skipped even if generated, at both later checks (#2 final_scope_guard in decide,
 *   #3 inside execute).
 * Judged by the lane DB (paper_orders, decisions, cycles) and the simulator, never only by return values.
 */
import { timeSkippingWithBundle } from './helpers/dry-run';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { cycleInput, startLaneWorker, testIdentity, withLaneStore } from './helpers/lane';
import { simRunContext, simTradingDeps } from './helpers/trading';
import { cycleRows, freshSim, untilClosed, seriesOf, startLane, tableCount, terminateQuietly } from './helpers/pipeline';
import { snapshot } from './domain/market-fixture';
import { assertValidForMode, ConfigError, emptySecrets } from '../src/config';
import { toSnapshot } from '../src/activities/market-snapshot';
import type { Activities, ExecuteOutcome } from '../src/activities/types';
import { decideCycle, type DecideInput } from '../src/domain/decide';
import { capitalSnapshot } from '../src/domain/capital';
import { initialControlState } from '../src/domain/control';
import { initialDailyLossState } from '../src/domain/daily-loss';
import { initialDrawdownState } from '../src/domain/drawdown';
import { initialFailureCooldownState } from '../src/domain/failure-cooldown';
import type { TradingDeps } from '../src/activities/trading-deps';
import type { SimHandle } from '../src/sim';

let env: TestWorkflowEnvironment;
let bundle: WorkflowBundleWithSourceMap;

beforeAll(async () => {
  ({ env, bundle } = await timeSkippingWithBundle());
}, 180_000);

afterAll(async () => {
  await env?.teardown();
});

const IN_SCOPE_SERIES = ['SIMHIGHTEMP', 'SIMMATCH'];
/** A mispriced default-scenario market outside SIMHIGHTEMP,SIMMATCH (YES 0.48 → 0.70): the oracle wants it. */
const OUTSIDE = { ticker: 'SIMGDP-Q3-T2.0', eventTicker: 'SIMGDP-Q3' };
/** Room for every intent, so a cap never pre-empts the scope check under test. */
const ROOMY = { trading: { allowed_series_tickers: IN_SCOPE_SERIES }, risk: { max_orders_per_cycle: 20, max_notional_per_cycle: 10000 } };

/** The simulator's own view (admin API): the tickers of its active markets now. */
async function activeTickers(sim: SimHandle): Promise<string[]> {
  const state = (await (await fetch(`${sim.rootUrl}/__sim/state`)).json()) as { markets: { ticker: string; status: string }[] };
  return state.markets.filter((m) => m.status === 'active').map((m) => m.ticker);
}

/** A snapshot of a market as the scan would take it (market + event + series from the venue). */
async function venueSnapshot(t: TradingDeps, ticker: string) {
  const m = await t.venue.getMarket(ticker);
  const e = await t.venue.getEvent(m.eventTicker);
  return toSnapshot(m, e, await t.venue.getSeries(e.seriesTicker), false);
}

describe('live fails without scope when required', () => {
  it('config validation refuses a live lane with an empty scope (and accepts it once a scope is named)', () => {
    const ctx = simRunContext({}, { live: true });
    expect(ctx.mode).toBe('live');
    let err: unknown;
    try {
      assertValidForMode(ctx, emptySecrets());
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).issues.map((i) => i.path)).toEqual(['trading.require_scope_in_live']);
    expect((err as Error).message).toContain('live mode requires an explicit market scope');
    expect(assertValidForMode(simRunContext({}, { live: true, seriesTickers: ['SIMHIGHTEMP'] }), emptySecrets())).toEqual([]);
  });

  it('a live lane that got past validation anyway refuses to scan scope-less: ScopeRequired, nothing scanned or ordered', async () => {
    const sim = await freshSim(env);
    try {
      const id = testIdentity({ mode: 'live' });
      const trading = simTradingDeps(sim, {}, { live: true });
      expect(trading.settings.mode).toBe('live');
      const lw = await startLaneWorker(env, bundle, id, { trading });
      let scanAttempts: number[] = [];
      await lw.worker.runUntil(async () => {
        const h = await startLane(env, cycleInput(id, { maxCycles: 2, cycleIntervalSeconds: 600 }));
        try {
          expect(await untilClosed(env, h)).toBe('COMPLETED');
          const events = (await h.fetchHistory()).events ?? [];
          const scanIds = new Set(events.filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'scan').map((e) => String(e.eventId)));
          scanAttempts = events
            .filter((e) => e.activityTaskStartedEventAttributes && scanIds.has(String(e.activityTaskStartedEventAttributes.scheduledEventId)))
            .map((e) => e.activityTaskStartedEventAttributes!.attempt ?? 0);
        } finally {
          await terminateQuietly(h);
        }
      });
      const rows = cycleRows(lw.dbPath);
      // Every cycle says why: the scan refused (non-retryable: one attempt, no retry storm), stage named.
      expect(rows.map((x) => [x.cycle, x.outcome, x.summary.failedStage])).toEqual([
        [1, 'error:ScopeRequired', 'scan'],
        [2, 'error:ScopeRequired', 'scan'],
      ]);
      expect(scanAttempts).toEqual([1, 1]);
      expect(tableCount(lw.dbPath, 'scans')).toBe(0);
      expect(tableCount(lw.dbPath, 'decisions')).toBe(0);
      expect(tableCount(lw.dbPath, 'paper_orders')).toBe(0);
      expect(sim.listOrders()).toEqual([]);
    } finally {
      await sim.close();
    }
  });
});

describe('out-of-scope opportunities are skipped', () => {
  it('a dry-run lane scoped to SIMHIGHTEMP,SIMMATCH places paper orders only in those series', async () => {
    const sim = await freshSim(env);
    try {
      const id = testIdentity();
      const lw = await startLaneWorker(env, bundle, id, { trading: simTradingDeps(sim, ROOMY) });
      await lw.worker.runUntil(async () => {
        const h = await startLane(env, cycleInput(id, { maxCycles: 1 }));
        try {
          expect(await untilClosed(env, h)).toBe('COMPLETED');
        } finally {
          await terminateQuietly(h);
        }
      });
      const active = await activeTickers(sim);
      const inScope = active.filter((t) => IN_SCOPE_SERIES.includes(seriesOf(t)));
      const orders = withLaneStore(lw.dbPath, (s) => s.paper.orders());
      expect(orders.length).toBeGreaterThan(0);
      expect([...new Set(orders.map((o) => seriesOf(o.ticker)))].every((s) => IN_SCOPE_SERIES.includes(s))).toBe(true);
      // The mispriced in-scope markets are traded (SIMMATCH: one of the two, de-dup per event).
      expect(orders.map((o) => o.ticker)).toEqual(expect.arrayContaining(['SIMHIGHTEMP-D1-T70', 'SIMHIGHTEMP-D2-T75']));
      expect(orders.filter((o) => o.eventTicker === 'SIMMATCH-B')).toHaveLength(1);
      // Nothing outside the scope was even analysed: no estimate, no decision record.
      const decided = withLaneStore(lw.dbPath, (s) => s.decisions.list());
      expect(decided.length).toBe(inScope.length);
      expect(decided.every((d) => IN_SCOPE_SERIES.includes(seriesOf(d.ticker)))).toBe(true);
      const [row] = cycleRows(lw.dbPath);
      expect(row.outcome).toBe('completed');
      expect(row.summary).toMatchObject({ inScope: inScope.length, orders: orders.length });
      expect(row.summary.skipped?.scope_guard).toBeUndefined(); // an honest venue returned only what the scope names
    } finally {
      await sim.close();
    }
  });

  it("markets outside the scope that the venue returns anyway are dropped at the scan and counted as scope_guard", async () => {
    const sim = await freshSim(env);
    try {
      const id = testIdentity();
      const trading = simTradingDeps(sim, ROOMY);
      // A venue that ignores the series filter: every open event comes back for each series asked for.
      const realList = trading.venue.listEvents.bind(trading.venue);
      trading.venue.listEvents = ((q: Parameters<typeof realList>[0], o?: Parameters<typeof realList>[1]) =>
        realList({ ...q, seriesTicker: undefined }, o)) as typeof realList;
      const lw = await startLaneWorker(env, bundle, id, { trading });
      await lw.worker.runUntil(async () => {
        const h = await startLane(env, cycleInput(id, { maxCycles: 1 }));
        try {
          expect(await untilClosed(env, h)).toBe('COMPLETED');
        } finally {
          await terminateQuietly(h);
        }
      });
      const active = await activeTickers(sim);
      const outside = active.filter((t) => !IN_SCOPE_SERIES.includes(seriesOf(t)));
      expect(outside.length).toBeGreaterThanOrEqual(5);
      const [row] = cycleRows(lw.dbPath);
      expect(row.outcome).toBe('completed');
      expect(row.summary.skipped?.scope_guard).toBe(outside.length);
      expect(row.summary.inScope).toBe(active.length - outside.length);
      const orders = withLaneStore(lw.dbPath, (s) => s.paper.orders());
      expect(orders.length).toBeGreaterThan(0);
      expect(orders.filter((o) => !IN_SCOPE_SERIES.includes(seriesOf(o.ticker)))).toEqual([]);
      // The stored scan (what decide analyses) holds in-scope markets only.
      const scan = withLaneStore(lw.dbPath, (s) => s.scans.get(row.summary.scanId as number));
      expect(scan?.markets.map((m) => m.ticker).sort()).toEqual(active.filter((t) => IN_SCOPE_SERIES.includes(seriesOf(t))).sort());
    } finally {
      await sim.close();
    }
  });
});

describe('out-of-scope signals are skipped even if generated, at both later checks', () => {
  it('final_scope_guard (pure decideCycle): an estimated, sized out-of-scope market is dropped and recorded', () => {
    const inside = snapshot({ ticker: 'KXIN-26JAN01-A', eventTicker: 'KXIN-26JAN01', seriesTicker: 'KXIN' });
    const outside = snapshot({ ticker: 'KXOUT-26JAN01-A', eventTicker: 'KXOUT-26JAN01', seriesTicker: 'KXOUT' });
    const est = (ticker: string) => ({ ticker, probabilityPpm: 800_000, confidencePpm: 900_000, source: 'test', asOfMs: 1_000, reasoning: 'test' });
    const capital = capitalSnapshot({
      bankrollMicros: 10_000_000_000, realisedPnlMicros: 0, positions: [], restingOrders: [], accountEquityMicros: null,
      todaysNewExposureMicros: 0, maxTotalExposureFractionPpm: 800_000, maxNewExposurePerDayFractionPpm: 800_000,
    });
    const input: DecideInput = {
      cycle: 3,
      nowMs: 1_000,
      mode: 'live',
      scope: { marketIds: [], eventTickers: [], seriesTickers: ['KXIN'] },
      // The list handed to decide contains a market outside the scope (a bug upstream, or a tampered scan).
      markets: [inside, outside],
      estimates: [est(inside.ticker), est(outside.ticker)],
      rules: {
        minEdge: 100_000, minConfidencePpm: 750_000, heavyFavoriteYesPriceThreshold: 800_000, heavyFavoriteBuyNoMinEdge: 150_000,
        heavyFavoriteBuyNoMinConfidencePpm: 850_000, allowFeeMultipliers: [], maxKellyFractionPpm: 250_000, maxPositionSize: 1_000_000_000,
        minTimeToCloseMs: 0,
      },
      capital,
      marketExposure: {},
      exposure: { markets: [], events: [] },
      caps: { maxOrdersPerCycle: 10, maxNotionalPerCycleMicros: 10_000_000_000, maxTradesPerMarketPerDay: 0 },
      tradesToday: {},
      guard: {
        control: initialControlState(), dailyLoss: initialDailyLossState(), drawdown: initialDrawdownState(),
        failureCooldown: initialFailureCooldownState(),
        limits: { dailyLossLimitFractionPpm: 100_000, maxDrawdownFractionPpm: null, failureStreakCooldownThreshold: 0, failureCooldownCycles: 0 },
      },
    };
    const r = decideCycle(input);
    expect(r.intents.map((i) => i.ticker)).toEqual([inside.ticker]);
    expect(r.counts.opportunities).toBe(2); // it was a real, sized signal…
    const rec = r.decisions.find((d) => d.ticker === outside.ticker);
    expect(rec).toMatchObject({ cycle: 3, decision: 'skip', reason: 'final_scope_guard', side: 'yes' });
    expect(rec!.countCentis).toBeGreaterThan(0); // …dropped after sizing and the guards, with its size on record
    expect(r.counts.skipped).toEqual({ final_scope_guard: 1 });
    expect(r.decisions.filter((d) => d.decision === 'order').map((d) => d.ticker)).toEqual([inside.ticker]);
    // Dry-run's ticker-prefix fallback does not rescue it either (its series is known: KXOUT).
    expect(decideCycle({ ...input, mode: 'dry-run' }).intents.map((i) => i.ticker)).toEqual([inside.ticker]);
  });

  it('in the workflow: a scan tampered with an out-of-scope market → final_scope_guard; an intent forged after decide → refused inside execute', async () => {
    const sim = await freshSim(env);
    try {
      const id = testIdentity();
      const trading = simTradingDeps(sim, ROOMY);
      const outsideSnap = await venueSnapshot(trading, OUTSIDE.ticker);
      expect(outsideSnap).toMatchObject({ seriesTicker: 'SIMGDP', status: 'active' });
      let dbPath = '';
      const executed: ExecuteOutcome[] = [];
      const wrap = (a: Activities): Activities => ({
        ...a,
        // Check #2's seam: the stored scan (what decide reads) gains the out-of-scope market after check #1.
        async scan(input) {
          const r = await a.scan(input);
          const scanId = withLaneStore(dbPath, (s) => {
            const scan = s.scans.get(r.scanId)!;
            return s.scans.record({ firstRunId: input.firstRunId, cycle: input.cycle }, input.nowMs, [...scan.markets, outsideSnap]);
          });
          return { ...r, scanId };
        },
        // Check #3's seam: decide's answer gains an intent for it (a copy of a real one, retargeted).
        async decide(input) {
          const d = await a.decide(input);
          expect(d.intents.length).toBeGreaterThan(0);
          return { ...d, intents: [...d.intents, { ...d.intents[0], ticker: OUTSIDE.ticker, eventTicker: OUTSIDE.eventTicker }] };
        },
        async execute(input) {
          const x = await a.execute(input);
          executed.push(x);
          return x;
        },
      });
      const lw = await startLaneWorker(env, bundle, id, { trading, wrapActivities: wrap });
      dbPath = lw.dbPath;
      await lw.worker.runUntil(async () => {
        const h = await startLane(env, cycleInput(id, { maxCycles: 1 }));
        try {
          expect(await untilClosed(env, h)).toBe('COMPLETED');
        } finally {
          await terminateQuietly(h);
        }
      });
      // #2: the model estimated it and it was sized, yet decide dropped it at the final scope check, on record.
      const decisions = withLaneStore(dbPath, (s) => s.decisions.list({ cycle: 1 }));
      const estimates = withLaneStore(dbPath, (s) => s.decisions.estimates({ firstRunId: decisions[0].firstRunId, cycle: 1 }));
      expect(estimates.map((e) => e.ticker)).toContain(OUTSIDE.ticker);
      expect(decisions.filter((d) => d.ticker === OUTSIDE.ticker).map((d) => [d.decision, d.reason])).toEqual([['skip', 'final_scope_guard']]);
      // #3: the forged intent reached execute, which refused it itself (the market is in the tampered scan, so this is
      // the "outside the allowed scope" check, not a missing market).
      expect(executed).toHaveLength(1);
      expect(executed[0].refused).toEqual([
        expect.objectContaining({ ticker: OUTSIDE.ticker, code: 'scope_guard', detail: 'outside the allowed scope (checked inside execute)' }),
      ]);
      const orders = withLaneStore(dbPath, (s) => s.paper.orders());
      expect(orders.length).toBeGreaterThan(0);
      expect(orders.filter((o) => !IN_SCOPE_SERIES.includes(seriesOf(o.ticker)))).toEqual([]);
      const [row] = cycleRows(dbPath);
      expect(row.outcome).toBe('completed');
      expect(row.summary.skipped).toMatchObject({ final_scope_guard: 1, scope_guard: 1 });
      expect(row.summary.orders).toBe(orders.length);
    } finally {
      await sim.close();
    }
  });

  it('an intent forged for a market that is not in the scan at all is refused inside execute (scope_guard)', async () => {
    const sim = await freshSim(env);
    try {
      const id = testIdentity();
      const executed: ExecuteOutcome[] = [];
      const wrap = (a: Activities): Activities => ({
        ...a,
        async decide(input) {
          const d = await a.decide(input);
          return { ...d, intents: [...d.intents, { ...d.intents[0], ticker: OUTSIDE.ticker, eventTicker: OUTSIDE.eventTicker }] };
        },
        async execute(input) {
          const x = await a.execute(input);
          executed.push(x);
          return x;
        },
      });
      const lw = await startLaneWorker(env, bundle, id, { trading: simTradingDeps(sim, ROOMY), wrapActivities: wrap });
      await lw.worker.runUntil(async () => {
        const h = await startLane(env, cycleInput(id, { maxCycles: 1 }));
        try {
          expect(await untilClosed(env, h)).toBe('COMPLETED');
        } finally {
          await terminateQuietly(h);
        }
      });
      expect(executed[0].refused).toEqual([expect.objectContaining({ ticker: OUTSIDE.ticker, code: 'scope_guard' })]);
      const orders = withLaneStore(lw.dbPath, (s) => s.paper.orders());
      expect(orders.length).toBeGreaterThan(0);
      expect(orders.map((o) => o.ticker)).not.toContain(OUTSIDE.ticker);
      const [row] = cycleRows(lw.dbPath);
      expect(row.outcome).toBe('completed');
      expect(row.summary.skipped?.scope_guard).toBe(1);
      expect(row.summary.orders).toBe(orders.length);
    } finally {
      await sim.close();
    }
  });
});
