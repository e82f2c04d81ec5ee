/**
 * The dashboard in a real headless browser (issue 13, "Tests"): Debian's chromium (scripts/install-chromium.sh) driven
 * by playwright-core. The page renders, the numbers on it equal the DB's, the mode banner is right for each lane (a
 * paper sim lane and a live prod one), no planted secret is on it, and a screenshot is written under the test's temp
 * dir. Without chromium: skipped with a loud message on a developer's machine (`npm run test:browser` installs it);
 * in CI (CI=true) its absence fails the suite. Also run by `npm run test:browser`.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { chromium, type Browser } from 'playwright-core';
import { readDashboard } from '../../src/dashboard/data';
import { startDashboard, type DashboardServer } from '../../src/dashboard/server';
import { clearRegisteredSecrets, registerSecret } from '../../src/observability/redact';
import { openStore } from '../../src/store';
import { tempDir } from '../helpers/lane';
import { LANE, populateLane, summary, T0 } from '../cli/paper-lane-fixture';

jest.setTimeout(90_000);

function findChromium(): string | null {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
  for (const name of ['chromium', 'chromium-browser']) {
    try {
      return execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim() || null;
    } catch {
      // not on PATH
    }
  }
  return null;
}

const CHROMIUM = findChromium();
const IN_CI = process.env.CI === 'true' || process.env.CI === '1';
if (!CHROMIUM && !IN_CI) {
  // Loud on purpose: a skipped browser test must never pass unnoticed.
  console.warn('\n*** SKIPPED test/dashboard/browser.test.ts: no chromium on PATH. Run `npm run test:browser` (installs Debian\'s chromium). In CI this fails. ***\n');
}
const suite = CHROMIUM || IN_CI ? describe : describe.skip;

const SECRET = 'sk-ant-PLANTED-browser-secret-9876543210';
const RULES = { window: 100, benchConfidence: 0.9, minSettled: 30 };

suite('dashboard in headless chromium', () => {
  let dir: string;
  let dbPath: string;
  let browser: Browser;
  const servers: DashboardServer[] = [];
  const serve = async (banner: { lane: string; mode: 'dry-run' | 'live'; env: 'sim' | 'demo' | 'prod' }) => {
    const s = await startDashboard({
      host: '127.0.0.1', port: 0, token: null,
      read: () => {
        const db = new BetterSqlite3(dbPath, { readonly: true, fileMustExist: true });
        try {
          return readDashboard(db, banner, RULES, 'config');
        } finally {
          db.close();
        }
      },
    });
    servers.push(s);
    return s;
  };

  beforeAll(async () => {
    if (!CHROMIUM) throw new Error('CI=true and no chromium on PATH: scripts/install-chromium.sh must run before the tests (.ci/run does)');
    dir = tempDir('kap-browser-');
    dbPath = populateLane(dir);
    const s = openStore({ path: dbPath, mode: 'dry-run', env: 'sim' });
    s.cycles.finish({ lane: LANE, firstRunId: 'f2', cycle: 3 }, 'r2', T0 + 90_000_000, T0 + 90_005_000, 'ok', summary({
      whyNoTrade: `planted ${SECRET}`, cash: '240.0000', equity: '248.5000', exposure: '12.0000',
    }) as never);
    s.close();
    registerSecret(SECRET);
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
  });
  afterAll(async () => {
    await browser?.close();
    for (const s of servers) await s.close();
    clearRegisteredSecrets();
  });

  test('paper lane: renders, its numbers equal the DB, no secret, screenshot written', async () => {
    const server = await serve({ lane: LANE, mode: 'dry-run', env: 'sim' });
    const page = await browser.newPage();
    const external: string[] = [];
    page.on('request', (r) => { if (!r.url().startsWith(server.url)) external.push(r.url()); });
    await page.goto(server.url);
    expect(await page.textContent('#mode-banner')).toBe('PAPER · sim · kalshi-autopilot-sim-dry-run');
    const db = new BetterSqlite3(dbPath, { readonly: true });
    const lastEquity = (db.prepare('SELECT summary_json FROM cycles WHERE lane = ? ORDER BY started_at_ms DESC LIMIT 1').get(LANE) as { summary_json: string }).summary_json;
    const positions = db.prepare('SELECT ticker FROM paper_positions WHERE count_centis > 0 AND settled_result IS NULL ORDER BY ticker, side').all() as { ticker: string }[];
    const resting = db.prepare("SELECT COUNT(*) AS n FROM paper_orders WHERE status = 'resting'").get() as { n: number };
    db.close();
    expect(await page.textContent('#equity-last')).toBe(JSON.parse(lastEquity).equity);
    expect(await page.textContent('#exposure-last')).toBe(JSON.parse(lastEquity).exposure);
    expect(await page.$$eval('#positions tbody tr td:first-child', (tds) => tds.map((td) => td.textContent))).toEqual(positions.map((p) => p.ticker));
    expect(await page.$$eval('#orders tbody tr', (trs) => trs.length)).toBe(resting.n);
    // The charts are drawn: a polyline with one point per cycle that recorded equity.
    const pts = await page.$eval('#equity-chart polyline', (el) => el.getAttribute('points') ?? '');
    expect(pts.trim().split(/\s+/).length).toBe(2);
    expect(await page.isVisible('#reliability')).toBe(true);
    const html = await page.content();
    expect(html).not.toContain(SECRET);
    expect(external).toEqual([]);
    const shot = path.join(dir, 'dashboard-paper.png');
    await page.screenshot({ path: shot, fullPage: true });
    expect(fs.statSync(shot).size).toBeGreaterThan(1000);
    await page.close();
  });

  test('live prod lane: the banner says LIVE and prod', async () => {
    const server = await serve({ lane: 'kalshi-autopilot-prod-live', mode: 'live', env: 'prod' });
    const page = await browser.newPage();
    await page.goto(server.url);
    expect(await page.textContent('#mode-banner')).toBe('LIVE · prod · kalshi-autopilot-prod-live');
    expect(await page.getAttribute('#mode-banner', 'class')).toBe('live prod');
    const bg = await page.$eval('#mode-banner', (el) => el.ownerDocument.defaultView!.getComputedStyle(el).backgroundColor);
    expect(bg).toBe('rgb(185, 28, 28)');
    await page.screenshot({ path: path.join(dir, 'dashboard-live.png') });
    expect(fs.existsSync(path.join(dir, 'dashboard-live.png'))).toBe(true);
    await page.close();
  });
});
