/**
 * The week's criteria S1–S5 (docs/week-proof.md): S2–S5 from the simulator's record (src/sim/judge.ts) with the lane
 * DB's ledger for S5's last part; S1 from what the harness saw (every cycle completed, no unplanned worker exit, stdin
 * never written). The blocking windows of S4 are the kill-switch drill's signal times and the daily-loss halt the
 * lane latched (from its control events), each allowing the one cycle already in flight.
 */
import BetterSqlite3 from 'better-sqlite3';
import { judgeHistory, type BlockWindow, type LedgerView, type Verdict } from '../../src/sim/judge';
import type { SimHandle } from '../../src/sim';
import { openStore } from '../../src/store';
import type { RunContext } from '../../src/config/run-context';
import type { TradingCycleResult } from '../../src/workflows/definitions';

export type Criteria = Record<'S1' | 'S2' | 'S3' | 'S4' | 'S5', Verdict>;

interface CycleRow { cycle: number; first_run_id: string; started_at_ms: number; finished_at_ms: number | null; outcome: string }

export interface WeekJudgeInput {
  sim: SimHandle;
  accountId: string;
  dbPath: string;
  config: RunContext;
  maxCycles: number;
  result: TradingCycleResult | null;
  kills: number;
  plannedKills: number;
  unplannedExits: number;
  killSwitch: { onMs: number; offMs: number; signalled: string[] } | null;
  /** Set when the run made no progress (with the server's view of the workflow). */
  stalled?: string | null;
}

function rows<T>(dbPath: string, sql: string, ...params: unknown[]): T[] {
  const db = new BetterSqlite3(dbPath, { readonly: true });
  try {
    return db.prepare(sql).all(...params) as T[];
  } finally {
    db.close();
  }
}

/** The cycle running at `ms` (started at or before it), if any. */
function cycleAt(cycles: CycleRow[], ms: number): number[] {
  const c = cycles.filter((x) => x.started_at_ms <= ms).pop();
  return c ? [c.cycle] : [];
}

/**
 * The cycle in flight when the harness sent a signal scheduled at simulator time `ms`: the schedule fires inside the
 * clock move of the first cycle starting at or after `ms` (its scan moves the simulator there), so that cycle was
 * running; a cycle still running at `ms` (logical time) counts too.
 */
function inFlightAt(cycles: CycleRow[], ms: number): number[] {
  const running = cycles.filter((x) => x.started_at_ms <= ms && (x.finished_at_ms === null || x.finished_at_ms >= ms)).map((x) => x.cycle);
  const mover = cycles.find((x) => x.started_at_ms >= ms);
  return [...new Set([...running, ...(mover ? [mover.cycle] : [])])];
}

function cyclesOf(dbPath: string): CycleRow[] {
  return rows<CycleRow>(dbPath, 'SELECT cycle, first_run_id, started_at_ms, finished_at_ms, outcome FROM cycles ORDER BY started_at_ms, cycle');
}

/**
 * The lane DB's ledger as of its last complete reconciliation (null if none), for S5's comparison with the
 * simulator's record (also used by npm run drill, test/week/drill.ts). The lane DB must not be held by a worker.
 */
export function laneLedgerView(dbPath: string): LedgerView | null {
  const store = openStore({ path: dbPath, mode: 'live', env: 'sim' });
  try {
    return ledgerOf(store, dbPath, cyclesOf(dbPath));
  } finally {
    store.close();
  }
}

function ledgerOf(store: ReturnType<typeof openStore>, dbPath: string, cycles: CycleRow[]): LedgerView | null {
  const last = store.liveLedger.lastCompleteRun();
  if (!last) return null;
  // The exchange as that run read it: the simulator's clock was where the previous cycle's scan had moved it.
  const before = cycles.filter((c) => c.started_at_ms < last.atMs).pop();
  return {
    asOfMs: before ? before.started_at_ms : last.atMs - 1,
    fills: store.liveLedger.fills(),
    settlements: rows<{ ticker: string; revenue_micros: number }>(dbPath, 'SELECT ticker, revenue_micros FROM live_settlements').map((r) => ({ ticker: r.ticker, revenueMicros: r.revenue_micros })),
    positions: store.liveLedger.positions().filter((p) => !p.settled),
    cashChangeMicros: store.liveLedger.cashChange(),
  };
}

