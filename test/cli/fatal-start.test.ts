/**
 * Issue 11: a worker that cannot start sends the `fatal_start` alert itself before exiting — an invalid config
 * included (the real, built CLI as a child process; a local webhook receiver). Never a secret in the payload.
 */
import fs from 'node:fs';
import path from 'node:path';
import { runCli } from '../helpers/cli';
import { tempDir } from '../helpers/lane';
import { startReceiver, Receiver } from '../helpers/http-receiver';
import { sendFatalStart } from '../../src/cli/fatal-start';
import { ConfigError } from '../../src/config';

const SECRET_KEY_ID = 'c0ffee00-planted-key-id-4b5b-b8f9';
let hook: Receiver;
beforeAll(async () => {
  hook = await startReceiver();
});
afterAll(() => hook.close());

describe('fatal start alert', () => {
  it('worker with an invalid config: exit 2, one fatal_start naming the bad key, no secret in it', async () => {
    const cwd = tempDir('kap-fatal-');
    fs.writeFileSync(path.join(cwd, 'kalshi-autopilot.config.json'), JSON.stringify({ trading: { bankroll: 'lots' }, alerts: { format: 'discord' } }));
    const before = hook.received.length;
    const r = await runCli(['worker', '--env', 'sim', '--dry-run', '--temporal-address', '127.0.0.1:9'], {
      cwd, env: { KALSHI_AUTOPILOT_WEBHOOK_URL: hook.url, KALSHI_API_KEY_ID: SECRET_KEY_ID },
    });
    expect(r.code).toBe(2);
    const got = hook.received.slice(before);
    expect(got).toHaveLength(1);
    const content = (got[0].json as { content: string }).content;
    expect(content).toMatch(/^ℹ️ \[kalshi-autopilot-sim-dry-run\] worker exited with an error — invalid configuration: .*trading\.bankroll/);
    expect(got[0].body).not.toContain(SECRET_KEY_ID);
  });

  it('an explicit observability.webhook_enabled false keeps it silent; an unreachable webhook never throws', async () => {
    const cwd = tempDir('kap-fatal-');
    fs.writeFileSync(path.join(cwd, 'kalshi-autopilot.config.json'), JSON.stringify({ trading: { bankroll: -1 }, observability: { webhook_enabled: false } }));
    const err = new ConfigError([{ path: 'trading.bankroll', message: 'must be greater than 0 (dollars)' }]);
    expect(await sendFatalStart('worker', { env: 'sim', dryRun: true }, err, { cwd, env: { KALSHI_AUTOPILOT_WEBHOOK_URL: hook.url } })).toBe('off');
    const cwd2 = tempDir('kap-fatal-');
    fs.writeFileSync(path.join(cwd2, 'kalshi-autopilot.config.json'), JSON.stringify({ observability: { webhook_enabled: true } }));
    expect(await sendFatalStart('up', { env: 'sim', dryRun: true }, new Error('boom'), { cwd: cwd2, env: { KALSHI_AUTOPILOT_WEBHOOK_URL: 'http://127.0.0.1:9/hook' } })).toBe('failed');
  });
});
