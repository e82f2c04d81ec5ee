/**
 * Recorded histories (test/fixtures/histories, written by test/tools/record-histories.js) replay against the current
 * workflow code. A redeploy mid-week must not break a running workflow: a change that fails here needs Temporal's
 * patching API (`patched()`), not a force-push.
 */
import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import fs from 'node:fs';
import path from 'node:path';
import { workflowsPath } from '../../src/worker';
import { ensureQuietRuntime } from '../helpers/temporal';

const dir = path.resolve(__dirname, '../fixtures/histories');
const files = fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort();

function histories() {
  return files.map((f) => JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as { workflowId: string; history: unknown });
}

const quiet = { trace() {}, debug() {}, info() {}, warn() {}, error() {}, log() {} } as never;

beforeAll(() => ensureQuietRuntime());

describe('workflow replay', () => {
  it('has recorded histories to replay (a continue-as-new chain)', () => {
    expect(files.length).toBeGreaterThanOrEqual(3);
  });

  it('every recorded history replays against the current workflow code', async () => {
    const bundle = await bundleWorkflowCode({ workflowsPath: workflowsPath(), logger: quiet });
    const results = [];
    for await (const r of Worker.runReplayHistories({ workflowBundle: bundle, replayName: 'current' }, histories())) results.push(r);
    expect(results).toHaveLength(files.length);
    for (const r of results) expect(r.error).toBeUndefined();
  }, 120_000);

  it('an incompatible workflow change is caught', async () => {
    const bundle = await bundleWorkflowCode({ workflowsPath: path.resolve(__dirname, '../fixtures/altered-workflow'), logger: quiet });
    const results = [];
    for await (const r of Worker.runReplayHistories({ workflowBundle: bundle, replayName: 'altered' }, histories())) results.push(r);
    expect(results.every((r) => r.error !== undefined)).toBe(true);
    expect(String(results[0].error)).toMatch(/[Nn]ondetermin/);
  }, 120_000);
});
