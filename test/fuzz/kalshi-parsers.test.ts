/**
 * Fuzz: every Kalshi response parser, through the real client, on mutations of the recorded wire fixtures (missing
 * fields, wrong types, extra fields, huge numbers, negative counts, sub-cent and over-precise prices). Each call ends
 * in a value or a KalshiParseError naming the field — never another exception, a NaN, a float or a negative count in
 * what reaches the ledger, and never a silently dropped list element (a dropped one is logged). A write whose 2xx
 * answer is unreadable is `unknown`, never `rejected`.
 */
import fc from 'fast-check';
import pino from 'pino';
import { Writable } from 'node:stream';
import { KalshiClient, KalshiPaginationLimitError, KalshiParseError, RateLimiter } from '../../src/venues/kalshi';
import { fixture, jsonResponse, KEY_ID, testKeys } from '../venues/kalshi/helpers';
import { fuzzParams, nonIntegerNumbers } from './fuzz-params';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
/** A recorded body; a list's cursor emptied (one page: a cursor mutation is then a pagination error, named). */
const fx = (name: string, over: Record<string, Json> = {}) => {
  const b = fixture(name) as Record<string, Json>;
  return { ...b, ...('cursor' in b ? { cursor: '' } : {}), ...over } as Json;
};
const market = (fx('markets__single') as { market: Json }).market;

interface Target {
  name: string;
  body: Json;
  call: (c: KalshiClient) => Promise<unknown>;
  /** Where a lenient list lives in the body (dropped elements must be logged). */
  list?: string;
  write?: boolean;
  /** Non-ledger floats allowed (rate-limit buckets). */
  floats?: boolean;
}

const ORDER = { ticker: 'T', side: 'yes', action: 'buy', price: 500_000, count: 100, timeInForce: 'immediate_or_cancel', selfTradePrevention: 'taker_at_cross', clientOrderId: 'c1' } as const;

const TARGETS: Target[] = [
  { name: 'markets page', body: fx('markets__page1'), call: (c) => c.getMarketsPage({}), list: 'markets' },
  { name: 'markets settled', body: fx('markets__status_settled'), call: (c) => c.getMarketsPage({}), list: 'markets' },
  { name: 'market', body: fx('markets__single'), call: (c) => c.getMarket('X') },
  { name: 'event', body: { event: { event_ticker: 'E', series_ticker: 'S', title: 't', mutually_exclusive: true, fee_multiplier_override: 0.5, markets: [market, market] }, markets: [] }, call: (c) => c.getEvent('E') },
  { name: 'series', body: { series: { ticker: 'S', title: 't', category: 'c', frequency: 'daily', fee_type: 'quadratic_with_maker_fees', fee_multiplier: 1, tags: ['x'] } }, call: (c) => c.getSeries('S') },
  { name: 'orderbook', body: fx('orderbook__base'), call: (c) => c.getOrderbook('X') },
  { name: 'orderbooks', body: { orderbooks: [{ ticker: 'X', ...(fx('orderbook__base') as object) }, { ticker: 'Y', ...(fx('orderbook__base') as object) }] }, call: (c) => c.getOrderbooks(['X', 'Y']) },
  { name: 'trades', body: fx('trades__public_recorded'), call: (c) => c.listTrades({ ticker: 'X' }, { maxPages: 1 }), list: 'trades' },
  { name: 'exchange status', body: fx('exchange__status'), call: (c) => c.getExchangeStatus() },
  { name: 'fee changes', body: fx('series__fee_changes'), call: (c) => c.getSeriesFeeChanges(), list: 'series_fee_change_arr' },
  { name: 'account limits', body: fx('account__limits'), call: (c) => c.getAccountLimits(), floats: true },
  { name: 'endpoint costs', body: fx('account__endpoint_costs'), call: (c) => c.getEndpointCosts() },
  { name: 'balance', body: fx('auth__balance_ok'), call: (c) => c.getBalance() },
  { name: 'positions', body: fx('portfolio__positions'), call: (c) => c.getPositions({}, { maxPages: 1 }) },
  { name: 'orders', body: fx('portfolio__orders_list'), call: (c) => c.listOrders({}, { maxPages: 1 }) },
  { name: 'order', body: fx('orders__get_after_create'), call: (c) => c.getOrder('o1') },
  { name: 'fills', body: fx('fills__after_taker'), call: (c) => c.listFills({}, { maxPages: 1 }) },
  { name: 'settlements', body: fx('settlements__page'), call: (c) => c.listSettlements({}, { maxPages: 1 }) },
  { name: 'create ack', body: fx('orders__create_v2_taker_ioc', { client_order_id: 'c1' }), call: (c) => c.createOrder(ORDER), write: true },
  { name: 'cancel ack', body: fx('orders__cancel_v2'), call: (c) => c.cancelOrder('o1'), write: true },
];

