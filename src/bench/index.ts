/**
 * `npm run bench [-- --quick] [--json] [--week-result PATH]`: the performance goals (docs/bench.md), each measured
 * against a floor taken in the same run and printed as a ratio — never asserted as timings in tests.
 *
 *   P1 scan + batch books at the Basic tier ÷ max(token bound, round-trip floor), and its 429s   (goal ≤ 1.1×, 0)
 *   P2 decision core ÷ JSON.parse of the same wire pages                                          (goal ≤ 0.5×)
 *   P3 live order path p50 / p99 ÷ (2 loopback round trips + 2 fsynced SQLite commits)           (goal ≤ 1.5×)
 *   P4/P5 from the week run's result file (issue 16), else "P4/P5: run `npm run week`"
 *   the micro-benchmarks (fixed-point parse, exact fees, scrubbing) ÷ their float/plain baselines
 *
 * `--quick` runs small sizes (CI: the jest test runs it and checks every ratio line is a finite number). Progress
 * goes to stderr on a TTY; the table (or with --json one object {P1, P2, P3, P4, P5, micro, machine}) to stdout.
 */
import os from 'node:os';
import { benchMicro, type MicroRow } from './micro';
import { benchP1, type P1Result } from './p1-scan';
import { benchP2, type P2Result } from './p2-decide';
import { benchP3, type P3Result } from './p3-order-path';
import { benchWeek, weekResultPath, type WeekBench } from './week';

interface Flags { quick: boolean; json: boolean; weekResult?: string }

export const SIZES = {
  full: { p1Markets: 20_000, p1Candidates: 200, p1Repeats: 2, p2Markets: 10_000, p2Reps: 7, p3Orders: 200, micro: 300_000 },
  quick: { p1Markets: 2_000, p1Candidates: 50, p1Repeats: 1, p2Markets: 1_000, p2Reps: 3, p3Orders: 30, micro: 30_000 },
} as const;

export const GOALS = { P1: 1.1, P2: 0.5, P3: 1.5, P4_EVENTS: 10_000, P5_GROWTH: 0.1 } as const;

function parseFlags(argv: string[]): Flags {
  const f: Flags = { quick: false, json: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--quick') f.quick = true;
    else if (a === '--json') f.json = true;
    else if (a === '--week-result') {
      f.weekResult = argv[++i];
      if (!f.weekResult) throw new Error('--week-result needs a path');
    } else throw new Error(`unknown flag ${a} (flags: --quick, --json, --week-result PATH)`);
  }
  return f;
}

export interface BenchReport {
  P1: P1Result;
  P2: P2Result;
  P3: P3Result;
  P4: WeekBench extends infer W ? (W extends { P4: infer P } ? P : never) | { ratio: null; hint: string; path: string } : never;
  /** null when the week-run result file holds no RSS figures. */
  P5: object | null;
  micro: MicroRow[];
  machine: string;
  quick: boolean;
}

export function machine(): string {
  const cpus = os.cpus();
  return `${cpus[0]?.model.trim() ?? 'unknown CPU'} × ${cpus.length}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.type()} ${os.release()}, node ${process.version}`;
}

