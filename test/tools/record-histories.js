#!/usr/bin/env node
'use strict';
/**
 * Records workflow histories for the replay test (test/workflows/replay.test.ts).
 *
 *   npm run build && node test/tools/record-histories.js [suffix] [--live]
 *
 * --live records a live lane on the simulator (the bot's own RSA key, reconcile first, live orders, a kill switch with
 * cancelResting and a stop with cancelResting), so the live branches of the workflow have histories too.
 *
 * The files are named <date>-trading-cycle[-<suffix>]-run<n>.json; give a suffix (argv or HISTORY_SUFFIX) when files of
 * the same date already exist (never overwrite a recorded history).
 *
 * Run it when the workflow changes on purpose (and commit the new files next to the old ones: old histories must
 * keep replaying, which is the point — a redeploy mid-week must not break a running workflow). Uses the project's
 * time-skipping test server, a real worker and a temp DB.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { TestWorkflowEnvironment } = require('@temporalio/testing');
const { Runtime, DefaultLogger } = require('@temporalio/worker');
const { execFileSync } = require('node:child_process');
const { generateKeyPairSync } = require('node:crypto');

const root = path.resolve(__dirname, '../..');
const dist = (p) => require(path.join(root, 'dist', p));
const { createLaneWorker } = dist('worker.js');
const { silentLogger } = dist('observability/logger.js');
const defs = dist('workflows/definitions.js');
const { buildTradingDeps } = dist('activities/trading-deps.js');
const { resolveRunContext } = dist('config/run-context.js');
const { configSchema } = dist('config/schema.js');
const { startSimulator } = dist('sim/index.js');
const { RateLimiter } = dist('venues/kalshi/index.js');

async function main() {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: path.join(root, '.temporal/bin/temporal-test-server') } },
  });
  const outDir = path.join(root, 'test/fixtures/histories');
  const args = process.argv.slice(2);
  const live = args.includes('--live');
  const suffix = args.find((a) => !a.startsWith('--')) || process.env.HISTORY_SUFFIX || '';
  if (suffix && !/^[a-z0-9-]+$/.test(suffix)) throw new Error(`suffix must be lower-case letters, digits or dashes: ${suffix}`);
  const stamp = new Date().toISOString().slice(0, 10) + (suffix ? `-${suffix}` : '');
  // The trading pipeline runs against a loopback simulator whose clock follows the workflow's logical clock.
  const key = live ? botKey() : null;
  const sim = await startSimulator({
    admin: true, rateLimit: false, clock: { mode: 'manual', startMs: Date.now() - 60_000 },
    ...(key ? { keys: [{ keyId: key.keyId, publicKeyPem: key.publicKeyPem }], startingBalanceMicros: 1_000_000_000_000 } : {}),
  });
  try {
    const mode = live ? 'live' : 'dry-run';
    const lane = { lane: `kalshi-autopilot-sim-${mode}`, mode, env: 'sim', configHash: '0123456789abcdef' };
    const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'kap-rec-cfg-'));
    const config = live
      ? { venues: { kalshi: { env: 'sim' } }, trading: { dry_run: false, allowed_series_tickers: ['SIMHIGHTEMP', 'SIMGDP'] } }
      : { venues: { kalshi: { env: 'sim' } } };
    const ctx = resolveRunContext({ config: configSchema.parse(config), path: path.join(cwd, 'c.json'), exists: false, cwd }, live ? {} : { dryRun: true });
    const trading = buildTradingDeps(ctx, {
      logger: silentLogger(),
      simBaseUrl: sim.baseUrl,
      venueClock: { advanceTo: async (ms) => sim.advanceTo(ms) },
      rateLimiter: new RateLimiter({ tier: 'prestige' }),
      ...(key ? { credentials: { keyId: key.keyId, privateKeyPem: key.privateKeyPem }, processEnv: {} } : {}),
    });
    const dbPath = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'kap-rec-')), 'lane.sqlite');
    const lw = await createLaneWorker({
      identity: lane,
      banner: { dbPath, scope: 'series=KXHIGHNY', bankroll: '$100.00', startedBy: 'record-histories' },
      dbPath,
      heartbeatPath: null,
      readKillSources: () => ({ envKill: null, fileKill: null }),
      logger: silentLogger(),
      connection: env.nativeConnection,
      checkPollers: false, // the time-skipping test server does not implement DescribeTaskQueue
      trading,
    });
    await lw.worker.runUntil(async () => {
      const input = { lane, cycleIntervalSeconds: 600, banner: { dbPath: 'x', scope: 'series=KXHIGHNY', bankroll: '$100.00', startedBy: 'rec' }, maxCycles: 5, cyclesPerRun: 2 };
      const h = await env.client.workflow.start(defs.WORKFLOW_TYPE, { workflowId: lane.lane, taskQueue: lane.lane, args: [input] });
      const latest = () => env.client.workflow.getHandle(lane.lane);
      await env.sleep('60 seconds');
      await latest().signal(defs.pauseSignal);
      await env.sleep('700 seconds');
      await latest().signal(defs.resumeSignal);
      await latest().query(defs.statusQuery);
      await env.sleep('700 seconds');
      await latest().signal(defs.killSwitchSignal, { engaged: true, reason: 'recorded', cancelResting: live });
      await env.sleep('10 seconds');
      await latest().signal(defs.killSwitchSignal, { engaged: false });
      if (defs.stopSignal) {
        // The last run ends by the graceful stop (recorded since it exists) after one more cycle.
        await env.sleep('700 seconds');
        await latest().signal(defs.stopSignal, { reason: 'recorded stop', cancelResting: live });
      }
      await latest().result();
      // Every run of the chain (continue-as-new makes several).
      const runIds = [];
      let runId = h.firstExecutionRunId;
      for (let i = 0; i < 10 && runId; i++) {
        runIds.push(runId);
        const d = await env.client.workflow.getHandle(lane.lane, runId).describe();
        // The temporal CLI writes the canonical history JSON (the SDK's own historyToJSON trips over duplicated
        // protobufjs copies in node_modules).
        const json = execFileSync(path.join(root, '.temporal/bin/temporal'), [
          'workflow', 'show', '--workflow-id', lane.lane, '--run-id', runId, '--address', env.address, '--output', 'json',
        ]).toString();
        const hist = JSON.parse(json);
        const file = path.join(outDir, `${stamp.slice(0, 10)}-trading-cycle${stamp.slice(10)}-run${i + 1}.json`);
        if (fs.existsSync(file)) throw new Error(`${file} exists: give a name suffix (node test/tools/record-histories.js <suffix>)`);
        fs.writeFileSync(file, JSON.stringify({ workflowId: lane.lane, history: hist }) + '\n');
        process.stdout.write(`recorded ${file} (${d.status.name})\n`);
        const last = hist.events[hist.events.length - 1];
        runId = last.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ?? null;
      }
    });
  } finally {
    await env.teardown();
    await sim.close();
  }
}

function botKey() {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    keyId: 'record-histories-bot',
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    privateKeyPem: privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
  };
}

main().catch((err) => {
  process.stderr.write(`${err.stack || err}\n`);
  process.exitCode = 1;
});
