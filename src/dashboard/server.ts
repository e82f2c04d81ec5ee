/**
 * The dashboard's HTTP server (read-only): GET `/` is the page, GET `/api/<part>` its data as JSON
 * (API_PARTS); any other method is 405, any other path 404. Loopback by default; binding another address without a
 * token is refused (DashboardRefusedError). With a token every request needs `?token=T` or `Authorization: Bearer T`
 * (401 otherwise; compared in constant time). Every response is passed through the secret scrubber and carries a
 * `default-src 'none'` content security policy: the page has no script and loads nothing.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { timingSafeEqual } from 'node:crypto';
import { safeErrorMessage, scrub } from '../observability/redact';
import type { DashboardData } from './data';
import { renderPage } from './html';

export class DashboardRefusedError extends Error {}

export const API_PARTS: Readonly<Record<string, (d: DashboardData) => unknown>> = Object.freeze({
  status: (d) => ({ banner: d.banner, control: d.control }),
  equity: (d) => d.curve.map((p) => ({ cycle: p.cycle, at_ms: p.atMs, equity: p.equity, drawdown_micros: p.drawdownMicros })),
  exposure: (d) => d.curve.map((p) => ({ cycle: p.cycle, at_ms: p.atMs, exposure: p.exposure, cash: p.cash })),
  'pnl-by-day': (d) => d.pnlByDay,
  positions: (d) => d.positions,
  orders: (d) => d.orders,
  cycles: (d) => d.cycles,
  'guard-hits': (d) => d.guardHits,
  llm: (d) => d.llm,
  scores: (d) => ({ quality: d.quality, rows: d.scores }),
});

export function isLoopback(host: string): boolean {
  const h = host.trim().toLowerCase().replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

/** Refuse a non-loopback bind without a token (the page shows positions and P&L: not for the whole network). */
export function assertBindAllowed(host: string, token: string | null): void {
  if (!isLoopback(host) && !token) {
    throw new DashboardRefusedError(`dashboard: binding ${host} (not a loopback address) needs --token T (every request must then carry it)`);
  }
}

const HEADERS = {
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'cache-control': 'no-store',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

function authorised(req: http.IncomingMessage, url: URL, token: string | null): boolean {
  if (!token) return true;
  const auth = req.headers.authorization;
  const given = url.searchParams.get('token') ?? (auth?.startsWith('Bearer ') ? auth.slice(7) : null);
  if (given === null) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

export interface DashboardServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function startDashboard(opts: { host: string; port: number; token: string | null; read: () => DashboardData }): Promise<DashboardServer> {
  assertBindAllowed(opts.host, opts.token);
  const send = (res: http.ServerResponse, code: number, type: string, body: string, extra: Record<string, string> = {}) => {
    res.writeHead(code, { ...HEADERS, 'content-type': type, ...extra });
    res.end(scrub(body));
  };
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://dashboard.invalid');
    if (req.method !== 'GET') return send(res, 405, 'application/json', JSON.stringify({ error: 'read-only: GET only' }), { allow: 'GET' });
    if (!authorised(req, url, opts.token)) return send(res, 401, 'application/json', JSON.stringify({ error: 'token required (?token=T or Authorization: Bearer T)' }));
    const part = url.pathname.startsWith('/api/') ? url.pathname.slice(5) : null;
    if (url.pathname !== '/' && (part === null || !Object.prototype.hasOwnProperty.call(API_PARTS, part))) {
      return send(res, 404, 'application/json', JSON.stringify({ error: 'not found', pages: ['/', ...Object.keys(API_PARTS).map((p) => `/api/${p}`)] }));
    }
    let data: DashboardData;
    try {
      data = opts.read();
    } catch (err) {
      return send(res, 500, 'application/json', JSON.stringify({ error: `lane DB unreadable: ${safeErrorMessage(err)}` }));
    }
    if (part === null) return send(res, 200, 'text/html; charset=utf-8', renderPage(data));
    return send(res, 200, 'application/json', JSON.stringify(API_PARTS[part](data), null, 2));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const shown = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  return {
    url: `http://${shown}:${port}/`,
    port,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections?.();
      server.close(() => resolve());
    }),
  };
}
