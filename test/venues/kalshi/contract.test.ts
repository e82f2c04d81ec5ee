/**
 * Contract tests: every recorded response body in test/fixtures/kalshi-wire (copied from shared/kalshi-wire-fixtures, top folder) is fed through the
 * client method that would have produced it (per its .meta.json), and the parsed domain values are asserted.
 */
import { readdirSync } from 'node:fs';
import pino from 'pino';
import { Writable } from 'node:stream';
import {
  KalshiApiError, classifyOutcome, parseErrorBody, KalshiClient, RateLimiter,
} from '../../../src/venues/kalshi';
import { parseOne, toOrder } from '../../../src/venues/kalshi/parse';
import { OrderWireEnvelope } from '../../../src/venues/kalshi/wire-schemas';
import { FIXTURES, fixtureText, fixture, meta, fakeFetch, jsonResponse, makeClient, Captured } from './helpers';

const covered = new Set<string>();

/** A client that answers every request with fixture `name` (status from its meta). */
function serving(name: string, over: Parameters<typeof makeClient>[1] = {}) {
  covered.add(name);
  const m = meta(name);
  const { fetch, calls } = fakeFetch(() => jsonResponse(m.status, fixtureText(name)));
  const { client } = makeClient(fetch, { maxReadAttempts: 1, ...over });
  return { client, calls, meta: m };
}

async function apiError(p: Promise<unknown>): Promise<KalshiApiError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof KalshiApiError) return e;
    throw e;
  }
  throw new Error('expected a KalshiApiError');
}

const LEP = 'KXWTACHALLENGERMATCH-26JUN11JIMLEP-LEP';
const ORDER_ARGS = { ticker: LEP, side: 'yes', action: 'buy', price: 10_000, count: 100, timeInForce: 'good_till_canceled', selfTradePrevention: 'taker_at_cross', clientOrderId: '4a75a66e-ca85-4187-93cd-aac5e01ad982' } as const;

