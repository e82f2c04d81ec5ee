/**
 * Durable control state of a lane: kill switch, pause, latched halts. Pure functions (importable by workflow code).
 *
 * Rules:
 * - Engaging the kill switch is accepted from any source (signal, CLI, env var, file, DB flag). The env var and the
 *   file are *level* sources: while present they hold the switch engaged; they cannot be turned off by a signal.
 * - A latched halt (e.g. `daily_loss_guard`) stays until an operator clears it; it is never cleared by a new cycle.
 * - Every refusal has a code, and `tradingBlockReason` returns it.
 */

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
  if (typeof cmd?.engaged !== 'boolean') throw new TypeError('killSwitch.engaged: must be true or false');
  if (cmd.reason !== undefined && typeof cmd.reason !== 'string') throw new TypeError('killSwitch.reason: must be a string');
  if (cmd.cancelResting !== undefined && typeof cmd.cancelResting !== 'boolean') {
    throw new TypeError('killSwitch.cancelResting: must be true or false');
  }
  const reason = cmd.reason?.slice(0, 500) ?? (cmd.engaged ? `engaged by ${source}` : null);
  return {
    ...state,
    killSwitch: {
      engaged: cmd.engaged,
      reason,
      source,
      atMs,
      cancelResting: cmd.engaged ? cmd.cancelResting ?? false : false,
    },
  };
}

export function setPaused(state: ControlState, paused: boolean): ControlState {
  return { ...state, paused };
}

/** Latch a halt; latching the same code again keeps the first record. */
export function latchHalt(state: ControlState, code: string, reason: string, atMs: number): ControlState {
  if (state.latchedHalts.some((h) => h.code === code)) return state;
  return { ...state, latchedHalts: [...state.latchedHalts, { code, reason, atMs }] };
}

export function clearHalt(state: ControlState, code: string): ControlState {
  return { ...state, latchedHalts: state.latchedHalts.filter((h) => h.code !== code) };
}

/** External level sources observed by the worker (env var, file) and the DB flag written by the CLI. */
export interface ExternalControl {
  envKill: { reason: string } | null;
  fileKill: { reason: string } | null;
  /** The DB row as last written; a DB-engaged switch the workflow did not know about is adopted. */
  dbKill: KillSwitchState | null;
}

/** Fold external sources into the workflow's state. Only ever engages; never disengages. */
export function mergeExternalControl(state: ControlState, ext: ExternalControl, atMs: number): ControlState {
  if (state.killSwitch.engaged) return state;
  if (ext.envKill) return applyKillSwitch(state, { engaged: true, reason: ext.envKill.reason }, 'env', atMs);
  if (ext.fileKill) return applyKillSwitch(state, { engaged: true, reason: ext.fileKill.reason }, 'file', atMs);
  if (ext.dbKill?.engaged) {
    return {
      ...state,
      killSwitch: { ...ext.dbKill, source: ext.dbKill.source ?? 'db', atMs: ext.dbKill.atMs ?? atMs },
    };
  }
  return state;
}

/** Why new orders may not be placed right now, as a refusal code; null when trading may proceed. */
export function tradingBlockReason(state: ControlState): string | null {
  if (state.killSwitch.engaged) return 'kill_switch_guard';
  if (state.latchedHalts.length > 0) return state.latchedHalts[0].code;
  if (state.paused) return 'paused_guard';
  return null;
}

export function sameControl(a: ControlState, b: ControlState): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
