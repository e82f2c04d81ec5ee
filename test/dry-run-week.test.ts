/**
 * A dry-run week on the simulator under time skipping (issue 8, "Tests"): the simulator's clock follows the
 * workflow's logical clock, one cycle an hour. CI runs KALSHI_AUTOPILOT_WEEK_DAYS=2 (the default: 49 cycles, so the
 * cycles span 48 h); `npm run week:dry-run` runs the full week (7 days, 169 cycles).
 *
 * Lane 1, the quickstart (defaults: scope-less dry-run, sim-oracle, the built-in scenario): days roll, paper orders
 * are placed, markets close and settle on the simulator, P&L is realised at settlement, cash = bankroll + Σ ledger.
 * Lane 2, oracle_bias against the bot: it buys the wrong side, loses money, and the daily-loss halt trips (latched,
 * expiring at the next 00:00 UTC) and blocks new paper orders for the rest of that day.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { withLaneStore } from './helpers/lane';
import { biasedScenario, DryRunLane, query, runDryRunLane, startSimAtEnvNow, timeSkippingWithBundle } from './helpers/dry-run';
import { DEFAULT_SCENARIO, type SimHandle } from '../src/sim';
import { utcDayStartMs, DAY_MS } from '../src/domain/daily-loss';
import type { StatusView } from '../src/workflows/definitions';
import { formatDollarsExact } from '../src/domain/fixed';

const DAYS = Number(process.env.KALSHI_AUTOPILOT_WEEK_DAYS ?? '2');
if (!Number.isInteger(DAYS) || DAYS < 1 || DAYS > 14) throw new Error(`KALSHI_AUTOPILOT_WEEK_DAYS: an integer 1..14 (got ${process.env.KALSHI_AUTOPILOT_WEEK_DAYS})`);
/** N×24 hourly intervals need N×24 + 1 cycles. */
const CYCLES = DAYS * 24 + 1;
const HOUR = 3_600_000;
const BANKROLL = 10_000_000_000; // the template's $10 000, micros

jest.setTimeout(60_000 + DAYS * 60_000);

let env: TestWorkflowEnvironment;
let bundle: WorkflowBundleWithSourceMap;

beforeAll(async () => {
  ({ env, bundle } = await timeSkippingWithBundle());
}, 180_000);
afterAll(async () => {
  await env?.teardown();
});

interface CycleRow { cycle: number; outcome: string; started_at_ms: number; summary_json: string }
interface OrderRow { id: number; ticker: string; side: string; action: string; placed_at_ms: number; count_centis: number; filled_centis: number; status: string }
interface PositionRow { ticker: string; side: string; count_centis: number; cost_micros: number; realized_pnl_micros: number; settled_result: string | null; settled_at_ms: number | null }
interface LedgerRow { kind: string; amount_micros: number; ticker: string | null; at_ms: number }

