/**
 * Kalshi venue client — public API (import from 'src/venues/kalshi' only).
 *
 * Construction
 *   new KalshiClient({ env: 'prod'|'demo'|'sim', baseUrl?, credentials?: { keyId, privateKeyPem | privateKeyFile },
 *                      logger?, rateLimiter?, fetchImpl?, timeoutMs? = 10_000, maxReadAttempts? = 3, now?, sleep?, random? })
 *   new RateLimiter({ tier?: 'basic'|…, buckets?, endpointCosts?, utilization? = 0.9, now?, sleep? })  — one per process
 *   resolveBaseUrl(env, baseUrl?) / assertEnvMatchesHost(env, baseUrl)  — demo never reaches prod, sim only loopback
 *
 * Reads (throw KalshiApiError | KalshiTransportError | KalshiParseError | KalshiCredentialsRequiredError)
 *   public:   listMarkets(filters, {maxPages?, maxItems?}) · getMarketsPage(filters, cursor) · getMarket(ticker)
 *             listEvents(filters) · getEvent(eventTicker) · getSeries(ticker) · listSeries() · getOrderbook(ticker, depth?)
 *             getOrderbooks(tickers) (batch, ≤ 100 a request, Map by ticker; a ticker not answered is absent)
 *             listTrades(filters) · getExchangeStatus() · getExchangeSchedule()
 *   portfolio: getUserDataTimestamp() · getBalance() · getPositions() (all pages) · listOrders(filters) · getOrder(id)
 *             listFills(filters) · listSettlements(filters) · listOrderGroups() · getOrderGroup(id)
 *             findOrderByClientOrderId({ticker, clientOrderId, minTs, sentAtMs}) → found | absent (as of
 *               user_data_timestamp) | cannot_tell
 * Writes (return WriteResult<T> = ok | rejected | already_exists | unknown; never retried, never throw for those)
 *   createOrder(CreateOrderInput) · cancelOrder(orderId) · amendOrder(AmendOrderInput) · decreaseOrder(DecreaseOrderInput)
 *   batchCreateOrders(inputs) · batchCancelOrders([{orderId}]) · createOrderGroup({contractsLimit}) · deleteOrderGroup(id)
 *   resetOrderGroup(id)
 * Other
 *   clockSkewMs() · toWireDirection / fromWireDirection (the only yes|no,buy|sell ↔ bid|ask mapping)
 *   classifyOutcome(status+code | transport error) · parseErrorBody(status, text) · codeMatches(code, prefix)
 *   marketMatchesStatusFilter(filter, status) · MARKET_STATUS_FILTER_MATCHES
 *
 * Units: prices/money are Micros, counts Centis (src/domain/fixed.ts). A missing quote is `null`, never 0 or 1.
 */
export { KalshiClient } from './client';
export type {
  KalshiClientOptions, WriteResult, MarketFilters, EventFilters, TradeFilters, OrderFilters, FillFilters, SettlementFilters,
  PositionFilters,
} from './client';
export { KalshiSigner, KalshiAuthConfigError, loadPrivateKey, normalizePem, signingMessage } from './auth';
export type { KalshiCredentials } from './auth';
export { resolveBaseUrl, assertEnvMatchesHost, isKalshiEnv, KalshiEnvError, DEFAULT_BASE_URLS, ALLOWED_HOSTS, KALSHI_ENVS } from './env';
export type { KalshiEnv } from './env';
export {
  KalshiApiError, KalshiTransportError, KalshiParseError, KalshiCredentialsRequiredError, KalshiUnknownKeyError, classifyOutcome,
  parseErrorBody, codeMatches, isUnknownKeyError, isRetryableRead, RATE_LIMITED_CODE, classifyItemError, KNOWN_REFUSAL_CODES,
  isFallbackCode,
} from './errors';
export type { CallOutcome } from './errors';
export { toWireDirection, fromWireDirection, DirectionError } from './direction';
export type { Side, Action, DomainDirection } from './direction';
export { RateLimiter, TokenBucket, TIER_BUDGETS, DEFAULT_ENDPOINT_COSTS, DEFAULT_COST, RateLimitConfigError } from './rate-limiter';
export type { RateLimiterOptions, UsageTier, BucketConfig, EndpointCost } from './rate-limiter';
export { KalshiPaginationLimitError, DEFAULT_MAX_PAGES } from './pagination';
export type { PaginationOptions } from './pagination';
export type { FindOrderQuery, OrderLookup } from './find-order';
export { marketMatchesStatusFilter, MARKET_STATUS_FILTER_MATCHES, MARKET_STATUSES } from './parse';
export { OrderRequestError } from './requests';
export { ORDERBOOKS_BATCH_MAX, orderbookBatches, toOrderbooks } from './orderbooks';
export type { CreateOrderInput, AmendOrderInput, DecreaseOrderInput } from './requests';
export type * from './types';
