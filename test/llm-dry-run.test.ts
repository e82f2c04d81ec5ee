/**
 * A dry-run lane on the Kalshi simulator (Temporal time skipping) whose fair values come from the llm model — the
 * official Anthropic SDK against a local server speaking the Messages API — and from an ensemble of sim-oracle and
 * llm. Judged by the lane DB: paper orders placed from the estimates, every call in the budget ledger, spend within
 * the limits, each member's view stored beside the ensemble's.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { SimHandle } from '../src/sim';
import { query, runDryRunLane, startSimAtEnvNow, timeSkippingWithBundle, wireMicros } from './helpers/dry-run';
import { LlmFake, startLlmFake } from './helpers/llm-fake';
import { tempDir } from './helpers/lane';

jest.setTimeout(180_000);

const KEY = 'sk-ant-dryrun-SECRET-abcdef0123456789';
let env: TestWorkflowEnvironment;
let bundle: WorkflowBundleWithSourceMap;
let fake: LlmFake;
const savedKey = process.env.ANTHROPIC_API_KEY;

beforeAll(async () => {
  process.env.ANTHROPIC_API_KEY = KEY;
  fake = await startLlmFake({ probability: () => 0.97, confidence: 0.9, usage: () => ({ input: 2000, output: 200 }) });
  ({ env, bundle } = await timeSkippingWithBundle());
}, 180_000);
afterAll(async () => {
  await env?.teardown();
  await fake?.close();
  if (savedKey === undefined) delete process.env.ANTHROPIC_API_KEY;
  else process.env.ANTHROPIC_API_KEY = savedKey;
});

interface CallRow { cycle: number; status: string; charged_micros: number; cost_micros: number | null; tickers: string; day: string }
interface EstimateRow { cycle: number; ticker: string; model: string; probability_ppm: number }

const llm = { anthropic_base_url: null as string | null, batch_size: 10, cost_limit_per_cycle: 1, cost_limit_per_day: 5, input_cost_per_mtok: 3, output_cost_per_mtok: 15 };

test('llm model: a dry-run cycle on the simulator places paper orders from the LLM estimates; every call is in the ledger', async () => {
  let sim: SimHandle | null = null;
  try {
    sim = await startSimAtEnvNow(env);
    const before = fake.requests.length;
    const heartbeatPath = path.join(tempDir(), 'heartbeat.json');
    // The first call answers 500: the decide activity fails, Temporal retries it, and the retry sees the lost call's
    // charge in the ledger before it calls again.
    fake.script('http500');
    const lane = await runDryRunLane(env, bundle, sim, { cycles: 2, heartbeatPath, config: { model: { kind: 'llm', llm: { ...llm, anthropic_base_url: fake.url } } } });
    const orders = query<{ ticker: string; side: string }>(lane.dbPath, "SELECT ticker, side FROM paper_orders WHERE action = 'buy'");
    expect(orders.length).toBeGreaterThan(0);
    expect(orders.every((o) => o.side === 'yes')).toBe(true); // 0.97 fair value: YES is the cheap side
    const calls = query<CallRow & { reserved_micros: number }>(lane.dbPath, 'SELECT * FROM llm_calls ORDER BY id');
    expect(calls.length).toBeGreaterThan(1);
    expect(calls.length).toBe(fake.requests.length - before);
    const [lost, ...rest] = calls;
    expect(lost).toMatchObject({ cycle: 1, status: 'lost' });
    expect(lost.charged_micros).toBe(lost.reserved_micros);
    expect(rest.every((c) => c.status === 'settled' && c.charged_micros === 2000 * 3 + 200 * 15)).toBe(true);
    expect(query<{ outcome: string }>(lane.dbPath, 'SELECT outcome FROM cycles ORDER BY cycle').map((c) => c.outcome)).toEqual(['completed', 'completed']);
    // The heartbeat shows the day's spend: the ledger's sum for the logical clock's UTC day.
    const hb = JSON.parse(fs.readFileSync(heartbeatPath, 'utf8')) as { llm_spend: { day: string; today: string; today_calls: number } };
    const day = calls[calls.length - 1].day;
    const dayMicros = calls.filter((c) => c.day === day).reduce((n, c) => n + c.charged_micros, 0);
    expect(hb.llm_spend).toMatchObject({ day, today_calls: calls.filter((c) => c.day === day).length });
    expect(wireMicros(hb.llm_spend.today)).toBe(dayMicros);
    expect(fs.readFileSync(heartbeatPath, 'utf8')).not.toContain(KEY);
    for (const c of new Set(calls.map((x) => x.cycle))) {
      expect(calls.filter((x) => x.cycle === c).reduce((n, x) => n + x.charged_micros, 0)).toBeLessThanOrEqual(1_000_000);
    }
    // The prompt carried what the simulator's markets settle on (the scan keeps rules_primary) and the logical clock.
    const prompt = JSON.stringify(fake.requests[fake.requests.length - 1].body.messages);
    expect(prompt).toContain('rules_primary');
    expect(prompt).toContain('the market resolves to Yes.');
    const cycleStarts = query<{ started_at_ms: number }>(lane.dbPath, 'SELECT started_at_ms FROM cycles ORDER BY cycle');
    expect(prompt).toContain(`Current time (UTC): ${new Date(cycleStarts[cycleStarts.length - 1].started_at_ms).toISOString().slice(0, 13)}`);
    const est = query<EstimateRow>(lane.dbPath, "SELECT * FROM estimates WHERE model = 'llm'");
    expect(est.length).toBeGreaterThan(0);
    expect(est.every((e) => e.probability_ppm === 970_000)).toBe(true);
    const summaries = query<{ summary_json: string }>(lane.dbPath, 'SELECT summary_json FROM cycles ORDER BY cycle');
    expect(summaries.length).toBe(2);
    for (const r of query<{ summary_json: string }>(lane.dbPath, 'SELECT summary_json FROM cycles')) expect(r.summary_json).not.toContain(KEY);
  } finally {
    await sim?.close();
  }
});

test('ensemble of sim-oracle and llm: paper orders from the combined estimate; each member view stored', async () => {
  let sim: SimHandle | null = null;
  try {
    sim = await startSimAtEnvNow(env);
    const lane = await runDryRunLane(env, bundle, sim, {
      cycles: 1,
      config: {
        model: { kind: 'ensemble', llm: { ...llm, anthropic_base_url: fake.url }, ensemble: { members: [{ kind: 'sim-oracle', weight: 1 }, { kind: 'llm', weight: 3 }] } },
      },
    });
    const est = query<EstimateRow>(lane.dbPath, 'SELECT * FROM estimates ORDER BY id');
    const by = (model: string) => new Map(est.filter((e) => e.model === model).map((e) => [e.ticker, e.probability_ppm]));
    const ens = by('ensemble');
    const oracle = by('sim-oracle');
    const view = by('llm');
    expect(ens.size).toBeGreaterThan(0);
    expect(oracle.size).toBeGreaterThan(0);
    expect(view.size).toBeGreaterThan(0);
    for (const [ticker, p] of ens) {
      const o = oracle.get(ticker);
      const l = view.get(ticker);
      // weights 1 : 3, renormalised over the members that answered (both here), rounded half up
      if (o !== undefined && l !== undefined) expect(p).toBe(Math.floor((o * 1 + l * 3 + 2) / 4));
      else expect(p).toBe(o ?? l);
    }
    const orders = query<{ ticker: string; fair_value_ppm: number }>(lane.dbPath, "SELECT d.ticker, d.fair_value_ppm FROM decisions d WHERE d.decision = 'order'");
    expect(orders.length).toBeGreaterThan(0);
    expect(query(lane.dbPath, "SELECT id FROM paper_orders WHERE action = 'buy'").length).toBeGreaterThan(0);
    for (const o of orders) expect([ens.get(o.ticker), 1_000_000 - (ens.get(o.ticker) ?? 0)]).toContain(o.fair_value_ppm);
  } finally {
    await sim?.close();
  }
});
