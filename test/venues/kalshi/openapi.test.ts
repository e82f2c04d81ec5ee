/**
 * Requests the client builds are validated against Kalshi's OpenAPI (3.0) spec: bodies against the operation's request
 * schema (nullable → type union; additionalProperties false so a misspelled field fails), query parameters against the
 * operation's declared parameters.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv, { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';
import { fakeFetch, jsonResponse, makeClient, Captured } from './helpers';
import { CreateOrderInput } from '../../../src/venues/kalshi';

type Json = Record<string, unknown>;
const spec = parse(readFileSync(path.resolve(__dirname, '../../fixtures/kalshi-openapi/openapi.yaml'), 'utf8')) as Json;
const schemas = (spec.components as Json).schemas as Json;
const parameters = (spec.components as Json).parameters as Json;

/** OpenAPI 3.0 → JSON Schema: nullable, $ref to #/definitions, strip vendor keys, close objects. */
function convert(node: unknown, closeObjects: boolean): unknown {
  if (Array.isArray(node)) return node.map((n) => convert(n, closeObjects));
  if (!node || typeof node !== 'object') return node;
  const out: Json = {};
  for (const [k, v] of Object.entries(node as Json)) {
    if (k.startsWith('x-') || k === 'example' || k === 'nullable' || k === 'description') continue;
    if (k === '$ref') out.$ref = (v as string).replace('#/components/schemas/', '#/definitions/');
    else out[k] = convert(v, closeObjects);
  }
  const n = node as Json;
  if (n.nullable === true) {
    if (typeof out.type === 'string') out.type = [out.type, 'null'];
    else return { anyOf: [out, { type: 'null' }] };
  }
  if (closeObjects && out.type === 'object' && out.properties && out.additionalProperties === undefined) out.additionalProperties = false;
  return out;
}

const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
const definitions = convert(schemas, true) as Json;

function bodyValidator(path: string, method: string): ValidateFunction {
  const op = ((spec.paths as Json)[path] as Json)[method] as Json;
  const schema = (((op.requestBody as Json).content as Json)['application/json'] as Json).schema;
  return ajv.compile({ definitions, ...(convert(schema, true) as Json) });
}

function resolveParam(p: Json): Json {
  if (typeof p.$ref === 'string') return parameters[(p.$ref as string).split('/').pop()!] as Json;
  return p;
}

/** Check every query parameter of a captured request is declared for the operation and matches its schema. */
function queryErrors(path: string, method: string, req: Captured): string[] {
  const op = ((spec.paths as Json)[path] as Json)[method] as Json;
  const declared = new Map<string, Json>();
  for (const p of ((op.parameters as Json[]) ?? []).map(resolveParam)) if (p.in === 'query') declared.set(p.name as string, p);
  const errors: string[] = [];
  req.url.searchParams.forEach((value, name) => {
    const p = declared.get(name);
    if (!p) return void errors.push(`undeclared query parameter ${name}`);
    const schema = convert(p.schema, false) as Json;
    const typed = schema.type === 'integer' || schema.type === 'number' ? Number(value) : schema.type === 'boolean' ? value === 'true' : value;
    const v = ajv.compile({ definitions, ...schema });
    if (!v(typed)) errors.push(`${name}=${value}: ${ajv.errorsText(v.errors)}`);
  });
  return errors;
}

const BASE: CreateOrderInput = {
  ticker: 'KXHIGHNY-26JUN15-T85', side: 'no', action: 'buy', price: 440_000, count: 250, timeInForce: 'good_till_canceled',
  selfTradePrevention: 'maker', clientOrderId: '8c35ecb3-328f-4f52-8c7c-0f4b9862f8d1',
};

function capture() {
  const { fetch, calls } = fakeFetch((req) => {
    if (req.method === 'GET') return jsonResponse(200, { cursor: '', markets: [], orders: [], fills: [], settlements: [], trades: [], events: [], market_positions: [], event_positions: [] });
    return jsonResponse(500, 'not under test');
  });
  return { client: makeClient(fetch).client, calls };
}

