/**
 * Wire → domain conversion. Strict on required fields (a malformed object is dropped from a list with a logged reason,
 * or fails a single-object call with KalshiParseError), tolerant of missing optional fields, null arrays and empty
 * sides. Prices and counts go through src/domain/fixed.ts: no floats.
 */
import type { Logger } from 'pino';
import type { z } from 'zod';
import { complement, FixedPointError, parseCount, parseDollars, ONE_DOLLAR, Micros, Centis } from '../../domain/fixed';
import { multiplierToPpm, type FeeType } from '../../domain/fees';
import { fromWireDirection } from './direction';
import { KalshiParseError } from './errors';
import * as W from './wire-schemas';
import type * as T from './types';

export const MARKET_STATUSES: readonly T.MarketStatus[] = [
  'initialized', 'inactive', 'active', 'closed', 'determined', 'disputed', 'amended', 'finalized',
];

/** Which response statuses a query status filter returns (kalshi-api.md §3.2). */
export const MARKET_STATUS_FILTER_MATCHES: Readonly<Record<T.MarketStatusFilter, readonly T.MarketStatus[]>> = {
  unopened: ['initialized'],
  open: ['active'],
  paused: ['inactive'],
  closed: ['closed', 'determined', 'disputed', 'amended'],
  settled: ['finalized'],
};

export function marketMatchesStatusFilter(filter: T.MarketStatusFilter, status: T.MarketStatus): boolean {
  return MARKET_STATUS_FILTER_MATCHES[filter].includes(status);
}

const FEE_TYPES: readonly FeeType[] = ['quadratic', 'quadratic_with_maker_fees', 'quadratic_with_combo_maker_fees', 'flat'];

function fail(msg: string): never {
  throw new KalshiParseError(msg);
}

const nz = <V>(v: V | null | undefined): V | null => (v === undefined ? null : v);
const optDollars = (v: string | null | undefined, f: string): Micros | null => (v == null || v === '' ? null : parseDollars(v, f));
const optCount = (v: string | null | undefined, f: string): Centis | null => (v == null || v === '' ? null : parseCount(v, f));
/** A count that cannot be negative (fills, volumes, remaining, sizes): a negative one is an error naming the field. */
function uCount(v: string, f: string): Centis {
  const c = parseCount(v, f);
  if (c < 0) throw new FixedPointError(f, v, 'a count here cannot be negative');
  return c;
}
const optUCount = (v: string | null | undefined, f: string): Centis | null => (v == null || v === '' ? null : uCount(v, f));
/** A contract price: within [$0, $1], else an error naming the field. */
function price01(v: string, f: string): Micros {
  const p = parseDollars(v, f);
  if (p < 0 || p > ONE_DOLLAR) throw new FixedPointError(f, v, 'a price must be within [0, 1]');
  return p;
}
const optPrice01 = (v: string | null | undefined, f: string): Micros | null => (v == null || v === '' ? null : price01(v, f));
function centsToMicros(c: number, f: string): Micros {
  const m = c * 10_000;
  if (!Number.isSafeInteger(m)) throw new FixedPointError(f, c, 'out of range');
  return m;
}

/** A quote exists only with a positive size and a price strictly inside (0, 1); sentinels "0.0000"/"1.0000" are no quote. */
function quote(price: string | null | undefined, size: string | null | undefined, field: string): T.Quote | null {
  if (size == null || size === '' || price == null || price === '') return null;
  // Recorded: determined markets quote negative sizes (`yes_bid_size_fp: "-3.00"`, markets__high_temp): no quote.
  const s = parseCount(size, `${field}_size_fp`);
  if (s <= 0) return null;
  const p = price01(price, `${field}_dollars`);
  if (p === 0 || p === ONE_DOLLAR) return null;
  return { price: p, size: s };
}

const flip = (q: T.Quote | null): T.Quote | null => (q ? { price: complement(q.price), size: q.size } : null);

