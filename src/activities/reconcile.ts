/**
 * The `reconcile` activity (issue 9; docs/reconciliation.md): reads the exchange through the venue, plans with the
 * pure src/domain/reconcile.ts and applies the plan in ONE SQLite transaction (LiveLedgerStore.applyPlan).
 *
 * A failed, partial (page limit) or unreadable remote call makes the run INCOMPLETE: only an incomplete run row is
 * written — no journal row, fill, position, settlement or foreign row changes, nothing is closed, freed or invented
 * (origin B3/B4) — and the in-process gate stays shut for the cycle (`not_reconciled_guard`).
 *
 * The gate: `reconciledThisCycle(firstRunId, cycle)` is true once a complete reconciliation of that cycle succeeded IN
 * THIS WORKER PROCESS (a restarted worker must reconcile again). The live order path checks it before any create.
 */
import type { Logger } from 'pino';
import type { Store } from '../store';
import type { KalshiClient } from '../venues/kalshi';
import { lanePrefix } from '../domain/order-id';
import { planReconciliation, walkMinTs, ReconcilePlan } from '../domain/reconcile';
import { safeErrorMessage } from '../observability/redact';
import type { CrashHook } from '../execution/live-order-crash';
import { syncOrderGroup, type OrderGroupSettings } from '../execution/order-group';
import type { CycleRef } from './types';

export interface ReconcileSummary {
  complete: boolean;
  resolved: number;
  fillsBooked: number;
  settled: number;
  adopted: number;
  foreign: number;
  mismatch: boolean;
  /** Latched reconciliation_mismatch_guard (3 mismatching runs in a row, until an operator clears it). */
  latched?: boolean;
  /** Why an incomplete run was incomplete (scrubbed). */
  reason?: string;
  /** Halts the workflow latches (order_group_tripped_guard); absent in results recorded before order groups. */
  latch?: { code: string; reason: string }[];
  /** The order group's state this cycle (execution.order_group.enabled), e.g. "order group created". */
  orderGroup?: string | null;
}

/** Which (firstRunId, cycle) reconciled completely in this process. One per worker process (see reconciledThisCycle). */
export class ReconciliationGate {
  private readonly done = new Map<string, number>();

  mark(firstRunId: string, cycle: number): void {
    const prev = this.done.get(firstRunId);
    if (prev === undefined || cycle >= prev) this.done.set(firstRunId, cycle);
  }

  /** Close the gate for a cycle (an incomplete run after a complete one in the same cycle shuts it again). */
  revoke(firstRunId: string, cycle: number): void {
    if (this.done.get(firstRunId) === cycle) this.done.delete(firstRunId);
  }

  reconciledThisCycle(firstRunId: string, cycle: number): boolean {
    return this.done.get(firstRunId) === cycle;
  }
}

/**
 * The worker process's gate. "In this worker process" is the contract (issue 9), so this is deliberately process-wide
 * (the one exception to "no module-level mutable state"): a new process starts with it shut.
 */
export const processReconciliationGate = new ReconciliationGate();

/** not_reconciled_guard: may the live order path place anything in this cycle? */
export function reconciledThisCycle(firstRunId: string, cycle: number, gate: ReconciliationGate = processReconciliationGate): boolean {
  return gate.reconciledThisCycle(firstRunId, cycle);
}

export interface ReconcileDeps {
  store: Store;
  venue: Pick<KalshiClient, 'getUserDataTimestamp' | 'listOrders' | 'listFills' | 'getPositions' | 'listSettlements' | 'getBalance' | 'getMarket' | 'getHistoricalCutoff'>
    & Partial<Pick<KalshiClient, 'getOrderGroup' | 'createOrderGroup' | 'resetOrderGroup'>>;
  logger: Logger;
  gate?: ReconciliationGate;
  /** The lane's subaccount, if any. */
  subaccount?: number;
  /** Named crash points (tests, sim only): `during_fill_booking` is hit after each fill booked, before the commit. */
  crashAt?: CrashHook | null;  /** The exchange-side order group (execution.order_group); absent/null or disabled = none. */
  orderGroup?: OrderGroupSettings | null;
}

