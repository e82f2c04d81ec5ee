/**
 * The Polymarket simulator's state: its markets (markets.ts), the source of truth they mirror (read at every request,
 * so closes and the clock follow the Kalshi simulator), per-market price overrides and faults.
 */
import { createHash } from 'node:crypto';
import type { Micros } from '../../domain/fixed';
import { PolymarketFaultState } from './faults';
import { bookAround, buildPolyMarkets, Level, mappingLines, MirrorMarket, PolyMarket, yesMid } from './markets';

export interface MarketView {
  m: PolyMarket;
  src: MirrorMarket;
  mid: Micros;
  active: boolean;
  closed: boolean;
  acceptingOrders: boolean;
  volumeShares: number;
  volumeCents: number;
}

export interface BookView {
  conditionId: string;
  timestampMs: number;
  hash: string;
  bids: Level[];
  asks: Level[];
  lastTradePrice: Micros;
}

export interface PolymarketSimStateOptions {
  source: () => MirrorMarket[];
  nowMs: () => number;
  seed: number;
  disagreementPpm: number;
  admin: boolean;
}

const CLOSED = new Set(['closed', 'determined', 'disputed', 'amended', 'finalized', 'settled']);

export class PolymarketSimState {
  readonly faults: PolymarketFaultState;
  readonly admin: boolean;
  /** YES mid overrides by Kalshi ticker (micros). */
  readonly overrides = new Map<string, Micros>();
  private readonly markets: PolyMarket[];
  private readonly startMs: number;

  constructor(private readonly o: PolymarketSimStateOptions) {
    this.faults = new PolymarketFaultState(o.seed);
    this.admin = o.admin;
    this.markets = buildPolyMarkets(o.source(), o.seed);
    this.startMs = o.nowMs();
  }

  list(): PolyMarket[] {
    return this.markets.map((m) => ({ ...m }));
  }

  mapping(): string {
    return mappingLines(this.markets);
  }

  views(): MarketView[] {
    const now = this.o.nowMs();
    const byTicker = new Map(this.o.source().map((s) => [s.ticker, s]));
    return this.markets.flatMap((m, i) => {
      const src = byTicker.get(m.ticker);
      if (!src) return [];
      const closed = CLOSED.has(src.status);
      const vol = 10_000 + ((i * 7919) % 50_000);
      return [{
        m, src, mid: yesMid(src, this.o.seed, this.o.disagreementPpm, now, this.overrides.get(m.ticker)),
        active: !closed, closed, acceptingOrders: src.status === 'active', volumeShares: vol, volumeCents: (i * 37) % 100,
      }];
    });
  }

  private tokenView(token: string): { v: MarketView; yes: boolean } | null {
    for (const v of this.views()) {
      if (v.m.yesToken === token) return { v, yes: true };
      if (v.m.noToken === token) return { v, yes: false };
    }
    return null;
  }

  /** The live best bid/ask of a token (what /price and /midpoint answer, even while its /book is stale). */
  liveQuote(token: string): { bid: Micros; ask: Micros } | null {
    const t = this.tokenView(token);
    if (!t || t.v.closed) return null;
    const mid = t.yes ? t.v.mid : 1_000_000 - t.v.mid;
    return { bid: mid - 10_000, ask: mid + 10_000 };
  }

  book(token: string): BookView | null {
    const t = this.tokenView(token);
    if (!t || t.v.closed) return null;
    const now = this.o.nowMs();
    const mid = t.yes ? t.v.mid : 1_000_000 - t.v.mid;
    const stale = this.faults.isStale(t.v.m.ticker, token);
    const levels = stale
      ? { bids: [{ price: 10_000, size: 500_000_000_000 }], asks: [{ price: 990_000, size: 500_000_000_000 }] }
      : bookAround(mid, this.o.seed, token, now);
    const timestampMs = stale ? this.startMs - 86_400_000 : now;
    const hash = createHash('sha1').update(`${token}:${timestampMs}:${JSON.stringify(levels)}`).digest('hex');
    return { conditionId: t.v.m.conditionId, timestampMs, hash, ...levels, lastTradePrice: mid };
  }

  /** Hourly points (or every `fidelity` minutes) of the YES/NO price between startTs and endTs (unix s). */
  history(token: string, startTs: number, endTs: number, fidelityMin: number): { t: number; p: Micros }[] | null {
    const t = this.tokenView(token);
    if (!t) return null;
    const end = Number.isFinite(endTs) ? endTs : Math.floor(this.o.nowMs() / 1000);
    const start = Number.isFinite(startTs) ? startTs : end - 86_400;
    const step = Math.max(1, Math.floor(fidelityMin)) * 60;
    if (end < start || (end - start) / step > 10_000) return null;
    const out: { t: number; p: Micros }[] = [];
    for (let s = start - (start % step) + (start % step ? step : 0); s <= end; s += step) {
      const mid = yesMid(t.v.src, this.o.seed, this.o.disagreementPpm, s * 1000, this.overrides.get(t.v.m.ticker));
      out.push({ t: s, p: t.yes ? mid : 1_000_000 - mid });
    }
    return out;
  }
}
