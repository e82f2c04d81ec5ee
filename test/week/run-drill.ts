/**
 * `npm run drill -- --iterations N [--seed S] [--json]` (docs/week-proof.md "The crash drill"): N worker kills at
 * crash points chosen from the printed seed, each followed by a restart and a settle; then prints intents, orders at
 * the simulator, duplicates and ledger-vs-simulator mismatches (or, with --json, one object
 * `{iterations, intents, orders, duplicates, mismatches}`). Exit 0 when both are 0, 1 otherwise, 2 on bad flags,
 * 3 when the Temporal test server died (that says nothing about the bot).
 */
import { abortActiveDrill, runDrill } from './drill';

interface Flags { iterations: number; seed: number; json: boolean }

export function parseDrillFlags(argv: string[], defaultSeed: number): Flags {
  const f: Flags = { iterations: 0, seed: defaultSeed, json: false };
  let haveIterations = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const int = (name: string, lo: number, hi: number) => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${name}: needs a value`);
      const n = Number(v);
      if (!/^\d+$/.test(v) || n < lo || n > hi) throw new Error(`${name}: an integer ${lo}..${hi} (got ${JSON.stringify(v)})`);
      return n;
    };
    if (a === '--iterations') {
      f.iterations = int('--iterations', 1, 100_000);
      haveIterations = true;
    } else if (a === '--seed') f.seed = int('--seed', 0, 2 ** 31 - 1);
    else if (a === '--json') f.json = true;
    else throw new Error(`unknown flag ${a} (flags: --iterations N, --seed S, --json)`);
  }
  if (!haveIterations) throw new Error('--iterations: required (an integer ≥ 1)');
  return f;
}

async function main(): Promise<number> {
  let f: Flags;
  try {
    f = parseDrillFlags(process.argv.slice(2), Math.floor(Date.now() % 100_000));
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    return 2;
  }
  process.once('SIGINT', () => void abortActiveDrill().finally(() => process.exit(130)));
  process.once('SIGTERM', () => void abortActiveDrill().finally(() => process.exit(143)));
  const r = await runDrill({ iterations: f.iterations, seed: f.seed, log: (l) => process.stderr.write(`${l}\n`) });
  if (f.json) {
    process.stdout.write(`${JSON.stringify({ iterations: r.iterations, intents: r.intents, orders: r.orders, duplicates: r.duplicates, mismatches: r.mismatches })}\n`);
  } else {
    const killed = Object.entries(r.kills).map(([p, n]) => `${p} ${n}`).join(', ') || 'none';
    process.stdout.write(`seed ${r.seed}, ${r.iterations} iterations, ${r.wallSeconds.toFixed(1)} s wall, kills: ${killed}\n`);
    process.stdout.write(`intents ${r.intents}\norders at the simulator ${r.orders}\nduplicates ${r.duplicates}\nmismatches ${r.mismatches}\n`);
    for (const v of r.violations.slice(0, 20)) process.stdout.write(`  ${v}\n`);
  }
  if (r.infrastructureFailure) {
    process.stderr.write(`INFRASTRUCTURE: ${r.infrastructureFailure} (not a verdict on the bot)\n`);
    return 3;
  }
  return r.duplicates === 0 && r.mismatches === 0 ? 0 : 1;
}

if (require.main === module) {
  main().then((code) => process.exit(code), (e) => {
    process.stderr.write(`${(e as Error).stack ?? e}\n`);
    process.exit(1);
  });
}