export function toMarket(w: W.MarketWire): T.KalshiMarket {
  if (!(MARKET_STATUSES as readonly string[]).includes(w.status)) fail(`unknown market status ${JSON.stringify(w.status)}`);
  const yesBid = quote(w.yes_bid_dollars, w.yes_bid_size_fp, 'yes_bid');
  const yesAsk = quote(w.yes_ask_dollars, w.yes_ask_size_fp, 'yes_ask');
  const last = optPrice01(w.last_price_dollars, 'last_price_dollars');
  const result = w.result === 'yes' || w.result === 'no' || w.result === 'scalar' ? w.result : null;
  return {
    ticker: w.ticker,
    eventTicker: w.event_ticker,
    marketType: nz(w.market_type),
    title: nz(w.title),
    yesSubTitle: nz(w.yes_sub_title),
    noSubTitle: nz(w.no_sub_title),
    status: w.status as T.MarketStatus,
    openTime: nz(w.open_time),
    closeTime: nz(w.close_time),
    expectedExpirationTime: nz(w.expected_expiration_time),
    latestExpirationTime: nz(w.latest_expiration_time),
    settlementTs: nz(w.settlement_ts),
    yesBid,
    yesAsk,
    noBid: flip(yesAsk),
    noAsk: flip(yesBid),
    lastPrice: last !== null && last > 0 ? last : null,
    volume: optUCount(w.volume_fp, 'volume_fp') ?? 0,
    volume24h: optUCount(w.volume_24h_fp, 'volume_24h_fp') ?? 0,
    openInterest: optUCount(w.open_interest_fp, 'open_interest_fp') ?? 0,
    notionalValue: optDollars(w.notional_value_dollars, 'notional_value_dollars') ?? ONE_DOLLAR,
    result,
    settlementValue: result === null ? null : optPrice01(w.settlement_value_dollars, 'settlement_value_dollars'),
    strikeType: nz(w.strike_type),
    floorStrike: w.floor_strike == null ? null : String(w.floor_strike),
    capStrike: w.cap_strike == null ? null : String(w.cap_strike),
    rulesPrimary: nz(w.rules_primary) || null,
    rulesSecondary: nz(w.rules_secondary) || null,
    priceLevelStructure: nz(w.price_level_structure),
    priceRanges: (w.price_ranges ?? []).map((r, i) => {
      const range = { start: price01(r.start, `price_ranges[${i}].start`), end: price01(r.end, `price_ranges[${i}].end`), step: parseDollars(r.step, `price_ranges[${i}].step`) };
      if (range.step <= 0 || range.start > range.end) fail(`price_ranges[${i}]: needs start ≤ end and a positive step`);
      return range;
    }),
    canCloseEarly: nz(w.can_close_early),
    exchangeIndex: nz(w.exchange_index),
  };
}

export function toEvent(w: W.EventWire, logger: Logger): T.KalshiEvent {
  return {
    eventTicker: w.event_ticker,
    seriesTicker: w.series_ticker,
    title: nz(w.title),
    subTitle: nz(w.sub_title),
    category: nz(w.category),
    mutuallyExclusive: nz(w.mutually_exclusive),
    strikeDate: nz(w.strike_date),
    feeTypeOverride: w.fee_type_override ? w.fee_type_override : null,
    feeMultiplierOverridePpm: w.fee_multiplier_override == null ? null : multiplierToPpm(w.fee_multiplier_override),
    markets: parseItems(w.markets, W.MarketWire, toMarket, logger, 'market'),
  };
}

export function toSeries(w: z.infer<typeof W.SeriesWire>): T.KalshiSeries {
  if (!(FEE_TYPES as readonly string[]).includes(w.fee_type)) fail(`unknown fee_type ${JSON.stringify(w.fee_type)}`);
  return {
    ticker: w.ticker,
    title: nz(w.title),
    category: nz(w.category),
    frequency: nz(w.frequency),
    feeType: w.fee_type as FeeType,
    feeMultiplierPpm: multiplierToPpm(w.fee_multiplier),
    tags: w.tags ?? [],
    settlementSources: (w.settlement_sources ?? [])
      .map((x) => (typeof x === 'string' ? x : [x.name, x.url ? `(${x.url})` : null].filter(Boolean).join(' ')))
      .filter((x) => x.length > 0),
  };
}

function levels(raw: [string, string][] | null | undefined, side: string): T.OrderbookLevel[] {
  const out: T.OrderbookLevel[] = [];
  (raw ?? []).forEach(([p, c], i) => {
    const price = price01(p, `orderbook_fp.${side}[${i}].price`);
    const size = parseCount(c, `orderbook_fp.${side}[${i}].size`);
    if (size > 0 && price > 0 && price < ONE_DOLLAR) out.push({ price, size }); // empty (≤ 0, as quotes on the wire) levels and 0/1 sentinels are no depth
  });
  // The wire sorts ascending (best bid LAST); we expose best first and do not trust the order blindly.
  return out.sort((a, b) => b.price - a.price);
}

export function toOrderbook(ticker: string, w: W.OrderbookWire): T.KalshiOrderbook {
  const yesBids = levels(w.orderbook_fp.yes_dollars, 'yes_dollars');
  const noBids = levels(w.orderbook_fp.no_dollars, 'no_dollars');
  const bestYesBid = yesBids[0] ? { ...yesBids[0] } : null;
  const bestNoBid = noBids[0] ? { ...noBids[0] } : null;
  return { ticker, yesBids, noBids, bestYesBid, bestNoBid, bestYesAsk: flip(bestNoBid), bestNoAsk: flip(bestYesBid) };
}

