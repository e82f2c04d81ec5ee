import { assertEnvMatchesHost, resolveBaseUrl, KalshiEnvError, KalshiClient } from '../../../src/venues/kalshi';

describe('environments and host guard', () => {
  it('defaults to the documented external-api hosts', () => {
    expect(resolveBaseUrl('prod')).toBe('https://external-api.kalshi.com/trade-api/v2');
    expect(resolveBaseUrl('demo')).toBe('https://external-api.demo.kalshi.co/trade-api/v2');
  });

  it('sim has no default host', () => {
    expect(() => resolveBaseUrl('sim')).toThrow(/sim has no default host/);
  });

  it('appends /trade-api/v2 to a bare origin and keeps an explicit path', () => {
    expect(resolveBaseUrl('sim', 'http://127.0.0.1:4567')).toBe('http://127.0.0.1:4567/trade-api/v2');
    expect(resolveBaseUrl('demo', 'https://demo-api.kalshi.co/trade-api/v2/')).toBe('https://demo-api.kalshi.co/trade-api/v2');
  });

  it.each([
    ['demo', 'https://external-api.kalshi.com/trade-api/v2', /prod host/],
    ['demo', 'https://api.elections.kalshi.com', /prod host/],
    ['prod', 'https://external-api.demo.kalshi.co', /demo host/],
    ['prod', 'http://external-api.kalshi.com', /requires https/],
    ['sim', 'https://external-api.demo.kalshi.co', /loopback/],
    ['sim', 'http://10.0.0.5:8080', /loopback/],
    ['demo', 'https://evil.example.com', /may only use/],
    ['demo', 'not a url', /not a valid URL/],
  ] as const)('%s refuses %s', (env, url, msg) => {
    expect(() => assertEnvMatchesHost(env, url)).toThrow(KalshiEnvError);
    expect(() => assertEnvMatchesHost(env, url)).toThrow(msg);
  });

  it.each([
    ['sim', 'http://127.0.0.1:1'],
    ['sim', 'http://localhost:9'],
    ['sim', 'http://[::1]:9'],
    ['demo', 'https://demo-api.kalshi.co/trade-api/v2'],
    ['prod', 'https://api.elections.kalshi.com/trade-api/v2'],
  ] as const)('%s accepts %s', (env, url) => {
    expect(() => assertEnvMatchesHost(env, url)).not.toThrow();
  });

  it('the client requires an explicit env and applies the guard', () => {
    expect(() => new KalshiClient({} as never)).toThrow(/explicit env/);
    expect(() => new KalshiClient({ env: 'demo', baseUrl: 'https://external-api.kalshi.com' })).toThrow(KalshiEnvError);
    expect(new KalshiClient({ env: 'sim', baseUrl: 'http://127.0.0.1:5000' }).baseUrl).toBe('http://127.0.0.1:5000/trade-api/v2');
  });
});
