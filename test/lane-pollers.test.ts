/**
 * Issue 17 item 1: who may start a lane's worker while Temporal lists pollers on its task queue (the pure decision,
 * the identity format, the pid probe, and the refusal text). The end-to-end case is test/cli/lane-pollers-cli.test.ts.
 */
import { spawn } from 'node:child_process';
import { silentLogger } from '../src/observability/logger';
import { exitCodeFor } from '../src/client';
import {
  assertNoOtherLaneWorker,
  isPidAlive,
  judgePollers,
  LanePoller,
  LaneWorkerRunningError,
  parseWorkerIdentity,
  RECENT_POLL_MS,
  workerIdentity,
} from '../src/lane-pollers';

const NOW = Date.parse('2026-03-02T12:00:00.000Z');
const HOST = 'vps-1';
const SELF = { pid: 4242, hostname: HOST };
/** pids 100 and 101 run on this host; every other pid is dead. */
const alive = new Set([100, 101]);
const ctx = { ...SELF, nowMs: NOW, isPidAlive: (pid: number) => alive.has(pid) };

function both(identity: string, agoMs: number): LanePoller[] {
  return [
    { identity, lastAccessMs: NOW - agoMs, taskQueueType: 'workflow' },
    { identity, lastAccessMs: NOW - agoMs - 500, taskQueueType: 'activity' },
  ];
}

describe('worker identity', () => {
  it('is pid@hostname, and parses back', () => {
    expect(workerIdentity({ pid: 31337, hostname: 'trader.local' })).toBe('31337@trader.local');
    expect(workerIdentity()).toBe(`${process.pid}@${require('node:os').hostname()}`);
    expect(parseWorkerIdentity('31337@trader.local')).toEqual({ pid: 31337, hostname: 'trader.local' });
  });

  it('anything else does not parse', () => {
    for (const id of ['', 'worker-1', '@host', '12@', '0@host', '-3@host', '12 @host', '12@a b', '12@a@b', 'x12@host', '99999999999@host']) {
      expect([id, parseWorkerIdentity(id)]).toEqual([id, null]);
    }
  });
});

