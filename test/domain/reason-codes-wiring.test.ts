/** The control state speaks the registry's codes: what blocks trading, and halts read back from the lane DB. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { applyKillSwitch, initialControlState, latchHalt, setPaused, tradingBlockReason } from '../../src/domain/control';
import { isReasonCode, REASON } from '../../src/domain/reason-codes';
import { openStore } from '../../src/store';

function withStore<T>(fn: (s: ReturnType<typeof openStore>) => T): T {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kap-rc-store-'));
  const store = openStore({ path: path.join(dir, 'lane.sqlite'), mode: 'dry-run', env: 'sim' });
  try {
    return fn(store);
  } finally {
    store.close();
  }
}

describe('tradingBlockReason', () => {
  it('returns registered codes only', () => {
    const base = initialControlState();
    expect(tradingBlockReason(base)).toBeNull();
    expect(tradingBlockReason(setPaused(base, true))).toBe(REASON.paused_guard);
    expect(tradingBlockReason(applyKillSwitch(base, { engaged: true }, 'cli', 1))).toBe(REASON.kill_switch_guard);
    expect(tradingBlockReason(latchHalt(base, 'daily_loss_guard', 'x', 1))).toBe('daily_loss_guard');
    // A halt latched under the old spelling is reported under its registered name.
    const legacy = tradingBlockReason(latchHalt(base, 'control_state_corrupt', 'x', 1));
    expect(legacy).toBe('control_state_corrupt_guard');
    expect(isReasonCode(legacy)).toBe(true);
  });
});

describe('ControlStore halts', () => {
  it('a corrupt halts column reads back as a control_state_corrupt_guard halt', () =>
    withStore((store) => {
      store.control.write(initialControlState(), 1000, 'test');
      store.db.prepare("UPDATE control_state SET latched_halts_json = '{not json' WHERE id = 1").run();
      const halts = store.control.read()!.latchedHalts;
      expect(halts.map((h) => h.code)).toEqual(['control_state_corrupt_guard']);
      expect(tradingBlockReason(store.control.readOrInitial())).toBe('control_state_corrupt_guard');
    }));

  it('a halt stored under the old control_state_corrupt spelling is read as control_state_corrupt_guard', () =>
    withStore((store) => {
      const old = { ...initialControlState(), latchedHalts: [{ code: 'control_state_corrupt', reason: 'r', atMs: 5 }, { code: 'daily_loss_guard', reason: 'd', atMs: 6 }] };
      store.control.write(old, 1000, 'test');
      expect(store.control.read()!.latchedHalts).toEqual([
        { code: 'control_state_corrupt_guard', reason: 'r', atMs: 5 },
        { code: 'daily_loss_guard', reason: 'd', atMs: 6 },
      ]);
    }));
});
