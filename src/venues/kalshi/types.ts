/**
 * Domain-vocabulary results of the Kalshi client. Money/prices are Micros, counts are Centis (src/domain/fixed.ts);
 * sides are yes|no and actions buy|sell. Times are the exchange's ISO-8601 strings unless named *Ms / *Ts.
 */
import type { Centis, Micros } from '../../domain/fixed';
import type { Action, Side } from './direction';
import type { FeeType } from '../../domain/fees';

/** Response vocabulary of Market.status. */
export type MarketStatus =
  | 'initialized' | 'inactive' | 'active' | 'closed' | 'determined' | 'disputed' | 'amended' | 'finalized';
/** Query vocabulary of GET /markets?status=. */
export type MarketStatusFilter = 'unopened' | 'open' | 'paused' | 'closed' | 'settled';

export interface Quote {
  price: Micros;
  size: Centis;
}

export interface PriceRange {
  start: Micros;
  end: Micros;
  step: Micros;
}

export interface KalshiMarket {
  ticker: string;
  eventTicker: string;
  marketType: string | null;
  title: string | null;
  yesSubTitle: string | null;
  noSubTitle: string | null;
  status: MarketStatus;
  openTime: string | null;
  closeTime: string | null;
  expectedExpirationTime: string | null;
  latestExpirationTime: string | null;
  settlementTs: string | null;
  /** null = no quote on that side (size 0 / missing), never a 0 or 1 sentinel price. */
  yesBid: Quote | null;
  yesAsk: Quote | null;
  /** Derived: NO bid = 1 − YES ask (same size); NO ask = 1 − YES bid. */
  noBid: Quote | null;
  noAsk: Quote | null;
  /** null when the market never traded (wire "0.0000"). */
  lastPrice: Micros | null;
  volume: Centis;
  volume24h: Centis;
  openInterest: Centis;
  notionalValue: Micros;
  result: 'yes' | 'no' | 'scalar' | null;
  settlementValue: Micros | null;
  strikeType: string | null;
  /** `floor_strike` / `cap_strike` as the exchange wrote them (text: a strike is not money). */
  floorStrike: string | null;
  capStrike: string | null;
  /** What the market settles on, verbatim. */
  rulesPrimary: string | null;
  rulesSecondary: string | null;
  priceLevelStructure: string | null;
  priceRanges: PriceRange[];
  canCloseEarly: boolean | null;
  exchangeIndex: number | null;
}

export interface KalshiEvent {
  eventTicker: string;
  seriesTicker: string;
  title: string | null;
  subTitle: string | null;
  category: string | null;
  mutuallyExclusive: boolean | null;
  strikeDate: string | null;
  feeTypeOverride: string | null;
  /** Integer parts-per-million (1.0 → 1_000_000); null when no override. */
  feeMultiplierOverridePpm: number | null;
  /** Present when requested with nested markets (or from GET /events/{ticker}). */
  markets: KalshiMarket[];
}

export interface KalshiSeries {
  ticker: string;
  title: string | null;
  category: string | null;
  frequency: string | null;
  feeType: FeeType;
  /** fee_multiplier as integer ppm (no floats leave the parser). */
  feeMultiplierPpm: number;
  tags: string[];
  /** `settlement_sources` as `name (url)` lines. */
  settlementSources: string[];
}

export interface OrderbookLevel {
  /** In that side's own terms (NO levels are NO prices). */
  price: Micros;
  size: Centis;
}

export interface KalshiOrderbook {
  ticker: string;
  /** Bids to buy YES, best (highest) first. */
  yesBids: OrderbookLevel[];
  /** Bids to buy NO in NO terms, best (highest) first. */
  noBids: OrderbookLevel[];
  bestYesBid: Quote | null;
  /** 1 − best NO bid, size of that NO bid. */
  bestYesAsk: Quote | null;
  bestNoBid: Quote | null;
  /** 1 − best YES bid. */
  bestNoAsk: Quote | null;
}

export interface KalshiTrade {
  tradeId: string;
  ticker: string;
  count: Centis;
  yesPrice: Micros;
  noPrice: Micros;
  /** The outcome the taker bought (taker_outcome_side; legacy taker_side as fallback). */
  takerSide: Side | null;
  createdTime: string | null;
  isBlockTrade: boolean;
}

export interface ExchangeStatus {
  exchangeActive: boolean;
  tradingActive: boolean;
  estimatedResumeTime: string | null;
}

export interface TradingSession {
  openTime: string;
  closeTime: string;
}
export interface ExchangeSchedule {
  standardHours: {
    startTime: string | null;
    endTime: string | null;
    days: Record<'monday' | 'tuesday' | 'wednesday' | 'thursday' | 'friday' | 'saturday' | 'sunday', TradingSession[]>;
  }[];
  maintenanceWindows: { start: string; end: string }[];
}

export interface KalshiBalance {
  /** Available balance, exact (from balance_dollars; the integer `balance` field is cents and is not used). */
  balance: Micros;
  /** portfolio_value is integer cents on the wire; converted to Micros. null if absent. */
  portfolioValue: Micros | null;
  updatedTs: number | null;
  breakdown: { exchangeIndex: number | null; balance: Micros }[];
}

