/**
 * Scans and order books, written to the lane DB so activities pass ids, never blobs. Markets are stored as their
 * MarketSnapshot JSON (integers only); books as their levels in each side's own terms.
 */
import type { Database } from 'better-sqlite3';
import type { MarketSnapshot } from '../domain/trading-types';
import type { KalshiOrderbook, OrderbookLevel } from '../venues/kalshi/types';

/** A cycle of one lane's workflow: cycle numbers restart with a new first run, so both name it. */
export interface CycleRef {
  firstRunId: string;
  cycle: number;
}

export interface ScanRecord extends CycleRef {
  id: number;
  atMs: number;
  count: number;
  markets: MarketSnapshot[];
}

export interface StoredBook {
  id: number;
  ticker: string;
  fetchedAtMs: number;
  yesBids: OrderbookLevel[];
  noBids: OrderbookLevel[];
}

export class ScanStore {
  constructor(private readonly db: Database) {}

  /** Record the cycle's scan; a retried scan of the same cycle replaces the earlier one. Returns the scan id. */
  record(ref: CycleRef, atMs: number, markets: MarketSnapshot[]): number {
    return this.db.transaction(() => {
      const old = this.db.prepare('SELECT id FROM scans WHERE first_run_id = ? AND cycle = ?').get(ref.firstRunId, ref.cycle) as { id: number } | undefined;
      if (old) {
        this.db.prepare('DELETE FROM scan_markets WHERE scan_id = ?').run(old.id);
        this.db.prepare('DELETE FROM scans WHERE id = ?').run(old.id);
      }
      const id = Number(this.db.prepare('INSERT INTO scans (first_run_id, cycle, at_ms, market_count) VALUES (?, ?, ?, ?)')
        .run(ref.firstRunId, ref.cycle, atMs, markets.length).lastInsertRowid);
      const put = this.db.prepare('INSERT INTO scan_markets (scan_id, ticker, event_ticker, snapshot_json) VALUES (?, ?, ?, ?)');
      for (const m of markets) put.run(id, m.ticker, m.eventTicker, JSON.stringify(m));
      return id;
    })();
  }

  get(scanId: number): ScanRecord | null {
    const r = this.db.prepare('SELECT * FROM scans WHERE id = ?').get(scanId) as Record<string, number | string> | undefined;
    if (!r) return null;
    const rows = this.db.prepare('SELECT snapshot_json FROM scan_markets WHERE scan_id = ? ORDER BY rowid').all(scanId) as { snapshot_json: string }[];
    return {
      id: r.id as number, firstRunId: r.first_run_id as string, cycle: r.cycle as number, atMs: r.at_ms as number, count: r.market_count as number,
      markets: rows.map((x) => JSON.parse(x.snapshot_json) as MarketSnapshot),
    };
  }

  /** One market of a scan (null when the scan did not hold it). */
  market(scanId: number, ticker: string): MarketSnapshot | null {
    const r = this.db.prepare('SELECT snapshot_json FROM scan_markets WHERE scan_id = ? AND ticker = ?').get(scanId, ticker) as { snapshot_json: string } | undefined;
    return r ? (JSON.parse(r.snapshot_json) as MarketSnapshot) : null;
  }

  latestFor(ref: CycleRef): number | null {
    const r = this.db.prepare('SELECT id FROM scans WHERE first_run_id = ? AND cycle = ?').get(ref.firstRunId, ref.cycle) as { id: number } | undefined;
    return r?.id ?? null;
  }

  /** Keep a fetched book (the evidence a paper fill points to). Returns its id. */
  recordBook(book: Pick<KalshiOrderbook, 'ticker' | 'yesBids' | 'noBids'>, fetchedAtMs: number): number {
    for (const l of [...book.yesBids, ...book.noBids]) {
      if (!Number.isSafeInteger(l.price) || !Number.isSafeInteger(l.size)) throw new RangeError(`order book ${book.ticker}: levels must be integer micros/centis`);
    }
    return Number(this.db.prepare('INSERT INTO order_books (ticker, fetched_at_ms, yes_bids_json, no_bids_json) VALUES (?, ?, ?, ?)')
      .run(book.ticker, fetchedAtMs, JSON.stringify(book.yesBids), JSON.stringify(book.noBids)).lastInsertRowid);
  }

  getBook(bookId: number): StoredBook | null {
    const r = this.db.prepare('SELECT * FROM order_books WHERE id = ?').get(bookId) as Record<string, number | string> | undefined;
    if (!r) return null;
    return {
      id: r.id as number, ticker: r.ticker as string, fetchedAtMs: r.fetched_at_ms as number,
      yesBids: JSON.parse(r.yes_bids_json as string) as OrderbookLevel[], noBids: JSON.parse(r.no_bids_json as string) as OrderbookLevel[],
    };
  }
}
