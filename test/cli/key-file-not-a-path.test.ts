/**
 * KALSHI_PRIVATE_KEY_FILE holding the PEM text itself (pasted into the wrong variable) is secret material: no line of
 * it may reach stdout or stderr of any command (banner, warnings, errors), and it is shown only as
 * `<not a path: N chars, redacted>`. The real, built CLI as a child process; the key is generated at runtime.
 */
import fs from 'node:fs';
import net, { AddressInfo } from 'node:net';
import path from 'node:path';
import { generateKeyPairSync } from 'node:crypto';
import { runCli } from '../helpers/cli';
import { tempDir } from '../helpers/lane';

const pem = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const pemLines = pem.split('\n').filter((l) => l.trim() !== '');
const oneLine = pem.trim().replace(/\n/g, '\\n');
const keyId = 'a952bcbe-ec3b-4b5b-b8f9-11dae589608c';
let deadTemporal: string;
let cwd: string;

beforeAll(async () => {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  deadTemporal = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  cwd = tempDir('kap-keyfile-');
  // demo needs a model other than sim-oracle; credentials make the dry-run report them ("needed for live").
  fs.writeFileSync(path.join(cwd, 'kalshi-autopilot.config.json'), JSON.stringify({ model: { kind: 'signals-file', signals_file: { path: 's.jsonl' } } }));
});

function expectNoKeyText(out: string): void {
  for (const line of pemLines) expect(out).not.toContain(line);
  expect(out).not.toContain(oneLine);
  expect(out).not.toMatch(/-----(BEGIN|END)/);
}

const commands: [string, string[]][] = [
  ['worker (dry-run banner; Temporal unreachable)', ['worker', '--env', 'demo', '--dry-run', '--temporal-address', 'DEAD']],
  ['start --print-input (dry-run)', ['start', '--print-input', '--env', 'demo', '--dry-run']],
  ['start --print-input (live: refused, naming the variable)', ['start', '--print-input', '--env', 'demo', '--live', '--series-tickers', 'KXHIGHNY']],
  ['start (dry-run banner; Temporal unreachable)', ['start', '--env', 'demo', '--dry-run', '--temporal-address', 'DEAD']],
  ['config verify --mode dry-run', ['config', 'verify', '--mode', 'dry-run', '--env', 'demo']],
  ['config verify --mode live --json', ['config', 'verify', '--mode', 'live', '--env', 'demo', '--json']],
  ['balance (read command)', ['balance', '--env', 'demo', '--kalshi-base-url', 'http://DEAD/trade-api/v2']],
];

describe.each([
  ['PEM text', pem],
  ['one-line PEM with literal \\n', oneLine],
])('KALSHI_PRIVATE_KEY_FILE holding %s', (_name, value) => {
  it.each(commands)('%s never prints any line of it', async (_label, args) => {
    const r = await runCli(args.map((a) => a.replace('DEAD', deadTemporal)), {
      cwd,
      env: { KALSHI_API_KEY_ID: keyId, KALSHI_PRIVATE_KEY_FILE: value },
      timeoutMs: 60_000,
    });
    expect(r.timedOut).toBe(false);
    expectNoKeyText(r.stdout);
    expectNoKeyText(r.stderr);
    expect(`${r.stdout}${r.stderr}`).not.toContain(keyId);
    if (args[0] !== 'start' || !args.includes('--print-input') || args.includes('--live')) {
      // Every command that reports the key's problem names the variable and shows the value only as a placeholder.
      expect(`${r.stdout}${r.stderr}`).toContain(`KALSHI_PRIVATE_KEY_FILE`);
      expect(`${r.stdout}${r.stderr}`).toContain(`<not a path: ${value.trim().length} chars, redacted>`);
    }
  });
});

it('a worker banner with such a key: the warning line is the placeholder, the rest of the banner intact', async () => {
  const r = await runCli(['worker', '--env', 'demo', '--dry-run', '--temporal-address', deadTemporal], {
    cwd,
    env: { KALSHI_API_KEY_ID: keyId, KALSHI_PRIVATE_KEY_FILE: pem },
    timeoutMs: 60_000,
  });
  expect(r.stderr).toContain(`  db=${path.join(cwd, 'data', 'kalshi-autopilot-demo-dry-run.sqlite')}`);
  expect(r.stderr).toContain(
    `  warning: KALSHI_PRIVATE_KEY_FILE: holds <not a path: ${pem.trim().length} chars, redacted>, not a file path: it must name the PEM file (the key text itself goes in KALSHI_PRIVATE_KEY) (needed for live)`,
  );
  expect(r.code).toBe(1); // Temporal unreachable
});