export interface KalshiPosition {
  ticker: string;
  /** Signed: + YES contracts, − NO contracts. */
  position: Centis;
  side: Side | null;
  totalTraded: Micros | null;
  marketExposure: Micros | null;
  realizedPnl: Micros | null;
  feesPaid: Micros | null;
  lastUpdatedTs: string | null;
}

export interface KalshiEventPosition {
  eventTicker: string;
  totalCost: Micros | null;
  totalCostShares: Centis | null;
  eventExposure: Micros | null;
  realizedPnl: Micros | null;
  feesPaid: Micros | null;
}

export interface KalshiPositions {
  marketPositions: KalshiPosition[];
  eventPositions: KalshiEventPosition[];
}

export type OrderStatus = 'resting' | 'canceled' | 'executed';
export type TimeInForce = 'good_till_canceled' | 'immediate_or_cancel' | 'fill_or_kill';
export type SelfTradePrevention = 'taker_at_cross' | 'maker';

export interface KalshiOrder {
  orderId: string;
  clientOrderId: string | null;
  ticker: string;
  side: Side;
  action: Action;
  /** Limit price in the side's own terms. */
  price: Micros;
  yesPrice: Micros;
  /** The book side (bid = YES exposure). The only direction V2 keeps: an `ask` sent as buy NO reads back as sell YES. */
  bookSide: 'bid' | 'ask';
  status: OrderStatus;
  fillCount: Centis;
  remainingCount: Centis;
  initialCount: Centis | null;
  takerFillCost: Micros;
  makerFillCost: Micros;
  takerFees: Micros;
  makerFees: Micros;
  expirationTime: string | null;
  createdTime: string | null;
  lastUpdateTime: string | null;
  selfTradePreventionType: string | null;
  orderGroupId: string | null;
  /** `subaccount_number` (0 = primary); null/absent when the wire omits it. A cancel names it (live-cancel.ts). */
  subaccount?: number | null;
}

export interface KalshiFill {
  fillId: string;
  tradeId: string | null;
  orderId: string;
  ticker: string;
  side: Side;
  action: Action;
  /** Execution price in the side's own terms. */
  price: Micros;
  yesPrice: Micros;
  /** The book side (bid = YES exposure); see KalshiOrder.bookSide. */
  bookSide: 'bid' | 'ask';
  count: Centis;
  fee: Micros;
  isTaker: boolean;
  createdTime: string | null;
  ts: number | null;
}

export interface KalshiSettlement {
  ticker: string;
  eventTicker: string | null;
  marketResult: string;
  yesCount: Centis;
  noCount: Centis;
  yesTotalCost: Micros | null;
  noTotalCost: Micros | null;
  /** revenue is integer cents on the wire; converted to Micros. */
  revenue: Micros;
  /** value (cents per YES contract) converted to Micros; null if absent. */
  value: Micros | null;
  feeCost: Micros | null;
  settledTime: string | null;
}

export interface CreateOrderAck {
  orderId: string;
  clientOrderId: string | null;
  fillCount: Centis;
  remainingCount: Centis;
  /** As sent by the exchange (YES terms per the V2 shape); null when nothing filled. */
  averageFillPrice: Micros | null;
  averageFeePaid: Micros | null;
  tsMs: number | null;
}

export interface CancelAck {
  orderId: string;
  clientOrderId: string | null;
  reducedBy: Centis;
  tsMs: number | null;
}

export interface AmendAck {
  orderId: string;
  clientOrderId: string | null;
  fillCount: Centis | null;
  remainingCount: Centis | null;
  averageFillPrice: Micros | null;
  averageFeePaid: Micros | null;
  tsMs: number | null;
}

export interface DecreaseAck {
  orderId: string;
  clientOrderId: string | null;
  remainingCount: Centis;
  tsMs: number | null;
}

export interface BatchItemError {
  code: string;
  message: string;
  details: string | null;
}

export interface BatchCreateItem {
  clientOrderId: string | null;
  ack: CreateOrderAck | null;
  /** Per-item error; `already_exists` when its code is order_already_exists. */
  error: BatchItemError | null;
  /** rejected only for a known refusal code; a missing/internal/unfamiliar code is unknown (the order may exist). */
  outcome: 'ok' | 'rejected' | 'already_exists' | 'unknown';
}

export interface BatchCancelItem {
  orderId: string;
  clientOrderId: string | null;
  reducedBy: Centis;
  tsMs: number | null;
  error: BatchItemError | null;
}

export interface OrderGroup {
  id: string;
  isAutoCancelEnabled: boolean;
  contractsLimit: Centis | null;
}

export interface OrderGroupDetail {
  isAutoCancelEnabled: boolean;
  orderIds: string[];
  contractsLimit: Centis | null;
}

export interface Page<T> {
  items: T[];
  /** null when this was the last page. */
  cursor: string | null;
}
