/**
 * Paper execution for dry-run lanes: the pure fill model of paper-fill.ts applied to the lane DB (PaperStore), each
 * fill atomically (order, fill, position, ledger, trade use). Paper orders never leave the process.
 *
 *   const px = new PaperExecutor({ paper: store.paper, bankrollMicros, orderTtlMs, logger });
 *   px.place({ cycle, clientOrderId, intent, feeType, feeMultiplierPpm, book, nowMs })  // taker walk of `book`, rest rests
 *   px.fillFromTrades(trades, nowMs)   // resting orders ← trades printed after placement, strictly through
 *   px.expire(nowMs)                   // execution.order_ttl_seconds
 *   px.settle(ticker, result, nowMs)   // cancel the market's resting orders, pay the winning side, realise P&L
 *   px.summary()                       // cash, realised P&L, open positions, resting orders
 * Call fillFromTrades before expire in a cycle, so a trade printed before the expiry still counts.
 */
import type { Logger } from 'pino';
import { takerFee } from '../domain/fees';
import { Centis, Micros, notionalCeil } from '../domain/fixed';
import type { OrderIntent, Side } from '../domain/trading-types';
import type { KalshiTrade } from '../venues/kalshi/types';
import type { PaperOrder, PaperPosition, PaperStore } from '../store/paper-store';
import { PaperBook, asFeeType, fillCash, matchTrades, settlementPayout, walkBook } from './paper-fill';

export class PaperExecutionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PaperExecutionError';
  }
}

export interface PaperExecutorDeps {
  paper: PaperStore;
  bankrollMicros: Micros;
  orderTtlMs: number;
  logger: Logger;
}

export interface PlaceRequest {
  cycle: number;
  clientOrderId: string;
  intent: OrderIntent;
  feeType: string;
  feeMultiplierPpm: number;
  /** The book fetched for this order, stored first (ScanStore.recordBook): its id is the fills' evidence. */
  book: PaperBook & { id: number };
  nowMs: number;
}

export type PlaceResult =
  | { outcome: 'placed' | 'already_placed'; order: PaperOrder; filledCentis: Centis; fillIds: number[] }
  | { outcome: 'rejected'; reason: 'insufficient_paper_cash' | 'insufficient_paper_position'; detail: string };

export interface FillSource { source: 'book' | 'trade'; bookId: number | null; tradeId: string | null }

export class PaperExecutor {
  constructor(private readonly d: PaperExecutorDeps) {
    if (!Number.isSafeInteger(d.orderTtlMs) || d.orderTtlMs <= 0) throw new RangeError('orderTtlMs must be a positive integer');
  }

  place(r: PlaceRequest): PlaceResult {
    const { intent: it, book } = r;
    if (book.ticker !== it.ticker) throw new PaperExecutionError(`book of ${book.ticker} given for an order on ${it.ticker}`);
    asFeeType(r.feeType);
    return this.d.paper.tx((): PlaceResult => {
      const existing = this.d.paper.orderByClientOrderId(r.clientOrderId);
      if (existing) {
        if (existing.ticker !== it.ticker || existing.side !== it.side || existing.action !== it.action || existing.limitPriceMicros !== it.priceMicros || existing.countCentis !== it.countCentis) {
          throw new PaperExecutionError(`client_order_id ${r.clientOrderId} already names another paper order`);
        }
        return { outcome: 'already_placed', order: existing, filledCentis: existing.filledCentis, fillIds: this.d.paper.fills({ orderId: existing.id }).map((f) => f.id) };
      }
      const walk = walkBook(book, { side: it.side, action: it.action, limitPriceMicros: it.priceMicros, countCentis: it.countCentis, feeMultiplierPpm: r.feeMultiplierPpm });
      const refusal = this.affordable(it, r.feeMultiplierPpm);
      if (refusal) return refusal;
      const order = this.d.paper.insertOrder({
        clientOrderId: r.clientOrderId, cycle: r.cycle, ticker: it.ticker, eventTicker: it.eventTicker, side: it.side, action: it.action,
        limitPriceMicros: it.priceMicros, countCentis: it.countCentis, feeType: r.feeType, feeMultiplierPpm: r.feeMultiplierPpm,
        placedAtMs: r.nowMs, expiresAtMs: r.nowMs + this.d.orderTtlMs, bookId: book.id,
      });
      const fillIds = walk.fills.map((f) => this.applyFill(order, f.priceMicros, f.countCentis, f.feeMicros, r.nowMs, { source: 'book', bookId: book.id, tradeId: null }));
      const after = this.d.paper.order(order.id)!;
      this.d.logger.info({ ticker: it.ticker, side: it.side, action: it.action, clientOrderId: r.clientOrderId, filled: walk.filledCentis, resting: walk.remainingCentis, bookId: book.id }, 'paper order placed');
      return { outcome: 'placed', order: after, filledCentis: walk.filledCentis, fillIds };
    });
  }

