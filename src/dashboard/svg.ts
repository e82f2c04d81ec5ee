/**
 * Inline SVG charts for the dashboard, drawn on the server: no chart library, no script, no external asset (the
 * page works with no internet and under a `default-src 'none'` policy). Every text is escaped.
 */
export function esc(v: unknown): string {
  return String(v ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export interface XY {
  x: number;
  y: number;
}

const W = 640;
const H = 180;
const PAD = 36;

/** A line chart of `points` (x = epoch ms), with its min/max y labelled by `label`. Empty → a placeholder. */
export function lineChart(id: string, title: string, points: readonly XY[], label: (y: number) => string, stroke = '#2563eb'): string {
  const head = `<svg id="${esc(id)}" role="img" aria-label="${esc(title)}" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" xmlns="http://www.w3.org/2000/svg">`;
  if (points.length === 0) return `${head}<text x="${W / 2}" y="${H / 2}" text-anchor="middle" fill="#666">no data yet</text></svg>`;
  const xs = points.map((p) => p.x);
  const ys = points.map((p) => p.y);
  const [x0, x1] = [Math.min(...xs), Math.max(...xs)];
  let [y0, y1] = [Math.min(...ys), Math.max(...ys)];
  if (y0 === y1) [y0, y1] = [y0 - 1, y1 + 1];
  const sx = (x: number) => (x1 === x0 ? W / 2 : PAD + ((x - x0) / (x1 - x0)) * (W - 2 * PAD));
  const sy = (y: number) => H - PAD / 2 - ((y - y0) / (y1 - y0)) * (H - PAD);
  const path = points.map((p) => `${sx(p.x).toFixed(1)},${sy(p.y).toFixed(1)}`).join(' ');
  return `${head}<rect x="0" y="0" width="${W}" height="${H}" fill="#fff" stroke="#ddd"/>` +
    `<polyline fill="none" stroke="${esc(stroke)}" stroke-width="2" points="${path}"/>` +
    `<text x="4" y="14" font-size="11" fill="#333">${esc(label(y1))}</text>` +
    `<text x="4" y="${H - 4}" font-size="11" fill="#333">${esc(label(y0))}</text>` +
    `<text x="${W - 4}" y="${H - 4}" font-size="11" text-anchor="end" fill="#666">${esc(new Date(x1).toISOString().slice(0, 16))}Z</text></svg>`;
}

export interface ReliabilityPoint {
  forecast: number;
  observed: number;
  n: number;
}

/** The reliability diagram: the diagonal (perfect calibration), the model's buckets and the market's. */
export function reliabilityDiagram(id: string, model: readonly ReliabilityPoint[], market: readonly ReliabilityPoint[]): string {
  const S = 300;
  const P = 30;
  const sc = (v: number) => P + v * (S - 2 * P);
  const dots = (pts: readonly ReliabilityPoint[], fill: string, cls: string) => pts
    .map((p) => `<circle class="${cls}" cx="${sc(p.forecast).toFixed(1)}" cy="${(S - sc(p.observed)).toFixed(1)}" r="${Math.min(10, 3 + Math.sqrt(p.n)).toFixed(1)}" fill="${fill}" fill-opacity="0.7"><title>${esc(`forecast ${p.forecast.toFixed(3)}, observed ${p.observed.toFixed(3)}, n ${p.n}`)}</title></circle>`)
    .join('');
  return `<svg id="${esc(id)}" role="img" aria-label="reliability diagram" viewBox="0 0 ${S} ${S}" width="${S}" height="${S}" xmlns="http://www.w3.org/2000/svg">` +
    `<rect x="${P}" y="${P}" width="${S - 2 * P}" height="${S - 2 * P}" fill="#fff" stroke="#ccc"/>` +
    `<line x1="${sc(0)}" y1="${S - sc(0)}" x2="${sc(1)}" y2="${S - sc(1)}" stroke="#999" stroke-dasharray="4 3"/>` +
    dots(market, '#9ca3af', 'market') + dots(model, '#2563eb', 'model') +
    `<text x="${S / 2}" y="${S - 6}" font-size="11" text-anchor="middle">forecast P(YES)</text>` +
    `<text x="10" y="${S / 2}" font-size="11" transform="rotate(-90 10 ${S / 2})" text-anchor="middle">observed YES rate</text></svg>`;
}
