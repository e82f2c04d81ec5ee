/**
 * Sim-only clock adapter: lets a workflow's logical clock drive the simulator's market clock in time-skipped tests.
 * It calls the admin endpoint POST /__sim/clock {"nowMs": N} (the simulator must run with admin on), which only
 * moves the clock forward: an earlier N is ignored and answered 200 with the simulator's current time. Never for a
 * real venue: the adapter refuses a root URL that is not loopback.
 */
export interface SimClockAdapter {
  /** Move the simulator's clock forward to `nowMs` (ignored if earlier); resolves to the simulator's now. */
  advanceTo(nowMs: number): Promise<{ nowMs: number; moved: boolean }>;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

export function simClockAdapter(rootUrl: string, fetchImpl: typeof fetch = fetch): SimClockAdapter {
  const url = new URL('/__sim/clock', rootUrl);
  if (!LOOPBACK.has(url.hostname)) throw new Error(`simClockAdapter: the simulator runs on loopback only (got host ${url.hostname})`);
  return {
    async advanceTo(nowMs: number) {
      if (!Number.isSafeInteger(nowMs) || nowMs < 0) throw new RangeError(`simClockAdapter: nowMs must be a non-negative integer of ms (got ${nowMs})`);
      const r = await fetchImpl(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ nowMs }) });
      const text = await r.text();
      if (r.status !== 200) throw new Error(`simClockAdapter: POST /__sim/clock answered ${r.status} (is the simulator's admin API on?): ${text.slice(0, 200)}`);
      const body = JSON.parse(text) as { now_ms: number; moved: boolean };
      return { nowMs: body.now_ms, moved: body.moved };
    },
  };
}
