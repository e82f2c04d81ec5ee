/**
 * The live order path's contracts and small pure helpers (live-order.ts is the path itself): what execute passes in
 * and gets back, the venue clock accessor, and what a journal row says about an order (its code, index, expiration).
 */
import { REASON } from '../domain/reason-codes';
import type { OrderIntent } from '../domain/trading-types';
import type { JournalRow } from '../store/journal-store';
import type { TradingDeps } from '../activities/trading-deps';

export interface LiveOrder {
  clientOrderId: string;
  intent: OrderIntent;
}

export interface LiveExecuteInput {
  cycle: number;
  firstRunId: string;
  /** The workflow's clock when the intents were decided (stale_intent_guard measures from it). */
  nowMs: number;
  scanId: number;
  orders: LiveOrder[];
}

export interface LiveOrderReport {
  clientOrderId: string;
  ticker: string;
  /** The journal status after this call (null: refused before any journal row). */
  status: JournalRow['status'] | null;
  code: string | null;
  detail: string;
}

export interface LiveExecuteOutcome {
  placed: number;
  filledCentis: number;
  fills: number;
  skipped: Record<string, number>;
  refused: { clientOrderId: string; ticker: string; code: string; detail: string }[];
  orders: LiveOrderReport[];
  /**
   * Halts the workflow latches after this call (like decide's): `idempotency_conflict_guard` when a journal insert
   * found its client_order_id holding another order. Cleared only by an operator's `clear-halt`.
   */
  latch: { code: string; reason: string }[];
}

/** A refusal the exchange answered (400/403/404/409/410, 401/429): the order was not placed. */
export const REJECTED_CODE = REASON.order_rejected_guard;
export const PLACED: ReadonlySet<string> = new Set(['resting', 'executed', 'canceled']);

/** The venue clock: the port (sim: the simulator's clock; demo/prod: skew-corrected wall time), else wall time. */
export function venueNow(t: TradingDeps): Promise<number> {
  return t.venueNowMs ? t.venueNowMs() : Promise.resolve(Date.now());
}

export function codeOf(row: JournalRow): string | null {
  if (row.status === 'skipped') return row.skipCode;
  if (row.status === 'unknown' || row.status === 'pending_submit') return REASON.unknown_order_outcome_guard;
  if (row.status === 'rejected') return REJECTED_CODE;
  return null;
}

/** The intent's index from its client_order_id (`…-<cycle36>-<index36>`). */
export function indexOf(clientOrderId: string): number {
  const n = parseInt(clientOrderId.slice(clientOrderId.lastIndexOf('-') + 1), 36);
  return Number.isSafeInteger(n) && n >= 0 ? n : 0;
}

export function expirationOf(body: string): number {
  try {
    const e = (JSON.parse(body) as { expiration_time?: unknown }).expiration_time;
    return typeof e === 'number' ? e : Number.MAX_SAFE_INTEGER;
  } catch {
    return Number.MAX_SAFE_INTEGER;
  }
}
