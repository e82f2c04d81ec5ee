import { ApplicationFailure } from '@temporalio/activity';
import type { LaneIdentity } from '../workflows/definitions';

/**
 * Every activity first checks that the workflow calling it is of its own worker's lane: same mode, environment,
 * lane name and config hash. A dry-run worker can never run a live workflow's activities (or vice versa), and a worker
 * restarted with an edited config refuses a workflow started under the old one. Non-retryable.
 */
export function assertSameLane(worker: LaneIdentity, workflow: LaneIdentity | undefined): void {
  const diffs: string[] = [];
  if (!workflow) diffs.push('lane identity missing from the activity input');
  else {
    for (const k of ['lane', 'mode', 'env', 'configHash'] as const) {
      if (workflow[k] !== worker[k]) diffs.push(`${k}: workflow=${workflow[k]} worker=${worker[k]}`);
    }
  }
  if (diffs.length) {
    throw ApplicationFailure.nonRetryable(`refusing a workflow of another lane (${diffs.join('; ')})`, 'LaneMismatchError');
  }
}