  /** Fill resting orders from printed trades (all tickers at once). Returns the new fill ids. */
  fillFromTrades(trades: KalshiTrade[], nowMs: number): number[] {
    return this.d.paper.tx(() => {
      const resting = this.d.paper.orders({ status: 'resting' });
      const views = resting.map((o) => ({ ...o, remainingCentis: o.countCentis - o.filledCentis }));
      const plan = matchTrades(views, trades, (id) => this.d.paper.tradeUsed(id));
      const byId = new Map(resting.map((o) => [o.id, o]));
      return plan.map((f) => {
        const o = this.d.paper.order(f.orderId)!;
        this.d.paper.useTrade(f.tradeId, byId.get(f.orderId)!.ticker, f.countCentis);
        return this.applyFill(o, f.priceMicros, f.countCentis, f.feeMicros, Math.min(f.atMs, nowMs), { source: 'trade', bookId: null, tradeId: f.tradeId });
      });
    });
  }

  /** Expire resting orders whose TTL has passed. Returns them. */
  expire(nowMs: number): PaperOrder[] {
    return this.d.paper.tx(() => this.d.paper.orders({ status: 'resting' })
      .filter((o) => o.expiresAtMs <= nowMs && this.d.paper.close(o.id, 'expired', nowMs, 'execution.order_ttl_seconds'))
      .map((o) => this.d.paper.order(o.id)!));
  }

  cancel(orderId: number, nowMs: number, reason: string): boolean {
    return this.d.paper.close(orderId, 'canceled', nowMs, reason);
  }

  /** The market is determined: cancel its resting orders, pay the winning side, realise each position's P&L. */
  settle(ticker: string, result: Side, nowMs: number): { payoutMicros: Micros; realizedPnlMicros: Micros; canceled: number } {
    return this.d.paper.tx(() => {
      let canceled = 0;
      for (const o of this.d.paper.orders({ status: 'resting', ticker })) if (this.d.paper.close(o.id, 'canceled', nowMs, `market settled ${result}`)) canceled += 1;
      let payout = 0;
      let realized = 0;
      for (const p of this.d.paper.positions({ open: true, ticker })) {
        const pay = settlementPayout(p.side, p.countCentis, result);
        if (pay > 0) this.d.paper.addLedger({ atMs: nowMs, kind: 'settlement', amountMicros: pay, ticker, orderId: null, fillId: null, note: `${p.side} settled ${result}` });
        const pnl = pay - p.costMicros;
        this.d.paper.putPosition({ ...p, realizedPnlMicros: p.realizedPnlMicros + pnl, settledResult: result, settledAtMs: nowMs });
        payout += pay;
        realized += pnl;
      }
      if (payout || realized) this.d.logger.info({ ticker, result, payout, realized }, 'paper positions settled');
      return { payoutMicros: payout, realizedPnlMicros: realized, canceled };
    });
  }

