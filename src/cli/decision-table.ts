/**
 * How a cycle's decision records read, for people and for scripts. Pure (no I/O), so the worker can print the table
 * on a TTY each cycle and `kalshi-autopilot decisions` can print the same rows from the DB.
 *
 *   formatDecisionTable(records)            market, side, price, fair, edge, confidence, size, decision/reason
 *   formatDecisionTable(records, { cycle }) the same with a leading cycle column
 *   decisionJson(record)                    the `decisions --json` row (exact field names: scripts depend on them)
 *
 * Prices and edges are dollars per contract, fair value and confidence fractions of 1 (ppm has the same 6-decimal
 * scale as micros): 4 decimals, 6 when 4 would round (nothing is ever rounded). Sizes are contracts with 2 decimals.
 */
import { formatCount, formatDollarsExact } from '../domain/fixed';
import type { DecisionRecord } from '../domain/trading-types';

/** One row of `kalshi-autopilot decisions --json`. Money, ratios and counts are fixed-point decimal strings. */
export interface DecisionJson {
  cycle: number;
  ticker: string;
  side: 'yes' | 'no' | null;
  /** Fair value of the side (P(side) as a decimal string, e.g. "0.6200"); null when no estimate was reached. */
  fair_value: string | null;
  /** The side's ask, dollars per contract ("0.4200"). */
  price_dollars: string | null;
  /** Net edge per contract after fees, dollars ("0.1800"; may be negative). */
  edge: string | null;
  confidence: string | null;
  /** Contracts ordered, or the size reached before the refusal ("10.00"; "0.00" when none). */
  count_fp: string;
  decision: 'order' | 'skip';
  /** The reason code of a skip (docs/reason-codes.md); null for an order. */
  reason: string | null;
}

const fixed6 = (v: number | null): string | null => (v === null ? null : formatDollarsExact(v));

export function decisionJson(d: DecisionRecord): DecisionJson {
  return {
    cycle: d.cycle,
    ticker: d.ticker,
    side: d.side,
    fair_value: fixed6(d.fairValuePpm),
    price_dollars: fixed6(d.priceMicros),
    edge: fixed6(d.edgeMicros),
    confidence: fixed6(d.confidencePpm),
    count_fp: formatCount(d.countCentis),
    decision: d.decision,
    reason: d.reason,
  };
}

/** Control characters (C0, DEL, C1) from a ticker or a detail line must not reach a terminal as escapes. */
function printable(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
}

function outcome(d: DecisionRecord): string {
  const head = d.decision === 'order' ? 'order' : `skip ${d.reason ?? '(no reason code)'}`;
  return printable(d.detail ? `${head}: ${d.detail}` : head);
}

/**
 * A fixed-width table of decision records, one line per record in the order given, no trailing newline. Missing
 * values print as `-`. With no records: `no decisions`.
 */
export function formatDecisionTable(records: readonly DecisionRecord[], opts: { cycle?: boolean } = {}): string {
  if (records.length === 0) return 'no decisions';
  const head = ['market', 'side', 'price', 'fair', 'edge', 'confidence', 'size', 'decision/reason'];
  const right = [false, false, true, true, true, true, true, false];
  const dash = (v: string | null) => v ?? '-';
  const rows = records.map((d) => {
    const j = decisionJson(d);
    return [printable(j.ticker), dash(j.side), dash(j.price_dollars), dash(j.fair_value), dash(j.edge), dash(j.confidence), j.count_fp, outcome(d)];
  });
  if (opts.cycle) {
    head.unshift('cycle');
    right.unshift(true);
    records.forEach((d, i) => rows[i].unshift(String(d.cycle)));
  }
  const widths = head.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (cells: string[]) =>
    cells
      .map((v, c) => (c === cells.length - 1 ? v : right[c] ? v.padStart(widths[c]) : v.padEnd(widths[c])))
      .join('  ')
      .trimEnd();
  return [line(head), ...rows.map(line)].join('\n');
}
