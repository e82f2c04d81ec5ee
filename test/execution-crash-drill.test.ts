/**
 * The crash drill with a real process exit (issue 9 "Named crash points"): a separate process runs the live order
 * path with KALSHI_AUTOPILOT_CRASH_AT set and dies with exit code 137 at the named point; a second process (the
 * restarted worker) runs the same input on the same lane DB. Judged by the simulator's own log: exactly one order
 * per intent. (a) after_journal_write: nothing was sent, the restart sends the stored row once. (b) after_create_sent:
 * the simulator made the order, the answer was never recorded; the restart's byte-identical resend gets 409
 * order_already_exists and the lookup finds it. (c) during_fill_booking: reconciliation dies after booking the first
 * of two fills, before its transaction commits; the restarted process books every fill exactly once, judged against
 * the simulator's own fills of the account. The drill's other points (before_journal_write, after_response,
 * during_reconciliation; npm run drill kills a real worker there) are placed by a hook that throws, in this process.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { clientOrderId } from '../src/domain/order-id';
import { executeLiveOrders, LiveExecuteInput } from '../src/execution/live-order';
import { silentLogger } from '../src/observability/logger';
import { reconcileLane, ReconciliationGate } from '../src/activities/reconcile';
import { entryIntent, FIRST_RUN_ID, HELD, liveKeys, liveRig, LiveRig, makerOrder } from './helpers/live';

jest.setTimeout(90_000);
const ROOT = path.resolve(__dirname, '..');
let rig: LiveRig;

beforeEach(async () => {
  rig = await liveRig();
  const r = await rig.maker.createOrder(makerOrder({ ticker: HELD, side: 'no', action: 'buy', price: 480_000, count: 10_000, clientOrderId: 'mk-no-48' }));
  expect(r.outcome).toBe('ok');
});
afterEach(async () => {
  await rig.close();
});

function child(input: LiveExecuteInput, crashAt: string | null, reconcile = false): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const { bot } = liveKeys();
  const drill = {
    baseUrl: rig.sim.baseUrl, rootUrl: rig.sim.rootUrl, dbPath: rig.store.path, keyId: bot.keyId, privateKeyPem: bot.privateKeyPem,
    config: { trading: { dry_run: false, allowed_series_tickers: ['TS'] } }, input, reconcile,
  };
  const env = { ...process.env, KAP_DRILL: JSON.stringify(drill), ...(crashAt ? { KALSHI_AUTOPILOT_CRASH_AT: crashAt } : {}) };
  if (!crashAt) delete env.KALSHI_AUTOPILOT_CRASH_AT;
  return new Promise((resolve) => {
    execFile(process.execPath, ['-r', path.join(ROOT, 'test/helpers/ts-register.js'), path.join(ROOT, 'test/helpers/live-crash-child.ts')], { env, cwd: ROOT, timeout: 60_000 },
      (err, stdout, stderr) => resolve({ code: err ? exitCode(err) : 0, stdout, stderr }));
  });
}

function exitCode(err: Error): number | null {
  const c = (err as unknown as { code?: unknown }).code;
  return typeof c === 'number' ? c : null;
}

const id0 = clientOrderId(FIRST_RUN_ID, 1, 0);
async function input(): Promise<LiveExecuteInput> {
  const scanId = await rig.scan();
  return { cycle: 1, firstRunId: FIRST_RUN_ID, nowMs: rig.sim.nowMs(), scanId, orders: [{ clientOrderId: id0, intent: entryIntent(520_000, 600_000) }] };
}

test('killed after the journal write: nothing sent; the restarted process sends the stored row once', async () => {
  const inp = await input();
  const crashed = await child(inp, 'after_journal_write:1');
  expect({ code: crashed.code, stderr: crashed.stderr.trim() }).toEqual({ code: 137, stderr: 'KALSHI_AUTOPILOT_CRASH_AT: crashing at after_journal_write (hit 1)' });
  const pending = rig.store.journal.get(id0)!;
  expect(pending).toMatchObject({ status: 'pending_submit', sentAtMs: null });
  expect(rig.botRequests()).toEqual([]);

  const restarted = await child(inp, null);
  expect(restarted.code).toBe(0);
  expect(JSON.parse(restarted.stdout)).toMatchObject({ placed: 1 });
  expect(rig.botRequests(id0)).toHaveLength(1);
  expect(rig.botOrdersMade()).toHaveLength(1);
  expect(rig.store.journal.get(id0)!.requestBody).toBe(pending.requestBody);
});

test('killed after the simulator accepted the create: the restart resolves it by the resend; one order', async () => {
  const inp = await input();
  const crashed = await child(inp, 'after_create_sent:1');
  expect(crashed.code).toBe(137);
  expect(rig.botOrdersMade(id0)).toHaveLength(1);
  expect(rig.store.journal.get(id0)).toMatchObject({ status: 'pending_submit', sendCount: 1 });

  const restarted = await child(inp, null);
  expect(restarted.code).toBe(0);
  expect(rig.botRequests(id0).map((o) => [o.outcome, o.error_code])).toEqual([['created', null], ['rejected', 'order_already_exists']]);
  expect(rig.botOrdersMade()).toHaveLength(1);
  const row = rig.store.journal.get(id0)!;
  expect(['resting', 'executed']).toContain(row.status);
  expect(row.exchangeOrderId).toBe(rig.botOrdersMade(id0)[0].order_id);
});

test('killed during fill booking: the run rolls back whole; the restarted process books each of the simulator\'s fills once', async () => {
  // Two lane orders, each filled against the maker's NO bid (in-process: the order path alone), make two fills.
  const id1 = clientOrderId(FIRST_RUN_ID, 1, 1);
  const inp = { ...(await input()), orders: [id0, id1].map((clientOrderId) => ({ clientOrderId, intent: entryIntent(520_000, 600_000) })) };
  const placed = await executeLiveOrders(rig.t, rig.store, silentLogger(), inp);
  expect(placed.placed).toBe(2);
  const { bot } = liveKeys();
  const simFills = () => rig.sim.core.exchange.account(rig.sim.core.exchange.accountIdForKey(bot.keyId)).fills
    .map((f) => [f.fillId, f.ticker, f.count, f.fee]).sort();
  expect(simFills()).toHaveLength(2);
  const booked = () => rig.store.liveLedger.fills().map((f) => [f.fillId, f.ticker, f.countCentis, f.feeMicros]).sort();

  const rec = { ...inp, cycle: 2, nowMs: rig.sim.nowMs() };
  const crashed = await child(rec, 'during_fill_booking:1', true);
  expect({ code: crashed.code, stderr: crashed.stderr.trim() }).toEqual({ code: 137, stderr: 'KALSHI_AUTOPILOT_CRASH_AT: crashing at during_fill_booking (hit 1)' });
  // The first fill was booked inside the run's transaction, which never committed: nothing of the run remains.
  expect(booked()).toEqual([]);
  expect(rig.store.liveLedger.runs()).toEqual([]);
  expect(rig.store.liveLedger.cashChange()).toBe(0);

  // The restart (in this process, on the same DB file: a child costs seconds of compile time) books both, once.
  const restart = (cycle: number) => reconcileLane({ store: rig.store, venue: rig.t.venue, logger: silentLogger(), gate: new ReconciliationGate() }, { ...rec, cycle });
  expect(await restart(2)).toMatchObject({ complete: true, fillsBooked: 2, mismatch: false });
  expect(booked()).toEqual(simFills());
  expect(await restart(3)).toMatchObject({ complete: true, fillsBooked: 0, mismatch: false });
  expect(booked()).toEqual(simFills());
});

describe('the drill\'s other points, placed (in this process: a hook that throws where the worker would exit)', () => {
  class Crashed extends Error {}
  const throwAt = (at: string) => (p: string) => {
    if (p === at) throw new Crashed(p);
  };

  test('before_journal_write: the order passed its checks, nothing of it exists yet (no row, nothing sent)', async () => {
    const inp = await input();
    await expect(executeLiveOrders({ ...rig.t, crashAt: throwAt('before_journal_write') }, rig.store, silentLogger(), inp)).rejects.toBeInstanceOf(Crashed);
    expect(rig.store.journal.get(id0)).toBeFalsy();
    expect(rig.botRequests()).toEqual([]);
  });

  test('after_response: the answer is already in the journal; the retry sends nothing more', async () => {
    const inp = await input();
    await expect(executeLiveOrders({ ...rig.t, crashAt: throwAt('after_response') }, rig.store, silentLogger(), inp)).rejects.toBeInstanceOf(Crashed);
    const row = rig.store.journal.get(id0)!;
    expect(['resting', 'executed']).toContain(row.status);
    expect(row.exchangeOrderId).toBe(rig.botOrdersMade(id0)[0].order_id);
    await executeLiveOrders(rig.t, rig.store, silentLogger(), inp);
    expect(rig.botRequests(id0)).toHaveLength(1);
  });

  test('during_reconciliation: read and planned, nothing applied; the next run books the fill', async () => {
    const inp = await input();
    expect((await executeLiveOrders(rig.t, rig.store, silentLogger(), inp)).placed).toBe(1);
    const rec = { ...inp, cycle: 2, nowMs: rig.sim.nowMs() };
    const deps = (crashAt: ((p: string) => void) | null) => ({ store: rig.store, venue: rig.t.venue, logger: silentLogger(), gate: new ReconciliationGate(), crashAt });
    await expect(reconcileLane(deps(throwAt('during_reconciliation')), rec)).rejects.toBeInstanceOf(Crashed);
    expect(rig.store.liveLedger.runs()).toEqual([]);
    expect(rig.store.liveLedger.fills()).toEqual([]);
    expect(await reconcileLane(deps(null), rec)).toMatchObject({ complete: true, fillsBooked: 1, mismatch: false });
  });
});
