/**
 * The dashboard over HTTP (issue 13, "Tests"), on a lane DB written with the real stores (test/cli/paper-lane-fixture.ts
 * plus a cycle whose line carries a planted secret, and a bench entry): every JSON endpoint equals what SQL reads
 * from the DB; the page shows the same figures; non-GET requests get 405; no secret in any response (the scrubber
 * removes a registered secret even when the DB holds it); a token is required when set; a non-loopback bind without a
 * token is refused.
 */
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { readDashboard } from '../../src/dashboard/data';
import { renderPage } from '../../src/dashboard/html';
import { API_PARTS, assertBindAllowed, DashboardRefusedError, isLoopback, startDashboard, type DashboardServer } from '../../src/dashboard/server';
import { clearRegisteredSecrets, registerSecret } from '../../src/observability/redact';
import { openStore } from '../../src/store';
import { tempDir } from '../helpers/lane';
import { LANE, populateLane, summary, T0 } from '../cli/paper-lane-fixture';

const SECRET = 'sk-ant-PLANTED-dashboard-secret-0123456789';
const TOKEN = 'tok-3f9a2b7c1d';
const RULES = { window: 100, benchConfidence: 0.9, minSettled: 30 };
let dbPath: string;
let server: DashboardServer;

const read = () => {
  const db = new BetterSqlite3(dbPath, { readonly: true, fileMustExist: true });
  try {
    return readDashboard(db, { lane: LANE, mode: 'dry-run', env: 'sim' }, RULES, 'config');
  } finally {
    db.close();
  }
};
const sql = <T>(q: string, ...a: unknown[]): T[] => {
  const db = new BetterSqlite3(dbPath, { readonly: true });
  try {
    return db.prepare(q).all(...a) as T[];
  } finally {
    db.close();
  }
};
const get = (p: string, init: RequestInit = {}) => fetch(`${server.url.replace(/\/$/, '')}${p}${p.includes('?') ? '&' : '?'}token=${TOKEN}`, init);

beforeAll(async () => {
  dbPath = populateLane(tempDir('kap-dash-'));
  const s = openStore({ path: dbPath, mode: 'dry-run', env: 'sim' });
  s.cycles.finish({ lane: LANE, firstRunId: 'f2', cycle: 3 }, 'r2', T0 + 90_000_000, T0 + 90_005_000, 'ok', summary({
    whyNoTrade: `leaked ${SECRET} <script>alert(1)</script>`, cash: '240.0000', equity: '248.5000', exposure: '12.0000', skipped: { min_edge_guard: 4 },
  }) as never);
  s.quality.addToBench({ model: 'sim-oracle', series: 'KXHIGHNY', state: 'bench', settled: 40, skill: -0.25, interval: { lo: -0.4, hi: -0.05, confidence: 0.9, resamples: 1000 } }, T0);
  s.close();
  registerSecret(SECRET);
  server = await startDashboard({ host: '127.0.0.1', port: 0, token: TOKEN, read });
});
afterAll(async () => {
  await server?.close();
  clearRegisteredSecrets();
});

