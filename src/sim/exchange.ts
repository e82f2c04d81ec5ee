/**
 * The simulated exchange: markets, books, orders, accounts, order groups, trades. Every operation is synchronous and
 * runs at the market clock's "now"; `syncTo` moves market life forward (see lifecycle.ts, liquidity.ts).
 */
import { Centis, Micros, ONE_DOLLAR, notional, notionalCeil } from '../domain/fixed';
import { makerFee, takerFee } from '../domain/fees';
import { Account, applyFill, newAccount, openingCount, outcomePrice } from './accounts';
import { OrderBook } from './book';
import { errors } from './errors';
import { crossableVolume, match, wouldCross } from './matching-engine';
import { OrderGroup, recordMatched } from './order-groups';
import { isOnGrid } from './price-grid';
import { OrderSnapshot, orderAt, recordOrder } from './read-lag';
import { CancelReason, SimHistory } from './history';
import { Rng, rngFor, uuidFrom } from './prng';
import type { BuiltScenario } from './scenario';
import type { BookSide, SimEvent, SimFill, SimMarket, SimOrder, SimSeries, SimTrade, StpType, TimeInForce } from './types';

export const HOUSE_MAKER = '__house_maker';
export const HOUSE_TAKER = '__house_taker';
const MAX_TRADES_PER_MARKET = 5_000;

export interface CreateInput {
  ticker: string;
  side: BookSide;
  priceYes: Micros;
  count: Centis;
  tif: TimeInForce;
  stp: StpType;
  clientOrderId?: string;
  /** 0 = primary (the body's `subaccount`, omitted = 0). */
  subaccount?: number;
  expirationSec?: number;
  postOnly: boolean;
  reduceOnly: boolean;
  cancelOnPause: boolean;
  orderGroupId?: string;
}

export interface FillSummary { fillCount: Centis; fillCost: Micros; fees: Micros }

export interface CreateResult { order: SimOrder; fills: FillSummary }

export interface ExchangeOptions {
  seed: number;
  startingBalance: Micros;
  /** One shared account for every key id instead of one per key. */
  sharedAccount: boolean;
}

export class Exchange {
  readonly series = new Map<string, SimSeries>();
  readonly events = new Map<string, SimEvent>();
  readonly markets = new Map<string, SimMarket>();
  readonly books = new Map<string, OrderBook>();
  readonly trades = new Map<string, SimTrade[]>();
  /** User orders (house orders are not kept once done). */
  readonly orders = new Map<string, SimOrder>();
  readonly accounts = new Map<string, Account>();
  readonly groups = new Map<string, OrderGroup>();
  /** Order snapshots by exchange (market) time, for the read-after-write lag fault. */
  readonly snapshots = new Map<string, OrderSnapshot[]>();
  /** The evidence: every user order state change, fill and settlement (GET /__sim/history; history.ts). */
  readonly history = new SimHistory();
  maintenance: Array<{ startMs: number; endMs: number }> = [];
  tradingOverride: boolean | null = null;
  exchangeActive = true;
  private seq = 0;
  private readonly ids: Rng;
  nowMs: number;

  constructor(readonly opts: ExchangeOptions, built: BuiltScenario, startMs: number) {
    this.ids = rngFor(opts.seed, 'ids');
    this.nowMs = startMs;
    for (const s of built.series) this.series.set(s.ticker, s);
    for (const e of built.events) this.events.set(e.eventTicker, e);
    for (const m of built.markets) {
      this.markets.set(m.ticker, m);
      this.books.set(m.ticker, new OrderBook());
      this.trades.set(m.ticker, []);
    }
    this.maintenance = built.maintenance;
  }

  newId(): string {
    return uuidFrom(this.ids);
  }

  nextSeq(): number {
    return ++this.seq;
  }

  // ---- accounts ----
  accountIdForKey(keyId: string): string {
    return this.opts.sharedAccount ? 'default' : keyId;
  }

