/**
 * One `execute`-like activity call with a short heartbeat timeout and retries, for test/execution-attempt-timeout.test.ts
 * (bundled by the worker via workflowsPath). Workflow code: deterministic sandbox.
 */
import { proxyActivities } from '@temporalio/workflow';

export interface ExecuteOnceActivities {
  executeOnce(scanId: number): Promise<{ placed: number; attempt: number }>;
}

const { executeOnce } = proxyActivities<ExecuteOnceActivities>({
  startToCloseTimeout: '60 seconds',
  heartbeatTimeout: '2 seconds',
  retry: { maximumAttempts: 3, initialInterval: '50 milliseconds', backoffCoefficient: 1 },
});

export async function executeOnceWorkflow(scanId: number): Promise<{ placed: number; attempt: number }> {
  return executeOnce(scanId);
}
