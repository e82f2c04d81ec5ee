import { cycleReport } from '../../src/cli/cycle-report';
import type { DecisionRecord } from '../../src/domain/trading-types';

const skip: DecisionRecord = {
  cycle: 12, ticker: 'SIMRATES-W1-CUT', side: 'yes', fairValuePpm: 620_000, priceMicros: 580_000, edgeMicros: 23_000,
  confidencePpm: 800_000, countCentis: 0, decision: 'skip', reason: 'min_edge_guard', detail: 'best edge 0.023 < min_edge 0.10',
};
const order: DecisionRecord = { ...skip, ticker: 'SIMGDP-Q3-T2.0', edgeMicros: 150_000, countCentis: 1200, decision: 'order', reason: null, detail: null };

describe('the per-cycle terminal report', () => {
  it('one line of counts and the ledger, then the decision table', () => {
    const text = cycleReport({
      cycle: 12, outcome: 'completed', decisions: [order, skip],
      summary: { scanned: 412, inScope: 18, estimates: 18, orders: 1, fills: 2, cash: '9978.0400', equity: '9997.6500', whyNoTrade: null },
    });
    const lines = text.split('\n');
    expect(lines[0]).toBe('cycle 12 · completed · scanned 412 · in scope 18 · estimates 18 · 1 orders · 2 fills · cash $9978.0400 · equity $9997.6500');
    expect(text).toContain('SIMGDP-Q3-T2.0');
    expect(text).toMatch(/SIMRATES-W1-CUT.*min_edge_guard/);
    expect(text).not.toContain('placed nothing');
  });

  it('says why a cycle placed nothing', () => {
    const text = cycleReport({ cycle: 3, outcome: 'skipped:kill_switch_guard', decisions: [], summary: { scanned: 5, whyNoTrade: '5 in scope, 5 estimates; new orders blocked by kill_switch_guard' } });
    expect(text.split('\n')).toEqual([
      'cycle 3 · skipped:kill_switch_guard · scanned 5 · in scope 0 · estimates 0 · 0 orders · 0 fills',
      '  placed nothing: 5 in scope, 5 estimates; new orders blocked by kill_switch_guard',
    ]);
  });
});
