/** Test helpers: RSA keypairs, signed requests against the simulator (node fetch), fixture loading. */
import { constants, generateKeyPairSync, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path, { join } from 'node:path';
import { startSimulator, SimHandle, StartOptions } from '../../src/sim';

export const FIXTURES = path.resolve(__dirname, '../fixtures/kalshi-wire');
export const START_MS = Date.UTC(2026, 8, 1, 12, 0, 0); // 2026-09-01T12:00:00Z

export interface TestKey { keyId: string; publicKeyPem: string; privateKeyPem: string }

export function makeKey(keyId: string): TestKey {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    keyId,
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    privateKeyPem: privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
  };
}

export function signHeaders(key: TestKey, method: string, fullPath: string, tsMs = Date.now()): Record<string, string> {
  const ts = String(tsMs);
  const sig = sign('sha256', Buffer.from(ts + method + fullPath.split('?')[0]), {
    key: key.privateKeyPem, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST,
  }).toString('base64');
  return { 'KALSHI-ACCESS-KEY': key.keyId, 'KALSHI-ACCESS-TIMESTAMP': ts, 'KALSHI-ACCESS-SIGNATURE': sig };
}

export interface Res { status: number; body: any; text: string; headers: Headers }

export class Client {
  constructor(readonly sim: SimHandle, readonly key: TestKey | null) {}

  async req(method: string, path: string, body?: unknown, opts: { sign?: boolean; tsMs?: number; headers?: Record<string, string> } = {}): Promise<Res> {
    const full = `/trade-api/v2${path}`;
    const headers: Record<string, string> = { 'content-type': 'application/json', ...(opts.headers ?? {}) };
    if (this.key && opts.sign !== false) Object.assign(headers, signHeaders(this.key, method, full, opts.tsMs));
    const r = await fetch(`${this.sim.rootUrl}${full}`, { method, headers, body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body) });
    const text = await r.text();
    let parsed: any = null;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = null;
    }
    return { status: r.status, body: parsed, text, headers: r.headers };
  }

  get(path: string) { return this.req('GET', path); }
  post(path: string, body: unknown) { return this.req('POST', path, body); }
  del(path: string, body?: unknown) { return this.req('DELETE', path, body); }

  create(o: Record<string, unknown>) {
    return this.post('/portfolio/events/orders', { self_trade_prevention_type: 'taker_at_cross', time_in_force: 'good_till_canceled', ...o });
  }
}

export async function admin(sim: SimHandle, method: string, path: string, body?: unknown): Promise<Res> {
  const r = await fetch(`${sim.rootUrl}/__sim${path}`, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await r.text();
  return { status: r.status, body: text ? JSON.parse(text) : null, text, headers: r.headers };
}

export function fixture(name: string): any {
  return JSON.parse(readFileSync(join(FIXTURES, name), 'utf8'));
}

/** A small deterministic scenario for matching tests (no background liquidity unless asked). */
export const TEST_SCENARIO = {
  name: 'test',
  series: [
    { ticker: 'TS', fee_type: 'quadratic' as const },
    { ticker: 'TM', fee_type: 'quadratic_with_maker_fees' as const },
  ],
  events: [
    { event_ticker: 'TS-E1', series_ticker: 'TS', markets: [
      { ticker: 'TS-E1-A', open_time: '-1d', close_time: '+1d', true_probability: '0.6000' },
      { ticker: 'TS-E1-B', open_time: '-1d', close_time: '+2d', true_probability: '0.3000', price_level_structure: 'deci_cent' },
    ] },
    { event_ticker: 'TM-E1', series_ticker: 'TM', markets: [
      { ticker: 'TM-E1-A', open_time: '-1d', close_time: '+3d', true_probability: '0.5000' },
    ] },
  ],
  maintenance_windows: [{ start: '+10h', end: '+12h' }],
};

export async function startTestSim(keys: TestKey[], extra: Partial<StartOptions> = {}): Promise<SimHandle> {
  return startSimulator({
    port: 0, clock: { mode: 'manual', startMs: START_MS }, keys, admin: true, liquidity: false, rateLimit: false,
    scenario: TEST_SCENARIO as any, ...extra,
  });
}
