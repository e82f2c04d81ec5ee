/**
 * Create answers → journal statuses (src/domain/order-outcome.ts), produced through the REAL KalshiClient against
 * the simulator and its faults (201 resting / executed / self-trade canceled; 400, 401, 404, 409, 429 refusals;
 * executed-then-timeout, executed-then-500, 500-before-anything, an unreadable 201, 409 order_already_exists), and the
 * resolution of an unknown from findOrderByClientOrderId under read lag, end to end with the journal.
 */
import path from 'node:path';
import { buildOrderRequest, isRefusal } from '../../src/domain/order-request';
import { NOT_PLACED_DETAIL, notBeforeMs, outcomeOfCreate, resolveUnknown } from '../../src/domain/order-outcome';
import { CreateOrderInput, KalshiClient } from '../../src/venues/kalshi';
import type { SimHandle } from '../../src/sim';
import { openStore } from '../../src/store';
import { tempDir } from '../helpers/lane';
import { makeKey, START_MS, startTestSim, TestKey } from '../sim/helpers';

const trader = makeKey('outcome-trader');
const maker = makeKey('outcome-maker');
const stranger = makeKey('outcome-stranger'); // never registered with the simulator
let sim: SimHandle;
let kc: KalshiClient;
let mm: KalshiClient;
const clientFor = (k: TestKey) => new KalshiClient({ env: 'sim', baseUrl: sim.baseUrl, credentials: { keyId: k.keyId, privateKeyPem: k.privateKeyPem }, maxReadAttempts: 1 });
let seq = 0;
const order = (o: Partial<CreateOrderInput> = {}): CreateOrderInput => ({
  ticker: 'TS-E1-A', side: 'yes', action: 'buy', price: 400_000, count: 300, timeInForce: 'good_till_canceled',
  selfTradePrevention: 'taker_at_cross', clientOrderId: `oc-${++seq}`, ...o,
});

beforeEach(async () => {
  sim = await startTestSim([trader, maker]);
  kc = clientFor(trader);
  mm = clientFor(maker);
});
afterEach(() => sim.close());

describe('confirmed (201)', () => {
  test('resting: nothing to match, 3.00 remain', async () => {
    const r = await kc.createOrder(order());
    const o = outcomeOfCreate(r, 300);
    expect(o).toEqual({ status: 'resting', exchangeOrderId: sim.listOrders()[0].order_id, filledCentis: 0, detail: expect.stringContaining('filled 0.00 of 3.00, remaining 3.00') });
  });

  test('executed: the whole count filled against a resting NO bid 0.48 (YES ask 0.52)', async () => {
    expect((await mm.createOrder(order({ side: 'no', price: 480_000 }))).outcome).toBe('ok');
    const o = outcomeOfCreate(await kc.createOrder(order({ price: 520_000, count: 100 })), 100);
    expect(o).toMatchObject({ status: 'executed', filledCentis: 100, detail: expect.stringContaining('filled 1.00 of 1.00, remaining 0.00') });
  });

  test('resting with a partial fill: 1.00 of 3.00 filled, 2.00 rest', async () => {
    expect((await mm.createOrder(order({ side: 'no', price: 480_000, count: 100 }))).outcome).toBe('ok');
    expect(outcomeOfCreate(await kc.createOrder(order({ price: 520_000, count: 300 })), 300)).toMatchObject({ status: 'resting', filledCentis: 100 });
  });

  test('canceled: self-trade prevention (taker_at_cross) cancels the crossing order, fill 0, remaining 0', async () => {
    expect((await kc.createOrder(order({ side: 'no', price: 450_000, count: 100 }))).outcome).toBe('ok');
    expect(outcomeOfCreate(await kc.createOrder(order({ price: 550_000, count: 100 })), 100)).toMatchObject({ status: 'canceled', filledCentis: 0 });
  });
});

