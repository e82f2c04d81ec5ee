import path from 'node:path';
import { Writable } from 'node:stream';
import { createActivities } from '../../src/activities';
import { createLogger } from '../../src/observability/logger';
import { cycleSummaryFields, cycleSummaryText } from '../../src/observability/cycle-summary';
import { openStore } from '../../src/store';
import { initialControlState } from '../../src/domain/control';
import type { StatusView } from '../../src/workflows/definitions';
import { tempDir, testBanner, testIdentity } from '../helpers/lane';

const summary = {
  scanId: 3, scanned: 412, inScope: 18, estimates: 17, opportunities: 2, orders: 1, fills: 1,
  skipped: { scope_guard: 3, min_edge_guard: 15, zero_guard: 0 }, bestEdge: '0.12', whyNoTrade: null,
  cash: '9990.000000', equity: '10012.430000', exposure: '22.430000', openPositions: 1, restingOrders: 0, failedStage: null,
};

describe('cycle_summary line', () => {
  it('carries every fact as key=value words in a fixed order, guards sorted by code, zero counts dropped', () => {
    const f = cycleSummaryFields({ lane: 'kalshi-autopilot-sim-dry-run', cycle: 12, outcome: 'completed', startedAtMs: 1_000, finishedAtMs: 2_834, summary, blocked: null });
    expect(cycleSummaryText(f)).toBe(
      'cycle_summary lane=kalshi-autopilot-sim-dry-run cycle=12 outcome=completed duration_ms=1834 scanned=412 in_scope=18 ' +
        'estimates=17 opportunities=2 orders=1 fills=1 guards=min_edge_guard:15,scope_guard:3 equity=10012.430000 blocked=-',
    );
    expect(f.guards).toEqual({ min_edge_guard: 15, scope_guard: 3 });
  });

  it('a cycle that ran no pipeline (or failed early) still gives a complete line: zeros and dashes', () => {
    const f = cycleSummaryFields({ lane: 'l', cycle: 1, outcome: 'skipped:kill_switch_guard', startedAtMs: 5, finishedAtMs: 5, summary: {}, blocked: 'kill_switch_guard' });
    expect(cycleSummaryText(f)).toBe(
      'cycle_summary lane=l cycle=1 outcome=skipped:kill_switch_guard duration_ms=0 scanned=0 in_scope=0 estimates=0 opportunities=0 orders=0 fills=0 guards=- equity=- blocked=kill_switch_guard',
    );
    // Garbage in the summary never produces a word with a space or a non-count.
    const g = cycleSummaryFields({ lane: 'l', cycle: 2, outcome: 'error:Some Error', startedAtMs: 0, finishedAtMs: 1, summary: { scanned: -3, orders: 1.5, skipped: { a_guard: 'x' } }, blocked: null });
    expect(cycleSummaryText(g)).toContain('outcome=error:Some_Error ');
    expect(g).toMatchObject({ scanned: 0, orders: 0, guards: {} });
  });

  it('finishCycle writes exactly one such JSON log line per cycle, with flat fields for jq', async () => {
    const dir = tempDir('kap-cs-');
    const identity = testIdentity();
    const store = openStore({ path: path.join(dir, 'lane.sqlite'), mode: 'dry-run', env: 'sim' });
    const lines: string[] = [];
    const destination = new Writable({ write(chunk, _e, cb) { lines.push(...String(chunk).split('\n').filter(Boolean)); cb(); } });
    const logger = createLogger({ destination, level: 'info' });
    const acts = createActivities({ identity, store, logger, readKillSources: () => ({ envKill: null, fileKill: null }), heartbeatPath: null, trading: null });
    const ref = { lane: identity, dbId: store.dbId, firstRunId: 'first', runId: 'run', cycle: 1, nowMs: 1_700_000_000_000 };
    const status: StatusView = {
      lane: identity, banner: testBanner, firstRunId: 'first', runId: 'run', generation: 0, cycle: 1, phase: 'waiting',
      tradingBlockedBy: null, control: initialControlState(), lastCycle: null, nextCycleAtMs: null, errors: { consecutive: 0, total: 0, last: null },
    };
    try {
      await acts.beginCycle({ ...ref, controlVersion: 0 });
      await acts.finishCycle({ ...ref, startedAtMs: ref.nowMs, nowMs: ref.nowMs + 2_500, outcome: 'completed', summary, status });
    } finally {
      store.close();
    }
    const found = lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((r) => r.event === 'cycle_summary');
    expect(found).toHaveLength(1);
    expect(found[0].msg).toMatch(/^cycle_summary lane=\S+ cycle=1 outcome=completed duration_ms=2500 scanned=412 in_scope=18 .* equity=10012\.430000 blocked=-$/);
    expect(found[0]).toMatchObject({ cycle: 1, duration_ms: 2500, scanned: 412, in_scope: 18, estimates: 17, opportunities: 2, orders: 1, fills: 1, equity: '10012.430000' });
  });
});
