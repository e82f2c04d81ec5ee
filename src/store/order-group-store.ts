/**
 * The live lane's exchange-side order group (migration 6; docs/reconciliation.md "Order groups"). At most one group is
 * current (`active` or `tripped`); times are exchange-clock ms.
 */
import type { Database } from 'better-sqlite3';

export type OrderGroupState = 'active' | 'tripped' | 'gone';

export interface OrderGroupRow {
  orderGroupId: string;
  contractsLimitCentis: number;
  state: OrderGroupState;
  createdAtMs: number;
  trippedAtMs: number | null;
  latchSeenAtMs: number | null;
  resetCount: number;
  updatedAtMs: number;
  detail: string | null;
}

export class OrderGroupStore {
  constructor(private readonly db: Database) {}

  /** The current group (active or tripped), or null. */
  current(): OrderGroupRow | null {
    const r = this.db.prepare("SELECT * FROM order_groups WHERE state IN ('active', 'tripped')").get() as Record<string, never> | undefined;
    return r ? toRow(r) : null;
  }

  all(): OrderGroupRow[] {
    return (this.db.prepare('SELECT * FROM order_groups ORDER BY created_at_ms, rowid').all() as Record<string, never>[]).map(toRow);
  }

  /** A group the exchange just created (the previous current one, if any, must have been marked gone first). */
  insert(orderGroupId: string, contractsLimitCentis: number, atMs: number): OrderGroupRow {
    this.db.prepare("INSERT INTO order_groups (order_group_id, contracts_limit_centis, state, created_at_ms, updated_at_ms) VALUES (?, ?, 'active', ?, ?)")
      .run(orderGroupId, contractsLimitCentis, atMs, atMs);
    return this.current()!;
  }

  /** The exchange refused an entry of the group (limit reached): tripped until an operator clears the halt. */
  markTripped(orderGroupId: string, atMs: number, detail: string): void {
    this.db.prepare("UPDATE order_groups SET state = 'tripped', tripped_at_ms = COALESCE(tripped_at_ms, ?), updated_at_ms = ?, detail = ? WHERE order_group_id = ? AND state <> 'gone'")
      .run(atMs, atMs, detail, orderGroupId);
  }

  /** A reconciliation saw order_group_tripped_guard latched in the lane's control state. */
  markLatchSeen(orderGroupId: string, atMs: number): void {
    this.db.prepare("UPDATE order_groups SET latch_seen_at_ms = COALESCE(latch_seen_at_ms, ?), updated_at_ms = ? WHERE order_group_id = ? AND state = 'tripped'").run(atMs, atMs, orderGroupId);
  }

  /** The exchange reset the group after the operator cleared the halt: active again. */
  markReset(orderGroupId: string, atMs: number): void {
    this.db.prepare(`UPDATE order_groups SET state = 'active', tripped_at_ms = NULL, latch_seen_at_ms = NULL, reset_count = reset_count + 1,
      updated_at_ms = ?, detail = 'reset after the operator cleared order_group_tripped_guard' WHERE order_group_id = ? AND state = 'tripped'`).run(atMs, orderGroupId);
  }

  /** The exchange no longer knows the group (404) or it was replaced (another limit): never used again. */
  markGone(orderGroupId: string, atMs: number, detail: string): void {
    this.db.prepare("UPDATE order_groups SET state = 'gone', updated_at_ms = ?, detail = ? WHERE order_group_id = ?").run(atMs, detail, orderGroupId);
  }
}

function toRow(r: Record<string, never>): OrderGroupRow {
  return {
    orderGroupId: r.order_group_id, contractsLimitCentis: r.contracts_limit_centis, state: r.state, createdAtMs: r.created_at_ms, trippedAtMs: r.tripped_at_ms,
    latchSeenAtMs: r.latch_seen_at_ms, resetCount: r.reset_count, updatedAtMs: r.updated_at_ms, detail: r.detail,
  };
}
