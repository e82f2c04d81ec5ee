/**
 * Origin bug B4: a failed or empty remote response must never read as "no orders / no positions". Every such response
 * throws; only an explicit empty (or null) list from a well-formed response is empty.
 */
import { KalshiApiError, KalshiClient, KalshiParseError, KalshiTransportError } from '../../../src/venues/kalshi';
import { fakeFetch, fixtureText, jsonResponse, makeClient } from './helpers';

// user_data_timestamp (read first by findOrderByClientOrderId) answers normally; every list read gets `body`.
const CUTOFF = '2026-06-01T00:00:00Z'; // before every send time below: absence after it is conclusive
const serve = (status: number, body: string | object) => makeClient(fakeFetch((req) => (req.url.pathname.endsWith('/exchange/user_data_timestamp')
  ? jsonResponse(200, { as_of_time: '2026-06-11T06:30:00.000000Z' })
  : req.url.pathname.endsWith('/historical/cutoff')
    ? jsonResponse(200, { market_settled_ts: CUTOFF, trades_created_ts: CUTOFF, orders_updated_ts: CUTOFF })
    : jsonResponse(status, body))).fetch, { maxReadAttempts: 1 }).client;

type Read = [string, (c: KalshiClient) => Promise<unknown>];
const PORTFOLIO_READS: Read[] = [
  ['positions', (c) => c.getPositions()],
  ['orders', (c) => c.listOrders()],
  ['fills', (c) => c.listFills()],
  ['settlements', (c) => c.listSettlements()],
  ['order groups', (c) => c.listOrderGroups()],
  ['find by client_order_id', (c) => c.findOrderByClientOrderId({ ticker: 'T', clientOrderId: 'c', minTs: 0, sentAtMs: 0 })],
];
const ALL_LIST_READS: Read[] = [...PORTFOLIO_READS, ['markets', (c) => c.listMarkets()], ['trades', (c) => c.listTrades()]];

describe('a 200 whose list key is missing, or whose body is empty or not JSON, throws', () => {
  it.each(ALL_LIST_READS)('%s: {} → KalshiParseError naming the missing list', async (_n, read) => {
    await expect(read(serve(200, {}))).rejects.toThrow(/list missing from the response; refusing to read it as empty/);
  });
  it.each(PORTFOLIO_READS)('%s: empty body → KalshiParseError', async (_n, read) => {
    await expect(read(serve(200, ''))).rejects.toThrow(KalshiParseError);
  });
  it.each(PORTFOLIO_READS)('%s: truncated JSON → KalshiParseError', async (_n, read) => {
    await expect(read(serve(200, '{"cursor":"","orders":[{"order_id":'))).rejects.toThrow(KalshiParseError);
  });
  it.each(PORTFOLIO_READS)('%s: an error envelope on 200 ({"error":…}) → KalshiParseError', async (_n, read) => {
    await expect(read(serve(200, { error: { code: 'internal', message: 'x' } }))).rejects.toThrow(KalshiParseError);
  });
});

describe('failures propagate as errors, never as an empty list', () => {
  it.each(PORTFOLIO_READS)('%s: 500 → KalshiApiError', async (_n, read) => {
    await expect(read(serve(500, 'boom'))).rejects.toThrow(KalshiApiError);
  });
  it.each(PORTFOLIO_READS)('%s: dropped connection → KalshiTransportError', async (_n, read) => {
    const { client } = makeClient((async () => { throw new TypeError('fetch failed'); }) as typeof fetch, { maxReadAttempts: 1 });
    await expect(read(client)).rejects.toThrow(KalshiTransportError);
  });
  it('a failure on page 2 of positions fails the whole call (no partial list)', async () => {
    const { client } = makeClient(fakeFetch((_r, i) => (i === 0
      ? jsonResponse(200, { cursor: 'p2', market_positions: [{ ticker: 'A', position_fp: '3.00' }], event_positions: [] })
      : jsonResponse(503, 'unavailable'))).fetch, { maxReadAttempts: 1 });
    await expect(client.getPositions()).rejects.toThrow(KalshiApiError);
  });
});

describe('portfolio lists are strict about their elements (a dropped position would read as closed)', () => {
  it('a position without position_fp fails the call, naming the element', async () => {
    const body = { cursor: '', market_positions: [{ ticker: 'A', position_fp: '3.00' }, { ticker: 'B' }], event_positions: [] };
    await expect(serve(200, body).getPositions()).rejects.toThrow(/^market_position \[1\] unreadable; refusing a partial list: market_position: position_fp/);
  });
  it('an order with an unknown status fails listOrders', async () => {
    const list = JSON.parse(fixtureText('portfolio__orders_list')) as { orders: Record<string, unknown>[] };
    list.orders[2] = { ...list.orders[2], status: 'pending' };
    await expect(serve(200, { ...list, cursor: '' }).listOrders()).rejects.toThrow(/^order \[2\] unreadable; refusing a partial list: order .*unknown order status "pending"/);
  });
  it('a fill with a float fee fails listFills', async () => {
    const list = JSON.parse(fixtureText('fills__after_taker')) as { fills: Record<string, unknown>[] };
    list.fills[0] = { ...list.fills[0], fee_cost: 0.0175 };
    await expect(serve(200, list).listFills()).rejects.toThrow(/^fill \[0\] unreadable/);
  });
  it('market scans still drop a bad market and keep the rest', async () => {
    const page = JSON.parse(fixtureText('markets__page1')) as { markets: Record<string, unknown>[] };
    page.markets[0] = { ...page.markets[0], status: 'weird' };
    expect(await serve(200, { ...page, cursor: '' }).listMarkets()).toHaveLength(4);
  });
});

describe('an explicit empty answer is empty', () => {
  it('null and [] lists from a well-formed response', async () => {
    expect(await serve(200, { cursor: '', market_positions: null, event_positions: [] }).getPositions()).toEqual({ marketPositions: [], eventPositions: [] });
    expect(await serve(200, { cursor: '', orders: [] }).listOrders()).toEqual([]);
    expect(await serve(200, { cursor: null, settlements: null }).listSettlements()).toEqual([]);
    expect(await serve(200, { cursor: '', orders: [] }).findOrderByClientOrderId({ ticker: 'T', clientOrderId: 'c', minTs: 0, sentAtMs: Date.parse('2026-06-10T00:00:00Z') }))
      .toEqual({ status: 'absent', asOfTime: '2026-06-11T06:30:00.000000Z', asOfMs: Date.parse('2026-06-11T06:30:00Z') });
  });
});