describe('rejected: a known refusal, nothing placed', () => {
  test('400 off-grid price, 404 unknown market, 429 rate limit, 401 unknown key', async () => {
    expect(outcomeOfCreate(await kc.createOrder(order({ price: 525_000 })), 300)).toEqual({ status: 'rejected', detail: expect.stringMatching(/^HTTP 400 invalid_price/) });
    expect(outcomeOfCreate(await kc.createOrder(order({ ticker: 'NOPE-1' })), 300)).toEqual({ status: 'rejected', detail: expect.stringMatching(/^HTTP 404 /) });
    sim.setFaults({ burst429: 1 });
    expect(outcomeOfCreate(await kc.createOrder(order()), 300)).toEqual({ status: 'rejected', detail: expect.stringMatching(/^HTTP 429 too_many_requests/) });
    expect(outcomeOfCreate(await clientFor(stranger).createOrder(order()), 300)).toEqual({ status: 'rejected', detail: expect.stringMatching(/^HTTP 401 authentication_error/) });
    expect(sim.listOrders().filter((o) => o.order_id !== null)).toEqual([]);
  });

  test('409 other than order_already_exists is a refusal; a 409 without a readable code is not', () => {
    const e409 = (code: string) => ({ outcome: 'rejected' as const, error: { name: 'KalshiApiError', message: 'm', status: 409, code } });
    expect(outcomeOfCreate(e409('market_closed'), 100)).toEqual({ status: 'rejected', detail: 'HTTP 409 market_closed: m' });
    expect(outcomeOfCreate(e409('http_409'), 100)).toEqual({ status: 'unknown', lookup: false, detail: 'reported rejected but not a known refusal: HTTP 409 http_409: m' });
    // A status that is not a known refusal never becomes rejected, whatever the client said.
    expect(outcomeOfCreate({ outcome: 'rejected', error: { name: 'KalshiApiError', message: 'm', status: 422, code: 'x' } }, 100).status).toBe('unknown');
  });
});

describe('unknown: it may or may not have happened', () => {
  test('executed then the connection dropped; executed then 500; 500 before anything: all unknown, resend may settle', async () => {
    sim.setFaults({ timeoutNextCreates: 1 });
    expect(outcomeOfCreate(await kc.createOrder(order()), 300)).toEqual({ status: 'unknown', lookup: false, detail: expect.stringMatching(/^network: Kalshi POST \/portfolio\/events\/orders failed without a response/) });
    sim.setFaults({ createThen500Next: 1 });
    expect(outcomeOfCreate(await kc.createOrder(order()), 300)).toEqual({ status: 'unknown', lookup: false, detail: expect.stringMatching(/^HTTP 500 internal_server_error/) });
    sim.setFaults({ fail5xxNext: 1 });
    expect(outcomeOfCreate(await kc.createOrder(order()), 300)).toMatchObject({ status: 'unknown', lookup: false });
    // Two of the three were in fact placed: exactly what "unknown" must allow for.
    expect(sim.listOrders().map((o) => o.outcome)).toEqual(['timed_out_after_create', 'created_then_500']);
  });

  test('an unreadable 201 and a 409 order_already_exists prove the order exists: look it up', async () => {
    sim.setFaults({ malformNext: 1 });
    const input = order();
    expect(outcomeOfCreate(await kc.createOrder(input), 300)).toEqual({ status: 'unknown', lookup: true, detail: expect.stringMatching(/^KalshiParseError: /) });
    expect(outcomeOfCreate(await kc.createOrder(input), 300)).toEqual({ status: 'unknown', lookup: true, detail: expect.stringMatching(/^409 order_already_exists: the order exists; look it up/) });
  });
});

