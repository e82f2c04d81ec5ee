/**
 * The one registry of refusal codes (guards, halts, skips). Every code the bot can refuse with is declared here once:
 * logs, decision records, `status`, the heartbeat, reports and `clear-halt` use these strings and read their meaning
 * from here. Pure: no imports, no I/O, no clock (importable by workflow code).
 *
 * Adding a code: add a row to DEFINITIONS (name `<what>_guard`, snake case) and to docs/reason-codes.md;
 * `test/domain/reason-codes.test.ts` fails on a `*_guard` string literal in src/ that is not registered here, and on a
 * registered code missing from the doc.
 */

/** What a code stops while it applies. */
export type BlockScope =
  /** New positions (entries); orders that only reduce exposure may still go. */
  | 'new_entries'
  /** Every new order, entries and exits alike (resting orders stay unless cancelled). */
  | 'all_orders'
  /** The whole cycle: no activity of the lane runs (nothing is scanned, reconciled or placed). */
  | 'cycle';

/** How a code stops applying. */
export type ClearRule =
  /** A latched halt, lifted only by an operator's `clear-halt CODE` after review. */
  | 'operator_clear_halt'
  /** Lifts by itself at the next 00:00 UTC on the lane's logical clock (an operator may clear it earlier). */
  | 'next_utc_day'
  /** Lifts when a reconciliation against the exchange comes back clean. */
  | 'clean_reconciliation'
  /** Lifts with `resume`. */
  | 'resume'
  /** Lifts only when the kill switch is released (`kill-switch off`, the `killSwitch` signal). */
  | 'kill_switch_off'
  /** Lifts after `risk.failure_cooldown_cycles` cycles without a new failure. */
  | 'cooldown_elapsed'
  /** Applies to the rest of the current cycle only. */
  | 'next_cycle'
  /** A skip of that one decision (market/side); the next decision is judged afresh. */
  | 'per_decision';

/** The one word `status` and the heartbeat show for a lane; most severe first in STATUS_SEVERITY. */
export type StatusWord = 'active' | 'degraded' | 'reduce_only' | 'paused' | 'halted' | 'killed';

/** Most severe first: the lane's status word is the most severe among what currently applies. */
export const STATUS_SEVERITY: readonly StatusWord[] = Object.freeze(['killed', 'halted', 'paused', 'reduce_only', 'degraded', 'active'] as StatusWord[]);

interface Definition {
  readonly code: string;
  readonly blocks: BlockScope;
  readonly clears: ClearRule;
  /** Whether it is recorded as a latched halt in the control state (kept across cycles and continue-as-new). */
  readonly latches: boolean;
  readonly status: StatusWord;
  readonly summary: string;
}

const d = <C extends string>(code: C, blocks: BlockScope, clears: ClearRule, latches: boolean, status: StatusWord, summary: string) =>
  ({ code, blocks, clears, latches, status, summary }) as const;

