/**
 * The week proof's judge (src/sim/judge.ts) on hand-built simulator records: a clean record passes every criterion,
 * and each property it guards fails on a record that violates exactly it.
 */
import type { FillEvent, HistoryBody, HistoryEvent, OrderEvent, SettlementEvent } from '../../src/sim';
import { judgeHistory, type JudgeInput, type LedgerView } from '../../src/sim/judge';

const T0 = Date.UTC(2026, 8, 1, 12);
const H = 3_600_000;
const RUN = 'ka10f1e2d3c4b5a69788796a5b4c3d2e1f0';
const coid = (cycle: number, idx = 0) => `${RUN}-${cycle.toString(36)}-${idx.toString(36)}`;
const ACCT = 'bot';

class Rec {
  events: HistoryEvent[] = [];
  private seq = 0;
  private n = 0;
  /** A bid (YES buy) that rests: created + resting. */
  rest(ticker: string, cycle: number, atMs: number, o: Partial<OrderEvent> = {}): OrderEvent {
    const base: OrderEvent = {
      seq: 0, type: 'order', kind: 'created', account_id: ACCT, exchange_ms: atMs, order_id: `o${++this.n}`, client_order_id: coid(cycle),
      ticker, side: 'bid', price_yes_micros: 400_000, initial_count_centis: 500, remaining_centis: 500, filled_centis: 0, tif: 'good_till_canceled',
      expiration_ms: null, reason: null, ...o,
    };
    this.events.push({ ...base, seq: ++this.seq });
    this.events.push({ ...base, kind: 'resting', seq: ++this.seq });
    return base;
  }
  /** Fill all of `o` at its price (taker-free, no fee) and record the exchange's balance change. */
  fill(o: OrderEvent, atMs: number, extra: Partial<FillEvent> = {}): FillEvent {
    const cost = Math.ceil((o.price_yes_micros * o.remaining_centis) / 100);
    const f: FillEvent = {
      seq: ++this.seq, type: 'fill', account_id: ACCT, exchange_ms: atMs, fill_id: `f-${o.order_id}`, order_id: o.order_id, client_order_id: o.client_order_id,
      ticker: o.ticker, side: o.side, count_centis: o.remaining_centis, price_yes_micros: o.price_yes_micros, is_taker: false, fee_micros: 0,
      balance_change_micros: -cost, ...extra,
    };
    this.events.push(f);
    this.events.push({ ...o, seq: ++this.seq, kind: 'filled', exchange_ms: atMs, remaining_centis: 0, filled_centis: o.initial_count_centis });
    return f;
  }
  cancel(o: OrderEvent, atMs: number): void {
    this.events.push({ ...o, seq: ++this.seq, kind: 'canceled', exchange_ms: atMs, remaining_centis: 0, reason: 'user' });
  }
  settle(ticker: string, atMs: number, yes: number, revenue: number): SettlementEvent {
    const s: SettlementEvent = { seq: ++this.seq, type: 'settlement', account_id: ACCT, exchange_ms: atMs, ticker, event_ticker: ticker.slice(0, -2), result: 'yes', yes_count_centis: yes, no_count_centis: 0, revenue_micros: revenue, fee_cost_micros: 0 };
    this.events.push(s);
    return s;
  }
  body(): HistoryBody {
    return {
      now_ms: T0 + 100 * H, accounts: [ACCT], dropped: 0, events: this.events,
      markets: [
        { ticker: 'IN-E1-A', event_ticker: 'IN-E1', series_ticker: 'IN', mutually_exclusive: true },
        { ticker: 'IN-E1-B', event_ticker: 'IN-E1', series_ticker: 'IN', mutually_exclusive: true },
        { ticker: 'IN-E2-A', event_ticker: 'IN-E2', series_ticker: 'IN', mutually_exclusive: false },
        { ticker: 'IN-E2-B', event_ticker: 'IN-E2', series_ticker: 'IN', mutually_exclusive: false },
        { ticker: 'OUT-E1-A', event_ticker: 'OUT-E1', series_ticker: 'OUT', mutually_exclusive: false },
      ],
    };
  }
}

const SCOPE = { seriesTickers: ['IN'], eventTickers: [], marketIds: [] };
const judge = (r: Rec, extra: Partial<JudgeInput> = {}) =>
  judgeHistory({ history: r.body(), accountId: ACCT, scope: SCOPE, caps: { maxOrdersPerCycle: 2, maxNotionalPerCycleMicros: 5_000_000, maxPositions: 2, maxTradesPerMarketPerDay: 2 }, ...extra });
const failing = (res: ReturnType<typeof judgeHistory>) => Object.entries(res).filter(([, v]) => !v.pass).map(([k]) => k);

