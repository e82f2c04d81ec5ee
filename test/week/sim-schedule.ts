/**
 * Events at simulator times: the simulator's clock only moves when the worker's clock adapter moves it
 * (POST /__sim/clock → core.advanceTo), so each due event runs inside that move, with the market clock set to the
 * event's own time first — exact exchange times, whatever wall time the time-skipping server takes.
 */
import type { SimHandle } from '../../src/sim';

export class SimSchedule {
  private items: Array<{ atMs: number; fn: () => void; done: boolean }> = [];

  constructor(sim: SimHandle) {
    const core = sim.core;
    const orig = core.advanceTo.bind(core);
    core.advanceTo = (ms: number) => {
      for (;;) {
        const due = this.items.filter((i) => !i.done && i.atMs <= ms).sort((a, b) => a.atMs - b.atMs)[0];
        if (!due) break;
        due.done = true;
        orig(due.atMs);
        due.fn();
      }
      return orig(ms);
    };
  }

  at(atMs: number, fn: () => void): void {
    this.items.push({ atMs, fn, done: false });
  }
}
