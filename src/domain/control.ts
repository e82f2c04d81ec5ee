/**
 * Durable control state of a lane: kill switch, pause, latched halts. Pure functions (importable by workflow code).
 *
 * Rules:
 * - Engaging the kill switch is accepted from any source (signal, CLI, env var, file, DB flag). The env var and the
 *   file are *level* sources: while present they hold the switch engaged; they cannot be turned off by a signal.
 * - A latched halt (e.g. `daily_loss_guard`) stays until an operator clears it; it is never cleared by a new cycle.
 * - Every refusal has a code, and `tradingBlockReason` returns it.
 */

import { normalizeReasonCode, REASON, reasonInfo } from './reason-codes';

export type ControlSource = 'signal' | 'cli' | 'env' | 'file' | 'db' | 'workflow';

export interface KillSwitchState {
  engaged: boolean;
  reason: string | null;
  source: ControlSource | null;
  atMs: number | null;
  /** Cancel resting orders when engaging (acted on by the order layer). */
  cancelResting: boolean;
}

export interface LatchedHalt {
  code: string;
  reason: string;
  atMs: number;
  /**
   * When the halt lifts by itself (logical-clock ms), e.g. a daily-loss halt at the next 00:00 UTC; null or absent =
   * only an operator's `clear-halt` lifts it (a drawdown halt).
   */
  expiresAtMs?: number | null;
}

export interface ControlState {
  killSwitch: KillSwitchState;
  paused: boolean;
  latchedHalts: LatchedHalt[];
}

export interface KillSwitchCommand {
  engaged: boolean;
  reason?: string;
  cancelResting?: boolean;
  /**
   * Who sent the `killSwitch` signal: `"cli"` from `kalshi-autopilot kill-switch`. Only `"cli"` is honoured; absent or
   * anything else is recorded as `signal` (never a reason to reject: the emergency path fails closed on other fields).
   */
  source?: 'cli';
}

export function initialControlState(): ControlState {
  return {
    killSwitch: { engaged: false, reason: null, source: null, atMs: null, cancelResting: false },
    paused: false,
    latchedHalts: [],
  };
}

export function applyKillSwitch(
  state: ControlState,
  cmd: KillSwitchCommand,
  source: ControlSource,
  atMs: number,
): ControlState {
  if (cmd === null || typeof cmd !== 'object') throw new TypeError('killSwitch: expected an object like {"engaged": true}');
  if (typeof cmd.engaged !== 'boolean') throw new TypeError('killSwitch.engaged: must be true or false');
  if (cmd.reason !== undefined && typeof cmd.reason !== 'string') throw new TypeError('killSwitch.reason: must be a string');
  if (cmd.cancelResting !== undefined && typeof cmd.cancelResting !== 'boolean') {
    throw new TypeError('killSwitch.cancelResting: must be true or false');
  }
  const reason = cmd.reason?.slice(0, 500) ?? (cmd.engaged ? `engaged by ${source}` : null);
  // A request to cancel resting orders is never dropped by a later engage that does not repeat it; only a release ends it.
  const cancelResting = cmd.engaged ? (cmd.cancelResting ?? false) || (state.killSwitch.engaged && state.killSwitch.cancelResting) : false;
  return {
    ...state,
    killSwitch: { engaged: cmd.engaged, reason, source, atMs, cancelResting },
  };
}

/** The source a `killSwitch` signal is recorded with: `cli` when its payload says `"source": "cli"`, else `signal`. */
export function signalSourceOf(payload: unknown): 'cli' | 'signal' {
  return payload !== null && typeof payload === 'object' && (payload as { source?: unknown }).source === 'cli' ? 'cli' : 'signal';
}

/**
 * The `killSwitch` signal on the emergency path fails closed: a well-formed release (`{"engaged": false}`, optional
 * string `reason`) releases; a well-formed engage engages; ANYTHING else (no input, `{"engaged": "true"}`, a number,
 * a bad `cancelResting`) engages the switch with the parse error as its reason. Never throws. A well-formed payload
 * carrying `"source": "cli"` (sent by `kalshi-autopilot kill-switch`) is recorded with source `cli`; any other source
 * value is ignored (`signal`), and a malformed payload is always recorded as `signal`.
 */
export function applyKillSwitchSignal(state: ControlState, payload: unknown, atMs: number): { state: ControlState; error: string | null } {
  try {
    return { state: applyKillSwitch(state, payload as KillSwitchCommand, signalSourceOf(payload), atMs), error: null };
  } catch (err) {
    const error = (err as Error).message;
    const reason = `malformed killSwitch signal engages the switch (fail closed): ${error}`;
    const cancelResting = state.killSwitch.engaged && state.killSwitch.cancelResting;
    return { state: { ...state, killSwitch: { engaged: true, reason, source: 'signal', atMs, cancelResting } }, error };
  }
}

export function setPaused(state: ControlState, paused: boolean): ControlState {
  return { ...state, paused };
}

/** Latch a halt; latching the same code again keeps the first record. `expiresAtMs` null = operator only. */
export function latchHalt(state: ControlState, code: string, reason: string, atMs: number, expiresAtMs: number | null = null): ControlState {
  if (state.latchedHalts.some((h) => h.code === code)) return state;
  const halt: LatchedHalt = expiresAtMs === null ? { code, reason, atMs } : { code, reason, atMs, expiresAtMs };
  return { ...state, latchedHalts: [...state.latchedHalts, halt] };
}

