/**
 * `markets --venue polymarket` and `orderbook --venue polymarket TOKEN_ID` against the Polymarket simulator; the
 * Kalshi default is unchanged (no --venue = kalshi; covered by read-commands.test.ts).
 */
import { Command } from 'commander';
import { registerReadCommands } from '../../src/cli/read-commands';
import { startSimulator, SimHandle } from '../../src/sim';
import { PolymarketSimHandle, startPolymarketSim } from '../../src/sim/polymarket';
import { tempDir } from '../helpers/lane';

let kalshi: SimHandle;
let pm: PolymarketSimHandle;
const cwd = tempDir('kap-pmread-');

beforeAll(async () => {
  kalshi = await startSimulator({ clock: { mode: 'manual', startMs: Date.parse('2026-09-01T12:00:00Z') }, liquidity: false, rateLimit: false });
  pm = await startPolymarketSim({ mirror: kalshi, seed: 5 });
});
afterAll(async () => {
  await pm?.close();
  await kalshi?.close();
});

async function run(args: string[]): Promise<string> {
  let out = '';
  const program = new Command('kalshi-autopilot').exitOverride().configureOutput({ writeErr: () => {}, writeOut: () => {} });
  registerReadCommands(program, { env: {}, cwd, out: (s) => (out += s) });
  await program.parseAsync(['node', 'kalshi-autopilot', ...args]);
  return out;
}
const hosts = () => ['--venue', 'polymarket', '--gamma-base-url', pm.gammaBaseUrl, '--clob-base-url', pm.clobBaseUrl];

test('markets --venue polymarket --json: Gamma field names, the encoded arrays decoded, prices as decimal strings', async () => {
  pm.setPrice('SIMRATES-W1-CUT', 250_000);
  const rows = JSON.parse(await run(['markets', ...hosts(), '--json', '--limit', '500'])) as Record<string, unknown>[];
  const t = pm.markets().find((m) => m.ticker === 'SIMRATES-W1-CUT')!;
  const cut = rows.find((r) => r.conditionId === t.conditionId)!;
  expect(cut).toMatchObject({
    question: 'Rate decision, week 1: Cut?', outcomes: ['Yes', 'No'], outcomePrices: ['0.25', '0.75'], clobTokenIds: [t.yesToken, t.noToken],
    active: true, closed: false, bestBid: '0.24', bestAsk: '0.26', orderPriceMinTickSize: '0.01', orderMinSize: '5',
  });
  pm.setPrice('SIMRATES-W1-CUT', null);
});

test('markets --venue polymarket: a table with one row per outcome and its token id; Kalshi-only filters refused', async () => {
  const text = await run(['markets', ...hosts(), '--limit', '2']);
  const lines = text.trimEnd().split('\n');
  expect(lines[0]).toMatch(/^CONDITION ID\s+QUESTION\s+OUTCOME\s+TOKEN ID\s+STATUS\s+END$/);
  expect(lines[1]).toMatch(/^0x[0-9a-f]{64}\s+.+\s+Yes 0\.\d+\s+\d{50,}\s+open\s+20\d\d-/);
  expect(lines[2]).toMatch(/^\s+No 0\.\d+\s+\d{50,}$/);
  expect(lines[lines.length - 1]).toBe('2 market(s)');
  await expect(run(['markets', ...hosts(), '--series', 'SIMRATES'])).rejects.toThrow(/--series\/--event are Kalshi filters/);
  await expect(run(['markets', ...hosts(), '--status', 'settled'])).rejects.toThrow(/must be open or closed/);
});

test('orderbook --venue polymarket TOKEN_ID --json: the CLOB book in wire order (best last) plus derived best prices', async () => {
  const t = pm.markets().find((m) => m.ticker === 'SIMCPI-M1-T0.2')!;
  pm.setPrice('SIMCPI-M1-T0.2', 500_000);
  const j = JSON.parse(await run(['orderbook', t.yesToken, ...hosts(), '--json']));
  expect(j).toMatchObject({ market: t.conditionId, asset_id: t.yesToken, best_bid: '0.49', best_ask: '0.51', mid: '0.5000', spread: '0.02', tick_size: '0.01' });
  expect(j.bids[j.bids.length - 1].price).toBe('0.49');
  expect(j.asks[j.asks.length - 1].price).toBe('0.51');
  const human = await run(['orderbook', t.yesToken, ...hosts()]);
  expect(human).toMatch(/best bid 0\.49 {2}best ask 0\.51 {2}mid 0\.5000/);
  expect(human.split('\n')[4]).toMatch(/^\s*0\.49\s+[\d.]+\s+0\.51\s+[\d.]+$/);
  pm.setPrice('SIMCPI-M1-T0.2', null);
});

test('orderbook --venue polymarket: a non-token argument and an unknown token are usage errors naming what to do', async () => {
  await expect(run(['orderbook', 'SIMCPI-M1-T0.2', ...hosts()])).rejects.toThrow(/TOKEN_ID must be a Polymarket token id/);
  await expect(run(['orderbook', '12345', ...hosts()])).rejects.toThrow(/no order book for that token .*markets --venue polymarket/);
  await expect(run(['orderbook', '12345', '--venue', 'polymarket', '--gamma-base-url', 'http://127.0.0.1:9/gamma', '--clob-base-url', 'http://127.0.0.1:9/clob'])).rejects.toThrow(/sim --polymarket/);
});
