import { createServer, Server, IncomingMessage } from 'node:http';
import { AddressInfo } from 'node:net';
import { constants, verify } from 'node:crypto';
import { Command } from 'commander';
import { registerReadCommands } from '../../src/cli/read-commands';
import { KalshiClient } from '../../src/venues/kalshi';
import { safeErrorMessage } from '../../src/observability/redact';
import { fakeFetch, fixtureText, jsonResponse, meta, testKeys, KEY_ID } from '../venues/kalshi/helpers';
import { tempDir } from '../helpers/lane';

const LEP = 'KXWTACHALLENGERMATCH-26JUN11JIMLEP-LEP';
let server: Server;
let base: string;
const seen: IncomingMessage[] = [];

function route(url: URL): string {
  const p = url.pathname.replace('/trade-api/v2', '');
  if (p === '/markets') {
    const c = url.searchParams.get('cursor');
    if (!c) return 'markets__page1';
    return ['markets__page2', 'markets__page3'].find((n) => meta(n).path.endsWith(`cursor=${c}`)) ?? 'markets__limit_over_max';
  }
  if (p === `/markets/${LEP}/orderbook`) return 'orderbook__base';
  const table: Record<string, string> = {
    '/portfolio/balance': 'auth__balance_ok', '/portfolio/positions': 'portfolio__positions', '/portfolio/orders': 'portfolio__orders_list',
    '/portfolio/fills': 'fills__after_taker', '/portfolio/settlements': 'settlements__page', '/exchange/status': 'exchange__status',
  };
  return table[p] ?? 'orders__cancel_unknown_id';
}

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push(req);
    const url = new URL(req.url!, 'http://127.0.0.1');
    const name = route(url);
    let body = fixtureText(name);
    if (name === 'markets__page3') body = JSON.stringify({ ...JSON.parse(body), cursor: '' });
    res.writeHead(meta(name).status, { 'content-type': 'application/json' });
    res.end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));
beforeEach(() => (seen.length = 0));

// No config file and no local simulator key here: every default is the built-in one.
const cwd = tempDir('kap-read-');
const CREDS = { KALSHI_API_KEY_ID: KEY_ID, KALSHI_PRIVATE_KEY: testKeys().pkcs1.replace(/\n/g, '\\n') };

async function run(args: string[], env: NodeJS.ProcessEnv = CREDS): Promise<string> {
  let out = '';
  const program = new Command('kalshi-autopilot').exitOverride().configureOutput({ writeErr: () => {}, writeOut: () => {} });
  registerReadCommands(program, { env, cwd, out: (s) => (out += s) });
  await program.parseAsync(['node', 'kalshi-autopilot', ...args]);
  return out;
}

const sim = () => ['--env', 'sim', '--kalshi-base-url', base];

