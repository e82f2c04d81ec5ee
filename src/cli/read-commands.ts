/**
 * Read-only Kalshi commands: markets, orderbook, balance, positions, orders, fills, settlements, exchange-status.
 * Each takes --env sim|demo|prod, --kalshi-base-url URL, --config PATH and --json. As for the lane commands, the env
 * defaults to the config's `venues.kalshi.env` (default `sim`) and the base URL to `venues.kalshi.base_url` (when the
 * config is for that env), else the env's documented root; for `sim`, where `up` and `kalshi-autopilot sim` serve the
 * simulator: http://127.0.0.1:8787/trade-api/v2.
 * Credentials come from KALSHI_API_KEY_ID + KALSHI_PRIVATE_KEY (PEM text, literal "\n" accepted) or
 * KALSHI_PRIVATE_KEY_FILE; on env `sim` only, without them, from the local simulator key `up`/`sim` made and
 * registered (`<database.dir>/sim-key/`, src/cli/sim-key.ts). Human output is an aligned table; --json re-serialises
 * the parsed values with the exchange's field names and units (from fixed point via formatDollars/formatCount). Errors
 * are thrown for the binary's main() to report on stderr: bad flags exit 2, an unknown ticker exit 2 (naming it), no
 * answer from the host exit 1 (naming the URL).
 */
import { Command, Option } from 'commander';
import type { Logger } from 'pino';
import { DEFAULT_SIM_BASE_URL } from '../activities/trading-deps';
import { loadConfig } from '../config';
import { formatCount, formatDollars, Micros } from '../domain/fixed';
import { displayPath, isPlausiblePath, registerSecret } from '../observability/redact';
import {
  KalshiClient, KalshiCredentials, KalshiEnv, KalshiMarket, KalshiOrderbook, KalshiOrder, KalshiFill, KalshiSettlement,
  KalshiPositions, KalshiBalance, ExchangeStatus, Quote, MarketStatus, MarketStatusFilter, RateLimiter,
  KalshiApiError, KalshiEnvError, KalshiTransportError, KalshiUnknownKeyError, MARKET_STATUS_FILTER_MATCHES,
} from '../venues/kalshi';
import { readSimKey, SimKey, simKeyDir } from './sim-key';
import { polymarketMarkets, polymarketOrderbook } from './polymarket-read';
import { UsageError } from './usage-error';

export interface ReadClientFactoryOptions {
  env: KalshiEnv;
  baseUrl?: string;
  credentials?: KalshiCredentials;
}

export interface ReadCommandDeps {
  /** Working directory for the config file and the data dir (default process.cwd()). */
  cwd?: string;
  /** Composition-root hook: build the client (e.g. with the process-wide RateLimiter and logger). */
  createClient?: (opts: ReadClientFactoryOptions) => KalshiClient;
  /** Environment variables to read credentials from (default process.env). */
  env?: NodeJS.ProcessEnv;
  out?: (text: string) => void;
  logger?: Logger;
}

/** A bad flag or argument: a UsageError, so it exits 2 like every other one. */
export class CliUsageError extends UsageError {
  constructor(message: string) {
    super(message);
    this.name = 'CliUsageError';
  }
}

interface CommonOpts {
  env?: KalshiEnv;
  kalshiBaseUrl?: string;
  config?: string;
  json?: boolean;
}

/** Where a read command goes and with what: resolved from flags, then the config, then the defaults. */
export interface ReadTarget {
  env: KalshiEnv;
  /** undefined: the env's documented root (demo/prod). */
  baseUrl: string | undefined;
  credentials: KalshiCredentials | undefined;
  /** Set when the local simulator key supplies the credentials. */
  simKey: SimKey | null;
  /** The flags that name this target, to repeat in a suggested command (`--env sim`, plus --kalshi-base-url/--config). */
  flags: string;
}

const QUERY_STATUSES = Object.keys(MARKET_STATUS_FILTER_MATCHES) as MarketStatusFilter[];

