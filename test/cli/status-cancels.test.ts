/**
 * `status` shows a live cycle's cancels of resting orders (src/cli/status-ledger.ts): the JSON's lastCycle.cancels and
 * the table line; a cycle without the cancel step keeps its old shape (no `cancels` key).
 */
import path from 'node:path';
import { openStore } from '../../src/store';
import { readStatusExtras, statusExtraLines } from '../../src/cli/status-ledger';
import { tempDir } from '../helpers/lane';

const LANE = 'kalshi-autopilot-sim-live';

function laneWith(summaries: Record<string, unknown>[]) {
  const dbPath = path.join(tempDir('kap-status-cancels-'), 'live.sqlite');
  const store = openStore({ path: dbPath, mode: 'live', env: 'sim' });
  summaries.forEach((summary, i) => {
    const key = { lane: LANE, firstRunId: 'run-A', cycle: i + 1 };
    store.cycles.begin(key, 'run-A', 1_000 * (i + 1));
    store.cycles.finish(key, 'run-A', 1_000 * (i + 1), 1_000 * (i + 1) + 500, 'completed', summary);
  });
  store.close();
  return { dbPath, dbFrom: '--db', mode: 'live' as const, env: 'sim' as const, lane: LANE };
}

test('a live cycle with cancels: lastCycle.cancels and the table line say what the sweep did', () => {
  const cancels = { requested: 2, canceled: 1, gone: 1, retry: 0, failed: 0 };
  const lane = laneWith([{ orders: 0, fills: 0, scanned: 3, cancels }]);
  const x = readStatusExtras(lane, null);
  expect(x.lastCycle).toMatchObject({ cycle: 1, cancels });
  expect(statusExtraLines(x, lane.dbPath).join('\n')).toMatch(/cancels 1 canceled \/ 1 gone \/ 0 cancel_retry \/ 0 failed/);
});

test('a cycle without the cancel step (dry-run, older rows) has no cancels key', () => {
  const lane = laneWith([{ orders: 1, fills: 0, scanned: 3 }]);
  const x = readStatusExtras(lane, null);
  expect(x.lastCycle && 'cancels' in x.lastCycle).toBe(false);
  expect(statusExtraLines(x, lane.dbPath).join('\n')).not.toMatch(/, cancels \d/);
});
