/** Internal simulator state types. Money is Micros (1e-6 $), counts are Centis (1e-2 contract); never floats. */
import type { Centis, Micros } from '../domain/fixed';
import type { FeeType } from '../domain/fees';

export type BookSide = 'bid' | 'ask';
export type TimeInForce = 'good_till_canceled' | 'immediate_or_cancel' | 'fill_or_kill';
export type StpType = 'taker_at_cross' | 'maker';
export type OrderStatus = 'resting' | 'canceled' | 'executed';
export type MarketStatus = 'initialized' | 'active' | 'inactive' | 'closed' | 'determined' | 'finalized';
export type MarketResult = 'yes' | 'no';

export interface PriceRange { start: Micros; end: Micros; step: Micros }

export interface SimSeries {
  ticker: string;
  title: string;
  category: string;
  frequency: string;
  feeType: FeeType;
  /** The wire number, kept as given (it is a JSON number on the wire); arithmetic uses feeMultiplierPpm. */
  feeMultiplier: number;
  feeMultiplierPpm: number;
  tags: string[];
}

export interface SimEvent {
  eventTicker: string;
  seriesTicker: string;
  title: string;
  subTitle: string;
  mutuallyExclusive: boolean;
  category: string;
}

export interface SimMarket {
  ticker: string;
  eventTicker: string;
  title: string;
  yesSubTitle: string;
  noSubTitle: string;
  createdMs: number;
  openMs: number;
  closeMs: number;
  /** Market time when the result is determined (close + determination delay). */
  determineMs: number;
  settlementTimerSeconds: number;
  priceLevelStructure: string;
  priceRanges: PriceRange[];
  fractional: boolean;
  /** Hidden true probability of YES, in micros (0..1e6): what the market settles to (seeded draw). */
  trueProbability: Micros;
  /** Where the house maker centres its quotes at the simulator's start; the seeded walk (market-drift.ts) moves it. */
  marketProbability: Micros;
  /** Largest step of the walk per drift bucket, and the bound of its offset (micros; 0 = no drift). */
  driftStep: Micros;
  driftMax: Micros;
  /** Walk state: the last drift bucket computed and the offset there (only ever moves forward). */
  driftBucket: number;
  driftOffset: Micros;
  /** Signed shift of the sim-oracle's view of the true probability (micros). */
  oracleBias: Micros;
  status: MarketStatus;
  result: MarketResult | '';
  forcedResult?: MarketResult;
  determinedMs?: number;
  settledMs?: number;
  updatedMs: number;
  lastPrice: Micros;
  previousPrice: Micros;
  volume: Centis;
  openInterest: Centis;
  strikeType: string;
  rulesPrimary: string;
}

export interface SimOrder {
  orderId: string;
  accountId: string;
  /** House (liquidity) orders carry no account bookkeeping and are not listed. */
  house: boolean;
  clientOrderId?: string;
  /** The subaccount the order was created in (0 = primary; the body's `subaccount`). Lists and cancels honour it. */
  subaccount: number;
  ticker: string;
  side: BookSide;
  /** Limit price in YES terms. */
  priceYes: Micros;
  initialCount: Centis;
  remaining: Centis;
  filled: Centis;
  status: OrderStatus;
  tif: TimeInForce;
  postOnly: boolean;
  stp: StpType;
  expirationSec?: number;
  orderGroupId?: string;
  cancelOnPause: boolean;
  createdMs: number;
  lastUpdateMs: number;
  /** Time priority: lower is earlier. */
  seq: number;
  takerFillCost: Micros;
  makerFillCost: Micros;
  takerFees: Micros;
  makerFees: Micros;
  /** Per-order fee-rounding accumulator (kalshi-api.md §8 step 3), micros in [0, $0.01]. */
  roundingAccumulator: Micros;
}

export interface SimFill {
  fillId: string;
  orderId: string;
  accountId: string;
  /** Its order's subaccount. */
  subaccount: number;
  ticker: string;
  side: BookSide;
  count: Centis;
  priceYes: Micros;
  isTaker: boolean;
  fee: Micros;
  createdMs: number;
}

export interface SimTrade {
  /** Exchange-wide sequence number: orders the public trades feed and anchors its cursor. */
  seq: number;
  tradeId: string;
  ticker: string;
  count: Centis;
  priceYes: Micros;
  takerSide: BookSide;
  createdMs: number;
}

export interface SimSettlement {
  ticker: string;
  eventTicker: string;
  result: MarketResult;
  yesCount: Centis;
  noCount: Centis;
  yesTotalCost: Micros;
  noTotalCost: Micros;
  /** Payout in micros (whole dollars per winning contract). */
  revenue: Micros;
  feeCost: Micros;
  settledMs: number;
}
