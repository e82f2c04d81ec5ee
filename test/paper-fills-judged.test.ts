/**
 * Paper fills judged against the simulator, not the bot's own records (issue 8, "Tests"). A quickstart dry-run lane
 * runs a simulated day on the loopback simulator (time skipping, its clock following the workflow's) through a
 * recording fetch that keeps every orderbook and trades body the simulator sent. Then every paper fill is joined to
 * that evidence:
 *   book fill  → the stored book (ScanStore.getBook(bookId)) AND the orderbook body the simulator served at that
 *                moment (parsed here from the raw JSON, not by the venue client): the fill's price is a level of the
 *                visible opposite depth, at or better than the limit, and the order never took more at a level than it
 *                showed, nor a worse level while a better one had room;
 *   trade fill → the trade with that id in a `GET /markets/trades` body the simulator served: same market, printed
 *                after the order was placed and no later than its expiry, strictly through its limit, and the total
 *                filled from one trade (across all orders) never above its count.
 * No fill is better than the venue allowed: price ≤ limit for buys, ≥ limit for sells.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { withLaneStore } from './helpers/lane';
import { DryRunLane, query, runDryRunLane, Served, startSimAtEnvNow, timeSkippingWithBundle, wireCentis, wireMicros } from './helpers/dry-run';
import type { SimHandle } from '../src/sim';

const ONE = 1_000_000;
const CYCLES = 25;

let env: TestWorkflowEnvironment;
let bundle: WorkflowBundleWithSourceMap;
let sim: SimHandle;
let lane: DryRunLane;

beforeAll(async () => {
  ({ env, bundle } = await timeSkippingWithBundle());
  sim = await startSimAtEnvNow(env);
  lane = await runDryRunLane(env, bundle, sim, { cycles: CYCLES });
}, 240_000);
afterAll(async () => {
  await sim?.close();
  await env?.teardown();
});

interface FillRow {
  id: number; order_id: number; count_centis: number; price_micros: number; fee_micros: number; at_ms: number;
  source: 'book' | 'trade'; book_id: number | null; trade_id: string | null;
  ticker: string; side: 'yes' | 'no'; action: 'buy' | 'sell'; limit_price_micros: number; order_count: number;
  filled_centis: number; placed_at_ms: number; expires_at_ms: number; order_book_id: number | null;
}

function fills(): FillRow[] {
  return query<FillRow>(lane.dbPath, `
    SELECT f.id, f.order_id, f.count_centis, f.price_micros, f.fee_micros, f.at_ms, f.source, f.book_id, f.trade_id,
           o.ticker, o.side, o.action, o.limit_price_micros, o.count_centis AS order_count, o.filled_centis,
           o.placed_at_ms, o.expires_at_ms, o.book_id AS order_book_id
    FROM paper_fills f JOIN paper_orders o ON o.id = f.order_id ORDER BY f.id`);
}

type Level = { price: number; size: number };
/** An orderbook body as the simulator sent it: {orderbook_fp: {yes_dollars: [[price, count]…], no_dollars: …}}. */
function wireBook(s: Served): { yes: Level[]; no: Level[] } {
  const ob = (s.body as { orderbook_fp: { yes_dollars?: [string, string][] | null; no_dollars?: [string, string][] | null } }).orderbook_fp;
  const lv = (rows: [string, string][] | null | undefined) => (rows ?? []).map(([p, c]) => ({ price: wireMicros(p), size: wireCentis(c) }));
  return { yes: lv(ob.yes_dollars), no: lv(ob.no_dollars) };
}
const sortLv = (l: Level[]) => [...l].sort((a, b) => a.price - b.price || a.size - b.size);

/** What a taker on side/action may take from a served book, in the order side's own terms, best first. */
function takeable(b: { yes: Level[]; no: Level[] }, side: 'yes' | 'no', action: 'buy' | 'sell'): Level[] {
  if (action === 'buy') return (side === 'yes' ? b.no : b.yes).map((l) => ({ price: ONE - l.price, size: l.size })).sort((x, y) => x.price - y.price);
  return [...(side === 'yes' ? b.yes : b.no)].sort((x, y) => y.price - x.price);
}