describe('resolving an unknown', () => {
  const found = (status: string) => ({ status: 'found' as const, order: { orderId: 'o-1', status, fillCount: 100, remainingCount: 0 } });
  test('the rule (pure): found → its status; absent after the send → not placed; absent too early or cannot tell → unknown', () => {
    expect(resolveUnknown(found('executed'), 1_000)).toEqual({ status: 'executed', exchangeOrderId: 'o-1', detail: 'found on the exchange: order o-1 executed, filled 1.00, remaining 0.00' });
    expect(resolveUnknown(found('pending'), 1_000).status).toBe('unknown');
    const absent = (asOfMs: number) => ({ status: 'absent' as const, asOfTime: new Date(asOfMs).toISOString(), asOfMs });
    expect(resolveUnknown(absent(START_MS + 1), START_MS)).toEqual({ status: 'rejected', detail: `${NOT_PLACED_DETAIL}: data as of 2026-09-01T12:00:00.001Z, send ended 2026-09-01T12:00:00.000Z` });
    expect(resolveUnknown(absent(START_MS), START_MS).status).toBe('unknown');
    expect(resolveUnknown(absent(START_MS + 1), null).status).toBe('unknown');
    expect(resolveUnknown({ status: 'cannot_tell', reason: 'partial walk', asOfTime: null }, START_MS)).toEqual({ status: 'unknown', detail: 'cannot tell: partial walk' });
    expect(notBeforeMs({ sentAtMs: 10, attemptEndedAtMs: 40 })).toBe(40);
    expect(notBeforeMs({ sentAtMs: 10, attemptEndedAtMs: null })).toBeNull();
  });

  test('end to end with the journal: executed-then-timeout under read lag → cannot tell (unknown) → found resting', async () => {
    const s = openStore({ path: path.join(tempDir(), 'live.sqlite'), mode: 'live', env: 'sim', cwd: tempDir() });
    try {
      const req = buildOrderRequest({ clientOrderId: 'ka1c0ffee-1-0', ticker: 'TS-E1-A', side: 'yes', action: 'buy', priceMicros: 400_000, countCentis: 300, reduceOnly: false, nowMs: sim.nowMs(), orderTtlSeconds: 600, closeTimeMs: null });
      if (isRefusal(req)) throw new Error(req.detail);
      const id = s.journal.insertPending({ clientOrderId: 'ka1c0ffee-1-0', firstRunId: 'c0ffee00', cycle: 1, idx: 0, ticker: 'TS-E1-A', eventTicker: 'TS-E1', side: 'yes', action: 'buy', priceMicros: 400_000, countCentis: 300, requestBody: req.body, createdAtMs: sim.nowMs() }).row.clientOrderId;
      sim.setFaults({ readLagMs: 2_000, timeoutNextCreates: 1 });
      s.journal.markSent(id, sim.nowMs());
      const o = outcomeOfCreate(await kc.createOrder(req.input), 300);
      expect(o.status).toBe('unknown');
      sim.advance(5);
      const row = s.journal.recordOutcome(id, o.status, { atMs: sim.nowMs(), detail: o.detail });
      expect(s.journal.hasUnknown()).toBe(true);

      const q = { ticker: 'TS-E1-A', clientOrderId: id, minTs: Math.floor(row.firstSentAtMs! / 1000) - 120, sentAtMs: notBeforeMs(row)! };
      const early = resolveUnknown(await kc.findOrderByClientOrderId(q), notBeforeMs(row));
      expect(early).toEqual({ status: 'unknown', detail: expect.stringMatching(/^cannot tell: exchange data as of .* has not passed the send time/) });
      s.journal.recordOutcome(id, early.status, { atMs: sim.nowMs(), detail: early.detail });
      expect(s.journal.hasUnknown()).toBe(true);

      sim.advance(2_000);
      const late = resolveUnknown(await kc.findOrderByClientOrderId(q), notBeforeMs(row));
      expect(late).toMatchObject({ status: 'resting', exchangeOrderId: sim.listOrders()[0].order_id });
      if (late.status !== 'resting') throw new Error(late.status);
      s.journal.recordOutcome(id, late.status, { atMs: sim.nowMs(), exchangeOrderId: late.exchangeOrderId, detail: late.detail });
      expect(s.journal.hasUnknown()).toBe(false);
      expect(s.journal.get(id)).toMatchObject({ status: 'resting', exchangeOrderId: late.exchangeOrderId, sendCount: 1, attemptEndedAtMs: START_MS + 5 });
    } finally {
      s.close();
    }
  });

  test('a create refused before anything ran (500), never placed: absent once the data time passes the send → rejected', async () => {
    sim.setFaults({ readLagMs: 500, fail5xxNext: 1 });
    const sentAtMs = sim.nowMs();
    const input = order();
    expect(outcomeOfCreate(await kc.createOrder(input), 300).status).toBe('unknown');
    const endedAt = sentAtMs; // the manual clock did not move during the call
    const q = { ticker: 'TS-E1-A', clientOrderId: input.clientOrderId, minTs: 0, sentAtMs: endedAt };
    expect(resolveUnknown(await kc.findOrderByClientOrderId(q), endedAt).status).toBe('unknown');
    sim.advance(501);
    expect(resolveUnknown(await kc.findOrderByClientOrderId(q), endedAt)).toEqual({
      status: 'rejected', detail: `${NOT_PLACED_DETAIL}: data as of 2026-09-01T12:00:00.001000Z, send ended 2026-09-01T12:00:00.000Z`,
    });
  });
});