/** Drop the halts whose expiry has passed on the logical clock (a daily-loss halt at the next UTC day). */
export function expireHalts(state: ControlState, nowMs: number): ControlState {
  const keep = state.latchedHalts.filter((h) => h.expiresAtMs === undefined || h.expiresAtMs === null || h.expiresAtMs > nowMs);
  return keep.length === state.latchedHalts.length ? state : { ...state, latchedHalts: keep };
}

export function clearHalt(state: ControlState, code: string): ControlState {
  return { ...state, latchedHalts: state.latchedHalts.filter((h) => h.code !== code) };
}

/** External level sources observed by the worker (env var, file) and a DB row the workflow has not seen yet. */
export interface ExternalControl {
  envKill: { reason: string } | null;
  fileKill: { reason: string } | null;
  /** The DB row, when someone else wrote it after the workflow's last write (the CLI, an earlier execution). */
  db: ControlState | null;
}

/**
 * Fold a control state written elsewhere into ours. Only ever adds restrictions: an engaged kill switch, a pause and
 * latched halts are adopted; nothing is released. (Releasing is the workflow's own act, by signal.)
 */
export function mergeRestrictive(state: ControlState, other: ControlState): ControlState {
  let out = state;
  if (!out.killSwitch.engaged && other.killSwitch.engaged) {
    out = { ...out, killSwitch: { ...other.killSwitch, source: other.killSwitch.source ?? 'db' } };
  } else if (out.killSwitch.engaged && other.killSwitch.engaged && other.killSwitch.cancelResting && !out.killSwitch.cancelResting) {
    // Already engaged (say by the env var): a later request to cancel resting orders is OR-ed in, never dropped.
    out = { ...out, killSwitch: { ...out.killSwitch, cancelResting: true } };
  }
  if (!out.paused && other.paused) out = { ...out, paused: true };
  for (const h of other.latchedHalts) out = latchHalt(out, h.code, h.reason, h.atMs, h.expiresAtMs ?? null);
  return out;
}

/** The restrictions `after` has that `before` did not (what someone else added while we were writing). */
export function restrictionsAdded(before: ControlState, after: ControlState): ControlState {
  const known = new Set(before.latchedHalts.map((h) => h.code));
  const ks = !before.killSwitch.engaged && after.killSwitch.engaged
    ? after.killSwitch
    : before.killSwitch.engaged && !before.killSwitch.cancelResting && after.killSwitch.engaged && after.killSwitch.cancelResting
      ? { ...before.killSwitch, cancelResting: true }
      : initialControlState().killSwitch;
  return {
    killSwitch: ks,
    paused: !before.paused && after.paused,
    latchedHalts: after.latchedHalts.filter((h) => !known.has(h.code)),
  };
}

/** Fold the external sources into the workflow's state. Only ever engages; never disengages. */
export function mergeExternalControl(state: ControlState, ext: ExternalControl, atMs: number): ControlState {
  let out = ext.db ? mergeRestrictive(state, ext.db) : state;
  if (out.killSwitch.engaged) return out;
  if (ext.envKill) out = applyKillSwitch(out, { engaged: true, reason: ext.envKill.reason }, 'env', atMs);
  else if (ext.fileKill) out = applyKillSwitch(out, { engaged: true, reason: ext.fileKill.reason }, 'file', atMs);
  return out;
}

/** A signal payload that could not be applied: recorded, never thrown (a throwing handler would wedge the workflow). */
export type SignalResult = { ok: true; state: ControlState } | { ok: false; error: string };

export function tryApplyKillSwitch(state: ControlState, cmd: unknown, source: ControlSource, atMs: number): SignalResult {
  try {
    return { ok: true, state: applyKillSwitch(state, cmd as KillSwitchCommand, source, atMs) };
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  }
}

/** Why new orders may not be placed right now, as a refusal code; null when trading may proceed. */
export function tradingBlockReason(state: ControlState): string | null {
  if (state.killSwitch.engaged) return REASON.kill_switch_guard;
  if (state.latchedHalts.length > 0) return normalizeReasonCode(state.latchedHalts[0].code);
  if (state.paused) return REASON.paused_guard;
  return null;
}

export function sameControl(a: ControlState, b: ControlState): boolean {
  const k = (x: KillSwitchState) => [x.engaged, x.reason, x.source, x.atMs, x.cancelResting];
  const h = (x: LatchedHalt[]) => x.map((y) => [y.code, y.reason, y.atMs, y.expiresAtMs ?? null]);
  return a.paused === b.paused && JSON.stringify([k(a.killSwitch), h(a.latchedHalts)]) === JSON.stringify([k(b.killSwitch), h(b.latchedHalts)]);
}

/**
 * Why even an exit (a reduce-only order) may not be placed right now: the first code that blocks all orders (the kill
 * switch, an all-orders halt, an unregistered halt code); null when exits may go. Entry-only blocks (pause,
 * reduce-only, the loss halts) let exits through.
 */
export function exitBlockReason(state: ControlState): string | null {
  const codes = [
    ...(state.killSwitch.engaged ? [REASON.kill_switch_guard as string] : []),
    ...state.latchedHalts.map((h) => normalizeReasonCode(h.code)),
    ...(state.paused ? [REASON.paused_guard as string] : []),
  ];
  return codes.find((c) => reasonInfo(c)?.blocks !== 'new_entries') ?? null;
}
