/**
 * `kalshi-autopilot init`: the ONLY command that prompts, and only on a terminal. With --non-interactive or without a
 * TTY it reads nothing from stdin and fails at once, saying what to do instead.
 */
import readline from 'node:readline/promises';
import path from 'node:path';
import { DEFAULT_CONFIG_FILE, parseCsvList, setConfigValues } from '../config';

export class NonInteractiveError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NonInteractiveError';
  }
}

export interface InitOptions {
  configPath?: string;
  nonInteractive: boolean;
  input?: NodeJS.ReadStream;
  output?: NodeJS.WriteStream;
}

export async function runInitWizard(opts: InitOptions): Promise<void> {
  const input = opts.input ?? process.stdin;
  const output = opts.output ?? process.stdout;
  if (opts.nonInteractive || !input.isTTY) {
    throw new NonInteractiveError(
      `init is interactive and needs a terminal (${opts.nonInteractive ? '--non-interactive given' : 'stdin is not a TTY'}). ` +
        `Without one: cp kalshi-autopilot.config.template.json ${DEFAULT_CONFIG_FILE} and set values with ` +
        '`kalshi-autopilot config set KEY=VALUE`.',
    );
  }
  const file = path.resolve(opts.configPath ?? DEFAULT_CONFIG_FILE);
  const rl = readline.createInterface({ input, output });
  try {
    const ask = async (q: string, def: string) => (await rl.question(`${q} [${def}]: `)).trim() || def;
    const env = await ask('Kalshi environment (sim | demo | prod)', 'sim');
    const dryRun = (await ask('Dry-run (paper trading)? yes | no', 'yes')).toLowerCase().startsWith('y');
    const series = await ask('Allowed series tickers (comma-separated; empty = none)', '');
    const bankroll = await ask('Bankroll the bot may use, in dollars', '100');
    const entries: [string, unknown][] = [
      ['venues.kalshi.env', env],
      ['trading.dry_run', dryRun],
      ['trading.bankroll', Number(bankroll)],
    ];
    if (series) entries.push(['trading.allowed_series_tickers', parseCsvList('allowed series tickers', series)]);
    setConfigValues(file, entries);
    output.write(`wrote ${file}\n`);
  } finally {
    rl.close();
  }
}
