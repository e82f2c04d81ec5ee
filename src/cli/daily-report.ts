/**
 * `kalshi-autopilot report [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--json|--csv]` (without --quality): the daily review
 * of a lane from its DB, read-only (works with Temporal and the worker down). Definitions: src/domain/report.ts;
 * fields: docs/cli-reports.md. Registered by src/cli/report-command.ts.
 */
import fs from 'node:fs';
import { formatDollars, type Micros } from '../domain/fixed';
import { buildReport, totalOf, type ReportDay } from '../domain/report';
import { LaneCliOptions, prepareLane } from './lane';
import { renderTable } from './read-commands';
import { readReportFacts } from './report-data';
import { UsageError } from './usage-error';

const DAY = /^\d{4}-\d{2}-\d{2}$/;
function dayFlag(flag: string, v: string | undefined): string | null {
  if (v === undefined) return null;
  if (!DAY.test(v) || Number.isNaN(Date.parse(`${v}T00:00:00Z`)) || new Date(`${v}T00:00:00Z`).toISOString().slice(0, 10) !== v) {
    throw new UsageError(`${flag} must be a UTC day YYYY-MM-DD (got ${JSON.stringify(v)})`);
  }
  return v;
}

const usd = (m: Micros | null): string => (m === null ? '-' : formatDollars(m, m % 10_000 === 0 ? 2 : 6));
const pct = (ppm: number | null): string => (ppm === null ? '-' : `${(ppm / 10_000).toFixed(1)}%`);
const skipsText = (s: Record<string, number>): string => Object.entries(s).map(([k, n]) => `${k}:${n}`).join(' ') || '-';

export function dayJson(d: ReportDay): Record<string, unknown> {
  return {
    day: d.day, gross: usd(d.grossMicros), fees: usd(d.feesMicros), net: usd(d.netMicros), fills: d.fills, filled_contracts: formatDollars(d.filledCentis * 10_000, 2),
    orders: d.orders, filled_orders: d.filledOrders, fill_rate: d.fillRatePpm === null ? null : d.fillRatePpm / 1_000_000,
    slippage_per_contract: d.slippagePerContractMicros === null ? null : usd(d.slippagePerContractMicros),
    edge_predicted: usd(d.edgePredictedMicros), edge_captured: usd(d.edgeCapturedMicros), llm_spend: usd(d.llmSpendMicros), skips: d.skips,
  };
}

const CSV_COLUMNS = ['day', 'gross', 'fees', 'net', 'fills', 'filled_contracts', 'orders', 'filled_orders', 'fill_rate', 'slippage_per_contract', 'edge_predicted', 'edge_captured', 'llm_spend', 'skips'];

export function reportCsv(days: readonly ReportDay[]): string {
  const cell = (v: unknown) => (v === null || v === undefined ? '' : typeof v === 'object' ? skipsText(v as Record<string, number>) : String(v));
  return [CSV_COLUMNS.join(','), ...days.map((d) => { const j = dayJson(d); return CSV_COLUMNS.map((c) => cell(j[c])).join(','); })].join('\n') + '\n';
}

export function reportTable(days: readonly ReportDay[]): string {
  const rows = [...days, totalOf(days)].map((d) => [
    d.day, usd(d.grossMicros), usd(d.feesMicros), usd(d.netMicros), String(d.fills), `${d.filledOrders}/${d.orders}`, pct(d.fillRatePpm),
    usd(d.slippagePerContractMicros), usd(d.edgePredictedMicros), usd(d.edgeCapturedMicros), usd(d.llmSpendMicros), skipsText(d.skips),
  ]);
  return renderTable(['DAY', 'GROSS', 'FEES', 'NET', 'FILLS', 'FILLED/ORDERS', 'FILL RATE', 'SLIPPAGE/CT', 'EDGE PRED', 'EDGE CAPT', 'LLM', 'SKIPS'], rows,
    [false, true, true, true, true, true, true, true, true, true, true, false]);
}

export interface DailyReportOptions extends LaneCliOptions {
  from?: string;
  to?: string;
  json?: boolean;
  csv?: boolean;
  /** Set the burn-in (the dry-run lane of the same config) beside this lane. */
  compareBurnIn?: boolean;
}

/** The daily report's text (table, CSV or JSON) for a lane. */
export function dailyReport(o: DailyReportOptions, deps: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): string {
  if (o.json && o.csv) throw new UsageError('--json and --csv: choose one');
  const from = dayFlag('--from', o.from);
  const to = dayFlag('--to', o.to);
  if (from && to && from > to) throw new UsageError(`--from ${from} is after --to ${to}`);
  const lane = prepareLane(o, { validate: false, env: deps.env, cwd: deps.cwd });
  if (!fs.existsSync(lane.ctx.dbPath)) throw new Error(`no lane DB at ${lane.ctx.dbPath}: nothing to report for ${lane.ctx.lane}`);
  const facts = readReportFacts({ dbPath: lane.ctx.dbPath, lane: lane.ctx.lane, mode: lane.ctx.mode, bankrollMicros: lane.ctx.bankrollMicros });
  const days = buildReport(facts, { from, to });
  if (o.compareBurnIn) return compareBurnIn(o, lane, days, { from, to }, deps);
  if (o.json) return `${JSON.stringify({ lane: lane.ctx.lane, mode: lane.ctx.mode, from, to, days: days.map(dayJson), total: dayJson(totalOf(days)), notes: facts.notes })}\n`;
  if (o.csv) return reportCsv(days);
  return `${lane.ctx.lane} (${lane.ctx.mode})${from || to ? ` ${from ?? '…'} – ${to ?? '…'}` : ''}\n${reportTable(days)}${facts.notes.map((n) => `note: ${n}\n`).join('')}`;
}

/**
 * `--compare-burn-in`: what the burn-in (the dry-run lane of this config, `start --dry-run --config <the live config>`)
 * did beside what this (live) lane did, day by day and in total, over the same range.
 */
function compareBurnIn(
  o: DailyReportOptions, lane: ReturnType<typeof prepareLane>, days: ReportDay[], range: { from: string | null; to: string | null },
  deps: { env?: NodeJS.ProcessEnv; cwd?: string },
): string {
  if (lane.ctx.mode !== 'live') throw new UsageError('--compare-burn-in compares a live lane with its burn-in: add --live');
  const dry = prepareLane({ ...o, live: false, dryRun: true, db: undefined }, { validate: false, env: deps.env, cwd: deps.cwd });
  if (!fs.existsSync(dry.ctx.dbPath)) throw new Error(`no burn-in: no dry-run lane DB at ${dry.ctx.dbPath}`);
  const burn = buildReport(readReportFacts({ dbPath: dry.ctx.dbPath, lane: dry.ctx.lane, mode: 'dry-run', bankrollMicros: dry.ctx.bankrollMicros }), range);
  if (o.json) {
    return `${JSON.stringify({ lane: lane.ctx.lane, burn_in_lane: dry.ctx.lane, from: range.from, to: range.to,
      live: { days: days.map(dayJson), total: dayJson(totalOf(days)) }, burn_in: { days: burn.map(dayJson), total: dayJson(totalOf(burn)) } })}\n`;
  }
  const label = (prefix: string, ds: ReportDay[]) => [...ds, totalOf(ds)].map((d) => ({ ...d, day: `${prefix} ${d.day}` }));
  const rows = [...label('live', days), ...label('burn-in', burn)];
  if (o.csv) return reportCsv(rows);
  return `${lane.ctx.lane} (live) beside its burn-in ${dry.ctx.lane}\n${reportTable(rows).split('\n').filter((l) => !/^total /.test(l)).join('\n')}`;
}