function sideOf(v: string | null | undefined): 'yes' | 'no' | null {
  return v === 'yes' || v === 'no' ? v : null;
}

export function toTrade(w: W.TradeWire): T.KalshiTrade {
  const yesPrice = price01(w.yes_price_dollars, 'yes_price_dollars');
  let takerSide = sideOf(w.taker_outcome_side) ?? sideOf(w.taker_side);
  if (takerSide === null && (w.taker_book_side === 'bid' || w.taker_book_side === 'ask')) takerSide = w.taker_book_side === 'bid' ? 'yes' : 'no';
  return {
    tradeId: w.trade_id,
    ticker: w.ticker,
    count: uCount(w.count_fp, 'count_fp'),
    yesPrice,
    noPrice: optPrice01(w.no_price_dollars, 'no_price_dollars') ?? complement(yesPrice),
    takerSide,
    createdTime: nz(w.created_time),
    isBlockTrade: w.is_block_trade ?? false,
  };
}

export function toExchangeStatus(w: z.infer<typeof W.ExchangeStatusWire>): T.ExchangeStatus {
  return { exchangeActive: w.exchange_active, tradingActive: w.trading_active, estimatedResumeTime: nz(w.exchange_estimated_resume_time) };
}

const DAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;
export function toSchedule(w: z.infer<typeof W.ScheduleWire>): T.ExchangeSchedule {
  return {
    standardHours: (w.schedule.standard_hours ?? []).map((h) => {
      const days = {} as T.ExchangeSchedule['standardHours'][number]['days'];
      for (const d of DAYS) days[d] = (h[d] ?? []).map((s) => ({ openTime: s.open_time, closeTime: s.close_time }));
      return { startTime: nz(h.start_time), endTime: nz(h.end_time), days };
    }),
    maintenanceWindows: (w.schedule.maintenance_windows ?? []).map((m) => ({ start: m.start_datetime, end: m.end_datetime })),
  };
}

export function toBalance(w: z.infer<typeof W.BalanceWire>): T.KalshiBalance {
  return {
    balance: parseDollars(w.balance_dollars, 'balance_dollars'),
    portfolioValue: w.portfolio_value == null ? null : centsToMicros(w.portfolio_value, 'portfolio_value'),
    updatedTs: nz(w.updated_ts),
    breakdown: (w.balance_breakdown ?? []).map((b, i) => ({
      exchangeIndex: nz(b.exchange_index),
      balance: parseDollars(b.balance, `balance_breakdown[${i}].balance`),
    })),
  };
}

export function toPosition(w: W.MarketPositionWire): T.KalshiPosition {
  const position = parseCount(w.position_fp, 'position_fp');
  return {
    ticker: w.ticker,
    position,
    side: position > 0 ? 'yes' : position < 0 ? 'no' : null,
    totalTraded: optDollars(w.total_traded_dollars, 'total_traded_dollars'),
    marketExposure: optDollars(w.market_exposure_dollars, 'market_exposure_dollars'),
    realizedPnl: optDollars(w.realized_pnl_dollars, 'realized_pnl_dollars'),
    feesPaid: optDollars(w.fees_paid_dollars, 'fees_paid_dollars'),
    lastUpdatedTs: nz(w.last_updated_ts),
  };
}

export function toEventPosition(w: z.infer<typeof W.EventPositionWire>): T.KalshiEventPosition {
  return {
    eventTicker: w.event_ticker,
    totalCost: optDollars(w.total_cost_dollars, 'total_cost_dollars'),
    totalCostShares: optCount(w.total_cost_shares_fp, 'total_cost_shares_fp'),
    eventExposure: optDollars(w.event_exposure_dollars, 'event_exposure_dollars'),
    realizedPnl: optDollars(w.realized_pnl_dollars, 'realized_pnl_dollars'),
    feesPaid: optDollars(w.fees_paid_dollars, 'fees_paid_dollars'),
  };
}

/** bid = buys YES exposure (buy YES / sell NO); ask = buys NO exposure (buy NO / sell YES). */
const bookSideOf = (d: { side: 'yes' | 'no'; action: 'buy' | 'sell' }): 'bid' | 'ask' => ((d.side === 'yes') === (d.action === 'buy') ? 'bid' : 'ask');

const ORDER_STATUSES: readonly T.OrderStatus[] = ['resting', 'canceled', 'executed'];

