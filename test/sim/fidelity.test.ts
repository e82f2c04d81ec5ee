/**
 * Fidelity: replay the recorded demo session (fixtures in test/fixtures/kalshi-wire, copied from shared/kalshi-wire-fixtures; requests from each
 * .meta.json) against the simulator and compare status codes, error codes, key sets and value formats.
 */
import type { SimHandle } from '../../src/sim';
import { Client, fixture, makeKey, signHeaders, START_MS, startTestSim } from './helpers';
import { shapeProblems } from './shape';

const T = 'KXWTACHALLENGERMATCH-26JUN11JIMLEP-LEP';
const SCENARIO = {
  name: 'fixture-replay',
  series: [
    { ticker: 'KXWTACHALLENGERMATCH', fee_type: 'quadratic' as const },
    { ticker: 'KXPGATOUR', fee_type: 'quadratic' as const },
    { ticker: 'KXQUICKSETTLE', fee_type: 'quadratic' as const },
  ],
  events: [
    { event_ticker: 'KXWTACHALLENGERMATCH-26JUN11JIMLEP', series_ticker: 'KXWTACHALLENGERMATCH', markets: [
      { ticker: T, open_time: '-6h', close_time: '+14d', true_probability: '0.5000', strike_type: 'structured' },
      { ticker: 'KXWTACHALLENGERMATCH-26JUN11JIMLEP-JIM', open_time: '-6h', close_time: '+14d', true_probability: '0.5000' },
    ] },
    { event_ticker: 'KXPGATOUR-USO26', series_ticker: 'KXPGATOUR', markets: [
      { ticker: 'KXPGATOUR-USO26-JDAY', open_time: '-1d', close_time: '+3d', true_probability: '0.0300' },
      { ticker: 'KXPGATOUR-USO26-LATER', open_time: '+1d', close_time: '+3d', true_probability: '0.2000' },
    ] },
    { event_ticker: 'KXQUICKSETTLE-A', series_ticker: 'KXQUICKSETTLE', markets: [
      { ticker: 'KXQUICKSETTLE-A-DET', open_time: '-2h', close_time: '-10m', true_probability: '0.1000', settlement_timer_seconds: 3600 },
      { ticker: 'KXQUICKSETTLE-A-FIN', open_time: '-3d', close_time: '-2d', true_probability: '0.1000' },
    ] },
  ],
};

const me = makeKey('a952bcbe-ec3b-4b5b-b8f9-11dae589608c');
const other = makeKey('house-liquidity-key');
let sim: SimHandle;
let c: Client;
let mm: Client;
const ids: Record<string, string> = {};

beforeAll(async () => {
  sim = await startTestSim([me, other], { scenario: SCENARIO as any, startingBalanceMicros: 98_010_000 });
  c = new Client(sim, me);
  mm = new Client(sim, other);
  // The book the operator saw: YES bid 0.47 × 3, NO bid 0.48 × 3 (YES ask 0.52).
  await mm.create({ ticker: T, side: 'bid', price: '0.4700', count: '3.00', client_order_id: 'mm1' });
  await mm.create({ ticker: T, side: 'ask', price: '0.5200', count: '3.00', client_order_id: 'mm2' });
  // Some public prints on the PGA market.
  await mm.create({ ticker: 'KXPGATOUR-USO26-JDAY', side: 'ask', price: '0.0300', count: '20.00', client_order_id: 'mm3' });
  await c.create({ ticker: 'KXPGATOUR-USO26-JDAY', side: 'bid', price: '0.0300', count: '7.77', client_order_id: 'pga1', time_in_force: 'immediate_or_cancel' });
});
afterAll(() => sim.close());

const meta = (name: string) => fixture(`${name}.meta.json`);
const sub = (p: string) => p.replace('/trade-api/v2', '');

async function replay(name: string, client: Client = c, subst: Record<string, string> = {}) {
  const m = meta(name);
  let path = sub(m.path);
  for (const [from, to] of Object.entries(subst)) path = path.replace(from, to);
  const r = await client.req(m.method, path, m.request_body ?? undefined, { sign: m.auth !== 'unauthenticated' && !String(m.auth).startsWith('NONE') });
  return { r, m, fx: fixture(`${name}.json`) };
}

