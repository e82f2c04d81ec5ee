/**
 * The trading pipeline of one cycle (scan → decide → execute → book) and the Web UI texts of the workflow. Workflow
 * code: deterministic, no I/O, activities imported with `import type` only.
 *
 * Every activity is scheduled with a summary naming its cycle and step ("cycle 12 · scan", "cycle 12 · decide ·
 * scanned 412 · in scope 18"), so the Web UI's history reads as the pipeline; the workflow's current details
 * ("cycle 12 · scanned 412 · 2 orders · next cycle 22:25 UTC") say what the lane did last and what it does next.
 */
import { ActivityFailure, ApplicationFailure, patched, type ActivityInterfaceFor } from '@temporalio/workflow';
import type { Activities } from '../activities/types';
import type { CycleRef } from '../activities/types';
import { ControlState, exitBlockReason, latchHalt, tradingBlockReason } from '../domain/control';
import { clientOrderId } from '../domain/order-id';
import type { CycleSummary } from '../domain/trading-types';

export type Acts = ActivityInterfaceFor<Activities>;

/** What the pipeline reads from and writes back to the workflow (its control state may change under it: signals). */
export interface PipelineContext {
  acts: Acts;
  cycle: number;
  firstRunId: string;
  ref(): CycleRef;
  control(): ControlState;
  setControl(c: ControlState): void;
  now(): number;
  /** The stage now running (named in the cycle's error when it fails). */
  stage(name: string): void;
  /** Live lanes: cancels of resting orders (src/workflows/cancel-step.ts); they never throw. */
  afterReconcile?(s: CycleSummary): Promise<void>;
  beforeExecute?(s: CycleSummary): Promise<void>;
}

/** The summary shown for an activity in the Web UI: `cycle 12 · scan`, plus facts known when it is scheduled. */
export function stepSummary(cycle: number, step: string, facts: string[] = []): string {
  return [`cycle ${cycle}`, step, ...facts].join(' · ');
}

/**
 * Run the pipeline into `s` (counts, ledger). Returns the guard code that blocked new orders, or null. The guards run
 * every cycle, even when the lane is blocked: the daily-loss baseline and drawdown peak move on.
 */
/** Live lanes reconcile first (issue 9; docs/reconciliation.md). Histories recorded before it carry no marker. */
export const PATCH_RECONCILE = 'reconcile-v1';

export async function runPipeline(ctx: PipelineContext, s: CycleSummary): Promise<string | null> {
  const { acts, cycle } = ctx;
  // Every live cycle starts with reconciliation against the exchange; dry-run lanes have no exchange account. An
  // incomplete run changes nothing and shuts the in-process gate (the live order path refuses: not_reconciled_guard).
  if (ctx.ref().lane.mode === 'live' && patched(PATCH_RECONCILE)) {
    ctx.stage('reconcile');
    const r = await acts.reconcile.executeWithOptions({ summary: stepSummary(cycle, 'reconcile') }, [ctx.ref()]);
    // A tripped order group latches order_group_tripped_guard; results recorded before the field lack it.
    for (const h of r.latch ?? []) ctx.setControl(latchHalt(ctx.control(), h.code, h.reason, ctx.now(), null));
    await ctx.afterReconcile?.(s);
  }
  ctx.stage('scan');
  const scan = await acts.scan.executeWithOptions({ summary: stepSummary(cycle, 'scan') }, [ctx.ref()]);
  Object.assign(s, { scanId: scan.scanId, scanned: scan.scanned, inScope: scan.inScope });
  if (scan.outOfScope) s.skipped.scope_guard = scan.outOfScope;
  ctx.stage('decide');
  const d = await acts.decide.executeWithOptions(
    { summary: stepSummary(cycle, 'decide', [`scanned ${s.scanned}`, `in scope ${s.inScope}`]) },
    [{ ...ctx.ref(), scanId: scan.scanId, control: ctx.control() }],
  );
  for (const h of d.latch) ctx.setControl(latchHalt(ctx.control(), h.code, h.reason, ctx.now(), h.expiresAtMs));
  Object.assign(s, { estimates: d.estimates, opportunities: d.opportunities, bestEdge: d.bestEdge, whyNoTrade: d.whyNoTrade });
  for (const [code, n] of Object.entries(d.skipped)) s.skipped[code] = (s.skipped[code] ?? 0) + n;
  await ctx.beforeExecute?.(s);
  // Re-check the control state right before the order activity: a signal that arrived mid-cycle counts.
  const blocked = tradingBlockReason(ctx.control());
  const orders = d.intents
    .map((intent, index) => ({ clientOrderId: clientOrderId(ctx.firstRunId, cycle, index), intent }))
    // Entries go only when nothing blocks; exits (reduce-only) also under entry-only blocks, never under the kill
    // switch or an all-orders halt.
    .filter((o) => blocked === null || (o.intent.reduceOnly && exitBlockReason(ctx.control()) === null));
  if (orders.length < d.intents.length && blocked) s.skipped[blocked] = (s.skipped[blocked] ?? 0) + d.intents.length - orders.length;
  if (orders.length > 0) {
    ctx.stage('execute');
    const x = await acts.execute.executeWithOptions(
      { summary: stepSummary(cycle, 'execute', [plural(orders.length, 'order')]) },
      [{ ...ctx.ref(), scanId: scan.scanId, orders }],
    );
    // A live execute may latch a halt (idempotency_conflict_guard); results recorded before the field lack it.
    for (const h of x.latch ?? []) ctx.setControl(latchHalt(ctx.control(), h.code, h.reason, ctx.now(), null));
    s.orders = x.placed;
    s.fills += x.fills;
    for (const [code, n] of Object.entries(x.skipped)) s.skipped[code] = (s.skipped[code] ?? 0) + n;
  }
  if (s.orders === 0 && !s.whyNoTrade) s.whyNoTrade = blocked ? `new orders blocked by ${blocked}` : 'every order was refused at execution';
  ctx.stage('book');
  const b = await acts.book.executeWithOptions({ summary: stepSummary(cycle, 'book', [plural(s.orders, 'order')]) }, [ctx.ref()]);
  Object.assign(s, { cash: b.cash, equity: b.equity, exposure: b.exposure, openPositions: b.openPositions, restingOrders: b.restingOrders });
  s.fills += b.fills;
  return blocked;
}

