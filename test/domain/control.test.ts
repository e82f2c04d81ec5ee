import {
  applyKillSwitch, initialControlState, latchHalt, mergeExternalControl, mergeRestrictive, restrictionsAdded,
  sameControl, setPaused, tradingBlockReason, tryApplyKillSwitch,
} from '../../src/domain/control';

const base = initialControlState();
const engaged = applyKillSwitch(base, { engaged: true, reason: 'cli' }, 'cli', 10);

describe('control state', () => {
  it('merges restrictively: adopts an engaged switch, a pause and halts; never releases', () => {
    const theirs = latchHalt(setPaused(engaged, true), 'daily_loss_guard', 'x', 5);
    const merged = mergeRestrictive(base, theirs);
    expect(merged.killSwitch).toMatchObject({ engaged: true, reason: 'cli', source: 'cli' });
    expect(merged.paused).toBe(true);
    expect(merged.latchedHalts.map((h) => h.code)).toEqual(['daily_loss_guard']);
    // Ours more restrictive than theirs: nothing is released.
    expect(mergeRestrictive(theirs, base)).toEqual(theirs);
  });

  it('restrictionsAdded returns only what someone else added', () => {
    const before = setPaused(base, true);
    const after = latchHalt(applyKillSwitch(before, { engaged: true }, 'cli', 1), 'h', 'r', 1);
    const added = restrictionsAdded(before, after);
    expect(added.killSwitch.engaged).toBe(true);
    expect(added.paused).toBe(false); // already ours
    expect(added.latchedHalts.map((h) => h.code)).toEqual(['h']);
    expect(restrictionsAdded(after, after)).toEqual({ ...initialControlState(), latchedHalts: [] });
  });

  it('external sources only engage; env beats file; status codes per guard', () => {
    const viaEnv = mergeExternalControl(base, { envKill: { reason: 'BOT_DISABLE_TRADING=1' }, fileKill: { reason: 'f' }, db: null }, 7);
    expect(viaEnv.killSwitch).toMatchObject({ engaged: true, source: 'env', reason: 'BOT_DISABLE_TRADING=1', atMs: 7 });
    expect(mergeExternalControl(engaged, { envKill: null, fileKill: null, db: base }, 0)).toEqual(engaged);
    expect(tradingBlockReason(base)).toBeNull();
    expect(tradingBlockReason(setPaused(base, true))).toBe('paused_guard');
    expect(tradingBlockReason(latchHalt(setPaused(base, true), 'daily_loss_guard', 'x', 1))).toBe('daily_loss_guard');
    expect(tradingBlockReason(latchHalt(engaged, 'daily_loss_guard', 'x', 1))).toBe('kill_switch_guard');
  });

  it('a malformed kill-switch command is an error value, never a throw', () => {
    expect(tryApplyKillSwitch(base, { engaged: 'yes' }, 'signal', 1)).toEqual({ ok: false, error: 'killSwitch.engaged: must be true or false' });
    expect(tryApplyKillSwitch(base, undefined, 'signal', 1)).toMatchObject({ ok: false });
    expect(tryApplyKillSwitch(base, { engaged: true, cancelResting: 'no' }, 'signal', 1)).toEqual({ ok: false, error: 'killSwitch.cancelResting: must be true or false' });
  });

  it('sameControl ignores key order', () => {
    const reordered = { latchedHalts: [], paused: false, killSwitch: { cancelResting: false, atMs: null, source: null, reason: null, engaged: false } };
    expect(sameControl(base, reordered as never)).toBe(true);
    expect(sameControl(base, engaged)).toBe(false);
  });
});
