/**
 * node:http server: /trade-api/v2 (the Kalshi API), /sim-oracle/v1 (fair values, on by default), /__sim (admin,
 * off by default). Applies faults (429 bursts, 5xx before or after a create executes, accepted-then-timed-out creates,
 * malformed bodies), auth and token-bucket rate limits, then the route handler.
 */
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { handleAdmin } from './admin';
import { authenticate } from './auth';
import type { SimCore } from './core';
import { ApiError, errors, SimResponse } from './errors';
import { fairValues } from './oracle';
import { costOf } from './rate-limit';
import { Ctx, matchRoute, Route } from './router';
import { orderRoutes } from './routes-orders';
import { portfolioRoutes } from './routes-portfolio';
import { publicRoutes } from './routes-public';
import { historicalRoutes } from './historical';

export const API_PREFIX = '/trade-api/v2';
export const ORACLE_PREFIX = '/sim-oracle/v1';
export const ADMIN_PREFIX = '/__sim';
const MAX_BODY = 1_000_000;
const ROUTES: Route[] = [...publicRoutes, ...portfolioRoutes, ...orderRoutes, ...historicalRoutes];

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new Error('body too large'));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, r: SimResponse, malformed = false): void {
  let text = JSON.stringify(r.body);
  if (malformed) text = text.slice(0, Math.max(1, Math.floor(text.length / 2)));
  res.writeHead(r.status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...(r.headers ?? {}) });
  res.end(text);
}

function batchItems(raw: string): number {
  try {
    const v = JSON.parse(raw);
    return Array.isArray(v?.orders) ? v.orders.length : Array.isArray(v?.ids) ? v.ids.length : 1;
  } catch {
    return 1;
  }
}

export interface SimServer {
  server: Server;
  /** Sockets held open by the "hold" timeout fault. */
  held: Set<Socket>;
  close(): Promise<void>;
}

export function createSimServer(core: SimCore): SimServer {
  const sockets = new Set<Socket>();
  const held = new Set<Socket>();
  const log = core.opts.logger;

  async function api(req: IncomingMessage, res: ServerResponse, path: string, query: URLSearchParams, raw: string): Promise<void> {
    const method = (req.method ?? 'GET').toUpperCase();
    const sub = path.slice(API_PREFIX.length) || '/';
    core.sync();
    const found = matchRoute(ROUTES, method, sub);
    if (!found || found === 'method') return send(res, { status: 404, body: errors.notFound().body });
    if (core.faults.take429()) return send(res, { status: 429, body: errors.tooManyRequests().body });
    if (core.faults.take5xx()) return send(res, { status: 500, body: errors.internal().body });
    const { route, params } = found;
    const ctx: Ctx = { core, method, path: sub, params, query, rawBody: raw, keyId: null, accountId: null, received: [] };
    let r: SimResponse;
    try {
      if (route.auth) {
        ctx.keyId = authenticate(req.headers, method, path, core.keys, core.authNowMs(), core.authWindow);
        ctx.accountId = core.exchange.accountIdForKey(ctx.keyId);
      }
      if (core.limiter) {
        const { kind, cost } = costOf(method, sub, sub.endsWith('/batched') ? batchItems(raw) : 1);
        const who = ctx.keyId ?? `anon:${req.socket.remoteAddress ?? ''}`;
        if (!core.limiter.take(who, kind, cost, core.opts.wallNow())) throw errors.tooManyRequests();
      }
      r = route.handler(ctx);
    } catch (e) {
      if (e instanceof ApiError) r = { status: e.status, body: e.body };
      else {
        log.error({ err: e, path: sub }, 'sim: handler failed');
        r = { status: 500, body: errors.internal().body };
      }
    }
    log.debug({ method, path: sub, status: r.status }, 'sim request');
    if (route.create && r.status >= 200 && r.status < 300 && core.faults.takeCreateTimeout()) {
      for (const row of ctx.received) if (row.order_id) row.outcome = 'timed_out_after_create';
      if (core.faults.faults.timeoutMode === 'hold') held.add(req.socket);
      else req.socket.destroy();
      return;
    }
    if (route.create && r.status >= 200 && r.status < 300 && core.faults.takeCreateThen500()) {
      // Executed, then a 500: the order exists although the client is told the call failed.
      for (const row of ctx.received) if (row.order_id) row.outcome = 'created_then_500';
      return send(res, { status: 500, body: errors.internal().body });
    }
    send(res, r, r.status >= 200 && r.status < 300 && core.faults.takeMalformed());
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // The Date header tells the simulator's wall clock as its auth check sees it (real time + the clockSkewMs fault),
    // so a client measures the skew against it as against Kalshi (src/venues/kalshi/venue-clock.ts).
    res.setHeader('date', new Date(core.authNowMs()).toUTCString());
    const url = new URL(req.url ?? '/', 'http://sim.local');
    const path = url.pathname;
    let raw = '';
    try {
      raw = await readBody(req);
    } catch {
      return send(res, { status: 413, body: errors.decode('request body too large').body });
    }
    if (path === API_PREFIX || path.startsWith(`${API_PREFIX}/`)) return api(req, res, path, url.searchParams, raw);
    if (core.opts.oracle && path === `${ORACLE_PREFIX}/fair-values` && req.method === 'GET') {
      core.sync();
      const t = url.searchParams.get('tickers');
      return send(res, { status: 200, body: fairValues(core.exchange, core.opts.seed, core.opts.oracleNoisePpm, t ? new Set(t.split(',')) : null) });
    }
    if (core.opts.admin && path.startsWith(`${ADMIN_PREFIX}/`)) return send(res, handleAdmin(core, (req.method ?? 'GET').toUpperCase(), path, raw, url.searchParams));
    send(res, { status: 404, body: errors.notFound().body });
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((e) => {
      log.error({ err: e }, 'sim: request failed');
      if (!res.headersSent) send(res, { status: 500, body: errors.internal().body });
    });
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => {
      sockets.delete(s);
      held.delete(s);
    });
  });
  return {
    server,
    held,
    close: () => new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };
}
