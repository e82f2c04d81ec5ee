/**
 * Migration 2 and the pipeline stores on real SQLite files: a v1 file upgrades in place without losing rows; scans,
 * books, estimates and decisions round-trip as integers and a retried write replaces its cycle; the paper ledger
 * sums exactly; resetPaper wipes the paper tables only.
 */
import BetterSqlite3 from 'better-sqlite3';
import path from 'node:path';
import { MIGRATIONS, migrate } from '../../src/store/migrations';
import { openStore } from '../../src/store';
import type { DecisionRecord, MarketSnapshot } from '../../src/domain/trading-types';
import { tempDir } from '../helpers/lane';

const open = () => openStore({ path: path.join(tempDir(), 'lane.sqlite'), mode: 'dry-run', env: 'sim' });
const snap = (ticker: string, yesAsk: number | null): MarketSnapshot => ({
  ticker, eventTicker: 'TS-E1', seriesTicker: 'TS', status: 'active', closeTimeMs: 1_800_000_000_000,
  yesBid: { price: 410_000, size: 300 }, yesAsk: yesAsk === null ? null : { price: yesAsk, size: 125 }, lastPrice: null,
  volume: 150_000, openInterest: 0, priceRanges: [{ start: 0, end: 1_000_000, step: 10_000 }], feeType: 'quadratic',
  feeMultiplierPpm: 1_000_000, feeUnverified: false, result: null,
});

