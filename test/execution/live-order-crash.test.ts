/**
 * KALSHI_AUTOPILOT_CRASH_AT (issue 9 "Named crash points"): parsed as <point>:<n>, refused unless the lane's env is sim
 * (buildTradingDeps, which the worker command builds before polling), and the hook exits with 137 at the n-th hit.
 */
import { buildTradingDeps } from '../../src/activities/trading-deps';
import { assertCrashPointsAllowed, crashHookFromSpec, parseCrashSpec } from '../../src/execution/live-order-crash';
import { silentLogger } from '../../src/observability/logger';
import { simRunContext } from '../helpers/trading';

test('parses <point>:<n> and refuses unknown points or counts', () => {
  expect(parseCrashSpec(undefined)).toBeNull();
  expect(parseCrashSpec('after_journal_write:3')).toEqual({ point: 'after_journal_write', n: 3 });
  expect(parseCrashSpec('after_create_sent')).toEqual({ point: 'after_create_sent', n: 1 });
  expect(() => parseCrashSpec('before_breakfast:1')).toThrow(/expected <point>:<n>/);
  expect(() => parseCrashSpec('during_fill_booking:0')).toThrow(/≥ 1/);
});

test('refused outside sim, at buildTradingDeps too', () => {
  const env = { KALSHI_AUTOPILOT_CRASH_AT: 'after_journal_write:1' };
  expect(assertCrashPointsAllowed('sim', env)).toEqual({ point: 'after_journal_write', n: 1 });
  expect(() => assertCrashPointsAllowed('demo', env)).toThrow(/refused outside sim/);
  expect(() => assertCrashPointsAllowed('prod', env)).toThrow(/refused outside sim/);
  const demo = simRunContext({ venues: { kalshi: { env: 'demo' } } });
  expect(() => buildTradingDeps(demo, { logger: silentLogger(), processEnv: env })).toThrow(/refused outside sim/);
  const sim = buildTradingDeps(simRunContext(), { logger: silentLogger(), processEnv: env });
  expect(typeof sim.crashAt).toBe('function');
});

test('the hook exits with 137 at the n-th hit of its point only', () => {
  const exits: number[] = [];
  const hook = crashHookFromSpec({ point: 'after_create_sent', n: 2 }, ((c: number) => { exits.push(c); }) as unknown as (c: number) => never)!;
  hook('after_journal_write');
  hook('after_create_sent');
  expect(exits).toEqual([]);
  hook('after_journal_write');
  hook('after_create_sent');
  expect(exits).toEqual([137]);
  hook('after_create_sent');
  expect(exits).toEqual([137]);
});
