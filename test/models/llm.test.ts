/**
 * The llm model through the official SDKs against a local server speaking the Anthropic Messages and OpenAI Chat
 * Completions wire formats (test/helpers/llm-fake.ts), with the budget ledger in a real lane DB. The server's own log
 * of what it received, and the ledger's rows, are the judges.
 */
import path from 'node:path';
import { createLogger } from '../../src/observability/logger';
import { silentLogger } from '../../src/observability/logger';
import type { MarketSnapshot } from '../../src/domain/trading-types';
import { createModel, LlmModel, LlmProviderError, ModelConfigError } from '../../src/models';
import { AnthropicProvider, LlmRequestRefusedError, OpenAIProvider } from '../../src/models/llm';
import { NON_RETRYABLE } from '../../src/workflows/definitions';
import { openStore, Store } from '../../src/store';
import { tempDir } from '../helpers/lane';
import { LlmFake, startLlmFake } from '../helpers/llm-fake';
import { configSchema } from '../../src/config/schema';

const KEY = 'sk-ant-test-SECRET-0123456789abcdef';
const NOW = Date.UTC(2026, 8, 1, 12, 0, 0);
// Prices: $3 / $15 per Mtok → 3 and 15 micros per token. The fake reports 1000 input and 100 output tokens: 4500 micros.
const PRICES = { inputMicrosPerMtok: 3_000_000, outputMicrosPerMtok: 15_000_000 };
const USAGE = () => ({ input: 1000, output: 100 });

const market = (ticker: string, yesBid = 400_000, rules = `Resolves YES if ${ticker} happens.`): MarketSnapshot => ({
  ticker, eventTicker: 'EV', seriesTicker: 'SER', status: 'active', closeTimeMs: NOW + 86_400_000,
  yesBid: { price: yesBid, size: 10_000 }, yesAsk: { price: yesBid + 20_000, size: 10_000 }, lastPrice: null,
  volume: 0, openInterest: 0, priceRanges: [], feeType: 'quadratic', feeMultiplierPpm: 1_000_000, feeUnverified: false, result: null,
  terms: {
    title: `Will ${ticker} happen?`, yesSubTitle: 'Yes', noSubTitle: 'No', eventTitle: 'The event', eventSubTitle: null,
    rulesPrimary: rules, rulesSecondary: 'Secondary rule text.', settlementSources: ['Official Source (https://example.org)'],
    closeTime: new Date(NOW + 86_400_000).toISOString(), expectedExpirationTime: null, latestExpirationTime: new Date(NOW + 2 * 86_400_000).toISOString(),
    strikeType: 'greater', floorStrike: '4.25', capStrike: null,
  },
});

let fake: LlmFake;
let store: Store;
beforeEach(async () => {
  fake = await startLlmFake({ usage: USAGE, probability: (t) => (t.endsWith('B') ? 0.25 : 0.7234567) });
  store = openStore({ path: path.join(tempDir(), 'lane.sqlite'), mode: 'dry-run', env: 'sim', cwd: tempDir() });
});
afterEach(async () => {
  store.close();
  await fake.close();
});

function model(o: { provider?: 'anthropic' | 'openai'; batchSize?: number; perCycle?: number; perDay?: number; timeoutMs?: number; ttlMs?: number; logger?: ReturnType<typeof silentLogger> } = {}) {
  const provider = o.provider === 'openai'
    ? new OpenAIProvider({ apiKey: KEY, model: 'gpt-test', baseUrl: `${fake.url}/v1` })
    : new AnthropicProvider({ apiKey: KEY, model: 'claude-test', baseUrl: fake.url });
  return new LlmModel({
    provider, maxTokens: 1000, temperature: 0.3, batchSize: o.batchSize ?? 5, timeoutMs: o.timeoutMs ?? 10_000, prices: PRICES,
    limits: { perCycleMicros: o.perCycle ?? 5_000_000, perDayMicros: o.perDay ?? 20_000_000 }, estimateTtlMs: o.ttlMs ?? 3_600_000,
    reuseMaxPriceMoveMicros: 50_000, logger: o.logger ?? silentLogger(),
  });
}
const ask = (m: LlmModel, markets: MarketSnapshot[], cycle = 1, nowMs = NOW) => m.estimate({ markets, nowMs, cycle, firstRunId: 'run-1', llmLedger: store.llm });
const charged = (cycle?: number) => store.llm.calls(cycle === undefined ? {} : { cycle }).reduce((n, c) => n + c.chargedMicros, 0);

