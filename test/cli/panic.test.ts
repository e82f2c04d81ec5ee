/**
 * `kalshi-autopilot panic` (src/cli/panic-command.ts) against the simulator, with no Temporal and no worker, judged by
 * the SIMULATOR's own order states (sim.core.exchange.orders):
 * - the lane's resting orders (a journal row, and a lane-prefixed order the journal does not hold yet) are cancelled,
 *   the DB kill switch is engaged with cancelResting, the journal row is canceled; a foreign order stays;
 * - `--all` needs `--yes`; with it every resting order of the account goes;
 * - a missing lane DB: it still cancels (by the bot's id shape) and says the kill switch was NOT written;
 * - under read lag it waits until the user-data timestamp passes its last cancel before the sweep that decides;
 * - during an exchange pause nothing can be cancelled: exit 1, NOT DONE.
 */
import path from 'node:path';
import { Command } from 'commander';
import { executeLiveOrders } from '../../src/execution/live-order';
import { clientOrderId } from '../../src/domain/order-id';
import { silentLogger } from '../../src/observability/logger';
import { openStore } from '../../src/store';
import { PanicDeps, registerPanicCommand, runPanic } from '../../src/cli/panic-command';
import { entryIntent, FIRST_RUN_ID, HELD, liveKeys, liveRig, LiveRig, makerOrder } from '../helpers/live';
import { tempDir } from '../helpers/lane';

jest.setTimeout(60_000);
let rig: LiveRig;
let cwd: string;
afterEach(async () => {
  process.exitCode = undefined;
  await rig?.close();
});

const simStatus = (orderId: string) => rig.sim.core.exchange.orders.get(orderId)?.status;

/** A live sim lane DB with one journal order resting (3 of 5 left), a lane order unknown to the journal, a foreign order. */
async function setup(): Promise<{ journalOrder: string; adoptable: string; foreign: string; dbPath: string }> {
  rig = await liveRig();
  cwd = tempDir('kap-panic-');
  const mk = await rig.maker.createOrder(makerOrder({ ticker: HELD, side: 'no', action: 'buy', price: 480_000, count: 200, clientOrderId: 'mk-no-48' }));
  if (mk.outcome !== 'ok') throw new Error('maker');
  const scanId = await rig.scan();
  const id0 = clientOrderId(FIRST_RUN_ID, 1, 0);
  await executeLiveOrders(rig.t, rig.store, silentLogger(), { cycle: 1, firstRunId: FIRST_RUN_ID, nowMs: rig.sim.nowMs(), scanId, orders: [{ clientOrderId: id0, intent: entryIntent(520_000, 600_000) }] });
  const bid = async (id: string) => {
    const r = await rig.t.venue.createOrder(makerOrder({ ticker: 'TS-E1-B', side: 'yes', action: 'buy', price: 50_000, count: 100, clientOrderId: id }));
    if (r.outcome !== 'ok') throw new Error(id);
    return r.value.orderId;
  };
  const adoptable = await bid(clientOrderId(FIRST_RUN_ID, 2, 0));
  const foreign = await bid('manual-order-1');
  return { journalOrder: rig.store.journal.get(id0)!.exchangeOrderId!, adoptable, foreign, dbPath: rig.store.path };
}

function deps(o: Partial<PanicDeps> = {}): PanicDeps {
  const { bot } = liveKeys();
  return {
    cwd, env: { KALSHI_API_KEY_ID: bot.keyId, KALSHI_PRIVATE_KEY: bot.privateKeyPem }, out: () => {}, err: () => {},
    now: () => rig.sim.nowMs(),
    sleep: async () => {},
    signal: async () => { throw new Error('no Temporal in this test'); },
    ...o,
  };
}

const flags = (dbPath: string) => ({ env: 'sim', kalshiBaseUrl: rig.sim.baseUrl, db: dbPath, waitSeconds: 5 });

test('panic: every lane order off the book, the kill switch engaged in the DB, the foreign order untouched; exit 0', async () => {
  const s = await setup();
  let printed = '';
  const program = new Command('kalshi-autopilot').exitOverride();
  registerPanicCommand(program, deps({ out: (x) => (printed += x) }));
  await program.parseAsync(['node', 'kalshi-autopilot', 'panic', '--env', 'sim', '--kalshi-base-url', rig.sim.baseUrl, '--db', s.dbPath, '--json']);
  const r = JSON.parse(printed);
  expect(process.exitCode).toBeUndefined();
  expect({ ok: r.ok, leftResting: r.leftResting, db: r.db.ok, signal: r.signal.ok }).toEqual({ ok: true, leftResting: 0, db: true, signal: false });
  expect([simStatus(s.journalOrder), simStatus(s.adoptable), simStatus(s.foreign)]).toEqual(['canceled', 'canceled', 'resting']);
  expect(r.sweeps.length).toBe(2);
  expect(r.sweeps[1]).toMatchObject({ restingListed: 0, requested: 0, foreignLeft: 1 });

  const store = openStore({ path: s.dbPath, mode: 'live', env: 'sim' });
  try {
    expect(store.control.read()!.killSwitch).toMatchObject({ engaged: true, cancelResting: true, source: 'cli' });
    const row = store.journal.get(clientOrderId(FIRST_RUN_ID, 1, 0))!;
    expect(row.status).toBe('canceled');
    expect(row.detail).toMatch(/filled before the cancel 2\.00 of 5\.00/);
  } finally {
    store.close();
  }
});

