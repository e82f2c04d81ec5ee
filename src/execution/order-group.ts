/**
 * The live lane's exchange-side order group, read each cycle by reconciliation (issue 9 "Exchange-side backstops";
 * docs/reconciliation.md "Order groups"). Enabled by `execution.order_group.enabled` (default false).
 *
 *   no current group             → POST /portfolio/order_groups/create with the derived contracts limit
 *   current group                → GET /portfolio/order_groups/{id}: 404 → gone (a new one next); another limit
 *                                  (config changed) → gone, a new one now
 *   tripped, halt latched        → the latch is noted as seen; entries stay refused
 *   tripped, halt cleared        → (only after the latch was seen) PUT …/reset: the operator's clear-halt resets it
 *   tripped, latch never seen    → the halt is latched again (a crash lost it between the trip and the workflow)
 *
 * The trip itself is found by the order path: a create refused with 409 `order_group_limit_reached` (the simulator's
 * guess of Kalshi's semantics: kalshi-api.md does not document order groups beyond their endpoints). A read or write
 * that fails changes nothing locally.
 */
import type { Logger } from 'pino';
import { REASON } from '../domain/reason-codes';
import { safeErrorMessage } from '../observability/redact';
import type { Store } from '../store';
import type { KalshiClient } from '../venues/kalshi';

export interface OrderGroupSettings {
  enabled: boolean;
  contractsLimitCentis: number;
  /** The lane's subaccount (venues.kalshi.subaccount): the group is created there, beside the lane's orders. */
  subaccount?: number;
}

export interface OrderGroupSync {
  /** The group new entries carry (null: none usable now). */
  orderGroupId: string | null;
  latch: { code: string; reason: string }[];
  note: string | null;
}

type Venue = Pick<KalshiClient, 'getOrderGroup' | 'createOrderGroup' | 'resetOrderGroup'>;

function status404(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { status?: unknown }).status === 404;
}

export async function syncOrderGroup(venue: Venue, store: Store, s: OrderGroupSettings, atMs: number, logger: Logger): Promise<OrderGroupSync> {
  const none = (note: string | null, latch: OrderGroupSync['latch'] = []): OrderGroupSync => ({ orderGroupId: null, latch, note });
  if (!s.enabled) return none(null);
  const groups = store.orderGroups;
  let cur = groups.current();
  if (cur) {
    const c = cur;
    try {
      const g = await venue.getOrderGroup(c.orderGroupId);
      if (g.contractsLimit !== null && g.contractsLimit !== c.contractsLimitCentis && c.state === 'active') {
        groups.markGone(c.orderGroupId, atMs, `replaced: the exchange's limit ${g.contractsLimit} ≠ the configured ${s.contractsLimitCentis} centis`);
        cur = null;
      } else if (c.state === 'active' && c.contractsLimitCentis !== s.contractsLimitCentis) {
        groups.markGone(c.orderGroupId, atMs, `replaced: the configured limit changed to ${s.contractsLimitCentis} centis`);
        cur = null;
      }
    } catch (err) {
      if (!status404(err)) {
        logger.warn({ orderGroupId: c.orderGroupId, err: safeErrorMessage(err) }, 'order group unreadable: nothing changed');
        return { orderGroupId: c.state === 'active' ? c.orderGroupId : null, latch: [], note: `order group unreadable: ${safeErrorMessage(err)}` };
      }
      groups.markGone(c.orderGroupId, atMs, 'the exchange no longer knows the group (404)');
      cur = null;
    }
  }
  if (cur?.state === 'tripped') {
    const halted = (store.control.read()?.latchedHalts ?? []).some((h) => h.code === REASON.order_group_tripped_guard);
    if (halted) {
      groups.markLatchSeen(cur.orderGroupId, atMs);
      return none('order group tripped: entries refused until an operator clears order_group_tripped_guard');
    }
    if (cur.latchSeenAtMs === null) {
      return none('order group tripped; the halt was not latched yet', [{ code: REASON.order_group_tripped_guard, reason: cur.detail ?? `order group ${cur.orderGroupId} tripped` }]);
    }
    const r = await venue.resetOrderGroup(cur.orderGroupId);
    if (r.outcome !== 'ok') {
      logger.warn({ orderGroupId: cur.orderGroupId, err: r.error.message }, 'order group reset failed: entries stay without the group');
      return none(`order group reset failed (${r.outcome}): retried next cycle`);
    }
    groups.markReset(cur.orderGroupId, atMs);
    logger.info({ orderGroupId: cur.orderGroupId }, 'order group reset after the operator cleared order_group_tripped_guard');
    return { orderGroupId: cur.orderGroupId, latch: [], note: 'order group reset' };
  }
  if (cur) return { orderGroupId: cur.orderGroupId, latch: [], note: null };
  const made = await venue.createOrderGroup({ contractsLimit: s.contractsLimitCentis, ...(s.subaccount !== undefined ? { subaccount: s.subaccount } : {}) });
  if (made.outcome !== 'ok') {
    logger.warn({ err: made.error.message }, 'order group not created: entries go without one this cycle');
    return none(`order group not created (${made.outcome}): retried next cycle`);
  }
  groups.insert(made.value.orderGroupId, s.contractsLimitCentis, atMs);
  return { orderGroupId: made.value.orderGroupId, latch: [], note: 'order group created' };
}
