/**
 * `kalshi-autopilot report --quality [--json|--csv] [--since T] [--model M] [--series S]`: forecast scores against
 * the market from the lane DB (read-only; works while the worker runs and with Temporal down). Rows per model: all
 * its settled markets, its last quality.window, then by series, category and side (src/cli/quality-report.ts), with
 * the bench list and each pair's verdict. `--since` takes an ISO time or a duration back from now (`36h`, `7d`).
 * Docs: docs/scoring.md.
 */
import { Command, InvalidArgumentError } from 'commander';
import { displayPath } from '../observability/redact';
import { addLaneOptions, LaneCliOptions, laneTarget } from './lane';
import { filterForecasts, qualityCsv, qualityRows, qualityTable, rowJson } from './quality-report';
import { qualityLines, qualityRulesOf, readForecasts, readQualityStatus } from './quality-view';
import { withReadOnlyLaneDb } from './read-lane-db';
import { UsageError } from './usage-error';
import { dailyReport } from './daily-report';

export function parseSince(v: string, nowMs = Date.now()): number {
  const rel = /^(\d+)([hd])$/.exec(v.trim());
  if (rel) return nowMs - Number(rel[1]) * (rel[2] === 'h' ? 3_600_000 : 86_400_000);
  const t = Date.parse(v);
  if (!/^\d{4}-\d{2}-\d{2}/.test(v.trim()) || !Number.isFinite(t)) throw new InvalidArgumentError('--since must be an ISO time (2026-01-31, 2026-01-31T12:00Z) or a duration back from now (36h, 7d)');
  return t;
}

interface ReportOptions extends LaneCliOptions {
  quality?: boolean;
  json?: boolean;
  csv?: boolean;
  since?: number;
  model?: string;
  series?: string;
  from?: string;
  to?: string;
  compareBurnIn?: boolean;
}

export function registerReportCommand(program: Command): void {
  addLaneOptions(program.command('report').description('reports from the lane DB: by default the daily review (P&L by day, fills, fill rate, slippage, edge predicted vs captured, skips by guard, LLM spend); --quality = forecast scores against the market (docs/scoring.md)'))
    .option('--quality', 'forecast scores against the market: Brier, log loss, skill with its interval, calibration, CLV, fees, P&L')
    .option('--json', 'machine-readable: {rules, bench, models, rows}')
    .option('--csv', 'the rows as CSV (no calibration buckets)')
    .option('--since <time>', 'only markets settled since an ISO time or a duration back (36h, 7d)', (v) => parseSince(v))
    .option('--model <M>', 'only this model')
    .option('--series <S>', 'only this series')
    .option('--from <day>', 'daily report: first UTC day (YYYY-MM-DD), inclusive')
    .option('--to <day>', 'daily report: last UTC day (YYYY-MM-DD), inclusive')
    .option('--compare-burn-in', 'daily report of a live lane beside its burn-in (the dry-run lane of the same config)')
    .action((o: ReportOptions) => {
      // Without --quality: the daily review (P&L by day, fills, fill rate, slippage, edge, skips, LLM spend; issue 11).
      if (!o.quality) return void process.stdout.write(dailyReport(o));
      if (o.json && o.csv) throw new UsageError('--json and --csv: choose one');
      const lane = laneTarget(o);
      if (lane.note) process.stderr.write(`warning: ${lane.note}\n`);
      const { rules, from } = qualityRulesOf(o, lane);
      const read = withReadOnlyLaneDb(lane, (db) => ({ fs: readForecasts(db), status: readQualityStatus(db, rules, from) }));
      const fs = filterForecasts(read.fs ?? [], { sinceMs: o.since, model: o.model, series: o.series });
      const rows = qualityRows(fs, rules).map(rowJson);
      if (o.json) {
        const body = { lane: lane.lane, rules, rules_from: from, bench: read.status?.bench ?? [], models: read.status?.models ?? [], rows };
        process.stdout.write(`${JSON.stringify(body, null, 2)}\n`);
        return;
      }
      if (o.csv) {
        process.stdout.write(`${qualityCsv(rows)}\n`);
        return;
      }
      const lines = [`${lane.lane}: forecast scores against the market (${displayPath(lane.dbPath)})`];
      if (rows.length === 0) lines.push('  no settled market scored yet (scores need a settled market estimated with a quote on both sides)');
      else lines.push(qualityTable(rows));
      lines.push(...qualityLines(read.status));
      process.stdout.write(`${lines.join('\n')}\n`);
    });
}
