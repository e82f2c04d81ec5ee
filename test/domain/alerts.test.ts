import { diffAlerts, initialAlertState, laneConditions, LaneAlertFacts } from '../../src/domain/alerts';

const facts = (over: Partial<LaneAlertFacts> = {}): LaneAlertFacts => ({
  killSwitch: { engaged: false, reason: null, source: null }, latchedHalts: [], reconciliationMismatch: { blocked: false, latched: false },
  unknownOrderOutcome: false, failureCooldownThroughCycle: null, cycle: 5, consecutiveFailures: 0, repeatedFailureThreshold: 3, lastError: null, ...over,
});

describe('alert dedupe', () => {
  it('raises a condition once, stays quiet while it persists, resolves it once', () => {
    const ks = laneConditions(facts({ killSwitch: { engaged: true, reason: 'manual', source: 'cli' } }));
    const a = diffAlerts(initialAlertState(), ks, 1_000);
    expect(a.raised.map((c) => c.key)).toEqual(['kill_switch']);
    expect(a.resolved).toEqual([]);
    const b = diffAlerts(a.next, ks, 2_000);
    expect([b.raised, b.resolved]).toEqual([[], []]);
    expect(b.next.active.kill_switch.sinceMs).toBe(1_000);
    const c = diffAlerts(b.next, [], 3_000);
    expect(c.resolved).toEqual([{ key: 'kill_switch', title: 'kill switch engaged', sinceMs: 1_000 }]);
    expect(diffAlerts(c.next, [], 4_000)).toEqual({ raised: [], resolved: [], next: { active: {} } });
  });

  it('every lane condition from its facts', () => {
    const all = laneConditions(facts({
      killSwitch: { engaged: true, reason: 'r', source: 'env' },
      latchedHalts: [{ code: 'daily_loss_guard', reason: 'lost 10%' }, { code: 'drawdown_guard', reason: 'down 25%' }],
      reconciliationMismatch: { blocked: true, latched: true }, unknownOrderOutcome: true, failureCooldownThroughCycle: 7, consecutiveFailures: 3, lastError: 'cycle 5 scan: Timeout',
    }));
    expect(all.map((c) => c.key)).toEqual(['kill_switch', 'daily_loss_halt', 'drawdown_halt', 'reconciliation_mismatch', 'unknown_order_outcome', 'failure_cooldown', 'repeated_failures']);
    expect(laneConditions(facts({ consecutiveFailures: 2 }))).toEqual([]);
    expect(laneConditions(facts({ failureCooldownThroughCycle: 5 }))).toEqual([]);
  });
});
