/**
 * The dashboard page: one HTML document rendered from DashboardData, every text escaped, charts as inline SVG, no
 * script; it reloads itself every REFRESH_SECONDS (meta refresh keeps the URL, so a `?token=` stays). Element ids
 * (`mode-banner`, `equity-last`, `exposure-last`, `positions`, `orders`, `cycles`, `guard-hits`, `llm-spent`,
 * `scores`, `bench`, `reliability`) are the page's contract with its tests.
 */
import { formatCount, formatDollarsExact, parseDollars } from '../domain/fixed';
import type { DashboardData } from './data';
import { esc, lineChart, reliabilityDiagram, type XY } from './svg';

export const REFRESH_SECONDS = 30;

const dollars = (t: string | null) => {
  if (t === null) return null;
  try {
    return parseDollars(t, 'value') / 1e6;
  } catch {
    return null;
  }
};
const td = (v: unknown, cls = '') => `<td${cls ? ` class="${cls}"` : ''}>${esc(v)}</td>`;
const table = (id: string, head: string[], rows: string[][]) =>
  `<table id="${id}"><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows.map((r) => `<tr>${r.join('')}</tr>`).join('') || `<tr><td colspan="${head.length}" class="none">none</td></tr>`}</tbody></table>`;
const iso = (ms: number | null) => (ms === null ? '' : new Date(ms).toISOString().replace('.000Z', 'Z'));
const signed = (x: number | null) => (x === null ? '-' : `${x >= 0 ? '+' : ''}${x.toFixed(3)}`);

