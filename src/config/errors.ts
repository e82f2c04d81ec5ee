import { z } from 'zod';

/** One problem with the configuration: `path` is the full dotted key (or a flag / env var name). */
export interface ConfigIssue {
  path: string;
  message: string;
}

/** Raised for any invalid configuration, flag combination or mode requirement. Lists every issue found. */
export class ConfigError extends Error {
  readonly issues: readonly ConfigIssue[];
  constructor(issues: ConfigIssue[], context?: string) {
    const head = context ? `${context}: ` : '';
    super(`${head}invalid configuration:\n${formatIssues(issues)}`);
    this.name = 'ConfigError';
    this.issues = Object.freeze(issues.map((i) => Object.freeze({ ...i })));
  }
}

export function formatIssues(issues: readonly ConfigIssue[]): string {
  return issues.map((i) => `  - ${i.path}: ${i.message}`).join('\n');
}

export function joinPath(path: readonly (string | number)[]): string {
  return path.length === 0 ? '(root)' : path.map(String).join('.');
}

/** Translate zod issues to ConfigIssues with full key paths (unknown keys get one issue each). */
export function issuesFromZod(err: z.ZodError, prefix: readonly (string | number)[] = [], knownKeys?: (path: (string | number)[]) => string[]): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  for (const issue of err.issues) {
    const base = [...prefix, ...issue.path];
    if (issue.code === z.ZodIssueCode.unrecognized_keys) {
      for (const key of issue.keys) {
        const candidates = knownKeys?.(issue.path as (string | number)[]) ?? [];
        const hint = closest(key, candidates);
        out.push({ path: joinPath([...base, key]), message: `unknown key${hint ? ` (did you mean ${joinPath([...base, hint])}?)` : ''}` });
      }
    } else if (issue.code === z.ZodIssueCode.invalid_type && issue.received === 'undefined') {
      out.push({ path: joinPath(base), message: 'is required' });
    } else if (issue.code === z.ZodIssueCode.invalid_type && issue.expected === 'object') {
      out.push({ path: joinPath(base), message: 'must be an object' });
    } else if (issue.code === z.ZodIssueCode.invalid_type && issue.expected === 'array') {
      out.push({ path: joinPath(base), message: 'must be an array' });
    } else {
      out.push({ path: joinPath(base), message: issue.message });
    }
  }
  return out;
}

function closest(key: string, candidates: string[]): string | null {
  let best: string | null = null;
  let bestD = Infinity;
  for (const c of candidates) {
    if (c !== key && (c.startsWith(key) || key.startsWith(c))) return c;
    const d = levenshtein(key.toLowerCase(), c.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return best !== null && bestD <= Math.max(2, Math.floor(key.length / 4)) ? best : null;
}

function levenshtein(a: string, b: string): number {
  const dp = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = dp[0];
    dp[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = dp[j];
      dp[j] = Math.min(dp[j] + 1, dp[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return dp[b.length];
}