interface WireTrade { trade_id: string; ticker: string; count_fp: string; yes_price_dollars: string; no_price_dollars: string; created_time: string; is_block_trade: boolean }
/** "2026-12-01T22:33:32.137000Z" → µs since the epoch (exact: the wire carries microseconds). */
function isoMicros(s: string): number {
  const m = /^(.*T\d\d:\d\d:\d\d)(?:\.(\d{1,6}))?Z$/.exec(s);
  if (!m) throw new Error(`created_time ${s} is not ISO-8601 UTC`);
  return Date.parse(`${m[1]}Z`) * 1000 + Number((m[2] ?? '').padEnd(6, '0'));
}

describe('paper fills judged against what the simulator served', () => {
  it('the run traded: book fills and trade fills, every cycle without an error', () => {
    const outcomes = query<{ outcome: string }>(lane.dbPath, 'SELECT outcome FROM cycles ORDER BY cycle').map((r) => r.outcome);
    expect(outcomes).toHaveLength(CYCLES);
    expect(outcomes.filter((o) => o.startsWith('error:'))).toEqual([]);
    const f = fills();
    expect(f.filter((x) => x.source === 'book').length).toBeGreaterThan(0);
    expect(f.filter((x) => x.source === 'trade').length).toBeGreaterThan(0);
    expect(lane.served.filter((s) => s.kind === 'orderbook').length).toBeGreaterThan(0);
    expect(lane.served.filter((s) => s.kind === 'trades').length).toBeGreaterThan(0);
    for (const s of lane.served) expect(s.status).toBe(200);
    process.stdout.write(`[paper-fills] ${CYCLES} cycles: ${new Set(f.map((x) => x.order_id)).size} orders with fills, ${f.filter((x) => x.source === 'book').length} book fills, ${f.filter((x) => x.source === 'trade').length} trade fills, ${lane.served.length} recorded venue bodies\n`);
  });

  it('no fill is better than its limit, and an order never fills more than its count', () => {
    const f = fills();
    for (const x of f) {
      if (x.action === 'buy') expect({ id: x.id, ok: x.price_micros <= x.limit_price_micros }).toEqual({ id: x.id, ok: true });
      else expect({ id: x.id, ok: x.price_micros >= x.limit_price_micros }).toEqual({ id: x.id, ok: true });
    }
    const byOrder = new Map<number, number>();
    for (const x of f) byOrder.set(x.order_id, (byOrder.get(x.order_id) ?? 0) + x.count_centis);
    for (const x of f) {
      expect(byOrder.get(x.order_id)).toBe(x.filled_centis);
      expect(x.filled_centis).toBeLessThanOrEqual(x.order_count);
    }
  });

  it("a book fill matches the stored book and the orderbook the simulator sent at that moment", () => {
    const bookFills = fills().filter((x) => x.source === 'book');
    const orders = new Map<number, FillRow[]>();
    for (const x of bookFills) orders.set(x.order_id, [...(orders.get(x.order_id) ?? []), x]);
    for (const [orderId, of] of orders) {
      const o = of[0];
      expect(of.every((x) => x.book_id === o.order_book_id && x.at_ms === o.placed_at_ms)).toBe(true);
      const stored = withLaneStore(lane.dbPath, (s) => s.scans.getBook(o.book_id!))!;
      expect(stored).not.toBeNull();
      expect(stored.ticker).toBe(o.ticker);
      expect(stored.fetchedAtMs).toBe(o.placed_at_ms);
      // The simulator's answer for this market at that moment (its clock is the cycle's logical time), from the raw body.
      const candidates = lane.served.filter((s) => s.kind === 'orderbook' && s.ticker === o.ticker && s.simNowMs === stored.fetchedAtMs).map(wireBook);
      for (const c of lane.served.filter((s) => s.kind === 'orderbook' && s.ticker === o.ticker && s.simNowMs === stored.fetchedAtMs)) {
        // The body is the simulator's own book at that moment (white-box sim.core), level for level.
        const b = wireBook(c);
        expect(sortLv(b.yes)).toEqual(sortLv(c.core!.yes.map(([price, size]) => ({ price, size }))));
        expect(sortLv(b.no)).toEqual(sortLv(c.core!.no.map(([price, size]) => ({ price, size }))));
      }
      const served = candidates.find((b) => JSON.stringify(sortLv(b.yes)) === JSON.stringify(sortLv(stored.yesBids)) && JSON.stringify(sortLv(b.no)) === JSON.stringify(sortLv(stored.noBids)));
      expect({ orderId, servedBookFound: served !== undefined }).toEqual({ orderId, servedBookFound: true });
      const levels = takeable(served!, o.side, o.action);
      const takenAt = new Map<number, number>();
      for (const x of of) takenAt.set(x.price_micros, (takenAt.get(x.price_micros) ?? 0) + x.count_centis);
      for (const [price, taken] of takenAt) {
        const lvl = levels.find((l) => l.price === price);
        // A price the venue showed on the opposite side, at or better than the limit, never more than its size.
        expect({ orderId, price, shown: lvl !== undefined }).toEqual({ orderId, price, shown: true });
        expect(taken).toBeLessThanOrEqual(lvl!.size);
        expect(o.action === 'buy' ? price <= o.limit_price_micros : price >= o.limit_price_micros).toBe(true);
      }
      // Walked best level first: every level better than the worst price it paid was taken in full.
      const worst = o.action === 'buy' ? Math.max(...takenAt.keys()) : Math.min(...takenAt.keys());
      for (const l of levels.filter((l) => (o.action === 'buy' ? l.price < worst : l.price > worst))) expect(takenAt.get(l.price)).toBe(l.size);
    }
  });

  it('a trade fill matches a trade the simulator printed after the order, strictly through its limit, within its count', () => {
    const served = new Map<string, WireTrade>();
    for (const s of lane.served.filter((x) => x.kind === 'trades')) {
      for (const t of (s.body as { trades: WireTrade[] }).trades) {
        const seen = served.get(t.trade_id);
        if (seen) expect(t).toEqual(seen); // the same trade id always names the same print
        served.set(t.trade_id, t);
      }
    }
    const tradeFills = fills().filter((x) => x.source === 'trade');
    const usedPerTrade = new Map<string, number>();
    for (const x of tradeFills) {
      const t = served.get(x.trade_id!);
      expect({ fill: x.id, trade: x.trade_id, served: t !== undefined }).toEqual({ fill: x.id, trade: x.trade_id, served: true });
      expect(t!.ticker).toBe(x.ticker);
      expect(t!.is_block_trade).toBe(false);
      const printedUs = isoMicros(t!.created_time);
      expect(printedUs).toBeGreaterThan(x.placed_at_ms * 1000);
      expect(printedUs).toBeLessThanOrEqual(x.expires_at_ms * 1000);
      const printed = wireMicros(x.side === 'yes' ? t!.yes_price_dollars : t!.no_price_dollars);
      // Strictly through: a resting buy fills from a print below its limit, a sell from one above; a maker gets its limit.
      expect(x.action === 'buy' ? printed < x.limit_price_micros : printed > x.limit_price_micros).toBe(true);
      expect(x.price_micros).toBe(x.limit_price_micros);
      expect(Math.floor(x.at_ms)).toBe(Math.floor(printedUs / 1000));
      usedPerTrade.set(x.trade_id!, (usedPerTrade.get(x.trade_id!) ?? 0) + x.count_centis);
    }
    for (const [id, used] of usedPerTrade) expect({ id, used, ok: used <= wireCentis(served.get(id)!.count_fp) }).toEqual({ id, used, ok: true });
    // The bot's own record of trade use agrees with what the fills add up to.
    const use = query<{ trade_id: string; used_centis: number }>(lane.dbPath, 'SELECT trade_id, used_centis FROM paper_trade_use');
    expect(Object.fromEntries(use.map((u) => [u.trade_id, u.used_centis]))).toEqual(Object.fromEntries(usedPerTrade));
  });

  it("the simulator's own trade log agrees with the bodies it served (white-box)", () => {
    // sim.core holds every print; the served trades were taken from it, so each served id exists there with its count.
    const all = new Map<string, { count: number; priceYes: number }>();
    for (const list of sim.core.exchange.trades.values()) for (const t of list) all.set(t.tradeId, { count: t.count, priceYes: t.priceYes });
    for (const x of fills().filter((f) => f.source === 'trade')) {
      const t = all.get(x.trade_id!);
      expect(t).toBeDefined();
      const printed = x.side === 'yes' ? t!.priceYes : ONE - t!.priceYes;
      expect(x.action === 'buy' ? printed < x.limit_price_micros : printed > x.limit_price_micros).toBe(true);
    }
  });
});