describe('judgePollers (the decision)', () => {
  it('no pollers: start', () => {
    expect(judgePollers([], ctx)).toEqual([]);
  });

  it('a poller of this host whose pid is dead is ignored, however recent (a restart after a crash does not wait)', () => {
    expect(judgePollers(both(`777@${HOST}`, 1_000), ctx)).toEqual([
      {
        identity: `777@${HOST}`,
        lastAccessMs: NOW - 1_000,
        taskQueueTypes: ['activity', 'workflow'],
        parsed: { pid: 777, hostname: HOST },
        action: 'ignore',
        reason: 'dead-pid-this-host',
      },
    ]);
  });

  it('a poller of this host whose pid runs (not ours) is refused, even if its last poll is old (a stopped worker comes back)', () => {
    expect(judgePollers(both(`100@${HOST}`, 2_000), ctx).map((v) => [v.identity, v.action, v.reason])).toEqual([[`100@${HOST}`, 'refuse', 'live-pid-this-host']]);
    expect(judgePollers(both(`100@${HOST}`, 4 * 60_000), ctx).map((v) => [v.action, v.reason])).toEqual([['refuse', 'live-pid-this-host']]);
  });

  it('our own pid on this host is ignored (this process; in a container a restart often reuses the crashed pid)', () => {
    expect(judgePollers(both(`4242@${HOST}`, 500), ctx).map((v) => [v.action, v.reason])).toEqual([['ignore', 'own-process']]);
  });

  it('a recent poller of another host is refused; after RECENT_POLL_MS without a poll it is ignored', () => {
    // Same pid as ours, and a pid that runs here: on another host neither means anything.
    expect(judgePollers(both('4242@vps-2', 5_000), ctx).map((v) => [v.action, v.reason])).toEqual([['refuse', 'other-host']]);
    expect(judgePollers(both('100@vps-2', RECENT_POLL_MS - 1), ctx).map((v) => [v.action, v.reason])).toEqual([['refuse', 'other-host']]);
    expect(judgePollers([{ identity: '100@vps-2', lastAccessMs: NOW - RECENT_POLL_MS, taskQueueType: 'workflow' }], ctx).map((v) => [v.action, v.reason])).toEqual([
      ['ignore', 'stale-other-host'],
    ]);
    // A host name that only differs in case or domain is another host (compared as os.hostname() spells it).
    expect(judgePollers(both('777@VPS-1', 1_000), ctx)[0].reason).toBe('other-host');
  });

  it('an identity not in pid@host form counts as another host', () => {
    expect(judgePollers(both('my-worker', 1_000), ctx).map((v) => [v.action, v.reason])).toEqual([['refuse', 'unparseable-identity']]);
    expect(judgePollers(both('my-worker', RECENT_POLL_MS + 1), ctx).map((v) => [v.action, v.reason])).toEqual([['ignore', 'stale-other-host']]);
  });

  it('the freshest poll of either task-queue type counts; a missing time is recent (fail closed)', () => {
    const [v] = judgePollers(
      [
        { identity: '9@vps-2', lastAccessMs: NOW - 10 * 60_000, taskQueueType: 'activity' }, // activity slots full: no polls
        { identity: '9@vps-2', lastAccessMs: NOW - 30_000, taskQueueType: 'workflow' },
      ],
      ctx,
    );
    expect(v).toMatchObject({ lastAccessMs: NOW - 30_000, action: 'refuse', taskQueueTypes: ['activity', 'workflow'] });
    expect(judgePollers([{ identity: '9@vps-2', lastAccessMs: null, taskQueueType: 'workflow' }], ctx)[0]).toMatchObject({ action: 'refuse', lastAccessMs: null });
  });

  it('a mixed list: refusals first, freshest first; the dead and stale are kept as ignored', () => {
    const verdicts = judgePollers(
      [...both(`777@${HOST}`, 1_000), ...both('1@vps-3', 50_000), ...both('2@vps-2', 3_000), ...both('3@vps-4', 10 * 60_000), ...both(`101@${HOST}`, 20_000)],
      ctx,
    );
    expect(verdicts.map((v) => [v.identity, v.action, v.reason])).toEqual([
      ['2@vps-2', 'refuse', 'other-host'],
      [`101@${HOST}`, 'refuse', 'live-pid-this-host'],
      ['1@vps-3', 'refuse', 'other-host'],
      [`777@${HOST}`, 'ignore', 'dead-pid-this-host'],
      ['3@vps-4', 'ignore', 'stale-other-host'],
    ]);
  });
});

describe('isPidAlive', () => {
  it('this process runs; a reaped child does not; a zombie (exited, not yet reaped) does not', async () => {
    expect(isPidAlive(process.pid)).toBe(true);
    const child = spawn(process.execPath, ['-e', '0']);
    const pid = child.pid!;
    await new Promise((r) => child.on('exit', r));
    // Node reaps its children when they exit: the pid is gone (or, if it was already reused, a live process).
    await new Promise((r) => setTimeout(r, 50));
    expect(isPidAlive(pid)).toBe(false);
    if (process.platform === 'linux') {
      // A zombie: `sh` exits at once but its parent (a sleeping shell that never waits) keeps it unreaped.
      const parent = spawn('sh', ['-c', 'sh -c "exit 0" & echo $!; exec sleep 30'], { stdio: ['ignore', 'pipe', 'ignore'] });
      try {
        const zpid = Number((await new Promise<Buffer>((r) => parent.stdout.once('data', r))).toString().trim());
        for (let i = 0; i < 50 && isPidAlive(zpid); i++) await new Promise((r) => setTimeout(r, 20));
        expect(isPidAlive(zpid)).toBe(false);
      } finally {
        parent.kill('SIGKILL');
      }
    }
  });
});