function expectLike(name: string, r: { status: number; body: any }, m: any, fx: any) {
  expect([name, r.status]).toEqual([name, m.status]);
  expect([name, shapeProblems(r.body, fx)]).toEqual([name, []]);
}

describe('auth (recorded 401 bodies)', () => {
  const full = '/trade-api/v2/portfolio/balance';
  const get = (headers: Record<string, string>) => c.req('GET', '/portfolio/balance', undefined, { sign: false, headers });

  test('balance ok: shape and truncated-cents balance', async () => {
    const { r, m, fx } = await replay('auth__balance_ok');
    expectLike('auth__balance_ok', r, m, fx);
    // 98.01 − 7.77 × 0.03 − fee(7.77 @ 0.03 = 0.015821… → 0.0159) = 97.7610 → floored to 97.76.
    expect(r.body).toMatchObject({ balance: 9776, balance_dollars: '97.7600', balance_breakdown: [{ balance: '97.7600', exchange_index: 0 }] });
  });

  test.each([
    ['auth__skew_minus5s', -5_000], ['auth__skew_plus5s', 5_000], ['auth__skew_minus30s', -30_000],
    ['auth__skew_minus5min', -300_000], ['auth__skew_plus5min', 300_000],
  ])('%s', async (name, skew) => {
    const r = await get(signHeaders(me, 'GET', full, Date.now() + skew));
    const m = meta(name);
    expect(r.status).toBe(m.status);
    if (m.status === 401) expect(r.body).toEqual(fixture(`${name}.json`));
    else expect(shapeProblems(r.body, fixture(`${name}.json`))).toEqual([]);
  });

  test('bad signature, unknown key id, missing signature header: exact bodies', async () => {
    const h = signHeaders(me, 'GET', '/trade-api/v2/portfolio/positions');
    expect((await get(h)).body).toEqual(fixture('auth__bad_signature.json'));
    // Short path (without /trade-api/v2) and query-string signing are also bad signatures.
    expect((await get(signHeaders(me, 'GET', '/portfolio/balance'))).status).toBe(401);
    const q = await c.req('GET', '/portfolio/balance?x=1', undefined, { sign: false, headers: signHeaders(me, 'GET', `${full}?x=1`.replace('?', '%3F')) });
    expect(q.body).toEqual(fixture('auth__bad_signature.json'));
    const unknown = { ...signHeaders(me, 'GET', full), 'KALSHI-ACCESS-KEY': '00000000-0000-0000-0000-000000000000' };
    expect((await get(unknown)).body).toEqual(fixture('auth__unknown_key_id.json'));
    const { 'KALSHI-ACCESS-SIGNATURE': _s, ...noSig } = signHeaders(me, 'GET', full);
    const r = await get(noSig);
    expect([r.status, r.body]).toEqual([401, fixture('auth__missing_signature_header.json')]);
  });

  test('the auth clock is wall time + the skew fault, not the market clock', async () => {
    sim.advance(3 * 86_400_000);
    expect((await c.get('/portfolio/balance')).status).toBe(200);
    sim.setFaults({ clockSkewMs: 60_000 });
    expect((await c.get('/portfolio/balance')).body).toEqual(fixture('auth__skew_minus30s.json'));
    sim.setFaults({ clockSkewMs: 0 });
    sim.reset();
  });
});