  account(accountId: string): Account {
    let a = this.accounts.get(accountId);
    if (!a) {
      a = newAccount(accountId, this.opts.startingBalance, this.nowMs);
      this.accounts.set(accountId, a);
    }
    return a;
  }

  // ---- lookups ----
  market(ticker: string): SimMarket | undefined {
    return this.markets.get(ticker);
  }

  seriesOfMarket(m: SimMarket): SimSeries {
    const e = this.events.get(m.eventTicker)!;
    return this.series.get(e.seriesTicker)!;
  }

  tradingPaused(ms = this.nowMs): boolean {
    if (this.tradingOverride !== null) return !this.tradingOverride;
    return this.maintenance.some((w) => ms >= w.startMs && ms < w.endMs);
  }

  // ---- snapshots (read-after-write lag, read-lag.ts) ----
  touch(o: SimOrder, reason: CancelReason | null = null): void {
    if (o.house) return;
    this.history.changed(o, this.nowMs, reason);
    o.lastUpdateMs = this.nowMs;
    let list = this.snapshots.get(o.orderId);
    if (!list) this.snapshots.set(o.orderId, (list = []));
    recordOrder(list, o, this.nowMs);
  }

  /** The order as the read surface shows it `lagMs` behind the engine; null = not visible yet. */
  readView(o: SimOrder, lagMs: number): SimOrder | null {
    if (lagMs <= 0) return o;
    return orderAt(o, this.snapshots.get(o.orderId), this.nowMs - lagMs);
  }

  // ---- orders ----
  /** Validate and place a user order. Throws ApiError on refusal. */
  createOrder(accountId: string, inp: CreateInput): CreateResult {
    const acct = this.account(accountId);
    if (inp.clientOrderId !== undefined && acct.clientOrderIds.has(inp.clientOrderId)) throw errors.orderExists();
    const m = this.markets.get(inp.ticker);
    if (!m) throw errors.notFound();
    if (m.status !== 'active') throw errors.marketClosed();
    if (this.tradingPaused()) throw errors.tradingPaused();
    if (!isOnGrid(inp.priceYes, m.priceRanges)) throw errors.invalidPrice();
    if (inp.count <= 0 || (!m.fractional && inp.count % 100 !== 0)) throw errors.invalidOrderSize();
    if (inp.expirationSec !== undefined) {
      if (inp.tif !== 'good_till_canceled') throw errors.invalidOrder('Cannot specify both immediate_or_cancel and expiration_ts');
      if (inp.expirationSec * 1000 <= this.nowMs) throw errors.invalidOrder('Expiration timestamp must be in the future');
    }
    let group: OrderGroup | undefined;
    if (inp.orderGroupId !== undefined) {
      group = this.groups.get(inp.orderGroupId);
      // A group of another subaccount is not found (our guess: docs/simulator.md "Subaccounts").
      if (!group || group.accountId !== accountId || group.subaccount !== (inp.subaccount ?? 0)) throw errors.notFound();
      if (group.triggered) throw errors.orderGroupTriggered();
    }
    const pos = acct.positions.get(inp.ticker)?.position ?? 0;
    let count = inp.count;
    if (inp.reduceOnly) {
      const reducible = inp.side === 'bid' ? Math.max(0, -pos) : Math.max(0, pos);
      count = Math.min(count, reducible);
      if (count <= 0) throw errors.invalidOrder('reduce only order would increase position');
    }
    const book = this.books.get(inp.ticker)!;
    this.checkBalance(acct, inp.side, inp.priceYes, count, pos, m);
    if (inp.postOnly && wouldCross(book, inp.side, inp.priceYes)) throw errors.invalidOrder('post only cross');
    if (inp.tif === 'fill_or_kill' && crossableVolume(book, { side: inp.side, priceYes: inp.priceYes, accountId }) < count) {
      throw errors.fokInsufficient();
    }
    const order: SimOrder = {
      orderId: this.newId(), accountId, house: false, clientOrderId: inp.clientOrderId, subaccount: inp.subaccount ?? 0, ticker: inp.ticker,
      side: inp.side, priceYes: inp.priceYes, initialCount: count, remaining: count, filled: 0, status: 'resting',
      tif: inp.tif, postOnly: inp.postOnly, stp: inp.stp, expirationSec: inp.expirationSec, orderGroupId: inp.orderGroupId,
      cancelOnPause: inp.cancelOnPause, createdMs: this.nowMs, lastUpdateMs: this.nowMs, seq: this.nextSeq(),
      takerFillCost: 0, makerFillCost: 0, takerFees: 0, makerFees: 0, roundingAccumulator: 0,
    };
    if (inp.clientOrderId !== undefined) acct.clientOrderIds.add(inp.clientOrderId);
    this.orders.set(order.orderId, order);
    this.history.created(order, this.nowMs);
    if (group) group.orderIds.push(order.orderId);
    const fills = this.execute(order);
    return { order, fills };
  }

