/** status: LLM spend today (the UTC day of the lane's logical clock) and of the latest cycle with calls, read-only. */
import path from 'node:path';
import { llmSpendLines, readLlmSpend } from '../../src/cli/status-llm';
import { openStore } from '../../src/store';
import { tempDir } from '../helpers/lane';

const DAY1 = Date.UTC(2026, 8, 1, 23, 0, 0);
const DAY2 = Date.UTC(2026, 8, 2, 1, 0, 0);
const limits = { perCycleMicros: 10_000_000, perDayMicros: 10_000_000 };

test('spend today counts settled costs and open/lost reservations of that UTC day; the last cycle is shown apart', () => {
  const dbPath = path.join(tempDir(), 'lane.sqlite');
  const store = openStore({ path: dbPath, mode: 'dry-run', env: 'sim', cwd: tempDir() });
  const r = (cycle: number, nowMs: number, reservedMicros: number) => {
    const x = store.llm.reserve({ ref: { firstRunId: 'f', cycle }, nowMs, callKey: `k${cycle}`, tickers: ['A'], provider: 'anthropic', model: 'm', reservedMicros }, limits);
    if (!x.ok) throw new Error('refused');
    return x.id;
  };
  store.llm.settle(r(1, DAY1, 50_000), { costMicros: 4_500, inputTokens: 1000, outputTokens: 100, outcome: 'ok', replyText: '{}', atMs: DAY1 });
  store.llm.lost(r(2, DAY2, 30_000), 'timeout', 'timed out', DAY2);
  store.llm.refused(r(2, DAY2, 20_000), 'rate_limited', '429', DAY2);
  store.llm.settle(r(2, DAY2, 20_000), { costMicros: 1_234, inputTokens: 100, outputTokens: 10, outcome: 'ok', replyText: '{}', atMs: DAY2 });
  r(2, DAY2, 7_000); // still open (a process that died mid-call): counted at its reservation
  store.close();

  expect(readLlmSpend(dbPath, 'lane', DAY1)).toEqual({ day: '2026-09-01', today: '0.0045', todayCalls: 1, lastCycle: { cycle: 2, spent: '0.038234', calls: 4 } });
  const s = readLlmSpend(dbPath, 'lane', DAY2);
  expect(s).toEqual({ day: '2026-09-02', today: '0.038234', todayCalls: 4, lastCycle: { cycle: 2, spent: '0.038234', calls: 4 } });
  expect(llmSpendLines(s)).toEqual(['  llm spend: today (2026-09-02 UTC) $0.038234 in 4 calls; last cycle with calls #2 $0.038234 in 4 calls']);
});

test('a lane that never called an LLM shows nothing', () => {
  const dbPath = path.join(tempDir(), 'lane.sqlite');
  openStore({ path: dbPath, mode: 'dry-run', env: 'sim', cwd: tempDir() }).close();
  expect(readLlmSpend(dbPath, 'lane', DAY1)).toBeNull();
  expect(llmSpendLines(null)).toEqual([]);
});
