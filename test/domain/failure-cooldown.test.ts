import { failureCooldownActive, initialFailureCooldownState, recordCycleOutcome, type FailureCooldownState } from '../../src/domain/failure-cooldown';

const cfg = { failureStreakCooldownThreshold: 3, failureCooldownCycles: 2 };

describe('failure cooldown', () => {
  it('a streak of 3 failures at cycles 1–3 refuses entries in cycles 4 and 5', () => {
    let s = initialFailureCooldownState();
    for (const c of [1, 2]) s = recordCycleOutcome(s, c, true, cfg);
    expect(s).toEqual({ consecutiveFailures: 2, cooldownThroughCycle: null });
    expect(failureCooldownActive(s, 3, cfg)).toBe(false);
    s = recordCycleOutcome(s, 3, true, cfg);
    expect(s).toEqual({ consecutiveFailures: 3, cooldownThroughCycle: 5 });
    expect([4, 5, 6].map((c) => failureCooldownActive(s, c, cfg))).toEqual([true, true, false]);
  });

  it('a failure during the cooldown extends it; a success resets the streak', () => {
    let s: FailureCooldownState = { consecutiveFailures: 3, cooldownThroughCycle: 5 };
    s = recordCycleOutcome(s, 4, true, cfg);
    expect(s).toEqual({ consecutiveFailures: 4, cooldownThroughCycle: 6 });
    s = recordCycleOutcome(s, 5, false, cfg);
    expect(s).toEqual({ consecutiveFailures: 0, cooldownThroughCycle: 6 });
    expect([6, 7].map((c) => failureCooldownActive(s, c, cfg))).toEqual([true, false]);
    s = recordCycleOutcome(s, 7, true, cfg); // a new streak of 1 does not trip
    expect(s).toEqual({ consecutiveFailures: 1, cooldownThroughCycle: 6 });
  });

  it('threshold 0 disables; 0 cooldown cycles never blocks', () => {
    const off = { failureStreakCooldownThreshold: 0, failureCooldownCycles: 5 };
    let s = initialFailureCooldownState();
    for (const c of [1, 2, 3, 4]) s = recordCycleOutcome(s, c, true, off);
    expect(s).toEqual({ consecutiveFailures: 4, cooldownThroughCycle: null });
    expect(failureCooldownActive({ consecutiveFailures: 9, cooldownThroughCycle: 99 }, 5, off)).toBe(false);
    const zero = { failureStreakCooldownThreshold: 1, failureCooldownCycles: 0 };
    expect(recordCycleOutcome(initialFailureCooldownState(), 1, true, zero)).toEqual({ consecutiveFailures: 1, cooldownThroughCycle: null });
    expect(() => recordCycleOutcome(s, -1, true, cfg)).toThrow(/cycle/);
  });
});
