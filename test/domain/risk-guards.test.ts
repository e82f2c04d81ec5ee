import fc from 'fast-check';
import { applyKillSwitch, initialControlState, latchHalt, setPaused } from '../../src/domain/control';
import { totalNotionalMicros } from '../../src/domain/cycle-caps';
import { initialDailyLossState, observeCapital } from '../../src/domain/daily-loss';
import { initialDrawdownState, observePeak } from '../../src/domain/drawdown';
import { initialFailureCooldownState } from '../../src/domain/failure-cooldown';
import {
  evaluateCycleGuards, guardCycle, safeEvaluateCycleGuards, safeGuardCycle, type CycleGuardInput, type GuardCycleInput,
} from '../../src/domain/risk-guards';
import { arbExposure, arbIntentsAndShuffle, exitOf, intent } from './intent-fixtures';

const H = 3_600_000;
const D = Date.UTC(2025, 0, 10);
const NOW = D + 10 * H;
const NEXT_MIDNIGHT = D + 24 * H;

function input(over: Partial<CycleGuardInput> = {}): CycleGuardInput {
  return {
    nowMs: NOW,
    cycle: 10,
    control: initialControlState(),
    capitalBaseMicros: 100_000_000,
    dailyLoss: observeCapital(initialDailyLossState(), D + H, 100_000_000), // baseline $100
    drawdown: observePeak(initialDrawdownState(), D + H, 100_000_000), // peak $100
    failureCooldown: initialFailureCooldownState(),
    limits: { dailyLossLimitFractionPpm: 100_000, maxDrawdownFractionPpm: 250_000, failureStreakCooldownThreshold: 3, failureCooldownCycles: 2 },
    ...over,
  };
}
const codesOf = (v: { codes: { code: string }[] }) => v.codes.map((c) => c.code);
const killed = applyKillSwitch(initialControlState(), { engaged: true, reason: 'operator: stop' }, 'cli', D);

