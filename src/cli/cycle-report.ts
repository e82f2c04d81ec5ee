/**
 * What a trader sees on the terminal after each cycle: one line of counts (and why nothing was placed), then the
 * cycle's decision table. Pure; the worker prints it on a TTY only (logs stay JSON for files and pipes).
 */
import type { DecisionRecord } from '../domain/trading-types';
import { formatDecisionTable } from './decision-table';

export function cycleReport(c: { cycle: number; outcome: string; summary: Record<string, unknown>; decisions: readonly DecisionRecord[] }): string {
  const s = c.summary as Partial<Record<string, unknown>>;
  const n = (k: string) => (typeof s[k] === 'number' ? (s[k] as number) : 0);
  const parts = [
    `cycle ${c.cycle}`,
    c.outcome,
    `scanned ${n('scanned')}`,
    `in scope ${n('inScope')}`,
    `estimates ${n('estimates')}`,
    `${n('orders')} orders`,
    `${n('fills')} fills`,
  ];
  if (typeof s.cash === 'string') parts.push(`cash $${s.cash}`);
  if (typeof s.equity === 'string') parts.push(`equity $${s.equity}`);
  const lines = [parts.join(' · ')];
  if (typeof s.whyNoTrade === 'string' && s.whyNoTrade) lines.push(`  placed nothing: ${s.whyNoTrade}`);
  if (c.decisions.length) lines.push(formatDecisionTable(c.decisions));
  return lines.join('\n');
}