  summary(): { cashMicros: Micros; realizedPnlMicros: Micros; openPositions: PaperPosition[]; restingOrders: PaperOrder[] } {
    return {
      cashMicros: this.d.paper.cashMicros(this.d.bankrollMicros),
      realizedPnlMicros: this.d.paper.realizedPnlMicros(),
      openPositions: this.d.paper.positions({ open: true }),
      restingOrders: this.d.paper.orders({ status: 'resting' }),
    };
  }

  /** A buy must be payable in full at its limit from cash not already promised to resting buys; a sell needs the contracts. */
  private affordable(it: OrderIntent, multiplierPpm: number): PlaceResult | null {
    const resting = this.d.paper.orders({ status: 'resting' });
    if (it.action === 'sell') {
      const held = this.d.paper.position(it.ticker, it.side);
      const heldCount = held && held.settledResult === null ? held.countCentis : 0;
      const promised = resting.filter((o) => o.action === 'sell' && o.ticker === it.ticker && o.side === it.side).reduce((s, o) => s + o.countCentis - o.filledCentis, 0);
      if (it.countCentis > heldCount - promised) return { outcome: 'rejected', reason: 'insufficient_paper_position', detail: `sell ${it.countCentis} centis of ${it.ticker} ${it.side}: ${heldCount - promised} free` };
      return null;
    }
    const worst = (price: Micros, count: Centis, mult: number) => notionalCeil(price, count) + takerFee(count, price, mult) + 10_000;
    const reserved = resting.filter((o) => o.action === 'buy').reduce((s, o) => s + worst(o.limitPriceMicros, o.countCentis - o.filledCentis, o.feeMultiplierPpm), 0);
    const free = this.d.paper.cashMicros(this.d.bankrollMicros) - reserved;
    const need = worst(it.priceMicros, it.countCentis, multiplierPpm);
    if (need > free) return { outcome: 'rejected', reason: 'insufficient_paper_cash', detail: `needs up to ${need} micros, ${free} free` };
    return null;
  }

  private applyFill(o: PaperOrder, price: Micros, count: Centis, fee: Micros, atMs: number, src: FillSource): number {
    const p = this.d.paper;
    const fillId = p.insertFill({ orderId: o.id, countCentis: count, priceMicros: price, feeMicros: fee, atMs, ...src });
    const cash = fillCash(o.action, price, count, fee, p.roundingAccumulator(o.id));
    const base = { atMs, ticker: o.ticker, orderId: o.id, fillId };
    p.addLedger({ ...base, kind: o.action === 'buy' ? 'buy_cost' : 'sell_proceeds', amountMicros: cash.revenueMicros, note: null });
    if (fee) p.addLedger({ ...base, kind: 'fee', amountMicros: -fee, note: null });
    if (cash.roundingMicros) p.addLedger({ ...base, kind: 'rounding', amountMicros: cash.roundingMicros, note: 'rounding fee' });
    if (cash.rebateMicros) p.addLedger({ ...base, kind: 'rounding', amountMicros: cash.rebateMicros, note: 'rounding rebate' });
    const cur = this.d.paper.order(o.id)!;
    const filled = cur.filledCentis + count;
    p.setFilled(o.id, filled, filled === cur.countCentis ? 'filled' : 'resting', atMs);
    const pos = p.position(o.ticker, o.side) ?? { ticker: o.ticker, side: o.side, eventTicker: o.eventTicker, countCentis: 0, costMicros: 0, realizedPnlMicros: 0, settledResult: null, settledAtMs: null };
    if (o.action === 'buy') {
      p.putPosition({ ...pos, countCentis: pos.countCentis + count, costMicros: pos.costMicros - cash.changeMicros });
    } else {
      if (count > pos.countCentis) throw new PaperExecutionError(`paper sell of ${count} centis of ${o.ticker} ${o.side}: only ${pos.countCentis} held`);
      const removed = Number((BigInt(pos.costMicros) * BigInt(count)) / BigInt(pos.countCentis));
      p.putPosition({ ...pos, countCentis: pos.countCentis - count, costMicros: pos.costMicros - removed, realizedPnlMicros: pos.realizedPnlMicros + cash.changeMicros - removed });
    }
    return fillId;
  }
}