describe('market data fixtures', () => {
  it('markets__single / markets__unauth_single: quotes, sizes, derived NO side, ranges', async () => {
    for (const name of ['markets__single', 'markets__unauth_single']) {
      const { client, calls } = serving(name);
      const m = await client.getMarket(LEP);
      expect(calls[0].url.pathname).toBe(`/trade-api/v2/markets/${LEP}`);
      expect(m).toMatchObject({
        ticker: LEP,
        eventTicker: 'KXWTACHALLENGERMATCH-26JUN11JIMLEP',
        marketType: 'binary',
        status: 'active',
        yesBid: { price: 470_000, size: 300 },
        yesAsk: { price: 520_000, size: 300 },
        noBid: { price: 480_000, size: 300 },
        noAsk: { price: 530_000, size: 300 },
        lastPrice: 990_000,
        volume: 200,
        volume24h: 100,
        openInterest: 200,
        notionalValue: 1_000_000,
        result: null,
        settlementValue: null,
        closeTime: '2026-06-25T16:00:00Z',
        priceLevelStructure: 'linear_cent',
        priceRanges: [{ start: 0, end: 1_000_000, step: 10_000 }],
        strikeType: 'structured',
        canCloseEarly: true,
      });
    }
  });

  it('markets__single_filter_lastpage: one market, cursor "" ends the walk', async () => {
    const { client, calls } = serving('markets__single_filter_lastpage');
    const ms = await client.listMarkets({ tickers: [LEP] });
    expect(ms.map((m) => m.ticker)).toEqual([LEP]);
    expect(calls).toHaveLength(1);
    expect(calls[0].url.searchParams.get('tickers')).toBe(LEP);
    const page = await client.getMarketsPage({ tickers: [LEP] });
    expect(page.cursor).toBeNull();
  });

  it('markets__page1/2/3 and garbage cursor: initialized markets with no quotes (0/1 sentinels → null)', async () => {
    const expectFirst: Record<string, string> = {
      markets__page1: 'KXMLBHIT-26JUN111310AZMIA-AZKMARTE4-4',
      markets__page2: 'KXMLBHIT-26JUN111310AZMIA-AZGPERDOMO2-2',
      markets__page3: 'KXMLBHIT-26JUN111310AZMIA-AZCCARROLL7-1',
      markets__garbage_cursor: 'KXMLBHIT-26JUN111310AZMIA-AZKMARTE4-4',
      markets__unauth_list: 'KXMLBHIT-26JUN111310AZMIA-AZKMARTE4-4',
    };
    const expectCursor: Record<string, string> = {
      markets__page1: 'CgwIuKKp0QYQ-MDV3QISJ0tYTUxCSElULTI2SlVOMTExMzEwQVpNSUEtQVpHUEVSRE9NTzItMw',
      markets__page2: 'CgwIuKKp0QYQ-MDV3QISJ0tYTUxCSElULTI2SlVOMTExMzEwQVpNSUEtQVpDQ0FSUk9MTDctMg',
      markets__page3: 'CgsIuKKp0QYQgKaKMBImS1hNTEJIUi0yNkpVTjExMTMxMEFaTUlBLUFaQ0NBUlJPTEw3LTI',
      markets__garbage_cursor: 'CgwIuKKp0QYQ-MDV3QISJ0tYTUxCSElULTI2SlVOMTExMzEwQVpNSUEtQVpHUEVSRE9NTzItMw',
      markets__unauth_list: 'CgwIuKKp0QYQ-MDV3QISJUtYTUxCSElULTI2SlVOMTExMzEwQVpNSUEtQVpLTUFSVEU0LTM',
    };
    for (const name of Object.keys(expectFirst)) {
      const { client } = serving(name);
      const page = await client.getMarketsPage({ limit: 5 });
      expect(page.items).toHaveLength(name === 'markets__unauth_list' ? 2 : 5);
      expect(page.items[0].ticker).toBe(expectFirst[name]);
      expect(page.cursor).toBe(expectCursor[name]);
      for (const m of page.items) {
        expect(m.status).toBe('initialized');
        expect([m.yesBid, m.yesAsk, m.noBid, m.noAsk, m.lastPrice]).toEqual([null, null, null, null, null]);
        expect(m.volume).toBe(0);
      }
    }
  });

  it('markets__status_open: 200 active markets, only real quotes survive, deci_cent grid read exactly', async () => {
    const { client, calls } = serving('markets__status_open');
    const page = await client.getMarketsPage({ status: 'open', limit: 200 });
    expect(calls[0].url.search).toBe('?limit=200&status=open');
    expect(page.items).toHaveLength(200);
    expect(new Set(page.items.map((m) => m.status))).toEqual(new Set(['active']));
    expect(page.items.filter((m) => m.yesBid).length).toBe(2);
    expect(page.items.filter((m) => m.yesAsk).length).toBe(34);
    expect(page.items.reduce((s, m) => s + m.volume, 0)).toBe(1440);
    const combo = page.items[0];
    expect(combo.ticker).toBe('KXMVESPORTSMULTIGAMEEXTENDED-S202667DDE5A948C-EAAA448B85D');
    // yes_ask "1.0000" with size 0 and no_bid "0.0000": no ask, never a $1 or $0 price.
    expect(combo).toMatchObject({ yesBid: { price: 510_000, size: 800 }, yesAsk: null, noBid: null, noAsk: { price: 490_000, size: 800 } });
    expect(combo.priceLevelStructure).toBe('deci_cent');
    expect(combo.priceRanges).toEqual([{ start: 0, end: 1_000_000, step: 1_000 }]);
    const cig = page.items.find((m) => m.ticker === 'KXATPCHALLENGERMATCH-26JUN11CIGEST-CIG')!;
    expect(cig).toMatchObject({ yesBid: null, yesAsk: { price: 650_000, size: 12_560 }, noBid: { price: 350_000, size: 12_560 }, volume: 640, lastPrice: 650_000 });
    expect(page.cursor).toBe('CgwIp4ep0QYQ4OqzsAESKUtYTUxCSFJSLTI2SlVOMTExODQwTEFEUElULUxBREtUVUNLRVIyMy01');
  });

  it('markets__status_closed: query closed returns determined markets with results', async () => {
    const { client } = serving('markets__status_closed');
    const page = await client.getMarketsPage({ status: 'closed', limit: 5 });
    expect(page.items.map((m) => [m.ticker, m.status, m.result, m.settlementValue])).toEqual([
      ['KXQUICKSETTLE-11JUN26H0220-3', 'determined', 'no', 0],
      ['KXQUICKSETTLE-11JUN26H0220-2', 'determined', 'yes', 1_000_000],
      ['KXQUICKSETTLE-11JUN26H0210-3', 'determined', 'no', 0],
      ['KXQUICKSETTLE-11JUN26H0210-2', 'determined', 'yes', 1_000_000],
      ['KXWTIH-26JUN1102-T91.89', 'determined', 'no', 0],
    ]);
    expect(page.items.every((m) => m.yesBid === null && m.yesAsk === null)).toBe(true);
    expect(page.cursor).toBe('CgYI4J2p0QYSF0tYV1RJSC0yNkpVTjExMDItVDkxLjg5');
  });

  it('markets__status_settled: query settled returns finalized markets with settlement_ts', async () => {
    const { client } = serving('markets__status_settled');
    const page = await client.getMarketsPage({ status: 'settled', limit: 5 });
    expect(page.items).toHaveLength(5);
    expect(page.items.every((m) => m.status === 'finalized')).toBe(true);
    expect(page.items[2]).toMatchObject({ ticker: 'KXQUICKSETTLE-11JUN26H0140-2', result: 'yes', settlementValue: 1_000_000, settlementTs: '2026-06-11T06:10:45.333635Z', volume: 200 });
    expect(page.items[0].priceRanges[0].step).toBe(1_000);
    expect(page.cursor).toBe('CgwI3-Wo0QYQuIDPgQESHEtYUVVJQ0tTRVRUTEUtMTFKVU4yNkgwMTMwLTI');
  });

  it('markets__high_temp (no meta; pretty-printed): strikes, fractional sizes, statuses', async () => {
    covered.add('markets__high_temp');
    const { fetch } = fakeFetch(() => jsonResponse(200, fixtureText('markets__high_temp')));
    const { client } = makeClient(fetch);
    const ms = await client.listMarkets({ seriesTicker: 'KXHIGHNY', limit: 1000 });
    expect(ms).toHaveLength(18);
    expect(ms.filter((m) => m.status === 'active')).toHaveLength(12);
    expect(ms.filter((m) => m.status === 'determined')).toHaveLength(6);
    expect(ms.reduce((s, m) => s + m.volume, 0)).toBe(106_766);
    const t92 = ms.find((m) => m.ticker === 'KXHIGHNY-26JUN14-T92')!;
    expect(t92).toMatchObject({ yesBid: { price: 160_000, size: 841 }, yesAsk: { price: 170_000, size: 5_000 }, noBid: { price: 830_000, size: 5_000 }, noAsk: { price: 840_000, size: 841 } });
    expect(ms[0]).toMatchObject({ ticker: 'KXHIGHNY-26JUN15-T85', strikeType: 'greater', yesBid: null, yesAsk: { price: 500_000, size: 7_000 } });
  });

  it('markets__limit_over_max: bare {msg} 400 becomes KalshiApiError http_400 (rejected)', async () => {
    const { client } = serving('markets__limit_over_max');
    const err = await apiError(client.getMarketsPage({ limit: 1000 }));
    expect(err.status).toBe(400);
    expect(err.code).toBe('http_400');
    expect(err.message).toMatch(/^Parameter validation failed for GetMarkets/);
    expect(classifyOutcome(err)).toBe('rejected');
  });

  it('orderbook__base: best bid is the last level; NO bids in NO terms; YES ask = 1 − best NO bid', async () => {
    const { client, calls } = serving('orderbook__base');
    const ob = await client.getOrderbook(LEP);
    expect(calls[0].url.pathname).toBe(`/trade-api/v2/markets/${LEP}/orderbook`);
    expect(ob).toEqual({
      ticker: LEP,
      yesBids: [{ price: 470_000, size: 300 }],
      noBids: [{ price: 480_000, size: 300 }],
      bestYesBid: { price: 470_000, size: 300 },
      bestNoBid: { price: 480_000, size: 300 },
      bestYesAsk: { price: 520_000, size: 300 },
      bestNoAsk: { price: 530_000, size: 300 },
    });
  });

  it('trades__public_recorded: fractional counts, taker side, cursor', async () => {
    const { client, calls } = serving('trades__public_recorded');
    const ts = await client.listTrades({ ticker: 'KXPGATOUR-USO26-JDAY', limit: 12 }, { maxItems: 12 });
    expect(calls[0].url.search).toBe('?ticker=KXPGATOUR-USO26-JDAY&limit=12');
    expect(ts).toHaveLength(12);
    expect(ts[0]).toEqual({
      tradeId: '56932642-f55c-41a6-1cad-35b95c27373b', ticker: 'KXPGATOUR-USO26-JDAY', count: 777, yesPrice: 30_000, noPrice: 970_000,
      takerSide: 'yes', createdTime: '2026-06-15T15:48:42.609997Z', isBlockTrade: false,
    });
    expect(ts.slice(1).every((t) => t.count === 1_000)).toBe(true);
    // The recorded page has a cursor: a full walk re-sends the filters with it on the next request.
    const { fetch, calls: walk } = fakeFetch((_req, i) => (i === 0 ? jsonResponse(200, fixtureText('trades__public_recorded')) : jsonResponse(200, { trades: [], cursor: '' })));
    const all = await makeClient(fetch).client.listTrades({ ticker: 'KXPGATOUR-USO26-JDAY', limit: 12 });
    expect(all).toHaveLength(12);
    expect(walk[1].url.search).toBe('?ticker=KXPGATOUR-USO26-JDAY&limit=12&cursor=EhIKEC4Yf1dC7Fly-I7MaD55Y-MaDAjavcDRBhDwop6bAg');
  });

  it('exchange__status', async () => {
    const { client } = serving('exchange__status');
    expect(await client.getExchangeStatus()).toEqual({ exchangeActive: true, tradingActive: true, estimatedResumeTime: null });
  });

  it('series__fee_changes: empty array', async () => {
    const { client } = serving('series__fee_changes');
    expect(await client.getSeriesFeeChanges()).toEqual([]);
  });
});

