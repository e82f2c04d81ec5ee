/**
 * kalshi-autopilot exchange simulator — a faithful loopback Kalshi Trade API v2 (current wire format, kalshi-api.md).
 *
 *   const sim = await startSimulator({ port: 0, clock: { mode: 'manual', startMs }, keys: [{ keyId, publicKeyPem }], admin: true });
 *   sim.baseUrl            // http://127.0.0.1:PORT/trade-api/v2  (give this to the Kalshi client)
 *   sim.rootUrl            // http://127.0.0.1:PORT  (oracle at /sim-oracle/v1/fair-values, admin at /__sim/...)
 *   sim.nowMs()            // market-life clock (manual, or wall time + offsets)
 *   sim.setTime(ms) / sim.advance(ms)   // move market life: liquidity ticks, GTC expirations, closes, settlements
 *   sim.advanceTo(ms)      // forward-only (the clock adapter): an earlier time is ignored; returns { moved, nowMs }
 *   sim.setFaults({ error5xxRate, fail5xxNext, timeoutCreateRate, timeoutNextCreates, createThen500Rate,
 *                   createThen500Next, timeoutMode, burst429, readLagMs, malformedRate, malformNext, clockSkewMs })
 *   sim.listOrders()       // every order request received: client_order_id, time, status, outcome, order_id
 *   sim.history(accountId?) // the evidence: order state changes, fills, settlements (= GET /__sim/history)
 *   sim.forceSettle(ticker, 'yes' | 'no')   // close + determine + finalize now (payouts to /portfolio/settlements)
 *   sim.addKey(keyId, publicKeyPem); sim.setBalance(keyId, micros); sim.reset(); await sim.close();
 *   sim.setHistoricalCutoff(ms | null)   // GET /historical/cutoff; older canceled/executed orders leave /portfolio/orders
 *
 * Options (all optional): port (0 = ephemeral), host (127.0.0.1), scenario (Scenario object or JSON file path;
 * default: built-in week-long scenario), keys / keysDir (`<keyId>.pem` public keys), clock ({mode:'wall'} default, or
 * {mode:'manual', startMs}), seed (default 1; everything is deterministic given the seed and the request sequence),
 * admin (enable /__sim/, default false), startingBalanceMicros (default $1,000), sharedAccount (one account for all
 * keys; default one account per key id), liquidity (false to disable background makers/takers, or options),
 * rateLimit (false to disable; default Basic tier 200 read / 100 write tokens), oracle (default true),
 * oracleNoise (sd of the fair-value noise as a probability string, default "0.0300"), logger (pino; default silent).
 *
 * Auth uses real wall time + the clockSkewMs fault (never the market clock). Money is fixed point throughout.
 * Scenario format, background flow, oracle and admin API: docs/simulator.md.
 */
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { parseDollars, Micros } from '../domain/fixed';
import { silentLogger } from '../observability/logger';
import type { AuthWindow } from './auth';
import type { ClockOptions } from './clock';
import { SimCore, ReceivedOrder } from './core';
import { historyBody } from './admin';
import type { HistoryBody } from './history';
import { DEFAULT_SCENARIO } from './default-scenario';
import type { Faults } from './faults';
import { DEFAULT_LIQUIDITY, LiquidityOptions } from './liquidity';
import { BASIC_TIER, RateLimitConfig } from './rate-limit';
import { Scenario, loadScenarioFile, parseScenario } from './scenario';
import { API_PREFIX, createSimServer } from './server';
import type { MarketResult } from './types';

export type { Scenario, ScenarioInput } from './scenario';
export { parseScenario, loadScenarioFile, ScenarioError } from './scenario';
export { DEFAULT_SCENARIO } from './default-scenario';
export { simClockAdapter } from './clock-adapter';
export type { SimClockAdapter } from './clock-adapter';
export type { Faults } from './faults';
export type { ReceivedOrder } from './core';
export type { HistoryBody, HistoryEvent, HistoryMarket, OrderEvent, FillEvent, SettlementEvent } from './history';
export type { ClockOptions } from './clock';

