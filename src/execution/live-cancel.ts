/**
 * Cancelling a live lane's resting orders on the exchange (issue 9 "Exchange-side backstops and stopping";
 * docs/journal.md "Cancels"). Used by the `cancelResting` activity (TTL / before close every live cycle, the kill
 * switch with cancelResting, `stop --cancel-resting`) and by `kalshi-autopilot panic` (no Temporal, no worker).
 *
 *   1. Read the account's resting orders (GET /portfolio/orders?status=resting, the lane's subaccount, every page) and,
 *      for the routine sweep, the close time of each market holding one of the lane's resting orders.
 *   2. planCancels (src/domain/cancel-plan.ts) decides which and why; a foreign order (no lane prefix) is never
 *      touched unless `all` (panic --all).
 *   3. One DELETE /portfolio/events/orders/{order_id} per order (never batched: each answer is read on its own):
 *        200                          → `canceled`; the journal row → canceled, with what filled before the cancel
 *                                       (count − the ack's reduced_by) in its detail. An ack naming another order
 *                                       (a known exchange bug) → `failed`, nothing recorded.
 *        404, 409 market_closed       → `gone`: the order is no longer on the book (canceled, filled, expired or its
 *                                       market closed). Nothing is invented: reconciliation settles the row's truth.
 *        409 trading_is_paused        → `cancel_retry`: an exchange pause refuses cancels; the order stays resting and
 *                                       is retried at the next sweep; logged as an alert-worthy warning.
 *        anything else (5xx, timeout, 429, 401/403, 400, unreadable) → `failed`.
 * Never throws for an exchange answer: the caller decides (the activity fails retryably when something `failed`).
 */
import type { Logger } from 'pino';
import { formatCount } from '../domain/fixed';
import { CancelReason, CancelPlan, isLaneOrder, planCancels, PlannedCancel } from '../domain/cancel-plan';
import { lanePrefix } from '../domain/order-id';
import { isOpenUnknown, lookUpUnknownForCancel } from './cancel-unknown';
import { safeErrorMessage } from '../observability/redact';
import type { JournalStore } from '../store/journal-store';
import { codeMatches, KalshiApiError, KalshiCredentialsRequiredError, type KalshiClient } from '../venues/kalshi';
import type { KalshiOrder } from '../venues/kalshi';

export type CancelResult = 'canceled' | 'gone' | 'cancel_retry' | 'failed';

export interface CancelOrderReport {
  orderId: string;
  clientOrderId: string | null;
  ticker: string;
  why: CancelReason;
  result: CancelResult;
  /** Contracts (centis) filled before the cancel, when the journal knows the count and the ack said what it removed. */
  filledCentis: number | null;
  /** The cancel ack's matching-engine time (ms), when it gave one. */
  tsMs: number | null;
  detail: string;
}

export interface CancelCounts {
  requested: number;
  canceled: number;
  gone: number;
  /** Refused during an exchange pause: still resting, retried at the next sweep. */
  retry: number;
  failed: number;
}

export interface CancelOutcome extends CancelCounts {
  reason: CancelReason;
  /** The lane's resting orders not due yet (routine sweep). */
  kept: number;
  /** Resting orders on the account that are not the lane's, left alone. */
  foreignLeft: number;
  /** Journal rows resting without an exchange order id the cancel could use. */
  noOrderId: string[];
  /** Why the exchange's resting orders could not be listed (the plan then used the journal alone); null = listed. */
  listingError: string | null;
  /**
   * Exchange time of the last cancel that took an order off the book (the ack's ts_ms, else the venue clock when it was
   * sent): panic waits until the user-data timestamp has passed it before sweeping again. null = none did.
   */
  lastCancelAtMs: number | null;
  /** Resting orders of the lane (every order with `all`) the listing showed (0 with a listing error: see listingError). */
  restingListed: number;
  /**
   * kill_switch / stop / panic: journal rows whose outcome is unknown, missing from the resting list, that a lookup by
   * client_order_id could not settle (cancel-unknown.ts). Non-empty = the cancel is NOT complete.
   */
  unresolved: string[];
  results: CancelOrderReport[];
}

export interface CancelDeps {
  venue: Pick<KalshiClient, 'listOrders' | 'cancelOrder' | 'getMarket'> & Partial<Pick<KalshiClient, 'findOrderByClientOrderId'>>;
  /** The lane's journal; null when the DB could not be opened (panic): then only the exchange's list is used. */
  journal: Pick<JournalStore, 'rows' | 'recordOutcome'> | null;
  logger: Logger;
  /** The exchange's clock now (ms). */
  venueNowMs: () => Promise<number>;
  orderTtlSeconds: number;
  cancelBeforeCloseSeconds: number;
  subaccount?: number;
  /** Called after each cancel answer (the activity heartbeats with it). */
  onProgress?: (done: number, of: number) => void;
}

export interface CancelInput {
  reason: CancelReason;
  /** The current workflow's first run id (its prefix counts as the lane's even before the journal holds a row). */
  firstRunId?: string | null;
  /** panic --all. */
  all?: boolean;
  /**
   * Without a journal (panic on a missing DB): count as the lane's any client_order_id of the bot's shape
   * (`ka1<hex>-<cycle>-<index>`), since no first run id is known.
   */
  anyBotPrefix?: boolean;
}

