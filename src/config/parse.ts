/**
 * Raw JSON → validated Config (+ the file's `secrets` section). Pure: no fs, no env.
 *
 * `"$comment"` keys (a string or an array of strings) are allowed in any object and ignored: JSON has no comments,
 * and the template documents itself that way. Every other unknown key is an error naming its full path.
 */
import { z } from 'zod';
import { Config, configSchema, crossFieldIssues, FileSecrets, fileSecretsSchema } from './schema';
import { ConfigError, ConfigIssue, issuesFromZod } from './errors';

export const COMMENT_KEY = '$comment';

export interface ParsedFile {
  config: Config;
  fileSecrets: FileSecrets;
}

/** Remove `$comment` keys everywhere; report a `$comment` that is not a string / string array. */
export function stripComments(value: unknown, path: string[] = [], issues: ConfigIssue[] = []): unknown {
  if (Array.isArray(value)) return value.map((v, i) => stripComments(v, [...path, String(i)], issues));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (k === COMMENT_KEY) {
        const ok = typeof v === 'string' || (Array.isArray(v) && v.every((x) => typeof x === 'string'));
        if (!ok) issues.push({ path: [...path, k].join('.'), message: 'must be a string or an array of strings' });
        continue;
      }
      out[k] = stripComments(v, [...path, k], issues);
    }
    return out;
  }
  return value;
}

/** Unwrap defaults/effects/nullables to reach an object schema's shape. */
function unwrap(s: z.ZodTypeAny): z.ZodTypeAny {
  let cur = s;
  for (;;) {
    if (cur instanceof z.ZodDefault) cur = cur._def.innerType;
    else if (cur instanceof z.ZodEffects) cur = cur._def.schema;
    else if (cur instanceof z.ZodNullable || cur instanceof z.ZodOptional) cur = cur._def.innerType;
    else return cur;
  }
}

/** The schema node at a dotted path in the config (or null if there is none). */
export function schemaAt(path: readonly (string | number)[], root: z.ZodTypeAny = configSchema): z.ZodTypeAny | null {
  let cur: z.ZodTypeAny = root;
  for (const seg of path) {
    const u = unwrap(cur);
    if (u instanceof z.ZodObject) {
      const next = (u.shape as Record<string, z.ZodTypeAny>)[String(seg)];
      if (!next) return null;
      cur = next;
    } else if (u instanceof z.ZodArray) {
      cur = u.element;
    } else {
      return null;
    }
  }
  return cur;
}

/** Keys known at an object path (for "did you mean" hints). */
export function knownKeysAt(path: readonly (string | number)[], root: z.ZodTypeAny = configSchema): string[] {
  const node = schemaAt(path, root);
  const u = node ? unwrap(node) : null;
  return u instanceof z.ZodObject ? Object.keys(u.shape) : [];
}

/** Validate a raw JSON value (the parsed file contents). Throws ConfigError listing every issue. */
export function parseConfigObject(raw: unknown, source = 'config'): ParsedFile {
  const issues: ConfigIssue[] = [];
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ConfigError([{ path: '(root)', message: 'must be a JSON object' }], source);
  }
  const stripped = stripComments(raw, [], issues) as Record<string, unknown>;
  const { secrets: rawSecrets, ...rest } = stripped;

  const secretsResult = fileSecretsSchema.safeParse(rawSecrets ?? {});
  if (!secretsResult.success) {
    issues.push(...issuesFromZod(secretsResult.error, ['secrets'], (p) => knownKeysAt(p, fileSecretsSchema)));
  }
  const cfgResult = configSchema.safeParse(rest);
  if (!cfgResult.success) {
    const keys = (p: (string | number)[]) => {
      const known = knownKeysAt(p);
      return p.length === 0 ? [...known, 'secrets'] : known;
    };
    issues.push(...issuesFromZod(cfgResult.error, [], keys));
  } else {
    issues.push(...crossFieldIssues(cfgResult.data));
  }
  if (issues.length > 0 || !cfgResult.success || !secretsResult.success) throw new ConfigError(issues, source);
  return { config: cfgResult.data, fileSecrets: secretsResult.data };
}
