/**
 * `decisions` (text): an ensemble cycle's members, per market — the combined fair value and what each member said
 * (the members' own estimates are stored beside the ensemble's; docs/models.md "ensemble"). Other cycles: nothing.
 */
import { formatDollarsExact } from '../domain/fixed';
import type { StoredEstimate } from '../store';

export function ensembleMemberLines(estimates: readonly StoredEstimate[]): string[] {
  const combined = estimates.filter((e) => e.source === 'ensemble');
  if (combined.length === 0) return [];
  const lines = ['ensemble members (P(YES) per member; the combined value is their weighted mean over the members that answered):'];
  for (const c of combined) {
    const members = estimates.filter((e) => e.ticker === c.ticker && e.source !== 'ensemble');
    lines.push(`  ${c.ticker}  ensemble ${formatDollarsExact(c.probabilityPpm)} = ${members.map((m) => `${m.source} ${formatDollarsExact(m.probabilityPpm)}`).join(', ') || '(no member view stored)'}`);
  }
  const left = [...new Set(estimates.filter((e) => e.source !== 'ensemble' && !combined.some((c) => c.ticker === e.ticker)).map((e) => e.ticker))];
  if (left.length) lines.push(`  member views without a combined estimate (too few members): ${left.join(', ')}`);
  return lines;
}
