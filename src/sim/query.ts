/** Query parameter parsing with the exchange's bare `{"msg":...}` validation errors, and opaque cursors. */
import { errors } from './errors';

export function parseLimit(q: URLSearchParams, op: string, max: number, def: number): number {
  const raw = q.get('limit');
  if (raw === null || raw === '') return def;
  if (!/^-?\d+$/.test(raw)) throw errors.queryValidation(`Invalid format for parameter limit: error binding string parameter: strconv.ParseInt: parsing "${raw}": invalid syntax`);
  const n = Number(raw);
  if (n > max) throw errors.queryValidation(`Parameter validation failed for ${op}: Key: '${op}Params.Limit' Error:Field validation for 'Limit' failed on the 'lte' tag`);
  if (n < 0) throw errors.queryValidation(`Parameter validation failed for ${op}: Key: '${op}Params.Limit' Error:Field validation for 'Limit' failed on the 'gte' tag`);
  return n === 0 ? def : n;
}

export function parseIntParam(q: URLSearchParams, name: string): number | undefined {
  const raw = q.get(name);
  if (raw === null || raw === '') return undefined;
  if (!/^-?\d+$/.test(raw)) throw errors.queryValidation(`Invalid format for parameter ${name}: error binding string parameter: strconv.ParseInt: parsing "${raw}": invalid syntax`);
  return Number(raw);
}

/** Opaque cursor: base64url of the next offset. A garbage cursor is silently treated as the first page. */
export function encodeCursor(offset: number): string {
  return Buffer.from(`o:${offset}`).toString('base64url');
}

export function decodeCursor(c: string | null): number {
  if (!c) return 0;
  const s = Buffer.from(c, 'base64url').toString('utf8');
  const m = /^o:(\d+)$/.exec(s);
  return m ? Number(m[1]) : 0;
}

/** One page of `items` plus the next cursor ("" on the last page). */
export function paginate<T>(items: T[], q: URLSearchParams, limit: number): { page: T[]; cursor: string } {
  const start = Math.min(decodeCursor(q.get('cursor')), items.length);
  const page = items.slice(start, start + limit);
  const next = start + limit;
  return { page, cursor: next < items.length ? encodeCursor(next) : '' };
}