/** The checks both lanes share: cycles ran hourly without an error, cash is the ledger's, settlements realised P&L. */
function commonChecks(lane: DryRunLane, sim: SimHandle) {
  const cycles = query<CycleRow>(lane.dbPath, 'SELECT cycle, outcome, started_at_ms, summary_json FROM cycles ORDER BY cycle');
  expect(cycles.map((c) => c.cycle)).toEqual(Array.from({ length: CYCLES }, (_, i) => i + 1));
  const errors = cycles.filter((c) => c.outcome.startsWith('error:')).map((c) => `${c.cycle}: ${c.outcome} ${JSON.parse(c.summary_json).failedStage}`);
  expect(errors).toEqual([]);
  // Days roll: the cycles span N×24 h of logical time, one an hour, and the simulator's clock moved with them.
  const first = cycles[0].started_at_ms;
  const last = cycles[cycles.length - 1].started_at_ms;
  expect(last - first).toBeGreaterThanOrEqual(DAYS * 24 * HOUR);
  for (let i = 1; i < cycles.length; i++) expect(cycles[i].started_at_ms - cycles[i - 1].started_at_ms).toBeGreaterThanOrEqual(HOUR);
  expect(new Set(cycles.map((c) => utcDayStartMs(c.started_at_ms))).size).toBeGreaterThanOrEqual(DAYS);
  expect(sim.nowMs()).toBeGreaterThanOrEqual(last);

  const ledger = query<LedgerRow>(lane.dbPath, 'SELECT kind, amount_micros, ticker, at_ms FROM paper_ledger ORDER BY id');
  for (const e of ledger) expect(Number.isSafeInteger(e.amount_micros)).toBe(true);
  const sum = ledger.reduce((s, e) => s + e.amount_micros, 0);
  const summary = JSON.parse(cycles[cycles.length - 1].summary_json) as { cash: string; equity: string };
  const cashMicros = withLaneStore(lane.dbPath, (s) => s.paper.cashMicros(BANKROLL));
  expect(cashMicros).toBe(BANKROLL + sum);
  // The last cycle's book step reports that cash, to the micro.
  expect(summary.cash).toBe(formatDollarsExact(BANKROLL + sum));
  return { cycles, ledger };
}

function formatMicros(m: number): string {
  const neg = m < 0;
  const a = Math.abs(m);
  return `${neg ? '-' : ''}${Math.floor(a / 1_000_000)}.${String(a % 1_000_000).padStart(6, '0')}`;
}

/** Settled markets on the simulator (white-box state through the admin API). */
async function simMarkets(sim: SimHandle): Promise<Array<{ ticker: string; status: string; result: string | null; close_ms: number }>> {
  const res = await fetch(`${sim.rootUrl}/__sim/state`);
  return ((await res.json()) as { markets: never[] }).markets;
}

describe(`dry-run on the simulator, ${DAYS} simulated days, hourly cycles`, () => {
  let sim: SimHandle;
  let lane: DryRunLane;
  beforeAll(async () => {
    sim = await startSimAtEnvNow(env);
    lane = await runDryRunLane(env, bundle, sim, { cycles: CYCLES });
  }, 60_000 + DAYS * 60_000);
  afterAll(async () => {
    await sim?.close();
  });

  it('the quickstart config places paper orders, markets settle on the simulator and P&L is realised there', async () => {
    const { ledger } = commonChecks(lane, sim);
    const ctxModel = query<{ model: string }>(lane.dbPath, 'SELECT DISTINCT model FROM estimates');
    expect(ctxModel.map((r) => r.model)).toEqual(['sim-oracle']);

    const orders = query<OrderRow>(lane.dbPath, 'SELECT * FROM paper_orders ORDER BY id');
    const fills = query<{ n: number; src: string }>(lane.dbPath, 'SELECT source AS src, COUNT(*) AS n FROM paper_fills GROUP BY source ORDER BY source');
    expect(orders.length).toBeGreaterThan(0);
    expect(fills.reduce((s, f) => s + f.n, 0)).toBeGreaterThan(0);
    const decided = query<{ n: number }>(lane.dbPath, "SELECT COUNT(*) AS n FROM decisions WHERE decision = 'order'")[0].n;
    expect(orders.length).toBeLessThanOrEqual(decided);

    // Markets closed and settled on the simulator as its clock moved (the first closes at +8h, the next at +20h).
    const markets = await simMarkets(sim);
    const finalized = markets.filter((m) => m.status === 'finalized');
    expect(finalized.length).toBeGreaterThanOrEqual(DAYS >= 7 ? 14 : 5);
    // Every position in a finalized market is settled by the simulator's result, its P&L realised = payout − cost.
    const positions = query<PositionRow>(lane.dbPath, 'SELECT * FROM paper_positions ORDER BY ticker, side');
    const settled = positions.filter((p) => p.settled_result !== null);
    expect(settled.length).toBeGreaterThan(0);
    const byTicker = new Map(markets.map((m) => [m.ticker, m]));
    for (const p of positions) {
      const m = byTicker.get(p.ticker)!;
      if (m.status === 'finalized' && p.count_centis > 0) {
        expect({ ticker: p.ticker, settled: p.settled_result }).toEqual({ ticker: p.ticker, settled: m.result });
      }
      if (p.settled_result === null) continue;
      expect(p.settled_at_ms).toBeGreaterThanOrEqual(m.close_ms);
      const payout = p.side === p.settled_result ? p.count_centis * 10_000 : 0;
      const paid = ledger.filter((e) => e.kind === 'settlement' && e.ticker === p.ticker).reduce((s, e) => s + e.amount_micros, 0);
      expect(paid).toBe(positions.filter((q) => q.ticker === p.ticker && q.settled_result !== null && q.side === q.settled_result).reduce((s, q) => s + q.count_centis * 10_000, 0));
      expect(p.realized_pnl_micros).toBe(payout - p.cost_micros);
    }
    const realised = settled.reduce((s, p) => s + p.realized_pnl_micros, 0);
    expect(realised).not.toBe(0);
    expect(ledger.some((e) => e.kind === 'settlement')).toBe(DAYS >= 1 && settled.some((p) => p.side === p.settled_result));
    // Open positions carry no realised P&L (there are no sells under exit_policy hold): it comes only from settlement.
    for (const p of positions.filter((q) => q.settled_result === null)) expect(p.realized_pnl_micros).toBe(0);
    report('quickstart', lane, orders.length, fills, realised);
  });
});

