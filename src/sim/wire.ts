/**
 * Serializers: internal state → the exchange's current wire shapes (4-dp dollar strings for prices, 6-dp for
 * portfolio amounts, 2-dp count strings, ISO times with microseconds). Keys are emitted in sorted order like the
 * recorded bodies.
 */
import { Centis, Micros, ONE_DOLLAR, formatCount, formatDollars, formatDollarsExact, notional } from '../domain/fixed';
import { averageTo4dp } from './int-math';
import type { Account, Position } from './accounts';
import { OrderBook } from './book';
import type { Exchange } from './exchange';
import type { SimEvent, SimFill, SimMarket, SimOrder, SimSeries, SimSettlement, SimTrade } from './types';
import type { OrderGroup } from './order-groups';

export function sortKeys<T extends Record<string, unknown>>(o: T): T {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(o).sort()) if (o[k] !== undefined) out[k] = o[k];
  return out as T;
}

/** "2026-06-11T06:29:20.866000Z" (microsecond precision like the exchange). */
export function isoMicro(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

/** "2026-06-25T16:00:00Z" for schedule times. */
export function isoSec(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

const d4 = (m: Micros) => formatDollars(m, 4);
const d6 = (m: Micros) => formatDollars(m, 6);


export function marketJson(ex: Exchange, m: SimMarket): Record<string, unknown> {
  const book = ex.books.get(m.ticker)!;
  const yb = book.best('yes');
  const nb = book.best('no');
  const dayAgo = ex.nowMs - 86_400_000;
  const vol24 = (ex.trades.get(m.ticker) ?? []).reduce((s, t) => s + (t.createdMs > dayAgo ? t.count : 0), 0);
  const determined = m.status === 'determined' || m.status === 'finalized';
  return sortKeys({
    can_close_early: true,
    close_time: isoSec(m.closeMs),
    created_time: isoMicro(m.createdMs),
    early_close_condition: '',
    event_ticker: m.eventTicker,
    exchange_index: 0,
    expected_expiration_time: isoSec(m.determineMs),
    expiration_time: isoSec(m.closeMs),
    expiration_value: determined ? (m.result === 'yes' ? 'Yes' : 'No') : '',
    last_price_dollars: d4(m.lastPrice),
    latest_expiration_time: isoSec(m.closeMs),
    liquidity_dollars: '0.0000',
    market_type: 'binary',
    no_ask_dollars: d4(yb ? ONE_DOLLAR - yb.price : ONE_DOLLAR),
    no_bid_dollars: d4(nb ? nb.price : 0),
    no_sub_title: m.noSubTitle,
    notional_value_dollars: '1.0000',
    occurrence_datetime: isoSec(m.closeMs),
    open_interest_fp: formatCount(m.openInterest),
    open_time: isoSec(m.openMs),
    previous_price_dollars: d4(m.previousPrice),
    previous_yes_ask_dollars: '0.0000',
    previous_yes_bid_dollars: '0.0000',
    price_level_structure: m.priceLevelStructure,
    price_ranges: m.priceRanges.map((r) => sortKeys({ start: d4(r.start), end: d4(r.end), step: d4(r.step) })),
    result: determined ? m.result : '',
    rules_primary: m.rulesPrimary || `If ${m.title} at close, the market resolves to Yes.`,
    rules_secondary: '',
    settlement_timer_seconds: m.settlementTimerSeconds,
    settlement_ts: m.status === 'finalized' && m.settledMs !== undefined ? isoMicro(m.settledMs) : undefined,
    settlement_value_dollars: determined ? (m.result === 'yes' ? '1.0000' : '0.0000') : undefined,
    status: m.status,
    strike_type: m.strikeType,
    ticker: m.ticker,
    title: m.title,
    updated_time: isoMicro(m.updatedMs),
    volume_24h_fp: formatCount(vol24),
    volume_fp: formatCount(m.volume),
    yes_ask_dollars: d4(nb ? ONE_DOLLAR - nb.price : ONE_DOLLAR),
    yes_ask_size_fp: formatCount(nb ? nb.size : 0),
    yes_bid_dollars: d4(yb ? yb.price : 0),
    yes_bid_size_fp: formatCount(yb ? yb.size : 0),
    yes_sub_title: m.yesSubTitle,
  });
}

export function orderbookJson(book: OrderBook, depth: number): Record<string, unknown> {
  const rows = (side: 'yes' | 'no') => book.snapshot(side, depth).map(([p, c]) => [d4(p), formatCount(c)]);
  return { orderbook_fp: { no_dollars: rows('no'), yes_dollars: rows('yes') } };
}

/** `markets`: the event's markets in the exchange's order, when the caller has them indexed (else found by a scan). */
export function eventJson(ex: Exchange, e: SimEvent, nested: boolean, markets = [...ex.markets.values()].filter((m) => m.eventTicker === e.eventTicker)): Record<string, unknown> {
  const updated = markets.reduce((a, m) => Math.max(a, m.updatedMs), 0);
  return sortKeys({
    available_on_brokers: false,
    category: e.category,
    collateral_return_type: e.mutuallyExclusive ? 'MECNET' : '',
    event_ticker: e.eventTicker,
    exchange_index: 0,
    last_updated_ts: isoMicro(updated),
    markets: nested ? markets.map((m) => marketJson(ex, m)) : undefined,
    mutually_exclusive: e.mutuallyExclusive,
    series_ticker: e.seriesTicker,
    strike_period: '',
    sub_title: e.subTitle,
    title: e.title,
  });
}

export function seriesJson(s: SimSeries): Record<string, unknown> {
  return sortKeys({
    additional_prohibitions: [], category: s.category, contract_terms_url: '', contract_url: '', exchange_index: 0,
    fee_multiplier: s.feeMultiplier, fee_type: s.feeType, frequency: s.frequency, settlement_sources: [], tags: s.tags,
    ticker: s.ticker, title: s.title,
  });
}

function legacySide(o: { side: 'bid' | 'ask' }) {
  return o.side === 'bid'
    ? { action: 'buy', side: 'yes', outcome_side: 'yes', book_side: 'bid' }
    : { action: 'sell', side: 'yes', outcome_side: 'no', book_side: 'ask' };
}

export function orderJson(o: SimOrder): Record<string, unknown> {
  return sortKeys({
    ...legacySide(o),
    cancel_order_on_pause: o.cancelOnPause ? true : undefined,
    client_order_id: o.clientOrderId ?? '',
    created_time: isoMicro(o.createdMs),
    expiration_time: o.expirationSec !== undefined ? isoSec(o.expirationSec * 1000) : undefined,
    fill_count_fp: formatCount(o.filled),
    initial_count_fp: formatCount(o.initialCount),
    last_update_time: isoMicro(o.lastUpdateMs),
    maker_fees_dollars: d6(o.makerFees),
    maker_fill_cost_dollars: d6(o.makerFillCost),
    no_price_dollars: d4(ONE_DOLLAR - o.priceYes),
    order_group_id: o.orderGroupId,
    order_id: o.orderId,
    remaining_count_fp: formatCount(o.remaining),
    self_trade_prevention_type: o.stp,
    status: o.status,
    subaccount_number: o.subaccount,
    taker_fees_dollars: d6(o.takerFees),
    taker_fill_cost_dollars: d6(o.takerFillCost),
    ticker: o.ticker,
    type: 'limit',
    user_id: o.accountId,
    yes_price_dollars: d4(o.priceYes),
  });
}

export function fillJson(f: SimFill): Record<string, unknown> {
  return sortKeys({
    ...legacySide(f),
    count_fp: formatCount(f.count),
    created_time: isoMicro(f.createdMs),
    fee_cost: d6(f.fee),
    fill_id: f.fillId,
    is_taker: f.isTaker,
    market_ticker: f.ticker,
    no_price_dollars: d4(ONE_DOLLAR - f.priceYes),
    order_id: f.orderId,
    subaccount_number: f.subaccount,
    ticker: f.ticker,
    trade_id: f.fillId,
    ts: Math.floor(f.createdMs / 1000),
    yes_price_dollars: d4(f.priceYes),
  });
}

export function tradeJson(t: SimTrade): Record<string, unknown> {
  return sortKeys({
    count_fp: formatCount(t.count),
    created_time: isoMicro(t.createdMs),
    is_block_trade: false,
    no_price_dollars: d4(ONE_DOLLAR - t.priceYes),
    taker_book_side: t.takerSide,
    taker_outcome_side: t.takerSide === 'bid' ? 'yes' : 'no',
    taker_side: t.takerSide === 'bid' ? 'yes' : 'no',
    ticker: t.ticker,
    trade_id: t.tradeId,
    yes_price_dollars: d4(t.priceYes),
  });
}

export function positionJson(p: Position): Record<string, unknown> {
  return sortKeys({
    fees_paid_dollars: d6(p.feesPaid),
    last_updated_ts: isoMicro(p.lastUpdatedMs),
    market_exposure_dollars: d6(p.costBasis),
    position_fp: formatCount(p.position),
    realized_pnl_dollars: d6(p.realizedPnl),
    ticker: p.ticker,
    total_traded_dollars: d6(p.totalTraded),
  });
}

export function eventPositionsJson(positions: Position[]): Array<Record<string, unknown>> {
  const by = new Map<string, Position[]>();
  for (const p of positions) by.set(p.eventTicker, [...(by.get(p.eventTicker) ?? []), p]);
  return [...by.entries()].map(([ev, ps]) => sortKeys({
    event_exposure_dollars: d6(ps.reduce((s, p) => s + p.costBasis, 0)),
    event_ticker: ev,
    fees_paid_dollars: d6(ps.reduce((s, p) => s + p.feesPaid, 0)),
    realized_pnl_dollars: d6(ps.reduce((s, p) => s + p.realizedPnl, 0)),
    total_cost_dollars: d6(ps.reduce((s, p) => s + p.costBasis, 0)),
    total_cost_shares_fp: formatCount(ps.reduce((s, p) => s + Math.abs(p.position), 0)),
  }));
}

export function settlementJson(s: SimSettlement): Record<string, unknown> {
  return sortKeys({
    event_ticker: s.eventTicker,
    exchange_index: 0,
    fee_cost: formatDollarsExact(s.feeCost),
    market_result: s.result,
    no_count_fp: formatCount(s.noCount),
    no_total_cost_dollars: formatDollarsExact(s.noTotalCost),
    revenue: Math.floor(s.revenue / 10_000),
    settled_time: isoMicro(s.settledMs),
    ticker: s.ticker,
    value: s.result === 'yes' ? 100 : 0,
    yes_count_fp: formatCount(s.yesCount),
    yes_total_cost_dollars: formatDollarsExact(s.yesTotalCost),
  });
}

export function balanceJson(ex: Exchange, a: Pick<Account, 'balance' | 'positions' | 'updatedMs'>): Record<string, unknown> {
  let value = 0;
  for (const p of a.positions.values()) {
    const book = ex.books.get(p.ticker);
    const best = book?.best(p.position > 0 ? 'yes' : 'no');
    if (best) value += notional(best.price, Math.abs(p.position));
  }
  return sortKeys({
    balance: Math.trunc(a.balance / 10_000),
    balance_breakdown: [{ balance: d4(a.balance - (a.balance % 100)), exchange_index: 0 }],
    balance_dollars: d4(a.balance - (a.balance % 100)),
    portfolio_value: Math.trunc(value / 10_000),
    updated_ts: Math.floor(a.updatedMs / 1000),
  });
}

export function groupJson(g: OrderGroup): Record<string, unknown> {
  return sortKeys({ contracts_limit_fp: formatCount(g.limit), exchange_index: 0, id: g.id, is_auto_cancel_enabled: true });
}

/** Create/amend ack fields shared by V2 responses. */
export function fillSummaryJson(fillCount: Centis, fillCostCentiMicros: number, fees: Micros): Record<string, string> {
  if (fillCount <= 0) return {};
  return {
    average_fee_paid: d4(averageTo4dp(fees * 100, fillCount)),
    average_fill_price: d4(averageTo4dp(fillCostCentiMicros, fillCount)),
  };
}