export function toOrder(w: W.OrderWire): T.KalshiOrder {
  if (!(ORDER_STATUSES as readonly string[]).includes(w.status)) fail(`unknown order status ${JSON.stringify(w.status)}`);
  const yesPrice = price01(w.yes_price_dollars, 'yes_price_dollars');
  const dir = fromWireDirection({ bookSide: w.book_side, outcomeSide: w.outcome_side, legacySide: w.side, legacyAction: w.action, yesPrice });
  if (!dir) fail(`order direction unreadable (book_side=${w.book_side}, outcome_side=${w.outcome_side}, side=${w.side}, action=${w.action})`);
  return {
    orderId: w.order_id,
    clientOrderId: w.client_order_id ? w.client_order_id : null,
    ticker: w.ticker,
    side: dir.side,
    action: dir.action,
    price: dir.price,
    yesPrice,
    bookSide: bookSideOf(dir),
    status: w.status as T.OrderStatus,
    fillCount: uCount(w.fill_count_fp, 'fill_count_fp'),
    remainingCount: uCount(w.remaining_count_fp, 'remaining_count_fp'),
    initialCount: optUCount(w.initial_count_fp, 'initial_count_fp'),
    takerFillCost: optDollars(w.taker_fill_cost_dollars, 'taker_fill_cost_dollars') ?? 0,
    makerFillCost: optDollars(w.maker_fill_cost_dollars, 'maker_fill_cost_dollars') ?? 0,
    takerFees: optDollars(w.taker_fees_dollars, 'taker_fees_dollars') ?? 0,
    makerFees: optDollars(w.maker_fees_dollars, 'maker_fees_dollars') ?? 0,
    expirationTime: nz(w.expiration_time),
    createdTime: nz(w.created_time),
    lastUpdateTime: nz(w.last_update_time),
    selfTradePreventionType: nz(w.self_trade_prevention_type),
    orderGroupId: w.order_group_id ? w.order_group_id : null,
    subaccount: w.subaccount_number ?? null,
  };
}

export function toFill(w: W.FillWire): T.KalshiFill {
  const ticker = w.ticker || w.market_ticker;
  if (!ticker) fail('fill has neither ticker nor market_ticker');
  const yesPrice = price01(w.yes_price_dollars, 'yes_price_dollars');
  const dir = fromWireDirection({ bookSide: w.book_side, outcomeSide: w.outcome_side, legacySide: w.side, legacyAction: w.action, yesPrice });
  if (!dir) fail(`fill direction unreadable (book_side=${w.book_side}, outcome_side=${w.outcome_side})`);
  return {
    fillId: w.fill_id,
    tradeId: nz(w.trade_id),
    orderId: w.order_id,
    ticker,
    side: dir.side,
    action: dir.action,
    price: dir.price,
    yesPrice,
    bookSide: bookSideOf(dir),
    count: uCount(w.count_fp, 'count_fp'),
    fee: parseDollars(w.fee_cost, 'fee_cost'),
    isTaker: w.is_taker,
    createdTime: nz(w.created_time),
    ts: nz(w.ts),
  };
}

export function toSettlement(w: W.SettlementWire): T.KalshiSettlement {
  return {
    ticker: w.ticker,
    eventTicker: nz(w.event_ticker),
    marketResult: w.market_result,
    yesCount: uCount(w.yes_count_fp, 'yes_count_fp'),
    noCount: uCount(w.no_count_fp, 'no_count_fp'),
    yesTotalCost: optDollars(w.yes_total_cost_dollars, 'yes_total_cost_dollars'),
    noTotalCost: optDollars(w.no_total_cost_dollars, 'no_total_cost_dollars'),
    revenue: centsToMicros(w.revenue, 'revenue'),
    value: w.value == null ? null : centsToMicros(w.value, 'value'),
    feeCost: optDollars(w.fee_cost, 'fee_cost'),
    settledTime: nz(w.settled_time),
  };
}

export function toCreateAck(w: z.infer<typeof W.CreateOrderAckWire>): T.CreateOrderAck {
  return {
    orderId: w.order_id,
    clientOrderId: w.client_order_id ? w.client_order_id : null,
    fillCount: uCount(w.fill_count, 'fill_count'),
    remainingCount: uCount(w.remaining_count, 'remaining_count'),
    averageFillPrice: optPrice01(w.average_fill_price, 'average_fill_price'),
    averageFeePaid: optDollars(w.average_fee_paid, 'average_fee_paid'),
    tsMs: nz(w.ts_ms),
  };
}

