/**
 * Where a long-running command's logs go (issue 10 item 8). Two formats:
 *   - `pretty` (the default on a TTY): the terminal shows the banner once, one human line per cycle, and warnings /
 *     errors as short human lines; the full JSON log goes to a file (`<db dir>/logs/<lane>.log`).
 *   - `json` (the default when stderr is not a TTY: systemd, docker, pipes): JSON lines on stdout.
 * Either way the Temporal SDK's known noise is dropped and task tokens are cut out of every record
 * (`filterLogRecord`, pure; `prettyLogLine`, pure).
 */
import fs from 'node:fs';
import nodePath from 'node:path';
import type { DestinationStream } from 'pino';

export const LOG_FORMATS = ['json', 'pretty'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/** Messages of the Temporal SDK that tell an operator nothing actionable (matched as substrings). */
export const SDK_NOISE: readonly string[] = [
  // The dev/test server does not advertise activity_failure_include_heartbeat: harmless, printed at every start.
  'Temporal Server 1.16.0 or newer is required to guarantee that the latest heartbeat details are preserved',
];

const TASK_TOKEN_KEYS = new Set(['taskToken', 'task_token', 'taskTokenBase64']);
/** `TaskToken(…)` as core prints it, and any long base64 run (a task token is ~200 characters). */
const TASK_TOKEN_TEXT = /TaskToken\([^)]*\)|[A-Za-z0-9+/]{80,}={0,2}/g;
/** A long run that is a path (starts with `/`) or has hardly any digits is not a token. */
const looksLikeToken = (m: string) => m.startsWith('TaskToken(') || (!m.startsWith('/') && (m.match(/\d/g)?.length ?? 0) >= 4);

export type LogRecord = Record<string, unknown>;

/** Drop an SDK noise record (null), or return the record without task tokens. Pure; never mutates its argument. */
export function filterLogRecord(rec: LogRecord): LogRecord | null {
  const msg = typeof rec.msg === 'string' ? rec.msg : '';
  if (SDK_NOISE.some((n) => msg.includes(n))) return null;
  return stripTaskTokens(rec) as LogRecord;
}

function stripTaskTokens(v: unknown, depth = 0): unknown {
  if (typeof v === 'string') return v.replace(TASK_TOKEN_TEXT, (m) => (looksLikeToken(m) ? '[task token]' : m));
  if (depth > 6 || v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map((x) => stripTaskTokens(x, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    if (TASK_TOKEN_KEYS.has(k)) continue;
    out[k] = stripTaskTokens(x, depth + 1);
  }
  return out;
}

const HIDDEN_KEYS = new Set(['level', 'time', 'pid', 'hostname', 'name', 'msg', 'sdk', 'v']);

function hhmmss(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/**
 * One human line of a (filtered) record: local time, level word, message, then up to a few short fields, e.g.
 * `21:25:03 WARN  activity failed · activityType=scan attempt=3`. Pure (local time zone of the process).
 */
export function prettyLogLine(rec: LogRecord): string {
  const time = typeof rec.time === 'number' ? hhmmss(rec.time) : '--:--:--';
  const level = String(rec.level ?? 'info').toUpperCase().padEnd(5);
  const msg = typeof rec.msg === 'string' ? rec.msg : '';
  const fields: string[] = [];
  for (const [k, v] of Object.entries(rec)) {
    if (HIDDEN_KEYS.has(k) || v === undefined || v === null) continue;
    if (k === 'err' && typeof v === 'object') {
      const m = (v as { message?: unknown }).message;
      if (typeof m === 'string' && m) fields.push(`error=${m}`);
      continue;
    }
    const s = typeof v === 'string' ? v : JSON.stringify(v);
    if (s.length > 120) continue;
    fields.push(`${k}=${s}`);
    if (fields.length >= 6) break;
  }
  return `${time} ${level} ${[msg, fields.join(' ')].filter(Boolean).join(' · ')}`.trimEnd();
}

const LEVEL_RANK: Record<string, number> = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60 };

export interface LogOutputOptions {
  format: LogFormat;
  /** The JSON log file in pretty format (its directory is created); ignored in json format. */
  file: string | null;
  /** Where json goes (default fd 1) and where the human lines go (default fd 2): test seams. */
  jsonFd?: number;
  humanFd?: number;
  /** Lowest level shown as a human line in pretty format (default warn). */
  humanLevel?: keyof typeof LEVEL_RANK;
}

export interface LogOutput {
  destination: DestinationStream;
  format: LogFormat;
  /** Where the JSON lines go, in words (for the banner). */
  where: string;
  close(): void;
}

/** The pino destination of a lane process: filters every line, then writes JSON (and human lines in pretty). */
export function createLogOutput(opts: LogOutputOptions): LogOutput {
  let fd: number;
  let where: string;
  let ownFd = false;
  if (opts.format === 'pretty' && opts.file) {
    fs.mkdirSync(nodePath.dirname(opts.file), { recursive: true });
    fd = fs.openSync(opts.file, 'a', 0o600);
    ownFd = true;
    where = opts.file;
  } else if (opts.format === 'pretty') {
    fd = -1;
    where = 'nowhere (no log file)';
  } else {
    fd = opts.jsonFd ?? 1;
    where = 'stdout (JSON lines)';
  }
  const humanFd = opts.humanFd ?? 2;
  const minHuman = LEVEL_RANK[opts.humanLevel ?? 'warn'];
  const destination: DestinationStream = {
    write(chunk: string) {
      for (const line of chunk.split('\n')) {
        if (!line) continue;
        let rec: LogRecord;
        try {
          rec = JSON.parse(line) as LogRecord;
        } catch {
          if (fd >= 0) fs.writeSync(fd, `${line}\n`);
          continue;
        }
        const kept = filterLogRecord(rec);
        if (!kept) continue;
        if (fd >= 0) fs.writeSync(fd, `${JSON.stringify(kept)}\n`);
        if (opts.format === 'pretty' && (LEVEL_RANK[String(kept.level)] ?? 30) >= minHuman) fs.writeSync(humanFd, `${prettyLogLine(kept)}\n`);
      }
    },
  };
  return {
    destination,
    format: opts.format,
    where,
    close() {
      if (ownFd) {
        ownFd = false;
        fs.closeSync(fd);
      }
    },
  };
}

/** The default format: pretty on a terminal, json otherwise. */
export function defaultLogFormat(stderrIsTTY: boolean | undefined): LogFormat {
  return stderrIsTTY ? 'pretty' : 'json';
}