/**
 * `--status` in either vocabulary: the query's (`open`, …) or the one the output shows (`active`, …), which maps to
 * the query status that returns it (MARKET_STATUS_FILTER_MATCHES); `only` keeps just that response status when its
 * query status returns several (`determined` → query `closed`, keep `determined`).
 */
export function parseStatusFlag(v: string): { query: MarketStatusFilter; only: MarketStatus | null } {
  const s = v.trim().toLowerCase();
  if ((QUERY_STATUSES as string[]).includes(s)) return { query: s as MarketStatusFilter, only: null };
  for (const q of QUERY_STATUSES) {
    const shown = MARKET_STATUS_FILTER_MATCHES[q] as readonly string[];
    if (shown.includes(s)) return { query: q, only: shown.length > 1 ? (s as MarketStatus) : null };
  }
  const mapping = QUERY_STATUSES.map((q) => `${MARKET_STATUS_FILTER_MATCHES[q].join('/')}→${q}`).join(', ');
  throw new CliUsageError(`--status must be one of ${QUERY_STATUSES.join(', ')}, or a status the output shows (${mapping}); got ${JSON.stringify(v)}`);
}

/** Credentials from the environment; undefined when none are configured. Half a configuration is an error. */
export function credentialsFromEnv(env: NodeJS.ProcessEnv): KalshiCredentials | undefined {
  const keyId = env.KALSHI_API_KEY_ID?.trim();
  const pem = env.KALSHI_PRIVATE_KEY;
  const file = env.KALSHI_PRIVATE_KEY_FILE?.trim();
  const hasKey = Boolean(pem && pem.trim()) || Boolean(file);
  if (!keyId && !hasKey) return undefined;
  if (!keyId) throw new CliUsageError('KALSHI_PRIVATE_KEY/KALSHI_PRIVATE_KEY_FILE is set but KALSHI_API_KEY_ID is not');
  if (!hasKey) throw new CliUsageError('KALSHI_API_KEY_ID is set but neither KALSHI_PRIVATE_KEY nor KALSHI_PRIVATE_KEY_FILE is');
  if (pem && pem.trim() && file) throw new CliUsageError('set only one of KALSHI_PRIVATE_KEY and KALSHI_PRIVATE_KEY_FILE');
  if (file && !isPlausiblePath(file)) {
    registerSecret(file); // key text pasted where a path belongs: secret, never echoed, never used as a file name
    throw new CliUsageError(`KALSHI_PRIVATE_KEY_FILE holds ${displayPath(file)}, not a file path: it must name the PEM file (the key text itself goes in KALSHI_PRIVATE_KEY)`);
  }
  return pem && pem.trim() ? { keyId, privateKeyPem: pem } : { keyId, privateKeyFile: file };
}

// ------------------------------------------------------------------ formatting

const d4 = (m: Micros | null | undefined): string | null => (m == null ? null : formatDollars(m, 4));
const d6 = (m: Micros | null | undefined): string | null => (m == null ? null : formatDollars(m, 6));
const c2 = (c: number | null | undefined): string | null => (c == null ? null : formatCount(c));
const cents = (m: Micros | null): number | null => (m == null ? null : Math.trunc(m / 10_000));