describe('evaluateCycleGuards', () => {
  it('nothing applies: entries and exits allowed; the states advance', () => {
    const v = evaluateCycleGuards(input({ capitalBaseMicros: 95_000_000 }));
    expect(v).toMatchObject({ entriesAllowed: true, exitsAllowed: true, blockedBy: null, exitsBlockedBy: null, codes: [], latch: [], error: null });
    expect(v.dailyLoss.lastCapitalMicros).toBe(95_000_000);
    expect(v.drawdown.peakMicros).toBe(100_000_000);
  });

  it('the kill switch comes first, and a daily-loss breach is still latched (expiring at the next 00:00 UTC)', () => {
    const v = evaluateCycleGuards(input({ control: killed, capitalBaseMicros: 89_000_000 }));
    expect(codesOf(v)).toEqual(['kill_switch_guard', 'daily_loss_guard']);
    expect(v).toMatchObject({ entriesAllowed: false, exitsAllowed: false, blockedBy: 'kill_switch_guard', exitsBlockedBy: 'kill_switch_guard' });
    expect(v.latch).toEqual([{
      code: 'daily_loss_guard',
      reason: 'daily loss $11.000000 vs limit $10.000000 (100000 ppm of baseline $100.000000, first_observation)',
      expiresAtMs: NEXT_MIDNIGHT,
    }]);
  });

  it('paused, reduce-only and cooldown block entries only: exits pass (the registry says new_entries)', () => {
    expect(evaluateCycleGuards(input({ control: setPaused(initialControlState(), true) }))).toMatchObject({
      entriesAllowed: false, exitsAllowed: true, blockedBy: 'paused_guard', exitsBlockedBy: null,
    });
    const ro = latchHalt(initialControlState(), 'reduce_only_guard', 'operator', D);
    expect(evaluateCycleGuards(input({ control: ro }))).toMatchObject({ entriesAllowed: false, exitsAllowed: true, blockedBy: 'reduce_only_guard', exitsBlockedBy: null });
    const cool = evaluateCycleGuards(input({ cycle: 5, failureCooldown: { consecutiveFailures: 3, cooldownThroughCycle: 5 } }));
    expect(cool).toMatchObject({ entriesAllowed: false, exitsAllowed: true, blockedBy: 'failure_cooldown_guard' });
    expect(cool.codes[0].detail).toBe('3 failed cycles in a row; no entries through cycle 5');
    expect(evaluateCycleGuards(input({ cycle: 6, failureCooldown: { consecutiveFailures: 3, cooldownThroughCycle: 5 } })).entriesAllowed).toBe(true);
  });

  it('a latched daily-loss halt holds until it expires, even when capital recovers; no second latch', () => {
    const halted = latchHalt(initialControlState(), 'daily_loss_guard', 'yesterday', D + 2 * H, NEXT_MIDNIGHT);
    const v = evaluateCycleGuards(input({ control: halted, capitalBaseMicros: 100_000_000 }));
    expect(v).toMatchObject({ entriesAllowed: false, exitsAllowed: true, blockedBy: 'daily_loss_guard', latch: [] });
    expect(v.codes).toEqual([{ code: 'daily_loss_guard', detail: 'yesterday' }]);
    // At 00:00 UTC it has expired: entries are allowed again (the new day's baseline is $100).
    const next = evaluateCycleGuards(input({ control: halted, nowMs: NEXT_MIDNIGHT, capitalBaseMicros: 100_000_000 }));
    expect(next).toMatchObject({ entriesAllowed: true, blockedBy: null, latch: [] });
    expect(next.dailyLoss).toMatchObject({ dayStartMs: NEXT_MIDNIGHT, baselineMicros: 100_000_000, baselineRule: 'at_midnight' });
  });

  it('drawdown latches with no expiry (operator only); with daily loss both, in order', () => {
    const v = evaluateCycleGuards(input({ capitalBaseMicros: 75_000_000 }));
    expect(codesOf(v)).toEqual(['daily_loss_guard', 'drawdown_guard']);
    expect(v.latch.map((l) => [l.code, l.expiresAtMs])).toEqual([['daily_loss_guard', NEXT_MIDNIGHT], ['drawdown_guard', null]]);
    expect(v.latch[1].reason).toBe('drawdown $25.000000 vs limit $25.000000 (250000 ppm of peak $100.000000)');
    const off = evaluateCycleGuards(input({ capitalBaseMicros: 75_000_000, limits: { ...input().limits, maxDrawdownFractionPpm: null, dailyLossLimitFractionPpm: 300_000 } }));
    expect(off).toMatchObject({ entriesAllowed: true, latch: [] });
  });

  it('other latched halts apply by their registry scope; an unknown code blocks everything', () => {
    const lm = latchHalt(initialControlState(), 'lane_mismatch_guard', 'config hash differs', D);
    expect(evaluateCycleGuards(input({ control: lm }))).toMatchObject({ entriesAllowed: false, exitsAllowed: false, blockedBy: 'lane_mismatch_guard' });
    const og = latchHalt(initialControlState(), 'order_group_tripped_guard', 'tripped', D);
    expect(evaluateCycleGuards(input({ control: og }))).toMatchObject({ entriesAllowed: false, exitsAllowed: true });
    const odd = latchHalt(initialControlState(), 'mystery_halt', 'from a newer version', D);
    expect(evaluateCycleGuards(input({ control: odd }))).toMatchObject({ exitsAllowed: false, blockedBy: 'mystery_halt' });
    const legacy = latchHalt(initialControlState(), 'control_state_corrupt', 'old spelling', D);
    expect(evaluateCycleGuards(input({ control: legacy })).blockedBy).toBe('control_state_corrupt_guard');
  });

  it('fails closed: an unknown capital base or a clock gone backwards refuses every order and keeps the states', () => {
    const i = input({ capitalBaseMicros: null });
    expect(() => evaluateCycleGuards(i)).toThrow(/capital base unknown/);
    const v = safeEvaluateCycleGuards(i);
    expect(v).toMatchObject({
      entriesAllowed: false, exitsAllowed: false, blockedBy: 'risk_check_error_guard', exitsBlockedBy: 'risk_check_error_guard',
      latch: [], error: 'RangeError: capital base unknown this cycle',
    });
    expect(v.dailyLoss).toBe(i.dailyLoss);
    expect(v.drawdown).toBe(i.drawdown);
    expect(safeEvaluateCycleGuards(input({ nowMs: D })).error).toMatch(/went backwards/);
    expect(safeEvaluateCycleGuards(null as unknown as CycleGuardInput).blockedBy).toBe('risk_check_error_guard');
  });
});

const caps = { maxOrdersPerCycle: 2, maxNotionalPerCycleMicros: 10_000_000, maxTradesPerMarketPerDay: 3 };
const cycleInput = (over: Partial<GuardCycleInput> = {}): GuardCycleInput => ({
  ...input(), intents: [], exposure: { markets: [], events: [] }, caps, tradesToday: {}, ...over,
});