test('anthropic: the prompt carries what the market settles on and the logical clock; a forced tool reply becomes exact ppm; usage settles the reservation', async () => {
  const r = await ask(model(), [market('KX-A'), market('KX-B')]);
  expect(r.estimates.map((e) => [e.ticker, e.probabilityPpm, e.confidencePpm, e.source, e.asOfMs])).toEqual([
    ['KX-A', 723_457, 900_000, 'llm', NOW],
    ['KX-B', 250_000, 900_000, 'llm', NOW],
  ]);
  expect(fake.requests).toHaveLength(1);
  const req = fake.requests[0];
  expect(req.path).toBe('/v1/messages');
  expect(req.headers.authorization ?? req.headers['x-api-key']).toMatch(new RegExp(`^(Bearer )?${KEY}$`));
  expect(req.body.tool_choice).toEqual({ type: 'tool', name: 'submit_estimates' });
  expect(req.body.max_tokens).toBe(1000);
  const prompt = JSON.stringify(req.body.messages);
  for (const s of ['Resolves YES if KX-A happens.', 'Secondary rule text.', 'Official Source (https://example.org)', '4.25', 'greater', '2026-09-01T12:00:00.000Z', '2026-09-02T12:00:00.000Z']) {
    expect(prompt).toContain(s);
  }
  const [call] = store.llm.calls();
  expect(call).toMatchObject({ cycle: 1, day: '2026-09-01', tickers: ['KX-A', 'KX-B'], provider: 'anthropic', model: 'claude-test', status: 'settled', costMicros: 4500, chargedMicros: 4500, inputTokens: 1000, outputTokens: 100, outcome: 'ok' });
  // The reservation was the worst case: at least max_tokens at the output price, and more than what it cost.
  expect(call.reservedMicros).toBeGreaterThan(15_000);
  expect(r.costMicros).toBe(4500);
});

test('openai (and compatible endpoints): strict json_schema response_format, Bearer key, usage prompt/completion tokens', async () => {
  const r = await ask(model({ provider: 'openai' }), [market('KX-A')]);
  expect(r.estimates.map((e) => e.probabilityPpm)).toEqual([723_457]);
  const req = fake.requests[0];
  expect(req.path).toBe('/v1/chat/completions');
  expect(req.headers.authorization).toBe(`Bearer ${KEY}`);
  expect(req.body.temperature).toBe(0.3);
  expect(req.body.max_tokens).toBe(1000); // a compatible server gets max_tokens; api.openai.com max_completion_tokens
  expect(new OpenAIProvider({ apiKey: KEY, model: 'm', baseUrl: 'https://api.openai.com/v1' }).tokenParam).toBe('max_completion_tokens');
  expect(new OpenAIProvider({ apiKey: KEY, model: 'm', baseUrl: null }).tokenParam).toBe('max_completion_tokens');
  expect((req.body.response_format as { type: string }).type).toBe('json_schema');
  expect(store.llm.calls()[0]).toMatchObject({ provider: 'openai', status: 'settled', chargedMicros: 4500 });
});

test('a reply that does not validate gets one retry, then no estimate (never a default); each paid reply is charged from its usage', async () => {
  fake.script('invalid_json', 'ok');
  const once = await ask(model(), [market('KX-A')], 1);
  expect(once.estimates.map((e) => e.ticker)).toEqual(['KX-A']);
  fake.script('invalid_probability', 'invalid_json');
  const twice = await ask(model({ ttlMs: 0 }), [market('KX-C')], 2);
  expect(twice.estimates).toEqual([]);
  expect(twice.skipped).toEqual([expect.objectContaining({ ticker: 'KX-C', reason: 'llm_invalid_reply' })]);
  expect(fake.requests.map((q) => q.fault)).toEqual(['invalid_json', 'ok', 'invalid_probability', 'invalid_json']);
  expect(store.llm.calls().map((c) => [c.cycle, c.status, c.outcome, c.chargedMicros])).toEqual([
    [1, 'settled', 'invalid_reply', 4500], [1, 'settled', 'ok', 4500], [2, 'settled', 'invalid_reply', 4500], [2, 'settled', 'invalid_reply', 4500],
  ]);
});

test('a market missing from the reply is retried alone; the answered one is kept', async () => {
  fake.script('missing_market');
  const r = await ask(model(), [market('KX-A'), market('KX-B')]);
  expect(r.estimates.map((e) => e.ticker)).toEqual(['KX-A', 'KX-B']);
  expect(fake.requests.map((q) => q.tickers)).toEqual([['KX-A', 'KX-B'], ['KX-A']]);
});

test.each([
  ['http429', 'refused', 'rate_limited', false],
  ['http500', 'lost', 'http_5xx', true],
  ['drop', 'lost', 'connection', true],
  ['malformed_body', 'lost', 'malformed_response', true],
] as const)('%s: a provider error for the activity to retry; the call is %s (%s), charged at its reservation: %s', async (fault, status, outcome, atReservation) => {
  fake.script(fault);
  await expect(ask(model(), [market('KX-A')])).rejects.toBeInstanceOf(LlmProviderError);
  const [c] = store.llm.calls();
  expect(c).toMatchObject({ status, outcome });
  expect(c.chargedMicros).toBe(atReservation ? c.reservedMicros : 0);
});