test('a version-1 file migrates to the newest in place, keeping its rows', () => {
  const file = path.join(tempDir(), 'v1.sqlite');
  const db = new BetterSqlite3(file);
  migrate(db, MIGRATIONS.filter((m) => m.version === 1));
  db.prepare("INSERT INTO cycles (lane, first_run_id, cycle, run_id, started_at_ms, outcome) VALUES ('l', 'f', 1, 'r', 5, 'ok')").run();
  expect(migrate(db)).toEqual(MIGRATIONS.map((m) => m.version).filter((v) => v > 1).sort((a, b) => a - b));
  expect(migrate(db)).toEqual([]);
  expect(db.prepare('SELECT lane, cycle, outcome FROM cycles').all()).toEqual([{ lane: 'l', cycle: 1, outcome: 'ok' }]);
  expect((db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'paper%' ORDER BY name").all() as { name: string }[]).map((r) => r.name))
    .toEqual(['paper_fills', 'paper_ledger', 'paper_orders', 'paper_positions', 'paper_trade_use']);
  db.close();
});

test('scans and books round-trip; a retried scan of the cycle replaces the first', () => {
  const s = open();
  const ref = { firstRunId: 'run-1', cycle: 3 };
  const first = s.scans.record(ref, 1000, [snap('TS-E1-A', 450_000)]);
  const second = s.scans.record(ref, 2000, [snap('TS-E1-A', 460_000), snap('TS-E1-B', null)]);
  expect(second).not.toBe(first);
  expect(s.scans.get(first)).toBeNull();
  expect(s.scans.latestFor(ref)).toBe(second);
  const got = s.scans.get(second)!;
  expect([got.cycle, got.atMs, got.count, got.markets.map((m) => [m.ticker, m.yesAsk])]).toEqual([3, 2000, 2, [['TS-E1-A', { price: 460_000, size: 125 }], ['TS-E1-B', null]]]);
  expect(s.scans.market(second, 'TS-E1-B')).toEqual(snap('TS-E1-B', null));
  const bookId = s.scans.recordBook({ ticker: 'TS-E1-A', yesBids: [{ price: 410_000, size: 300 }], noBids: [{ price: 540_000, size: 125 }] }, 2500);
  expect(s.scans.getBook(bookId)).toEqual({ id: bookId, ticker: 'TS-E1-A', fetchedAtMs: 2500, yesBids: [{ price: 410_000, size: 300 }], noBids: [{ price: 540_000, size: 125 }] });
  expect(() => s.scans.recordBook({ ticker: 'X', yesBids: [{ price: 0.41, size: 1 }], noBids: [] }, 1)).toThrow('levels must be integer');
  s.close();
});

test('estimates and decisions: integers in, integers out; a retry replaces the cycle; cycles of two first runs stay apart', () => {
  const s = open();
  const a = { firstRunId: 'run-1', cycle: 1 };
  const b = { firstRunId: 'run-2', cycle: 1 };
  s.decisions.recordEstimates(a, [{ ticker: 'TS-E1-A', probabilityPpm: 620_000, confidencePpm: 800_000, source: 'signals-file', asOfMs: 99, reasoning: 'r' }]);
  expect(s.decisions.estimates(a)).toEqual([{ firstRunId: 'run-1', cycle: 1, ticker: 'TS-E1-A', probabilityPpm: 620_000, confidencePpm: 800_000, source: 'signals-file', asOfMs: 99, reasoning: 'r' }]);
  const order: DecisionRecord = { cycle: 1, ticker: 'TS-E1-A', side: 'yes', fairValuePpm: 620_000, priceMicros: 450_000, edgeMicros: 152_600, confidencePpm: 800_000, countCentis: 1200, decision: 'order', reason: null, detail: null };
  const skip: DecisionRecord = { cycle: 1, ticker: 'TS-E1-B', side: null, fairValuePpm: null, priceMicros: null, edgeMicros: null, confidencePpm: null, countCentis: 0, decision: 'skip', reason: 'no_quote_guard', detail: 'no YES ask' };
  s.decisions.record(a, 10, [skip]);
  s.decisions.record(a, 11, [order, skip]);
  s.decisions.record(b, 12, [skip]);
  expect(s.decisions.list({ cycle: 1, firstRunId: 'run-1' })).toEqual([
    { ...order, id: expect.any(Number), firstRunId: 'run-1', seq: 0, atMs: 11 },
    { ...skip, id: expect.any(Number), firstRunId: 'run-1', seq: 1, atMs: 11 },
  ]);
  expect(s.decisions.list({ cycle: 1 }).map((d) => [d.firstRunId, d.ticker])).toEqual([['run-1', 'TS-E1-A'], ['run-1', 'TS-E1-B'], ['run-2', 'TS-E1-B']]);
  expect(s.decisions.list({ limit: 1 }).map((d) => d.firstRunId)).toEqual(['run-2']);
  expect(() => s.decisions.record(a, 1, [{ ...order, edgeMicros: 0.15 }])).toThrow('edgeMicros must be an integer');
  expect(() => s.decisions.record(a, 1, [{ ...order, cycle: 2 }])).toThrow('names cycle 2, not 1');
  s.close();
});

test('paper primitives: orders, fills, trade use, ledger cash, positions; resetPaper wipes paper tables only', () => {
  const s = open();
  const o = s.paper.insertOrder({
    clientOrderId: 'c-1', cycle: 1, ticker: 'TS-E1-A', eventTicker: 'TS-E1', side: 'yes', action: 'buy', limitPriceMicros: 450_000,
    countCentis: 1000, feeType: 'quadratic', feeMultiplierPpm: 1_000_000, placedAtMs: 5, expiresAtMs: 605_000, bookId: null,
  });
  expect([o.status, o.filledCentis, s.paper.orderByClientOrderId('c-1')?.id]).toEqual(['resting', 0, o.id]);
  expect(() => s.paper.insertOrder({ ...o, countCentis: 1 })).toThrow(/UNIQUE/);
  s.paper.insertFill({ orderId: o.id, countCentis: 400, priceMicros: 440_000, feeMicros: 8_700, atMs: 6, source: 'trade', bookId: null, tradeId: 't-1' });
  s.paper.useTrade('t-1', 'TS-E1-A', 400);
  s.paper.useTrade('t-1', 'TS-E1-A', 100);
  expect(s.paper.tradeUsed('t-1')).toBe(500);
  expect(() => s.paper.insertFill({ orderId: o.id, countCentis: 1, priceMicros: 1, feeMicros: 0, atMs: 6, source: 'book', bookId: null, tradeId: null })).toThrow(/CHECK/);
  s.paper.setFilled(o.id, 400, 'resting', 6);
  expect(s.paper.close(o.id, 'expired', 605_000, 'ttl')).toBe(true);
  expect(s.paper.close(o.id, 'canceled', 605_001, 'again')).toBe(false);
  expect(s.paper.order(o.id)).toMatchObject({ status: 'expired', filledCentis: 400, closedAtMs: 605_000, closeReason: 'ttl' });
  s.paper.addLedger({ atMs: 6, kind: 'buy_cost', amountMicros: -176_000, ticker: 'TS-E1-A', orderId: o.id, fillId: 1, note: null });
  s.paper.addLedger({ atMs: 6, kind: 'fee', amountMicros: -8_700, ticker: 'TS-E1-A', orderId: o.id, fillId: 1, note: null });
  expect(s.paper.cashMicros(10_000_000_000)).toBe(9_999_815_300);
  expect(() => s.paper.addLedger({ atMs: 6, kind: 'fee', amountMicros: -0.5, ticker: null, orderId: null, fillId: null, note: null })).toThrow('must be an integer');
  s.paper.putPosition({ ticker: 'TS-E1-A', side: 'yes', eventTicker: 'TS-E1', countCentis: 400, costMicros: 184_700, realizedPnlMicros: 0, settledResult: null, settledAtMs: null });
  expect(s.paper.positions({ open: true }).map((p) => [p.ticker, p.countCentis, p.costMicros])).toEqual([['TS-E1-A', 400, 184_700]]);

  s.scans.record({ firstRunId: 'f', cycle: 1 }, 1, [snap('TS-E1-A', 450_000)]);
  s.decisions.record({ firstRunId: 'f', cycle: 1 }, 1, []);
  expect(s.paper.resetPaper(true)).toEqual({ paper_fills: 1, paper_trade_use: 1, paper_positions: 1, paper_ledger: 2, paper_orders: 1 });
  expect([s.paper.orders(), s.paper.fills(), s.paper.positions(), s.paper.ledger(), s.paper.cashMicros(250_000_000)]).toEqual([[], [], [], [], 250_000_000]);
  expect(s.scans.latestFor({ firstRunId: 'f', cycle: 1 })).not.toBeNull();
  expect(() => s.paper.resetPaper(false as unknown as true)).toThrow('confirm: true');
  s.close();
});