/** A clean week in miniature: a filled entry that settles, a canceled one, an entry in a non-exclusive event. */
function clean(): { r: Rec; ledger: LedgerView } {
  const r = new Rec();
  const a = r.rest('IN-E1-A', 1, T0);
  const fa = r.fill(a, T0 + 10 * 60_000);
  const b = r.rest('IN-E2-A', 2, T0 + H);
  r.cancel(b, T0 + H + 60_000);
  const c = r.rest('IN-E2-B', 3, T0 + 2 * H, { price_yes_micros: 333_300, initial_count_centis: 300, remaining_centis: 300 });
  // 0.3333 × 3 = 0.9999 exactly; the exchange floors −0.9999 to −1.00.
  const fc = r.fill(c, T0 + 2 * H + 60_000, { balance_change_micros: -1_000_000 });
  r.settle('IN-E1-A', T0 + 5 * H, 500, 5_000_000);
  const ledger: LedgerView = {
    asOfMs: T0 + 6 * H,
    fills: [
      { fillId: fa.fill_id, ticker: fa.ticker, countCentis: 500, yesPriceMicros: 400_000, feeMicros: 0, cashMicros: -2_000_000 },
      { fillId: fc.fill_id, ticker: fc.ticker, countCentis: 300, yesPriceMicros: 333_300, feeMicros: 0, cashMicros: -999_900 },
    ],
    settlements: [{ ticker: 'IN-E1-A', revenueMicros: 5_000_000 }],
    positions: [{ ticker: 'IN-E2-B', positionCentis: 300 }],
    cashChangeMicros: -2_000_000 - 999_900 + 5_000_000,
  };
  return { r, ledger };
}

test('a clean record passes S2–S5, the ledger compared to the micro after the exchange rounding', () => {
  const { r, ledger } = clean();
  const res = judge(r, { ledger });
  expect(failing(res)).toEqual([]);
  expect(res.S5.evidence).toMatchObject({ orders: 3, duplicates: 0, fills: 2, settlements: 1, ledger: { simCashChangeMicros: 2_000_000, ledgerCashChangeMicros: 2_000_100, exchangeRoundingMicros: 100 } });
  expect(res.S3.evidence).toMatchObject({ maxLiveOrdersInAMarket: 1 });
  expect(res.S4.evidence).toMatchObject({ maxOpenPositions: 2, maxEntriesInACycle: 1 });
});

test('S2: an order outside the scope', () => {
  const { r } = clean();
  r.rest('OUT-E1-A', 9, T0 + 9 * H);
  const res = judge(r);
  expect(failing(res)).toEqual(['S2']);
  expect(res.S2.violations[0]).toMatch(/OUT-E1-A \(series OUT\) is out of scope/);
});

test('S3: two live orders in one market at once', () => {
  const r = new Rec();
  r.rest('IN-E2-A', 1, T0);
  r.rest('IN-E2-A', 2, T0 + H);
  const res = judge(r);
  expect(failing(res)).toEqual(['S3']);
  expect(res.S3.violations[0]).toMatch(/^two live orders in IN-E2-A/);
});

test('S3: exposure in two markets of a mutually exclusive event (a position in one, an order in the other)', () => {
  const r = new Rec();
  r.fill(r.rest('IN-E1-A', 1, T0), T0 + 60_000);
  r.rest('IN-E1-B', 2, T0 + H);
  expect(judge(r).S3.violations).toEqual([expect.stringMatching(/exposure in 2 markets of mutually exclusive event IN-E1 .*IN-E1-A, IN-E1-B/)]);
  // The same in a non-exclusive event is fine.
  const ok = new Rec();
  ok.fill(ok.rest('IN-E2-A', 1, T0), T0 + 60_000);
  ok.rest('IN-E2-B', 2, T0 + H);
  expect(judge(ok).S3.pass).toBe(true);
});

test('S3: two live orders for one intent (one client_order_id)', () => {
  const r = new Rec();
  r.rest('IN-E2-A', 1, T0);
  r.rest('IN-E2-B', 1, T0 + 1);
  const res = judge(r);
  expect(res.S3.violations).toContainEqual(expect.stringMatching(/two live orders for one intent/));
  expect(res.S5.violations).toEqual([expect.stringMatching(/: 2 exchange orders/)]);
});

test('S4: the caps — orders and notional per cycle, open positions, trades per market per day', () => {
  const r = new Rec();
  r.cancel(r.rest('IN-E2-A', 1, T0, { client_order_id: coid(1, 0), initial_count_centis: 100, remaining_centis: 100 }), T0 + 1);
  r.cancel(r.rest('IN-E2-B', 1, T0 + 2, { client_order_id: coid(1, 1), initial_count_centis: 100, remaining_centis: 100 }), T0 + 3);
  r.cancel(r.rest('IN-E1-A', 1, T0 + 4, { client_order_id: coid(1, 2), initial_count_centis: 100, remaining_centis: 100 }), T0 + 5);
  expect(judge(r).S4.violations).toEqual(['cycle 1: 3 entries (max_orders_per_cycle 2)']);
  const big = new Rec();
  big.rest('IN-E2-A', 1, T0, { initial_count_centis: 2_000, remaining_centis: 2_000 }); // 20 × 0.40 = $8 > $5
  expect(judge(big).S4.violations).toEqual(['cycle 1: entry notional 8000000 micros (max_notional_per_cycle 5000000)']);
  const held = new Rec();
  held.fill(held.rest('IN-E2-A', 1, T0), T0 + 1);
  held.fill(held.rest('IN-E2-B', 2, T0 + H), T0 + H + 1);
  held.fill(held.rest('IN-E1-A', 3, T0 + 2 * H), T0 + 2 * H + 1);
  expect(judge(held).S4.violations).toEqual([expect.stringMatching(/^3 open positions at .* \(max_positions 2\)$/)]);
  const churn = new Rec();
  for (let c = 1; c <= 3; c++) churn.cancel(churn.rest('IN-E2-A', c, T0 + c * H), T0 + c * H + 1);
  expect(judge(churn).S4.violations).toEqual(['IN-E2-A: 3 entries on 2026-09-01 (max_trades_per_market_per_day 2)']);
});