test('every JSON endpoint matches the DB', async () => {
  const json = async (p: string) => {
    const r = await get(`/api/${p}`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('application/json');
    return r.json() as Promise<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  };
  const cycles = sql<{ cycle: number; summary_json: string; finished_at_ms: number; outcome: string }>('SELECT cycle, summary_json, finished_at_ms, outcome FROM cycles WHERE lane = ? ORDER BY started_at_ms, cycle', LANE);
  const equity = await json('equity');
  expect(equity.map((e: { cycle: number; equity: string | null }) => [e.cycle, e.equity])).toEqual(cycles.map((c) => [c.cycle, JSON.parse(c.summary_json).equity ?? null]));
  // peak 251.73, then 248.50: drawdown 3.23
  expect(equity.at(-1).drawdown_micros).toBe(3_230_000);
  expect((await json('exposure')).map((e: { exposure: string | null }) => e.exposure)).toEqual(cycles.map((c) => JSON.parse(c.summary_json).exposure ?? null));
  expect(await json('positions')).toEqual(sql('SELECT ticker, side, count_centis, cost_micros FROM paper_positions WHERE count_centis > 0 AND settled_result IS NULL ORDER BY ticker, side'));
  expect(await json('orders')).toEqual(sql("SELECT ticker, side, action, limit_price_micros AS price_micros, count_centis - filled_centis AS count_centis, status FROM paper_orders WHERE status = 'resting' ORDER BY id"));
  const cyc = await json('cycles');
  expect(cyc.map((c: { cycle: number; outcome: string }) => [c.cycle, c.outcome]).sort()).toEqual(cycles.map((c) => [c.cycle, c.outcome]).sort());
  const hits: Record<string, number> = {};
  for (const c of cycles) for (const [k, n] of Object.entries(JSON.parse(c.summary_json).skipped ?? {})) hits[k] = (hits[k] ?? 0) + (n as number);
  expect(await json('guard-hits')).toEqual(hits);
  const control = sql<{ kill_engaged: number; paused: number }>('SELECT kill_engaged, paused FROM control_state')[0];
  const st = await json('status');
  expect(st.banner).toEqual({ lane: LANE, mode: 'dry-run', env: 'sim', word: 'PAPER' });
  expect(st.control.killSwitch.engaged).toBe(control ? control.kill_engaged === 1 : false);
  const scores = await json('scores');
  expect(scores.quality.bench.map((b: { model: string; series: string }) => [b.model, b.series])).toEqual(sql<{ model: string; series: string }>('SELECT model, series FROM model_bench').map((b) => [b.model, b.series]));
  const llm = await json('llm');
  const spent = sql<{ n: number; m: number }>('SELECT COUNT(*) AS n, COALESCE(SUM(charged_micros), 0) AS m FROM llm_calls')[0];
  expect(llm).toMatchObject({ calls: spent.n, spentMicros: spent.m });
  expect(Object.keys(API_PARTS).sort()).toEqual(['cycles', 'equity', 'exposure', 'guard-hits', 'llm', 'orders', 'pnl-by-day', 'positions', 'scores', 'status']);
  const days = await json('pnl-by-day');
  expect(days.length).toBeGreaterThan(0);
  expect(days.at(-1).pnl).toBe('-3.2300');
});

test('the page shows the DB figures, escapes every text and has no script', async () => {
  const r = await get('/');
  expect(r.status).toBe(200);
  expect(r.headers.get('content-security-policy')).toContain("default-src 'none'");
  const html = await r.text();
  expect(html).toContain('<div id="mode-banner" class="paper">PAPER · sim · kalshi-autopilot-sim-dry-run</div>');
  expect(html).toContain('<b id="equity-last">248.5000</b>');
  expect(html).toContain('<b id="exposure-last">12.0000</b>');
  expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  expect(html).not.toMatch(/<script/i);
  expect(html).toContain('<svg id="equity-chart"');
  expect(html).toContain('<svg id="reliability"');
  expect(html).not.toMatch(/https?:\/\/(?!www\.w3\.org\/2000\/svg)/); // no external asset
});

test('read-only: every non-GET method is 405; unknown paths 404; the token is required', async () => {
  for (const method of ['POST', 'PUT', 'DELETE', 'PATCH']) {
    const r = await get('/api/status', { method });
    expect(r.status).toBe(405);
    expect(r.headers.get('allow')).toBe('GET');
  }
  expect((await get('/api/nope')).status).toBe(404);
  expect((await fetch(`${server.url}api/status`)).status).toBe(401);
  expect((await fetch(`${server.url}api/status`, { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(200);
  expect((await fetch(`${server.url}api/status?token=wrong-${TOKEN}`)).status).toBe(401);
});

test('no secret in any response', async () => {
  for (const p of ['/', ...Object.keys(API_PARTS).map((x) => `/api/${x}`), '/api/nope']) {
    const body = await (await get(p)).text();
    expect(body).not.toContain(SECRET);
    expect(body).not.toContain(TOKEN);
  }
  expect(JSON.stringify(read())).toContain(SECRET); // the DB does hold it: the scrubber is what keeps it off the wire
});

test('a non-loopback bind without a token is refused; loopback forms are recognised', async () => {
  expect(() => assertBindAllowed('0.0.0.0', null)).toThrow(DashboardRefusedError);
  expect(() => assertBindAllowed('192.168.1.5', null)).toThrow(/--token/);
  await expect(startDashboard({ host: '0.0.0.0', port: 0, token: null, read })).rejects.toThrow(DashboardRefusedError);
  expect(() => assertBindAllowed('0.0.0.0', 'x')).not.toThrow();
  for (const h of ['127.0.0.1', 'localhost', '::1', '[::1]', '127.1.2.3']) expect(isLoopback(h)).toBe(true);
  for (const h of ['0.0.0.0', '::', '10.0.0.1', 'example.com']) expect(isLoopback(h)).toBe(false);
});

test('the mode banner names the lane: PAPER for dry-run, LIVE (red on prod) for live', () => {
  const db = new BetterSqlite3(dbPath, { readonly: true });
  try {
    const live = renderPage(readDashboard(db, { lane: 'kalshi-autopilot-prod-live', mode: 'live', env: 'prod' }, RULES, 'config'));
    expect(live).toContain('<div id="mode-banner" class="live prod">LIVE · prod · kalshi-autopilot-prod-live</div>');
    const demo = renderPage(readDashboard(db, { lane: 'kalshi-autopilot-demo-live', mode: 'live', env: 'demo' }, RULES, 'config'));
    expect(demo).toContain('<div id="mode-banner" class="live">LIVE · demo · kalshi-autopilot-demo-live</div>');
  } finally {
    db.close();
  }
});
