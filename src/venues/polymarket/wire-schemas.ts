/**
 * zod shapes of Polymarket's public wire objects (kalshi-api.md §11). Only the fields we read are declared; extra
 * fields pass. Values stay as they arrive (strings, or JSON numbers where Gamma sends numbers); parse.ts converts them
 * to fixed point and decodes the JSON-encoded string arrays (`outcomes`, `outcomePrices`, `clobTokenIds`).
 */
import { z } from 'zod';

const str = z.string({ invalid_type_error: 'must be a string', required_error: 'is required' });
const optStr = z.string({ invalid_type_error: 'must be a string' }).nullish();
/** A decimal that Gamma sends as a JSON number or as a string. */
const numOrStr = z.union([z.number(), z.string()], { errorMap: () => ({ message: 'must be a number or a decimal string' }) });
const optNumOrStr = numOrStr.nullish();
const optBool = z.boolean({ invalid_type_error: 'must be true or false' }).nullish();

/** Gamma `GET /markets` element (camelCase). */
export const GammaMarketWire = z.object({
  id: z.union([str, z.number().int()]),
  question: str,
  conditionId: str,
  slug: optStr,
  outcomes: optStr,
  outcomePrices: optStr,
  clobTokenIds: optStr,
  active: optBool,
  closed: optBool,
  archived: optBool,
  acceptingOrders: optBool,
  enableOrderBook: optBool,
  endDate: optStr,
  volume: optNumOrStr,
  liquidity: optNumOrStr,
  bestBid: optNumOrStr,
  bestAsk: optNumOrStr,
  spread: optNumOrStr,
  lastTradePrice: optNumOrStr,
  negRisk: optBool,
  orderPriceMinTickSize: optNumOrStr,
  orderMinSize: optNumOrStr,
}).passthrough();
export type GammaMarketWire = z.infer<typeof GammaMarketWire>;

const levelWire = z.object({ price: numOrStr, size: numOrStr }).passthrough();

/** CLOB `GET /book` (and each element of `POST /books`). Levels arrive best-LAST. */
export const BookWire = z.object({
  market: str,
  asset_id: str,
  timestamp: z.union([str, z.number().int()], { errorMap: () => ({ message: 'must be a millisecond timestamp' }) }),
  hash: optStr,
  bids: z.array(levelWire, { invalid_type_error: 'must be an array of {price,size}', required_error: 'is required' }),
  asks: z.array(levelWire, { invalid_type_error: 'must be an array of {price,size}', required_error: 'is required' }),
  min_order_size: optNumOrStr,
  tick_size: optNumOrStr,
  neg_risk: optBool,
  last_trade_price: optNumOrStr,
}).passthrough();
export type BookWire = z.infer<typeof BookWire>;

export const PriceWire = z.object({ price: numOrStr }).passthrough();
/** `mid` in older docs/SDKs, `mid_price` in newer docs: either is accepted (both: they must agree). */
export const MidpointWire = z.object({ mid: optNumOrStr, mid_price: optNumOrStr }).passthrough();
export const PricesHistoryWire = z.object({
  history: z.array(z.object({ t: z.number().int(), p: numOrStr }).passthrough(), { required_error: 'is required' }),
}).passthrough();