test('S4: an entry created inside a kill-switch window fails unless its cycle was already in flight', () => {
  const r = new Rec();
  r.rest('IN-E2-A', 4, T0 + 3 * H + 10);
  const w = { name: 'kill_switch', fromMs: T0 + 3 * H, toMs: T0 + 5 * H };
  expect(judge(r, { windows: [w] }).S4.violations).toEqual([expect.stringMatching(/^kill_switch: entry .* inside/)]);
  expect(judge(r, { windows: [{ ...w, allowCycles: [4] }] }).S4.pass).toBe(true);
  expect(judge(r, { windows: [{ ...w, fromMs: T0 + 4 * H }] }).S4.pass).toBe(true);
  // An exit (a sell against the held position) may pass a window.
  const ex = new Rec();
  ex.fill(ex.rest('IN-E2-A', 1, T0), T0 + 1);
  ex.rest('IN-E2-A', 5, T0 + 4 * H, { side: 'ask' });
  expect(judge(ex, { windows: [w] }).S4.pass).toBe(true);
});

test('S5: an order without client_order_id; a fill booked twice or not at all; wrong fee; missing settlement; cash off by a micro', () => {
  const anon = new Rec();
  anon.rest('IN-E2-A', 1, T0, { client_order_id: null });
  expect(judge(anon).S5.violations).toEqual([expect.stringMatching(/carries no client_order_id/)]);

  const { r, ledger } = clean();
  const twice = { ...ledger, fills: [...ledger.fills, ledger.fills[0]], cashChangeMicros: ledger.cashChangeMicros - 2_000_000 };
  expect(judge(r, { ledger: twice }).S5.violations).toContainEqual(expect.stringMatching(/booked 2 times/));
  const missing = { ...ledger, fills: ledger.fills.slice(1), cashChangeMicros: ledger.cashChangeMicros + 2_000_000 };
  expect(judge(r, { ledger: missing }).S5.violations).toContainEqual(expect.stringMatching(/booked 0 times/));
  const fee = { ...ledger, fills: [{ ...ledger.fills[0], feeMicros: 1 }, ledger.fills[1]] };
  expect(judge(r, { ledger: fee }).S5.violations).toEqual([expect.stringMatching(/fee 1 vs simulator .* fee 0/)]);
  const noSettle = { ...ledger, settlements: [], cashChangeMicros: ledger.cashChangeMicros - 5_000_000 };
  expect(judge(r, { ledger: noSettle }).S5.violations).toEqual([expect.stringMatching(/settlement of IN-E1-A: simulator revenue 5000000, ledger \[\]/)]);
  const cash = { ...ledger, fills: [ledger.fills[0], { ...ledger.fills[1], cashMicros: -999_899 }], cashChangeMicros: ledger.cashChangeMicros + 1 };
  expect(judge(r, { ledger: cash }).S5.pass).toBe(true); // −0.999899 still floors to −1.00: below the exchange's resolution
  const cash2 = { ...ledger, fills: [{ ...ledger.fills[0], cashMicros: -1_990_000 }, ledger.fills[1]], cashChangeMicros: ledger.cashChangeMicros + 10_000 };
  expect(judge(r, { ledger: cash2 }).S5.violations).toEqual([expect.stringMatching(/ledger's cash -1990000 rounds to -1990000, the simulator moved the balance by -2000000/)]);
  const inconsistent = { ...ledger, cashChangeMicros: ledger.cashChangeMicros + 1 };
  expect(judge(r, { ledger: inconsistent }).S5.violations).toEqual([expect.stringMatching(/^ledger cash change 2000101 ≠ its fills \+ settlements 2000100/)]);
  const pos = { ...ledger, positions: [] };
  expect(judge(r, { ledger: pos }).S5.violations).toEqual(['position IN-E2-B: simulator 300 centis, ledger 0']);
  // Fills after the ledger's last reconciliation are not due yet.
  expect(judge(r, { ledger: { ...ledger, asOfMs: T0 + 2 * H, fills: ledger.fills.slice(0, 1), settlements: [], positions: [{ ticker: 'IN-E1-A', positionCentis: 500 }], cashChangeMicros: -2_000_000 } }).S5.pass).toBe(true);
});
