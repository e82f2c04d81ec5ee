/**
 * fast-check parameters for the fuzz suites (test/fuzz). CI runs the suite's default number of cases; `npm run fuzz --
 * --runs N [--seed S] [--path P]` (scripts/fuzz.js) sets FUZZ_RUNS / FUZZ_SEED / FUZZ_PATH to run more or to replay
 * one failure. On a failure fast-check's message carries `seed` and `path`; `reporter` adds the replay command.
 */
import fc from 'fast-check';

function envInt(name: string): number | undefined {
  const v = process.env[name];
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  if (!Number.isSafeInteger(n)) throw new Error(`${name} must be an integer (got ${JSON.stringify(v)})`);
  return n;
}

/** `defaultRuns` in CI; FUZZ_RUNS scales every suite (a Temporal suite passes `scale` < 1 to run fewer). */
export function fuzzParams<T>(defaultRuns: number, scale = 1): fc.Parameters<T> {
  const runs = envInt('FUZZ_RUNS');
  const seed = envInt('FUZZ_SEED');
  const path = process.env.FUZZ_PATH || undefined;
  return {
    numRuns: runs === undefined ? defaultRuns : Math.max(1, Math.round(runs * scale)),
    ...(seed === undefined ? {} : { seed }),
    ...(path === undefined ? {} : { path }),
    reporter: (out) => {
      if (!out.failed) return;
      const replay = `npm run fuzz -- --seed ${out.seed}${out.counterexamplePath ? ` --path ${out.counterexamplePath}` : ''} ${expect.getState().testPath ?? ''}`;
      const cause = out.errorInstance instanceof Error ? out.errorInstance.message : String(out.errorInstance);
      throw new Error(`${fc.defaultReportMessage(out)}\nreplay: ${replay}\nfailure: ${cause}`);
    },
  };
}

/** Every number in `v` (deep) is a safe integer: no float, no NaN, no Infinity in what a parser hands the ledger. */
export function nonIntegerNumbers(v: unknown, path = '$', out: string[] = []): string[] {
  if (typeof v === 'number') {
    if (!Number.isSafeInteger(v)) out.push(`${path}=${v}`);
  } else if (Array.isArray(v)) v.forEach((x, i) => nonIntegerNumbers(x, `${path}[${i}]`, out));
  else if (v instanceof Map) for (const [k, x] of v) nonIntegerNumbers(x, `${path}.${String(k)}`, out);
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) nonIntegerNumbers(x, `${path}.${k}`, out);
  return out;
}
