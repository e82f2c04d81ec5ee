import path from 'node:path';
import { createActivities } from '../../src/activities';
import { buildTradingDeps } from '../../src/activities/trading-deps';
import { pingDeadman } from '../../src/observability/deadman';
import { silentLogger } from '../../src/observability/logger';
import { openStore } from '../../src/store';
import { initialControlState } from '../../src/domain/control';
import type { StatusView } from '../../src/workflows/definitions';
import { tempDir, testBanner, testIdentity } from '../helpers/lane';
import { simRunContext } from '../helpers/trading';
import { startReceiver, Receiver } from '../helpers/http-receiver';

let rx: Receiver;
beforeAll(async () => {
  rx = await startReceiver('/ping/3f0c-token');
});
afterAll(() => rx.close());

function lane(deadmanUrl: string | null) {
  const identity = testIdentity();
  const store = openStore({ path: path.join(tempDir('kap-dm-'), 'lane.sqlite'), mode: 'dry-run', env: 'sim' });
  const trading = buildTradingDeps(simRunContext({ observability: { deadman_url: deadmanUrl } }), { logger: silentLogger(), simBaseUrl: 'http://127.0.0.1:9/trade-api/v2' });
  const acts = createActivities({ identity, store, logger: silentLogger(), readKillSources: () => ({ envKill: null, fileKill: null }), heartbeatPath: null, trading });
  const status: StatusView = {
    lane: identity, banner: testBanner, firstRunId: 'f', runId: 'r', generation: 0, cycle: 1, phase: 'waiting',
    tradingBlockedBy: null, control: initialControlState(), lastCycle: null, nextCycleAtMs: null, errors: { consecutive: 0, total: 0, last: null },
  };
  const finish = (cycle: number) =>
    acts.finishCycle({ lane: identity, dbId: store.dbId, firstRunId: 'f', runId: 'r', cycle, nowMs: 1_700_000_000_000 + cycle, startedAtMs: 1_700_000_000_000, outcome: 'completed', summary: {}, status });
  return { store, finish, identity };
}

describe('dead-man ping (observability.deadman_url)', () => {
  it('finishCycle GETs the URL once per cycle', async () => {
    const before = rx.received.length;
    const l = lane(rx.url);
    try {
      await l.finish(1);
      await l.finish(2);
      await l.finish(3);
    } finally {
      l.store.close();
    }
    const got = rx.received.slice(before);
    expect(got.map((r) => [r.method, r.path])).toEqual([['GET', '/ping/3f0c-token'], ['GET', '/ping/3f0c-token'], ['GET', '/ping/3f0c-token']]);
  });

  it('a failing ping (500, or nobody listening) never fails the cycle, and the cycle is still recorded', async () => {
    rx.status = 500;
    const l = lane(rx.url);
    const dead = lane('http://127.0.0.1:9/ping');
    try {
      await expect(l.finish(1)).resolves.toBeUndefined();
      await expect(dead.finish(1)).resolves.toBeUndefined();
      expect(dead.store.cycles.get({ lane: dead.identity.lane, firstRunId: 'f', cycle: 1 })?.outcome).toBe('completed');
    } finally {
      rx.status = 200;
      l.store.close();
      dead.store.close();
    }
  });

  it('pingDeadman reports the host and the status, never the path (it may carry the token)', async () => {
    rx.status = 503;
    try {
      const r = await pingDeadman(rx.url);
      expect(r).toEqual({ ok: false, detail: 'HTTP 503', host: new URL(rx.url).host });
      expect(JSON.stringify(r)).not.toContain('3f0c-token');
    } finally {
      rx.status = 200;
    }
    expect(await pingDeadman('http://127.0.0.1:9/x', { timeoutMs: 2_000 })).toMatchObject({ ok: false, detail: 'no connection' });
  });

  it('no URL: no request', async () => {
    const before = rx.received.length;
    const l = lane(null);
    try {
      await l.finish(1);
    } finally {
      l.store.close();
    }
    expect(rx.received.length).toBe(before);
  });
});
