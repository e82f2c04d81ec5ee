/**
 * What Temporal recorded of the week (for issue 14's bench, P4/P5): the number of history events of each run of the
 * lane's workflow (following continue-as-new from the first run) and the sum of activity attempt durations
 * (scheduled-attempt start → completion/failure/timeout, from the history's own event times), and whether the
 * server still answers (the harness tells "the test server died" from "the bot failed").
 */
import type { Client, Connection } from '@temporalio/client';

type HistoryResponse = Awaited<ReturnType<Client['workflowService']['getWorkflowExecutionHistory']>>;
type HistoryEvent = NonNullable<NonNullable<HistoryResponse['history']>['events']>[number];

export interface RunFacts { runId: string; events: number; activitySeconds: number; activityAttempts: number; activityFailures: number; activityTimeouts: number }

const ms = (e: HistoryEvent) => {
  const t = e.eventTime;
  return t ? Number(t.seconds ?? 0) * 1000 + Math.floor((t.nanos ?? 0) / 1e6) : 0;
};

async function runHistory(client: Client, workflowId: string, runId: string): Promise<HistoryEvent[]> {
  const out: HistoryEvent[] = [];
  let nextPageToken: Uint8Array | undefined;
  do {
    const r = await client.workflowService.getWorkflowExecutionHistory({ namespace: client.options.namespace, execution: { workflowId, runId }, nextPageToken, maximumPageSize: 1000 });
    out.push(...(r.history?.events ?? []));
    nextPageToken = r.nextPageToken && r.nextPageToken.length > 0 ? r.nextPageToken : undefined;
  } while (nextPageToken);
  return out;
}

function factsOf(runId: string, events: HistoryEvent[]): RunFacts {
  const started = new Map<string, number>();
  let activityMs = 0;
  let attempts = 0;
  let failures = 0;
  let timeouts = 0;
  for (const e of events) {
    if (e.activityTaskStartedEventAttributes) started.set(String(e.activityTaskStartedEventAttributes?.scheduledEventId), ms(e));
    const done = e.activityTaskCompletedEventAttributes ?? e.activityTaskFailedEventAttributes ?? e.activityTaskTimedOutEventAttributes;
    if (done) {
      const t0 = started.get(String(done.scheduledEventId));
      if (t0 !== undefined) {
        activityMs += ms(e) - t0;
        attempts += 1;
      }
      if (e.activityTaskFailedEventAttributes) failures += 1;
      if (e.activityTaskTimedOutEventAttributes) timeouts += 1;
    }
  }
  return { runId, events: events.length, activitySeconds: activityMs / 1000, activityAttempts: attempts, activityFailures: failures, activityTimeouts: timeouts };
}

/** Every run of the workflow from `firstRunId`, in order. */
export async function workflowFacts(client: Client, workflowId: string, firstRunId: string): Promise<RunFacts[]> {
  const runs: RunFacts[] = [];
  let runId: string | null = firstRunId;
  while (runId && runs.length < 1000) {
    const events = await runHistory(client, workflowId, runId);
    runs.push(factsOf(runId, events));
    const last = events[events.length - 1];
    runId = last?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ?? null;
  }
  return runs;
}

/** True when the Temporal server answers a trivial call within `timeoutMs`. */
export async function serverAlive(connection: Connection, timeoutMs = 5_000): Promise<boolean> {
  try {
    await Promise.race([
      connection.workflowService.getSystemInfo({}),
      new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), timeoutMs).unref()),
    ]);
    return true;
  } catch {
    return false;
  }
}
