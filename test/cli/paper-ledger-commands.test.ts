/**
 * `status` (ledger + last cycle) and `reset-paper`, through the built CLI against a real lane DB populated with the
 * stores (test/cli/paper-lane-fixture.ts holds the hand-checked figures). Temporal is unreachable on purpose: status
 * must read the DB without it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { runCli } from '../helpers/cli';
import { tempDir } from '../helpers/lane';
import { acquireDbLock, openStore } from '../../src/store';
import { LANE, populateLane, summary, T0 } from './paper-lane-fixture';

const lane = ['--env', 'sim', '--dry-run', '--temporal-address', '127.0.0.1:1'];
const run = (args: string[], cwd: string) => runCli([...args, ...lane], { cwd, timeoutMs: 60_000 });

const ledger = {
  source: 'paper', asOfCycle: null, bankroll: '250.0000', cash: '244.4300', realizedPnl: '1.5000', equity: '251.7300', exposure: '9.7100',
  openPositions: 2, restingOrders: 2,
  positions: [
    { ticker: 'KXHIGHNY-25JUN01-T60', side: 'yes', count: '10.00', cost: '4.2700', mark: '4.5000', markBasis: 'bid', markedAt: '2025-06-01T12:01:00.000Z' },
    { ticker: 'KXHIGHNY-25JUN01-T62', side: 'no', count: '5.00', cost: '2.8000', mark: '2.8000', markBasis: 'cost', markedAt: null },
  ],
  resting: [
    { ticker: 'KXHIGHNY-25JUN01-T64', side: 'yes', action: 'buy', price: '0.3300', remaining: '8.00', expiresAt: '2025-06-01T13:00:00.000Z' },
    { ticker: 'KXHIGHNY-25JUN01-T60', side: 'yes', action: 'sell', price: '0.6000', remaining: '4.00', expiresAt: '2025-06-01T13:00:00.000Z' },
  ],
  note: null,
};
const lastCycle = {
  cycle: 2, firstRunId: 'run-B', outcome: 'ok', finishedAt: '2025-06-01T12:01:05.000Z', placedNothing: true,
  whyNoTrade: '18 in scope, 17 estimates, best edge 0.04 < min_edge 0.10',
  scanned: 412, inScope: 18, estimates: 17, opportunities: 0, orders: 0, fills: 0, skipped: { min_edge_guard: 17, no_estimate_guard: 1 },
  bestEdge: '0.0400', failedStage: null,
};

describe('status: ledger and last cycle from the lane DB', () => {
  const cwd = tempDir('kap-status-ledger-');
  beforeAll(() => populateLane(cwd));

  it('--json adds ledger and lastCycle, keeping the existing keys', async () => {
    const r = await run(['status', '--json'], cwd);
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout);
    // The keys scripts already read stay, first and in order; later additions (workflowState, pollers, …) follow them.
    expect(Object.keys(s).slice(0, 9)).toEqual(['lane', 'mode', 'env', 'dbPath', 'workflow', 'temporalError', 'db', 'ledger', 'lastCycle']);
    expect(s.temporalError).toMatch(/^Temporal server unreachable at 127\.0\.0\.1:1: /);
    expect(s.temporalProblem).toBe('server_unreachable');
    expect(s.db).toMatchObject({ cycles: 3, lastCycle: { cycle: 3, outcome: 'running' } });
    expect(s.ledger).toEqual(ledger);
    expect(s.lastCycle).toEqual(lastCycle);
  });

  it('the table shows cash, equity, exposure, positions, resting orders and why the last cycle placed nothing', async () => {
    const r = await run(['status'], cwd);
    expect(r.code).toBe(0);
    // The ledger block, then the model scores (docs/scoring.md) last.
    const lines = r.stdout.split('\n');
    const tail = [...lines.slice(-11, -3), ''].join('\n');
    expect(lines.slice(-3)).toEqual([
      '  models (scored against the market; quality.window 100, min_settled 30, bench_confidence 0.9):',
      '    no settled market scored yet: every model is unproven (normal in a first week; 30 settled markets are needed)',
      '',
    ]);
    expect(tail).toBe(
      [
        '  ledger (paper, now; bankroll $250.0000): cash $244.4300  equity $251.7300  exposure $9.7100  realised P&L $1.5000',
        '  open positions: 2  resting orders: 2',
        '    KXHIGHNY-25JUN01-T60 yes 10.00  cost $4.2700  mark $4.5000 (bid at 2025-06-01T12:01:00.000Z)',
        '    KXHIGHNY-25JUN01-T62 no 5.00  cost $2.8000  mark $2.8000 (cost)',
        '    resting buy KXHIGHNY-25JUN01-T64 yes 8.00 @ $0.3300 until 2025-06-01T13:00:00.000Z',
        '    resting sell KXHIGHNY-25JUN01-T60 yes 4.00 @ $0.6000 until 2025-06-01T13:00:00.000Z',
        '  last finished cycle #2 ok at 2025-06-01T12:01:05.000Z: scanned 412, in scope 18, estimates 17, opportunities 0, orders 0, fills 0',
        '    placed nothing: 18 in scope, 17 estimates, best edge 0.04 < min_edge 0.10',
        '',
      ].join('\n'),
    );
  });

  it('with a broken config: positions and exposure still shown, cash and equity unknown (no bankroll)', async () => {
    const broken = tempDir('kap-status-broken-');
    fs.mkdirSync(path.join(broken, 'data'));
    fs.copyFileSync(path.join(cwd, 'data', `${LANE}.sqlite`), path.join(broken, 'data', `${LANE}.sqlite`));
    fs.writeFileSync(path.join(broken, 'kalshi-autopilot.config.json'), JSON.stringify({ trading: { bankroll: '10k' } }));
    const r = await run(['status', '--json'], broken);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).ledger).toEqual({
      ...ledger, bankroll: null, cash: null, equity: null, note: 'trading.bankroll unknown (config unusable): cash and equity not computed',
    });
  });

  it('a live lane shows the figures its last finished cycle recorded', async () => {
    const dir = tempDir('kap-status-live-');
    const s = openStore({ path: path.join(dir, 'data', 'kalshi-autopilot-sim-live.sqlite'), mode: 'live', env: 'sim' });
    s.cycles.finish({ lane: 'kalshi-autopilot-sim-live', firstRunId: 'run-L', cycle: 4 }, 'r', T0, T0 + 1000, 'ok', summary({
      scanned: 20, inScope: 5, estimates: 5, opportunities: 1, orders: 1, fills: 1, cash: '90.1200', equity: '99.5000', exposure: '9.3800', openPositions: 1, restingOrders: 0,
    }) as never);
    s.close();
    const r = await runCli(['status', '--json', '--env', 'sim', '--live', '--temporal-address', '127.0.0.1:1'], { cwd: dir, timeoutMs: 60_000 });
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.ledger).toEqual({
      source: 'last_cycle', asOfCycle: 4, bankroll: null, cash: '90.1200', realizedPnl: null, equity: '99.5000', exposure: '9.3800',
      openPositions: 1, restingOrders: 0, positions: null, resting: null, note: null,
    });
    expect(out.lastCycle).toMatchObject({ cycle: 4, placedNothing: false, whyNoTrade: null, orders: 1, fills: 1 });
  });

  it('a live lane that reconciled shows the live ledger: booked positions and cash, open journal orders, the reconciliation state', async () => {
    const dir = tempDir('kap-status-live-rec-');
    const s = openStore({ path: path.join(dir, 'data', 'kalshi-autopilot-sim-live.sqlite'), mode: 'live', env: 'sim' });
    // What reconciliation booked (fixture rows, as applyPlan writes them): 2.00 YES of TS-E1-A for 1.04 plus a 0.035
    // fee, and a resting buy of 3.00 @ 0.52 of the same order; a later incomplete run; one foreign order elsewhere.
    const body = JSON.stringify({ ticker: 'TS-E1-A', client_order_id: 'ka1ab-1-0', side: 'bid', price: '0.5200', count: '5.00', expiration_time: Math.floor(T0 / 1000) + 3600 });
    s.journal.insertPending({ clientOrderId: 'ka1ab-1-0', firstRunId: 'run-L', cycle: 1, idx: 0, ticker: 'TS-E1-A', eventTicker: 'TS-E1', side: 'yes', action: 'buy', priceMicros: 520_000, countCentis: 500, requestBody: body, createdAtMs: T0 });
    s.journal.markSent('ka1ab-1-0', T0);
    s.journal.recordOutcome('ka1ab-1-0', 'resting', { atMs: T0, exchangeOrderId: 'o-1' });
    s.db.prepare("INSERT INTO reconciliation_runs (first_run_id, cycle, at_ms, complete, mismatch, summary) VALUES ('run-L', 2, ?, 1, 0, '{}')").run(T0 + 1000);
    s.db.prepare("INSERT INTO reconciliation_runs (first_run_id, cycle, at_ms, complete, mismatch, summary) VALUES ('run-L', 3, ?, 0, 0, '{}')").run(T0 + 2000);
    s.db.prepare("INSERT INTO live_cash_ledger (at_ms, kind, ref, amount_micros) VALUES (?, 'start', 'start', 1000000000), (?, 'fill', 'f-1', -1075000)").run(T0, T0 + 1000);
    s.db.prepare("INSERT INTO live_fills (fill_id, order_id, client_order_id, ticker, book_side, yes_price_micros, count_centis, fee_micros, cash_micros, realized_micros, is_taker, booked_at_ms, reconcile_run_id) VALUES ('f-1', 'o-1', 'ka1ab-1-0', 'TS-E1-A', 'bid', 520000, 200, 35000, -1075000, -35000, 1, ?, 1)").run(T0 + 1000);
    s.db.prepare("INSERT INTO live_positions (ticker, position_centis, cost_micros, realized_pnl_micros, fees_micros, updated_at_ms) VALUES ('TS-E1-A', 200, 1040000, -35000, 35000, ?)").run(T0 + 1000);
    s.db.prepare("INSERT INTO foreign_exposure (kind, ref, ticker, event_ticker, detail, seen_at_ms, reconcile_run_id) VALUES ('order', 'x-1', 'TS-E2-B', 'TS-E2', 'not the lane''s', ?, 1)").run(T0 + 1000);
    s.close();
    const r = await runCli(['status', '--json', '--env', 'sim', '--live', '--temporal-address', '127.0.0.1:1'], { cwd: dir, timeoutMs: 60_000 });
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.ledger).toEqual({
      source: 'live', asOfCycle: 2, bankroll: '10000.0000', cash: '9998.9250', realizedPnl: '-0.0350', equity: '9999.9650', exposure: '2.6000',
      openPositions: 1, restingOrders: 1,
      positions: [{ ticker: 'TS-E1-A', side: 'yes', count: '2.00', cost: '1.0400', mark: '1.0400', markBasis: 'cost', markedAt: null }],
      resting: [{ ticker: 'TS-E1-A', side: 'yes', action: 'buy', price: '0.5200', remaining: '3.00', expiresAt: new Date(Math.floor(T0 / 1000) * 1000 + 3_600_000).toISOString() }],
      note: null,
      reconciliation: { lastRunAt: new Date(T0 + 2000).toISOString(), lastRunCycle: 3, lastRunComplete: false, mismatch: false, latched: false, foreign: 1, unknownOrders: 0 },
    });
    const text = await runCli(['status', '--env', 'sim', '--live', '--temporal-address', '127.0.0.1:1'], { cwd: dir, timeoutMs: 60_000 });
    expect(text.stdout).toContain('ledger (live, as reconciled at cycle #2; bankroll $10000.0000)');
    expect(text.stdout).toContain('reconciliation: last run cycle #3');
    expect(text.stdout).toContain('(INCOMPLETE: nothing changed locally)');
  });
});

describe('reset-paper', () => {
  const cwd = tempDir('kap-reset-paper-');
  let dbPath: string;
  beforeAll(() => {
    dbPath = populateLane(cwd);
  });
  const paperRows = () => {
    const s = openStore({ path: dbPath, mode: 'dry-run', env: 'sim' });
    try {
      return { orders: s.paper.orders().length, positions: s.paper.positions().length, ledger: s.paper.ledger().length, fills: s.paper.fills().length, decisions: s.decisions.list().length };
    } finally {
      s.close();
    }
  };

  it('without the confirmation flag: exit 2, names the flag, changes nothing', async () => {
    const r = await run(['reset-paper'], cwd);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('pass --yes-wipe-paper-state to confirm (nothing was changed)');
    expect(paperRows()).toEqual({ orders: 5, positions: 3, ledger: 6, fills: 3, decisions: 6 });
  });

  it('while the worker holds the DB lock: exit 3, says to stop the worker, changes nothing', async () => {
    const lock = acquireDbLock(dbPath);
    try {
      const r = await run(['reset-paper', '--yes-wipe-paper-state'], cwd);
      expect(r.code).toBe(3);
      expect(r.stderr).toContain(`reset-paper refused: the worker of ${LANE} is running (it holds the lock on ${dbPath}, pid ${process.pid} on`);
      expect(r.stderr).toContain('Stop the worker (`worker` or `up`), then run reset-paper again; nothing was changed');
    } finally {
      lock.release();
    }
    expect(paperRows()).toEqual({ orders: 5, positions: 3, ledger: 6, fills: 3, decisions: 6 });
  });

  it('with the flag: wipes the paper tables only and says what it deleted; status shows a fresh ledger', async () => {
    const r = await run(['reset-paper', '--yes-wipe-paper-state'], cwd);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      [
        `reset-paper: deleted 18 rows of paper state of ${LANE} in ${dbPath}`,
        '  paper_fills: 3',
        '  paper_trade_use: 1',
        '  paper_positions: 3',
        '  paper_ledger: 6',
        '  paper_orders: 5',
        'kept: decisions, scans, cycles, control state; paper cash is trading.bankroll again',
        '',
      ].join('\n'),
    );
    expect(paperRows()).toEqual({ orders: 0, positions: 0, ledger: 0, fills: 0, decisions: 6 });
    const s = JSON.parse((await run(['status', '--json'], cwd)).stdout);
    expect(s.ledger).toEqual({
      source: 'paper', asOfCycle: null, bankroll: '250.0000', cash: '250.0000', realizedPnl: '0.0000', equity: '250.0000', exposure: '0.0000',
      openPositions: 0, restingOrders: 0, positions: [], resting: [], note: null,
    });
    const again = await run(['reset-paper', '--yes-wipe-paper-state', '--json'], cwd);
    expect(JSON.parse(again.stdout)).toEqual({
      lane: LANE, dbPath, deleted: { paper_fills: 0, paper_trade_use: 0, paper_positions: 0, paper_ledger: 0, paper_orders: 0 },
    });
  });

  it('is refused for a live lane (exit 3) and never creates a DB', async () => {
    const dir = tempDir('kap-reset-live-');
    openStore({ path: path.join(dir, 'data', 'kalshi-autopilot-sim-live.sqlite'), mode: 'live', env: 'sim' }).close();
    const r = await runCli(['reset-paper', '--yes-wipe-paper-state', '--env', 'sim', '--live'], { cwd: dir, timeoutMs: 60_000 });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('reset-paper refused: kalshi-autopilot-sim-live is a live lane (paper state exists in dry-run lanes only; nothing was changed)');

    const empty = tempDir('kap-reset-none-');
    const none = await run(['reset-paper', '--yes-wipe-paper-state'], empty);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain(`no lane DB at ${path.join(empty, 'data', `${LANE}.sqlite`)}`);
    expect(fs.readdirSync(empty)).toEqual([]);
  });
});
