/**
 * Call-outcome classification (issue 17 item 11): only a KNOWN refusal is `rejected`; a timeout, a dropped connection,
 * 408, 5xx, an unreadable body, a 409 without a readable code and any status not explicitly listed are `unknown`.
 * Batch-create items: only known refusal codes reject; a missing code, internal errors, an unfamiliar code and a
 * response whose item count does not match what was sent are unknown.
 */
import { classifyItemError, classifyOutcome, KalshiParseError, KalshiTransportError, parseErrorBody } from '../../../src/venues/kalshi';
import type { CreateOrderInput } from '../../../src/venues/kalshi';
import { fakeFetch, jsonResponse, makeClient } from './helpers';

const ORDER: CreateOrderInput = { ticker: 'T-1', side: 'yes', action: 'buy', price: 500_000, count: 100, timeInForce: 'good_till_canceled', selfTradePrevention: 'taker_at_cross', clientOrderId: 'coid-1' };
const body = (code: string) => JSON.stringify({ error: { code, message: code } });

describe('classifyOutcome by HTTP status', () => {
  it.each([
    [400, body('invalid_price'), 'rejected'],
    [400, '{"msg":"Parameter validation failed"}', 'rejected'],
    [401, body('authentication_error'), 'rejected'],
    [403, body('forbidden'), 'rejected'],
    [404, body('not_found'), 'rejected'],
    [409, body('market_closed'), 'rejected'],
    [409, body('trading_is_paused'), 'rejected'],
    [409, body('order_already_exists'), 'already_exists'],
    [409, '', 'unknown'],
    [409, '<html>conflict</html>', 'unknown'],
    [410, body('deprecated_v1_order_endpoint'), 'rejected'],
    [429, '{"error":"too many requests"}', 'rejected'],
    [408, '', 'unknown'],
    [500, body('internal_server_error'), 'unknown'],
    [502, 'bad gateway', 'unknown'],
    [504, '', 'unknown'],
    [402, body('payment_required'), 'unknown'],
    [405, '', 'unknown'],
    [418, '', 'unknown'],
    [422, body('invalid_order'), 'unknown'],
    [302, '', 'unknown'],
  ] as const)('%i %s → %s', (status, text, outcome) => {
    expect(classifyOutcome(parseErrorBody(status, text))).toBe(outcome);
  });

  it('transport failures are unknown', () => {
    expect(classifyOutcome(new KalshiTransportError('timeout', 't'))).toBe('unknown');
    expect(classifyOutcome(new KalshiTransportError('network', 'reset'))).toBe('unknown');
  });
});

describe('single create through the client', () => {
  it('an unlisted status (422) is unknown, never rejected', async () => {
    const { fetch } = fakeFetch(() => jsonResponse(422, body('invalid_order')));
    const r = await makeClient(fetch).client.createOrder(ORDER);
    expect(r.outcome).toBe('unknown');
  });

  it('a 201 ack naming another client_order_id is unknown', async () => {
    const { fetch } = fakeFetch(() => jsonResponse(201, { order_id: 'o-9', client_order_id: 'someone-else', fill_count: '0.00', remaining_count: '1.00', ts_ms: 1 }));
    const r = await makeClient(fetch).client.createOrder(ORDER);
    expect(r.outcome).toBe('unknown');
    expect(r.outcome === 'unknown' && r.error).toBeInstanceOf(KalshiParseError);
  });

  it('a 201 ack with our client_order_id is ok', async () => {
    const { fetch } = fakeFetch(() => jsonResponse(201, { order_id: 'o-1', client_order_id: 'coid-1', fill_count: '0.00', remaining_count: '1.00', ts_ms: 1 }));
    const r = await makeClient(fetch).client.createOrder(ORDER);
    expect(r.outcome === 'ok' && r.value.orderId).toBe('o-1');
  });
});

describe('batch create items', () => {
  it.each([
    ['invalid_price', 'rejected'],
    ['fill_or_kill_insufficient_resting_volume', 'rejected'],
    ['market_closed', 'rejected'],
    ['order_already_exists', 'already_exists'],
    ['internal_error', 'unknown'],
    ['internal_server_error', 'unknown'],
    ['something_new', 'unknown'],
    ['', 'unknown'],
    [null, 'unknown'],
  ] as const)('item code %p → %s', (code, outcome) => {
    expect(classifyItemError(code)).toBe(outcome);
  });

  const orders = [ORDER, { ...ORDER, clientOrderId: 'coid-2' }, { ...ORDER, clientOrderId: 'coid-3' }, { ...ORDER, clientOrderId: 'coid-4' }];
  const ack = (coid: string) => ({ order_id: `o-${coid}`, client_order_id: coid, fill_count: '0.00', remaining_count: '1.00', ts_ms: 1 });
  const err = (coid: string | null, error: unknown) => ({ client_order_id: coid, error, fill_count: null, order_id: '', remaining_count: null, ts_ms: null });

  it('only a known refusal code rejects an item; a missing code or internal error is unknown', async () => {
    const { fetch } = fakeFetch(() => jsonResponse(201, { orders: [
      ack('coid-1'),
      err('coid-2', { message: 'something went wrong' }),
      err('coid-3', { code: 'internal_error', message: 'internal' }),
      err('coid-4', { code: 'invalid_price', message: 'invalid price' }),
    ] }));
    const r = await makeClient(fetch).client.batchCreateOrders(orders);
    if (r.outcome !== 'ok') throw new Error(`expected ok, got ${r.outcome}`);
    expect(r.value.map((i) => [i.clientOrderId, i.outcome])).toEqual([
      ['coid-1', 'ok'], ['coid-2', 'unknown'], ['coid-3', 'unknown'], ['coid-4', 'rejected'],
    ]);
  });

  it('an error-free item without an order id is unknown', async () => {
    const { fetch } = fakeFetch(() => jsonResponse(201, { orders: [ack('coid-1'), { client_order_id: 'coid-2' }] }));
    const r = await makeClient(fetch).client.batchCreateOrders(orders.slice(0, 2));
    expect(r.outcome === 'ok' && r.value.map((i) => i.outcome)).toEqual(['ok', 'unknown']);
  });

  it('fewer items than orders sent → the whole call is unknown', async () => {
    const { fetch } = fakeFetch(() => jsonResponse(201, { orders: [ack('coid-1'), err('coid-2', { code: 'invalid_price' })] }));
    const r = await makeClient(fetch).client.batchCreateOrders(orders.slice(0, 3));
    expect(r.outcome).toBe('unknown');
    expect(r.outcome === 'unknown' && r.error.message).toMatch(/2 items for 3 orders/);
  });

  it('items that name other client_order_ids → the whole call is unknown', async () => {
    const { fetch } = fakeFetch(() => jsonResponse(201, { orders: [ack('coid-2'), ack('coid-1')] }));
    const r = await makeClient(fetch).client.batchCreateOrders(orders.slice(0, 2));
    expect(r.outcome).toBe('unknown');
  });
});
