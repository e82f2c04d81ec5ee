/**
 * Kalshi environments and the host allow-list (kalshi-api.md §1).
 *
 * The environment is always an explicit argument: there is no default, and in particular no silent default to prod.
 * `assertEnvMatchesHost` is the guard that keeps a demo/sim configuration from ever talking to a production host (and a
 * prod configuration from talking to anything but Kalshi's production hosts).
 */

export type KalshiEnv = 'prod' | 'demo' | 'sim';
export const KALSHI_ENVS: readonly KalshiEnv[] = ['prod', 'demo', 'sim'];

/** The API root (including `/trade-api/v2`) the client uses when no base URL override is given. */
export const DEFAULT_BASE_URLS: Readonly<Record<'prod' | 'demo', string>> = {
  prod: 'https://external-api.kalshi.com/trade-api/v2',
  demo: 'https://external-api.demo.kalshi.co/trade-api/v2',
};

/** Every documented REST host per environment (recommended + "also supported"). */
export const ALLOWED_HOSTS: Readonly<Record<'prod' | 'demo', readonly string[]>> = {
  prod: ['external-api.kalshi.com', 'api.elections.kalshi.com'],
  demo: ['external-api.demo.kalshi.co', 'demo-api.kalshi.co'],
};

export const API_PATH_PREFIX = '/trade-api/v2';

export class KalshiEnvError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KalshiEnvError';
  }
}

export function isKalshiEnv(value: unknown): value is KalshiEnv {
  return typeof value === 'string' && (KALSHI_ENVS as readonly string[]).includes(value);
}

function isLoopbackHost(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h === '::1') return true;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

/**
 * Throws KalshiEnvError unless `baseUrl` is a host that belongs to `env`:
 * prod → Kalshi production hosts over https; demo → Kalshi demo hosts over https; sim → a loopback host (http or https).
 */
export function assertEnvMatchesHost(env: KalshiEnv, baseUrl: string): void {
  if (!isKalshiEnv(env)) throw new KalshiEnvError(`unknown Kalshi env ${JSON.stringify(env)} (expected sim, demo or prod)`);
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new KalshiEnvError(`kalshi base URL is not a valid URL: ${JSON.stringify(baseUrl)}`);
  }
  const host = url.hostname.toLowerCase();
  if (env === 'sim') {
    if (!isLoopbackHost(host)) {
      throw new KalshiEnvError(`env sim requires a loopback base URL (127.0.0.1, ::1 or localhost), got host ${host}`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new KalshiEnvError(`unsupported protocol ${url.protocol}`);
    return;
  }
  if (url.protocol !== 'https:') throw new KalshiEnvError(`env ${env} requires https, got ${url.protocol}//${host}`);
  if (!ALLOWED_HOSTS[env].includes(host)) {
    const other = env === 'prod' ? 'demo' : 'prod';
    const hint = ALLOWED_HOSTS[other].includes(host) ? ` (that is a ${other} host)` : '';
    throw new KalshiEnvError(`env ${env} may only use ${ALLOWED_HOSTS[env].join(' or ')}, got host ${host}${hint}`);
  }
}

/**
 * The API root URL for `env`: the override if given (a bare origin gets `/trade-api/v2` appended), else the documented
 * default. `sim` has no default. The result is always checked with assertEnvMatchesHost.
 */
export function resolveBaseUrl(env: KalshiEnv, baseUrl?: string): string {
  if (!isKalshiEnv(env)) throw new KalshiEnvError(`unknown Kalshi env ${JSON.stringify(env)} (expected sim, demo or prod)`);
  let resolved: string;
  if (baseUrl !== undefined && baseUrl !== '') {
    assertEnvMatchesHost(env, baseUrl);
    const url = new URL(baseUrl);
    const path = url.pathname.replace(/\/+$/, '');
    resolved = `${url.origin}${path === '' ? API_PATH_PREFIX : path}`;
  } else if (env === 'sim') {
    throw new KalshiEnvError('env sim has no default host: pass a loopback base URL (e.g. --kalshi-base-url http://127.0.0.1:PORT)');
  } else {
    resolved = DEFAULT_BASE_URLS[env];
  }
  assertEnvMatchesHost(env, resolved);
  return resolved;
}