describe('request bodies validate against openapi.yaml', () => {
  it('create order (all optional fields) — CreateOrderV2Request', async () => {
    const { client, calls } = capture();
    await client.createOrder({ ...BASE, expirationTime: 1781200000, orderGroupId: 'og-1', cancelOrderOnPause: true, subaccount: 0, postOnly: true, reduceOnly: false });
    const validate = bodyValidator('/portfolio/events/orders', 'post');
    expect(calls[0].body).toEqual({
      ticker: 'KXHIGHNY-26JUN15-T85', side: 'ask', price: '0.5600', count: '2.50', time_in_force: 'good_till_canceled',
      self_trade_prevention_type: 'maker', client_order_id: '8c35ecb3-328f-4f52-8c7c-0f4b9862f8d1', expiration_time: 1781200000,
      order_group_id: 'og-1', cancel_order_on_pause: true, subaccount: 0, post_only: true, reduce_only: false,
    });
    expect(validate(calls[0].body)).toBe(true);
    // The validator is not vacuous: JSON numbers (the recorded 400) and unknown fields fail.
    expect(validate({ ...(calls[0].body as Json), count: 1 })).toBe(false);
    expect(validate({ ...(calls[0].body as Json), yes_price: 56 })).toBe(false);
    expect(validate({ ...(calls[0].body as Json), time_in_force: 'GTT' })).toBe(false);
  });

  it('amend, decrease, batch create, batch cancel', async () => {
    const { client, calls } = capture();
    await client.amendOrder({ orderId: 'o-1', ticker: 'T', side: 'yes', action: 'sell', price: 570_000, count: 800, clientOrderId: 'a', updatedClientOrderId: 'b' });
    await client.decreaseOrder({ orderId: 'o-1', reduceBy: 200 });
    await client.decreaseOrder({ orderId: 'o-1', reduceTo: 0 });
    await client.batchCreateOrders([BASE, { ...BASE, side: 'yes', clientOrderId: 'c2', timeInForce: 'immediate_or_cancel' }]);
    await client.batchCancelOrders([{ orderId: 'o-1' }, { orderId: 'o-2', subaccount: 3 }]);
    expect(calls.map((c) => `${c.method} ${c.url.pathname}`)).toEqual([
      'POST /trade-api/v2/portfolio/events/orders/o-1/amend',
      'POST /trade-api/v2/portfolio/events/orders/o-1/decrease',
      'POST /trade-api/v2/portfolio/events/orders/o-1/decrease',
      'POST /trade-api/v2/portfolio/events/orders/batched',
      'DELETE /trade-api/v2/portfolio/events/orders/batched',
    ]);
    expect(calls[0].body).toEqual({ ticker: 'T', side: 'ask', price: '0.5700', count: '8.00', client_order_id: 'a', updated_client_order_id: 'b' });
    expect(bodyValidator('/portfolio/events/orders/{order_id}/amend', 'post')(calls[0].body)).toBe(true);
    const dec = bodyValidator('/portfolio/events/orders/{order_id}/decrease', 'post');
    expect([calls[1].body, calls[2].body]).toEqual([{ reduce_by: '2.00' }, { reduce_to: '0.00' }]);
    expect(dec(calls[1].body) && dec(calls[2].body)).toBe(true);
    expect(bodyValidator('/portfolio/events/orders/batched', 'post')(calls[3].body)).toBe(true);
    expect((calls[3].body as { orders: Json[] }).orders.map((o) => [o.side, o.price])).toEqual([['ask', '0.5600'], ['bid', '0.4400']]);
    expect(bodyValidator('/portfolio/events/orders/batched', 'delete')(calls[4].body)).toBe(true);
    expect(calls[4].body).toEqual({ orders: [{ order_id: 'o-1' }, { order_id: 'o-2', subaccount: 3 }] });
  });

  it('order group create', async () => {
    const { client, calls } = capture();
    await client.createOrderGroup({ contractsLimit: 1_000 });
    expect(calls[0].body).toEqual({ contracts_limit_fp: '10.00' });
    expect(bodyValidator('/portfolio/order_groups/create', 'post')(calls[0].body)).toBe(true);
  });
});

describe('list queries use only declared parameters with valid values', () => {
  it.each([
    ['/markets', (c: ReturnType<typeof capture>['client']) => c.listMarkets({ status: 'open', seriesTicker: 'KXHIGHNY', eventTicker: 'E', limit: 1000, minCloseTs: 1, mveFilter: 'exclude', tickers: ['A', 'B'] })],
    ['/events', (c: ReturnType<typeof capture>['client']) => c.listEvents({ status: 'open', seriesTicker: 'S', withNestedMarkets: true, limit: 200 })],
    ['/markets/trades', (c: ReturnType<typeof capture>['client']) => c.listTrades({ ticker: 'T', minTs: 1, maxTs: 2, limit: 100 })],
    ['/portfolio/orders', (c: ReturnType<typeof capture>['client']) => c.listOrders({ ticker: 'T', eventTicker: 'E', minTs: 1, maxTs: 2, status: 'resting', limit: 1000, subaccount: 0 })],
    ['/portfolio/fills', (c: ReturnType<typeof capture>['client']) => c.listFills({ ticker: 'T', orderId: 'o', minTs: 1, maxTs: 2, limit: 500 })],
    ['/portfolio/settlements', (c: ReturnType<typeof capture>['client']) => c.listSettlements({ ticker: 'T', limit: 100 })],
    ['/portfolio/positions', (c: ReturnType<typeof capture>['client']) => c.getPositions({ ticker: 'T', countFilter: ['position', 'total_traded'], limit: 1000 })],
  ])('%s', async (path, call) => {
    const { client, calls } = capture();
    await call(client);
    expect(calls).toHaveLength(1);
    expect(calls[0].url.searchParams.toString()).not.toBe('');
    expect(queryErrors(path, 'get', calls[0])).toEqual([]);
  });

  it('the query checker is not vacuous', () => {
    const fake = { method: 'GET', url: new URL('http://127.0.0.1/trade-api/v2/markets?status=bogus&client_order_id=x'), headers: {}, body: undefined };
    expect(queryErrors('/markets', 'get', fake)).toHaveLength(2);
  });
});
