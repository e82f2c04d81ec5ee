import { generateKeyPairSync, KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path, { join } from 'node:path';
import { KalshiClient, KalshiClientOptions, RateLimiter } from '../../../src/venues/kalshi';

export const FIXTURES = path.resolve(__dirname, '../../fixtures/kalshi-wire');

export function fixtureText(name: string): string {
  return readFileSync(join(FIXTURES, `${name}.json`), 'utf8');
}
export function fixture(name: string): unknown {
  return JSON.parse(fixtureText(name));
}
export interface Meta {
  method: string;
  host: string;
  path: string;
  status: number;
  request_body: unknown;
}
export function meta(name: string): Meta {
  return JSON.parse(readFileSync(join(FIXTURES, `${name}.meta.json`), 'utf8')) as Meta;
}

export interface Captured {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body: unknown;
}

export type Responder = (req: Captured, index: number) => Response | Promise<Response>;

export function jsonResponse(status: number, body: string | object, headers: Record<string, string> = {}): Response {
  return new Response(typeof body === 'string' ? body : JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });
}

/** A fetch that records every request and answers from `responder`. */
export function fakeFetch(responder: Responder): { fetch: typeof fetch; calls: Captured[] } {
  const calls: Captured[] = [];
  const f = (async (input: string | URL | Request, init?: RequestInit) => {
    const headers: Record<string, string> = {};
    new Headers(init?.headers).forEach((v, k) => (headers[k.toLowerCase()] = v));
    const rawBody = init?.body;
    const req: Captured = {
      method: init?.method ?? 'GET',
      url: new URL(String(input)),
      headers,
      body: typeof rawBody === 'string' ? JSON.parse(rawBody) : undefined,
    };
    calls.push(req);
    return responder(req, calls.length - 1);
  }) as typeof fetch;
  return { fetch: f, calls };
}

/** Serve recorded fixtures: `route(req)` names the fixture; status comes from its .meta.json. */
export function fixtureFetch(route: (req: Captured) => string): { fetch: typeof fetch; calls: Captured[] } {
  return fakeFetch((req) => {
    const name = route(req);
    return jsonResponse(meta(name).status, fixtureText(name));
  });
}

let cachedKeys: { pkcs1: string; pkcs8: string; publicKey: KeyObject } | null = null;
export function testKeys(): { pkcs1: string; pkcs8: string; publicKey: KeyObject } {
  if (!cachedKeys) {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    cachedKeys = {
      pkcs1: privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
      pkcs8: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      publicKey,
    };
  }
  return cachedKeys;
}

export const KEY_ID = 'a952bcbe-ec3b-4b5b-b8f9-11dae589608c';

/** A demo client with fake fetch, credentials, no real sleeping. */
export function makeClient(fetchImpl: typeof fetch, over: Partial<KalshiClientOptions> = {}): { client: KalshiClient; sleeps: number[] } {
  const sleeps: number[] = [];
  const sleep = async (ms: number) => {
    sleeps.push(ms);
  };
  const client = new KalshiClient({
    env: 'demo',
    credentials: { keyId: KEY_ID, privateKeyPem: testKeys().pkcs8 },
    fetchImpl,
    sleep,
    random: () => 0.5,
    rateLimiter: new RateLimiter({ sleep, now: () => 0 }),
    ...over,
  });
  return { client, sleeps };
}