const DEFINITIONS = [
  // ---- control state: operator switches and latched halts ------------------------------------------------------
  d('kill_switch_guard', 'all_orders', 'kill_switch_off', false, 'killed', 'the kill switch is engaged (signal, CLI, env var, file or DB flag)'),
  d('paused_guard', 'new_entries', 'resume', false, 'paused', 'an operator paused the lane: no new entries, exits pass; cycles keep running'),
  d('reduce_only_guard', 'new_entries', 'operator_clear_halt', true, 'reduce_only', 'the lane may only reduce exposure'),
  d('daily_loss_guard', 'new_entries', 'next_utc_day', true, 'halted', "the day's realised + marked loss reached risk.daily_loss_limit_fraction"),
  d('drawdown_guard', 'new_entries', 'operator_clear_halt', true, 'halted', 'equity fell too far below its peak'),
  d('failure_cooldown_guard', 'new_entries', 'cooldown_elapsed', false, 'degraded', 'a failure streak reached risk.failure_streak_cooldown_threshold'),
  d('lane_mismatch_guard', 'cycle', 'operator_clear_halt', true, 'halted', "an activity refused the workflow: mode, env, config hash or DB differ from its worker's"),
  d('control_state_corrupt_guard', 'all_orders', 'operator_clear_halt', true, 'halted', 'the persisted control state could not be read'),
  d('risk_check_error_guard', 'all_orders', 'next_cycle', false, 'degraded', 'the risk checks themselves failed: no orders this cycle (fail closed)'),
  // ---- per-cycle caps -------------------------------------------------------------------------------------------
  d('max_orders_per_cycle_guard', 'new_entries', 'per_decision', false, 'active', 'risk.max_orders_per_cycle reached this cycle'),
  d('max_notional_per_cycle_guard', 'new_entries', 'per_decision', false, 'active', 'risk.max_notional_per_cycle reached this cycle'),
  d('llm_budget_guard', 'new_entries', 'next_cycle', false, 'degraded', "an LLM call's worst case does not fit model.llm.cost_limit_per_cycle or cost_limit_per_day: no call, no more estimates this cycle"),
  // ---- per-decision skips: opportunity, sizing, risk, scope -----------------------------------------------------
  d('max_trades_per_market_per_day_guard', 'new_entries', 'per_decision', false, 'active', 'risk.max_trades_per_market_per_day reached for this market today'),
  d('min_edge_guard', 'new_entries', 'per_decision', false, 'active', 'edge after fees below strategy.min_edge'),
  d('min_confidence_guard', 'new_entries', 'per_decision', false, 'active', 'model confidence below strategy.min_confidence'),
  d('heavy_favorite_guard', 'new_entries', 'per_decision', false, 'active', 'buying NO against a heavy YES favourite without the stricter edge/confidence'),
  d('fee_unverified_guard', 'new_entries', 'per_decision', false, 'active', "the market's fee schedule could not be verified"),
  d('duplicate_exposure_guard', 'new_entries', 'per_decision', false, 'active', 'already exposed to this market (or an intent for it this cycle)'),
  d('scope_guard', 'new_entries', 'per_decision', false, 'active', 'the market is outside the allowed scope'),
  d('final_scope_guard', 'new_entries', 'per_decision', false, 'active', 'the final scope check before placing refused the market'),
  d('min_time_to_close_guard', 'new_entries', 'per_decision', false, 'active', 'the market closes too soon'),
  d('no_estimate_guard', 'new_entries', 'per_decision', false, 'active', 'the fair-value model gave no estimate for the market'),
  d('model_underperforms_market_guard', 'new_entries', 'operator_clear_halt', false, 'active', 'the {model, series} is benched: its Brier skill vs the market is below 0 with confidence (docs/scoring.md); exits and other models trade'),
  d('no_quote_guard', 'new_entries', 'per_decision', false, 'active', 'no usable quote on the side to trade'),
  d('max_position_size_guard', 'new_entries', 'per_decision', false, 'active', 'the position would exceed risk.max_position_size'),
  d('max_positions_guard', 'new_entries', 'per_decision', false, 'active', 'risk.max_positions open positions already'),
  d('exposure_guard', 'new_entries', 'per_decision', false, 'active', 'total exposure would exceed risk.max_total_exposure_fraction'),
  d('daily_new_exposure_guard', 'new_entries', 'per_decision', false, 'active', "today's new exposure would exceed risk.max_new_exposure_per_day_fraction"),
  d('size_zero_guard', 'new_entries', 'per_decision', false, 'active', 'the sized order rounds to zero contracts'),
  // ---- execution: reconciliation, revalidation, the order path --------------------------------------------------
  d('not_reconciled_guard', 'all_orders', 'clean_reconciliation', false, 'degraded', 'this cycle has not reconciled with the exchange'),
  d('reconciliation_mismatch_guard', 'new_entries', 'clean_reconciliation', true, 'degraded', "the exchange's orders/positions disagree with the lane's records: new entries are refused, exits still go"),
  d('stale_intent_guard', 'new_entries', 'per_decision', false, 'active', 'the intent is older than its time to live'),
  d('price_drift_guard', 'new_entries', 'per_decision', false, 'active', 'the price moved more than execution.max_price_drift since the decision'),
  d('edge_decay_guard', 'new_entries', 'per_decision', false, 'active', 'edge at execution below execution.min_edge_at_execution'),
  d('slippage_guard', 'new_entries', 'per_decision', false, 'active', 'the limit price would slip more than execution.max_submit_slippage'),
  d('idempotency_conflict_guard', 'all_orders', 'operator_clear_halt', true, 'halted', 'a journal row holds another body for the same client_order_id'),
  d('never_sent_guard', 'new_entries', 'per_decision', false, 'active', 'a journal row of a past cycle was never sent (sentAtMs null, no exchange order with its client_order_id in a complete walk): reconciliation skipped it'),
  d('unknown_order_outcome_guard', 'all_orders', 'clean_reconciliation', false, 'degraded', 'an order outcome is unknown; no new writes until it is resolved'),
  d('order_group_tripped_guard', 'new_entries', 'operator_clear_halt', true, 'halted', "the exchange's order-group limit tripped"),
  d('exchange_not_trading_guard', 'all_orders', 'next_cycle', false, 'degraded', 'the exchange reports exchange or trading inactive (a pause, maintenance): no order is sent; the next cycle checks again'),
  d('order_rejected_guard', 'new_entries', 'per_decision', false, 'active', 'the exchange refused the order (400, 403, 404, 409 other than order_already_exists, 410; 401, 429): not placed'),
  d('clock_skew_guard', 'all_orders', 'next_cycle', false, 'degraded', "the exchange's clock and ours differ by more than execution.max_clock_skew_seconds (or the skew is unmeasured): no order is sent"),
] as const;