  private checkBalance(acct: Account, side: BookSide, priceYes: Micros, count: Centis, pos: Centis, m: SimMarket): void {
    const opening = openingCount(pos, side, count);
    if (opening <= 0) return;
    const s = this.seriesOfMarket(m);
    const need = notionalCeil(outcomePrice(side, priceYes), opening) + takerFee(opening, priceYes, s.feeMultiplierPpm);
    let reserved = 0;
    for (const o of this.orders.values()) {
      if (o.accountId === acct.id && o.status === 'resting') reserved += notionalCeil(outcomePrice(o.side, o.priceYes), o.remaining);
    }
    if (acct.balance - reserved < need) throw errors.insufficientBalance();
  }

  /** Match, apply fills, then rest or cancel the remainder. Used for user and house orders. */
  execute(order: SimOrder): FillSummary {
    const m = this.markets.get(order.ticker)!;
    const book = this.books.get(order.ticker)!;
    const s = this.seriesOfMarket(m);
    const res = match(book, order);
    const summary: FillSummary = { fillCount: 0, fillCost: 0, fees: 0 };
    for (const maker of res.stpCanceledMakers) this.finishCanceled(maker, 'self_trade');
    for (const mt of res.matches) {
      const tradeId = this.newId();
      const tFee = order.house ? 0 : takerFee(mt.count, mt.priceYes, s.feeMultiplierPpm);
      const mFee = mt.maker.house ? 0 : makerFee(s.feeType, mt.count, mt.priceYes, s.feeMultiplierPpm);
      this.applySide(order, tradeId, mt.count, mt.priceYes, true, tFee, m);
      this.applySide(mt.maker, tradeId, mt.count, mt.priceYes, false, mFee, m);
      if (mt.maker.remaining === 0) mt.maker.status = 'executed';
      this.touch(mt.maker);
      summary.fillCount += mt.count;
      summary.fillCost += mt.count * mt.priceYes; // centis × micros; divided when averaged
      summary.fees += tFee;
      this.recordTrade(m, tradeId, mt.count, mt.priceYes, order.side);
      this.groupMatched(mt.maker, mt.count);
      this.groupMatched(order, mt.count);
    }
    if (order.remaining > 0 && order.status === 'resting') {
      if (order.tif === 'good_till_canceled' && !res.stpStoppedTaker) book.add(order);
      else {
        order.remaining = 0;
        order.status = 'canceled';
      }
    }
    if (order.remaining === 0 && order.status === 'resting') order.status = order.filled > 0 ? 'executed' : 'canceled';
    if (order.status !== 'resting' && order.filled === order.initialCount) order.status = 'executed';
    this.touch(order);
    return summary;
  }

