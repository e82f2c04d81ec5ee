import type { Migration } from './migrations';

/**
 * Migration 8: each cycle row records the config hash of the workflow that ran it, so `preflight` can prove a dry-run
 * burn-in ran the exact live config (docs/deploy.md "Burn-in"). Rows of earlier cycles keep NULL (unrecorded).
 */
export const MIGRATION_8_CYCLE_CONFIG: Migration = {
  version: 8,
  name: 'cycles.config_hash (burn-in proof for preflight)',
  sql: `
    ALTER TABLE cycles ADD COLUMN config_hash TEXT;
  `,
};
