/**
 * `config show` must not print secrets by construction, not only because its output is scrubbed: here scrub() is an
 * identity function, and the output must still hold no secret.
 */
import { Command } from 'commander';
import { registerConfigCommands } from '../../src/cli/config-commands';
import { rsaPem, tmpDir } from './helpers';

jest.mock('../../src/observability/redact', () => {
  const actual = jest.requireActual('../../src/observability/redact');
  return { ...actual, scrub: (t: string) => t, registerSecret: () => undefined };
});

it.each([[[] as string[]], [['--json']]])('config show %j without scrubbing still holds no secret', async (extra) => {
  const pem = rsaPem();
  let out = '';
  const program = new Command('kalshi-autopilot').exitOverride();
  registerConfigCommands(program, {
    out: (t) => { out += t; }, err: (t) => { out += t; }, exit: () => undefined, cwd: tmpDir(),
    env: { KALSHI_API_KEY_ID: 'a952bcbe-ec3b-4b5b-b8f9-11dae589608c', KALSHI_PRIVATE_KEY: pem, OPENAI_API_KEY: 'sk-openai-verysecret' },
  });
  await program.parseAsync(['node', 'kalshi-autopilot', 'config', 'show', ...extra]);
  expect(out).toContain('KALSHI_API_KEY_ID');
  expect(out).not.toContain('a952bcbe');
  expect(out).not.toContain('PRIVATE KEY-----');
  expect(out).not.toContain(pem.split('\n')[1]);
  expect(out).not.toContain('verysecret');
});
