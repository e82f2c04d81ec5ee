/**
 * The quality report's rows (pure formatting over src/domain/scoring): per model — all its settled markets, its last
 * `quality.window`, then by series, category and side — with the count of settled markets, Brier and log loss of the
 * model and of the market on the same outcomes, the Brier skill and its event-resampled interval, and for traded
 * markets closing-line value, fee drag, predicted edge and realised P&L (dollars, exact). JSON keeps the calibration
 * buckets (reliability) of the model and the market.
 */
import { formatDollarsExact } from '../domain/fixed';
import { lastSettled, scoreTable, scoreWithInterval, type GroupRow, type QualityRules, type ScoredForecast, type ScoreSet } from '../domain/scoring';

export interface QualityFilter {
  sinceMs?: number;
  model?: string;
  series?: string;
}

export interface QualityRowJson {
  model: string;
  by: string;
  key: string;
  settled: number;
  events: number;
  brier: number | null;
  market_brier: number | null;
  brier_skill: number | null;
  skill_ci_low: number | null;
  skill_ci_high: number | null;
  skill_ci_confidence: number | null;
  log_loss: number | null;
  market_log_loss: number | null;
  traded: number;
  clv_dollars: string;
  fees_dollars: string;
  predicted_edge_dollars: string;
  pnl_dollars: string;
  calibration: ScoreSet['calibration'];
  market_calibration: ScoreSet['marketCalibration'];
}

export function filterForecasts(fs: readonly ScoredForecast[], f: QualityFilter): ScoredForecast[] {
  return fs.filter((x) => (f.sinceMs === undefined || x.settledAtMs >= f.sinceMs) && (f.model === undefined || x.model === f.model) && (f.series === undefined || x.seriesTicker === f.series));
}

/** Per model: `all`, `window` (its last quality.window settled markets), then series / category / side rows. */
export function qualityRows(fs: readonly ScoredForecast[], rules: QualityRules): GroupRow[] {
  const opts = { confidence: rules.benchConfidence };
  const table = scoreTable(fs, opts);
  const out: GroupRow[] = [];
  for (const r of table) {
    out.push(r);
    if (r.by === 'all') {
      const recent = lastSettled(fs.filter((f) => f.model === r.model), rules.window);
      out.push({ model: r.model, by: 'all', key: `last ${rules.window}`, scores: scoreWithInterval(recent, opts) });
    }
  }
  return out;
}

export function rowJson(r: GroupRow): QualityRowJson {
  const s = r.scores;
  return {
    model: r.model, by: r.by, key: r.key, settled: s.n, events: s.events, brier: s.brier, market_brier: s.marketBrier, brier_skill: s.brierSkill,
    skill_ci_low: s.skillInterval?.lo ?? null, skill_ci_high: s.skillInterval?.hi ?? null, skill_ci_confidence: s.skillInterval?.confidence ?? null,
    log_loss: s.logLoss, market_log_loss: s.marketLogLoss, traded: s.traded.n,
    clv_dollars: formatDollarsExact(s.traded.clvMicros), fees_dollars: formatDollarsExact(s.traded.feeMicros),
    predicted_edge_dollars: formatDollarsExact(s.traded.predictedEdgeMicros), pnl_dollars: formatDollarsExact(s.traded.pnlMicros),
    calibration: s.calibration, market_calibration: s.marketCalibration,
  };
}

const CSV_COLUMNS = ['model', 'by', 'key', 'settled', 'events', 'brier', 'market_brier', 'brier_skill', 'skill_ci_low', 'skill_ci_high', 'skill_ci_confidence',
  'log_loss', 'market_log_loss', 'traded', 'clv_dollars', 'fees_dollars', 'predicted_edge_dollars', 'pnl_dollars'] as const;

const csvCell = (v: unknown) => {
  const t = v === null || v === undefined ? '' : String(v);
  return /[",\n\r]/.test(t) ? `"${t.replace(/"/g, '""')}"` : t;
};

export function qualityCsv(rows: readonly QualityRowJson[]): string {
  return [CSV_COLUMNS.join(','), ...rows.map((r) => CSV_COLUMNS.map((c) => csvCell(r[c])).join(','))].join('\n');
}

const f3 = (x: number | null) => (x === null ? '-' : x.toFixed(3));
const s3 = (x: number | null) => (x === null ? '-' : `${x >= 0 ? '+' : ''}${x.toFixed(3)}`);

export function qualityTable(rows: readonly QualityRowJson[]): string {
  const head = ['model', 'group', 'settled', 'brier', 'mkt brier', 'skill', 'interval', 'log loss', 'mkt ll', 'traded', 'clv $', 'fees $', 'pred edge $', 'pnl $'];
  const body = rows.map((r) => [
    r.model, r.by === 'all' ? r.key : `${r.by}=${r.key}`, String(r.settled), f3(r.brier), f3(r.market_brier), s3(r.brier_skill),
    r.skill_ci_low === null ? '-' : `[${s3(r.skill_ci_low)}, ${s3(r.skill_ci_high)}]`, f3(r.log_loss), f3(r.market_log_loss), String(r.traded),
    r.clv_dollars, r.fees_dollars, r.predicted_edge_dollars, r.pnl_dollars,
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  return [head, ...body].map((cells) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ').trimEnd()).join('\n');
}