describe('account and portfolio fixtures', () => {
  it('account__limits and account__endpoint_costs', async () => {
    const a = serving('account__limits');
    expect(await a.client.getAccountLimits()).toEqual({
      usageTier: 'basic',
      buckets: { read: { refillPerSec: 200, capacity: 200 }, write: { refillPerSec: 100, capacity: 100 } },
    });
    const c = serving('account__endpoint_costs');
    const costs = await c.client.getEndpointCosts();
    expect(costs.defaultCost).toBe(10);
    expect(costs.endpointCosts).toHaveLength(16);
    expect(costs.endpointCosts).toContainEqual({ method: 'DELETE', path: '/trade-api/v2/portfolio/events/orders/:order_id', cost: 2 });
    const rl = new RateLimiter({ ...costs, now: () => 0 });
    expect(rl.costOf('POST', '/trade-api/v2/portfolio/orders/abc/amend')).toBe(20);
  });

  it.each(['auth__balance_ok', 'auth__balance_alt_host', 'auth__skew_minus5s', 'auth__skew_plus5s'])('%s: balance from balance_dollars, never the cents field', async (name) => {
    const { client } = serving(name);
    const b = await client.getBalance();
    expect(b.balance).toBe(98_018_600);
    expect(b.portfolioValue).toBe(1_980_000);
    expect(b.breakdown).toEqual([{ exchangeIndex: 0, balance: 98_018_600 }]);
    expect(b.updatedTs).toBe(name === 'auth__balance_ok' ? 1781159348 : 1781159349);
  });

  it('portfolio__positions: signed position_fp, event positions', async () => {
    const { client } = serving('portfolio__positions');
    expect(await client.getPositions()).toEqual({
      marketPositions: [{
        ticker: LEP, position: 300, side: 'yes', totalTraded: 2_500_000, marketExposure: 2_500_000, realizedPnl: 0, feesPaid: 18_900,
        lastUpdatedTs: '2026-06-11T06:29:30.165032Z',
      }],
      eventPositions: [{ eventTicker: 'KXWTACHALLENGERMATCH-26JUN11JIMLEP', totalCost: 2_500_000, totalCostShares: 300, eventExposure: 2_500_000, realizedPnl: 0, feesPaid: 18_900 }],
    });
  });

  it('fills__after_taker: fee_cost 6 dp, prices, direction', async () => {
    const { client, calls } = serving('fills__after_taker');
    const fills = await client.listFills({ limit: 10 });
    expect(calls).toHaveLength(1);
    expect(fills).toHaveLength(3);
    expect(fills[0]).toEqual({
      fillId: 'f4a42159-b500-57c6-efa2-c31d94d916c1', tradeId: 'f4a42159-b500-57c6-efa2-c31d94d916c1', orderId: '97ec18b7-10d3-4557-9de0-8598aad625f0',
      ticker: LEP, side: 'yes', action: 'buy', bookSide: 'bid', price: 520_000, yesPrice: 520_000, count: 100, fee: 17_500, isTaker: true,
      createdTime: '2026-06-11T06:29:30.164956Z', ts: 1781159370,
    });
    expect(fills.map((f) => f.fee)).toEqual([17_500, 700, 700]);
  });

  it.each(['settlements__page', 'settlements__end_of_session'])('%s: empty page with cursor ""', async (name) => {
    const { client, calls } = serving(name);
    expect(await client.listSettlements({ limit: 10 })).toEqual([]);
    expect(calls).toHaveLength(1);
  });

  it('portfolio__orders_list: statuses, fill costs, a sell-YES order read back as sell YES', async () => {
    const { client } = serving('portfolio__orders_list');
    const orders = await client.listOrders({ limit: 10 });
    expect(orders).toHaveLength(9);
    expect(orders.map((o) => o.status)).toEqual(['executed', 'canceled', 'executed', 'canceled', 'canceled', 'canceled', 'canceled', 'executed', 'canceled']);
    expect(orders[0]).toMatchObject({
      orderId: '97ec18b7-10d3-4557-9de0-8598aad625f0', clientOrderId: '2b8394e0-515e-4b89-b624-f34067756855', side: 'yes', action: 'buy',
      price: 990_000, yesPrice: 990_000, fillCount: 100, remainingCount: 0, initialCount: 100, takerFillCost: 520_000, takerFees: 17_500, makerFees: 0,
    });
    const sell = orders.find((o) => o.orderId === '19d9f274-9630-4ce8-9c2c-c1a4f348c5aa')!;
    expect(sell).toMatchObject({ side: 'yes', action: 'sell', bookSide: 'ask', price: 20_000, yesPrice: 20_000, status: 'canceled' });
  });

  it.each([
    ['orders__get_after_create', '2597b999-f887-4195-8bac-c3f97a1f2021', 10_000, 'resting'],
    ['orders__get_after_cancel', '2597b999-f887-4195-8bac-c3f97a1f2021', 10_000, 'resting'], // stale read after cancel
    ['orders__stp_resting_after', '17fc4f3a-b397-4792-bd0c-9c81ca69a1f4', 480_000, 'resting'],
  ])('%s: single order', async (name, id, price, status) => {
    const { client, calls } = serving(name);
    const o = await client.getOrder(id);
    expect(calls[0].url.pathname).toBe(`/trade-api/v2/portfolio/orders/${id}`);
    expect(o).toMatchObject({ orderId: id, ticker: LEP, side: 'yes', action: 'buy', price, status, remainingCount: 100, fillCount: 0, selfTradePreventionType: 'taker_at_cross', orderGroupId: null });
  });

  it('orders__legacy_create / orders__legacy_cancel: the {order:{...}} shape parses (legacy endpoints are never called)', () => {
    covered.add('orders__legacy_create');
    covered.add('orders__legacy_cancel');
    const created = parseOne(fixture('orders__legacy_create'), OrderWireEnvelope, (w) => toOrder(w.order), 'order');
    expect(created).toMatchObject({ orderId: 'e641ead7-badf-41d1-a4bf-04a6cb202714', status: 'resting', price: 10_000, remainingCount: 100, selfTradePreventionType: null });
    const canceled = parseOne(fixture('orders__legacy_cancel'), OrderWireEnvelope, (w) => toOrder(w.order), 'order');
    expect(canceled).toMatchObject({ status: 'canceled', remainingCount: 0, lastUpdateTime: '2026-06-11T06:29:43.936722Z' });
  });
});

