import {
  applyKillSwitch, applyKillSwitchSignal, initialControlState, latchHalt, mergeExternalControl, mergeRestrictive, restrictionsAdded,
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

describe('issue 17: the kill switch fails closed and cancel-resting is OR-ed in', () => {
  const cancelRow = applyKillSwitch(base, { engaged: true, reason: 'kill-switch on --cancel-resting', cancelResting: true }, 'cli', 20);
  const byEnv = mergeExternalControl(base, { envKill: { reason: 'BOT_DISABLE_TRADING=1' }, fileKill: null, db: null }, 5);

  it('item 5: a malformed killSwitch payload engages the switch with the parse error as its reason; a well-formed release releases', () => {
    const bad = applyKillSwitchSignal(base, { engaged: 'true' }, 30);
    expect(bad.error).toBe('killSwitch.engaged: must be true or false');
    expect(bad.state.killSwitch).toEqual({
      engaged: true,
      reason: 'malformed killSwitch signal engages the switch (fail closed): killSwitch.engaged: must be true or false',
      source: 'signal',
      atMs: 30,
      cancelResting: false,
    });
    const none = applyKillSwitchSignal(base, undefined, 31);
    expect(none.error).toBe('killSwitch: expected an object like {"engaged": true}');
    expect(none.state.killSwitch).toMatchObject({ engaged: true, source: 'signal', atMs: 31 });
    // An engaged switch that cancels resting orders keeps doing so after a malformed payload.
    expect(applyKillSwitchSignal(cancelRow, 42, 32).state.killSwitch).toMatchObject({ engaged: true, cancelResting: true });
    // Only a well-formed release releases.
    expect(applyKillSwitchSignal(cancelRow, { engaged: false }, 33)).toEqual({
      state: { ...cancelRow, killSwitch: { engaged: false, reason: null, source: 'signal', atMs: 33, cancelResting: false } },
      error: null,
    });
  });

  it('item 9: mergeRestrictive ORs a DB row\'s cancelResting into a switch the env var already holds', () => {
    expect(byEnv.killSwitch).toEqual({ engaged: true, reason: 'BOT_DISABLE_TRADING=1', source: 'env', atMs: 5, cancelResting: false });
    const merged = mergeRestrictive(byEnv, cancelRow);
    // The env var stays the holder (its reason and source); the cancel request is added, never dropped.
    expect(merged.killSwitch).toEqual({ engaged: true, reason: 'BOT_DISABLE_TRADING=1', source: 'env', atMs: 5, cancelResting: true });
    // Never the other way: a row without the flag does not clear ours.
    expect(mergeRestrictive(merged, byEnv).killSwitch.cancelResting).toBe(true);
  });

  it('item 9: mergeExternalControl keeps the env switch and adds the DB row\'s cancelResting', () => {
    const next = mergeExternalControl(byEnv, { envKill: { reason: 'BOT_DISABLE_TRADING=1' }, fileKill: null, db: cancelRow }, 60);
    expect(next.killSwitch).toEqual({ engaged: true, reason: 'BOT_DISABLE_TRADING=1', source: 'env', atMs: 5, cancelResting: true });
  });

  it('item 9: applyKillSwitch — an engage that does not repeat cancelResting keeps it; only a release ends it', () => {
    const again = applyKillSwitch(cancelRow, { engaged: true, reason: 'engaged again' }, 'signal', 40);
    expect(again.killSwitch).toEqual({ engaged: true, reason: 'engaged again', source: 'signal', atMs: 40, cancelResting: true });
    const released = applyKillSwitch(again, { engaged: false }, 'signal', 41);
    expect(released.killSwitch.cancelResting).toBe(false);
    expect(applyKillSwitch(released, { engaged: true }, 'signal', 42).killSwitch.cancelResting).toBe(false);
  });

  it('item 9: restrictionsAdded reports a cancelResting someone added to an already engaged switch', () => {
    const after = { ...byEnv, killSwitch: { ...byEnv.killSwitch, cancelResting: true } };
    expect(restrictionsAdded(byEnv, after).killSwitch).toEqual({ ...byEnv.killSwitch, cancelResting: true });
    // The workflow adopts it from its write's result (persistControl: mergeRestrictive(control, restrictionsAdded(...))).
    expect(mergeRestrictive(byEnv, restrictionsAdded(byEnv, after)).killSwitch.cancelResting).toBe(true);
    expect(restrictionsAdded(after, after).killSwitch.engaged).toBe(false);
  });
});

describe('exitBlockReason: what stops even a reduce-only exit', () => {
  const { exitBlockReason: ebr, initialControlState: init, latchHalt: latch, setPaused: pause, applyKillSwitch: kill } = require('../../src/domain/control') as typeof import('../../src/domain/control');
  it('entry-only blocks (pause, reduce-only, daily loss) let exits through', () => {
    expect(ebr(init())).toBeNull();
    expect(ebr(pause(init(), true))).toBeNull();
    expect(ebr(latch(latch(init(), 'reduce_only_guard', 'op', 1), 'daily_loss_guard', 'loss', 1, 99))).toBeNull();
  });
  it('the kill switch, an all-orders halt behind an entry-only one, and an unknown halt code block exits', () => {
    expect(ebr(kill(init(), { engaged: true }, 'signal', 1))).toBe('kill_switch_guard');
    expect(ebr(latch(latch(init(), 'daily_loss_guard', 'loss', 1), 'lane_mismatch_guard', 'db', 1))).toBe('lane_mismatch_guard');
    expect(ebr(latch(init(), 'made_up_guard', '?', 1))).toBe('made_up_guard');
  });
});
