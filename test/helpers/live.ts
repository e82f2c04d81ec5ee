/**
 * The live order path on the simulator, without a workflow: a live sim lane's TradingDeps with the bot's own key
 * (the venue clock = the simulator's clock), a fresh live lane DB, a maker account that makes the book, and the
 * simulator's own record of what it received (the truth a test judges by, never only the journal).
 */
import path from 'node:path';
import { heldMarketSnapshot } from '../../src/activities/held-markets';
import { buildTradingDeps, type TradingDeps } from '../../src/activities/trading-deps';
import type { OrderIntent } from '../../src/domain/trading-types';
import type { CrashHook, CrashPoint } from '../../src/execution/live-order-crash';
import { silentLogger } from '../../src/observability/logger';
import type { ReceivedOrder, SimHandle } from '../../src/sim';
import { openStore, type Store } from '../../src/store';
import { CreateOrderInput, KalshiClient, RateLimiter } from '../../src/venues/kalshi';
import { tempDir } from './lane';
import { simRunContext } from './trading';
import { makeKey, startTestSim, type TestKey } from '../sim/helpers';

export const HELD = 'TS-E1-A';
export const FIRST_RUN_ID = '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0';

/** Keys are slow to make: one maker and one bot key per test file. */
let keys: { maker: TestKey; bot: TestKey } | null = null;
export function liveKeys(): { maker: TestKey; bot: TestKey } {
  if (!keys) keys = { maker: makeKey('live-maker'), bot: makeKey('live-bot') };
  return keys;
}

/** Thrown by the test crash hook: the in-process stand-in for the worker dying at a named point. */
export class SimulatedCrash extends Error {
  constructor(readonly point: CrashPoint) {
    super(`simulated crash at ${point}`);
    this.name = 'SimulatedCrash';
  }
}

export interface LiveRig {
  sim: SimHandle;
  store: Store;
  t: TradingDeps;
  maker: KalshiClient;
  /** Arm the crash hook: the next time `point` is reached, the call throws SimulatedCrash (once). */
  crashAt(point: CrashPoint): void;
  /** Every create request the simulator received from the bot's key (all outcomes). */
  botRequests(clientOrderId?: string): ReceivedOrder[];
  /** The orders the simulator actually made from the bot's requests (created, even if the answer was lost). */
  botOrdersMade(clientOrderId?: string): ReceivedOrder[];
  scan(tickers?: string[]): Promise<number>;
  close(): Promise<void>;
}

export async function liveRig(config: Record<string, unknown> = {}): Promise<LiveRig> {
  const { maker, bot } = liveKeys();
  const sim = await startTestSim([maker, bot]);
  const store = openStore({ path: path.join(tempDir('kap-live-'), 'live.sqlite'), mode: 'live', env: 'sim' });
  const ctx = simRunContext({ trading: { dry_run: false, allowed_series_tickers: ['TS'] }, ...config });
  let armed: CrashPoint | null = null;
  const hook: CrashHook = (p) => {
    if (armed === p) {
      armed = null;
      throw new SimulatedCrash(p);
    }
  };
  const t = buildTradingDeps(ctx, {
    logger: silentLogger(), simBaseUrl: sim.baseUrl, rateLimiter: new RateLimiter({ tier: 'prestige' }),
    credentials: { keyId: bot.keyId, privateKeyPem: bot.privateKeyPem },
    venueNowMs: async () => sim.nowMs(),
    crashAt: hook,
    processEnv: {},
    // The order path alone: no reconciliation runs here, so no gate (the workflow test covers the gate).
    reconciledCycle: null,
  });
  const makerClient = new KalshiClient({ env: 'sim', baseUrl: sim.baseUrl, credentials: { keyId: maker.keyId, privateKeyPem: maker.privateKeyPem }, rateLimiter: new RateLimiter({ tier: 'prestige' }) });
  const fromBot = () => sim.listOrders().filter((o) => o.key_id === bot.keyId);
  return {
    sim, store, t, maker: makerClient,
    crashAt: (p) => { armed = p; },
    botRequests: (id) => fromBot().filter((o) => id === undefined || o.client_order_id === id),
    botOrdersMade: (id) => fromBot().filter((o) => (id === undefined || o.client_order_id === id) && o.outcome !== 'rejected' && o.order_id !== null),
    scan: async (tickers = [HELD]) => {
      const snaps = await Promise.all(tickers.map((tk) => heldMarketSnapshot(t.venue, tk)));
      return store.scans.record({ firstRunId: FIRST_RUN_ID, cycle: 1 }, sim.nowMs(), snaps);
    },
    close: async () => {
      store.close();
      await sim.close();
    },
  };
}

export const makerOrder = (o: Pick<CreateOrderInput, 'ticker' | 'side' | 'action' | 'price' | 'count' | 'clientOrderId'>): CreateOrderInput =>
  ({ timeInForce: 'good_till_canceled', selfTradePrevention: 'taker_at_cross', ...o });

/** A YES entry on HELD at `priceMicros` (the decided ask) with fair `fairPpm`. */
export function entryIntent(priceMicros: number, fairPpm: number, countCentis = 500): OrderIntent {
  return {
    ticker: HELD, eventTicker: 'TS-E1', side: 'yes', action: 'buy', priceMicros, countCentis, fairPpm,
    edgeMicros: fairPpm - priceMicros, confidencePpm: 900_000, reduceOnly: false, feeMicros: 0,
  };
}