// ------------------------------------------------------------------ mutations

type Seg = string | number;
function paths(v: Json, at: Seg[] = [], out: Seg[][] = []): Seg[][] {
  out.push(at);
  if (Array.isArray(v)) v.forEach((x, i) => paths(x, [...at, i], out));
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) paths(x, [...at, k], out);
  return out;
}

const replacement: fc.Arbitrary<Json> = fc.oneof(
  fc.constantFrom<Json>(null, true, false, 0, -1, 1.5, 1e300, -1e300, 2 ** 53 + 2, [], {}, '', 'abc', '-5.00', '-0.0100', '0.00001', '0.1234567',
    '1e5', '9'.repeat(30), '0x10', ' 0.50', '1.0000', '0.0000', '100.00', [['0.5000', '-3.00']], [['0.5', '1'], 'x']),
  fc.integer({ min: -1e6, max: 1e6 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.stringMatching(/^-?\d{1,16}(\.\d{1,8})?$/),
  fc.string({ maxLength: 12 }),
);

type Mutation = { kind: 'delete' | 'set' | 'extra'; pick: number; value: Json; key: string };
const mutation: fc.Arbitrary<Mutation> = fc.record({
  kind: fc.constantFrom<Mutation['kind']>('delete', 'set', 'set', 'extra'),
  pick: fc.nat(),
  value: replacement,
  key: fc.constantFrom('zz_extra', 'yes_bid', 'ticker', '__proto__x', 'count_fp'),
});

/** Apply the mutations to a copy; returns the body and the keys touched (for "the error names the field"). */
function mutate(body: Json, ms: Mutation[]): { body: Json; touched: string[] } {
  const doc = structuredClone(body);
  const touched: string[] = [];
  let root: Json = doc;
  for (const m of ms) {
    const all = paths(root);
    const p = all[m.pick % all.length];
    const names = p.filter((s): s is string => typeof s === 'string');
    if (p.length === 0) {
      if (m.kind === 'set') root = structuredClone(m.value);
      touched.push('(root)');
      continue;
    }
    let parent: Json = root;
    for (const s of p.slice(0, -1)) parent = (parent as Record<string, Json>)[s as string];
    const last = p[p.length - 1];
    const target = (parent as Record<string, Json>)[last as string];
    const value = structuredClone(m.value); // never share (and later mutate) the arbitrary's constants
    if (m.kind === 'extra' && target && typeof target === 'object' && !Array.isArray(target)) {
      // an extra field must change nothing (not "touched"), unless the key was already there: then it is a set
      if (m.key in target) touched.push(m.key);
      (target as Record<string, Json>)[m.key] = value;
      continue;
    }
    if (m.kind === 'delete') {
      if (Array.isArray(parent)) parent.splice(last as number, 1);
      else delete (parent as Record<string, Json>)[last as string];
    } else (parent as Record<string, Json>)[last as string] = value;
    touched.push(...names.slice(-2), ...names.length === 0 ? ['(root)'] : []);
  }
  return { body: root, touched };
}

// ------------------------------------------------------------------ the client under test

/** One client for the suite (signing, logger): its fetch answers the body under test; warns are counted per call. */
const answer: { body: Json; status: number; warns: number } = { body: null, status: 200, warns: 0 };
const shared = new KalshiClient({
  env: 'demo',
  credentials: { keyId: KEY_ID, privateKeyPem: testKeys().pkcs8 },
  fetchImpl: (async () => jsonResponse(answer.status, JSON.stringify(answer.body))) as typeof fetch,
  sleep: async () => undefined,
  maxReadAttempts: 1,
  logger: pino({ level: 'warn' }, new Writable({
    write(chunk, _enc, cb) {
      for (const line of String(chunk).split('\n')) if (line && JSON.parse(line).level === 40) answer.warns += 1;
      cb();
    },
  })),
  rateLimiter: new RateLimiter({ tier: 'prestige', sleep: async () => undefined, now: () => 0 }),
});

function clientAnswering(body: Json, status: number): { client: KalshiClient; warns: () => number } {
  Object.assign(answer, { body, status, warns: 0 });
  return { client: shared, warns: () => answer.warns };
}

const COUNT_KEYS = /^(count|size|volume|volume24h|openInterest|fillCount|remainingCount|initialCount|yesCount|noCount|reducedBy|contractsLimit)$/;
const PRICE_KEYS = /^(price|yesPrice|noPrice|averageFillPrice|settlementValue|lastPrice|start|end)$/;

/** Counts that cannot be negative and prices outside [$0, $1] found in a parsed value. */
function outOfRange(v: unknown, path = '$', out: string[] = []): string[] {
  if (Array.isArray(v)) v.forEach((x, i) => outOfRange(x, `${path}[${i}]`, out));
  else if (v instanceof Map) for (const [k, x] of v) outOfRange(x, `${path}.${String(k)}`, out);
  else if (v && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      if (typeof x === 'number' && COUNT_KEYS.test(k) && x < 0) out.push(`${path}.${k}=${x}`);
      else if (typeof x === 'number' && PRICE_KEYS.test(k) && (x < 0 || x > 1_000_000)) out.push(`${path}.${k}=${x}`);
      else outOfRange(x, `${path}.${k}`, out);
    }
  }
  return out;
}

function listLength(body: Json, key: string | undefined): number | null {
  if (!key || !body || typeof body !== 'object' || Array.isArray(body)) return null;
  const l = (body as Record<string, Json>)[key];
  return Array.isArray(l) ? l.length : null;
}
function itemsOf(v: unknown): unknown[] | null {
  if (Array.isArray(v)) return v;
  if (v && typeof v === 'object' && Array.isArray((v as { items?: unknown }).items)) return (v as { items: unknown[] }).items;
  return null;
}

async function check(t: Target, body: Json, touched: string[]): Promise<void> {
  const { client, warns } = clientAnswering(body, t.write ? 201 : 200);
  let value: unknown;
  let error: unknown = null;
  try {
    value = await t.call(client);
  } catch (e) {
    error = e;
  }
  if (t.write && !error) {
    const r = value as { outcome: string; value?: unknown; error?: unknown };
    expect(['ok', 'unknown']).toContain(r.outcome);
    if (r.outcome === 'unknown') error = r.error;
    else value = r.value;
  }
  if (error) {
    if (error instanceof KalshiPaginationLimitError && touched.includes('cursor')) return; // a next page was promised
    if (!(error instanceof KalshiParseError)) throw new Error(`${t.name}: not a KalshiParseError: ${String((error as Error)?.stack ?? error)}`);
    const msg = (error as Error).message;
    expect(msg.length).toBeGreaterThan(0);
    // A list is named by its element kind ("order list missing" for `orders`, "series_fee_change" for `…_arr`).
    if (!touched.some((k) => k === '(root)' || msg.includes(k) || msg.includes(k.replace(/(_arr|s)$/, '')))) {
      throw new Error(`${t.name}: the error names none of the mutated fields ${JSON.stringify(touched)}: ${msg}`);
    }
    return;
  }
  if (!t.floats) expect(nonIntegerNumbers(value)).toEqual([]);
  expect(outOfRange(value)).toEqual([]);
  const sent = listLength(body, t.list);
  const got = itemsOf(value);
  if (sent !== null && got !== null) expect(got.length + warns()).toBe(sent);
}

describe('fuzz: Kalshi response parsers on mutated recorded fixtures', () => {
  it.each(TARGETS.map((t) => [t.name, t] as const))('%s: the unmutated fixture parses', async (_n, t) => {
    await check(t, t.body, []);
  });

  it.each(TARGETS.map((t) => [t.name, t] as const))('%s: any mutation ends in a value or a KalshiParseError naming the field', async (_n, t) => {
    await fc.assert(fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 3 }), async (ms) => {
      const { body, touched } = mutate(t.body, ms);
      await check(t, body, touched);
    }), fuzzParams(40));
  });
});
