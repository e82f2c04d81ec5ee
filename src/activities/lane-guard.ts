import { ApplicationFailure } from '@temporalio/activity';
import type { LaneIdentity } from '../workflows/definitions';

/**
 * Every activity first checks that the workflow calling it is of its own worker's lane: same mode, environment,
 * lane name and config hash. A dry-run worker can never run a live workflow's activities (or vice versa), and a worker
 * restarted with an edited config refuses a workflow started under the old one, and a worker on another DB file than
 * the one the workflow pinned refuses it too. Non-retryable.
 */
export function assertSameLane(
  worker: LaneIdentity,
  workflow: LaneIdentity | undefined,
  db?: { worker: string; workflow: string | null | undefined },
): void {
  const diffs: string[] = [];
  if (!workflow) diffs.push('lane identity missing from the activity input');
  else {
    for (const k of ['lane', 'mode', 'env', 'configHash'] as const) {
      if (workflow[k] !== worker[k]) diffs.push(`${k}: workflow=${workflow[k]} worker=${worker[k]}`);
    }
  }
  // One lane, one DB: the workflow pins the DB id it saw first; a worker on another file (another directory, a fresh
  // default path) never acts for it. Null = not pinned yet (the lane's very first beginCycle).
  if (db && typeof db.workflow === 'string' && db.workflow !== db.worker) {
    diffs.push(`dbId: workflow=${db.workflow} worker=${db.worker} (this worker uses another database file than the lane)`);
  }
  if (diffs.length) {
    throw ApplicationFailure.nonRetryable(`refusing a workflow of another lane (${diffs.join('; ')})`, 'LaneMismatchError');
  }
}
