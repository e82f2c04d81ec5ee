/** A tiny route table: method + path pattern (":param" segments) → handler, with an auth flag. */
import type { SimCore, ReceivedOrder } from './core';
import type { SimResponse } from './errors';

export interface Ctx {
  core: SimCore;
  method: string;
  /** Path below /trade-api/v2 (e.g. "/portfolio/balance"). */
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  rawBody: string;
  keyId: string | null;
  accountId: string | null;
  /** Rows appended to the received-order log by this request (for the timeout fault). */
  received: ReceivedOrder[];
}

export type Handler = (ctx: Ctx) => SimResponse;

export interface Route {
  method: string;
  pattern: string;
  auth: boolean;
  /** A create whose response the "accepted then timed out" fault may swallow. */
  create?: boolean;
  handler: Handler;
}

export function matchRoute(routes: Route[], method: string, path: string): { route: Route; params: Record<string, string> } | 'method' | null {
  const segs = path.split('/').filter(Boolean);
  let methodMismatch = false;
  for (const r of routes) {
    const ps = r.pattern.split('/').filter(Boolean);
    if (ps.length !== segs.length) continue;
    const params: Record<string, string> = {};
    let ok = true;
    for (let i = 0; i < ps.length && ok; i++) {
      if (ps[i].startsWith(':')) params[ps[i].slice(1)] = decodeURIComponent(segs[i]);
      else ok = ps[i] === segs[i];
    }
    if (!ok) continue;
    if (r.method !== method) {
      methodMismatch = true;
      continue;
    }
    return { route: r, params };
  }
  return methodMismatch ? 'method' : null;
}

export const ok = (body: unknown, status = 200): SimResponse => ({ status, body });