  private applySide(o: SimOrder, tradeId: string, count: Centis, priceYes: Micros, isTaker: boolean, fee: Micros, m: SimMarket): void {
    if (o.house) return;
    const cost = notional(outcomePrice(o.side, priceYes), count);
    if (isTaker) {
      o.takerFillCost += cost;
      o.takerFees += fee;
    } else {
      o.makerFillCost += cost;
      o.makerFees += fee;
    }
    const acct = this.account(o.accountId);
    const change = applyFill(acct, m.ticker, m.eventTicker, o.side, count, priceYes, fee, this.nowMs, o);
    const fill: SimFill = { fillId: tradeId, orderId: o.orderId, accountId: o.accountId, subaccount: o.subaccount, ticker: m.ticker, side: o.side, count, priceYes, isTaker, fee, createdMs: this.nowMs };
    acct.fills.push(fill);
    this.history.fill(fill, o.clientOrderId, change);
  }

  private recordTrade(m: SimMarket, tradeId: string, count: Centis, priceYes: Micros, takerSide: BookSide): void {
    const list = this.trades.get(m.ticker)!;
    list.push({ seq: this.nextSeq(), tradeId, ticker: m.ticker, count, priceYes, takerSide, createdMs: this.nowMs });
    if (list.length > MAX_TRADES_PER_MARKET) list.splice(0, list.length - MAX_TRADES_PER_MARKET);
    m.previousPrice = m.lastPrice;
    m.lastPrice = priceYes;
    m.volume += count;
    m.openInterest += count;
    m.updatedMs = this.nowMs;
  }

  private groupMatched(o: SimOrder, count: Centis): void {
    if (o.house || !o.orderGroupId) return;
    const g = this.groups.get(o.orderGroupId);
    if (g && recordMatched(g, this.nowMs, count)) this.cancelGroupOrders(g);
  }

  cancelGroupOrders(g: OrderGroup): void {
    for (const id of g.orderIds) {
      const o = this.orders.get(id);
      if (o && o.status === 'resting' && this.isInBook(o)) this.cancelResting(o, 'order_group');
    }
  }

  private isInBook(o: SimOrder): boolean {
    return o.status === 'resting' && o.remaining > 0;
  }

  private finishCanceled(o: SimOrder, reason: CancelReason): void {
    o.remaining = 0;
    o.status = o.filled > 0 && o.filled === o.initialCount ? 'executed' : 'canceled';
    this.touch(o, reason);
  }

  /** Remove a resting order from its book and mark it canceled (`reason` for the history); returns the contracts removed. */
  cancelResting(o: SimOrder, reason: CancelReason = 'user'): Centis {
    const reduced = o.remaining;
    this.books.get(o.ticker)?.remove(o);
    this.finishCanceled(o, reason);
    return reduced;
  }

  /**
   * V2 cancel: 404 unless the order is this account's; 409 market_closed once its market has closed (kalshi-api.md §3:
   * after close_time every order operation, cancels included, is refused); then 404 unless it is resting.
   * `subaccount` (the query's; omitted = 0, the primary): an order of another subaccount is not found (404).
   */
  cancelOrder(accountId: string, orderId: string, subaccount = 0): { order: SimOrder; reducedBy: Centis } {
    const o = this.orders.get(orderId);
    if (!o || o.accountId !== accountId || o.subaccount !== subaccount) throw errors.notFound();
    const ms = this.markets.get(o.ticker)?.status;
    if (ms === 'closed' || ms === 'determined' || ms === 'finalized') throw errors.marketClosed();
    if (o.status !== 'resting') throw errors.notFound();
    if (this.exchangeActive === false) throw errors.tradingPaused();
    return { order: o, reducedBy: this.cancelResting(o) };
  }

  decreaseOrder(accountId: string, orderId: string, reduceBy?: Centis, reduceTo?: Centis): SimOrder {
    const o = this.orders.get(orderId);
    if (!o || o.accountId !== accountId || o.status !== 'resting') throw errors.notFound();
    const target = reduceTo !== undefined ? reduceTo : o.remaining - (reduceBy ?? 0);
    if (target < 0 || target > o.remaining || (reduceBy !== undefined && reduceBy <= 0)) throw errors.invalidOrderSize();
    if (target === 0) {
      this.cancelResting(o);
      return o;
    }
    o.initialCount -= o.remaining - target;
    o.remaining = target;
    this.touch(o);
    return o;
  }

