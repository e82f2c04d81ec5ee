/** Query filters of the Kalshi client's list reads (kalshi-api.md §3-§4). */
import type * as T from './types';

export interface MarketFilters {
  status?: T.MarketStatusFilter;
  seriesTicker?: string;
  eventTicker?: string;
  tickers?: readonly string[];
  /** Page size (1–1000). */
  limit?: number;
  minCloseTs?: number;
  maxCloseTs?: number;
  minCreatedTs?: number;
  maxCreatedTs?: number;
  minSettledTs?: number;
  maxSettledTs?: number;
  minUpdatedTs?: number;
  mveFilter?: 'only' | 'exclude';
}

export interface EventFilters {
  status?: Exclude<T.MarketStatusFilter, 'paused'>;
  seriesTicker?: string;
  withNestedMarkets?: boolean;
  limit?: number;
  minCloseTs?: number;
}

export interface TradeFilters { ticker?: string; minTs?: number; maxTs?: number; limit?: number }
export interface OrderFilters { ticker?: string; eventTicker?: string; minTs?: number; maxTs?: number; status?: T.OrderStatus; limit?: number; subaccount?: number }
export interface FillFilters { ticker?: string; orderId?: string; minTs?: number; maxTs?: number; limit?: number; subaccount?: number }
export interface SettlementFilters { ticker?: string; eventTicker?: string; minTs?: number; maxTs?: number; limit?: number; subaccount?: number }
export interface PositionFilters { ticker?: string; eventTicker?: string; countFilter?: readonly ('position' | 'total_traded')[]; limit?: number; subaccount?: number }
