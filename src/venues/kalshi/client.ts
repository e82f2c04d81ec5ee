/**
 * KalshiClient: the venue port for the Kalshi event-contract API (current V2 wire, kalshi-api.md).
 * Reads throw on failure (never an empty list in place of an error — origin bug B4). Writes return a WriteResult
 * discriminated by outcome and never throw for exchange/transport outcomes; creates are never retried.
 */
import type { Logger } from 'pino';
import type { z } from 'zod';
import { silentLogger } from '../../observability/logger';
import { Centis, formatCount } from '../../domain/fixed';
import { KalshiCredentials, KalshiSigner } from './auth';
import { KalshiEnv, resolveBaseUrl } from './env';
import { classifyOutcome, KalshiApiError, KalshiParseError, KalshiTransportError } from './errors';
import { encodePathSegment, HttpMethod, KalshiHttp, QueryValue, RequestSpec } from './http';
import { collectPages, nextCursor, PaginationOptions } from './pagination';
import * as P from './parse';
import { BucketConfig, BucketName, EndpointCost, RateLimiter } from './rate-limiter';
import { multiplierToPpm } from '../../domain/fees';
import {
  AmendOrderInput, buildAmendOrderBody, buildBatchCancelBody, buildCreateOrderBody, buildDecreaseOrderBody,
  CreateOrderInput, DecreaseOrderInput,
} from './requests';
import type * as T from './types';
import * as W from './wire-schemas';
import { toBatchCancel, toBatchCreate } from './batch';
import { findOrderByClientOrderId, FindOrderQuery, OrderLookup } from './find-order';
import { orderbookBatches, toOrderbooks } from './orderbooks';
import type { EventFilters, FillFilters, MarketFilters, OrderFilters, PositionFilters, SettlementFilters, TradeFilters } from './filters';

export type { EventFilters, FillFilters, MarketFilters, OrderFilters, PositionFilters, SettlementFilters, TradeFilters } from './filters';

export interface KalshiClientOptions {
  env: KalshiEnv;
  baseUrl?: string;
  credentials?: KalshiCredentials;
  logger?: Logger;
  /** Share one per process. A private basic-tier limiter is made if omitted. */
  rateLimiter?: RateLimiter;
  fetchImpl?: typeof fetch;
  /** Per-request timeout (default 10 000 ms). */
  timeoutMs?: number;
  /** Total attempts for a read (default 3). */
  maxReadAttempts?: number;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

export type WriteResult<V> =
  | { outcome: 'ok'; value: V }
  | { outcome: 'rejected'; error: KalshiApiError }
  | { outcome: 'already_exists'; error: KalshiApiError }
  | { outcome: 'unknown'; error: KalshiApiError | KalshiTransportError | KalshiParseError };

function checkLimit(limit: number | undefined, max: number): number | undefined {
  if (limit === undefined) return undefined;
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > max) throw new RangeError(`limit must be an integer in 1..${max}, got ${limit}`);
  return limit;
}

export class KalshiClient {
  readonly env: KalshiEnv;
  readonly baseUrl: string;
  private readonly http: KalshiHttp;
  private readonly logger: Logger;

