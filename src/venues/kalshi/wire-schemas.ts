/**
 * zod shapes of the CURRENT wire objects (post-March-2026 fixed-point API; kalshi-api.md §3–§4).
 * Only fields we use are declared; unknown extra fields are stripped. Prices/counts stay strings here and are converted
 * to fixed point in parse.ts. Legacy integer-cent fields are deliberately absent: they are never read.
 */
import { z } from 'zod';

const str = z.string();
const optStr = z.string().nullish();
/** `*_dollars` / `*_fp` strings. */
const dec = z.string();
const optDec = z.string().nullish();
const optInt = z.number().int().safe().nullish();

export const MarketWire = z.object({
  ticker: str.min(1),
  event_ticker: str.min(1),
  market_type: optStr,
  title: optStr,
  subtitle: optStr,
  yes_sub_title: optStr,
  no_sub_title: optStr,
  status: str,
  open_time: optStr,
  close_time: optStr,
  expected_expiration_time: optStr,
  latest_expiration_time: optStr,
  settlement_ts: optStr,
  yes_bid_dollars: optDec,
  yes_ask_dollars: optDec,
  yes_bid_size_fp: optDec,
  yes_ask_size_fp: optDec,
  last_price_dollars: optDec,
  volume_fp: optDec,
  volume_24h_fp: optDec,
  open_interest_fp: optDec,
  notional_value_dollars: optDec,
  result: optStr,
  settlement_value_dollars: optDec,
  strike_type: optStr,
  floor_strike: z.number().nullish(),
  cap_strike: z.number().nullish(),
  rules_primary: optStr,
  rules_secondary: optStr,
  can_close_early: z.boolean().nullish(),
  price_level_structure: optStr,
  price_ranges: z.array(z.object({ start: dec, end: dec, step: dec })).nullish(),
  exchange_index: optInt,
});
export type MarketWire = z.infer<typeof MarketWire>;

export const EventWire = z.object({
  event_ticker: str.min(1),
  series_ticker: str.min(1),
  title: optStr,
  sub_title: optStr,
  category: optStr,
  mutually_exclusive: z.boolean().nullish(),
  strike_date: optStr,
  strike_period: optStr,
  fee_type_override: optStr,
  fee_multiplier_override: z.number().nullish(),
  exchange_index: optInt,
  markets: z.array(z.unknown()).nullish(),
});
export type EventWire = z.infer<typeof EventWire>;

export const SeriesWire = z.object({
  ticker: str.min(1),
  title: optStr,
  category: optStr,
  frequency: optStr,
  fee_type: str,
  fee_multiplier: z.number(),
  tags: z.array(z.string()).nullish(),
  /** `[{ name, url }]` on the current API; a plain string is accepted too. */
  settlement_sources: z.array(z.union([z.string(), z.object({ name: optStr, url: optStr }).passthrough()])).nullish(),
  volume_fp: optDec,
});
export type SeriesWire = z.infer<typeof SeriesWire>;

const Level = z.tuple([dec, dec]);
export const OrderbookWire = z.object({
  orderbook_fp: z.object({
    yes_dollars: z.array(Level).nullish(),
    no_dollars: z.array(Level).nullish(),
  }),
});
export type OrderbookWire = z.infer<typeof OrderbookWire>;

/** `GET /markets/orderbooks` (OpenAPI GetMarketOrderbooksResponse): one `{ticker, orderbook_fp}` per market found. */
export const OrderbooksWire = z.object({
  orderbooks: z.array(z.object({ ticker: str.min(1), orderbook_fp: OrderbookWire.shape.orderbook_fp })),
});
export type OrderbooksWire = z.infer<typeof OrderbooksWire>;

export const TradeWire = z.object({
  trade_id: str.min(1),
  ticker: str.min(1),
  count_fp: dec,
  yes_price_dollars: dec,
  no_price_dollars: optDec,
  taker_outcome_side: optStr,
  taker_book_side: optStr,
  taker_side: optStr,
  created_time: optStr,
  is_block_trade: z.boolean().nullish(),
});
export type TradeWire = z.infer<typeof TradeWire>;