/** `ka1` + 32 hex + `-` (the shape of every lane prefix; used only when no journal says which run ids are the lane's). */
const BOT_ID_SHAPE = /^ka1[0-9a-f]{32}-[0-9a-z]+-[0-9a-z]+$/;

/** The pause refusal (kalshi-api.md §1, §6: a full exchange pause blocks cancels; 409 trading_is_paused). */
export function isPauseRefusal(e: KalshiApiError): boolean {
  return e.status === 409 && (codeMatches(e.code, 'trading_is_paused') || codeMatches(e.code, 'exchange_paused') || codeMatches(e.code, 'trading_paused'));
}

/** The answers that prove the order is no longer on the book. */
export function isGone(e: KalshiApiError): boolean {
  return e.status === 404 || (e.status === 409 && codeMatches(e.code, 'market_closed'));
}

export function emptyCounts(): CancelCounts {
  return { requested: 0, canceled: 0, gone: 0, retry: 0, failed: 0 };
}

export async function cancelResting(d: CancelDeps, input: CancelInput): Promise<CancelOutcome> {
  const journal = d.journal ? d.journal.rows() : [];
  const prefixes = [...new Set([...journal.map((r) => r.firstRunId), ...(input.firstRunId ? [input.firstRunId] : [])])].map(lanePrefix);
  let listed: KalshiOrder[] = [];
  let listingError: string | null = null;
  try {
    listed = await d.venue.listOrders({ status: 'resting', limit: 1000, subaccount: d.subaccount });
  } catch (err) {
    // No credentials: no cancel can work either (the caller reports it; retrying changes nothing).
    if (err instanceof KalshiCredentialsRequiredError) throw err;
    listingError = `GET /portfolio/orders: ${safeErrorMessage(err)}`;
    d.logger.warn({ reason: input.reason, err: listingError }, 'resting orders could not be listed: cancelling from the journal alone');
  }
  const laneLike = (id: string | null) => isLaneOrder(id, prefixes) || (input.anyBotPrefix === true && id !== null && BOT_ID_SHAPE.test(id));
  const exchange = listed.map((o) => ({
    orderId: o.orderId, clientOrderId: o.clientOrderId, ticker: o.ticker, status: o.status, createdAtMs: parseMs(o.createdTime),
  }));
  const nowMs = await d.venueNowMs();
  const closeTimeMs: Record<string, number | null> = {};
  if (input.reason === 'ttl' || input.reason === 'before_close') {
    const tickers = new Set([...journal.filter((r) => r.status === 'resting').map((r) => r.ticker), ...listed.filter((o) => laneLike(o.clientOrderId)).map((o) => o.ticker)]);
    for (const t of tickers) {
      try {
        closeTimeMs[t] = parseMs((await d.venue.getMarket(t)).closeTime);
      } catch (err) {
        closeTimeMs[t] = null; // its orders are due by TTL only this time; their own expiration_time still kills them before the close
        d.logger.warn({ ticker: t, err: safeErrorMessage(err) }, 'market unreadable: its close time is unknown to this cancel sweep');
      }
    }
  }
  const plan: CancelPlan = planCancels({
    reason: input.reason, nowMs, orderTtlSeconds: d.orderTtlSeconds, cancelBeforeCloseSeconds: d.cancelBeforeCloseSeconds, closeTimeMs, journal, exchange,
    prefixes: input.anyBotPrefix ? [...prefixes, ...listed.filter((o) => laneLike(o.clientOrderId)).map((o) => o.clientOrderId!)] : prefixes,
    all: input.all === true,
  });
  // Stopping everything: an unknown row the (lagging) list does not show is looked up, and cancelled if it rests.
  const unresolved: string[] = [];
  if (input.reason !== 'ttl' && input.reason !== 'before_close') {
    const covered = new Set(plan.cancel.map((c) => c.clientOrderId));
    const find = d.venue.findOrderByClientOrderId?.bind(d.venue);
    for (const r of journal) {
      if (!isOpenUnknown(r) || covered.has(r.clientOrderId)) continue;
      const l = await lookUpUnknownForCancel(find ? (q) => find(q) : undefined, r, d.subaccount, d.logger);
      if (l.kind === 'cancel') plan.cancel.push({ orderId: l.orderId, clientOrderId: r.clientOrderId, ticker: r.ticker, why: input.reason, inJournal: true, foreign: false });
      else if (l.kind === 'unresolved') unresolved.push(r.clientOrderId);
    }
    if (unresolved.length > 0) d.logger.warn({ reason: input.reason, clientOrderIds: unresolved, alert: true }, 'ALERT unknown orders could not be looked up: the cancel is not complete (tried again at the next point)');
  }
  const journalIds = new Set(journal.map((r) => r.clientOrderId));
  const restingListed = listed.filter((o) => o.status === 'resting' && (input.all || laneLike(o.clientOrderId) || (o.clientOrderId !== null && journalIds.has(o.clientOrderId)))).length;
  const out: CancelOutcome = {
    reason: input.reason, ...emptyCounts(), kept: plan.kept, foreignLeft: plan.foreignLeft, noOrderId: plan.noOrderId, listingError, lastCancelAtMs: null, restingListed, unresolved, results: [],
  };
  const rowOf = new Map(journal.map((r) => [r.clientOrderId, r]));
  // Each listed order is cancelled in the subaccount it reports (a list without `subaccount` spans every one).
  const subOf = new Map(listed.map((o) => [o.orderId, o.subaccount ?? null]));
  for (const c of plan.cancel) {
    out.requested += 1;
    const sentAt = await d.venueNowMs();
    const row = c.clientOrderId ? rowOf.get(c.clientOrderId) ?? null : null;
    const r = await cancelOne(d, c, row ? { countCentis: row.countCentis, status: row.status } : null, subOf.get(c.orderId) ?? d.subaccount);
    out.results.push(r);
    if (r.result === 'canceled') {
      out.canceled += 1;
      out.lastCancelAtMs = Math.max(out.lastCancelAtMs ?? 0, r.tsMs ?? sentAt);
    }
    else if (r.result === 'gone') out.gone += 1;
    else if (r.result === 'cancel_retry') out.retry += 1;
    else out.failed += 1;
    d.onProgress?.(out.requested, plan.cancel.length);
  }
  if (plan.noOrderId.length > 0) d.logger.warn({ clientOrderIds: plan.noOrderId }, 'resting journal rows without an exchange order id: not cancelled (reconciliation resolves them; their expiration_time still applies)');
  return out;
}