describe('guardCycle', () => {
  const a = intent('E1-A', 'E1', { edgeMicros: 200_000 });
  const b = intent('E1-B', 'E1', { edgeMicros: 150_000 });
  const c = intent('E2-C', 'E2', { edgeMicros: 120_000 });
  const d = intent('E3-D', 'E3', { edgeMicros: 110_000 });
  const e = intent('E4-E', 'E4', { edgeMicros: 100_000 });
  const x = exitOf('E9-X', 'E9');

  it('dedupes, then caps; exits pass', () => {
    const out = guardCycle(cycleInput({ intents: [e, d, c, b, a, x], exposure: { markets: ['E3-D'], events: [] } }));
    expect(out.kept.map((i) => i.ticker)).toEqual(['E9-X', 'E1-A', 'E2-C']);
    expect(out.skipped.map((s) => [s.ticker, s.code])).toEqual([
      ['E1-B', 'duplicate_exposure_guard'], ['E3-D', 'duplicate_exposure_guard'], ['E4-E', 'max_orders_per_cycle_guard'],
    ]);
  });

  it('max_positions counts what the lane is exposed to (positions and open orders) with the entries kept this cycle', () => {
    const out = guardCycle(cycleInput({ intents: [e, d, c, a, x], exposure: { markets: ['E7-P'], events: ['E7'] }, caps: { ...caps, maxOrdersPerCycle: 10, maxPositions: 3 } }));
    expect(out.kept.map((i) => i.ticker)).toEqual(['E9-X', 'E1-A', 'E2-C']);
    expect(out.skipped.map((s) => [s.ticker, s.code])).toEqual([['E3-D', 'max_positions_guard'], ['E4-E', 'max_positions_guard']]);
  });

  it('reduce-only: exits kept, every entry skipped with the code; kill switch: everything skipped', () => {
    const ro = guardCycle(cycleInput({ intents: [a, x], control: latchHalt(initialControlState(), 'reduce_only_guard', 'winding down', D) }));
    expect(ro.kept).toEqual([x]);
    expect(ro.skipped.map((s) => [s.ticker, s.code, s.detail])).toEqual([['E1-A', 'reduce_only_guard', 'winding down']]);
    const k = guardCycle(cycleInput({ intents: [a, x], control: killed }));
    expect(k.kept).toEqual([]);
    expect(k.skipped.map((s) => [s.ticker, s.code, s.detail])).toEqual([['E9-X', 'kill_switch_guard', 'operator: stop'], ['E1-A', 'kill_switch_guard', 'operator: stop']]);
  });

  it('safeGuardCycle: a malformed intent fails the cycle closed (no orders at all)', () => {
    const bad = intent('E5-BAD', 'E5', { countCentis: 1.5 });
    expect(() => guardCycle(cycleInput({ intents: [a, bad, x] }))).toThrow(/countCentis/);
    const out = safeGuardCycle(cycleInput({ intents: [a, bad, x] }));
    expect(out).toMatchObject({ kept: [], entriesAllowed: false, exitsAllowed: false, blockedBy: 'risk_check_error_guard' });
    expect(out.skipped.map((s) => [s.ticker, s.code])).toEqual([['E1-A', 'risk_check_error_guard'], ['E5-BAD', 'risk_check_error_guard'], ['E9-X', 'risk_check_error_guard']]);
  });

  it('property: one entry per event, none exposed, within max orders and notional, order independent', () => {
    const arbCaps = fc.record({
      maxOrdersPerCycle: fc.integer({ min: 1, max: 5 }),
      maxNotionalPerCycleMicros: fc.integer({ min: 0, max: 30_000_000 }),
      maxTradesPerMarketPerDay: fc.integer({ min: 0, max: 2 }),
    });
    fc.assert(
      fc.property(arbIntentsAndShuffle, arbExposure, arbCaps, ([xs, shuffled], exposure, cp) => {
        const out = safeGuardCycle(cycleInput({ intents: xs, exposure, caps: cp }));
        expect(out.error).toBeNull();
        const entries = out.kept.filter((i) => !i.reduceOnly);
        expect(new Set(entries.map((i) => i.eventTicker)).size).toBe(entries.length);
        for (const en of entries) {
          expect(exposure.markets).not.toContain(en.ticker);
          expect(exposure.events).not.toContain(en.eventTicker);
        }
        expect(entries.length).toBeLessThanOrEqual(cp.maxOrdersPerCycle);
        expect(totalNotionalMicros(entries)).toBeLessThanOrEqual(BigInt(cp.maxNotionalPerCycleMicros));
        expect(out.kept.length + out.skipped.length).toBe(xs.length);
        expect(safeGuardCycle(cycleInput({ intents: shuffled, exposure, caps: cp }))).toEqual(out);
      }),
      { numRuns: 200 },
    );
  });
});
