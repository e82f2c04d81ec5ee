/**
 * Cursor pagination (kalshi-api.md §3.2): the last page has `cursor: ""` (or null/absent); filters are not stored in
 * the cursor, so the full query is re-sent on every page. Bounded by maxPages; a repeated cursor is an error.
 */
export interface PaginationOptions {
  /** Hard bound on pages fetched (default 100). Reaching it with more pages left throws KalshiPaginationLimitError. */
  maxPages?: number;
  /** Stop (without error) once this many items were collected; the result is cut to exactly this many. */
  maxItems?: number;
}

export const DEFAULT_MAX_PAGES = 100;

export class KalshiPaginationLimitError extends Error {
  constructor(operation: string, maxPages: number) {
    super(`Kalshi ${operation}: more than ${maxPages} pages; refusing to return a partial list (raise maxPages or narrow the filters)`);
    this.name = 'KalshiPaginationLimitError';
  }
}

export function nextCursor(cursor: unknown): string | null {
  return typeof cursor === 'string' && cursor !== '' ? cursor : null;
}

export async function collectPages<T>(
  operation: string,
  fetchPage: (cursor: string | null) => Promise<{ items: T[]; cursor: string | null }>,
  opts: PaginationOptions = {},
): Promise<T[]> {
  const maxPages = opts.maxPages ?? DEFAULT_MAX_PAGES;
  if (!Number.isSafeInteger(maxPages) || maxPages < 1) throw new RangeError('maxPages must be a positive integer');
  const out: T[] = [];
  const seen = new Set<string>();
  let cursor: string | null = null;
  for (let page = 0; page < maxPages; page++) {
    const r = await fetchPage(cursor);
    out.push(...r.items);
    if (opts.maxItems !== undefined && out.length >= opts.maxItems) return out.slice(0, opts.maxItems);
    if (r.cursor === null) return out;
    if (seen.has(r.cursor)) throw new Error(`Kalshi ${operation}: the server repeated a cursor; stopping to avoid a loop`);
    seen.add(r.cursor);
    cursor = r.cursor;
  }
  throw new KalshiPaginationLimitError(operation, maxPages);
}