export function renderPage(d: DashboardData): string {
  const b = d.banner;
  const last = d.curve.filter((p) => p.equity !== null).at(-1) ?? null;
  const lastExposure = d.curve.filter((p) => p.exposure !== null).at(-1) ?? null;
  const eq: XY[] = d.curve.flatMap((p) => (dollars(p.equity) === null ? [] : [{ x: p.atMs, y: dollars(p.equity)! }]));
  const dd: XY[] = d.curve.flatMap((p) => (p.drawdownMicros === null ? [] : [{ x: p.atMs, y: -p.drawdownMicros / 1e6 }]));
  const ex: XY[] = d.curve.flatMap((p) => (dollars(p.exposure) === null ? [] : [{ x: p.atMs, y: dollars(p.exposure)! }]));
  const usd = (y: number) => `${y < 0 ? '-' : ''}$${Math.abs(y).toFixed(2)}`;
  const whole = d.scores.find((r) => r.by === 'all' && r.key === '*') ?? null;
  const rel = (cal: NonNullable<typeof whole>['calibration']) => cal.flatMap((c) => (c.n > 0 && c.meanForecast !== null && c.observedRate !== null ? [{ forecast: c.meanForecast, observed: c.observedRate, n: c.n }] : []));
  const c = d.control;
  const bannerClass = b.mode === 'live' ? (b.env === 'prod' ? 'live prod' : 'live') : 'paper';
  const q = d.quality;

  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="${REFRESH_SECONDS}">
<title>${esc(`${b.word} ${b.env} — ${b.lane}`)}</title>
<style>
body{font:14px system-ui,sans-serif;margin:0 16px 32px;color:#111}h2{font-size:15px;margin:22px 0 6px}
#mode-banner{padding:10px 14px;margin:0 -16px 12px;font-weight:700;font-size:18px;color:#fff}
#mode-banner.paper{background:#2563eb}#mode-banner.live{background:#b45309}#mode-banner.prod{background:#b91c1c}
table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #ddd;padding:3px 7px;text-align:left}td.num{text-align:right;font-variant-numeric:tabular-nums}
.none{color:#777}.kv span{margin-right:18px}.grid{display:flex;flex-wrap:wrap;gap:24px}.warn{color:#b91c1c;font-weight:600}
</style></head><body>
<div id="mode-banner" class="${bannerClass}">${esc(b.word)} · ${esc(b.env)} · ${esc(b.lane)}</div>
<div class="kv" id="control"><span>status: <b id="status-word">${esc(c.statusWord)}</b></span>
<span>kill switch: <b id="kill-switch">${c.killSwitch.engaged ? `ENGAGED (${esc(c.killSwitch.source ?? '')}: ${esc(c.killSwitch.reason ?? '')})` : 'off'}</b></span>
<span>paused: <b>${c.paused ? 'yes' : 'no'}</b></span>
<span>latched halts: <b id="halts">${esc(c.latchedHalts.map((h) => h.code).join(', ') || 'none')}</b></span>
<span>read-only view, refreshes every ${REFRESH_SECONDS} s</span></div>
<div class="kv"><span>equity: <b id="equity-last">${esc(last?.equity ?? 'n/a')}</b></span>
<span>exposure: <b id="exposure-last">${esc(lastExposure?.exposure ?? 'n/a')}</b></span>
<span>cash: <b id="cash-last">${esc(last?.cash ?? 'n/a')}</b></span>
<span>drawdown: <b id="drawdown-last">${esc(last?.drawdownMicros == null ? 'n/a' : formatDollarsExact(last.drawdownMicros))}</b></span></div>
<h2>Equity</h2>${lineChart('equity-chart', 'equity curve', eq, usd)}
<h2>Drawdown</h2>${lineChart('drawdown-chart', 'drawdown', dd, usd, '#b91c1c')}
<h2>Exposure</h2>${lineChart('exposure-chart', 'exposure over time', ex, usd, '#b45309')}
<div class="grid"><div><h2>P&amp;L by day (UTC)</h2>${table('pnl-by-day', ['day', 'P&L $'], d.pnlByDay.map((x) => [td(x.day), td(x.pnl, 'num')]))}</div>
<div><h2>Open positions</h2>${table('positions', ['market', 'side', 'contracts', 'cost $'], d.positions.map((p) => [td(p.ticker), td(p.side), td(formatCount(p.count_centis), 'num'), td(formatDollarsExact(p.cost_micros), 'num')]))}</div>
<div><h2>Resting orders</h2>${table('orders', ['market', 'side', 'action', 'price $', 'contracts', 'status'], d.orders.map((o) => [td(o.ticker), td(o.side), td(o.action), td(formatDollarsExact(o.price_micros), 'num'), td(formatCount(o.count_centis), 'num'), td(o.status)]))}</div></div>
<h2>Last cycles</h2>${table('cycles', ['cycle', 'finished', 'outcome', 'orders', 'why no trade'], d.cycles.map((x) => [td(x.cycle, 'num'), td(iso(x.finishedAtMs)), td(x.outcome), td(x.orders ?? '', 'num'), td(x.whyNoTrade ?? '')]))}
<div class="grid"><div><h2>Guard hits (last cycles)</h2>${table('guard-hits', ['code', 'skips'], Object.entries(d.guardHits).sort((a, b) => b[1] - a[1]).map(([k, n]) => [td(k), td(n, 'num')]))}</div>
<div><h2>LLM spend</h2><p id="llm">${d.llm ? `<b id="llm-spent">$${esc(d.llm.spent)}</b> over ${esc(d.llm.calls)} calls` : '<span id="llm-spent">no LLM ledger</span>'}</p></div></div>
<h2>Model scores (against the market)</h2>
${q === null ? '<p class="none">no scoring tables in this DB yet</p>' : `<p>quality.window ${esc(q.rules.window)}, min_settled ${esc(q.rules.minSettled)}, bench_confidence ${esc(q.rules.benchConfidence)}; ${esc(q.settledMarkets)} settled markets scored${q.models.length === 0 ? ' — every model is unproven (normal in a first week)' : ''}</p>`}
${table('bench', ['benched model', 'series', 'since', 'skill', 'interval', 'settled'], (q?.bench ?? []).map((x) => [td(x.model, 'warn'), td(x.series ?? 'all'), td(iso(x.benchedAtMs)), td(signed(x.skill), 'num'), td(`[${signed(x.ciLow)}, ${signed(x.ciHigh)}]`), td(x.settled, 'num')]))}
${table('scores', ['model', 'group', 'settled', 'brier', 'market brier', 'skill', 'interval', 'traded', 'P&L $'], d.scores.map((r) => [td(r.model), td(r.by === 'all' ? r.key : `${r.by}=${r.key}`), td(r.settled, 'num'), td(r.brier === null ? '-' : r.brier.toFixed(4), 'num'), td(r.market_brier === null ? '-' : r.market_brier.toFixed(4), 'num'), td(signed(r.brier_skill), 'num'), td(r.skill_ci_low === null ? '-' : `[${signed(r.skill_ci_low)}, ${signed(r.skill_ci_high)}]`), td(r.traded, 'num'), td(r.pnl_dollars, 'num')]))}
<h2>Reliability (model blue, market grey)</h2>${reliabilityDiagram('reliability', whole ? rel(whole.calibration) : [], whole ? rel(whole.market_calibration) : [])}
</body></html>
`;
}
