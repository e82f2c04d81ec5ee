/**
 * The cycle's risk guards, evaluated every cycle (even with no signals), in this order:
 * 1. `kill_switch_guard`; 2. `paused_guard`, `reduce_only_guard`, then any other latched halt (latch order);
 * 3. `daily_loss_guard`, `drawdown_guard` (a latched halt, or a breach found now); 4. `failure_cooldown_guard`;
 * 5. the per-cycle caps (`applyCycleCaps`, per intent).
 * Every code that applies is listed (`codes`); `blockedBy` is the first. What a code stops is read from the registry
 * (`blocks`): `new_entries` refuses entries and lets exits pass; `all_orders`/`cycle` (or an unregistered latched code)
 * refuses exits too. A latched halt whose `expiresAtMs` ≤ now no longer applies (as `expireHalts`).
 *
 * Halts are returned in `latch`, not applied: the workflow calls `expireHalts(state, nowMs)` and then
 * `latchHalt(state, code, reason, nowMs, expiresAtMs)` for each (daily loss: the next 00:00 UTC; drawdown: null =
 * operator only). The returned `dailyLoss` / `drawdown` states replace the ones passed in.
 *
 * Fail closed: `safeEvaluateCycleGuards` / `safeGuardCycle` never throw; any error (a bad number, no capital base, a
 * clock gone backwards) refuses every order this cycle with `risk_check_error_guard` and keeps the old states.
 * Pure (importable by workflow code): no I/O, no clock.
 */
import type { ControlState } from './control';
import { applyCycleCaps, type CycleCaps, type TradesToday } from './cycle-caps';
import { checkDailyLoss, observeCapital, type DailyLossState } from './daily-loss';
import { dedupeIntents, type Exposure } from './dedupe';
import { checkDrawdown, observePeak, type DrawdownState } from './drawdown';
import { failureCooldownActive, type FailureCooldownConfig, type FailureCooldownState } from './failure-cooldown';
import { formatDollars, type Micros } from './fixed';
import { compareIntents, isExit } from './intent-rank';
import { haltExpiryFor, normalizeReasonCode, REASON, reasonInfo } from './reason-codes';
import type { IntentFilterResult, IntentSkip, OrderIntent } from './trading-types';

export interface RiskLimits extends FailureCooldownConfig {
  /** `risk.daily_loss_limit_fraction` in ppm. */
  dailyLossLimitFractionPpm: number;
  /** `risk.max_drawdown_fraction` in ppm; null disables (the schema has no such key yet). */
  maxDrawdownFractionPpm: number | null;
}

export interface CycleGuardInput {
  /** Logical-clock ms of this cycle. */
  nowMs: number;
  cycle: number;
  control: ControlState;
  /** This cycle's capital base (micros); null = unknown, which fails closed. */
  capitalBaseMicros: Micros | null;
  dailyLoss: DailyLossState;
  drawdown: DrawdownState;
  failureCooldown: FailureCooldownState;
  limits: RiskLimits;
}

export interface HaltToLatch {
  code: string;
  reason: string;
  /** Logical-clock ms when it lifts by itself; null = only an operator's `clear-halt`. */
  expiresAtMs: number | null;
}

export interface AppliedCode {
  code: string;
  detail: string;
}

export interface CycleGuardVerdict {
  entriesAllowed: boolean;
  exitsAllowed: boolean;
  /** The first code that refuses entries; null when entries may go (subject to the caps). */
  blockedBy: string | null;
  /** The first code that refuses exits too; null when exits may go. */
  exitsBlockedBy: string | null;
  /** Every code that applies this cycle, in evaluation order. */
  codes: AppliedCode[];
  /** Halts to latch now (not yet latched and not active). */
  latch: HaltToLatch[];
  /** The next states (unchanged on an error). */
  dailyLoss: DailyLossState;
  drawdown: DrawdownState;
  /** The error that failed the checks closed; null otherwise. */
  error: string | null;
}

const $ = (micros: Micros) => `$${formatDollars(micros, 6)}`;