describe('V2 write fixtures', () => {
  it.each([
    ['orders__create_v2_maker', { orderId: '2597b999-f887-4195-8bac-c3f97a1f2021', clientOrderId: '4a75a66e-ca85-4187-93cd-aac5e01ad982', fillCount: 0, remainingCount: 100, averageFillPrice: null, averageFeePaid: null, tsMs: 1781159360866 }],
    ['orders__create_v2_taker_ioc', { orderId: '97ec18b7-10d3-4557-9de0-8598aad625f0', clientOrderId: '2b8394e0-515e-4b89-b624-f34067756855', fillCount: 100, remainingCount: 0, averageFillPrice: 520_000, averageFeePaid: 17_500, tsMs: 1781159370164 }],
    ['orders__settlement_seed', { orderId: '216a2cb7-1ab1-4e65-8afb-b543af66159a', clientOrderId: 'facb2271-6e40-4f08-9aa4-1f6285e5b1cb', fillCount: 100, remainingCount: 0, averageFillPrice: 520_000, averageFeePaid: 17_500, tsMs: 1781159385347 }],
    ['orders__stp_self_cross', { orderId: '07ac75d5-1cdb-4477-beee-5246146e7eaa', clientOrderId: '8ae6f81d-5f9d-4bb0-8bff-076e5cb4038d', fillCount: 0, remainingCount: 0, averageFillPrice: null, averageFeePaid: null, tsMs: 1781159381287 }],
    ['orders__stp_setup', { orderId: '17fc4f3a-b397-4792-bd0c-9c81ca69a1f4', clientOrderId: '7a521eb4-7258-42de-876f-9a92a33724a5', fillCount: 0, remainingCount: 100, averageFillPrice: null, averageFeePaid: null, tsMs: 1781159379877 }],
  ])('%s: 201 flat ack → ok', async (name, ack) => {
    const { client, calls, meta: m } = serving(name);
    const rb = m.request_body as Record<string, string>;
    // Rebuild the recorded request from domain terms: bid = buy YES at p, ask = sell YES at p.
    const r = await client.createOrder({
      ticker: rb.ticker, side: 'yes', action: rb.side === 'bid' ? 'buy' : 'sell', price: Math.round(Number(rb.price) * 1e6), count: 100,
      timeInForce: rb.time_in_force as 'good_till_canceled', selfTradePrevention: 'taker_at_cross', clientOrderId: rb.client_order_id,
      ...(rb.post_only !== undefined ? { postOnly: rb.post_only as unknown as boolean } : {}),
    });
    expect(calls[0].body).toEqual(rb);
    expect(r).toEqual({ outcome: 'ok', value: ack });
  });

  it.each([
    ['orders__cancel_v2', { orderId: '2597b999-f887-4195-8bac-c3f97a1f2021', clientOrderId: null, reducedBy: 100, tsMs: 1781159364112 }],
    ['cleanup__stp_resting', { orderId: '17fc4f3a-b397-4792-bd0c-9c81ca69a1f4', clientOrderId: null, reducedBy: 100, tsMs: 1781159383109 }],
  ])('%s: 200 cancel ack → ok', async (name, ack) => {
    const { client, calls } = serving(name);
    const r = await client.cancelOrder(ack.orderId);
    expect(calls[0].method).toBe('DELETE');
    expect(calls[0].url.pathname).toBe(`/trade-api/v2/portfolio/events/orders/${ack.orderId}`);
    expect(r).toEqual({ outcome: 'ok', value: ack });
  });
});