export interface StartOptions {
  port?: number;
  host?: string;
  scenario?: Scenario | string;
  keys?: Array<{ keyId: string; publicKeyPem: string }>;
  keysDir?: string;
  clock?: ClockOptions;
  seed?: number;
  admin?: boolean;
  startingBalanceMicros?: Micros;
  sharedAccount?: boolean;
  liquidity?: boolean | Partial<LiquidityOptions>;
  rateLimit?: false | RateLimitConfig;
  authWindow?: AuthWindow;
  oracle?: boolean;
  oracleNoise?: string;
  logger?: Logger;
  /** Wall-clock source (tests); default Date.now. */
  wallNow?: () => number;
}

export interface SimHandle {
  baseUrl: string;
  rootUrl: string;
  port: number;
  nowMs(): number;
  setTime(ms: number): void;
  advance(ms: number): void;
  /** Move forward to `ms`; an earlier or equal time is ignored (moved false). */
  advanceTo(ms: number): { moved: boolean; nowMs: number };
  setFaults(partial: Partial<Faults>): Faults;
  listOrders(): ReceivedOrder[];
  /** The evidence (GET /__sim/history): every account, or one. */
  history(accountId?: string): HistoryBody;
  forceSettle(ticker: string, result?: MarketResult): { ticker: string; status: string; result: string };
  addKey(keyId: string, publicKeyPem: string): void;
  setBalance(keyId: string, micros: Micros): void;
  /** GET /historical/cutoff's orders_updated_ts (ms; null = a year back): older canceled/executed orders leave /portfolio/orders. */
  setHistoricalCutoff(ms: number | null): void;
  reset(): void;
  close(): Promise<void>;
  /** The state behind the server (for white-box tests). */
  readonly core: SimCore;
}

export async function startSimulator(opts: StartOptions = {}): Promise<SimHandle> {
  const scenario = typeof opts.scenario === 'string' ? loadScenarioFile(opts.scenario) : parseScenario(opts.scenario ?? DEFAULT_SCENARIO, 'scenario');
  const liquidity = opts.liquidity === false ? null : { ...DEFAULT_LIQUIDITY, ...(typeof opts.liquidity === 'object' ? opts.liquidity : {}) };
  const core = new SimCore({
    scenario,
    seed: opts.seed ?? 1,
    clock: opts.clock ?? { mode: 'wall' },
    startingBalance: opts.startingBalanceMicros ?? 1_000_000_000,
    sharedAccount: opts.sharedAccount ?? false,
    liquidity,
    rateLimit: opts.rateLimit === false ? null : opts.rateLimit ?? BASIC_TIER,
    authWindow: opts.authWindow,
    admin: opts.admin ?? false,
    oracle: opts.oracle ?? true,
    oracleNoisePpm: parseDollars(opts.oracleNoise ?? '0.0300', 'oracleNoise'),
    logger: opts.logger ?? silentLogger(),
    wallNow: opts.wallNow ?? Date.now,
  });
  for (const k of opts.keys ?? []) core.keys.add(k.keyId, k.publicKeyPem);
  if (opts.keysDir) core.keys.loadDir(opts.keysDir);
  const srv = createSimServer(core);
  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    srv.server.once('error', reject);
    srv.server.listen(opts.port ?? 0, host, () => resolve());
  });
  const port = (srv.server.address() as AddressInfo).port;
  const rootUrl = `http://${host}:${port}`;
  core.opts.logger.info({ rootUrl }, 'simulator listening');
  return {
    baseUrl: `${rootUrl}${API_PREFIX}`,
    rootUrl,
    port,
    core,
    nowMs: () => core.nowMs(),
    setTime: (ms) => core.setTime(ms),
    advance: (ms) => core.advance(ms),
    advanceTo: (ms) => core.advanceTo(ms),
    setFaults: (p) => core.faults.set(p),
    listOrders: () => core.received.map((r) => ({ ...r })),
    history: (accountId) => historyBody(core, accountId ?? null),
    forceSettle: (ticker, result) => {
      const m = core.forceSettle(ticker, result);
      return { ticker: m.ticker, status: m.status, result: m.result };
    },
    addKey: (keyId, pem) => core.keys.add(keyId, pem),
    setBalance: (keyId, micros) => core.setBalance(keyId, micros),
    setHistoricalCutoff: (ms) => { core.historicalCutoffMs = ms; },
    reset: () => core.reset(),
    close: () => srv.close(),
  };
}
