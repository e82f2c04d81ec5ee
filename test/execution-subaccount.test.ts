/**
 * `venues.kalshi.subaccount` wired end to end (src/execution/lane-subaccount.ts), judged by the SIMULATOR's own order
 * book (sim.core.exchange.orders: each order carries the subaccount it was created in). A live lane configured with
 * subaccount 2:
 * - its order is created in subaccount 2 (the create body carries `subaccount`; before, it went to the primary 0);
 * - reconcile (the activity, as the worker wires it) reads subaccount 2: the lane's fill is booked, an order of the
 *   same key in subaccount 0 is another subaccount's business, not the lane's foreign exposure;
 * - the kill-switch cancel (the cancelResting activity) and `panic` (with the lane's config) take the lane's orders off
 *   the book — before, they cancelled with subaccount=2 orders living in 0: 404, counted `gone`, still resting.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createActivities } from '../src/activities';
import { cancelRestingActivity } from '../src/activities/cancel-resting';
import { runPanic } from '../src/cli/panic-command';
import { clientOrderId } from '../src/domain/order-id';
import { executeLiveOrders } from '../src/execution/live-order';
import { silentLogger } from '../src/observability/logger';
import { entryIntent, FIRST_RUN_ID, HELD, liveKeys, liveRig, LiveRig, makerOrder } from './helpers/live';
import { tempDir, testIdentity } from './helpers/lane';

jest.setTimeout(60_000);
const logger = silentLogger();
const SUB = 2;
const LANE_CONFIG = { venues: { kalshi: { subaccount: SUB } } };
let rig: LiveRig;
afterEach(async () => {
  await rig?.close();
});

const simOrder = (orderId: string) => {
  const o = rig.sim.core.exchange.orders.get(orderId);
  if (!o) throw new Error(`the simulator holds no order ${orderId}`);
  return o;
};

/** One lane entry on HELD (2 of 5 filled against the maker, 3 resting), placed by the live order path. */
async function placeEntry(cycle: number): Promise<string> {
  const mk = await rig.maker.createOrder(makerOrder({ ticker: HELD, side: 'no', action: 'buy', price: 480_000, count: 200, clientOrderId: `mk-no-48-${cycle}` }));
  if (mk.outcome !== 'ok') throw new Error('maker');
  const scanId = await rig.scan();
  const id = clientOrderId(FIRST_RUN_ID, cycle, 0);
  await executeLiveOrders(rig.t, rig.store, logger, { cycle, firstRunId: FIRST_RUN_ID, nowMs: rig.sim.nowMs(), scanId, orders: [{ clientOrderId: id, intent: entryIntent(520_000, 600_000) }] });
  const row = rig.store.journal.get(id)!;
  expect(row.status).toBe('resting');
  return row.exchangeOrderId!;
}

test('subaccount 2: created in 2 on the simulator, reconciled from 2, cancelled by the kill switch and by panic', async () => {
  rig = await liveRig(LANE_CONFIG);
  const first = await placeEntry(1);
  expect(simOrder(first)).toMatchObject({ subaccount: SUB, status: 'resting', filled: 200, remaining: 300 });
  expect(JSON.parse(rig.store.journal.get(clientOrderId(FIRST_RUN_ID, 1, 0))!.requestBody).subaccount).toBe(SUB);

  // The same key, the primary subaccount: a manual order that is not the lane's world.
  const other = await rig.t.venue.createOrder(makerOrder({ ticker: 'TS-E1-B', side: 'yes', action: 'buy', price: 50_000, count: 100, clientOrderId: 'manual-sub0' }));
  if (other.outcome !== 'ok') throw new Error('manual order');
  expect(simOrder(other.value.orderId).subaccount).toBe(0);

  // reconcile, wired as the worker wires it (activities/index.ts).
  const identity = testIdentity({ mode: 'live' });
  const acts = createActivities({ identity, store: rig.store, logger, readKillSources: () => ({ envKill: null, fileKill: null }), heartbeatPath: null, trading: rig.t });
  const ref = { lane: identity, dbId: rig.store.dbId, firstRunId: FIRST_RUN_ID, runId: 'r1', cycle: 2, nowMs: rig.sim.nowMs() };
  const rec = await acts.reconcile(ref);
  expect(rec).toMatchObject({ complete: true, fillsBooked: 1, foreign: 0, mismatch: false });
  expect(rig.store.journal.get(clientOrderId(FIRST_RUN_ID, 1, 0))!.status).toBe('resting');

  // The kill switch's cancel (the activity): off the book in subaccount 2; the primary's order untouched.
  const killed = await cancelRestingActivity(rig.t, rig.store, logger, { ...ref, reason: 'kill_switch' });
  expect(killed).toMatchObject({ requested: 1, canceled: 1, gone: 0, failed: 0 });
  expect(simOrder(first).status).toBe('canceled');
  expect(simOrder(other.value.orderId).status).toBe('resting');

  // panic, with the lane's config file: a second lane order in subaccount 2 goes too.
  const second = await placeEntry(3);
  expect(simOrder(second)).toMatchObject({ subaccount: SUB, status: 'resting' });
  const cwd = tempDir('kap-sub-panic-');
  const cfg = path.join(cwd, 'kalshi-autopilot.config.json');
  fs.writeFileSync(cfg, JSON.stringify({ venues: { kalshi: { env: 'sim', subaccount: SUB } }, trading: { dry_run: false, allowed_series_tickers: ['TS'] } }));
  const { bot } = liveKeys();
  const r = await runPanic({ env: 'sim', kalshiBaseUrl: rig.sim.baseUrl, db: rig.store.path, config: cfg, waitSeconds: 5 }, {
    cwd, env: { KALSHI_API_KEY_ID: bot.keyId, KALSHI_PRIVATE_KEY: bot.privateKeyPem }, out: () => {}, err: () => {},
    now: () => rig.sim.nowMs(), sleep: async () => {}, signal: async () => { throw new Error('no Temporal in this test'); },
  });
  expect({ ok: r.ok, leftResting: r.leftResting, error: r.error }).toEqual({ ok: true, leftResting: 0, error: null });
  expect(r.results.filter((x) => x.orderId === second).map((x) => x.result)).toEqual(['canceled']);
  expect(simOrder(second).status).toBe('canceled');
  expect(simOrder(other.value.orderId).status).toBe('resting');
});