  amendOrder(accountId: string, orderId: string, a: { ticker: string; side: BookSide; priceYes: Micros; count: Centis; clientOrderId?: string; updatedClientOrderId?: string }): { order: SimOrder; fills: FillSummary; changed: boolean } {
    const o = this.orders.get(orderId);
    if (!o || o.accountId !== accountId || o.status !== 'resting') throw errors.notFound();
    if (a.ticker !== o.ticker) throw errors.orderTickerMismatch();
    if (a.side !== o.side) throw errors.orderSideMismatch();
    if (a.clientOrderId !== undefined && a.clientOrderId !== o.clientOrderId) throw errors.invalidOrder('order_id_and_client_order_id_mismatch');
    const m = this.markets.get(o.ticker)!;
    if (m.status !== 'active') throw errors.marketClosed();
    if (this.tradingPaused()) throw errors.tradingPaused();
    if (!isOnGrid(a.priceYes, m.priceRanges)) throw errors.invalidPrice();
    if (a.count <= o.filled || (!m.fractional && a.count % 100 !== 0)) throw errors.invalidOrderSize();
    const acct = this.account(accountId);
    if (a.updatedClientOrderId !== undefined && a.updatedClientOrderId !== o.clientOrderId && acct.clientOrderIds.has(a.updatedClientOrderId)) throw errors.orderExists();
    const newRemaining = a.count - o.filled;
    const changed = a.priceYes !== o.priceYes || newRemaining !== o.remaining;
    const book = this.books.get(o.ticker)!;
    book.remove(o);
    const losesPriority = a.priceYes !== o.priceYes || newRemaining > o.remaining;
    o.priceYes = a.priceYes;
    o.initialCount = a.count;
    o.remaining = newRemaining;
    if (losesPriority) o.seq = this.nextSeq();
    if (a.updatedClientOrderId !== undefined) {
      o.clientOrderId = a.updatedClientOrderId;
      acct.clientOrderIds.add(a.updatedClientOrderId);
    }
    const fills = this.execute(o);
    return { order: o, fills, changed };
  }

  // ---- order groups ----
  createGroup(accountId: string, limit: Centis, subaccount = 0): OrderGroup {
    const g: OrderGroup = { id: this.newId(), accountId, subaccount, limit, window: [], triggered: false, orderIds: [] };
    this.groups.set(g.id, g);
    return g;
  }

  group(accountId: string, id: string): OrderGroup {
    const g = this.groups.get(id);
    if (!g || g.accountId !== accountId) throw errors.notFound();
    return g;
  }

  // ---- house helpers (liquidity) ----
  houseOrder(accountId: string, ticker: string, side: BookSide, priceYes: Micros, count: Centis, tif: TimeInForce): SimOrder {
    const order: SimOrder = {
      orderId: `house-${this.nextSeq()}`, accountId, house: true, subaccount: 0, ticker, side, priceYes, initialCount: count, remaining: count,
      filled: 0, status: 'resting', tif, postOnly: false, stp: 'maker', cancelOnPause: false, createdMs: this.nowMs,
      lastUpdateMs: this.nowMs, seq: this.nextSeq(), takerFillCost: 0, makerFillCost: 0, takerFees: 0, makerFees: 0, roundingAccumulator: 0,
    };
    this.execute(order);
    return order;
  }

  /** Cancel every resting order of a market (at close). */
  clearBook(ticker: string): void {
    const book = this.books.get(ticker)!;
    for (const o of book.allOrders()) this.cancelResting(o, 'market_closed');
  }

  oneDollar(): Micros {
    return ONE_DOLLAR;
  }
}