async function cancelOne(d: CancelDeps, c: PlannedCancel, row: { countCentis: number; status: string } | null, subaccount: number | undefined): Promise<CancelOrderReport> {
  const countCentis = row?.countCentis ?? null;
  const base = { orderId: c.orderId, clientOrderId: c.clientOrderId, ticker: c.ticker, why: c.why };
  const res = await d.venue.cancelOrder(c.orderId, subaccount !== undefined ? { subaccount } : {});
  const at = await d.venueNowMs();
  const record = (status: 'canceled' | 'resting', detail: string) => {
    if (!d.journal || !c.inJournal || !c.clientOrderId || !row) return;
    // `gone` only annotates a resting row (resting → resting): an unknown row is never made resting by a 404.
    if (status === 'resting' && row.status !== 'resting') return;
    try {
      d.journal.recordOutcome(c.clientOrderId, status, { atMs: at, exchangeOrderId: c.orderId, detail });
    } catch (err) {
      // A transition the journal refuses (the row moved on meanwhile): the exchange's answer stands; reconciliation settles.
      d.logger.warn({ clientOrderId: c.clientOrderId, err: safeErrorMessage(err) }, 'cancel answered, journal row not updated');
    }
  };
  if (res.outcome === 'ok') {
    if (res.value.orderId !== c.orderId) {
      const detail = `cancel ack names order ${res.value.orderId}, sent ${c.orderId}: outcome unknown, reconciliation settles it`;
      d.logger.error({ ...base, ackOrderId: res.value.orderId }, 'cancel ack describes another order');
      return { ...base, result: 'failed', filledCentis: null, tsMs: null, detail };
    }
    const reduced = res.value.reducedBy;
    const filled = countCentis !== null ? Math.max(0, countCentis - reduced) : null;
    const detail = `canceled (${c.why}): removed ${formatCount(reduced)}${filled !== null ? `, filled before the cancel ${formatCount(filled)} of ${formatCount(countCentis!)}` : ''}`;
    if (reduced > 0) record('canceled', detail);
    d.logger.info({ ...base, reducedBy: reduced, filledCentis: filled }, 'order_canceled');
    return { ...base, result: reduced > 0 ? 'canceled' : 'gone', filledCentis: filled, tsMs: res.value.tsMs, detail };
  }
  const e = res.error;
  if (e instanceof KalshiApiError && (res.outcome === 'rejected' || res.outcome === 'already_exists')) {
    if (isGone(e)) {
      const detail = `cancel (${c.why}) answered ${e.status} ${e.code}: no longer on the book; reconciliation records what became of it`;
      record('resting', detail);
      return { ...base, result: 'gone', filledCentis: null, tsMs: null, detail };
    }
    if (isPauseRefusal(e)) {
      const detail = `cancel (${c.why}) refused during an exchange pause (${e.status} ${e.code}): still resting, retried at the next sweep`;
      d.logger.warn({ ...base, alert: true, code: e.code }, 'ALERT cancel refused during an exchange pause: order left resting (cancel_retry)');
      return { ...base, result: 'cancel_retry', filledCentis: null, tsMs: null, detail };
    }
  }
  const detail = `cancel (${c.why}) ${res.outcome}: ${safeErrorMessage(e)}`;
  d.logger.warn({ ...base, outcome: res.outcome }, 'cancel failed');
  return { ...base, result: 'failed', filledCentis: null, tsMs: null, detail };
}

function parseMs(iso: string | null | undefined): number | null {
  if (!iso) return null;
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? ms : null;
}