test('a 401 (bad key) is refused for good: charged 0 and not retried by the activity (LlmRequestRefusedError is non-retryable)', async () => {
  fake.script('http401');
  await expect(ask(model(), [market('KX-A')])).rejects.toBeInstanceOf(LlmRequestRefusedError);
  expect(store.llm.calls()[0]).toMatchObject({ status: 'refused', outcome: 'http_4xx', chargedMicros: 0 });
  expect(NON_RETRYABLE).toContain('LlmRequestRefusedError');
});

test('a timeout (the response never arrives) stays charged at its reservation', async () => {
  fake.script('hang');
  await expect(ask(model({ timeoutMs: 300 }), [market('KX-A')])).rejects.toMatchObject({ outcome: 'timeout' });
  const [c] = store.llm.calls();
  expect(c).toMatchObject({ status: 'lost', outcome: 'timeout' });
  expect(c.chargedMicros).toBe(c.reservedMicros);
});

test('a reply without usage is charged at its reservation', async () => {
  fake.script('no_usage');
  const r = await ask(model(), [market('KX-A')]);
  expect(r.estimates).toHaveLength(1);
  const [c] = store.llm.calls();
  expect(c).toMatchObject({ status: 'settled' });
  expect(c.chargedMicros).toBe(c.reservedMicros);
});

test('a retried activity of the same cycle replays settled calls (no second request, no second charge) and sees the lost one', async () => {
  const m = model({ batchSize: 1, ttlMs: 0 });
  fake.script('ok', 'http500');
  await expect(ask(m, [market('KX-A'), market('KX-B')])).rejects.toBeInstanceOf(LlmProviderError);
  const lost = store.llm.calls()[1];
  const r = await ask(m, [market('KX-A'), market('KX-B')]);
  expect(r.estimates.map((e) => e.ticker)).toEqual(['KX-A', 'KX-B']);
  expect(fake.requests.map((q) => q.tickers)).toEqual([['KX-A'], ['KX-B'], ['KX-B']]);
  expect(charged(1)).toBe(4500 + lost.reservedMicros + 4500);
  expect(r.costMicros).toBe(charged(1));
});

test('a reservation that does not fit is not made: the rest of the cycle goes without estimates (budget_exhausted) and says so', async () => {
  const probe = model({ batchSize: 1 });
  await ask(probe, [market('KX-P')], 9);
  const reserve = store.llm.calls()[0].reservedMicros;
  // Room for one settled call (4500) and one worst case: after the second call settles (9000 charged), the third
  // reservation does not fit, so the third and fourth batches are never sent.
  const r = await ask(model({ batchSize: 1, perCycle: reserve + 4500 + 1 }), [market('KX-A'), market('KX-B'), market('KX-C'), market('KX-D')], 1);
  expect(r.estimates.map((e) => e.ticker)).toEqual(['KX-A', 'KX-B']);
  expect(r.skipped.map((s) => [s.ticker, s.reason])).toEqual([['KX-C', 'budget_exhausted'], ['KX-D', 'budget_exhausted']]);
  expect(r.skipped[0].detail).toContain('cost_limit_per_cycle');
  expect(fake.requests).toHaveLength(3);
  expect(r.notes[0]).toContain('budget reached');
});

test('over a simulated day of cycles with faults, spend never exceeds either limit; the next UTC day of the logical clock has a fresh budget', async () => {
  const perCycle = 60_000;
  const perDay = 300_000;
  const m = model({ batchSize: 2, perCycle, perDay, timeoutMs: 200, ttlMs: 0 });
  const faults = ['ok', 'http500', 'ok', 'invalid_json', 'drop', 'ok', 'http429', 'ok', 'no_usage', 'hang'] as const;
  const start = Date.UTC(2026, 8, 1, 0, 0, 0);
  let firstOnDay2: number | null = null;
  for (let cycle = 1; cycle <= 36; cycle += 1) {
    const nowMs = start + (cycle - 1) * 3_600_000; // hourly: cycles 25..36 are on the next UTC day
    fake.script(faults[cycle % faults.length], faults[(cycle * 3) % faults.length]);
    const before = fake.requests.length;
    try { await ask(m, [market('KX-A'), market('KX-B'), market('KX-C'), market('KX-D'), market('KX-E')], cycle, nowMs); } catch (err) { expect(err).toBeInstanceOf(LlmProviderError); }
    if (cycle >= 25 && firstOnDay2 === null && fake.requests.length > before) firstOnDay2 = cycle;
  }
  const calls = store.llm.calls();
  const byDay = new Map<string, number>();
  const byCycle = new Map<number, number>();
  for (const c of calls) {
    byDay.set(c.day, (byDay.get(c.day) ?? 0) + c.chargedMicros);
    byCycle.set(c.cycle, (byCycle.get(c.cycle) ?? 0) + c.chargedMicros);
    expect(c.status).not.toBe('reserved');
  }
  expect([...byDay.keys()]).toEqual(['2026-09-01', '2026-09-02']);
  for (const v of byDay.values()) expect(v).toBeLessThanOrEqual(perDay);
  for (const v of byCycle.values()) expect(v).toBeLessThanOrEqual(perCycle);
  // The day limit was what stopped day 1 (its last cycles made no call), and day 2 called again at its first cycle.
  expect(byDay.get('2026-09-01')).toBeGreaterThan(perDay - 2 * perCycle);
  expect(calls.some((c) => c.cycle >= 20 && c.cycle <= 24)).toBe(false);
  expect(firstOnDay2).toBe(25);
});

