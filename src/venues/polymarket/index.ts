/**
 * Polymarket venue — read-only market data (import from 'src/venues/polymarket' only). Polymarket never trades here:
 * live lanes refuse `venues.polymarket`; its prices feed the cross-venue fair-value model (src/models/cross-venue.ts).
 *
 *   new PolymarketClient({ gammaBaseUrl?, clobBaseUrl?, fetchImpl?, timeoutMs?, maxReadAttempts? })   see client.ts
 *   parseGammaMarkets / parseBook / parseBooks / parsePrice / parseMidpoint / parsePricesHistory     see parse.ts
 *
 * Units: prices Micros, sizes MicroShares (1e-6 share); book levels best-first (the wire's are best-last).
 */
export { PolymarketClient, DEFAULT_GAMMA_BASE_URL, DEFAULT_CLOB_BASE_URL, MAX_BOOKS_PER_REQUEST } from './client';
export type { PolymarketClientOptions } from './client';
export { PolymarketApiError, PolymarketTransportError, PolymarketParseError, isRetryable } from './errors';
export { parseGammaMarkets, parseBook, parseBooks, parsePrice, parseMidpoint, parsePricesHistory, decodeStringArray, CONDITION_ID, TOKEN_ID } from './parse';
export { MICRO_SHARES_PER_SHARE } from './types';
export type * from './types';