/** Read everything the plan needs; any throw means incomplete. */
class ReadFailed extends Error {
  constructor(readonly operation: string, cause: unknown) {
    super(`${operation}: ${safeErrorMessage(cause)}`);
    this.name = 'ReadFailed';
  }
}

/** One read; a throw names the operation (the run's reason). */
async function read<T>(operation: string, f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (err) {
    throw new ReadFailed(operation, err);
  }
}

async function readExchange(deps: ReconcileDeps, minTs: number) {
  const v = deps.venue;
  const sub = deps.subaccount;
  // The user-data timestamp first: the walks that follow are at least that fresh (find-order.ts).
  const { asOfTime } = await read('GET /exchange/user_data_timestamp', () => v.getUserDataTimestamp());
  const asOfMsRaw = Date.parse(asOfTime);
  const walked = await read('GET /portfolio/orders', () => v.listOrders({ minTs, limit: 1000, subaccount: sub }));
  // Every resting order, with no min_ts (all pages): a foreign order placed before the lane started still blocks its
  // market and event (the walk above starts 120 s before the lane). Merged by order id; the walk's copy wins.
  const resting = await read('GET /portfolio/orders?status=resting', () => v.listOrders({ status: 'resting', limit: 1000, subaccount: sub }));
  const seen = new Set(walked.map((o) => o.orderId));
  const orders = [...walked, ...resting.filter((o) => !seen.has(o.orderId))];
  const fills = await read('GET /portfolio/fills', () => v.listFills({ minTs, limit: 1000, subaccount: sub }));
  const positions = await read('GET /portfolio/positions', () => v.getPositions({ limit: 1000, subaccount: sub }));
  const settlements = await read('GET /portfolio/settlements', () => v.listSettlements({ minTs, limit: 1000, subaccount: sub }));
  // The historical order cutoff: unreadable → null (no row is concluded "not placed" this run; nothing else depends on it).
  let ordersCutoffMs: number | null = null;
  let cutoffNote: string | null = null;
  try {
    ordersCutoffMs = (await v.getHistoricalCutoff()).ordersUpdatedMs;
  } catch (err) {
    cutoffNote = `GET /historical/cutoff: ${safeErrorMessage(err)}; no unknown row is concluded "not placed" this run`;
  }
  const balance = await read('GET /portfolio/balance', () => v.getBalance(sub !== undefined ? { subaccount: sub } : {}));
  return { asOfTime: Number.isFinite(asOfMsRaw) ? asOfTime : null, asOfMs: Number.isFinite(asOfMsRaw) ? asOfMsRaw : null, orders, fills, positions, settlements, balance, ordersCutoffMs, cutoffNote };
}