describe(`oracle_bias against the bot, ${DAYS} simulated days, tight daily loss limit`, () => {
  let sim: SimHandle;
  let lane: DryRunLane;
  let tripped: StatusView | null = null;
  let tripControlRow: ReturnType<typeof readControl> = null;
  const readControl = (dbPath: string) => withLaneStore(dbPath, (s) => s.control.read());
  beforeAll(async () => {
    // Every market quoted at 0.30, settling YES only 5% of the time; the oracle reports ~0.50 (truth + 0.45): the bot
    // sees a 0.2 edge on YES everywhere and buys the wrong side.
    sim = await startSimAtEnvNow(env, { scenario: biasedScenario(DEFAULT_SCENARIO as never, { truth: '0.0100', market: '0.3000', bias: '0.5000' }) as never });
    lane = await runDryRunLane(env, bundle, sim, {
      cycles: CYCLES,
      config: { risk: { daily_loss_limit_fraction: 0.002 } },
      onStatus: (s, dbPath) => {
        if (tripped || s.phase !== 'waiting' || !s.control.latchedHalts.some((h) => h.code === 'daily_loss_guard')) return;
        tripped = s;
        tripControlRow = readControl(dbPath);
      },
    });
  }, 60_000 + DAYS * 60_000);
  afterAll(async () => {
    await sim?.close();
  });

  it('loses money at settlement, trips daily_loss_guard until the next 00:00 UTC and places nothing more that day', () => {
    commonChecks(lane, sim);
    const positions = query<PositionRow>(lane.dbPath, 'SELECT * FROM paper_positions ORDER BY ticker, side');
    const settled = positions.filter((p) => p.settled_result !== null);
    expect(settled.length).toBeGreaterThan(0);
    const realised = settled.reduce((s, p) => s + p.realized_pnl_micros, 0);
    expect(realised).toBeLessThan(0);
    // It bought YES, the wrong side, in markets the simulator settled NO.
    expect(settled.filter((p) => p.side === 'yes' && p.settled_result === 'no').length).toBeGreaterThan(0);

    // The halt was latched in the workflow's state (status query)…
    expect(tripped).not.toBeNull();
    const halt = tripped!.control.latchedHalts.find((h) => h.code === 'daily_loss_guard')!;
    expect(halt.expiresAtMs).toBe(utcDayStartMs(halt.atMs) + DAY_MS);
    expect(halt.reason).toMatch(/^daily loss /);
    // …and in the DB's control row at that moment, with the same expiry, and in the audit trail.
    const rowHalt = tripControlRow!.latchedHalts.find((h) => h.code === 'daily_loss_guard');
    expect(rowHalt).toMatchObject({ atMs: halt.atMs, expiresAtMs: halt.expiresAtMs });
    const events = withLaneStore(lane.dbPath, (s) => s.control.events());
    const latched = events.filter((e) => (e.detail.latchedHalts as Array<{ code: string; expiresAtMs?: number }> | undefined)?.some((h) => h.code === 'daily_loss_guard'));
    expect(latched.length).toBeGreaterThan(0);
    const dbHalt = (latched[latched.length - 1].detail.latchedHalts as Array<{ code: string; expiresAtMs?: number; atMs: number }>).find((h) => h.code === 'daily_loss_guard')!;
    expect(dbHalt).toMatchObject({ atMs: halt.atMs, expiresAtMs: halt.expiresAtMs });

    // No new paper order (buy) between the trip and the next 00:00 UTC; the cycles of that stretch say why.
    const after = query<OrderRow>(lane.dbPath, 'SELECT * FROM paper_orders WHERE placed_at_ms >= ? AND placed_at_ms < ? AND action = ?', halt.atMs, halt.expiresAtMs, 'buy');
    expect(after).toEqual([]);
    const blocked = query<CycleRow>(lane.dbPath, 'SELECT cycle, outcome, started_at_ms, summary_json FROM cycles WHERE started_at_ms > ? AND started_at_ms < ?', halt.atMs, halt.expiresAtMs!);
    expect(blocked.length).toBeGreaterThan(0);
    for (const c of blocked) expect(c.outcome).toBe('skipped:daily_loss_guard');
    const decisions = query<{ n: number }>(lane.dbPath, "SELECT COUNT(*) AS n FROM decisions WHERE reason = 'daily_loss_guard' AND at_ms > ? AND at_ms < ?", halt.atMs, halt.expiresAtMs!);
    expect(decisions[0].n).toBeGreaterThan(0);
    // The halt lifts by itself at 00:00 UTC on the logical clock: the first cycle of the next day is not blocked by it.
    const nextDay = query<CycleRow>(lane.dbPath, 'SELECT cycle, outcome, started_at_ms, summary_json FROM cycles WHERE started_at_ms >= ? ORDER BY cycle LIMIT 1', halt.expiresAtMs!);
    if (nextDay.length > 0) expect(nextDay[0].outcome).toBe('completed');
    const orders = query<OrderRow>(lane.dbPath, 'SELECT * FROM paper_orders ORDER BY id');
    const fills = query<{ n: number; src: string }>(lane.dbPath, 'SELECT source AS src, COUNT(*) AS n FROM paper_fills GROUP BY source ORDER BY source');
    report('oracle_bias', lane, orders.length, fills, realised, `daily_loss_guard latched at ${new Date(halt.atMs).toISOString()}, expires ${new Date(halt.expiresAtMs!).toISOString()}; ${blocked.length} cycles blocked`);
  });
});

function report(name: string, lane: DryRunLane, orders: number, fills: Array<{ n: number; src: string }>, realisedMicros: number, extra = '') {
  // One line per lane for the run's log (npm run week:dry-run prints the week's numbers).
  const reasons = query<{ reason: string; n: number }>(lane.dbPath, "SELECT COALESCE(reason, 'order') AS reason, COUNT(*) AS n FROM decisions GROUP BY reason ORDER BY n DESC, reason");
  extra += ` decisions ${JSON.stringify(Object.fromEntries(reasons.map((r) => [r.reason, r.n])))}`;
  process.stdout.write(`[dry-run ${name}] ${DAYS}d ${lane.result.cycles} cycles: ${orders} paper orders, fills ${JSON.stringify(Object.fromEntries(fills.map((f) => [f.src, f.n])))}, realised P&L ${formatMicros(realisedMicros)} ${extra}\n`);
}
