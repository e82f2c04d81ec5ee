/**
 * Fuzz: the simulator's scenario file. An edited default scenario either parses and builds into markets whose times,
 * probabilities, counts and fee multipliers are all safe integers (a simulator can start on it), or is refused with a
 * ScenarioError naming the edited field — never another exception at parse or at build.
 */
import fc from 'fast-check';
import { buildScenario, parseScenario, ScenarioError } from '../../src/sim/scenario';
import { DEFAULT_SCENARIO } from '../../src/sim/default-scenario';
import { fuzzParams, nonIntegerNumbers } from './fuzz-params';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Seg = string | number;
const BASE = JSON.parse(JSON.stringify(DEFAULT_SCENARIO)) as Json;
const START = Date.UTC(2026, 8, 1);

function paths(v: Json, at: Seg[] = [], out: Seg[][] = []): Seg[][] {
  if (at.length) out.push(at);
  if (Array.isArray(v)) v.forEach((x, i) => paths(x, [...at, i], out));
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) paths(x, [...at, k], out);
  return out;
}
const ALL = paths(BASE);

const value: fc.Arbitrary<Json> = fc.oneof(
  fc.constantFrom<Json>(null, true, -1, 0, 1, 0.5, 1e300, 1e-7, 2 ** 53, '', 'x', '0', '1', '-0.5', '0.50', '1.5', '0.1234567', '+1d', '-1d',
    '+99999999999999d', '+0s', '2026-09-01T00:00:00Z', '2026-13-45', '12000.00', '-5.00', '1e5', 'deci_cent', 'nope_cent', 'flat', [], {}, [{}]),
  fc.integer({ min: -1e6, max: 1e6 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.stringMatching(/^[+-]\d{1,16}[dhms]$/),
);

const edit = fc.record({ pick: fc.nat(ALL.length - 1), op: fc.constantFrom('set', 'set', 'delete', 'extra'), value });

function apply(doc: Json, e: { pick: number; op: string; value: Json }): string {
  const p = ALL[e.pick];
  let parent = doc as Record<string, Json>;
  for (const s of p.slice(0, -1)) {
    const next = (parent as Record<string, Json>)?.[s as string];
    if (!next || typeof next !== 'object') return p.join('.');
    parent = next as Record<string, Json>;
  }
  const last = p[p.length - 1] as string;
  if (e.op === 'delete') {
    if (Array.isArray(parent)) parent.splice(Number(last), 1);
    else delete parent[last];
  } else if (e.op === 'extra' && parent[last] && typeof parent[last] === 'object' && !Array.isArray(parent[last])) {
    (parent[last] as Record<string, Json>).zz_extra = structuredClone(e.value);
    return [...p, 'zz_extra'].join('.');
  } else parent[last] = structuredClone(e.value); // never share (and later mutate) the constants
  return p.join('.');
}

/** Within a century of the start (relative) or in 1970..2200 (ISO). */
const inRange = (t: number) => Math.abs(t - START) <= 36_500 * 86_400_000 || (t >= 0 && t <= Date.UTC(2200, 0, 1));

describe('fuzz: scenario file', () => {
  it('an edited scenario builds into integer markets or is refused naming the edited field', () => {
    fc.assert(fc.property(fc.array(edit, { minLength: 1, maxLength: 3 }), (edits) => {
      const doc = structuredClone(BASE);
      const touched = edits.map((e) => apply(doc, e));
      let built;
      try {
        built = buildScenario(parseScenario(doc, 'fuzz'), START);
      } catch (err) {
        if (!(err instanceof ScenarioError)) throw new Error(`not a ScenarioError: ${String((err as Error)?.stack ?? err)}`);
        const msg = err.message;
        // the field is named by its path (events.0.markets.1.close_time) or, for a cross-check, by its last key
        const named = touched.some((t) => msg.includes(t) || msg.includes(t.split('.').filter((s) => !/^\d+$/.test(s)).pop() ?? t));
        if (!named && !/\(root\)|duplicate ticker|unknown series/.test(msg)) throw new Error(`names none of ${JSON.stringify(touched)}: ${msg}`);
        return;
      }
      expect(nonIntegerNumbers(built)).toEqual([]);
      for (const m of built.markets) {
        expect(m.trueProbability > 0 && m.trueProbability < 1_000_000).toBe(true);
        expect(m.marketProbability > 0 && m.marketProbability < 1_000_000).toBe(true);
        expect(m.volume >= 0 && m.openInterest >= 0).toBe(true);
        for (const t of [m.openMs, m.closeMs]) expect(inRange(t)).toBe(true);
      }
    }), fuzzParams(300));
  });
});