export const ExchangeStatusWire = z.object({
  exchange_active: z.boolean(),
  trading_active: z.boolean(),
  exchange_estimated_resume_time: optStr,
});

const DailySession = z.object({ open_time: str, close_time: str });
export const ScheduleWire = z.object({
  schedule: z.object({
    standard_hours: z
      .array(
        z.object({
          start_time: optStr,
          end_time: optStr,
          monday: z.array(DailySession).nullish(),
          tuesday: z.array(DailySession).nullish(),
          wednesday: z.array(DailySession).nullish(),
          thursday: z.array(DailySession).nullish(),
          friday: z.array(DailySession).nullish(),
          saturday: z.array(DailySession).nullish(),
          sunday: z.array(DailySession).nullish(),
        }),
      )
      .nullish(),
    maintenance_windows: z.array(z.object({ start_datetime: str, end_datetime: str })).nullish(),
  }),
});

export const UserDataTimestampWire = z.object({ as_of_time: str });

/** GET /historical/cutoff: only the order cutoff is read (an ISO time; anything else is a parse error). */
export const HistoricalCutoffWire = z.object({
  orders_updated_ts: str.refine((s) => Number.isFinite(Date.parse(s)), { message: 'orders_updated_ts must be an ISO date-time' }),
});

export const BalanceWire = z.object({
  balance_dollars: dec,
  portfolio_value: z.number().int().safe().nullish(),
  updated_ts: optInt,
  balance_breakdown: z.array(z.object({ balance: dec, exchange_index: optInt })).nullish(),
});

export const MarketPositionWire = z.object({
  ticker: str.min(1),
  position_fp: dec,
  total_traded_dollars: optDec,
  market_exposure_dollars: optDec,
  realized_pnl_dollars: optDec,
  fees_paid_dollars: optDec,
  last_updated_ts: optStr,
  exchange_index: optInt,
});
export type MarketPositionWire = z.infer<typeof MarketPositionWire>;

export const EventPositionWire = z.object({
  event_ticker: str.min(1),
  total_cost_dollars: optDec,
  total_cost_shares_fp: optDec,
  event_exposure_dollars: optDec,
  realized_pnl_dollars: optDec,
  fees_paid_dollars: optDec,
});

export const OrderWire = z.object({
  order_id: str.min(1),
  client_order_id: optStr,
  ticker: str.min(1),
  outcome_side: optStr,
  book_side: optStr,
  side: optStr,
  action: optStr,
  type: optStr,
  status: str,
  yes_price_dollars: dec,
  fill_count_fp: dec,
  remaining_count_fp: dec,
  initial_count_fp: optDec,
  taker_fill_cost_dollars: optDec,
  maker_fill_cost_dollars: optDec,
  taker_fees_dollars: optDec,
  maker_fees_dollars: optDec,
  expiration_time: optStr,
  created_time: optStr,
  last_update_time: optStr,
  self_trade_prevention_type: optStr,
  order_group_id: optStr,
  cancel_order_on_pause: z.boolean().nullish(),
  subaccount_number: optInt,
  exchange_index: optInt,
});
export type OrderWire = z.infer<typeof OrderWire>;

export const FillWire = z.object({
  fill_id: str.min(1),
  trade_id: optStr,
  order_id: str.min(1),
  ticker: optStr,
  market_ticker: optStr,
  outcome_side: optStr,
  book_side: optStr,
  side: optStr,
  action: optStr,
  count_fp: dec,
  yes_price_dollars: dec,
  is_taker: z.boolean(),
  fee_cost: dec,
  created_time: optStr,
  ts: optInt,
  subaccount_number: optInt,
  exchange_index: optInt,
});
export type FillWire = z.infer<typeof FillWire>;

