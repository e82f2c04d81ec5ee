/**
 * Polymarket market-data simulator — loopback, seeded, read-only, mirroring a Kalshi simulator (docs/simulator.md).
 *
 *   const kalshi = await startSimulator({...});
 *   const pm = await startPolymarketSim({ mirror: kalshi, seed: 1, disagreement: '0.0200', admin: true });
 *   pm.gammaBaseUrl  // http://127.0.0.1:PORT/gamma   (Gamma: GET /markets)
 *   pm.clobBaseUrl   // http://127.0.0.1:PORT/clob    (CLOB: /book, /books, /price, /midpoint, /prices-history)
 *   pm.mapping()     // the cross-venue mapping file (JSONL) of its markets, also at GET /__sim/mapping.jsonl
 *   pm.setPrice(ticker, micros | null)   // pin (or release) a market's YES mid
 *   pm.setFaults({ error5xxRate, fail5xxNext, staleBooks: 'all' | [ticker | token id] })
 *   pm.markets()     // ticker ↔ condition id ↔ token ids
 *   await pm.close()
 *
 * One market per Kalshi simulator market, its price the Kalshi market's hidden true probability plus a seeded
 * disagreement (markets.ts); its clock and market life (closes) are the Kalshi simulator's, read at each request.
 */
import { createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { parseDollars, Micros } from '../../domain/fixed';
import type { SimCore } from '../core';
import type { PolymarketFaults } from './faults';
import type { MirrorMarket, PolyMarket } from './markets';
import { handle } from './server';
import { PolymarketSimState } from './state';

export type { MirrorMarket, PolyMarket } from './markets';
export type { PolymarketFaults } from './faults';
export { mappingLines } from './markets';

export interface PolymarketSimOptions {
  /** The Kalshi simulator to mirror (its markets, statuses and clock). */
  mirror: { core: SimCore };
  port?: number;
  host?: string;
  seed?: number;
  /** Largest seeded |Polymarket − true probability| per market, a probability string (default "0.0200"). */
  disagreement?: string;
  /** Enable POST /__sim/faults (default false). */
  admin?: boolean;
}

export interface PolymarketSimHandle {
  rootUrl: string;
  gammaBaseUrl: string;
  clobBaseUrl: string;
  port: number;
  mapping(): string;
  markets(): PolyMarket[];
  setPrice(ticker: string, yesMid: Micros | null): void;
  setFaults(partial: Partial<PolymarketFaults>): PolymarketFaults;
  close(): Promise<void>;
}

/** The Kalshi simulator's markets as the Polymarket simulator sees them. */
export function mirrorSimCore(core: SimCore): () => MirrorMarket[] {
  return () => {
    core.sync();
    return [...core.exchange.markets.values()].map((m) => {
      const e = core.exchange.events.get(m.eventTicker);
      const title = (m.title || m.ticker).replace(/\?+$/, '');
      return { ticker: m.ticker, question: `${e?.title ? `${e.title}: ` : ''}${title}?`, closeMs: m.closeMs, status: m.status, trueProbability: m.trueProbability };
    });
  };
}

export async function startPolymarketSim(opts: PolymarketSimOptions): Promise<PolymarketSimHandle> {
  const host = opts.host ?? '127.0.0.1';
  if (!['127.0.0.1', 'localhost', '::1'].includes(host)) throw new Error(`polymarket sim: binds loopback only (got host ${host})`);
  const disagreementPpm = parseDollars(opts.disagreement ?? '0.0200', 'disagreement');
  if (disagreementPpm < 0 || disagreementPpm > 200_000) throw new Error('polymarket sim: disagreement must be between 0 and 0.2');
  const core = opts.mirror.core;
  const state = new PolymarketSimState({ source: mirrorSimCore(core), nowMs: () => core.nowMs(), seed: opts.seed ?? 1, disagreementPpm, admin: opts.admin ?? false });
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      try {
        handle(state, req, res, Buffer.concat(chunks).toString('utf8'));
      } catch (e) {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: `simulator error: ${(e as Error).message}` }));
      }
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const rootUrl = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const known = new Set(state.list().map((m) => m.ticker));
  return {
    rootUrl,
    gammaBaseUrl: `${rootUrl}/gamma`,
    clobBaseUrl: `${rootUrl}/clob`,
    port,
    mapping: () => state.mapping(),
    markets: () => state.list(),
    setPrice: (ticker, mid) => {
      if (!known.has(ticker)) throw new Error(`polymarket sim: no market mirrors ${ticker}`);
      if (mid === null) state.overrides.delete(ticker);
      else {
        if (!Number.isSafeInteger(mid) || mid <= 0 || mid >= 1_000_000) throw new Error('polymarket sim: setPrice takes micros strictly between 0 and 1_000_000');
        state.overrides.set(ticker, mid);
      }
    },
    setFaults: (p) => state.faults.set(p),
    close: () => new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };
}