test('--all needs --yes; with it every resting order of the account goes, the foreign one too', async () => {
  const s = await setup();
  await expect(runPanic({ ...flags(s.dbPath), all: true }, deps())).rejects.toThrow(/--all cancels EVERY resting order.*--yes/);
  expect(simStatus(s.foreign)).toBe('resting');
  const r = await runPanic({ ...flags(s.dbPath), all: true, yes: true }, deps());
  expect(r.ok).toBe(true);
  expect([simStatus(s.journalOrder), simStatus(s.adoptable), simStatus(s.foreign)]).toEqual(['canceled', 'canceled', 'canceled']);
});

test('a missing lane DB: it still cancels the bot\'s orders (by id shape) and says the kill switch was NOT written', async () => {
  const s = await setup();
  const r = await runPanic({ ...flags(path.join(cwd, 'no-such.sqlite')) }, deps());
  expect(r.db).toMatchObject({ ok: false });
  expect(r.db.detail).toMatch(/NOT written to the DB \(no lane DB at .*\); cancelling anyway/);
  expect(r.ok).toBe(true);
  expect([simStatus(s.journalOrder), simStatus(s.adoptable), simStatus(s.foreign)]).toEqual(['canceled', 'canceled', 'resting']);
});

test('under read lag it waits for the user-data timestamp to pass its last cancel, then the deciding sweep finds nothing', async () => {
  const s = await setup();
  rig.sim.setFaults({ readLagMs: 5_000 });
  rig.sim.advance(10_000); // the orders are older than the lag: listed
  let slept = 0;
  // The simulator's clock is manual: time passes on the exchange while panic waits.
  const r = await runPanic(flags(s.dbPath), deps({ sleep: async (ms) => { slept += ms; rig.sim.advance(ms * 10); } }));
  expect(r.sweeps[0]).toMatchObject({ canceled: 2, restingListed: 2 });
  expect(r.sweeps[1].waitedForUserData).toMatch(/≥ the last cancel/);
  expect(slept * 10).toBeGreaterThanOrEqual(5_000); // it did wait out the lag
  expect(r.sweeps[1]).toMatchObject({ restingListed: 0, requested: 0 });
  expect(r.ok).toBe(true);
  expect([simStatus(s.journalOrder), simStatus(s.adoptable)]).toEqual(['canceled', 'canceled']);
});

test('during an exchange pause nothing can be cancelled: NOT DONE, exit 1; the orders still rest', async () => {
  const s = await setup();
  rig.sim.core.exchange.exchangeActive = false;
  const program = new Command('kalshi-autopilot').exitOverride();
  let printed = '';
  registerPanicCommand(program, deps({ out: (x) => (printed += x) }));
  await program.parseAsync(['node', 'kalshi-autopilot', 'panic', '--env', 'sim', '--kalshi-base-url', rig.sim.baseUrl, '--db', s.dbPath, '--wait-seconds', '0']);
  expect(process.exitCode).toBe(1);
  expect(printed).toMatch(/cancel_retry 2/);
  expect(printed).toMatch(/NOT DONE: 2 order\(s\) may still rest/);
  expect([simStatus(s.journalOrder), simStatus(s.adoptable)]).toEqual(['resting', 'resting']);
});

test('no credentials: the DB kill switch is still engaged; the report names the error; not ok (exit 1)', async () => {
  const s = await setup();
  const r = await runPanic(flags(s.dbPath), deps({ env: {} }));
  expect({ db: r.db.ok, ok: r.ok }).toEqual({ db: true, ok: false });
  expect(r.error).toMatch(/panic needs Kalshi credentials/);
  const store = openStore({ path: s.dbPath, mode: 'live', env: 'sim' });
  try {
    expect(store.control.read()!.killSwitch).toMatchObject({ engaged: true, cancelResting: true });
  } finally {
    store.close();
  }
  expect(simStatus(s.journalOrder)).toBe('resting');
});