export function judgeWeek(i: WeekJudgeInput): Criteria {
  const cycles = cyclesOf(i.dbPath);
  const store = openStore({ path: i.dbPath, mode: 'live', env: 'sim' });
  let ledger: LedgerView | null = null;
  let halt: { atMs: number; expiresAtMs: number } | null = null;
  try {
    ledger = ledgerOf(store, i.dbPath, cycles);
    for (const e of store.control.events()) {
      const h = (e.detail.latchedHalts as Array<{ code: string; atMs: number; expiresAtMs?: number | null }> | undefined)?.find((x) => x.code === 'daily_loss_guard');
      if (h && typeof h.expiresAtMs === 'number' && !halt) halt = { atMs: h.atMs, expiresAtMs: h.expiresAtMs };
    }
  } finally {
    store.close();
  }
  const windows: BlockWindow[] = [];
  if (i.killSwitch) windows.push({ name: 'kill_switch', fromMs: i.killSwitch.onMs, toMs: i.killSwitch.offMs, allowCycles: inFlightAt(cycles, i.killSwitch.onMs) });
  if (halt) windows.push({ name: 'daily_loss_guard', fromMs: halt.atMs, toMs: halt.expiresAtMs, allowCycles: cycleAt(cycles, halt.atMs) });
  const risk = i.config.config.risk;
  const v = judgeHistory({
    history: i.sim.history(i.accountId), accountId: i.accountId,
    scope: { seriesTickers: [...i.config.scope.seriesTickers], eventTickers: [...i.config.scope.eventTickers], marketIds: [...i.config.scope.marketIds] },
    caps: {
      maxOrdersPerCycle: risk.max_orders_per_cycle, maxNotionalPerCycleMicros: Math.round(risk.max_notional_per_cycle * 1_000_000),
      maxPositions: risk.max_positions, maxTradesPerMarketPerDay: risk.max_trades_per_market_per_day,
    },
    windows, ledger,
  });

  const s1: string[] = [];
  const errors = cycles.filter((c) => c.outcome.startsWith('error'));
  if (i.stalled) s1.push(`stalled: ${i.stalled}`);
  if (!i.result) s1.push('the workflow did not complete');
  else if (i.result.cycles !== i.maxCycles) s1.push(`${i.result.cycles} of ${i.maxCycles} cycles`);
  if (cycles.length !== i.maxCycles) s1.push(`${cycles.length} cycle rows in the lane DB, expected ${i.maxCycles}`);
  for (const c of errors.slice(0, 5)) s1.push(`cycle ${c.cycle}: ${c.outcome}`);
  if (i.unplannedExits > 0) s1.push(`${i.unplannedExits} unplanned worker exits`);
  const s1v: Verdict = {
    pass: s1.length === 0, violations: s1,
    evidence: { cycles: cycles.length, errorCycles: errors.length, outcomes: countBy(cycles.map((c) => c.outcome.split(':')[0] === 'skipped' ? c.outcome : c.outcome.split(':')[0])), unplannedExits: i.unplannedExits, stdin: 'an open pipe, never written' },
  };
  // S4 adds what the record cannot know: the drills happened (the switch was signalled; a halt latched after the drop).
  const s4 = [...v.S4.violations];
  if (i.killSwitch && !(i.killSwitch.signalled.includes('on') && i.killSwitch.signalled.includes('off'))) s4.push(`kill-switch drill not completed: ${JSON.stringify(i.killSwitch.signalled)}`);
  const heldUntil = halt ? cycles.filter((c) => c.started_at_ms > halt!.atMs && c.started_at_ms < halt!.expiresAtMs) : [];
  const notHeld = heldUntil.filter((c) => c.outcome !== 'skipped:daily_loss_guard' && c.outcome !== 'skipped:kill_switch_guard');
  for (const c of notHeld.slice(0, 5)) s4.push(`cycle ${c.cycle} ran during the daily-loss halt: ${c.outcome}`);
  // S5 needs the kills it planned: a restart that was never exercised proves nothing.
  const s5 = [...v.S5.violations];
  if (i.kills < i.plannedKills) s5.push(`${i.kills} of ${i.plannedKills} planned worker kills happened`);
  if (!ledger) s5.push('no complete reconciliation in the lane DB: the ledger could not be compared');
  return {
    S1: s1v,
    S2: v.S2,
    S3: v.S3,
    S4: { pass: s4.length === 0, violations: s4, evidence: { ...v.S4.evidence, dailyLossHalt: halt ? { at: new Date(halt.atMs).toISOString(), expires: new Date(halt.expiresAtMs).toISOString(), cyclesHeld: heldUntil.length } : null } },
    S5: { pass: s5.length === 0, violations: s5, evidence: { ...v.S5.evidence, kills: `${i.kills}/${i.plannedKills}` } },
  };
}

function countBy(xs: string[]): Record<string, number> {
  const o: Record<string, number> = {};
  for (const x of xs) o[x] = (o[x] ?? 0) + 1;
  return o;
}
