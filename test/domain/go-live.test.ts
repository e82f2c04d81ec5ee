import { judgeBalance, judgeBurnIn, judgeClockSkew, maintenanceWithin } from '../../src/domain/go-live';

const H = 3_600_000;
const T0 = Date.parse('2026-03-02T00:00:00Z');
const cyc = (hStart: number, outcome = 'completed', configHash: string | null = 'abc') => ({ startedAtMs: T0 + hStart * H, finishedAtMs: T0 + hStart * H + 60_000, outcome, configHash });

describe('go-live judgements', () => {
  it('clock skew: within ± tolerance passes, beyond or unknown fails', () => {
    expect(judgeClockSkew(4_999, 5).ok).toBe(true);
    expect(judgeClockSkew(-5_000, 5).ok).toBe(true);
    expect(judgeClockSkew(5_001, 5).ok).toBe(false);
    expect(judgeClockSkew(null, 5).ok).toBe(false);
  });

  it('a maintenance window overlapping the next cycle is found; one after it or before now is not; an unparseable one fails closed', () => {
    const w = { start: '2026-03-02T03:00:00Z', end: '2026-03-02T05:00:00Z' };
    expect(maintenanceWithin([w], T0, T0 + 3 * H + 1)).toEqual(w);
    expect(maintenanceWithin([w], T0, T0 + 3 * H)).toBeNull();
    expect(maintenanceWithin([w], T0 + 5 * H, T0 + 6 * H)).toBeNull();
    expect(maintenanceWithin([w], T0 + 4 * H, T0 + 4 * H + 1)).toEqual(w);
    expect(maintenanceWithin([{ start: 'soon', end: 'later' }], T0, T0 + H)).not.toBeNull();
  });

  it('balance ≥ bankroll, to the micro-dollar', () => {
    expect(judgeBalance(500_000_000, 500_000_000).ok).toBe(true);
    expect(judgeBalance(499_999_999, 500_000_000).ok).toBe(false);
  });

  it('burn-in: the trailing run of the wanted hash must span the hours, its last cycles clean', () => {
    expect(judgeBurnIn([cyc(0), cyc(12), cyc(24)], 'abc', 24).ok).toBe(true);
    expect(judgeBurnIn([cyc(0), cyc(12), cyc(23)], 'abc', 24).ok).toBe(false);
    // A cycle of another config in between restarts the burn-in.
    expect(judgeBurnIn([cyc(0), cyc(6, 'completed', 'other'), cyc(12), cyc(25)], 'abc', 24).ok).toBe(false);
    // The latest cycle of another config: no burn-in of this one.
    expect(judgeBurnIn([cyc(0), cyc(25), cyc(26, 'completed', 'other')], 'abc', 24).detail).toMatch(/last cycle ran config other/);
    // An error among the last three fails; an older one does not.
    expect(judgeBurnIn([cyc(0), cyc(10), cyc(20), cyc(24, 'error:Timeout')], 'abc', 24).ok).toBe(false);
    expect(judgeBurnIn([cyc(0, 'error:Timeout'), cyc(10), cyc(20), cyc(24)], 'abc', 24).ok).toBe(true);
    expect(judgeBurnIn([], 'abc', 0).ok).toBe(true);
    expect(judgeBurnIn([cyc(0, 'completed', null), cyc(30, 'completed', null)], 'abc', 24).ok).toBe(false);
  });
});