export async function reconcileLane(deps: ReconcileDeps, input: Pick<CycleRef, 'firstRunId' | 'cycle' | 'nowMs'>): Promise<ReconcileSummary> {
  const { store, logger } = deps;
  const gate = deps.gate ?? processReconciliationGate;
  const ctx = { firstRunId: input.firstRunId, cycle: input.cycle, atMs: input.nowMs };
  const ledger = store.liveLedger;
  const empty = { resolved: 0, fillsBooked: 0, settled: 0, adopted: 0, foreign: 0, mismatch: false };
  const journal = store.journal.rows();
  const minTs = walkMinTs(ledger.startAtMs() ?? input.nowMs, journal);
  let plan: ReconcilePlan;
  let balanceMicros: number;
  try {
    const x = await readExchange(deps, minTs);
    balanceMicros = x.balance.balance;
    const prefix = lanePrefix(input.firstRunId);
    const journalIds = new Set(journal.map((r) => r.clientOrderId));
    const knownTickers = new Set([...journal.map((r) => r.ticker), ...ledger.positions().map((p) => p.ticker)]);
    // Events of markets the journal does not name (foreign exposure, adoptions): one market read each.
    const eventOf: Record<string, string> = {};
    for (const r of journal) eventOf[r.ticker] = r.eventTicker;
    // An adoption needs its event (else the run is incomplete); a FOREIGN market that cannot be read (e.g. moved to
    // /historical/markets) keeps an unknown event: the ticker itself is blocked and the run stays complete.
    const need = new Set<string>();
    const adopt = new Set<string>();
    for (const o of x.orders) {
      if (knownTickers.has(o.ticker)) continue;
      const lane = o.clientOrderId !== null && o.clientOrderId.startsWith(prefix) && !journalIds.has(o.clientOrderId);
      if (lane) adopt.add(o.ticker);
      if (o.status === 'resting' || lane) need.add(o.ticker);
    }
    for (const p of x.positions.marketPositions) if (p.position !== 0 && !knownTickers.has(p.ticker)) need.add(p.ticker);
    const unreadable: string[] = [];
    for (const t of need) {
      if (t in eventOf) continue;
      if (adopt.has(t)) {
        eventOf[t] = (await read(`GET /markets/${t}`, () => deps.venue.getMarket(t))).eventTicker;
        continue;
      }
      try {
        eventOf[t] = (await deps.venue.getMarket(t)).eventTicker;
      } catch (err) {
        unreadable.push(`foreign market ${t}: GET /markets/${t} failed (${safeErrorMessage(err)}); its event is unknown, the ticker itself is blocked`);
      }
    }
    plan = planReconciliation({
      prefix, journal, orders: x.orders, fills: x.fills, positions: x.positions.marketPositions, settlements: x.settlements,
      asOfMs: x.asOfMs, asOfTime: x.asOfTime, ordersCutoffMs: x.ordersCutoffMs, current: { firstRunId: input.firstRunId, cycle: input.cycle }, balanceMicros, startBalanceMicros: ledger.startBalance(),
      ledgerCashMicros: ledger.cashChange(), bookedFillIds: ledger.bookedFillIds(), ledgerPositions: ledger.positions(),
      settledTickers: ledger.settledTickers(), eventOf, previousMismatches: ledger.previousMismatches(),
    });
    plan.notes.push(...unreadable, ...(x.cutoffNote ? [x.cutoffNote] : []));
    for (const n of unreadable) logger.warn({ cycle: input.cycle }, n);
  } catch (err) {
    const reason = safeErrorMessage(err);
    gate.revoke(input.firstRunId, input.cycle);
    ledger.recordIncomplete(ctx, reason);
    logger.warn({ cycle: input.cycle, reason }, 'reconciliation incomplete: nothing changed locally; no order this cycle (not_reconciled_guard)');
    return { complete: false, ...empty, reason };
  }
  const summary: ReconcileSummary = {
    complete: true,
    // Journal rows that reached a known status this run (the plan holds no resting → resting or unknown → unknown).
    resolved: plan.transitions.filter((t) => t.to !== 'unknown').length,
    fillsBooked: plan.fills.length,
    settled: plan.settlements.length,
    adopted: plan.adoptions.length,
    foreign: plan.foreign.length,
    mismatch: plan.mismatch !== null,
    latched: plan.latch,
  };
  deps.crashAt?.('during_reconciliation');
  store.liveLedger.applyPlan(ctx, plan, { summary: { ...summary }, afterFillBooked: () => deps.crashAt?.('during_fill_booking') });
  gate.mark(input.firstRunId, input.cycle);
  if (deps.orderGroup?.enabled) {
    const v = deps.venue;
    if (!v.getOrderGroup || !v.createOrderGroup || !v.resetOrderGroup) throw new Error('reconcile: execution.order_group.enabled needs a venue with order groups');
    const og = await syncOrderGroup({ getOrderGroup: v.getOrderGroup.bind(v), createOrderGroup: v.createOrderGroup.bind(v), resetOrderGroup: v.resetOrderGroup.bind(v) }, store, deps.orderGroup, input.nowMs, logger);
    summary.orderGroup = og.note;
    if (og.latch.length > 0) summary.latch = og.latch;
  }
  if (plan.pastCutoff.length > 0) {
    logger.warn({ cycle: input.cycle, clientOrderIds: plan.pastCutoff }, 'ALERT: unknown orders first sent before the historical cutoff stay unknown (unknown_order_outcome_guard): look them up in /historical/orders by hand');
  }
  if (plan.mismatch) logger.warn({ cycle: input.cycle, mismatch: plan.mismatch, consecutive: plan.consecutiveMismatches }, 'reconciliation mismatch: new entries blocked (reconciliation_mismatch_guard)');
  return summary;
}