describe('assertNoOtherLaneWorker', () => {
  function connection(pollers: Record<number, Array<{ identity: string; lastAccessTime: { seconds: number; nanos: number } }>>) {
    const calls: unknown[] = [];
    return {
      calls,
      conn: {
        workflowService: {
          describeTaskQueue: async (req: { taskQueueType?: number | null }) => {
            calls.push(req);
            return { pollers: pollers[req.taskQueueType ?? 0] ?? [] };
          },
        } as never,
        withDeadline: <R>(_d: number | Date, fn: () => Promise<R>) => fn(),
      },
    };
  }
  const ts = (ms: number) => ({ seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1e6 });

  it('asks for both task-queue types of the lane and passes when only ignorable pollers are listed', async () => {
    const { conn, calls } = connection({ 1: [{ identity: `777@${HOST}`, lastAccessTime: ts(NOW - 2_000) }], 2: [] });
    await assertNoOtherLaneWorker({ connection: conn, namespace: 'default', taskQueue: 'kalshi-autopilot-sim-dry-run', logger: silentLogger(), self: SELF, now: () => NOW, isPidAlive: () => false });
    expect(calls).toEqual([
      { namespace: 'default', taskQueue: { name: 'kalshi-autopilot-sim-dry-run', kind: 1 }, taskQueueType: 1 },
      { namespace: 'default', taskQueue: { name: 'kalshi-autopilot-sim-dry-run', kind: 1 }, taskQueueType: 2 },
    ]);
  });

  it('refuses another host with its identity, last poll, lane and what to do; exit code 3', async () => {
    const { conn } = connection({ 2: [{ identity: '812@vps-2', lastAccessTime: ts(NOW - 12_345) }] });
    const err = await assertNoOtherLaneWorker({ connection: conn, namespace: 'default', taskQueue: 'kalshi-autopilot-prod-live', logger: silentLogger(), self: SELF, now: () => NOW, isPidAlive: () => false }).catch((e) => e);
    expect(err).toBeInstanceOf(LaneWorkerRunningError);
    expect(exitCodeFor(err)).toBe(3);
    expect(err.message).toBe(
      'another worker is polling lane kalshi-autopilot-prod-live (task queue kalshi-autopilot-prod-live, namespace default): only one worker may run a lane, ' +
        'or its state splits across DB files. 812@vps-2: another host (vps-2), last poll 2026-03-02T11:59:47.655Z (12 s ago). Stop that worker first; ' +
        'if it is already dead, this check ignores it from 2026-03-02T12:01:47.655Z (120 s after its last poll). Then start this worker again.',
    );
  });

  it('refuses a running pid of this host, saying how to stop it', async () => {
    const { conn } = connection({ 1: [{ identity: `100@${HOST}`, lastAccessTime: ts(NOW - 1_000) }] });
    const err = await assertNoOtherLaneWorker({ connection: conn, namespace: 'default', taskQueue: 'kalshi-autopilot-sim-live', logger: silentLogger(), self: SELF, now: () => NOW, isPidAlive: (p) => p === 100 }).catch((e) => e);
    expect(err).toBeInstanceOf(LaneWorkerRunningError);
    expect(err.message).toContain(`100@${HOST}: a running process on this host (pid 100), last poll 2026-03-02T11:59:59.000Z (1 s ago). Stop that worker first (SIGTERM, e.g. \`kill 100\`)`);
  });

  it('a failed query fails closed (a plain runtime error, not a start)', async () => {
    const conn = {
      workflowService: { describeTaskQueue: async () => Promise.reject(new Error('14 UNAVAILABLE: connection refused')) } as never,
      withDeadline: <R>(_d: number | Date, fn: () => Promise<R>) => fn(),
    };
    const err = await assertNoOtherLaneWorker({ connection: conn, namespace: 'default', taskQueue: 'kalshi-autopilot-sim-dry-run', logger: silentLogger() }).catch((e) => e);
    expect(err).not.toBeInstanceOf(LaneWorkerRunningError);
    expect(exitCodeFor(err)).toBe(1);
    expect(err.message).toBe(
      'cannot check whether another worker polls lane kalshi-autopilot-sim-dry-run (DescribeTaskQueue failed: 14 UNAVAILABLE: connection refused): not starting a possibly second worker',
    );
  });
});