/** Left-aligned text columns, right-aligned numeric columns, two spaces apart. */
export function renderTable(headers: string[], rows: (string | null)[][], numeric: boolean[] = []): string {
  const cells = [headers, ...rows.map((r) => r.map((c) => (c == null ? '-' : c)))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((c, i) => (numeric[i] ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd();
  return [line(cells[0]), ...cells.slice(1).map(line)].join('\n') + '\n';
}

function quoteJson(q: Quote | null): string | null {
  return q ? formatDollars(q.price, 4) : null;
}

export function marketJson(m: KalshiMarket): Record<string, unknown> {
  return {
    ticker: m.ticker,
    event_ticker: m.eventTicker,
    status: m.status,
    title: m.title,
    yes_bid_dollars: quoteJson(m.yesBid),
    yes_bid_size_fp: formatCount(m.yesBid?.size ?? 0),
    yes_ask_dollars: quoteJson(m.yesAsk),
    yes_ask_size_fp: formatCount(m.yesAsk?.size ?? 0),
    no_bid_dollars: quoteJson(m.noBid),
    no_ask_dollars: quoteJson(m.noAsk),
    last_price_dollars: d4(m.lastPrice),
    volume_fp: formatCount(m.volume),
    volume_24h_fp: formatCount(m.volume24h),
    open_interest_fp: formatCount(m.openInterest),
    close_time: m.closeTime,
    result: m.result ?? '',
    price_level_structure: m.priceLevelStructure,
  };
}

export function orderbookJson(ob: KalshiOrderbook): Record<string, unknown> {
  // Re-emit in wire order (ascending; best bid last), NO levels in NO terms.
  const levels = (ls: { price: Micros; size: number }[]) => [...ls].reverse().map((l) => [formatDollars(l.price, 4), formatCount(l.size)]);
  const out: Record<string, unknown> = {
    ticker: ob.ticker,
    orderbook_fp: { yes_dollars: levels(ob.yesBids), no_dollars: levels(ob.noBids) },
  };
  if (ob.bestYesBid) out.best_yes_bid = formatDollars(ob.bestYesBid.price, 4);
  if (ob.bestYesAsk) out.best_yes_ask = formatDollars(ob.bestYesAsk.price, 4);
  if (ob.bestNoBid) out.best_no_bid = formatDollars(ob.bestNoBid.price, 4);
  if (ob.bestNoAsk) out.best_no_ask = formatDollars(ob.bestNoAsk.price, 4);
  return out;
}

export function balanceJson(b: KalshiBalance): Record<string, unknown> {
  return {
    balance_dollars: formatDollars(b.balance, 4),
    portfolio_value: cents(b.portfolioValue),
    updated_ts: b.updatedTs,
    balance_breakdown: b.breakdown.map((x) => ({ balance: formatDollars(x.balance, 4), exchange_index: x.exchangeIndex })),
  };
}

export function positionsJson(p: KalshiPositions): Record<string, unknown> {
  return {
    market_positions: p.marketPositions.map((x) => ({
      ticker: x.ticker,
      position_fp: formatCount(x.position),
      market_exposure_dollars: d6(x.marketExposure),
      total_traded_dollars: d6(x.totalTraded),
      realized_pnl_dollars: d6(x.realizedPnl),
      fees_paid_dollars: d6(x.feesPaid),
      last_updated_ts: x.lastUpdatedTs,
    })),
    event_positions: p.eventPositions.map((x) => ({
      event_ticker: x.eventTicker,
      total_cost_dollars: d6(x.totalCost),
      total_cost_shares_fp: c2(x.totalCostShares),
      event_exposure_dollars: d6(x.eventExposure),
      realized_pnl_dollars: d6(x.realizedPnl),
      fees_paid_dollars: d6(x.feesPaid),
    })),
  };
}

export function orderJson(o: KalshiOrder): Record<string, unknown> {
  return {
    order_id: o.orderId,
    client_order_id: o.clientOrderId,
    ticker: o.ticker,
    side: o.side,
    action: o.action,
    status: o.status,
    yes_price_dollars: formatDollars(o.yesPrice, 4),
    no_price_dollars: formatDollars(1_000_000 - o.yesPrice, 4),
    fill_count_fp: formatCount(o.fillCount),
    remaining_count_fp: formatCount(o.remainingCount),
    initial_count_fp: c2(o.initialCount),
    taker_fill_cost_dollars: formatDollars(o.takerFillCost, 6),
    maker_fill_cost_dollars: formatDollars(o.makerFillCost, 6),
    taker_fees_dollars: formatDollars(o.takerFees, 6),
    maker_fees_dollars: formatDollars(o.makerFees, 6),
    created_time: o.createdTime,
    last_update_time: o.lastUpdateTime,
    expiration_time: o.expirationTime,
    order_group_id: o.orderGroupId,
  };
}

export function fillJson(f: KalshiFill): Record<string, unknown> {
  return {
    fill_id: f.fillId,
    trade_id: f.tradeId,
    order_id: f.orderId,
    ticker: f.ticker,
    side: f.side,
    action: f.action,
    yes_price_dollars: formatDollars(f.yesPrice, 4),
    no_price_dollars: formatDollars(1_000_000 - f.yesPrice, 4),
    count_fp: formatCount(f.count),
    fee_cost: formatDollars(f.fee, 6),
    is_taker: f.isTaker,
    created_time: f.createdTime,
  };
}

export function settlementJson(s: KalshiSettlement): Record<string, unknown> {
  return {
    ticker: s.ticker,
    event_ticker: s.eventTicker,
    market_result: s.marketResult,
    yes_count_fp: formatCount(s.yesCount),
    no_count_fp: formatCount(s.noCount),
    yes_total_cost_dollars: d6(s.yesTotalCost),
    no_total_cost_dollars: d6(s.noTotalCost),
    revenue: cents(s.revenue),
    fee_cost: d6(s.feeCost),
    settled_time: s.settledTime,
  };
}

export function exchangeStatusJson(s: ExchangeStatus): Record<string, unknown> {
  return { exchange_active: s.exchangeActive, trading_active: s.tradingActive, exchange_estimated_resume_time: s.estimatedResumeTime };
}

const quoteCell = (q: Quote | null) => (q ? `${formatDollars(q.price, 4)} x ${formatCount(q.size)}` : null);

// ------------------------------------------------------------------ registration

function parsePositiveInt(flag: string) {
  return (v: string): number => {
    if (!/^\d+$/.test(v) || Number(v) < 1) throw new CliUsageError(`${flag} must be a positive integer, got ${JSON.stringify(v)}`);
    return Number(v);
  };
}

export function registerReadCommands(program: Command, deps: ReadCommandDeps = {}): void {
  const out = deps.out ?? ((s: string) => void process.stdout.write(s));
  // One limiter per process: every command invocation of this program shares it.
  const rateLimiter = new RateLimiter();
  const createClient = deps.createClient ?? ((o: ReadClientFactoryOptions) => new KalshiClient({ ...o, logger: deps.logger, rateLimiter }));

  const target = (opts: CommonOpts, needsCredentials: boolean, command: string): ReadTarget =>
    resolveReadTarget(opts, needsCredentials, command, deps.env ?? process.env, deps.cwd ?? process.cwd());

  /** Run one command's exchange call, turning the errors a user can act on into messages that say what to do. */
  const withClient = async <T>(opts: CommonOpts, needsCredentials: boolean, command: string, call: (c: KalshiClient) => Promise<T>, what?: { ticker: string }): Promise<{ value: T; client: KalshiClient; t: ReadTarget }> => {
    const t = target(opts, needsCredentials, command);
    let client: KalshiClient;
    try {
      client = createClient({ env: t.env, baseUrl: t.baseUrl, credentials: t.credentials });
    } catch (err) {
      if (err instanceof KalshiEnvError) throw new CliUsageError(err.message);
      throw err;
    }
    try {
      return { value: await call(client), client, t };
    } catch (err) {
      throw explainReadError(err, client.baseUrl, t, command, what);
    }
  };

  const common = (cmd: Command): Command =>
    cmd
      .addOption(new Option('--env <env>', "Kalshi environment (default: the config's venues.kalshi.env, else sim)").choices(['sim', 'demo', 'prod']))
      .option('--kalshi-base-url <url>', `override the API root (default: venues.kalshi.base_url, else for sim ${DEFAULT_SIM_BASE_URL})`)
      .option('--config <path>', 'config file (default ./kalshi-autopilot.config.json)')
      .option('--json', 'print JSON with the exchange field names');

  /** `--venue kalshi|polymarket` (default kalshi) and the Polymarket hosts: markets and orderbook only (polymarket-read.ts). */
  const venue = (cmd: Command): Command =>
    cmd
      .addOption(new Option('--venue <venue>', 'kalshi (default) or polymarket (read-only market data)').choices(['kalshi', 'polymarket']).default('kalshi'))
      .option('--gamma-base-url <url>', 'Polymarket Gamma root (default: model.cross_venue.gamma_base_url)')
      .option('--clob-base-url <url>', 'Polymarket CLOB root (default: model.cross_venue.clob_base_url)');
  type VenueOpts = { venue?: 'kalshi' | 'polymarket'; gammaBaseUrl?: string; clobBaseUrl?: string };
  const pmDeps = () => ({ cwd: deps.cwd ?? process.cwd(), env: deps.env ?? process.env, out, logger: deps.logger });

  const emit = (opts: CommonOpts, json: unknown, human: () => string) => out(opts.json ? `${JSON.stringify(json, null, 2)}\n` : human());

  venue(common(
    program.command('markets').description('list markets (all pages; no filter unless given)')
      .option('--series <ticker>', 'series ticker')
      .option('--event <ticker>', 'event ticker')
      .option('--status <status>', 'unopened|open|paused|closed|settled, or as shown: initialized|active|inactive|determined|disputed|amended|finalized', parseStatusFlag)
      .option('--limit <n>', 'at most this many markets', parsePositiveInt('--limit')),
  )).action(async (opts: CommonOpts & VenueOpts & { series?: string; event?: string; status?: { query: MarketStatusFilter; only: MarketStatus | null }; limit?: number }) => {
    if (opts.venue === 'polymarket') return polymarketMarkets({ ...opts, status: opts.status?.query }, pmDeps());
    const only = opts.status?.only ?? null;
    const { value: listed } = await withClient(opts, false, 'markets', (client) => client.listMarkets(
      { seriesTicker: opts.series, eventTicker: opts.event, status: opts.status?.query, limit: only ? 1000 : Math.min(opts.limit ?? 1000, 1000) },
      { maxItems: only ? undefined : opts.limit, maxPages: 1000 },
    ));
    const markets = only ? listed.filter((m) => m.status === only).slice(0, opts.limit ?? Infinity) : listed;
    emit(opts, markets.map(marketJson), () =>
      renderTable(
        ['TICKER', 'STATUS', 'YES BID', 'YES ASK', 'LAST', 'VOLUME', 'CLOSE'],
        markets.map((m) => [m.ticker, m.status, quoteCell(m.yesBid), quoteCell(m.yesAsk), d4(m.lastPrice), formatCount(m.volume), m.closeTime]),
        [false, false, true, true, true, true, false],
      ) + `${markets.length} market(s)\n`,
    );
  });

  venue(common(program.command('orderbook').description('order book of one market (a Polymarket TOKEN_ID with --venue polymarket)').argument('<ticker>', 'market ticker, or token id'))).action(
    async (ticker: string, opts: CommonOpts & VenueOpts) => {
      if (opts.venue === 'polymarket') return polymarketOrderbook(ticker, opts, pmDeps());
      const { value: ob } = await withClient(opts, false, 'orderbook', (c) => c.getOrderbook(ticker), { ticker });
      emit(opts, orderbookJson(ob), () => {
        const best = renderTable(
          ['', 'YES', 'NO'],
          [['best bid', quoteCell(ob.bestYesBid), quoteCell(ob.bestNoBid)], ['best ask', quoteCell(ob.bestYesAsk), quoteCell(ob.bestNoAsk)]],
          [false, true, true],
        );
        const depth = Math.max(ob.yesBids.length, ob.noBids.length);
        const rows = Array.from({ length: depth }, (_, i) => [
          ob.yesBids[i] ? formatDollars(ob.yesBids[i].price, 4) : null, ob.yesBids[i] ? formatCount(ob.yesBids[i].size) : null,
          ob.noBids[i] ? formatDollars(ob.noBids[i].price, 4) : null, ob.noBids[i] ? formatCount(ob.noBids[i].size) : null,
        ]);
        return `${ticker}\n${best}\n${renderTable(['YES BID', 'SIZE', 'NO BID', 'SIZE'], rows, [true, true, true, true])}`;
      });
    },
  );

  common(program.command('balance').description('available balance')).action(async (opts: CommonOpts) => {
    const { value: b } = await withClient(opts, true, 'balance', (c) => c.getBalance());
    emit(opts, balanceJson(b), () =>
      renderTable(['BALANCE', 'PORTFOLIO VALUE', 'UPDATED'], [[`$${formatDollars(b.balance, 4)}`, b.portfolioValue == null ? null : `$${formatDollars(b.portfolioValue, 2)}`, b.updatedTs == null ? null : new Date(b.updatedTs * 1000).toISOString()]], [true, true, false]),
    );
  });

  common(program.command('positions').description('open (unsettled) positions, all pages')).action(async (opts: CommonOpts) => {
    const { value: p } = await withClient(opts, true, 'positions', (c) => c.getPositions());
    emit(opts, positionsJson(p), () =>
      renderTable(
        ['TICKER', 'SIDE', 'POSITION', 'EXPOSURE', 'REALIZED PNL', 'FEES'],
        p.marketPositions.map((x) => [x.ticker, x.side, formatCount(x.position), d6(x.marketExposure), d6(x.realizedPnl), d6(x.feesPaid)]),
        [false, false, true, true, true, true],
      ) + `${p.marketPositions.length} position(s)\n`,
    );
  });

  common(program.command('orders').description('orders (all pages)')).action(async (opts: CommonOpts) => {
    const { value: orders } = await withClient(opts, true, 'orders', (c) => c.listOrders({ limit: 1000 }));
    emit(opts, orders.map(orderJson), () =>
      renderTable(
        ['ORDER ID', 'TICKER', 'SIDE', 'ACTION', 'PRICE', 'FILLED', 'REMAINING', 'STATUS', 'CREATED'],
        orders.map((o) => [o.orderId, o.ticker, o.side, o.action, formatDollars(o.price, 4), formatCount(o.fillCount), formatCount(o.remainingCount), o.status, o.createdTime]),
        [false, false, false, false, true, true, true, false, false],
      ) + `${orders.length} order(s)\n`,
    );
  });

  common(program.command('fills').description('fills (all pages)')).action(async (opts: CommonOpts) => {
    const { value: fills } = await withClient(opts, true, 'fills', (c) => c.listFills({ limit: 1000 }));
    emit(opts, fills.map(fillJson), () =>
      renderTable(
        ['FILL ID', 'TICKER', 'SIDE', 'ACTION', 'PRICE', 'COUNT', 'FEE', 'TAKER', 'TIME'],
        fills.map((f) => [f.fillId, f.ticker, f.side, f.action, formatDollars(f.price, 4), formatCount(f.count), formatDollars(f.fee, 6), f.isTaker ? 'yes' : 'no', f.createdTime]),
        [false, false, false, false, true, true, true, false, false],
      ) + `${fills.length} fill(s)\n`,
    );
  });

  common(program.command('settlements').description('settlements (all pages)')).action(async (opts: CommonOpts) => {
    const { value: s } = await withClient(opts, true, 'settlements', (c) => c.listSettlements({ limit: 1000 }));
    emit(opts, s.map(settlementJson), () =>
      renderTable(
        ['TICKER', 'RESULT', 'YES', 'NO', 'REVENUE', 'FEE', 'SETTLED'],
        s.map((x) => [x.ticker, x.marketResult, formatCount(x.yesCount), formatCount(x.noCount), formatDollars(x.revenue, 2), d6(x.feeCost), x.settledTime]),
        [false, false, true, true, true, true, false],
      ) + `${s.length} settlement(s)\n`,
    );
  });

  common(program.command('exchange-status').description('is the exchange / trading active')).action(async (opts: CommonOpts) => {
    const { value: s, client } = await withClient(opts, false, 'exchange-status', (c) => c.getExchangeStatus());
    // Derived, not an exchange field: how far this machine's clock is from the exchange's (its Date header).
    const skew = client.clockSkewMs();
    emit(opts, { ...exchangeStatusJson(s), clock_skew_ms: skew }, () =>
      renderTable(
        ['EXCHANGE ACTIVE', 'TRADING ACTIVE', 'RESUME', 'CLOCK SKEW'],
        [[String(s.exchangeActive), String(s.tradingActive), s.estimatedResumeTime, skew === null ? null : `${skew} ms`]],
      ),
    );
  });
}

/**
 * The env, base URL and credentials of a read command. Flags win; then the config file (loaded only when a flag is
 * missing: `venues.kalshi.env`, `venues.kalshi.base_url` when the config is for that env, `database.dir` for the local
 * simulator key); then the defaults (env sim, the simulator at 127.0.0.1:8787). The local simulator key is used on
 * env sim only, and only when no credentials are set in the environment.
 */
export function resolveReadTarget(opts: CommonOpts, needsCredentials: boolean, command: string, env: NodeJS.ProcessEnv, cwd: string): ReadTarget {
  let loaded: ReturnType<typeof loadConfig> | null = null;
  const config = () => (loaded ??= loadConfig({ configPath: opts.config, env, cwd })).config;
  const kEnv: KalshiEnv = opts.env ?? config().venues.kalshi.env;
  let baseUrl = opts.kalshiBaseUrl;
  if (baseUrl === undefined) {
    const c = config().venues.kalshi;
    if (c.base_url && c.env === kEnv) baseUrl = c.base_url;
    else if (kEnv === 'sim') baseUrl = DEFAULT_SIM_BASE_URL;
  }
  let credentials = credentialsFromEnv(env);
  let simKey: SimKey | null = null;
  if (!credentials && needsCredentials) {
    if (kEnv !== 'sim') {
      throw new CliUsageError(`${command} needs Kalshi credentials for ${kEnv}: set KALSHI_API_KEY_ID and KALSHI_PRIVATE_KEY or KALSHI_PRIVATE_KEY_FILE`);
    }
    const dir = simKeyDir(config().database.dir, cwd);
    simKey = readSimKey(dir);
    if (!simKey) {
      throw new CliUsageError(
        `${command} needs Kalshi credentials: on env sim, start the simulator with \`kalshi-autopilot up\` or \`kalshi-autopilot sim\` ` +
          `from this directory (it makes and registers the local key in ${displayPath(dir)}, used here automatically), ` +
          'or set KALSHI_API_KEY_ID and KALSHI_PRIVATE_KEY or KALSHI_PRIVATE_KEY_FILE',
      );
    }
    credentials = { keyId: simKey.keyId, privateKeyFile: simKey.privateKeyFile };
  }
  const flags = [`--env ${kEnv}`, ...(opts.kalshiBaseUrl ? [`--kalshi-base-url ${opts.kalshiBaseUrl}`] : []), ...(opts.config ? [`--config ${opts.config}`] : [])].join(' ');
  return { env: kEnv, baseUrl, credentials, simKey, flags };
}

/** An exchange error the user can act on, said with what to do; anything else unchanged. */
export function explainReadError(err: unknown, baseUrl: string, t: ReadTarget, command: string, what?: { ticker: string }): unknown {
  if (err instanceof KalshiTransportError) {
    const how = err.kind === 'timeout' ? 'timed out' : 'got no answer';
    const hint = t.env === 'sim'
      ? 'is the simulator running there? Start it with `kalshi-autopilot up` (it serves 127.0.0.1:8787) or `kalshi-autopilot sim`, or pass --kalshi-base-url'
      : 'check the network, or --kalshi-base-url / venues.kalshi.base_url';
    return new Error(`${command}: ${how} from ${t.env} at ${baseUrl}: ${hint}`);
  }
  if (err instanceof KalshiUnknownKeyError && t.simKey) {
    return new Error(
      `${command}: the simulator at ${baseUrl} does not know the local key ${t.simKey.keyId} (${displayPath(t.simKey.dir)}): ` +
        'restart it with `kalshi-autopilot up` or `kalshi-autopilot sim` from this directory, which register it',
    );
  }
  if (err instanceof KalshiApiError && err.status === 404 && what) {
    return new CliUsageError(`no market ${what.ticker} on ${t.env} at ${new URL(baseUrl).host} (HTTP 404 ${err.code}): list the tickers with \`kalshi-autopilot markets ${t.flags}\``);
  }
  return err;
}