describe('market data', () => {
  beforeAll(async () => {
    await mm.create({ ticker: T, side: 'bid', price: '0.4700', count: '3.00', client_order_id: 'mm1' });
    await mm.create({ ticker: T, side: 'ask', price: '0.5200', count: '3.00', client_order_id: 'mm2' });
    await mm.create({ ticker: 'KXPGATOUR-USO26-JDAY', side: 'ask', price: '0.0300', count: '20.00', client_order_id: 'mm3' });
    await c.create({ ticker: 'KXPGATOUR-USO26-JDAY', side: 'bid', price: '0.0300', count: '7.77', client_order_id: 'pga1', time_in_force: 'immediate_or_cancel' });
  });

  test.each(['markets__unauth_list', 'markets__single', 'markets__unauth_single', 'markets__single_filter_lastpage', 'markets__page1'])('%s', async (name) => {
    const { r, m, fx } = await replay(name);
    expectLike(name, r, m, fx);
  });

  test('status vocabulary: open → active, closed → determined, settled → finalized', async () => {
    for (const [name, status] of [['markets__status_open', 'active'], ['markets__status_closed', 'determined'], ['markets__status_settled', 'finalized']]) {
      const { r, m, fx } = await replay(name);
      expectLike(name, r, m, fx);
      expect(new Set(r.body.markets.map((x: any) => x.status))).toEqual(new Set([status]));
    }
    const settled = (await c.get('/markets?status=settled')).body.markets[0];
    expect([settled.result === 'yes' || settled.result === 'no', ['1.0000', '0.0000'].includes(settled.settlement_value_dollars), typeof settled.settlement_ts]).toEqual([true, true, 'string']);
    expect((await c.get('/markets?status=unopened')).body.markets.map((x: any) => x.status)).toEqual(['initialized']);
  });

  test('limit over max → bare msg 400; garbage cursor → page 1; cursor walk ends with ""', async () => {
    const { r, m, fx } = await replay('markets__limit_over_max');
    expect([r.status, r.body]).toEqual([m.status, fx]);
    const p1 = await c.get('/markets?limit=5');
    const garbage = await replay('markets__garbage_cursor');
    expect(garbage.r.status).toBe(200);
    expect(garbage.r.body).toEqual(p1.body);
    const p2 = await c.get(`/markets?limit=5&cursor=${p1.body.cursor}`);
    expectLike('markets__page2', p2, meta('markets__page2'), fixture('markets__page2.json'));
    expect(p2.body.cursor).toBe('');
    expect(p1.body.markets.length + p2.body.markets.length).toBe(6);
  });

  test('orderbook, exchange status, series fee changes: equal to the recordings', async () => {
    for (const name of ['orderbook__base', 'exchange__status', 'series__fee_changes', 'account__limits']) {
      const { r, m, fx } = await replay(name);
      expect([name, r.status, r.body]).toEqual([name, m.status, fx]);
    }
    const costs = await replay('account__endpoint_costs');
    expectLike('account__endpoint_costs', costs.r, costs.m, costs.fx);
  });

  test('public trades', async () => {
    const { r, m, fx } = await replay('trades__public_recorded');
    expectLike('trades__public_recorded', r, m, fx);
    expect(r.body.trades[0]).toMatchObject({ count_fp: '7.77', yes_price_dollars: '0.0300', no_price_dollars: '0.9700', taker_side: 'yes' });
  });
});