function blocksExits(code: string): boolean {
  const info = reasonInfo(code);
  return info === null || info.blocks !== 'new_entries';
}

/** The verdict of steps 1–4. Throws on bad input; use `safeEvaluateCycleGuards` in the workflow. */
export function evaluateCycleGuards(input: CycleGuardInput): CycleGuardVerdict {
  const { nowMs, cycle, control, limits } = input;
  if (input.capitalBaseMicros === null || input.capitalBaseMicros === undefined) throw new RangeError('capital base unknown this cycle');
  const capital = input.capitalBaseMicros;
  const codes: AppliedCode[] = [];
  const latch: HaltToLatch[] = [];

  // 1. Kill switch.
  if (control.killSwitch.engaged) codes.push({ code: REASON.kill_switch_guard, detail: control.killSwitch.reason ?? 'kill switch engaged' });
  // 2. Pause, reduce-only, other latched halts still in force.
  if (control.paused) codes.push({ code: REASON.paused_guard, detail: 'lane paused by an operator' });
  const active = control.latchedHalts
    .filter((h) => h.expiresAtMs === undefined || h.expiresAtMs === null || h.expiresAtMs > nowMs)
    .map((h) => ({ code: normalizeReasonCode(h.code), detail: h.reason }));
  const isActive = (code: string) => active.some((h) => h.code === code);
  const step3: string[] = [REASON.daily_loss_guard, REASON.drawdown_guard];
  codes.push(...active.filter((h) => h.code === REASON.reduce_only_guard).slice(0, 1));
  for (const h of active) {
    if (h.code !== REASON.reduce_only_guard && !step3.includes(h.code) && !codes.some((c) => c.code === h.code)) codes.push(h);
  }

  // 3. Daily loss and drawdown: observed every cycle, latched when breached.
  const dailyLoss = observeCapital(input.dailyLoss, nowMs, capital);
  const dl = checkDailyLoss(dailyLoss, capital, limits.dailyLossLimitFractionPpm);
  const dlText = `daily loss ${$(dl.lossMicros)} vs limit ${$(dl.thresholdMicros)} (${limits.dailyLossLimitFractionPpm} ppm of baseline ${$(dl.baselineMicros)}, ${dailyLoss.baselineRule})`;
  if (isActive(REASON.daily_loss_guard)) {
    codes.push(active.find((h) => h.code === REASON.daily_loss_guard)!);
  } else if (dl.breached) {
    codes.push({ code: REASON.daily_loss_guard, detail: dlText });
    latch.push({ code: REASON.daily_loss_guard, reason: dlText, expiresAtMs: haltExpiryFor(REASON.daily_loss_guard, nowMs) });
  }
  const drawdown = observePeak(input.drawdown, nowMs, capital);
  const dd = checkDrawdown(drawdown, capital, limits.maxDrawdownFractionPpm);
  if (isActive(REASON.drawdown_guard)) {
    codes.push(active.find((h) => h.code === REASON.drawdown_guard)!);
  } else if (dd.breached) {
    const ddText = `drawdown ${$(dd.drawdownMicros)} vs limit ${$(dd.thresholdMicros!)} (${limits.maxDrawdownFractionPpm} ppm of peak ${$(dd.peakMicros)})`;
    codes.push({ code: REASON.drawdown_guard, detail: ddText });
    latch.push({ code: REASON.drawdown_guard, reason: ddText, expiresAtMs: haltExpiryFor(REASON.drawdown_guard, nowMs) });
  }

  // 4. Failure cooldown.
  if (failureCooldownActive(input.failureCooldown, cycle, limits)) {
    const f = input.failureCooldown;
    codes.push({ code: REASON.failure_cooldown_guard, detail: `${f.consecutiveFailures} failed cycles in a row; no entries through cycle ${f.cooldownThroughCycle}` });
  }

  const exitBlock = codes.find((c) => blocksExits(c.code)) ?? null;
  return {
    entriesAllowed: codes.length === 0,
    exitsAllowed: exitBlock === null,
    blockedBy: codes[0]?.code ?? null,
    exitsBlockedBy: exitBlock?.code ?? null,
    codes,
    latch,
    dailyLoss,
    drawdown,
    error: null,
  };
}

