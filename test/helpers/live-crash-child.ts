/**
 * A worker stand-in in its own process for the crash drill (test/execution-crash-drill.test.ts): runs the live order
 * path (or, with `reconcile`, the reconcile activity's core) once against the parent's simulator and lane DB, with
 * KALSHI_AUTOPILOT_CRASH_AT taken from its environment exactly as the worker does (buildTradingDeps), so a crash point
 * ends this process with exit code 137.
 * Input: env KAP_DRILL (JSON). Output: the outcome as JSON on stdout, exit 0.
 */
import { buildTradingDeps } from '../../src/activities/trading-deps';
import { reconcileLane, ReconciliationGate } from '../../src/activities/reconcile';
import { executeLiveOrders, LiveExecuteInput } from '../../src/execution/live-order';
import { silentLogger } from '../../src/observability/logger';
import { simClockAdapter } from '../../src/sim/clock-adapter';
import { openStore } from '../../src/store';
import { RateLimiter } from '../../src/venues/kalshi';
import { simRunContext } from './trading';

interface Drill {
  baseUrl: string;
  rootUrl: string;
  dbPath: string;
  keyId: string;
  privateKeyPem: string;
  config: Record<string, unknown>;
  input: LiveExecuteInput;
  /** Run reconciliation for (input.firstRunId, input.cycle) at input.nowMs instead of the order path. */
  reconcile?: boolean;
}

async function main(): Promise<void> {
  const d = JSON.parse(process.env.KAP_DRILL ?? '') as Drill;
  const clock = simClockAdapter(d.rootUrl);
  const t = buildTradingDeps(simRunContext(d.config), {
    logger: silentLogger(), simBaseUrl: d.baseUrl, rateLimiter: new RateLimiter({ tier: 'prestige' }),
    credentials: { keyId: d.keyId, privateKeyPem: d.privateKeyPem },
    venueClock: clock,
    reconciledCycle: null,
  });
  const store = openStore({ path: d.dbPath, mode: 'live', env: 'sim' });
  try {
    const out = d.reconcile
      ? await reconcileLane({ store, venue: t.venue, logger: silentLogger(), gate: new ReconciliationGate(), crashAt: t.crashAt }, d.input)
      : await executeLiveOrders(t, store, silentLogger(), d.input);
    process.stdout.write(JSON.stringify(out));
  } finally {
    store.close();
  }
}

main().then(() => process.exit(0), (e) => {
  process.stderr.write(`${(e as Error).stack ?? e}\n`);
  process.exit(1);
});
