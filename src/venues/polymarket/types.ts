/**
 * Polymarket market data in the project's units: prices are integer micro-dollars (a share pays $1), sizes are
 * integer micro-shares (1 share = 1_000_000; Polymarket sizes have up to 6 decimals), times are ms. Book levels are
 * BEST-FIRST here (the wire sends them best-last; parse.ts sorts). A missing optional wire field is `null`.
 */
import type { Micros } from '../../domain/fixed';

/** Integer micro-shares (1e-6 share). */
export type MicroShares = number;
export const MICRO_SHARES_PER_SHARE = 1_000_000;

export interface PolymarketOutcome {
  /** As Gamma names it, e.g. `Yes`, `No`, `Trump`. */
  name: string;
  /** The CLOB token id of this outcome (a decimal uint256 string); null when Gamma sends no `clobTokenIds`. */
  tokenId: string | null;
  /** Gamma's `outcomePrices` entry; null when Gamma sends none. */
  price: Micros | null;
}

export interface PolymarketMarket {
  /** Gamma's internal id (a numeric string). */
  id: string;
  question: string;
  /** 0x + 64 hex, lower-cased. */
  conditionId: string;
  slug: string | null;
  /** In Gamma's order (`clobTokenIds` ordering matches `outcomes`). */
  outcomes: PolymarketOutcome[];
  active: boolean | null;
  closed: boolean | null;
  archived: boolean | null;
  acceptingOrders: boolean | null;
  enableOrderBook: boolean | null;
  /** The wire's `endDate` text, and its instant. */
  endDate: string | null;
  endDateMs: number | null;
  /** Display figures (USDC), truncated to whole micros. */
  volume: Micros | null;
  liquidity: Micros | null;
  bestBid: Micros | null;
  bestAsk: Micros | null;
  spread: Micros | null;
  lastTradePrice: Micros | null;
  negRisk: boolean | null;
  orderPriceMinTickSize: Micros | null;
  /** Shares. */
  orderMinSize: MicroShares | null;
}

export interface BookLevel {
  price: Micros;
  size: MicroShares;
}

export interface PolymarketBook {
  /** The condition id (`market`). */
  market: string;
  /** The token id (`asset_id`). */
  assetId: string;
  timestampMs: number;
  hash: string | null;
  /** Best (highest) first. */
  bids: BookLevel[];
  /** Best (lowest) first. */
  asks: BookLevel[];
  minOrderSize: MicroShares | null;
  tickSize: Micros | null;
  negRisk: boolean | null;
  lastTradePrice: Micros | null;
}

export type PriceSide = 'BUY' | 'SELL';

export interface PricePoint {
  /** Unix seconds, as on the wire. */
  t: number;
  p: Micros;
}

export interface GammaMarketFilters {
  limit?: number;
  offset?: number;
  active?: boolean;
  closed?: boolean;
  archived?: boolean;
  conditionIds?: readonly string[];
  clobTokenIds?: readonly string[];
  slug?: string;
  order?: string;
  ascending?: boolean;
}

export interface PricesHistoryQuery {
  /** The token id. */
  market: string;
  interval?: '1m' | '1h' | '6h' | '1d' | '1w' | 'max';
  startTs?: number;
  endTs?: number;
  /** Resolution in minutes. */
  fidelity?: number;
}
