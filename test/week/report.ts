/** The table of the seed's success criteria S1–S5 (npm run week prints it; the CI test logs it). */
import type { WeekResult } from './harness';

export function criteriaTable(r: WeekResult): string {
  const lines = ['criterion  result  evidence'];
  const what: Record<string, string> = {
    S1: 'non-interactive, all cycles, no crash loop', S2: 'every order in scope', S3: 'no duplicate / overlapping exposure',
    S4: 'caps, kill switch, daily-loss halt', S5: 'no duplicate order; ledger = simulator',
  };
  for (const [k, v] of Object.entries(r.criteria)) {
    lines.push(`${k.padEnd(10)} ${v.pass ? 'PASS' : 'FAIL'}    ${what[k]}: ${JSON.stringify(v.evidence)}`);
    for (const x of v.violations) lines.push(`${''.padEnd(18)}- ${x}`);
  }
  return lines.join('\n');
}
