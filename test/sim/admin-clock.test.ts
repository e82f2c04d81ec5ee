import { simClockAdapter, startSimulator, SimHandle } from '../../src/sim';
import { admin, Client, makeKey, START_MS } from './helpers';

const HOUR = 3_600_000;
const buyer = makeKey('clock-buyer');
const seller = makeKey('clock-seller');
const SCENARIO = {
  name: 'clock',
  series: [{ ticker: 'CK' }],
  events: [{ event_ticker: 'CK-E', series_ticker: 'CK', markets: [
    { ticker: 'CK-E-A', open_time: '-1d', close_time: '+2h', true_probability: '0.5000', determination_delay_seconds: 60, settlement_timer_seconds: 300 },
    { ticker: 'CK-E-LATE', open_time: '+1h', close_time: '+1d', true_probability: '0.5000' },
  ] }],
};
const CLOSE = START_MS + 2 * HOUR;

let sim: SimHandle;
const start = (extra: Record<string, unknown> = {}) => startSimulator({
  port: 0, clock: { mode: 'manual', startMs: START_MS }, keys: [buyer, seller], admin: true, liquidity: false, rateLimit: false,
  scenario: SCENARIO as any, startingBalanceMicros: 100_000_000, ...extra,
});
afterEach(() => sim?.close());

const clock = (nowMs: unknown) => admin(sim, 'POST', '/clock', { nowMs });
const market = async (t: string) => (await new Client(sim, null).get(`/markets/${t}`)).body.market;

test('POST /__sim/clock {"nowMs"} moves the clock forward only: an earlier or equal time is ignored with 200 and the current time', async () => {
  sim = await start();
  expect(await clock(START_MS + HOUR)).toMatchObject({ status: 200, body: { now_ms: START_MS + HOUR, moved: true } });
  expect(await clock(START_MS)).toMatchObject({ status: 200, body: { now_ms: START_MS + HOUR, moved: false } });
  expect(await clock(START_MS + HOUR)).toMatchObject({ status: 200, body: { now_ms: START_MS + HOUR, moved: false } });
  expect(sim.nowMs()).toBe(START_MS + HOUR);
  for (const bad of ['1', 1.5, -1, null]) {
    expect(await clock(bad)).toEqual(expect.objectContaining({ status: 400, body: { error: 'clock.nowMs: a non-negative integer of ms' } }));
  }
  // The in-process handle has the same forward-only move.
  expect(sim.advanceTo(START_MS)).toEqual({ moved: false, nowMs: START_MS + HOUR });
  expect(sim.advanceTo(START_MS + 2 * HOUR)).toEqual({ moved: true, nowMs: START_MS + 2 * HOUR });
  // set_ms keeps its strict meaning: backwards is an error.
  expect((await admin(sim, 'POST', '/clock', { set_ms: START_MS })).status).toBe(400);
});

test('markets open, close, determine and settle as the adapter-driven clock passes their times; payouts reach the holder', async () => {
  sim = await start();
  const b = new Client(sim, buyer);
  const s = new Client(sim, seller);
  expect((await market('CK-E-LATE')).status).toBe('initialized');
  expect((await s.create({ ticker: 'CK-E-A', side: 'ask', price: '0.4000', count: '10.00', client_order_id: 's1' })).status).toBe(201);
  expect((await b.create({ ticker: 'CK-E-A', side: 'bid', price: '0.4000', count: '10.00', client_order_id: 'b1', time_in_force: 'immediate_or_cancel' })).body.fill_count).toBe('10.00');
  // A resting GTC with an expiration before the close.
  const gtc = await b.create({ ticker: 'CK-E-A', side: 'bid', price: '0.1000', count: '1.00', client_order_id: 'b2', expiration_time: Math.floor((START_MS + 30 * 60_000) / 1000) });
  const adapter = simClockAdapter(sim.rootUrl);

  expect(await adapter.advanceTo(START_MS + HOUR)).toEqual({ nowMs: START_MS + HOUR, moved: true });
  expect((await market('CK-E-LATE')).status).toBe('active');
  expect((await b.get(`/portfolio/orders/${gtc.body.order_id}`)).body.order.status).toBe('canceled');

  await adapter.advanceTo(CLOSE - 1);
  expect((await market('CK-E-A')).status).toBe('active');
  await adapter.advanceTo(CLOSE);
  expect((await market('CK-E-A')).status).toBe('closed');
  await adapter.advanceTo(CLOSE + 59_999);
  expect((await market('CK-E-A')).status).toBe('closed');
  await adapter.advanceTo(CLOSE + 60_000);
  const determined = await market('CK-E-A');
  expect(determined.status).toBe('determined');
  expect(['yes', 'no']).toContain(determined.result);
  expect((await b.get('/portfolio/settlements')).body.settlements).toEqual([]);
  // An earlier time (e.g. a replayed workflow step) changes nothing.
  expect(await adapter.advanceTo(START_MS)).toEqual({ nowMs: CLOSE + 60_000, moved: false });

  const before = (await b.get('/portfolio/balance')).body.balance;
  await adapter.advanceTo(CLOSE + 60_000 + 300_000);
  expect((await market('CK-E-A')).status).toBe('finalized');
  const st = (await b.get('/portfolio/settlements')).body.settlements;
  expect(st).toEqual([expect.objectContaining({ ticker: 'CK-E-A', market_result: determined.result })]);
  const after = (await b.get('/portfolio/balance')).body.balance;
  expect(after - before).toBe(determined.result === 'yes' ? 1000 : 0); // cents: 10 contracts × $1
  expect((await b.get('/portfolio/positions')).body.market_positions).toEqual([]);
});

test('the clock endpoint and the adapter need the admin API (off by default) and loopback', async () => {
  sim = await start({ admin: false });
  expect((await fetch(`${sim.rootUrl}/__sim/clock`, { method: 'POST', body: JSON.stringify({ nowMs: START_MS + HOUR }) })).status).toBe(404);
  await expect(simClockAdapter(sim.rootUrl).advanceTo(START_MS + HOUR)).rejects.toThrow(/answered 404 \(is the simulator's admin API on\?\)/);
  expect(sim.nowMs()).toBe(START_MS);
  expect(() => simClockAdapter('https://api.elections.kalshi.com')).toThrow(/loopback only/);
});

test('wall-clock mode: nowMs moves the simulated time ahead of the wall clock, never behind', async () => {
  let wall = START_MS;
  sim = await start({ clock: { mode: 'wall' }, wallNow: () => wall });
  expect((await clock(START_MS + 3 * HOUR)).body).toEqual({ now_ms: START_MS + 3 * HOUR, moved: true });
  expect((await market('CK-E-A')).status).toBe('finalized'); // closed at +2h, determined +60 s, settled +300 s
  wall += 1000;
  expect((await clock(START_MS)).body).toEqual({ now_ms: START_MS + 3 * HOUR + 1000, moved: false });
});