export const SettlementWire = z.object({
  ticker: str.min(1),
  event_ticker: optStr,
  market_result: str,
  yes_count_fp: dec,
  no_count_fp: dec,
  yes_total_cost_dollars: optDec,
  no_total_cost_dollars: optDec,
  /** Integer cents (100 per winning contract). */
  revenue: z.number().int().safe(),
  /** Integer cents per YES contract; nullable. */
  value: z.number().int().safe().nullish(),
  fee_cost: optDec,
  settled_time: optStr,
  exchange_index: optInt,
});
export type SettlementWire = z.infer<typeof SettlementWire>;

export const CreateOrderAckWire = z.object({
  order_id: str.min(1),
  client_order_id: optStr,
  fill_count: dec,
  remaining_count: dec,
  average_fill_price: optDec,
  average_fee_paid: optDec,
  ts_ms: optInt,
});

export const CancelAckWire = z.object({
  order_id: str.min(1),
  client_order_id: optStr,
  reduced_by: dec,
  ts_ms: optInt,
});

export const AmendAckWire = z.object({
  order_id: str.min(1),
  client_order_id: optStr,
  fill_count: optDec,
  remaining_count: optDec,
  average_fill_price: optDec,
  average_fee_paid: optDec,
  ts_ms: optInt,
});

export const DecreaseAckWire = z.object({
  order_id: str.min(1),
  client_order_id: optStr,
  remaining_count: dec,
  ts_ms: optInt,
});

const ItemError = z
  .object({ code: optStr, message: optStr, details: z.unknown().optional() })
  .nullish();

export const BatchCreateAckWire = z.object({
  orders: z.array(
    z.object({
      order_id: optStr,
      client_order_id: optStr,
      fill_count: optDec,
      remaining_count: optDec,
      average_fill_price: optDec,
      average_fee_paid: optDec,
      ts_ms: optInt,
      error: ItemError,
    }),
  ),
});

export const BatchCancelAckWire = z.object({
  orders: z.array(
    z.object({
      order_id: str.min(1),
      client_order_id: optStr,
      reduced_by: optDec,
      ts_ms: optInt,
      error: ItemError,
    }),
  ),
});

export const OrderGroupWire = z.object({
  id: str.min(1),
  is_auto_cancel_enabled: z.boolean(),
  contracts_limit_fp: optDec,
  exchange_index: optInt,
});

export const OrderGroupDetailWire = z.object({
  is_auto_cancel_enabled: z.boolean(),
  orders: z.array(z.string()).nullish(),
  contracts_limit_fp: optDec,
  exchange_index: optInt,
});

export const CreateOrderGroupAckWire = z.object({
  order_group_id: str.min(1),
  subaccount: optInt,
  exchange_index: optInt,
});

/** A page envelope: `cursor` may be absent, null or "" on the last page; the item array may be null. */
export const PageWire = z.object({ cursor: z.string().nullish() }).passthrough();

export const MarketWireEnvelope = z.object({ market: MarketWire });
export const EventWireEnvelope = z.object({ event: EventWire, markets: z.array(z.unknown()).nullish() });
export const SeriesWireEnvelope = z.object({ series: SeriesWire });
export const OrderWireEnvelope = z.object({ order: OrderWire });
/** `{}` or an empty body (order-group deletes/resets). */
export const EmptyWire = z.union([z.object({}).passthrough(), z.undefined()]);

const BucketWire = z.object({ refill_rate: z.number().positive(), bucket_capacity: z.number().positive() });
export const AccountLimitsWire = z.object({ usage_tier: str, read: BucketWire, write: BucketWire });
export const EndpointCostsWire = z.object({
  default_cost: z.number().int().safe().positive(),
  endpoint_costs: z.array(z.object({ method: str, path: str, cost: z.number().int().safe().nonnegative() })).nullish(),
});
export const SeriesFeeChangeWire = z.object({
  series_ticker: str.min(1),
  fee_type: str,
  fee_multiplier: z.number(),
  scheduled_ts: optStr,
});
