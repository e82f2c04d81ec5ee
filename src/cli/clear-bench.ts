/**
 * `clear-halt model_underperforms_market_guard --model M [--series S]`: lift ONE entry of the model bench (docs/scoring.md).
 * The bench lives in the lane DB (read by the entry guard every cycle), not in the workflow: the command writes the
 * lane's existing DB directly, so it works with Temporal or the worker down, and the next cycle's entries see it.
 * Without --series it lifts the model-wide entry only. A cleared pair is judged again on markets settled after the
 * last outcome known at the clear (its old record does not re-bench it at once).
 *
 *   no --model                      → exit 2, listing the benched pairs
 *   the pair is not benched         → exit 0, "nothing to clear", listing the benched pairs
 *   cleared                         → exit 0, naming the pair and the DB
 *   the DB cannot be opened/written → exit 1
 */
import { REASON } from '../domain/reason-codes';
import { displayPath, safeErrorMessage } from '../observability/redact';
import type { BenchRow } from '../store';
import type { LaneTarget } from './lane';
import { openExistingLaneStore } from './lane-db';
import { UsageError } from './usage-error';

const CODE = REASON.model_underperforms_market_guard;
const show = (b: Pick<BenchRow, 'model' | 'series'>) => `--model ${b.model}${b.series === null ? '' : ` --series ${b.series}`}`;
const listOf = (rows: BenchRow[]) => (rows.length ? rows.map(show).join('; ') : 'none');

export function clearModelBench(lane: LaneTarget, o: { model?: string; series?: string }): void {
  let store;
  try {
    store = openExistingLaneStore(lane);
  } catch (err) {
    process.stderr.write(`clear-halt ${CODE}: NOT cleared: ${safeErrorMessage(err)}\n`);
    process.exitCode = 1;
    return;
  }
  try {
    const q = store.quality;
    const model = o.model?.trim();
    if (!model) throw new UsageError(`clear-halt ${CODE} needs --model M [--series S] (one bench entry)\n  benched now on ${lane.lane}: ${listOf(q.bench())}`);
    const series = o.series?.trim() ? o.series.trim() : null;
    const cut = q.latestOutcomeMs();
    if (!q.clearBench({ model, series }, cut, 'cli')) {
      process.stdout.write(`clear-halt ${CODE} ${show({ model, series })}: not benched on ${lane.lane}: nothing to clear\n  benched now: ${listOf(q.bench())}\n`);
      return;
    }
    process.stdout.write(
      `clear-halt ${CODE} ${show({ model, series })}: lifted in ${displayPath(lane.dbPath)}; its entries trade from the next cycle ` +
        `(judged again on markets settled from now on)\n  benched now: ${listOf(q.bench())}\n`,
    );
  } catch (err) {
    if (err instanceof UsageError) throw err;
    process.stderr.write(`clear-halt ${CODE}: NOT cleared: ${safeErrorMessage(err)}\n`);
    process.exitCode = 1;
  } finally {
    store.close();
  }
}
