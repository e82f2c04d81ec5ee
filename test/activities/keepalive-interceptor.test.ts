/**
 * KeepAliveInterceptor: an activity that has a heartbeat timeout beats on its own while it runs (so a live worker is
 * never taken for dead inside the order path's 10 s), and stops beating when it returns; one without a heartbeat
 * timeout is left alone.
 */
import { MockActivityEnvironment } from '@temporalio/testing';
import type { ActivityExecuteInput } from '@temporalio/worker';
import { KeepAliveInterceptor } from '../../src/activities/keepalive-interceptor';

const input = { args: [], headers: {} } as unknown as ActivityExecuteInput;

test('with a heartbeat timeout it beats while the activity runs, and not after it returned', async () => {
  const env = new MockActivityEnvironment({ heartbeatTimeoutMs: 900 });
  const beats: unknown[] = [];
  let enough: () => void = () => undefined;
  const twoBeats = new Promise<void>((resolve) => (enough = resolve));
  env.on('heartbeat', (d: unknown) => {
    beats.push(d);
    if (beats.length >= 2) enough();
  });
  // The activity does nothing but wait for two beats: it could only finish if the interceptor beat for it.
  const out = await env.run(() => new KeepAliveInterceptor().execute(input, async () => {
    await twoBeats;
    return 'done';
  }));
  expect(out).toBe('done');
  expect(beats.slice(0, 2)).toEqual([{ alive: true }, { alive: true }]);
  const after = beats.length;
  await new Promise((r) => setTimeout(r, 700));
  expect(beats.length).toBe(after);
});

test('without a heartbeat timeout nothing beats; errors pass through', async () => {
  const env = new MockActivityEnvironment({ heartbeatTimeoutMs: undefined });
  const beats: unknown[] = [];
  env.on('heartbeat', (d: unknown) => beats.push(d));
  await env.run(() => new KeepAliveInterceptor().execute(input, () => new Promise((r) => setTimeout(() => r('ok'), 700))));
  expect(beats).toEqual([]);
  const failing = new MockActivityEnvironment({ heartbeatTimeoutMs: 900 });
  await expect(failing.run(() => new KeepAliveInterceptor().execute(input, async () => {
    throw new Error('boom');
  }))).rejects.toThrow('boom');
});