export function emptySummary(): CycleSummary {
  return {
    scanId: null, scanned: 0, inScope: 0, estimates: 0, opportunities: 0, orders: 0, fills: 0, skipped: {}, bestEdge: null,
    whyNoTrade: null, cash: null, equity: null, exposure: null, openPositions: 0, restingOrders: 0, failedStage: null,
  };
}

export function failureType(err: unknown): string {
  let e: unknown = err;
  if (e instanceof ActivityFailure && e.cause) e = e.cause;
  if (e instanceof ApplicationFailure) return e.type ?? 'ApplicationFailure';
  if (e instanceof Error) return e.name;
  return 'unknown';
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** `22:25 UTC` (the date too when it is not the day of `fromMs`). Pure formatting of logical-clock times. */
export function utcClock(ms: number, fromMs: number): string {
  const iso = new Date(ms).toISOString();
  const sameDay = iso.slice(0, 10) === new Date(fromMs).toISOString().slice(0, 10);
  return `${sameDay ? '' : `${iso.slice(0, 10)} `}${iso.slice(11, 16)} UTC`;
}

/** The one line of the Web UI's current details after a cycle, while waiting, or when stopped. */
export function currentDetailsLine(v: {
  cycle: number;
  outcome: string | null;
  summary: CycleSummary | null;
  blockedBy: string | null;
  nextCycleAtMs: number | null;
  nowMs: number;
  stopped?: string | null;
}): string {
  const parts = [`cycle ${v.cycle}`];
  const s = v.summary;
  if (v.outcome?.startsWith('error:')) parts.push(`failed${s?.failedStage ? ` at ${s.failedStage}` : ''}: ${v.outcome.slice(6)}`);
  if (s) {
    parts.push(`scanned ${s.scanned}`, `in scope ${s.inScope}`, plural(s.orders, 'order'));
    if (s.fills > 0) parts.push(plural(s.fills, 'fill'));
    if (s.cancels && s.cancels.canceled > 0) parts.push(`${s.cancels.canceled} cancelled`);
    if (s.orders === 0 && s.whyNoTrade && !v.outcome?.startsWith('error:')) parts.push(`no trade: ${s.whyNoTrade}`);
  }
  if (v.blockedBy) parts.push(`blocked by ${v.blockedBy}`);
  if (v.stopped !== undefined && v.stopped !== null) parts.push(v.stopped);
  else if (v.nextCycleAtMs !== null) parts.push(`next cycle ${utcClock(v.nextCycleAtMs, v.nowMs)}`);
  return parts.join(' · ');
}