const x = (r: number) => `${r.toFixed(2)}x`;
const ms = (v: number) => (v >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${v.toFixed(1)} ms`);

export function table(r: BenchReport): string {
  const rows: string[][] = [];
  const { P1, P2, P3 } = r;
  rows.push(['P1', `scan ${P1.markets} markets + ${P1.candidates} books, Basic tier`, x(P1.ratio), `≤ ${GOALS.P1.toFixed(2)}x`,
    `wall ${ms(P1.wall_ms)} vs bound ${ms(Math.max(P1.token_bound_ms, P1.floor_ms))} (tokens ${ms(P1.token_bound_ms)}, round trips ${ms(P1.floor_ms)}); ${P1.requests} requests, ${P1.tokens} tokens, ${P1.books} books`]);
  rows.push(['P1 429s', 'rate-limit refusals in that scan', String(P1['429s']), '0', `client limiter at ${Math.round(P1.client_utilization * 100)} % of the budget`]);
  rows.push(['P2', `decision core ÷ JSON.parse, ${P2.markets} markets`, x(P2.ratio), `≤ ${GOALS.P2.toFixed(2)}x`,
    `decide ${ms(P2.decide_ms)}, JSON.parse ${ms(P2.json_parse_ms)} of ${(P2.wire_bytes / 1e6).toFixed(1)} MB; ${P2.intents} intents`]);
  rows.push(['P3 p50', `live order path, ${P3.orders} orders`, x(P3.ratio_p50), `≤ ${GOALS.P3.toFixed(2)}x`,
    `${ms(P3.p50_ms)} vs floor ${ms(P3.floor_p50_ms)} (2 × ${ms(P3.round_trip_p50_ms)} round trip + 2 × ${ms(P3.commit_p50_ms)} commit)`]);
  rows.push(['P3 p99', `live order path, ${P3.orders} orders`, x(P3.ratio_p99), `≤ ${GOALS.P3.toFixed(2)}x`, `${ms(P3.p99_ms)} vs floor ${ms(P3.floor_p99_ms)}; ${P3.placed} placed`]);
  if ('hint' in r.P4) rows.push(['P4/P5', r.P4.hint, '-', '-', `no result file at ${r.P4.path}`]);
  else {
    const p4 = r.P4 as Extract<BenchReport['P4'], { wall_seconds: number }>;
    rows.push(['P4', `week run (${p4.days} days), history events per run`, String(p4.history_events_per_run_max), `< ${GOALS.P4_EVENTS}`, `${p4.runs} runs, wall ${p4.wall_seconds.toFixed(0)} s`]);
    rows.push(['P4 overhead', 'wall ÷ summed activity durations', x(p4.overhead_ratio), '-', p4.source]);
    const p5 = r.P5 as { rss_growth: number; rss_start_bytes: number; rss_end_bytes: number } | null; // the week ran: P5 is figures or null
    rows.push(['P5', 'worker RSS growth over the week', p5 ? `${(p5.rss_growth * 100).toFixed(1)} %` : '-', `< ${GOALS.P5_GROWTH * 100} %`,
      p5 ? `${(p5.rss_start_bytes / 2 ** 20).toFixed(0)} → ${(p5.rss_end_bytes / 2 ** 20).toFixed(0)} MiB` : 'no RSS in the result file']);
  }
  for (const m of r.micro) rows.push(['micro', m.name, x(m.ratio), '-', `${m.ns_per_op.toFixed(1)} vs ${m.baseline_ns_per_op.toFixed(1)} ns/op`]);
  const head = ['goal', 'measured', 'ratio', 'target', 'detail'];
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 4 ? c : c.padEnd(w[i]))).join('  ');
  return [line(head), ...rows.map(line), `machine: ${r.machine}${r.quick ? ' (--quick sizes)' : ''}`].join('\n');
}

export async function runBench(flags: Flags, progress: (s: string) => void): Promise<BenchReport> {
  const s = flags.quick ? SIZES.quick : SIZES.full;
  const P1 = await benchP1({ markets: s.p1Markets, candidates: s.p1Candidates, repeats: s.p1Repeats, progress });
  const P2 = await benchP2({ markets: s.p2Markets, reps: s.p2Reps, progress });
  const P3 = await benchP3({ orders: s.p3Orders, progress });
  const week = benchWeek(weekResultPath(flags.weekResult));
  progress('micro-benchmarks');
  const micro = benchMicro(s.micro);
  return {
    P1, P2, P3,
    P4: 'hint' in week ? { ratio: null, hint: week.hint, path: week.path } : week.P4,
    P5: 'hint' in week ? { ratio: null, hint: week.hint, path: week.path } : week.P5,
    micro, machine: machine(), quick: flags.quick,
  };
}

async function main(): Promise<void> {
  let flags: Flags;
  try {
    flags = parseFlags(process.argv.slice(2));
  } catch (e) {
    console.error(`bench: ${(e as Error).message}`);
    process.exit(2);
  }
  const tty = Boolean(process.stderr.isTTY);
  const t0 = Date.now();
  const progress = (msg: string) => {
    if (tty) process.stderr.write(`[${((Date.now() - t0) / 1000).toFixed(0).padStart(4)} s] ${msg}\n`);
  };
  const report = await runBench(flags, progress);
  process.stdout.write(`${flags.json ? JSON.stringify(report, null, 2) : table(report)}\n`);
}

if (require.main === module) {
  main().catch((e) => {
    console.error(`bench failed: ${(e as Error).stack ?? e}`);
    process.exit(1);
  });
}
