import type { Migration } from './migrations';

/**
 * Migration 6: the live lane's exchange-side order group (issue 9 "Exchange-side backstops"; docs/reconciliation.md
 * "Order groups"). One row per group the lane created; at most one is `active` or `tripped` at a time.
 *   state            active (entries carry its id) · tripped (the exchange refused an entry: group limit reached;
 *                    order_group_tripped_guard latched) · gone (the exchange no longer knows it; a new one is made)
 *   latch_seen_at_ms when a reconciliation first saw the halt latched in the lane's control state: only after that
 *                    does the halt's absence mean an operator cleared it (then the group is reset)
 */
export const MIGRATION_6_ORDER_GROUPS: Migration = {
  version: 6,
  name: 'order_groups (the live lane exchange-side order group)',
  sql: `
    CREATE TABLE order_groups (
      order_group_id          TEXT PRIMARY KEY,
      contracts_limit_centis  INTEGER NOT NULL CHECK (contracts_limit_centis >= 100),
      state                   TEXT NOT NULL CHECK (state IN ('active', 'tripped', 'gone')),
      created_at_ms           INTEGER NOT NULL,
      tripped_at_ms           INTEGER,
      latch_seen_at_ms        INTEGER,
      reset_count             INTEGER NOT NULL DEFAULT 0,
      updated_at_ms           INTEGER NOT NULL,
      detail                  TEXT
    );
    CREATE UNIQUE INDEX order_groups_one_current ON order_groups ((1)) WHERE state IN ('active', 'tripped');
  `,
};
