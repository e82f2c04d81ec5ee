/**
 * The pure cancel planner (src/domain/cancel-plan.ts): TTL from the first send, the before-close margin at its edge,
 * stop / kill switch / panic cancel every lane order, foreign orders are never touched except by panic --all, a
 * journal row without an exchange order id is reported, an unknown the exchange lists as resting is included, and bad
 * input names the field.
 */
import { CancelJournalRow, CancelPlanInput, EXPIRATION_BEFORE_CLOSE_MS, planCancels } from '../../src/domain/cancel-plan';

const P = 'ka10f1e2d3c4b5a69788796a5b4c3d2e1f0-';
const NOW = 1_800_000_000_000;
const row = (id: string, o: Partial<CancelJournalRow> = {}): CancelJournalRow => ({
  clientOrderId: `${P}${id}`, ticker: 'TS-E1-A', status: 'resting', exchangeOrderId: `ord-${id}`, firstSentAtMs: NOW - 10_000, sentAtMs: NOW - 10_000, createdAtMs: NOW - 10_000, ...o,
});
const base = (o: Partial<CancelPlanInput> = {}): CancelPlanInput => ({
  reason: 'ttl', nowMs: NOW, orderTtlSeconds: 600, cancelBeforeCloseSeconds: 120, closeTimeMs: { 'TS-E1-A': NOW + 3_600_000 }, journal: [], exchange: [], prefixes: [P], ...o,
});

test('TTL: due once the order has rested order_ttl_seconds since its FIRST send; not a millisecond earlier', () => {
  const p = planCancels(base({
    journal: [
      row('1-0', { firstSentAtMs: NOW - 600_000, sentAtMs: NOW - 5_000 }), // a late resend does not restart the TTL
      row('1-1', { firstSentAtMs: NOW - 599_999, sentAtMs: NOW - 599_999 }),
    ],
  }));
  expect(p.cancel.map((c) => [c.clientOrderId, c.why, c.orderId])).toEqual([[`${P}1-0`, 'ttl', 'ord-1-0']]);
  expect(p.kept).toBe(1);
});

test('before close: due when close − now ≤ cancel_before_close_seconds, kept 1 ms before; an unknown close only by TTL', () => {
  const closes = { A: NOW + 120_000, B: NOW + 120_001, C: null };
  const p = planCancels(base({ closeTimeMs: closes, journal: [row('1-0', { ticker: 'A' }), row('1-1', { ticker: 'B' }), row('1-2', { ticker: 'C' })] }));
  expect(p.cancel.map((c) => [c.ticker, c.why])).toEqual([['A', 'before_close']]);
  expect(p.kept).toBe(2);
  // A past close (the order's own expiration may not have fired yet) is due too.
  expect(planCancels(base({ closeTimeMs: { A: NOW - 1 }, journal: [row('1-0', { ticker: 'A' })] })).cancel[0]?.why).toBe('before_close');
});

test('the before-close margin must exceed the 60 s the order\'s own expiration keeps (the field is named)', () => {
  expect(EXPIRATION_BEFORE_CLOSE_MS).toBe(60_000);
  expect(() => planCancels(base({ cancelBeforeCloseSeconds: 60 }))).toThrow(/execution\.cancel_before_close_seconds must be an integer > 60/);
  expect(() => planCancels(base({ orderTtlSeconds: 0 }))).toThrow(/execution\.order_ttl_seconds/);
  expect(() => planCancels(base({ reason: 'later' as never }))).toThrow(/reason must be one of/);
  expect(() => planCancels(base({ reason: 'stop', all: true }))).toThrow(/panic only/);
});

test('stop and kill switch cancel every lane order, due or not, journal rows and lane-prefixed exchange orders alike', () => {
  const exchange = [
    { orderId: 'ord-2-0', clientOrderId: `${P}2-0`, ticker: 'TS-E1-A', status: 'resting', createdAtMs: NOW - 1 }, // adoptable: not in the journal yet
    { orderId: 'ord-1-0', clientOrderId: `${P}1-0`, ticker: 'TS-E1-A', status: 'resting', createdAtMs: NOW - 1 }, // the journal's row: once
    { orderId: 'ord-x', clientOrderId: 'manual-1', ticker: 'TS-E1-A', status: 'resting', createdAtMs: NOW - 1 },
    { orderId: 'ord-y', clientOrderId: null, ticker: 'TS-E1-A', status: 'resting', createdAtMs: NOW - 1 },
  ];
  for (const reason of ['stop', 'kill_switch'] as const) {
    const p = planCancels(base({ reason, journal: [row('1-0')], exchange }));
    expect(p.cancel.map((c) => [c.orderId, c.why, c.inJournal, c.foreign])).toEqual([['ord-1-0', reason, true, false], ['ord-2-0', reason, false, false]]);
    expect({ kept: p.kept, foreignLeft: p.foreignLeft }).toEqual({ kept: 0, foreignLeft: 2 });
  }
});

test('a foreign resting order is never planned, whatever its age or close — only panic --all takes it', () => {
  const exchange = [{ orderId: 'ord-x', clientOrderId: 'ka1ffff-1-0', ticker: 'TS-E1-A', status: 'resting', createdAtMs: 0 }];
  for (const reason of ['ttl', 'before_close', 'kill_switch', 'stop', 'panic'] as const) {
    const p = planCancels(base({ reason, exchange, closeTimeMs: { 'TS-E1-A': NOW } }));
    expect(p.cancel).toEqual([]);
    expect(p.foreignLeft).toBe(1);
  }
  const all = planCancels(base({ reason: 'panic', all: true, exchange }));
  expect(all.cancel).toEqual([{ orderId: 'ord-x', clientOrderId: 'ka1ffff-1-0', ticker: 'TS-E1-A', why: 'panic', inJournal: false, foreign: true }]);
});

test('prefixes of every first run id the journal knows count as the lane\'s (a restart\'s new run id leaves old orders the lane\'s)', () => {
  const old = 'ka1aaaaaaaa-';
  const exchange = [{ orderId: 'ord-old', clientOrderId: `${old}3-0`, ticker: 'TS-E1-A', status: 'resting', createdAtMs: NOW }];
  expect(planCancels(base({ reason: 'panic', prefixes: [P, old], exchange })).cancel.map((c) => c.orderId)).toEqual(['ord-old']);
});

test('journal rows: only resting ones (or an unknown the exchange lists as resting); no order id anywhere → reported, not guessed', () => {
  const p = planCancels(base({
    reason: 'stop',
    journal: [
      row('1-0', { status: 'executed' }), row('1-1', { status: 'canceled' }), row('1-2', { status: 'unknown', exchangeOrderId: null }),
      row('1-3', { status: 'unknown', exchangeOrderId: null }), row('1-4', { exchangeOrderId: null }),
    ],
    exchange: [
      { orderId: 'ord-1-2', clientOrderId: `${P}1-2`, ticker: 'TS-E1-A', status: 'resting', createdAtMs: NOW },
      { orderId: 'ord-1-0', clientOrderId: `${P}1-0`, ticker: 'TS-E1-A', status: 'executed', createdAtMs: NOW },
    ],
  }));
  expect(p.cancel.map((c) => c.orderId)).toEqual(['ord-1-2']);
  expect(p.noOrderId).toEqual([`${P}1-4`]);
});
