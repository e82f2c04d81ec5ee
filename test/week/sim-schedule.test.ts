/**
 * The week harness's own parts: events scheduled by simulator time run inside the clock move that reaches them, in
 * time order, each at its exact exchange time (and once); the kill plan is a function of the printed seed.
 */
import { startSimulator, type SimHandle } from '../../src/sim';
import { CRASH_POINTS } from '../../src/execution/live-order-crash';
import { faultMix, planKills } from './harness';
import { SimSchedule } from './sim-schedule';

const START = Date.UTC(2026, 8, 1, 12);
const H = 3_600_000;
let sim: SimHandle;
afterEach(() => sim?.close());

test('scheduled events fire in order at their own simulator time, once, during the forward-only clock move', async () => {
  sim = await startSimulator({ clock: { mode: 'manual', startMs: START }, admin: true, rateLimit: false, liquidity: false });
  const schedule = new SimSchedule(sim);
  const seen: Array<[string, number]> = [];
  schedule.at(START + 3 * H, () => seen.push(['b', sim.core.exchange.nowMs]));
  schedule.at(START + 1 * H, () => seen.push(['a', sim.core.exchange.nowMs]));
  schedule.at(START + 9 * H, () => seen.push(['c', sim.core.exchange.nowMs]));
  // Through the admin API, as the worker's clock adapter moves it.
  const r = await fetch(`${sim.rootUrl}/__sim/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ nowMs: START + 5 * H }) });
  expect(await r.json()).toEqual({ now_ms: START + 5 * H, moved: true });
  expect(seen).toEqual([['a', START + H], ['b', START + 3 * H]]);
  sim.advanceTo(START + 4 * H); // backwards: ignored, nothing fires again
  sim.advanceTo(START + 10 * H);
  expect(seen).toEqual([['a', START + H], ['b', START + 3 * H], ['c', START + 9 * H]]);
});

test('the kill plan comes from the seed: distinct named crash points, reproducible', () => {
  const plan = planKills(11, 2);
  expect(plan).toEqual(planKills(11, 2));
  expect(plan).toHaveLength(2);
  const points = plan.map((p) => p.split(':')[0]);
  expect(new Set(points).size).toBe(2);
  for (const p of plan) expect(p).toMatch(new RegExp(`^(${CRASH_POINTS.join('|')}):[1-3]$`));
  expect(planKills(11, 0)).toEqual([]);
  expect(faultMix(0)).toEqual({ error5xxRate: 0, malformedRate: 0, createThen500Rate: 0, timeoutCreateRate: 0, readLagMs: 0 });
});