describe('read commands against a loopback server serving recorded fixtures', () => {
  it('markets --json walks all pages and uses exchange field names', async () => {
    const rows = JSON.parse(await run(['markets', ...sim(), '--json'])) as Record<string, unknown>[];
    expect(rows).toHaveLength(15);
    expect(rows[0]).toMatchObject({
      ticker: 'KXMLBHIT-26JUN111310AZMIA-AZKMARTE4-4', event_ticker: 'KXMLBHIT-26JUN111310AZMIA', status: 'initialized',
      yes_bid_dollars: null, yes_ask_dollars: null, volume_fp: '0.00',
    });
    expect(seen).toHaveLength(3);
    expect(seen[0].url).toBe('/trade-api/v2/markets?limit=1000');
  });

  it('markets --limit 7 --status open passes the filter and stops at 7', async () => {
    const rows = JSON.parse(await run(['markets', ...sim(), '--json', '--limit', '7', '--status', 'open', '--series', 'KXMLBHIT'])) as unknown[];
    expect(rows).toHaveLength(7);
    expect(seen[0].url).toBe('/trade-api/v2/markets?limit=7&status=open&series_ticker=KXMLBHIT');
    expect(seen[1].url).toContain('status=open');
  });

  it('markets human output is an aligned table', async () => {
    const text = await run(['markets', ...sim(), '--limit', '2']);
    const lines = text.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^TICKER\s+STATUS\s+YES BID\s+YES ASK\s+LAST\s+VOLUME\s+CLOSE$/);
    expect(lines[1]).toMatch(/^KXMLBHIT-26JUN111310AZMIA-AZKMARTE4-4\s+initialized\s+-\s+-\s+-\s+0\.00\s+2026-/);
    expect(lines[1].indexOf('initialized')).toBe(lines[0].indexOf('STATUS'));
    expect(lines[3]).toBe('2 market(s)');
  });

  it('orderbook --json adds derived best prices', async () => {
    const ob = JSON.parse(await run(['orderbook', LEP, ...sim(), '--json']));
    expect(ob).toEqual({
      ticker: LEP, orderbook_fp: { yes_dollars: [['0.4700', '3.00']], no_dollars: [['0.4800', '3.00']] },
      best_yes_bid: '0.4700', best_yes_ask: '0.5200', best_no_bid: '0.4800', best_no_ask: '0.5300',
    });
    const human = await run(['orderbook', LEP, ...sim()]);
    expect(human).toContain('best ask  0.5200 x 3.00  0.5300 x 3.00');
  });

  it('balance --json uses balance_dollars; the request is signed', async () => {
    expect(JSON.parse(await run(['balance', ...sim(), '--json']))).toEqual({
      balance_dollars: '98.0186', portfolio_value: 198, updated_ts: 1781159348, balance_breakdown: [{ balance: '98.0186', exchange_index: 0 }],
    });
    const h = seen[0].headers;
    const msg = `${h['kalshi-access-timestamp']}GET/trade-api/v2/portfolio/balance`;
    expect(verify('sha256', Buffer.from(msg), { key: testKeys().publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST },
      Buffer.from(String(h['kalshi-access-signature']), 'base64'))).toBe(true);
    expect(await run(['balance', ...sim()])).toMatch(/\$98\.0186\s+\$1\.98/);
  });

  it('positions, orders, fills, settlements, exchange-status --json', async () => {
    const pos = JSON.parse(await run(['positions', ...sim(), '--json']));
    expect(pos.market_positions).toEqual([{ ticker: LEP, position_fp: '3.00', market_exposure_dollars: '2.500000', total_traded_dollars: '2.500000', realized_pnl_dollars: '0.000000', fees_paid_dollars: '0.018900', last_updated_ts: '2026-06-11T06:29:30.165032Z' }]);
    const orders = JSON.parse(await run(['orders', ...sim(), '--json'])) as Record<string, unknown>[];
    expect(orders).toHaveLength(9);
    expect(orders[0]).toMatchObject({ order_id: '97ec18b7-10d3-4557-9de0-8598aad625f0', status: 'executed', yes_price_dollars: '0.9900', fill_count_fp: '1.00', taker_fees_dollars: '0.017500', taker_fill_cost_dollars: '0.520000' });
    const fills = JSON.parse(await run(['fills', ...sim(), '--json'])) as Record<string, unknown>[];
    expect(fills.map((f) => f.fee_cost)).toEqual(['0.017500', '0.000700', '0.000700']);
    expect(fills[0]).toMatchObject({ yes_price_dollars: '0.5200', count_fp: '1.00', side: 'yes', action: 'buy' });
    expect(JSON.parse(await run(['settlements', ...sim(), '--json']))).toEqual([]);
    const st = JSON.parse(await run(['exchange-status', ...sim(), '--json']));
    expect(st).toMatchObject({ exchange_active: true, trading_active: true, exchange_estimated_resume_time: null });
    // Measured against the server's Date header (whole seconds): this loopback server shares our clock.
    expect(Math.abs(st.clock_skew_ms)).toBeLessThanOrEqual(2000);
    expect(await run(['exchange-status', ...sim()])).toMatch(/^EXCHANGE ACTIVE {2}TRADING ACTIVE {2}RESUME {2}CLOCK SKEW\ntrue {13}true {12}- {7}-?\d+ ms\n$/);
  });

  it("without --env the env is the config's (default sim), never a silent prod", async () => {
    expect(JSON.parse(await run(['markets', '--kalshi-base-url', base, '--json']))).toHaveLength(15);
    expect(seen).toHaveLength(3);
  });

  it('portfolio commands without credentials fail before any request, naming the env vars', async () => {
    await expect(run(['positions', ...sim()], {})).rejects.toThrow('positions needs Kalshi credentials: on env sim, start the simulator with `kalshi-autopilot up` or `kalshi-autopilot sim`');
    await expect(run(['positions', '--env', 'demo'], {})).rejects.toThrow('positions needs Kalshi credentials for demo: set KALSHI_API_KEY_ID and KALSHI_PRIVATE_KEY or KALSHI_PRIVATE_KEY_FILE');
    await expect(run(['balance', ...sim()], { KALSHI_API_KEY_ID: KEY_ID })).rejects.toThrow(/neither KALSHI_PRIVATE_KEY nor KALSHI_PRIVATE_KEY_FILE/);
    expect(seen).toHaveLength(0);
    // Public reads work without credentials.
    expect(JSON.parse(await run(['exchange-status', ...sim(), '--json'], {})).trading_active).toBe(true);
  });

  it('env/host mismatch is refused', async () => {
    await expect(run(['markets', '--env', 'demo', '--kalshi-base-url', base])).rejects.toThrow(/env demo requires https, got http:\/\/127.0.0.1/);
    await expect(run(['markets', '--env', 'prod', '--kalshi-base-url', 'https://external-api.demo.kalshi.co'])).rejects.toThrow(/demo host/);
    expect(seen).toHaveLength(0);
  });

  it('an unknown ticker is named, with the command that lists the real ones', async () => {
    await expect(run(['orderbook', 'UNKNOWN', ...sim()])).rejects.toThrow(`no market UNKNOWN on sim at ${new URL(base).host} (HTTP 404 not_found): list the tickers with \`kalshi-autopilot markets --env sim --kalshi-base-url ${base}\``);
  });

  /** The commands with a client whose every response is `answer` (no retries). */
  async function runAgainst(args: string[], status: number, body: string | object): Promise<{ out: string; error: unknown }> {
    let out = '';
    const program = new Command('kalshi-autopilot').exitOverride().configureOutput({ writeErr: () => {}, writeOut: () => {} });
    const fetchImpl = fakeFetch(() => jsonResponse(status, body)).fetch;
    registerReadCommands(program, { env: CREDS, out: (s) => (out += s), createClient: (o) => new KalshiClient({ ...o, fetchImpl, maxReadAttempts: 1 }) });
    const error = await program.parseAsync(['node', 'kalshi-autopilot', ...args]).then(() => null, (e: unknown) => e);
    return { out, error };
  }

  it.each(['positions', 'orders', 'fills', 'settlements'])('%s on a 200 without its list fails and prints nothing (never "0 found", B4)', async (cmd) => {
    for (const json of [[], ['--json']]) {
      const r = await runAgainst([cmd, ...sim(), ...json], 200, {});
      expect(r.out).toBe('');
      expect(safeErrorMessage(r.error)).toMatch(/list missing from the response; refusing to read it as empty/);
    }
  });

  it('an unknown key id is reported with env and host, and no secret reaches the error text or stdout', async () => {
    const r = await runAgainst(['balance', ...sim()], 401, fixtureText('auth__unknown_key_id'));
    const host = new URL(base).host;
    expect(safeErrorMessage(r.error)).toBe(
      `Kalshi API key id is unknown to sim at ${host}: API keys are per environment (demo keys only work on demo hosts, ` +
        'prod keys only on prod hosts, sim keys only on the simulator they were registered with); check the key id and --env',
    );
    const everything = `${r.out}\n${safeErrorMessage(r.error)}\n${String(r.error)}\n${(r.error as Error).stack}`;
    expect(everything).not.toContain(KEY_ID);
    for (const line of testKeys().pkcs1.split('\n').filter((l) => l.length > 20)) expect(everything).not.toContain(line);
  });
});
