/**
 * Tiny workflows for test/temporal-infra.test.ts (bundled by the worker via workflowsPath).
 * Workflow code: deterministic sandbox, Date.now() here is workflow time.
 */
import { condition, defineQuery, defineSignal, setHandler, sleep } from '@temporalio/workflow';

export interface SleepyResult {
  startedAtMs: number;
  wokeAtMs: number;
}

/** Sleeps for `durationMs` of workflow time and reports the workflow clock before and after. */
export async function sleepy(durationMs: number): Promise<SleepyResult> {
  const startedAtMs = Date.now();
  await sleep(durationMs);
  return { startedAtMs, wokeAtMs: Date.now() };
}

export const stateQuery = defineQuery<string>('state');
export const releaseSignal = defineSignal<[string]>('release');

/** Waits (queryable state "waiting:<name>") until released by signal, then returns "<name> released by <who>". */
export async function gate(name: string): Promise<string> {
  let state = `waiting:${name}`;
  let releasedBy: string | undefined;
  setHandler(stateQuery, () => state);
  setHandler(releaseSignal, (who: string) => {
    releasedBy = who;
    state = `released:${name}`;
  });
  await condition(() => releasedBy !== undefined);
  return `${name} released by ${releasedBy}`;
}
