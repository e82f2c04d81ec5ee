/**
 * `npm run week [-- --seed N --days N --faults RATE --kills N --out PATH --json]` (docs/week-proof.md): runs the
 * unattended week on the simulator, prints the table of the seed's success criteria S1–S5 (or, with --json, one
 * object with an entry per criterion, each `pass` and its evidence), writes the result file (default
 * data/week-result.json; its path is printed) and exits 1 on any failure, 2 on bad flags, 3 when the Temporal
 * test server died (that says nothing about the bot).
 */
import fs from 'node:fs';
import path from 'node:path';
import { abortActiveWeek, runWeek, type Progress } from './harness';
import { criteriaTable } from './report';

interface Flags { seed: number; days: number; faults: number; kills: number; out: string; json: boolean }

function parse(argv: string[]): Flags {
  const f: Flags = { seed: Math.floor(Date.now() % 100_000), days: 7, faults: 0.1, kills: 2, out: path.resolve('data/week-result.json'), json: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a}: needs a value`);
      return v;
    };
    const int = (name: string, lo: number, hi: number) => {
      const v = val();
      const n = Number(v);
      if (!/^\d+$/.test(v) || n < lo || n > hi) throw new Error(`${name}: an integer ${lo}..${hi} (got ${JSON.stringify(v)})`);
      return n;
    };
    if (a === '--seed') f.seed = int('--seed', 0, 2 ** 31 - 1);
    else if (a === '--days') f.days = int('--days', 1, 14);
    else if (a === '--kills') f.kills = int('--kills', 0, 2);
    else if (a === '--faults') {
      const v = val();
      const n = Number(v);
      if (!/^(0|1|0?\.\d+)$/.test(v) || n < 0 || n > 0.5) throw new Error(`--faults: a rate 0..0.5 (got ${JSON.stringify(v)})`);
      f.faults = n;
    } else if (a === '--out') f.out = path.resolve(val());
    else if (a === '--json') f.json = true;
    else throw new Error(`unknown flag ${a} (flags: --seed N, --days N, --faults RATE, --kills N, --out PATH, --json)`);
  }
  return f;
}

function progressLine(p: Progress): string {
  return `\rday ${p.simDay} ${String(p.simHour).padStart(2, '0')}h  cycles ${p.cycles}  orders ${p.orders}  faults ${p.faults}  ${p.wallSeconds.toFixed(0)} s${p.etaSeconds !== null ? `  eta ${p.etaSeconds} s` : ''}   `;
}

async function main(): Promise<number> {
  let f: Flags;
  try {
    f = parse(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    return 2;
  }
  const tty = process.stderr.isTTY;
  process.once('SIGINT', () => void abortActiveWeek().finally(() => process.exit(130)));
  process.once('SIGTERM', () => void abortActiveWeek().finally(() => process.exit(143)));
  const r = await runWeek({
    seed: f.seed, days: f.days, faultRate: f.faults, kills: f.kills,
    log: (l) => process.stderr.write(`${tty ? '\n' : ''}${l}\n`),
    progress: tty ? (p) => process.stderr.write(progressLine(p)) : undefined,
  });
  fs.mkdirSync(path.dirname(f.out), { recursive: true });
  fs.writeFileSync(f.out, `${JSON.stringify(r, null, 2)}\n`);
  if (f.json) process.stdout.write(`${JSON.stringify({ seed: r.seed, ...r.criteria, infrastructureFailure: r.infrastructureFailure, resultFile: f.out })}\n`);
  else {
    process.stdout.write(`${tty ? '\n' : ''}seed ${r.seed}, ${r.days} days, ${r.cycles} cycles, ${r.wallSeconds.toFixed(1)} s wall, kills ${r.kills.map((k) => k.spec).join(', ') || 'none'}\n`);
    process.stdout.write(`${criteriaTable(r)}\n`);
    if (r.infrastructureFailure) process.stdout.write(`INFRASTRUCTURE: ${r.infrastructureFailure} (not a verdict on the bot)\n`);
    process.stdout.write(`result: ${f.out}\n`);
  }
  if (r.infrastructureFailure) return 3;
  return r.pass ? 0 : 1;
}

main().then((code) => process.exit(code), (e) => {
  process.stderr.write(`${(e as Error).stack ?? e}\n`);
  process.exit(1);
});