function errorText(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : `non-error thrown: ${String(err)}`;
}

function failClosed(input: Partial<CycleGuardInput> | null | undefined, err: unknown): CycleGuardVerdict {
  const error = errorText(err);
  return {
    entriesAllowed: false,
    exitsAllowed: false,
    blockedBy: REASON.risk_check_error_guard,
    exitsBlockedBy: REASON.risk_check_error_guard,
    codes: [{ code: REASON.risk_check_error_guard, detail: error }],
    latch: [],
    dailyLoss: input?.dailyLoss as DailyLossState,
    drawdown: input?.drawdown as DrawdownState,
    error,
  };
}

/** `evaluateCycleGuards`, failing closed: never throws; an error refuses every order (`risk_check_error_guard`). */
export function safeEvaluateCycleGuards(input: CycleGuardInput): CycleGuardVerdict {
  try {
    return evaluateCycleGuards(input);
  } catch (err) {
    return failClosed(input, err);
  }
}

export interface GuardCycleInput extends CycleGuardInput {
  /** The cycle's sized intents, entries and exits. */
  intents: readonly OrderIntent[];
  /** What the lane is already exposed to (de-duplication runs again here: idempotent, and a second line of defence). */
  exposure: Exposure;
  caps: CycleCaps;
  tradesToday: TradesToday;
}

export type GuardCycleResult = CycleGuardVerdict & IntentFilterResult;

function skipAll(intents: readonly OrderIntent[], code: string, detail: string): IntentSkip[] {
  return intents.map((i) => ({ ticker: i.ticker, side: i.side, code, detail, intent: i }));
}

/**
 * Steps 1–5 on the cycle's intents: the verdict, then (when entries may go) de-duplication and the caps. Exits are
 * kept unless a code that blocks all orders applies. Throws on bad input; use `safeGuardCycle` in the workflow.
 */
export function guardCycle(input: GuardCycleInput): GuardCycleResult {
  const verdict = evaluateCycleGuards(input);
  const ranked = [...input.intents].sort(compareIntents);
  const exits = ranked.filter(isExit);
  const entries = ranked.filter((i) => !isExit(i));
  const detailOf = (code: string | null) => verdict.codes.find((c) => c.code === code)?.detail ?? '';

  const exitSkips = verdict.exitsAllowed ? [] : skipAll(exits, verdict.exitsBlockedBy!, detailOf(verdict.exitsBlockedBy));
  const keptExits = verdict.exitsAllowed ? exits : [];
  if (!verdict.entriesAllowed) {
    return { ...verdict, kept: keptExits, skipped: [...exitSkips, ...skipAll(entries, verdict.blockedBy!, detailOf(verdict.blockedBy))] };
  }
  const deduped = dedupeIntents([...keptExits, ...entries], input.exposure);
  const capped = applyCycleCaps(deduped.kept, input.caps, input.tradesToday, input.exposure.markets);
  return { ...verdict, kept: capped.kept, skipped: [...exitSkips, ...deduped.skipped, ...capped.skipped] };
}

/** `guardCycle`, failing closed: never throws; on any error every intent is skipped with `risk_check_error_guard`. */
export function safeGuardCycle(input: GuardCycleInput): GuardCycleResult {
  try {
    return guardCycle(input);
  } catch (err) {
    const verdict = failClosed(input, err);
    let skipped: IntentSkip[] = [];
    try {
      const list = Array.isArray(input?.intents) ? input.intents : [];
      skipped = list.map((i) => ({ ticker: String(i?.ticker), side: i?.side, code: REASON.risk_check_error_guard, detail: verdict.error ?? '', intent: i }));
    } catch {
      skipped = [];
    }
    return { ...verdict, kept: [], skipped };
  }
}
