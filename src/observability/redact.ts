/**
 * Secret hygiene (safety invariant 6): secrets never appear in logs, heartbeat, status or errors.
 *
 * Two layers:
 *  - structured: pino's `redact` removes known secret-bearing keys from every log object;
 *  - by value: every secret the process loads is registered here, and `scrub()` replaces any occurrence of it (and of
 *    PEM blocks in general) in free text such as error messages, before that text is logged, stored or returned.
 */

const registered = new Set<string>();

/** Key names whose values are always secret, wherever they appear. */
export const SECRET_KEYS = [
  'private_key', 'privateKey', 'privateKeyPem', 'private_key_pem', 'api_key', 'apiKey', 'api_secret', 'secret',
  'password', 'passphrase', 'authorization', 'webhook_url', 'webhookUrl', 'KALSHI-ACCESS-SIGNATURE',
  'kalshi-access-signature', 'anthropic_api_key', 'openai_api_key', 'anthropicApiKey', 'openaiApiKey', 'ANTHROPIC_API_KEY', 'OPENAI_API_KEY',
  'x-api-key',
];

/** pino redact paths covering those keys at the top level and one level down. */
export const REDACT_PATHS = SECRET_KEYS.flatMap((k) => {
  const key = /^[A-Za-z_$][\w$]*$/.test(k) ? k : `["${k}"]`;
  const dotted = key.startsWith('[') ? key : `.${key}`;
  return [key, `*${dotted}`, `*.*${dotted}`];
});

/** Register a secret value so scrub() removes it from any text. Short values are ignored (too many false hits). */
export function registerSecret(value: string | undefined | null): void {
  if (!value) return;
  const v = value.trim();
  if (v.length < 8) return;
  registered.add(v);
  // A PEM may also travel with literal "\n" escapes or as single lines.
  if (v.includes('\n')) {
    registered.add(v.replace(/\n/g, '\\n'));
    for (const line of v.split('\n')) if (line.length >= 16 && !line.startsWith('-----')) registered.add(line);
  }
}

const PEM_BLOCK = /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z ]*PRIVATE KEY-----|$)/g;

/** Replace registered secrets and any private-key PEM block in `text` with "[REDACTED]". */
export function scrub(text: string): string {
  let out = text.replace(PEM_BLOCK, '[REDACTED]');
  for (const s of registered) {
    if (out.includes(s)) out = out.split(s).join('[REDACTED]');
  }
  return out;
}

/** Deep-scrub a JSON-like value (strings scrubbed, secret-named keys blanked). */
export function scrubValue<T>(value: T): T {
  const secretKeys = new Set(SECRET_KEYS.map((k) => k.toLowerCase()));
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return scrub(v);
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
        out[k] = secretKeys.has(k.toLowerCase()) && x != null ? '[REDACTED]' : walk(x);
      }
      return out;
    }
    return v;
  };
  return walk(value) as T;
}

/** An error's message, scrubbed: the only way an error's text may leave the process (logs, DB, status, Temporal). */
export function safeErrorMessage(err: unknown): string {
  const msg = err instanceof Error ? err.message : typeof err === 'string' ? err : JSON.stringify(err);
  return scrub(msg ?? String(err));
}

/** Longest value ever shown as a path (Linux PATH_MAX); no file-system name component exceeds NAME_MAX. */
export const MAX_PATH_CHARS = 4096;
const MAX_NAME_CHARS = 255;
/** The start of a PEM armour line (any label: private key, certificate…). */
const PEM_ARMOUR = /-----(BEGIN|END)\b/;

/** True when `value` contains PEM armour (real or with literal "\n" escapes): key text, never a path. */
export function looksLikePem(value: string): boolean {
  return PEM_ARMOUR.test(value);
}

/**
 * Whether `value` can be a file path at all: no line breaks, no PEM armour, no NUL, at most MAX_PATH_CHARS, and no
 * name component longer than a file system allows. A "path" that fails this is secret material pasted into the wrong
 * variable, and is shown only as `displayPath()`'s placeholder.
 */
export function isPlausiblePath(value: string): boolean {
  if (value.length > MAX_PATH_CHARS || /[\r\n\0]/.test(value) || looksLikePem(value)) return false;
  return value.split(/[\\/]/).every((part) => part.length <= MAX_NAME_CHARS);
}

/** A value shown as a path: itself when it can be one, else `<not a path: N chars, redacted>` (never its text). */
export function displayPath(value: string): string {
  return isPlausiblePath(value) ? value : `<not a path: ${value.length} chars, redacted>`;
}

/** For tests. */
export function clearRegisteredSecrets(): void {
  registered.clear();
}
