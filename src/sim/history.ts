/**
 * The simulator's evidence (GET /__sim/history, admin only): every state change of every user order (created, resting,
 * partially filled, filled, canceled, expired — at exchange time), every fill and every settlement, per account, in
 * the order they happened. House (liquidity) orders are not recorded. The week proof's judge (src/sim/judge.ts)
 * decides S3/S5 from this record alone: it is what the exchange did, not what the bot wrote down.
 *
 * Integers only (micros, centis, ms): nothing here is parsed back from a wire string.
 */
import type { MarketResult, SimFill, SimOrder, SimSettlement } from './types';

export type OrderEventKind = 'created' | 'resting' | 'partially_filled' | 'filled' | 'canceled' | 'expired';
/** Why an order left the book (a `canceled` / `expired` event). */
export type CancelReason = 'user' | 'expired' | 'market_closed' | 'maintenance' | 'order_group' | 'self_trade' | 'unfilled';

export interface OrderEvent {
  seq: number;
  type: 'order';
  kind: OrderEventKind;
  account_id: string;
  exchange_ms: number;
  order_id: string;
  client_order_id: string | null;
  ticker: string;
  /** Book side in YES terms: `bid` buys YES, `ask` buys NO. */
  side: 'bid' | 'ask';
  price_yes_micros: number;
  initial_count_centis: number;
  remaining_centis: number;
  filled_centis: number;
  tif: string;
  expiration_ms: number | null;
  reason: CancelReason | null;
}

export interface FillEvent {
  seq: number;
  type: 'fill';
  account_id: string;
  exchange_ms: number;
  fill_id: string;
  order_id: string;
  client_order_id: string | null;
  ticker: string;
  side: 'bid' | 'ask';
  count_centis: number;
  price_yes_micros: number;
  is_taker: boolean;
  fee_micros: number;
  /** What the account's cash moved by (cent-floored revenue − fee, with the rounding rebate: kalshi-api.md §8). */
  balance_change_micros: number;
}

export interface SettlementEvent {
  seq: number;
  type: 'settlement';
  account_id: string;
  exchange_ms: number;
  ticker: string;
  event_ticker: string;
  result: MarketResult;
  yes_count_centis: number;
  no_count_centis: number;
  revenue_micros: number;
  fee_cost_micros: number;
}

export type HistoryEvent = OrderEvent | FillEvent | SettlementEvent;

/** What the judge needs to know about each market (scope, mutual exclusivity). */
export interface HistoryMarket { ticker: string; event_ticker: string; series_ticker: string; mutually_exclusive: boolean }

export interface HistoryBody {
  now_ms: number;
  accounts: string[];
  markets: HistoryMarket[];
  events: HistoryEvent[];
  /** Events dropped past the cap (a simulator kept for months); 0 in any test. */
  dropped: number;
}

export const MAX_HISTORY_EVENTS = 2_000_000;

function stateKind(o: SimOrder, reason: CancelReason | null): OrderEventKind {
  if (o.status === 'resting') return o.filled > 0 ? 'partially_filled' : 'resting';
  if (o.status === 'executed') return 'filled';
  return reason === 'expired' ? 'expired' : 'canceled';
}

export class SimHistory {
  readonly events: HistoryEvent[] = [];
  dropped = 0;
  private seq = 0;
  /** The last state recorded per order, so an unchanged touch records nothing. */
  private last = new Map<string, string>();

  private push(e: HistoryEvent): void {
    if (this.events.length >= MAX_HISTORY_EVENTS) {
      this.dropped += 1;
      return;
    }
    this.events.push(e);
  }

  private orderEvent(o: SimOrder, kind: OrderEventKind, ms: number, reason: CancelReason | null): OrderEvent {
    return {
      seq: ++this.seq, type: 'order', kind, account_id: o.accountId, exchange_ms: ms, order_id: o.orderId,
      client_order_id: o.clientOrderId ?? null, ticker: o.ticker, side: o.side, price_yes_micros: o.priceYes,
      initial_count_centis: o.initialCount, remaining_centis: o.remaining, filled_centis: o.filled, tif: o.tif,
      expiration_ms: o.expirationSec !== undefined ? o.expirationSec * 1000 : null, reason: kind === 'canceled' || kind === 'expired' ? reason : null,
    };
  }

  /** The order was accepted (before it matched anything). */
  created(o: SimOrder, ms: number): void {
    if (o.house) return;
    this.push(this.orderEvent(o, 'created', ms, null));
  }

  /** The order's state may have changed: record it when it did (status, fills, remaining or price). */
  changed(o: SimOrder, ms: number, reason: CancelReason | null = null): void {
    if (o.house) return;
    const why = o.status === 'canceled' ? reason ?? (o.tif === 'good_till_canceled' ? 'user' : 'unfilled') : null;
    const kind = stateKind(o, why);
    const key = `${kind}|${o.filled}|${o.remaining}|${o.priceYes}|${o.initialCount}`;
    if (this.last.get(o.orderId) === key) return;
    this.last.set(o.orderId, key);
    const r = kind === 'canceled' || kind === 'expired' ? why : null;
    this.push(this.orderEvent(o, kind, ms, r));
  }

  fill(f: SimFill, clientOrderId: string | undefined, balanceChange: number): void {
    this.push({
      seq: ++this.seq, type: 'fill', account_id: f.accountId, exchange_ms: f.createdMs, fill_id: f.fillId, order_id: f.orderId,
      client_order_id: clientOrderId ?? null, ticker: f.ticker, side: f.side, count_centis: f.count, price_yes_micros: f.priceYes,
      is_taker: f.isTaker, fee_micros: f.fee, balance_change_micros: balanceChange,
    });
  }

  settlement(accountId: string, s: SimSettlement): void {
    this.push({
      seq: ++this.seq, type: 'settlement', account_id: accountId, exchange_ms: s.settledMs, ticker: s.ticker, event_ticker: s.eventTicker,
      result: s.result, yes_count_centis: s.yesCount, no_count_centis: s.noCount, revenue_micros: s.revenue, fee_cost_micros: s.feeCost,
    });
  }
}
