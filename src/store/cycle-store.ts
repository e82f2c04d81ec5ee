import type { Database } from 'better-sqlite3';

export interface CycleKey {
  lane: string;
  firstRunId: string;
  cycle: number;
}

export interface CycleRecord extends CycleKey {
  runId: string;
  startedAtMs: number;
  finishedAtMs: number | null;
  outcome: string;
  summary: Record<string, unknown>;
  /** The config hash of the workflow that ran the cycle (migration 8); null for rows recorded before it. */
  configHash: string | null;
}

/** One row per trading cycle. Writes are idempotent per (lane, first run id, cycle): an activity retry is harmless. */
export class CycleStore {
  constructor(private readonly db: Database) {}

  begin(key: CycleKey, runId: string, startedAtMs: number, configHash: string | null = null): void {
    this.db
      .prepare(
        `INSERT INTO cycles (lane, first_run_id, cycle, run_id, started_at_ms, outcome, config_hash)
         VALUES (?, ?, ?, ?, ?, 'running', ?)
         ON CONFLICT(lane, first_run_id, cycle) DO NOTHING`,
      )
      .run(key.lane, key.firstRunId, key.cycle, runId, startedAtMs, configHash);
  }

  /** Record the end of a cycle; also records a cycle whose begin was never written (its begin activity failed). */
  finish(
    key: CycleKey, runId: string, startedAtMs: number, finishedAtMs: number, outcome: string, summary: Record<string, unknown>,
    configHash: string | null = null,
  ): void {
    this.db
      .prepare(
        `INSERT INTO cycles (lane, first_run_id, cycle, run_id, started_at_ms, finished_at_ms, outcome, summary_json, config_hash)
         VALUES (@lane, @firstRunId, @cycle, @runId, @startedAtMs, @finishedAtMs, @outcome, @summary, @configHash)
         ON CONFLICT(lane, first_run_id, cycle) DO UPDATE SET
           finished_at_ms = @finishedAtMs, outcome = @outcome, summary_json = @summary,
           config_hash = COALESCE(@configHash, config_hash)`,
      )
      .run({ ...key, runId, startedAtMs, finishedAtMs, outcome, summary: JSON.stringify(summary), configHash });
  }

  /** Every cycle of a lane, oldest first: started, finished, outcome and config hash only (burn-in, reports). */
  timeline(lane: string): { startedAtMs: number; finishedAtMs: number | null; outcome: string; configHash: string | null }[] {
    return (this.db
      .prepare('SELECT started_at_ms, finished_at_ms, outcome, config_hash FROM cycles WHERE lane = ? ORDER BY started_at_ms, cycle')
      .all(lane) as Record<string, unknown>[]).map((r) => ({
      startedAtMs: r.started_at_ms as number,
      finishedAtMs: (r.finished_at_ms as number | null) ?? null,
      outcome: r.outcome as string,
      configHash: (r.config_hash as string | null) ?? null,
    }));
  }

  get(key: CycleKey): CycleRecord | null {
    const r = this.db
      .prepare('SELECT * FROM cycles WHERE lane = ? AND first_run_id = ? AND cycle = ?')
      .get(key.lane, key.firstRunId, key.cycle) as Record<string, unknown> | undefined;
    return r ? toRecord(r) : null;
  }

  latest(lane: string, limit = 10): CycleRecord[] {
    return (
      this.db
        .prepare('SELECT * FROM cycles WHERE lane = ? ORDER BY started_at_ms DESC, cycle DESC LIMIT ?')
        .all(lane, limit) as Record<string, unknown>[]
    ).map(toRecord);
  }

  count(lane: string, firstRunId?: string): number {
    const r = (firstRunId
      ? this.db.prepare('SELECT COUNT(*) AS n FROM cycles WHERE lane = ? AND first_run_id = ?').get(lane, firstRunId)
      : this.db.prepare('SELECT COUNT(*) AS n FROM cycles WHERE lane = ?').get(lane)) as { n: number };
    return r.n;
  }
}

function toRecord(r: Record<string, unknown>): CycleRecord {
  return {
    lane: r.lane as string,
    firstRunId: r.first_run_id as string,
    cycle: r.cycle as number,
    runId: r.run_id as string,
    startedAtMs: r.started_at_ms as number,
    finishedAtMs: (r.finished_at_ms as number | null) ?? null,
    outcome: r.outcome as string,
    summary: JSON.parse((r.summary_json as string) || '{}') as Record<string, unknown>,
    configHash: (r.config_hash as string | null | undefined) ?? null,
  };
}
