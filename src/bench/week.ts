/**
 * P4/P5 hook: the week run (issue 16, `npm run week`, docs/week-proof.md) writes its result file; the bench reads it
 * when it exists and prints "P4/P5: run `npm run week`" when it does not. Path: `--week-result PATH`, else
 * KALSHI_AUTOPILOT_WEEK_RESULT, else data/week-result.json.
 *
 *   P4: wall seconds, history events per run (max; goal < 10,000, continue-as-new included),
 *       wall ÷ summed activity durations (Temporal overhead)
 *   P5: worker RSS at the end ÷ at the start − 1 (goal < 10 % growth)
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

export const WEEK_RESULT_DEFAULT = 'data/week-result.json';
export const WEEK_HINT = 'P4/P5: run `npm run week`';

export interface P4Result { wall_seconds: number; history_events_per_run_max: number; runs: number; overhead_ratio: number; days: number; source: string }
export interface P5Result { rss_growth: number; rss_start_bytes: number; rss_end_bytes: number; source: string }
export type WeekBench = { P4: P4Result; P5: P5Result | null } | { hint: string; path: string };

interface WeekFile {
  days?: unknown; wallSeconds?: unknown; historyEventsPerRun?: unknown; activitySecondsSum?: unknown; rssStartBytes?: unknown; rssEndBytes?: unknown;
}

const num = (v: unknown, field: string, file: string): number => {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`${file}: ${field} must be a finite number (got ${JSON.stringify(v)})`);
  return v;
};

export function weekResultPath(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(flag ?? env.KALSHI_AUTOPILOT_WEEK_RESULT ?? WEEK_RESULT_DEFAULT);
}

/** P4/P5 from the week-run result file, or the hint when there is none. A malformed file is an error naming the field. */
export function benchWeek(file: string): WeekBench {
  if (!existsSync(file)) return { hint: WEEK_HINT, path: file };
  const w = JSON.parse(readFileSync(file, 'utf8')) as WeekFile;
  const events = Array.isArray(w.historyEventsPerRun) ? w.historyEventsPerRun.map((e, i) => num(e, `historyEventsPerRun[${i}]`, file)) : [];
  if (events.length === 0) throw new Error(`${file}: historyEventsPerRun must be a non-empty array of numbers`);
  const wall = num(w.wallSeconds, 'wallSeconds', file);
  const act = num(w.activitySecondsSum, 'activitySecondsSum', file);
  const P4: P4Result = {
    wall_seconds: wall, history_events_per_run_max: Math.max(...events), runs: events.length,
    overhead_ratio: act > 0 ? wall / act : Number.POSITIVE_INFINITY, days: num(w.days, 'days', file), source: file,
  };
  const start = w.rssStartBytes == null ? null : num(w.rssStartBytes, 'rssStartBytes', file);
  const end = w.rssEndBytes == null ? null : num(w.rssEndBytes, 'rssEndBytes', file);
  const P5: P5Result | null = start && end ? { rss_growth: end / start - 1, rss_start_bytes: start, rss_end_bytes: end, source: file } : null;
  return { P4, P5 };
}