export function toCancelAck(w: z.infer<typeof W.CancelAckWire>): T.CancelAck {
  return { orderId: w.order_id, clientOrderId: w.client_order_id ? w.client_order_id : null, reducedBy: uCount(w.reduced_by, 'reduced_by'), tsMs: nz(w.ts_ms) };
}

export function toAmendAck(w: z.infer<typeof W.AmendAckWire>): T.AmendAck {
  return {
    orderId: w.order_id,
    clientOrderId: w.client_order_id ? w.client_order_id : null,
    fillCount: optUCount(w.fill_count, 'fill_count'),
    remainingCount: optUCount(w.remaining_count, 'remaining_count'),
    averageFillPrice: optPrice01(w.average_fill_price, 'average_fill_price'),
    averageFeePaid: optDollars(w.average_fee_paid, 'average_fee_paid'),
    tsMs: nz(w.ts_ms),
  };
}

export function toDecreaseAck(w: z.infer<typeof W.DecreaseAckWire>): T.DecreaseAck {
  return { orderId: w.order_id, clientOrderId: w.client_order_id ? w.client_order_id : null, remainingCount: uCount(w.remaining_count, 'remaining_count'), tsMs: nz(w.ts_ms) };
}

export function toOrderGroup(w: z.infer<typeof W.OrderGroupWire>): T.OrderGroup {
  return { id: w.id, isAutoCancelEnabled: w.is_auto_cancel_enabled, contractsLimit: optUCount(w.contracts_limit_fp, 'contracts_limit_fp') };
}

export function toOrderGroupDetail(w: z.infer<typeof W.OrderGroupDetailWire>): T.OrderGroupDetail {
  return { isAutoCancelEnabled: w.is_auto_cancel_enabled, orderIds: w.orders ?? [], contractsLimit: optUCount(w.contracts_limit_fp, 'contracts_limit_fp') };
}

export function describeIssue(err: unknown): string {
  if (err instanceof FixedPointError || err instanceof KalshiParseError) return err.message;
  if (err && typeof err === 'object' && 'issues' in err) {
    const issues = (err as z.ZodError).issues;
    return issues.slice(0, 3).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
  }
  return err instanceof Error ? err.message : String(err);
}

/** Validate + convert one object; throws KalshiParseError naming the problem. */
export function parseOne<S extends z.ZodTypeAny, R>(raw: unknown, schema: S, convert: (w: z.infer<S>) => R, kind: string): R {
  const r = schema.safeParse(raw);
  if (!r.success) throw new KalshiParseError(`${kind}: ${describeIssue(r.error)}`);
  try {
    return convert(r.data);
  } catch (e) {
    throw new KalshiParseError(`${kind}${tickerOf(raw) ? ` ${tickerOf(raw)}` : ''}: ${describeIssue(e)}`);
  }
}

function tickerOf(raw: unknown): string | null {
  if (!raw || typeof raw !== 'object') return null;
  const o = raw as Record<string, unknown>;
  for (const k of ['ticker', 'market_ticker', 'event_ticker', 'order_id', 'fill_id', 'trade_id', 'id']) {
    if (typeof o[k] === 'string' && o[k] !== '') return o[k] as string;
  }
  return null;
}

export interface ItemsMode {
  /** The list key must be present (a `null` array is still empty): a response without it is not an empty list. */
  required?: boolean;
  /** A malformed element fails the whole list instead of being dropped (portfolio lists: a dropped position or order
   * would read as "none" — origin bugs B3/B4). */
  strict?: boolean;
}

/**
 * Validate + convert each element; by default a bad element is dropped with a warn log (with its ticker when known),
 * never failing the whole list (market scans). A null array is an empty list; a missing one too unless `required`.
 */
export function parseItems<S extends z.ZodTypeAny, R>(
  raw: unknown, schema: S, convert: (w: z.infer<S>) => R, logger: Logger, kind: string, mode: ItemsMode = {},
): R[] {
  if (raw === undefined && mode.required) throw new KalshiParseError(`${kind} list missing from the response; refusing to read it as empty`);
  if (raw === null || raw === undefined) return [];
  if (!Array.isArray(raw)) throw new KalshiParseError(`${kind} list is not an array`);
  const out: R[] = [];
  raw.forEach((item, index) => {
    try {
      out.push(parseOne(item, schema, convert, kind));
    } catch (e) {
      if (mode.strict) throw new KalshiParseError(`${kind} [${index}] unreadable; refusing a partial list: ${describeIssue(e)}`);
      logger.warn({ kind, ticker: tickerOf(item), index, reason: describeIssue(e) }, `dropped malformed Kalshi ${kind}`);
    }
  });
  return out;
}