test('the simulator honours subaccount: a list with subaccount=N shows only N\'s, a cancel naming another subaccount is 404', async () => {
  rig = await liveRig();
  const a = await rig.t.venue.createOrder({ ...makerOrder({ ticker: 'TS-E1-B', side: 'yes', action: 'buy', price: 50_000, count: 100, clientOrderId: 'in-sub-3' }), subaccount: 3 });
  const b = await rig.t.venue.createOrder(makerOrder({ ticker: 'TS-E1-B', side: 'yes', action: 'buy', price: 50_000, count: 100, clientOrderId: 'in-sub-0' }));
  if (a.outcome !== 'ok' || b.outcome !== 'ok') throw new Error('create');
  const ids = async (subaccount?: number) => (await rig.t.venue.listOrders({ status: 'resting', ...(subaccount !== undefined ? { subaccount } : {}) })).map((o) => o.clientOrderId).sort();
  expect(await ids(3)).toEqual(['in-sub-3']);
  expect(await ids(0)).toEqual(['in-sub-0']);
  expect(await ids()).toEqual(['in-sub-0', 'in-sub-3']);
  const wrong = await rig.t.venue.cancelOrder(a.value.orderId, { subaccount: 0 });
  expect(wrong.outcome === 'rejected' && wrong.error.status).toBe(404);
  expect(simOrder(a.value.orderId).status).toBe('resting');
  const right = await rig.t.venue.cancelOrder(a.value.orderId, { subaccount: 3 });
  expect(right.outcome).toBe('ok');
  expect(simOrder(a.value.orderId).status).toBe('canceled');
  const bad = await rig.t.venue.createOrder({ ...makerOrder({ ticker: 'TS-E1-B', side: 'yes', action: 'buy', price: 50_000, count: 100, clientOrderId: 'sub-64' }), subaccount: 64 });
  expect(bad.outcome === 'rejected' && bad.error.status).toBe(400);
});

test('no lane subaccount: the sweep lists every subaccount and cancels each lane order in the subaccount it reports', async () => {
  rig = await liveRig();
  // A lane-prefixed order the journal does not hold yet, resting in subaccount 3 (e.g. placed before the config changed).
  const lane = await rig.t.venue.createOrder({ ...makerOrder({ ticker: 'TS-E1-B', side: 'yes', action: 'buy', price: 50_000, count: 100, clientOrderId: clientOrderId(FIRST_RUN_ID, 4, 0) }), subaccount: 3 });
  if (lane.outcome !== 'ok') throw new Error('create');
  const out = await cancelRestingActivity(rig.t, rig.store, logger, {
    lane: testIdentity({ mode: 'live' }), dbId: rig.store.dbId, firstRunId: FIRST_RUN_ID, runId: 'r1', cycle: 5, nowMs: rig.sim.nowMs(), reason: 'kill_switch',
  });
  expect(out).toMatchObject({ requested: 1, canceled: 1, gone: 0 });
  expect(simOrder(lane.value.orderId).status).toBe('canceled');
});

test('subaccount 2 with an order group: reconcile creates the group in subaccount 2 and the lane\'s entry joins it there', async () => {
  rig = await liveRig({ ...LANE_CONFIG, execution: { order_group: { enabled: true } } });
  const identity = testIdentity({ mode: 'live' });
  const acts = createActivities({ identity, store: rig.store, logger, readKillSources: () => ({ envKill: null, fileKill: null }), heartbeatPath: null, trading: rig.t });
  const rec = await acts.reconcile({ lane: identity, dbId: rig.store.dbId, firstRunId: FIRST_RUN_ID, runId: 'r1', cycle: 1, nowMs: rig.sim.nowMs() });
  expect(rec).toMatchObject({ complete: true, orderGroup: 'order group created' });
  const groupId = rig.store.orderGroups.current()!.orderGroupId;
  expect(rig.sim.core.exchange.groups.get(groupId)).toMatchObject({ subaccount: SUB });
  const orderId = await placeEntry(1);
  expect(simOrder(orderId)).toMatchObject({ subaccount: SUB, orderGroupId: groupId });
});
