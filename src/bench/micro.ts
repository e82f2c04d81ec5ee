/**
 * The micro-benchmarks: hot-path helpers against the baseline they replace, in ns/op, measured in the same run.
 *
 *   parseDollars / parseFloat     fixed-point parsing cost relative to the float parse it replaces
 *   takerFee / float formula      exact BigInt fee arithmetic relative to the float formula
 *   scrub / plain copy            secret scrubbing of a log line relative to copying it
 */
import { performance } from 'node:perf_hooks';
import { parseDollars } from '../domain/fixed';
import { takerFee } from '../domain/fees';
import { registerSecret, scrub } from '../observability/redact';

export interface MicroRow { name: string; ns_per_op: number; baseline_ns_per_op: number; ratio: number }

function timeIt(n: number, fn: (i: number) => unknown): number {
  let sink = 0;
  for (let i = 0; i < Math.min(n, 10_000); i++) sink += Number(Boolean(fn(i))); // warm-up
  const t0 = performance.now();
  for (let i = 0; i < n; i++) sink += Number(Boolean(fn(i)));
  const dt = performance.now() - t0;
  if (sink < 0) console.log(sink);
  return (dt * 1e6) / n; // ns per op
}

export function benchMicro(n: number): MicroRow[] {
  const prices = Array.from({ length: 1000 }, (_, i) => `0.${String(1 + (i % 98)).padStart(2, '0')}00`);
  const rows: Array<[string, number, number]> = [];
  rows.push([
    'parseDollars / parseFloat',
    timeIt(n, (i) => parseDollars(prices[i % 1000], 'p')),
    timeIt(n, (i) => parseFloat(prices[i % 1000])),
  ]);
  rows.push([
    'takerFee (exact) / float formula',
    timeIt(n, (i) => takerFee(100 + (i % 900), 10_000 * (1 + (i % 98)))),
    timeIt(n, (i) => Math.ceil(0.07 * ((100 + (i % 900)) / 100) * ((1 + (i % 98)) / 100) * (1 - (1 + (i % 98)) / 100) * 10000)),
  ]);
  registerSecret(['-----BEGIN', 'PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END', 'PRIVATE KEY-----'].join(' '));
  registerSecret('a952bcbe-ec3b-4b5b-b8f9-11dae589608c');
  const line = 'cycle_summary lane=kalshi-autopilot-sim-dry-run cycle=42 outcome=completed orders=0 blocked=null '.repeat(4);
  rows.push(['scrub(log line) / string copy', timeIt(Math.ceil(n / 3), () => scrub(line)), timeIt(Math.ceil(n / 3), () => (' ' + line).slice(1))]);
  return rows.map(([name, a, b]) => ({ name, ns_per_op: a, baseline_ns_per_op: b, ratio: a / b }));
}
