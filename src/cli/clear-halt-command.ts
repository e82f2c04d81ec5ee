/**
 * `clear-halt CODE`: clear a latched halt after review. The code is checked against the reason-code registry
 * (src/domain/reason-codes.ts) and against what is latched now — the workflow's status query when it answers, else
 * the lane DB:
 *
 *   unknown code (typo)                      → exit 2, listing the latchable codes and the latched ones; nothing sent
 *   registered but never latched (min_edge…) → exit 2, same lists; nothing sent
 *   latchable, latched                       → the clearHalt signal (with the spelling latched), exit 0; when the
 *                                              workflow answers, the halts still latched after it are shown
 *   latchable, not latched                   → exit 0, "nothing to clear"; nothing sent (clearing twice is harmless)
 *   latched in the DB only, while the workflow answers without it
 *                                            → exit 3: the workflow adopts it at its next cycle; clear it then
 *   the signal cannot be delivered           → exit 1 (Temporal unreachable, workflow not running)
 *   model_underperforms_market_guard --model M [--series S]
 *                                            → one model-bench entry lifted in the lane DB (src/cli/clear-bench.ts)
 *
 * `reconciliation_mismatch_guard` latches in the lane DB's reconciliation_runs (three mismatching runs in a row), not
 * in the workflow: the command clears it there first (who and when recorded; src/cli/clear-reconciliation-latch.ts),
 * exit 1 when the DB cannot be opened; a halt of that code in the control state (none today) is then signalled as above.
 */
import { Command } from 'commander';
import { latchableCodes, normalizeReasonCode, REASON, reasonInfo } from '../domain/reason-codes';
import { displayPath, safeErrorMessage } from '../observability/redact';
import { clearReconciliationLatch, describeLatchClear } from './clear-reconciliation-latch';
import { clearHaltSignal } from '../workflows/definitions';
import { LaneCliOptions, laneTarget } from './lane';
import { addLaneTargetOptions } from './lane-target-options';
import { clearModelBench } from './clear-bench';
import { readDbStatus, readWorkflowSide } from './status-sources';
import { signalLane } from './temporal-client';
import { UsageError } from './usage-error';

export function registerClearHaltCommand(program: Command): void {
  addLaneTargetOptions(program.command('clear-halt').description('clear a latched halt (e.g. daily_loss_guard) after review'))
    .argument('<code>', `the halt code shown by status (latchable: ${latchableCodes().join(', ')}; or ${REASON.model_underperforms_market_guard} with --model)`)
    .option('--model <M>', `with ${REASON.model_underperforms_market_guard}: the benched model to lift`)
    .option('--series <S>', `with ${REASON.model_underperforms_market_guard}: lift the model's entry for this series only (default: its model-wide entry)`)
    .action(async (raw: string, o: LaneCliOptions & { model?: string; series?: string }) => {
      const lane = laneTarget(o);
      if (lane.note) process.stderr.write(`warning: ${lane.note}\n`);
      const code = normalizeReasonCode(raw.trim());
      // The model bench lives in the lane DB, not in the workflow (src/cli/clear-bench.ts).
      if (code === REASON.model_underperforms_market_guard) return clearModelBench(lane, o);
      if (o.model !== undefined || o.series !== undefined) throw new UsageError(`--model/--series go with ${REASON.model_underperforms_market_guard} only`);
      const side = await readWorkflowSide(lane, o);
      const db = readDbStatus(lane.dbPath, lane.mode, lane.env, lane.lane);
      const dbHalts = db && !('error' in db) ? db.control.latchedHalts.map((h) => h.code) : null;
      const wfHalts = side.view ? side.view.control.latchedHalts.map((h) => h.code) : null;
      const latched = wfHalts ?? dbHalts;
      const from = wfHalts ? 'the workflow' : dbHalts ? `the DB (the workflow could not be asked: ${side.temporalError})` : null;
      const latchedLine = latched === null
        ? `latched now: unknown (neither the workflow nor the lane DB could be read: ${side.temporalError}; ${db && 'error' in db ? db.error : `no lane DB at ${lane.dbPath}`})`
        : `latched now on ${lane.lane} (from ${from}): ${latched.join(', ') || 'none'}`;
      const info = reasonInfo(code);
      if (!info || !info.latches) {
        const what = !info ? `unknown halt code ${JSON.stringify(raw)}: not in the reason-code registry (docs/reason-codes.md)`
          : `${info.code} is not a latched halt (it ${info.clears === 'per_decision' ? 'skips one decision' : `clears by itself: ${info.clears}`}); clear-halt has nothing to clear`;
        throw new UsageError(`${what}\n  clear-halt takes a latchable code: ${latchableCodes().join(', ')}\n  ${latchedLine}`);
      }
      const same = (list: string[] | null) => (list ?? []).find((c) => normalizeReasonCode(c) === code) ?? null;
      const inWf = same(wfHalts);
      const inDb = same(dbHalts);
      if (code === REASON.reconciliation_mismatch_guard) {
        const r = clearReconciliationLatch(lane);
        if (!r.ok) {
          process.stderr.write(`clear-halt ${code}: the reconciliation latch was NOT cleared: ${r.error}\n`);
          process.exitCode = 1;
          return;
        }
        process.stdout.write(describeLatchClear(r, displayPath(lane.dbPath)));
        if (!inWf && !inDb) return;
      }
      if (wfHalts && !inWf && inDb) {
        process.stderr.write(
          `clear-halt ${code}: latched in the lane DB but not (yet) in the workflow, which adopts it at its next cycle: ` +
            `a signal now would clear nothing; run clear-halt again after the next cycle (see \`kalshi-autopilot status\`)\n  ${latchedLine}\n`,
        );
        process.exitCode = 3;
        return;
      }
      if (latched !== null && !same(latched)) {
        process.stdout.write(`clear-halt ${code}: not latched on ${lane.lane}: nothing to clear (no signal sent)\n  ${latchedLine}\n`);
        return;
      }
      try {
        await signalLane(lane.temporal, lane.lane, clearHaltSignal, { code: inWf ?? inDb ?? code });
      } catch (err) {
        process.stderr.write(`clear-halt ${code}: NOT signalled: ${side.temporalError ?? safeErrorMessage(err)}\n`);
        process.exitCode = 1;
        return;
      }
      process.stdout.write(`clear-halt ${code}: signalled ${lane.lane}\n`);
      if (latched === null) process.stdout.write(`  (not verified: ${latchedLine})\n`);
      else if (side.view) {
        const after = await readWorkflowSide(lane, o);
        if (after.view) process.stdout.write(`  latched now on ${lane.lane} (from the workflow): ${after.view.control.latchedHalts.map((h) => h.code).join(', ') || 'none'}\n`);
      } else {
        process.stdout.write(`  the workflow applies it when a worker runs (${side.temporalError})\n`);
      }
    });
}