export type ReasonCode = (typeof DEFINITIONS)[number]['code'];

export interface ReasonInfo extends Definition {
  readonly code: ReasonCode;
}

/** Every registered code, in registry order (frozen). */
export const REASON_CODES: readonly ReasonInfo[] = Object.freeze(DEFINITIONS.map((x) => Object.freeze({ ...x }) as ReasonInfo));

/** The codes as constants: `REASON.daily_loss_guard === 'daily_loss_guard'` (use instead of a string literal). */
export const REASON: { readonly [K in ReasonCode]: K } = Object.freeze(
  Object.fromEntries(DEFINITIONS.map((x) => [x.code, x.code])) as { [K in ReasonCode]: K },
);

const BY_CODE: Readonly<Record<string, ReasonInfo>> = Object.freeze(Object.fromEntries(REASON_CODES.map((x) => [x.code, x])));

/** Old spellings still recognised when read back (from a DB, a history, an operator's command). */
export const LEGACY_REASON_CODES: Readonly<Record<string, ReasonCode>> = Object.freeze({
  control_state_corrupt: 'control_state_corrupt_guard',
  order_rejected: 'order_rejected_guard',
});

export function isReasonCode(x: unknown): x is ReasonCode {
  return typeof x === 'string' && Object.prototype.hasOwnProperty.call(BY_CODE, x);
}

/** The registered spelling of a code: a legacy alias becomes its current name; anything else is returned as is. */
export function normalizeReasonCode(code: string): string {
  return Object.prototype.hasOwnProperty.call(LEGACY_REASON_CODES, code) ? LEGACY_REASON_CODES[code] : code;
}

/** The registry entry of a code (legacy spellings accepted); null for an unregistered string. */
export function reasonInfo(code: string): ReasonInfo | null {
  const c = normalizeReasonCode(code);
  return isReasonCode(c) ? BY_CODE[c] : null;
}

const LATCHABLE: readonly ReasonCode[] = Object.freeze(REASON_CODES.filter((x) => x.latches).map((x) => x.code));

/** The codes that can be latched halts (what `clear-halt CODE` accepts). */
export function latchableCodes(): readonly ReasonCode[] {
  return LATCHABLE;
}

/** The parts of a control state `statusWordFor` reads (ControlState fits). */
export interface ControlLike {
  readonly killSwitch: { readonly engaged: boolean };
  readonly paused: boolean;
  readonly latchedHalts: readonly { readonly code: string }[];
  /** Codes that apply right now without being latched (e.g. `not_reconciled_guard`); optional. */
  readonly conditions?: readonly string[];
}

/**
 * The lane's status word: the most severe among the kill switch (`killed`), each latched halt and condition (its
 * registry word; an unregistered latched code counts as `halted`, an unregistered condition as `degraded`) and the
 * pause (`paused`); `active` when nothing applies.
 */
export function statusWordFor(c: ControlLike): StatusWord {
  const words: StatusWord[] = ['active'];
  if (c.killSwitch.engaged) words.push('killed');
  if (c.paused) words.push('paused');
  for (const h of c.latchedHalts) words.push(reasonInfo(h.code)?.status ?? 'halted');
  for (const code of c.conditions ?? []) words.push(reasonInfo(code)?.status ?? 'degraded');
  return STATUS_SEVERITY.find((w) => words.includes(w)) ?? 'active';
}

const DAY_MS = 86_400_000;

/** The first 00:00 UTC strictly after `nowMs` (epoch ms). */
export function nextUtcMidnightMs(nowMs: number): number {
  if (!Number.isFinite(nowMs)) throw new RangeError(`nextUtcMidnightMs: not a time: ${nowMs}`);
  return (Math.floor(nowMs / DAY_MS) + 1) * DAY_MS;
}

/**
 * When a halt latched now with `code` lifts by itself: the next 00:00 UTC for a code that clears `next_utc_day`
 * (`daily_loss_guard`); null (operator only) for every other code.
 */
export function haltExpiryFor(code: string, nowMs: number): number | null {
  return reasonInfo(code)?.clears === 'next_utc_day' ? nextUtcMidnightMs(nowMs) : null;
}