describe('error fixtures: envelope parsing and outcome classification', () => {
  const cases: [string, number, string, string | null, 'rejected' | 'already_exists' | 'unknown'][] = [
    ['auth__bad_signature', 401, 'authentication_error', 'INCORRECT_API_KEY_SIGNATURE', 'rejected'],
    ['auth__unknown_key_id', 401, 'authentication_error', 'NOT_FOUND', 'rejected'],
    ['auth__missing_signature_header', 401, 'signature_is_missing_from_headers', null, 'rejected'],
    ['auth__skew_minus30s', 401, 'header_timestamp_expired', null, 'rejected'],
    ['auth__skew_minus5min', 401, 'header_timestamp_expired', null, 'rejected'],
    ['auth__skew_plus5min', 401, 'header_timestamp_expired', null, 'rejected'],
    ['cleanup__leftover_0', 404, 'not_found', null, 'rejected'],
    ['cleanup__leftover_1', 404, 'not_found', null, 'rejected'],
    ['cleanup__leftover_2', 404, 'not_found', null, 'rejected'],
    ['orders__cancel_already_canceled', 404, 'not_found', null, 'rejected'],
    ['orders__cancel_executed', 404, 'not_found', null, 'rejected'],
    ['orders__cancel_unknown_id', 404, 'not_found', null, 'rejected'],
    ['orders__duplicate_client_order_id', 409, 'order_already_exists', null, 'already_exists'],
    ['orders__reuse_canceled_client_id', 409, 'order_already_exists', null, 'already_exists'],
    ['orders__insufficient_balance', 400, 'insufficient_balance', null, 'rejected'],
    ['orders__invalid_price_structure', 400, 'invalid_price', null, 'rejected'],
    ['orders__post_only_cross', 400, 'invalid_order', 'post only cross', 'rejected'],
    ['orders__numeric_field_types', 400, 'bad_request', 'json: cannot unmarshal number into Go struct field CreateOrderV2Request.count of type string', 'rejected'],
    ['markets__limit_over_max', 400, 'http_400', null, 'rejected'],
  ];

  it.each(cases)('%s → %i %s → %s', (name, status, code, details, outcome) => {
    covered.add(name);
    expect(meta(name).status).toBe(status);
    const err = parseErrorBody(status, fixtureText(name));
    expect(err).toBeInstanceOf(KalshiApiError);
    expect([err.status, err.code, err.details]).toEqual([status, code, details]);
    expect(classifyOutcome(err)).toBe(outcome);
  });

  it('401s surface from reads as typed errors (header_timestamp_expired re-signed exactly once)', async () => {
    for (const [name, code, calls] of [['auth__bad_signature', 'authentication_error', 1], ['auth__skew_minus30s', 'header_timestamp_expired', 2]] as const) {
      const s = serving(name);
      const err = await apiError(s.client.getBalance());
      expect(err.code).toBe(code);
      expect(s.calls).toHaveLength(calls);
    }
  });

  it('write fixtures map to the right WriteResult outcome through the client', async () => {
    const dup = serving('orders__duplicate_client_order_id');
    const r1 = await dup.client.createOrder(ORDER_ARGS);
    expect(r1.outcome).toBe('already_exists');
    expect(dup.calls.filter((c: Captured) => c.method === 'POST')).toHaveLength(1);
    const ins = serving('orders__insufficient_balance');
    const r2 = await ins.client.createOrder({ ...ORDER_ARGS, price: 990_000, count: 1_009_900 });
    expect(r2.outcome === 'rejected' && r2.error.code).toBe('insufficient_balance');
    const gone = serving('orders__cancel_unknown_id');
    const r3 = await gone.client.cancelOrder('00000000-0000-0000-0000-000000000000');
    expect(r3.outcome === 'rejected' && [r3.error.status, r3.error.code]).toEqual([404, 'not_found']);
  });

  it('other envelopes: 429 string body, non-JSON body, dynamic codes', () => {
    const e429 = parseErrorBody(429, '{"error":"too many requests"}');
    expect([e429.code, e429.message, classifyOutcome(e429)]).toEqual(['too_many_requests', 'too many requests', 'rejected']);
    const e502 = parseErrorBody(502, '<html>Bad Gateway</html>');
    expect([e502.code, e502.message, classifyOutcome(e502)]).toEqual(['http_502', '<html>Bad Gateway</html>', 'unknown']);
    expect(classifyOutcome(parseErrorBody(408, ''))).toBe('unknown');
    const dyn = parseErrorBody(400, '{"code":"user_not_found:_3f2a","message":"x"}');
    expect(dyn.hasCode('user_not_found')).toBe(true);
    expect(classifyOutcome({ status: 409, code: 'market_closed' })).toBe('rejected');
  });
});