describe('order session (same sequence as the recording)', () => {
  test('maker create, duplicate, get, cancel, stale get, re-cancel, unknown cancel, reuse', async () => {
    let x = await replay('orders__create_v2_maker');
    expectLike('orders__create_v2_maker', x.r, x.m, x.fx);
    expect([x.r.body.fill_count, x.r.body.remaining_count, x.r.body.client_order_id]).toEqual(['0.00', '1.00', x.m.request_body.client_order_id]);
    ids.maker = x.r.body.order_id;
    ids['2597b999-f887-4195-8bac-c3f97a1f2021'] = ids.maker;
    x = await replay('orders__duplicate_client_order_id');
    expect([x.r.status, x.r.body.error.code]).toEqual([409, 'order_already_exists']);
    expectLike('orders__duplicate_client_order_id', x.r, x.m, x.fx);
    x = await replay('orders__get_after_create', c, ids);
    expectLike('orders__get_after_create', x.r, x.m, x.fx);
    expect(x.r.body.order).toMatchObject({ status: 'resting', yes_price_dollars: '0.0100', no_price_dollars: '0.9900', side: 'yes', action: 'buy', outcome_side: 'yes', book_side: 'bid' });
    // The read surface lags 2 s of exchange time: the order (created 3 s ago) is visible, the cancel not yet.
    sim.advance(3_000);
    sim.setFaults({ readLagMs: 2_000 });
    x = await replay('orders__cancel_v2', c, ids);
    expectLike('orders__cancel_v2', x.r, x.m, x.fx);
    expect(x.r.body.reduced_by).toBe('1.00');
    x = await replay('orders__get_after_cancel', c, ids);
    expectLike('orders__get_after_cancel', x.r, x.m, x.fx);
    expect([x.r.body.order.status, x.r.body.order.remaining_count_fp]).toEqual(['resting', '1.00']);
    sim.setFaults({ readLagMs: 0 });
    for (const name of ['orders__cancel_already_canceled', 'orders__cancel_unknown_id']) {
      x = await replay(name, c, ids);
      expectLike(name, x.r, x.m, x.fx);
    }
    x = await replay('orders__reuse_canceled_client_id');
    expectLike('orders__reuse_canceled_client_id', x.r, x.m, x.fx);
  });

  test('IOC taker at 0.99 fills at 0.52 with fee 0.0175; executed cancel 404; fills page', async () => {
    let x = await replay('orders__create_v2_taker_ioc');
    expectLike('orders__create_v2_taker_ioc', x.r, x.m, x.fx);
    const { order_id, ts_ms, client_order_id, ...rest } = x.r.body;
    const { order_id: _o, ts_ms: _t, client_order_id: _c, ...fxRest } = x.fx;
    expect(rest).toEqual(fxRest);
    ids['97ec18b7-10d3-4557-9de0-8598aad625f0'] = order_id;
    x = await replay('orders__cancel_executed', c, ids);
    expectLike('orders__cancel_executed', x.r, x.m, x.fx);
    x = await replay('fills__after_taker');
    expectLike('fills__after_taker', x.r, x.m, x.fx);
    expect(x.r.body.fills[0]).toMatchObject({ fee_cost: '0.017500', yes_price_dollars: '0.5200', no_price_dollars: '0.4800', order_id });
    expect(x.r.body.cursor).toBe('');
  });

  test('insufficient balance, invalid price, numeric fields, post-only cross', async () => {
    let x = await replay('orders__insufficient_balance');
    expectLike('orders__insufficient_balance', x.r, x.m, x.fx);
    x = await replay('orders__invalid_price_structure');
    expectLike('orders__invalid_price_structure', x.r, x.m, x.fx);
    x = await replay('orders__numeric_field_types');
    expect([x.r.status, x.r.body]).toEqual([400, x.fx]);
    x = await replay('orders__post_only_cross');
    expect([x.r.status, x.r.body]).toEqual([400, x.fx]);
  });

  test('STP probe: setup, self-cross IOC cancelled, resting order untouched, cleanup', async () => {
    let x = await replay('orders__stp_setup');
    expectLike('orders__stp_setup', x.r, x.m, x.fx);
    ids['17fc4f3a-b397-4792-bd0c-9c81ca69a1f4'] = x.r.body.order_id;
    x = await replay('orders__stp_self_cross');
    expectLike('orders__stp_self_cross', x.r, x.m, x.fx);
    expect([x.r.body.fill_count, x.r.body.remaining_count]).toEqual(['0.00', '0.00']);
    ids['07ac75d5-1cdb-4477-beee-5246146e7eaa'] = x.r.body.order_id;
    x = await replay('orders__stp_resting_after', c, ids);
    expectLike('orders__stp_resting_after', x.r, x.m, x.fx);
    expect(x.r.body.order.status).toBe('resting');
    x = await replay('cleanup__stp_resting', c, ids);
    expectLike('cleanup__stp_resting', x.r, x.m, x.fx);
    x = await replay('cleanup__leftover_1', c, ids);
    expectLike('cleanup__leftover_1', x.r, x.m, x.fx);
  });

  test('legacy endpoints are switched off: 410 deprecated_v1_order_endpoint (the June recordings predate the shut-off)', async () => {
    for (const name of ['orders__legacy_create', 'orders__legacy_cancel']) {
      const { r } = await replay(name);
      expect([name, r.status, r.body.error.code]).toEqual([name, 410, 'deprecated_v1_order_endpoint']);
    }
  });

  test('orders list, positions, settlements pages', async () => {
    const seed = await replay('orders__settlement_seed');
    expectLike('orders__settlement_seed', seed.r, seed.m, seed.fx);
    for (const name of ['portfolio__orders_list', 'portfolio__positions', 'settlements__page']) {
      const { r, m, fx } = await replay(name);
      expectLike(name, r, m, fx);
    }
    const pos = (await c.get('/portfolio/positions?ticker=' + T)).body.market_positions[0];
    expect(pos.position_fp).toBe('2.00');
    sim.forceSettle(T, 'no');
    const s = (await c.get('/portfolio/settlements?limit=10')).body;
    expect(s.settlements.find((x: any) => x.ticker === T)).toMatchObject({ market_result: 'no', yes_count_fp: '2.00', revenue: 0, value: 0 });
    expect(START_MS).toBeGreaterThan(0);
  });
});
