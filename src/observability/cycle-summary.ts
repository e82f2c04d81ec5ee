/**
 * The `cycle_summary` log line: one per cycle, written by finishCycle, built to be found with `grep cycle_summary`
 * and read without jq. The message itself carries the facts as `key=value` words in a fixed order:
 *
 *   cycle_summary lane=kalshi-autopilot-sim-dry-run cycle=12 outcome=completed duration_ms=1834 scanned=412 in_scope=18
 *     estimates=18 opportunities=2 orders=1 fills=1 guards=min_edge_guard:15,scope_guard:3 equity=10012.430000 blocked=-
 *
 * and the JSON record holds the same facts as flat fields (`event: "cycle_summary"`) for jq. Values never contain a
 * space (guards are `code:n` joined by commas, sorted by code; a missing value is `-`). Pure.
 */

export interface CycleSummaryFacts {
  lane: string;
  cycle: number;
  outcome: string;
  startedAtMs: number;
  finishedAtMs: number;
  /** The cycle's CycleSummary (or `{}` for a cycle that ran no pipeline). */
  summary: Record<string, unknown>;
  /** The guard code that blocked new orders this cycle, or null. */
  blocked: string | null;
}

export interface CycleSummaryFields {
  event: 'cycle_summary';
  lane: string;
  cycle: number;
  outcome: string;
  duration_ms: number;
  scanned: number;
  in_scope: number;
  estimates: number;
  opportunities: number;
  orders: number;
  fills: number;
  /** Skip counts by reason code. */
  guards: Record<string, number>;
  /** Equity after the cycle (fixed-point decimal text), or null when the cycle did not reach the ledger. */
  equity: string | null;
  blocked: string | null;
}

const count = (x: unknown): number => (typeof x === 'number' && Number.isInteger(x) && x >= 0 ? x : 0);
/** A word without spaces (an outcome or code is one already; anything else is squeezed). */
const word = (s: string): string => (s === '' ? '-' : s.replace(/\s+/g, '_'));

export function cycleSummaryFields(f: CycleSummaryFacts): CycleSummaryFields {
  const s = f.summary;
  const guards: Record<string, number> = {};
  const skipped = s.skipped && typeof s.skipped === 'object' ? (s.skipped as Record<string, unknown>) : {};
  for (const code of Object.keys(skipped).sort()) {
    const n = count(skipped[code]);
    if (n > 0) guards[code] = n;
  }
  return {
    event: 'cycle_summary',
    lane: f.lane,
    cycle: f.cycle,
    outcome: f.outcome,
    duration_ms: Math.max(0, Math.round(f.finishedAtMs - f.startedAtMs)),
    scanned: count(s.scanned),
    in_scope: count(s.inScope),
    estimates: count(s.estimates),
    opportunities: count(s.opportunities),
    orders: count(s.orders),
    fills: count(s.fills),
    guards,
    equity: typeof s.equity === 'string' && s.equity !== '' ? s.equity : null,
    blocked: f.blocked,
  };
}

/** The grep-friendly message: `cycle_summary key=value …` in the fields' order. */
export function cycleSummaryText(x: CycleSummaryFields): string {
  const guards = Object.entries(x.guards).map(([c, n]) => `${c}:${n}`).join(',');
  const parts: [string, string | number][] = [
    ['lane', word(x.lane)],
    ['cycle', x.cycle],
    ['outcome', word(x.outcome)],
    ['duration_ms', x.duration_ms],
    ['scanned', x.scanned],
    ['in_scope', x.in_scope],
    ['estimates', x.estimates],
    ['opportunities', x.opportunities],
    ['orders', x.orders],
    ['fills', x.fills],
    ['guards', guards || '-'],
    ['equity', x.equity ?? '-'],
    ['blocked', x.blocked ?? '-'],
  ];
  return `cycle_summary ${parts.map(([k, v]) => `${k}=${v}`).join(' ')}`;
}