test('reuse: an estimate is reused until its TTL, a price move beyond the threshold or a change of the rules', async () => {
  const m = model({ ttlMs: 3_600_000 });
  await ask(m, [market('KX-A')], 1, NOW);
  const reused = await ask(m, [market('KX-A', 420_000)], 2, NOW + 60_000);
  expect(reused.estimates[0].asOfMs).toBe(NOW);
  expect(fake.requests).toHaveLength(1);
  await ask(m, [market('KX-A', 470_000)], 3, NOW + 120_000); // moved 0.07 > 0.05
  await ask(m, [market('KX-A', 470_000, 'Amended rules.')], 4, NOW + 180_000);
  await ask(m, [market('KX-A', 470_000, 'Amended rules.')], 5, NOW + 180_000 + 3_600_000);
  expect(fake.requests).toHaveLength(4);
  expect(JSON.stringify(fake.requests[2].body.messages)).toContain('Amended rules.');
});

test('no key in any output: logs (every fault), ledger rows, errors and notes', async () => {
  const lines: string[] = [];
  const logger = createLogger({ level: 'trace', destination: { write: (c: string) => { lines.push(c); } } as never });
  const m = model({ logger, timeoutMs: 200, ttlMs: 0 });
  const outputs: string[] = [];
  let cycle = 0;
  for (const f of ['ok', 'invalid_json', 'http401', 'http429', 'http500', 'drop', 'hang', 'malformed_body'] as const) {
    fake.script(f, f);
    cycle += 1;
    try { outputs.push(JSON.stringify(await ask(m, [market('KX-A')], cycle))); } catch (err) { outputs.push(String(err), JSON.stringify(err), (err as Error).stack ?? ''); }
  }
  outputs.push(JSON.stringify(store.llm.calls()), JSON.stringify(store.db.prepare('SELECT * FROM llm_calls').all()));
  expect(fake.requests.length).toBeGreaterThanOrEqual(8);
  expect(lines.length).toBeGreaterThan(5);
  for (const text of [...lines, ...outputs]) expect(text).not.toContain(KEY);
});

test('createModel: llm needs the provider key (named), takes base URLs from config and never asks without a ledger', async () => {
  const cfg = (llm: Record<string, unknown>) => configSchema.parse({ model: { kind: 'llm', llm } });
  expect(() => createModel(cfg({}), { env: 'sim', logger: silentLogger(), processEnv: {} }))
    .toThrow(new ModelConfigError('llm', 'ANTHROPIC_API_KEY', 'is required for model.kind=llm with model.llm.provider=anthropic'));
  const m = createModel(cfg({ provider: 'openai', openai_base_url: `${fake.url}/v1`, input_cost_per_mtok: 3, output_cost_per_mtok: 15 }), { env: 'sim', logger: silentLogger(), processEnv: { OPENAI_API_KEY: KEY } });
  await expect(m.estimate({ markets: [market('KX-A')], nowMs: NOW, cycle: 1 })).rejects.toThrow(/no budget ledger/);
  expect(fake.requests).toHaveLength(0);
  const r = await m.estimate({ markets: [market('KX-A')], nowMs: NOW, cycle: 1, firstRunId: 'r', llmLedger: store.llm });
  expect(r.estimates).toHaveLength(1);
  expect(fake.requests[0].headers.authorization).toBe(`Bearer ${KEY}`);
});

test('an aborted call (the decide activity cancelled) is classified aborted and charged at its reservation', async () => {
  fake.script('hang');
  const p = new AnthropicProvider({ apiKey: KEY, model: 'claude-test', baseUrl: fake.url });
  const ac = new AbortController();
  const call = p.call({ system: 's', user: 'u', maxTokens: 10, temperature: 0, timeoutMs: 10_000, signal: ac.signal });
  while (fake.requests.length === 0) await new Promise((r) => setImmediate(r));
  ac.abort();
  await expect(call).rejects.toMatchObject({ name: 'LlmCallError', outcome: 'aborted', charge: 'reservation' });
});
