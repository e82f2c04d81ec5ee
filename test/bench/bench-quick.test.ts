/**
 * `npm run bench -- --quick` (the CI size) prints every ratio line with a finite number — a check that the bench
 * runs end to end, never a timing goal (the ratios themselves are not asserted). And the P4/P5 hook: the hint
 * without a week-run result file, the figures from one, an error naming the field of a malformed one.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { benchWeek, WEEK_HINT } from '../../src/bench/week';

const ROOT = path.resolve(__dirname, '../..');

describe('npm run bench -- --quick', () => {
  it('prints P1, its 429s, P2, P3 p50 / p99 as finite numbers, the P4/P5 hint and the machine', () => {
    const r = spawnSync(process.execPath, ['-r', path.join(ROOT, 'test/helpers/ts-register.js'), path.join(ROOT, 'src/bench/index.ts'), '--quick'], {
      cwd: ROOT, encoding: 'utf8', timeout: 110_000, env: { ...process.env, KALSHI_AUTOPILOT_WEEK_RESULT: path.join(os.tmpdir(), 'kap-no-week-result.json') },
    });
    expect(r.stderr).toBe(''); // not a TTY: no progress, no warnings
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split('\n');
    const ratio = (label: string) => {
      const line = lines.find((l) => l.startsWith(`${label} `));
      if (!line) throw new Error(`no "${label}" line in:\n${r.stdout}`);
      const m = /^\S+(?: \S+)?\s+.+?\s{2}(\d+(?:\.\d+)?)x?\s{2}/.exec(line);
      if (!m) throw new Error(`no number on the "${label}" line: ${line}`);
      return Number(m[1]);
    };
    for (const label of ['P1', 'P2', 'P3 p50', 'P3 p99']) {
      const v = ratio(label);
      expect(Number.isFinite(v) && v > 0).toBe(true);
    }
    expect(Number.isInteger(ratio('P1 429s'))).toBe(true);
    expect(lines.some((l) => l.startsWith('P4/P5') && l.includes(WEEK_HINT))).toBe(true);
    expect(lines.filter((l) => l.startsWith('micro ')).length).toBe(3);
    expect(lines[lines.length - 1]).toMatch(/^machine: .+ × \d+, .*node v\d+.*\(--quick sizes\)$/);
  });
});

describe('P4/P5 hook', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kap-week-'));
  it('reads the week run result file, else gives the hint', () => {
    expect(benchWeek(path.join(dir, 'absent.json'))).toEqual({ hint: WEEK_HINT, path: path.join(dir, 'absent.json') });
    const file = path.join(dir, 'week-result.json');
    fs.writeFileSync(file, JSON.stringify({ days: 7, wallSeconds: 900, historyEventsPerRun: [4000, 6100, 120], activitySecondsSum: 600, rssStartBytes: 100 * 2 ** 20, rssEndBytes: 105 * 2 ** 20 }));
    const w = benchWeek(file);
    expect(w).toMatchObject({ P4: { wall_seconds: 900, history_events_per_run_max: 6100, runs: 3, overhead_ratio: 1.5, days: 7 }, P5: { rss_start_bytes: 100 * 2 ** 20 } });
    expect((w as { P5: { rss_growth: number } }).P5.rss_growth).toBeCloseTo(0.05, 10);
    fs.writeFileSync(file, JSON.stringify({ days: 7, wallSeconds: 'x', historyEventsPerRun: [1] }));
    expect(() => benchWeek(file)).toThrow(/wallSeconds must be a finite number/);
  });
});
