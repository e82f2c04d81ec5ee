/**
 * `kalshi-autopilot preflight --env E [--json]`: the go-live checklist as a pass/fail table (src/cli/preflight-checks.ts);
 * exit 0 only when every row passes, 1 when any fails (2 for bad flags). It always checks the live lane of the config.
 */
import type { Command } from 'commander';
import { scrub } from '../observability/redact';
import { addLaneOptions, LaneCliOptions } from './lane';
import { PreflightRow, runPreflight } from './preflight-checks';
import { renderTable } from './read-commands';
import { UsageError } from './usage-error';

export function formatPreflight(rows: readonly PreflightRow[]): string {
  const failed = rows.filter((r) => !r.ok).length;
  const table = renderTable(['CHECK', 'RESULT', 'DETAIL'], rows.map((r) => [r.check, r.ok ? 'PASS' : 'FAIL', r.detail]));
  return `${table}${failed === 0 ? `preflight passed: ${rows.length} checks` : `preflight FAILED: ${failed} of ${rows.length} checks`}\n`;
}

export function registerPreflightCommand(program: Command): void {
  addLaneOptions(program.command('preflight').description('the go-live checklist: a pass/fail table for the live lane; non-zero exit on any failure'))
    .option('--json', 'print {ok, lane, rows: [{check, ok, detail}]}')
    .action(async (o: LaneCliOptions & { json?: boolean }) => {
      if (o.dryRun) throw new UsageError('preflight checks the live lane: drop --dry-run (the burn-in it checks is the dry-run lane of the same config)');
      const rows = await runPreflight(o);
      const ok = rows.every((r) => r.ok);
      process.stdout.write(scrub(o.json ? `${JSON.stringify({ ok, rows })}\n` : formatPreflight(rows)));
      if (!ok) process.exitCode = 1;
    });
}