  constructor(opts: KalshiClientOptions) {
    if (!opts || opts.env === undefined) throw new Error('KalshiClient needs an explicit env (sim, demo or prod)');
    this.env = opts.env;
    this.baseUrl = resolveBaseUrl(opts.env, opts.baseUrl);
    this.logger = opts.logger ?? silentLogger();
    const signer = opts.credentials ? new KalshiSigner(opts.credentials) : null;
    const fetchImpl = opts.fetchImpl ?? globalThis.fetch;
    if (typeof fetchImpl !== 'function') throw new Error('no fetch implementation available (Node 20+ required)');
    this.http = new KalshiHttp({
      env: this.env,
      baseUrl: this.baseUrl,
      signer,
      fetchImpl,
      timeoutMs: opts.timeoutMs ?? 10_000,
      rateLimiter: opts.rateLimiter ?? new RateLimiter({ now: opts.now, sleep: opts.sleep }),
      logger: this.logger,
      now: opts.now ?? (() => Date.now()),
      sleep: opts.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms))),
      random: opts.random ?? Math.random,
      maxReadAttempts: opts.maxReadAttempts ?? 3,
      backoffBaseMs: opts.backoffBaseMs ?? 250,
      backoffMaxMs: opts.backoffMaxMs ?? 4_000,
    });
  }

  get hasCredentials(): boolean {
    return this.http.hasCredentials;
  }

  /** Exchange clock minus local clock (ms) from the last response's Date header; null before the first response. */
  clockSkewMs(): number | null {
    return this.http.clockSkewMs();
  }

  // ---------------------------------------------------------------- helpers

  private async getOne<S extends z.ZodTypeAny, R>(spec: Omit<RequestSpec, 'method'>, schema: S, convert: (w: z.infer<S>) => R): Promise<R> {
    const body = await this.http.read({ ...spec, method: 'GET' });
    return P.parseOne(body, schema, convert, spec.operation);
  }

  private async getPage<S extends z.ZodTypeAny, R>(
    spec: Omit<RequestSpec, 'method'>, key: string, schema: S, convert: (w: z.infer<S>) => R, kind: string,
  ): Promise<T.Page<R>> {
    const body = await this.http.read({ ...spec, method: 'GET' });
    const page = W.PageWire.safeParse(body);
    if (!page.success) throw new KalshiParseError(`${spec.operation}: ${P.describeIssue(page.error)}`);
    // Portfolio lists (auth required) are authoritative: a dropped order/fill/settlement would read as "none" (B4).
    const mode = { required: true, strict: spec.auth === 'required' };
    return { items: P.parseItems(page.data[key], schema, convert, this.logger, kind, mode), cursor: nextCursor(page.data.cursor) };
  }

  /** One unpaged list under `key` (required; strict when authenticated, like getPage). */
  private async readList<S extends z.ZodTypeAny, R>(spec: Omit<RequestSpec, 'method'>, key: string, schema: S, convert: (w: z.infer<S>) => R, kind: string): Promise<R[]> {
    const page = W.PageWire.safeParse(await this.http.read({ ...spec, method: 'GET' }));
    if (!page.success) throw new KalshiParseError(`${spec.operation}: ${P.describeIssue(page.error)}`);
    return P.parseItems(page.data[key], schema, convert, this.logger, kind, { required: true, strict: spec.auth === 'required' });
  }

  private list<S extends z.ZodTypeAny, R>(
    spec: Omit<RequestSpec, 'method'>, key: string, schema: S, convert: (w: z.infer<S>) => R, kind: string, pages?: PaginationOptions,
  ): Promise<R[]> {
    return collectPages(spec.operation, (cursor) => this.getPage({ ...spec, query: { ...spec.query, cursor: cursor ?? undefined } }, key, schema, convert, kind), pages);
  }

  private async send<S extends z.ZodTypeAny, R>(
    method: HttpMethod, path: string, operation: string, body: unknown, schema: S, convert: (w: z.infer<S>) => R,
    extra: { query?: Record<string, QueryValue>; items?: number } = {},
  ): Promise<WriteResult<R>> {
    const r = await this.http.write({ method, path, operation, body, auth: 'required', ...extra });
    if (!r.ok) {
      const e = r.error;
      const outcome = e instanceof KalshiTransportError ? 'unknown' : classifyOutcome({ status: e.status, code: e.code });
      // rejected / already_exists only ever come from an HTTP answer (a KalshiApiError); anything else is unknown.
      if ((outcome === 'rejected' || outcome === 'already_exists') && e instanceof KalshiApiError) return { outcome, error: e };
      return { outcome: 'unknown', error: e };
    }
    try {
      return { outcome: 'ok', value: P.parseOne(r.body, schema, convert, operation) };
    } catch (e) {
      // A 2xx we cannot read: the write may well have happened. Never report it as rejected.
      const err = e instanceof KalshiParseError ? e : new KalshiParseError(String(e));
      this.logger.error({ operation, status: r.status }, `unreadable success response: ${err.message}`);
      return { outcome: 'unknown', error: err };
    }
  }

  // ---------------------------------------------------------------- market data (public)

  getMarketsPage(filters: MarketFilters = {}, cursor?: string | null): Promise<T.Page<T.KalshiMarket>> {
    return this.getPage({ ...this.marketsSpec(filters), query: { ...this.marketsSpec(filters).query, cursor: cursor ?? undefined } }, 'markets', W.MarketWire, P.toMarket, 'market');
  }

  /** All markets matching the filters (filters re-sent on every page). */
  listMarkets(filters: MarketFilters = {}, pages?: PaginationOptions): Promise<T.KalshiMarket[]> {
    return this.list(this.marketsSpec(filters), 'markets', W.MarketWire, P.toMarket, 'market', pages);
  }

  private marketsSpec(f: MarketFilters): Omit<RequestSpec, 'method'> {
    return {
      path: '/markets',
      auth: 'optional',
      operation: 'GET /markets',
      query: {
        limit: checkLimit(f.limit, 1000),
        status: f.status,
        series_ticker: f.seriesTicker,
        event_ticker: f.eventTicker,
        tickers: f.tickers,
        min_close_ts: f.minCloseTs,
        max_close_ts: f.maxCloseTs,
        min_created_ts: f.minCreatedTs,
        max_created_ts: f.maxCreatedTs,
        min_settled_ts: f.minSettledTs,
        max_settled_ts: f.maxSettledTs,
        min_updated_ts: f.minUpdatedTs,
        mve_filter: f.mveFilter,
      },
    };
  }

  getMarket(ticker: string): Promise<T.KalshiMarket> {
    return this.getOne(
      { path: `/markets/${encodePathSegment(ticker)}`, auth: 'optional', operation: 'GET /markets/{ticker}' },
      W.MarketWireEnvelope, (w) => P.toMarket(w.market),
    );
  }

  listEvents(f: EventFilters = {}, pages?: PaginationOptions): Promise<T.KalshiEvent[]> {
    return this.list(
      {
        path: '/events',
        auth: 'optional',
        operation: 'GET /events',
        query: { limit: checkLimit(f.limit, 200), status: f.status, series_ticker: f.seriesTicker, with_nested_markets: f.withNestedMarkets, min_close_ts: f.minCloseTs },
      },
      'events', W.EventWire, (w) => P.toEvent(w, this.logger), 'event', pages,
    );
  }

  /** The event with its markets (from event.markets when nested, else the top-level `markets`). */
  getEvent(eventTicker: string): Promise<T.KalshiEvent> {
    return this.getOne(
      { path: `/events/${encodePathSegment(eventTicker)}`, auth: 'optional', operation: 'GET /events/{event_ticker}' },
      W.EventWireEnvelope,
      (w) => P.toEvent({ ...w.event, markets: w.event.markets && w.event.markets.length ? w.event.markets : w.markets }, this.logger),
    );
  }

  getSeries(seriesTicker: string): Promise<T.KalshiSeries> {
    return this.getOne(
      { path: `/series/${encodePathSegment(seriesTicker)}`, auth: 'optional', operation: 'GET /series/{series_ticker}' },
      W.SeriesWireEnvelope, (w) => P.toSeries(w.series),
    );
  }

  listSeries(f: { category?: string; tags?: readonly string[] } = {}): Promise<T.KalshiSeries[]> {
    return this.readList({ path: '/series', auth: 'optional', operation: 'GET /series', query: { category: f.category, tags: f.tags } }, 'series', W.SeriesWire, P.toSeries, 'series');
  }

  getOrderbook(ticker: string, depth?: number): Promise<T.KalshiOrderbook> {
    if (depth !== undefined && (!Number.isSafeInteger(depth) || depth < 0 || depth > 100)) throw new RangeError('depth must be 0..100');
    return this.getOne(
      { path: `/markets/${encodePathSegment(ticker)}/orderbook`, auth: 'optional', operation: 'GET /markets/{ticker}/orderbook', query: { depth } },
      W.OrderbookWire, (w) => P.toOrderbook(ticker, w),
    );
  }

  /** Many books at once (GET /markets/orderbooks, ≤ 100 tickers a request, batches in parallel under the shared
   * limiter); strict (orderbooks.ts). A ticker the exchange does not answer is absent from the map. */
  async getOrderbooks(tickers: readonly string[]): Promise<Map<string, T.KalshiOrderbook>> {
    const parts = await Promise.all(orderbookBatches(tickers).map(async (batch) => toOrderbooks(batch, await this.http.read({
      method: 'GET', path: '/markets/orderbooks', auth: 'optional', operation: 'GET /markets/orderbooks', query: { tickers: { repeat: batch } },
    }))));
    return new Map(parts.flatMap((m) => [...m]));
  }

  listTrades(f: TradeFilters = {}, pages?: PaginationOptions): Promise<T.KalshiTrade[]> {
    return this.list(
      { path: '/markets/trades', auth: 'optional', operation: 'GET /markets/trades', query: { ticker: f.ticker, min_ts: f.minTs, max_ts: f.maxTs, limit: checkLimit(f.limit, 1000) } },
      'trades', W.TradeWire, P.toTrade, 'trade', pages,
    );
  }

  getExchangeStatus(): Promise<T.ExchangeStatus> {
    return this.getOne({ path: '/exchange/status', auth: 'optional', operation: 'GET /exchange/status' }, W.ExchangeStatusWire, P.toExchangeStatus);
  }

  getExchangeSchedule(): Promise<T.ExchangeSchedule> {
    return this.getOne({ path: '/exchange/schedule', auth: 'optional', operation: 'GET /exchange/schedule' }, W.ScheduleWire, P.toSchedule);
  }

  /** Scheduled fee changes (GET /series/fee_changes). */
  getSeriesFeeChanges(): Promise<{ seriesTicker: string; feeType: string; feeMultiplierPpm: number; scheduledTs: string | null }[]> {
    return this.readList({ path: '/series/fee_changes', auth: 'optional', operation: 'GET /series/fee_changes' }, 'series_fee_change_arr', W.SeriesFeeChangeWire,
      (w) => ({ seriesTicker: w.series_ticker, feeType: w.fee_type, feeMultiplierPpm: multiplierToPpm(w.fee_multiplier), scheduledTs: w.scheduled_ts ?? null }), 'series_fee_change');
  }

  // ---------------------------------------------------------------- account (credentials required)

  /** GET /account/limits → bucket configs usable as RateLimiterOptions.buckets. */
  getAccountLimits(): Promise<{ usageTier: string; buckets: Record<BucketName, BucketConfig> }> {
    return this.getOne({ path: '/account/limits', auth: 'required', operation: 'GET /account/limits' }, W.AccountLimitsWire, (w) => ({
      usageTier: w.usage_tier,
      buckets: {
        read: { refillPerSec: w.read.refill_rate, capacity: w.read.bucket_capacity },
        write: { refillPerSec: w.write.refill_rate, capacity: w.write.bucket_capacity },
      },
    }));
  }

  /** GET /account/endpoint_costs → RateLimiterOptions.defaultCost / endpointCosts. */
  getEndpointCosts(): Promise<{ defaultCost: number; endpointCosts: EndpointCost[] }> {
    return this.getOne({ path: '/account/endpoint_costs', auth: 'required', operation: 'GET /account/endpoint_costs' }, W.EndpointCostsWire, (w) => ({
      defaultCost: w.default_cost,
      endpointCosts: (w.endpoint_costs ?? []).map((c) => ({ method: c.method.toUpperCase(), path: c.path, cost: c.cost })),
    }));
  }

  // ---------------------------------------------------------------- portfolio (credentials required)

  getUserDataTimestamp(): Promise<{ asOfTime: string }> {
    return this.getOne({ path: '/exchange/user_data_timestamp', auth: 'required', operation: 'GET /exchange/user_data_timestamp' }, W.UserDataTimestampWire, (w) => ({ asOfTime: w.as_of_time }));
  }

  /**
   * GET /historical/cutoff `orders_updated_ts`: orders canceled or executed before it are only in GET
   * /historical/orders (kalshi-api.md §4.4); resting orders are always in /portfolio/orders.
   */
  getHistoricalCutoff(): Promise<{ ordersUpdatedTime: string; ordersUpdatedMs: number }> {
    return this.getOne({ path: '/historical/cutoff', auth: 'optional', operation: 'GET /historical/cutoff' }, W.HistoricalCutoffWire,
      (w) => ({ ordersUpdatedTime: w.orders_updated_ts, ordersUpdatedMs: Date.parse(w.orders_updated_ts) }));
  }

  /** `subaccount` (kalshi-api.md §4.1: 0 primary, 1–63): that subaccount's balance; omitted = the account's default. */
  getBalance(f: { subaccount?: number } = {}): Promise<T.KalshiBalance> {
    return this.getOne({ path: '/portfolio/balance', auth: 'required', operation: 'GET /portfolio/balance', query: { subaccount: f.subaccount } }, W.BalanceWire, P.toBalance);
  }

  /** Every unsettled position, all pages (a partial list would look like closed positions — origin bug B3/B4). */
  async getPositions(f: PositionFilters = {}, pages?: Omit<PaginationOptions, 'maxItems'>): Promise<T.KalshiPositions> {
    const market: T.KalshiPosition[] = [];
    const event: T.KalshiEventPosition[] = [];
    await collectPages('GET /portfolio/positions', async (cursor) => {
      const body = await this.http.read({
        method: 'GET', path: '/portfolio/positions', auth: 'required', operation: 'GET /portfolio/positions',
        query: { ticker: f.ticker, event_ticker: f.eventTicker, count_filter: f.countFilter, limit: checkLimit(f.limit, 1000), subaccount: f.subaccount, cursor: cursor ?? undefined },
      });
      const page = W.PageWire.safeParse(body);
      if (!page.success) throw new KalshiParseError(`GET /portfolio/positions: ${P.describeIssue(page.error)}`);
      const strict = { required: true, strict: true };
      market.push(...P.parseItems(page.data.market_positions, W.MarketPositionWire, P.toPosition, this.logger, 'market_position', strict));
      event.push(...P.parseItems(page.data.event_positions, W.EventPositionWire, P.toEventPosition, this.logger, 'event_position', strict));
      return { items: [], cursor: nextCursor(page.data.cursor) };
    }, pages);
    return { marketPositions: market, eventPositions: event };
  }

  listOrders(f: OrderFilters = {}, pages?: PaginationOptions): Promise<T.KalshiOrder[]> {
    return this.list(
      {
        path: '/portfolio/orders', auth: 'required', operation: 'GET /portfolio/orders',
        query: { ticker: f.ticker, event_ticker: f.eventTicker, min_ts: f.minTs, max_ts: f.maxTs, status: f.status, limit: checkLimit(f.limit, 1000), subaccount: f.subaccount },
      },
      'orders', W.OrderWire, P.toOrder, 'order', pages,
    );
  }

  getOrder(orderId: string): Promise<T.KalshiOrder> {
    return this.getOne({ path: `/portfolio/orders/${encodePathSegment(orderId)}`, auth: 'required', operation: 'GET /portfolio/orders/{order_id}' }, W.OrderWireEnvelope, (w) => P.toOrder(w.order));
  }

  listFills(f: FillFilters = {}, pages?: PaginationOptions): Promise<T.KalshiFill[]> {
    return this.list(
      {
        path: '/portfolio/fills', auth: 'required', operation: 'GET /portfolio/fills',
        query: { ticker: f.ticker, order_id: f.orderId, min_ts: f.minTs, max_ts: f.maxTs, limit: checkLimit(f.limit, 1000), subaccount: f.subaccount },
      },
      'fills', W.FillWire, P.toFill, 'fill', pages,
    );
  }

  listSettlements(f: SettlementFilters = {}, pages?: PaginationOptions): Promise<T.KalshiSettlement[]> {
    return this.list(
      {
        path: '/portfolio/settlements', auth: 'required', operation: 'GET /portfolio/settlements',
        query: { ticker: f.ticker, event_ticker: f.eventTicker, min_ts: f.minTs, max_ts: f.maxTs, limit: checkLimit(f.limit, 1000), subaccount: f.subaccount },
      },
      'settlements', W.SettlementWire, P.toSettlement, 'settlement', pages,
    );
  }

  /** Resolve an `unknown` / `already_exists` create: found / absent (as of user_data_timestamp) / cannot_tell (find-order.ts). */
  findOrderByClientOrderId(q: FindOrderQuery, pages?: Omit<PaginationOptions, 'maxItems'>): Promise<OrderLookup> {
    return findOrderByClientOrderId({ getUserDataTimestamp: () => this.getUserDataTimestamp(), listOrders: (f, p) => this.listOrders(f, p), getHistoricalCutoff: () => this.getHistoricalCutoff(), logger: this.logger }, q, pages);
  }

  // ---------------------------------------------------------------- order groups

  listOrderGroups(f: { subaccount?: number } = {}): Promise<T.OrderGroup[]> {
    return this.readList({ path: '/portfolio/order_groups', auth: 'required', operation: 'GET /portfolio/order_groups', query: { subaccount: f.subaccount } },
      'order_groups', W.OrderGroupWire, P.toOrderGroup, 'order_group');
  }

  getOrderGroup(orderGroupId: string): Promise<T.OrderGroupDetail> {
    return this.getOne({ path: `/portfolio/order_groups/${encodePathSegment(orderGroupId)}`, auth: 'required', operation: 'GET /portfolio/order_groups/{id}' }, W.OrderGroupDetailWire, P.toOrderGroupDetail);
  }

  createOrderGroup(i: { contractsLimit: Centis; subaccount?: number }): Promise<WriteResult<{ orderGroupId: string; subaccount: number | null }>> {
    if (!Number.isSafeInteger(i.contractsLimit) || i.contractsLimit < 100) throw new RangeError('contractsLimit must be at least 1 contract (100 centis)');
    const body: Record<string, unknown> = { contracts_limit_fp: formatCount(i.contractsLimit) };
    if (i.subaccount !== undefined) body.subaccount = i.subaccount;
    return this.send('POST', '/portfolio/order_groups/create', 'POST /portfolio/order_groups/create', body, W.CreateOrderGroupAckWire,
      (w) => ({ orderGroupId: w.order_group_id, subaccount: w.subaccount ?? null }));
  }

  deleteOrderGroup(orderGroupId: string): Promise<WriteResult<true>> {
    return this.send('DELETE', `/portfolio/order_groups/${encodePathSegment(orderGroupId)}`, 'DELETE /portfolio/order_groups/{id}', undefined, W.EmptyWire, () => true as const);
  }

  resetOrderGroup(orderGroupId: string): Promise<WriteResult<true>> {
    return this.send('PUT', `/portfolio/order_groups/${encodePathSegment(orderGroupId)}/reset`, 'PUT /portfolio/order_groups/{id}/reset', {}, W.EmptyWire, () => true as const);
  }

  // ---------------------------------------------------------------- V2 order writes

  /**
   * POST /portfolio/events/orders. Sent exactly once — never retried on timeout/5xx (outcome `unknown`: resolve with
   * findOrderByClientOrderId). 409 order_already_exists → `already_exists`. Local validation errors throw before sending.
   */
  createOrder(input: CreateOrderInput): Promise<WriteResult<T.CreateOrderAck>> {
    const body = buildCreateOrderBody(input);
    return this.send('POST', '/portfolio/events/orders', 'POST /portfolio/events/orders', body, W.CreateOrderAckWire, (w) => {
      const ack = P.toCreateAck(w);
      // An ack naming another client_order_id describes some other order: ours may or may not exist (unknown).
      if (ack.clientOrderId !== null && ack.clientOrderId !== input.clientOrderId) {
        throw new KalshiParseError(`create ack names client_order_id ${JSON.stringify(ack.clientOrderId)}, sent ${JSON.stringify(input.clientOrderId)}`);
      }
      return ack;
    });
  }

  cancelOrder(orderId: string, opts: { subaccount?: number } = {}): Promise<WriteResult<T.CancelAck>> {
    return this.send('DELETE', `/portfolio/events/orders/${encodePathSegment(orderId)}`, 'DELETE /portfolio/events/orders/{order_id}', undefined,
      W.CancelAckWire, P.toCancelAck, { query: { subaccount: opts.subaccount } });
  }

  amendOrder(input: AmendOrderInput): Promise<WriteResult<T.AmendAck>> {
    const body = buildAmendOrderBody(input);
    return this.send('POST', `/portfolio/events/orders/${encodePathSegment(input.orderId)}/amend`, 'POST /portfolio/events/orders/{order_id}/amend', body,
      W.AmendAckWire, P.toAmendAck, { query: { subaccount: input.subaccount } });
  }

  decreaseOrder(input: DecreaseOrderInput): Promise<WriteResult<T.DecreaseAck>> {
    const body = buildDecreaseOrderBody(input);
    return this.send('POST', `/portfolio/events/orders/${encodePathSegment(input.orderId)}/decrease`, 'POST /portfolio/events/orders/{order_id}/decrease', body,
      W.DecreaseAckWire, P.toDecreaseAck, { query: { subaccount: input.subaccount } });
  }

  /** Batch create; per-item outcomes in the value. Whole-call outcome as for createOrder (never retried). */
  batchCreateOrders(inputs: readonly CreateOrderInput[]): Promise<WriteResult<T.BatchCreateItem[]>> {
    if (inputs.length === 0) throw new RangeError('batch create needs at least one order');
    const body = { orders: inputs.map(buildCreateOrderBody) };
    return this.send('POST', '/portfolio/events/orders/batched', 'POST /portfolio/events/orders/batched', body, W.BatchCreateAckWire,
      (w) => toBatchCreate(w, inputs.map((i) => i.clientOrderId)), { items: inputs.length });
  }

  batchCancelOrders(orders: readonly { orderId: string; subaccount?: number }[]): Promise<WriteResult<T.BatchCancelItem[]>> {
    const body = buildBatchCancelBody(orders);
    return this.send('DELETE', '/portfolio/events/orders/batched', 'DELETE /portfolio/events/orders/batched', body, W.BatchCancelAckWire, toBatchCancel, { items: orders.length });
  }
}
