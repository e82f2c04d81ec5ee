/**
 * The venue clock for demo/prod (src/venues/kalshi/venue-clock.ts): wall time corrected by the MEDIAN of recent
 * measured skews (a fake time source and a fake measure), bounded; beyond the tolerance or unmeasured, check() refuses
 * (clock_skew_guard in the live order path). Against the simulator with a skewed clock (its Date header carries the
 * clockSkewMs fault): the live order path refuses every order with clock_skew_guard and the simulator receives none;
 * within tolerance the order goes and its expiration is on the corrected clock.
 */
import { buildTradingDeps } from '../../../src/activities/trading-deps';
import { clientOrderId } from '../../../src/domain/order-id';
import { executeLiveOrders } from '../../../src/execution/live-order';
import { silentLogger } from '../../../src/observability/logger';
import { DEFAULT_BASE_URLS } from '../../../src/venues/kalshi/env';
import { judgeSkew, kalshiVenueClock, medianSkewMs, VenueClock } from '../../../src/venues/kalshi/venue-clock';
import { entryIntent, FIRST_RUN_ID, HELD, liveRig, LiveRig, makerOrder } from '../../helpers/live';
import { simRunContext } from '../../helpers/trading';

function fakeClock(skews: (number | null)[], opts: Partial<ConstructorParameters<typeof VenueClock>[0]> = {}) {
  let wall = 1_800_000_000_000;
  let calls = 0;
  const clock = new VenueClock({
    wallNow: () => wall,
    measure: async () => {
      const v = skews[Math.min(calls, skews.length - 1)];
      calls += 1;
      return v;
    },
    maxSkewMs: 5_000,
    sampleIntervalMs: 1_000,
    ...opts,
  });
  return { clock, tick: (ms: number) => { wall += ms; }, wall: () => wall, calls: () => calls };
}

describe('VenueClock (fake time source)', () => {
  test('median of recent samples: one wild answer moves nothing; the even count takes the lower middle', () => {
    expect(medianSkewMs([])).toBeNull();
    expect(medianSkewMs([1, 900_000, 3].map((skewMs) => ({ atMs: 0, skewMs })))).toBe(3);
    expect(medianSkewMs([4, 1, 3, 2].map((skewMs) => ({ atMs: 0, skewMs })))).toBe(2);
  });

  test('now = wall + median skew; a new sample only after the interval; the window is bounded', async () => {
    const f = fakeClock([2_000, 2_200, 40_000, 2_100], { windowSize: 3 });
    expect(await f.clock.nowMs()).toBe(f.wall() + 2_000);
    expect(await f.clock.nowMs()).toBe(f.wall() + 2_000); // within the interval: no new measure
    expect(f.calls()).toBe(1);
    for (let i = 0; i < 3; i++) {
      f.tick(1_000);
      await f.clock.nowMs();
    }
    // Window of 3: 2_200, 40_000, 2_100 (the first dropped) → median 2_200; the 40 s answer is outvoted.
    expect(f.clock.recent().map((s) => s.skewMs)).toEqual([2_200, 40_000, 2_100]);
    expect(await f.clock.nowMs()).toBe(f.wall() + 2_200);
    expect((await f.clock.check()).ok).toBe(true);
  });

  test('beyond the tolerance, check refuses naming the setting; the correction is bounded', async () => {
    const f = fakeClock([7_000]);
    const v = await f.clock.check();
    expect(v).toMatchObject({ ok: false, skewMs: 7_000, samples: 1 });
    expect(v.detail).toContain('execution.max_clock_skew_seconds');
    const wild = fakeClock([3_600_000], { maxSkewMs: 10_000, maxCorrectionMs: 60_000 });
    expect(await wild.clock.nowMs()).toBe(wild.wall() + 60_000);
    expect((await wild.clock.check()).ok).toBe(false);
  });

  test('unmeasured (the measure fails or finds no Date) is refused; old samples stop counting', async () => {
    const none = fakeClock([null]);
    expect(await none.clock.check()).toMatchObject({ ok: false, skewMs: null, samples: 0 });
    expect(await none.clock.nowMs()).toBe(none.wall());
    const throws = new VenueClock({ wallNow: () => 5, measure: async () => { throw new Error('network'); }, maxSkewMs: 5_000 });
    expect((await throws.check()).ok).toBe(false);
    const f = fakeClock([1_000, null], { maxSampleAgeMs: 60_000 });
    expect((await f.clock.check()).ok).toBe(true);
    f.tick(61_000);
    expect(await f.clock.check()).toMatchObject({ ok: false, skewMs: null });
    expect(judgeSkew(5_000, 1, 5_000, 60_000).ok).toBe(true);
    expect(judgeSkew(5_001, 1, 5_000, 60_000).ok).toBe(false);
  });

  test('buildTradingDeps: demo/prod get the skew-corrected clock and its check; sim has neither', () => {
    const demo = buildTradingDeps({ ...simRunContext({ venues: { kalshi: { env: 'demo' } }, model: { kind: 'signals-file', signals_file: { path: 'signals.jsonl' } } }), env: 'demo', kalshiBaseUrl: DEFAULT_BASE_URLS.demo }, { logger: silentLogger(), processEnv: {} });
    expect(typeof demo.clockCheck).toBe('function');
    const sim = buildTradingDeps(simRunContext(), { logger: silentLogger(), simBaseUrl: 'http://127.0.0.1:1/trade-api/v2', processEnv: {} });
    expect(sim.clockCheck).toBeNull();
  });
});

describe('against the simulator with a skewed clock', () => {
  let rig: LiveRig;
  beforeEach(async () => {
    rig = await liveRig();
    const r = await rig.maker.createOrder(makerOrder({ ticker: HELD, side: 'no', action: 'buy', price: 480_000, count: 10_000, clientOrderId: 'mk-no-48' }));
    if (r.outcome !== 'ok') throw new Error(`maker order: ${r.outcome}`);
  });
  afterEach(async () => {
    await rig.close();
  });

  test('skew beyond the tolerance: clock_skew_guard, nothing sent; within it the order goes', async () => {
    const scanId = await rig.scan();
    const inp = (idx: number) => ({ cycle: 1, firstRunId: FIRST_RUN_ID, nowMs: rig.sim.nowMs(), scanId, orders: [{ clientOrderId: clientOrderId(FIRST_RUN_ID, 1, idx), intent: entryIntent(520_000, 600_000) }] });
    rig.sim.setFaults({ clockSkewMs: 20_000 });
    const skewed = kalshiVenueClock(rig.t.venue, 5);
    const out = await executeLiveOrders({ ...rig.t, clockCheck: () => skewed.check() }, rig.store, silentLogger(), inp(0));
    expect(out.skipped).toEqual({ clock_skew_guard: 1 });
    const measured = Number(/the exchange's clock is (-?\d+) ms from ours/.exec(out.refused[0].detail)?.[1]);
    expect(Math.abs(measured - 20_000)).toBeLessThanOrEqual(1_500); // the Date header has 1 s resolution
    expect(rig.botRequests()).toEqual([]);

    rig.sim.setFaults({ clockSkewMs: 1_000 });
    const fine = kalshiVenueClock(rig.t.venue, 5);
    const ok = await executeLiveOrders({ ...rig.t, clockCheck: () => fine.check() }, rig.store, silentLogger(), inp(1));
    expect(ok.placed).toBe(1);
    expect(rig.botOrdersMade()).toHaveLength(1);
    expect(Math.abs((await fine.nowMs()) - (Date.now() + 1_000))).toBeLessThan(2_000);
  });
});