describe('fixture coverage', () => {
  it('every top-level response body was exercised above', () => {
    const bodies = readdirSync(FIXTURES).filter((f) => f.endsWith('.json') && !f.endsWith('.meta.json')).map((f) => f.replace(/\.json$/, ''));
    expect(bodies.length).toBe(58);
    expect(bodies.filter((b) => !covered.has(b))).toEqual([]);
  });
});

describe('malformed objects are dropped with a logged reason, never crashing the scan', () => {
  it('drops a market missing event_ticker and one with a garbage price, logging the ticker', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'warn' }, new Writable({ write(chunk, _e, cb) { lines.push(String(chunk)); cb(); } }));
    const good = (fixture('markets__single') as { market: Record<string, unknown> }).market;
    const body = {
      cursor: null,
      markets: [good, { ...good, ticker: 'NO-EVENT', event_ticker: undefined }, { ...good, ticker: 'BAD-PRICE', yes_bid_dollars: 'abc' }, { ...good, ticker: 'EXTRA', brand_new_field: { x: 1 } }],
    };
    const { fetch } = fakeFetch(() => jsonResponse(200, body));
    const { client } = makeClient(fetch, { logger });
    const ms = await client.listMarkets();
    expect(ms.map((m) => m.ticker)).toEqual([LEP, 'EXTRA']);
    const logged = lines.map((l) => JSON.parse(l) as { ticker: string; reason: string; msg: string });
    expect(logged.map((l) => l.ticker)).toEqual(['NO-EVENT', 'BAD-PRICE']);
    expect(logged[0].reason).toMatch(/event_ticker/);
    expect(logged[1].reason).toMatch(/yes_bid_dollars/);
    expect(logged[0].msg).toBe('dropped malformed Kalshi market');
  });

  it('tolerates null arrays and missing orderbook sides', async () => {
    const { fetch } = fakeFetch((req) =>
      req.url.pathname.endsWith('/orderbook') ? jsonResponse(200, { orderbook_fp: { yes_dollars: null } }) : jsonResponse(200, { markets: null, cursor: '' }),
    );
    const { client } = makeClient(fetch);
    expect(await client.listMarkets()).toEqual([]);
    expect(await client.getOrderbook('X')).toEqual({ ticker: 'X', yesBids: [], noBids: [], bestYesBid: null, bestYesAsk: null, bestNoBid: null, bestNoAsk: null });
  });
});

describe('KalshiClient is constructible for sim on loopback', () => {
  it('builds URLs under the override', () => {
    expect(new KalshiClient({ env: 'sim', baseUrl: 'http://127.0.0.1:1' }).baseUrl).toBe('http://127.0.0.1:1/trade-api/v2');
  });
});
