/**
 * Fuzz: risk-guard invariants over random control states (kill switch, pause, latched halts — registered, unknown,
 * expired), ledgers (capital base — unknown, negative, huge — daily-loss baselines, drawdown peaks, failure streaks),
 * caps and intent lists. `safeGuardCycle` never throws; every intent ends kept or skipped exactly once, with a
 * registered code; nothing passes a kill switch or an all-orders block; entries never pass an entry block; kept
 * entries fit the caps.
 */
import fc from 'fast-check';
import { applyKillSwitch, initialControlState, latchHalt, setPaused, type ControlState } from '../../src/domain/control';
import { totalNotionalMicros } from '../../src/domain/cycle-caps';
import { initialDailyLossState, observeCapital } from '../../src/domain/daily-loss';
import { initialDrawdownState, observePeak } from '../../src/domain/drawdown';
import { isExit } from '../../src/domain/intent-rank';
import { latchableCodes, reasonInfo } from '../../src/domain/reason-codes';
import { safeGuardCycle, type GuardCycleInput } from '../../src/domain/risk-guards';
import type { OrderIntent } from '../../src/domain/trading-types';
import { arbExposure, arbIntent } from '../domain/intent-fixtures';
import { fuzzParams } from './fuzz-params';

const H = 3_600_000;
const DAY0 = Date.UTC(2026, 8, 1);

const capital = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0, max: 10_000_000_000 }) },
  { weight: 1, arbitrary: fc.constantFrom<number | null>(null, -1, -5_000_000, Number.MAX_SAFE_INTEGER, 0) },
);

const control: fc.Arbitrary<ControlState> = fc.record({
  kill: fc.boolean(),
  paused: fc.boolean(),
  halts: fc.array(fc.record({
    code: fc.constantFrom(...latchableCodes(), 'made_up_guard', 'daily_loss'),
    expires: fc.option(fc.integer({ min: -48 * H, max: 48 * H }), { nil: null }),
  }), { maxLength: 3 }),
}).map(({ kill, paused, halts }) => {
  let s = initialControlState();
  if (kill) s = applyKillSwitch(s, { engaged: true, reason: 'fuzz' }, 'cli', DAY0);
  if (paused) s = setPaused(s, true);
  for (const h of halts) s = latchHalt(s, h.code, 'fuzz', DAY0, h.expires === null ? null : DAY0 + 24 * H + h.expires);
  return s;
});

const input: fc.Arbitrary<GuardCycleInput> = fc.record({
  hour: fc.integer({ min: 0, max: 72 }),
  cycle: fc.integer({ min: 1, max: 500 }),
  control,
  capitalNow: capital,
  baseline: fc.option(fc.integer({ min: 0, max: 10_000_000_000 }), { nil: null }),
  peak: fc.option(fc.integer({ min: 0, max: 10_000_000_000 }), { nil: null }),
  streak: fc.record({ consecutiveFailures: fc.integer({ min: 0, max: 10 }), cooldownThroughCycle: fc.integer({ min: 0, max: 600 }) }),
  dlPpm: fc.integer({ min: 0, max: 1_000_000 }),
  ddPpm: fc.option(fc.integer({ min: 0, max: 1_000_000 }), { nil: null }),
  intents: fc.array(arbIntent, { maxLength: 20 }),
  exposure: arbExposure,
  caps: fc.record({
    maxOrdersPerCycle: fc.integer({ min: 0, max: 10 }),
    maxNotionalPerCycleMicros: fc.integer({ min: 0, max: 100_000_000 }),
    maxTradesPerMarketPerDay: fc.integer({ min: 0, max: 5 }),
  }),
  trades: fc.dictionary(fc.constantFrom('E0-M0', 'E1-M1', 'E2-M2', 'E3-M3'), fc.integer({ min: 0, max: 6 })),
}).map((r) => {
  const nowMs = DAY0 + r.hour * H;
  return {
    nowMs,
    cycle: r.cycle,
    control: r.control,
    capitalBaseMicros: r.capitalNow,
    dailyLoss: r.baseline === null ? initialDailyLossState() : observeCapital(initialDailyLossState(), nowMs - H, r.baseline),
    drawdown: r.peak === null ? initialDrawdownState() : observePeak(initialDrawdownState(), nowMs - H, r.peak),
    failureCooldown: r.streak,
    limits: { dailyLossLimitFractionPpm: r.dlPpm, maxDrawdownFractionPpm: r.ddPpm, failureStreakCooldownThreshold: 3, failureCooldownCycles: 2 },
    intents: r.intents,
    exposure: r.exposure,
    caps: r.caps,
    tradesToday: r.trades,
  };
});

describe('fuzz: risk-guard invariants', () => {
  it('never throws; every intent kept or skipped once with a registered code; blocks hold; caps hold', () => {
    fc.assert(fc.property(input, (inp) => {
      const r = safeGuardCycle(inp);
      // conservation: the kept and skipped intents are exactly the input intents (by identity)
      const out = [...r.kept, ...r.skipped.map((s) => s.intent)] as OrderIntent[];
      expect(out.length).toBe(inp.intents.length);
      expect(new Set(out).size).toBe(new Set(inp.intents).size);
      for (const i of out) expect(inp.intents).toContain(i);
      // a registered code, or (by design, failing closed) an unregistered latched halt's own code, e.g. from a newer DB
      const known = (code: string) => reasonInfo(code) !== null || inp.control.latchedHalts.some((h) => h.code === code);
      for (const s of r.skipped) {
        expect(known(s.code)).toBe(true);
        expect(s.ticker).toBe(s.intent.ticker);
      }
      for (const c of r.codes) expect(known(c.code)).toBe(true);
      if (inp.control.killSwitch.engaged || inp.capitalBaseMicros === null) expect(r.kept).toEqual([]);
      // (an unknown capital base fails closed first: risk_check_error_guard, which refuses everything too)
      if (inp.control.killSwitch.engaged) expect([inp.capitalBaseMicros === null ? 'risk_check_error_guard' : 'kill_switch_guard']).toContain(r.blockedBy);
      if (!r.exitsAllowed) expect(r.kept).toEqual([]);
      if (!r.entriesAllowed) expect(r.kept.filter((i) => !isExit(i))).toEqual([]);
      if (inp.control.paused) expect(r.entriesAllowed).toBe(false);
      const entries = r.kept.filter((i) => !isExit(i));
      expect(entries.length).toBeLessThanOrEqual(inp.caps.maxOrdersPerCycle);
      expect(totalNotionalMicros(entries) <= BigInt(inp.caps.maxNotionalPerCycleMicros)).toBe(true);
      // halts to latch are registered, latchable, and expire in the future or never
      for (const h of r.latch) {
        expect(latchableCodes()).toContain(h.code);
        if (h.expiresAtMs !== null) expect(h.expiresAtMs).toBeGreaterThan(inp.nowMs);
      }
      if (r.error === null && inp.capitalBaseMicros !== null) {
        expect(Number.isSafeInteger(r.dailyLoss.lastCapitalMicros)).toBe(true);
      }
    }), fuzzParams(300));
  });
});
