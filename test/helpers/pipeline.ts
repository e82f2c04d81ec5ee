/**
 * Small helpers for workflow tests of the trading pipeline (scope and risk-guard suites): a simulator whose market
 * clock starts at the time-skipping server's logical "now" (so earlier tests that skipped days never leave its markets
 * closed), starting a lane's workflow, and reading the lane DB's records (cycles, paper orders, decisions) — the
 * records a test judges by, never only the bot's return values.
 */
import BetterSqlite3 from 'better-sqlite3';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { bundleWorkflowCode } from '@temporalio/worker';
import type { Duration } from '@temporalio/common';
import type { SimHandle } from '../../src/sim';
import { WORKFLOW_TYPE, type TradingCycleInput } from '../../src/workflows/definitions';
import { startTestSim, type SimStartOptions } from './trading';

export const quietBundlerLogger = {
  trace() {}, debug() {}, info() {}, warn() {}, error: console.error, log() {},
} as unknown as Parameters<typeof bundleWorkflowCode>[0]['logger'];

/** A fresh simulator (default scenario unless given) whose manual clock starts a minute before the env's logical now. */
export async function freshSim(env: TestWorkflowEnvironment, opts: SimStartOptions = {}): Promise<SimHandle> {
  const now = await env.currentTimeMs();
  return startTestSim({ clock: { mode: 'manual', startMs: now - 60_000 }, ...opts });
}

/**
 * Wait, skipping time in small steps, until the workflow is no longer running. Use this instead of `handle.result()`:
 * on the time-skipping test server, `result()` of a workflow that completes makes the server's clock jump ~10 years
 * past the workflow's start (observed with temporal-test-server here), which leaves any simulator started earlier
 * (forward-only market clock) with every market long closed.
 */
export async function untilClosed(env: TestWorkflowEnvironment, h: { describe(): Promise<{ status: { name: string } }> }, step: Duration = '1 second', maxSteps = 600): Promise<string> {
  for (let i = 0; i < maxSteps; i += 1) {
    const status = (await h.describe()).status.name;
    if (status !== 'RUNNING') return status;
    await env.sleep(step);
  }
  throw new Error(`the workflow still runs after ${maxSteps} × ${step}`);
}

export function startLane(env: TestWorkflowEnvironment, input: TradingCycleInput, workflowId = input.lane.lane) {
  return env.client.workflow.start(WORKFLOW_TYPE, { taskQueue: input.lane.lane, workflowId, args: [input] });
}

/** Terminate a workflow if it still runs (a failed assertion must never leave one blocking time skipping). */
export async function terminateQuietly(h: { terminate(reason?: string): Promise<unknown> } | null | undefined): Promise<void> {
  if (!h) return;
  try {
    await h.terminate('test cleanup');
  } catch {
    // already closed
  }
}

function readDb<T>(dbPath: string, fn: (db: BetterSqlite3.Database) => T): T {
  const db = new BetterSqlite3(dbPath, { readonly: true });
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

export interface CycleRow {
  cycle: number;
  outcome: string;
  runId: string;
  startedAtMs: number;
  summary: Record<string, unknown> & { skipped?: Record<string, number>; failedStage?: string | null };
}

/** Every cycle row of the lane DB (any mode), in cycle order. */
export function cycleRows(dbPath: string): CycleRow[] {
  return readDb(dbPath, (db) =>
    (db.prepare('SELECT cycle, outcome, run_id, started_at_ms, summary_json FROM cycles ORDER BY cycle').all() as Record<string, never>[]).map((r) => ({
      cycle: r.cycle, outcome: r.outcome, runId: r.run_id, startedAtMs: r.started_at_ms, summary: JSON.parse(r.summary_json ?? '{}'),
    })),
  );
}

/** Row count of a lane DB table (any mode). */
export function tableCount(dbPath: string, table: 'paper_orders' | 'scans' | 'decisions' | 'paper_fills'): number {
  return readDb(dbPath, (db) => (db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n);
}

/** Series of a default-scenario ticker (`SIMHIGHTEMP-D1-T70` → `SIMHIGHTEMP`). */
export function seriesOf(ticker: string): string {
  return ticker.split('-')[0];
}
