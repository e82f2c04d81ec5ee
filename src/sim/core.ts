/**
 * SimCore: the simulator's state and its collaborators (exchange, clock, keys, faults, rate limiter, received-order
 * log), independent of HTTP. The server and the in-process handle both drive it.
 */
import type { Logger } from 'pino';
import { Micros } from '../domain/fixed';
import { DEFAULT_AUTH_WINDOW, AuthWindow, KeyStore } from './auth';
import { createClock, ClockOptions, SimClock } from './clock';
import { Exchange } from './exchange';
import { FaultState } from './faults';
import { forceSettle } from './lifecycle';
import { LiquidityOptions } from './liquidity';
import { MarketTime, syncTo } from './market-time';
import { shiftBalanceHistory } from './read-lag';
import { RateLimitConfig, RateLimiter } from './rate-limit';
import { Scenario, buildScenario } from './scenario';
import type { MarketResult, SimMarket } from './types';

export interface ReceivedOrder {
  seq: number;
  key_id: string;
  endpoint: string;
  client_order_id: string | null;
  ticker: string | null;
  side: string | null;
  price: unknown;
  count: unknown;
  time_in_force: string | null;
  received_at_ms: number;
  wall_ms: number;
  status: number;
  outcome: 'created' | 'rejected' | 'timed_out_after_create' | 'created_then_500';
  error_code: string | null;
  order_id: string | null;
}

export interface CoreOptions {
  scenario: Scenario;
  seed: number;
  clock: ClockOptions;
  startingBalance: Micros;
  sharedAccount: boolean;
  liquidity: LiquidityOptions | null;
  rateLimit: RateLimitConfig | null;
  authWindow?: AuthWindow;
  admin: boolean;
  oracle: boolean;
  oracleNoisePpm: number;
  logger: Logger;
  wallNow: () => number;
}

export class SimCore {
  readonly clock: SimClock;
  readonly keys = new KeyStore();
  readonly faults: FaultState;
  readonly limiter: RateLimiter | null;
  readonly authWindow: AuthWindow;
  exchange!: Exchange;
  received: ReceivedOrder[] = [];
  /** The historical order cutoff (src/sim/historical.ts); null = a year before the clock. */
  historicalCutoffMs: number | null = null;
  private mt: MarketTime = { lastTickIndex: 0 };
  private startMs: number;

  constructor(readonly opts: CoreOptions) {
    this.clock = createClock(opts.clock, opts.wallNow);
    this.startMs = this.clock.now();
    this.faults = new FaultState(opts.seed);
    this.limiter = opts.rateLimit ? new RateLimiter(opts.rateLimit) : null;
    this.authWindow = opts.authWindow ?? DEFAULT_AUTH_WINDOW;
    this.build();
  }

  private build(): void {
    const built = buildScenario(this.opts.scenario, this.startMs);
    this.exchange = new Exchange(
      { seed: this.opts.seed, startingBalance: this.opts.startingBalance, sharedAccount: this.opts.sharedAccount },
      built, this.startMs,
    );
    this.received = [];
    const liq = this.opts.liquidity;
    // Seed the books at start: run the tick at (or just before) the start time.
    this.mt = { lastTickIndex: liq ? Math.floor(this.startMs / liq.tickMs) - 1 : 0 };
    syncTo(this.exchange, this.opts.seed, this.mt, this.startMs, liq);
  }

  /** Bring market life up to the clock's now. Call before serving anything. */
  sync(): void {
    syncTo(this.exchange, this.opts.seed, this.mt, this.clock.now(), this.opts.liquidity);
  }

  nowMs(): number {
    this.sync();
    return this.exchange.nowMs;
  }

  setTime(ms: number): void {
    this.clock.set(ms);
    this.sync();
  }

  advance(ms: number): void {
    this.clock.advance(ms);
    this.sync();
  }

  /**
   * The clock adapter's move: go to `ms` if it is later than now; an earlier (or equal) time is ignored. Returns
   * whether the clock moved and the simulator's now afterwards. Market life (closes, determinations, settlements,
   * expirations, liquidity) catches up on the way.
   */
  advanceTo(ms: number): { moved: boolean; nowMs: number } {
    if (!Number.isSafeInteger(ms) || ms < 0) throw new RangeError(`clock: nowMs must be a non-negative integer of ms (got ${ms})`);
    const now = this.nowMs();
    if (ms <= now) return { moved: false, nowMs: now };
    this.setTime(ms);
    return { moved: true, nowMs: this.exchange.nowMs };
  }

  /** Wall time as the auth check sees it: real time plus the skew fault. */
  authNowMs(): number {
    return this.opts.wallNow() + this.faults.faults.clockSkewMs;
  }

  forceSettle(ticker: string, result?: MarketResult): SimMarket {
    this.sync();
    return forceSettle(this.exchange, this.opts.seed, ticker, result);
  }

  setBalance(keyOrAccountId: string, micros: Micros): void {
    if (!Number.isSafeInteger(micros) || micros < 0) throw new RangeError('balance must be a non-negative integer of micros');
    const acct = this.exchange.account(this.exchange.accountIdForKey(keyOrAccountId));
    shiftBalanceHistory(acct, micros - acct.balance);
    acct.balance = micros;
  }

  /** Fresh markets, accounts, orders and faults; the clock restarts at the original start (manual) or stays (wall). Keys are kept. */
  reset(): void {
    if (this.opts.clock.mode === 'manual') {
      this.clock.resetTo(this.startMs);
    } else {
      this.startMs = this.clock.now();
    }
    this.faults.reset();
    this.limiter?.reset();
    this.historicalCutoffMs = null;
    this.build();
  }

  recordReceived(r: Omit<ReceivedOrder, 'seq'>): ReceivedOrder {
    const row = { seq: this.received.length + 1, ...r };
    this.received.push(row);
    return row;
  }
}
