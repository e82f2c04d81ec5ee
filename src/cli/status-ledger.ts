/**
 * The ledger and last-cycle parts of `kalshi-autopilot status`, read from the lane DB (read-only).
 *
 * ledger (dry-run, source "paper"): the paper tables as they are now —
 *   cash     = trading.bankroll + Σ paper ledger entries
 *   equity   = trading.bankroll + realised P&L + Σ (mark − cost) of open positions (src/domain/capital.ts laneEquity),
 *              each position marked by src/domain/marking.ts on the latest scanned snapshot of its market (at cost when
 *              never scanned)
 *   exposure = Σ cost of open positions + Σ notional (rounded up) of what resting buys still want (capital.ts)
 * cash and equity need trading.bankroll: null (with a note) when the config is unusable.
 * ledger (live, source "live"): the live ledger reconciliation booked and the journal's open orders, with the
 *   reconciliation state (status-live-ledger.ts); source "last_cycle" (the figures the last finished cycle recorded,
 *   cycles.summary_json) only for a live lane that has neither reconciled nor journalled anything.
 * lastCycle: the last finished cycle's counts, and its one-line reason when it placed nothing (CycleSummary).
 * Money is fixed-point dollar text: 4 decimals, 6 when 4 would round; counts 2 decimals.
 */
import type { Database } from 'better-sqlite3';
import { Micros, formatCount, formatDollarsExact } from '../domain/fixed';
import { laneEquity, totalExposure } from '../domain/capital';
import { markPositionWithBasis } from '../domain/marking';
import type { MarketSnapshot } from '../domain/trading-types';
import { displayPath, safeErrorMessage } from '../observability/redact';
import { CycleStore, PaperStore } from '../store';
import { LaneCliOptions, LaneTarget, prepareLane } from './lane';
import { hasTables, withReadOnlyLaneDb } from './read-lane-db';
import { liveLedgerStatus, liveReconciliationLines, type LiveReconciliationStatus } from './status-live-ledger';

export interface LedgerPosition {
  ticker: string;
  side: 'yes' | 'no';
  count: string;
  cost: string;
  mark: string;
  markBasis: 'settlement' | 'bid' | 'last' | 'cost';
  /** When the snapshot it was marked on was scanned (ISO); null when marked at cost for want of one. */
  markedAt: string | null;
}

export interface LedgerResting {
  ticker: string;
  side: 'yes' | 'no';
  action: 'buy' | 'sell';
  price: string;
  remaining: string;
  expiresAt: string;
}

export interface LedgerStatus {
  source: 'paper' | 'live' | 'last_cycle';
  /** source last_cycle: the cycle whose figures these are. */
  asOfCycle: number | null;
  bankroll: string | null;
  cash: string | null;
  realizedPnl: string | null;
  equity: string | null;
  exposure: string | null;
  openPositions: number;
  restingOrders: number;
  /** source paper: each open position and resting order; null for last_cycle. */
  positions: LedgerPosition[] | null;
  resting: LedgerResting[] | null;
  note: string | null;
  /** source live: the reconciliation state behind these figures. */
  reconciliation?: LiveReconciliationStatus;
}

export interface LastCycleStatus {
  cycle: number;
  firstRunId: string;
  outcome: string;
  finishedAt: string;
  /** orders === 0 (null when the cycle recorded no counts). */
  placedNothing: boolean | null;
  /** Why it placed nothing, one line (null when it placed something or said nothing). */
  whyNoTrade: string | null;
  scanned: number | null;
  inScope: number | null;
  estimates: number | null;
  opportunities: number | null;
  orders: number | null;
  fills: number | null;
  skipped: Record<string, number>;
  bestEdge: string | null;
  failedStage: string | null;
  /** Live lanes: the cycle's cancels of resting orders (present only when the cycle ran the cancel step). */
  cancels?: { requested: number; canceled: number; gone: number; retry: number; failed: number };
}

export interface StatusExtras {
  ledger: LedgerStatus | { error: string } | null;
  lastCycle: LastCycleStatus | { error: string } | null;
}

const money = (m: Micros) => formatDollarsExact(m);
const iso = (ms: number) => new Date(ms).toISOString();
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isSafeInteger(v) ? v : null);
const text = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/** trading.bankroll of the lane's config, or null when the config is unusable (status must still work). */
export function bankrollOf(o: LaneCliOptions, lane: Pick<LaneTarget, 'note'>): Micros | null {
  if (lane.note) return null;
  try {
    return prepareLane(o, { validate: false }).ctx.bankrollMicros;
  } catch {
    return null;
  }
}

function latestSnapshot(db: Database, ticker: string): { market: MarketSnapshot; atMs: number } | null {
  const r = db
    .prepare('SELECT sm.snapshot_json AS j, s.at_ms AS at FROM scan_markets sm JOIN scans s ON s.id = sm.scan_id WHERE sm.ticker = ? ORDER BY s.at_ms DESC, s.id DESC LIMIT 1')
    .get(ticker) as { j: string; at: number } | undefined;
  return r ? { market: JSON.parse(r.j) as MarketSnapshot, atMs: r.at } : null;
}

function paperLedger(db: Database, bankroll: Micros | null): LedgerStatus {
  const paper = new PaperStore(db);
  const scans = hasTables(db, 'scans', 'scan_markets');
  const open = paper.positions({ open: true });
  const resting = paper.orders({ status: 'resting' });
  const marked = open.map((p) => {
    const snap = scans ? latestSnapshot(db, p.ticker) : null;
    const mark = snap ? markPositionWithBasis(p, snap.market) : { valueMicros: p.costMicros, basis: 'cost' as const };
    return { p, mark, atMs: snap && mark.basis !== 'cost' ? snap.atMs : null };
  });
  const realized = paper.realizedPnlMicros();
  const exposure = totalExposure(open, resting.filter((o) => o.action === 'buy').map((o) => ({ priceMicros: o.limitPriceMicros, remainingCentis: o.countCentis - o.filledCentis })));
  return {
    source: 'paper',
    asOfCycle: null,
    bankroll: bankroll === null ? null : money(bankroll),
    cash: bankroll === null ? null : money(paper.cashMicros(bankroll)),
    realizedPnl: money(realized),
    equity: bankroll === null ? null : money(laneEquity(bankroll, realized, marked.map(({ p, mark }) => ({ costMicros: p.costMicros, markMicros: mark.valueMicros })))),
    exposure: money(exposure),
    openPositions: open.length,
    restingOrders: resting.length,
    positions: marked.map(({ p, mark, atMs }) => ({
      ticker: p.ticker, side: p.side, count: formatCount(p.countCentis), cost: money(p.costMicros), mark: money(mark.valueMicros), markBasis: mark.basis,
      markedAt: atMs === null ? null : iso(atMs),
    })),
    resting: resting.map((o) => ({
      ticker: o.ticker, side: o.side, action: o.action, price: money(o.limitPriceMicros), remaining: formatCount(o.countCentis - o.filledCentis), expiresAt: iso(o.expiresAtMs),
    })),
    note: bankroll === null ? 'trading.bankroll unknown (config unusable): cash and equity not computed' : null,
  };
}

function cycleLedger(last: { cycle: number; summary: Record<string, unknown> } | null): LedgerStatus | null {
  if (!last || !('cash' in last.summary || 'equity' in last.summary)) return null;
  const s = last.summary;
  return {
    source: 'last_cycle', asOfCycle: last.cycle, bankroll: null, cash: text(s.cash), realizedPnl: null, equity: text(s.equity), exposure: text(s.exposure),
    openPositions: num(s.openPositions) ?? 0, restingOrders: num(s.restingOrders) ?? 0, positions: null, resting: null, note: null,
  };
}

function lastCycleOf(r: { cycle: number; firstRunId: string; outcome: string; finishedAtMs: number; summary: Record<string, unknown> }): LastCycleStatus {
  const s = r.summary;
  const orders = num(s.orders);
  const skipped: Record<string, number> = {};
  if (s.skipped && typeof s.skipped === 'object' && !Array.isArray(s.skipped)) {
    for (const [k, v] of Object.entries(s.skipped as Record<string, unknown>)) if (num(v) !== null) skipped[k] = v as number;
  }
  return {
    cycle: r.cycle, firstRunId: r.firstRunId, outcome: r.outcome, finishedAt: iso(r.finishedAtMs),
    placedNothing: orders === null ? null : orders === 0,
    whyNoTrade: orders === 0 || orders === null ? text(s.whyNoTrade) : null,
    scanned: num(s.scanned), inScope: num(s.inScope), estimates: num(s.estimates), opportunities: num(s.opportunities), orders, fills: num(s.fills),
    skipped, bestEdge: text(s.bestEdge), failedStage: text(s.failedStage),
    ...cancelsOf(s.cancels),
  };
}

function cancelsOf(v: unknown): Pick<LastCycleStatus, 'cancels'> {
  if (!v || typeof v !== 'object') return {};
  const c = v as Record<string, unknown>;
  const k = ['requested', 'canceled', 'gone', 'retry', 'failed'] as const;
  if (!k.every((x) => num(c[x]) !== null)) return {};
  return { cancels: { requested: c.requested as number, canceled: c.canceled as number, gone: c.gone as number, retry: c.retry as number, failed: c.failed as number } };
}

/** The ledger and the last finished cycle of a lane whose DB exists and is its own. Never throws: errors are reported. */
export function readStatusExtras(lane: Pick<LaneTarget, 'dbPath' | 'dbFrom' | 'mode' | 'env' | 'lane'>, bankroll: Micros | null): StatusExtras {
  try {
    return withReadOnlyLaneDb(lane, (db) => {
      const last = new CycleStore(db).latest(lane.lane, 10).find((c) => c.finishedAtMs !== null) ?? null;
      const lastCycle = last ? lastCycleOf({ ...last, finishedAtMs: last.finishedAtMs! }) : null;
      let ledger: StatusExtras['ledger'] = null;
      try {
        ledger = lane.mode === 'dry-run'
          ? (hasTables(db, 'paper_orders', 'paper_positions', 'paper_ledger') ? paperLedger(db, bankroll) : null)
          : (liveLedgerStatus(db, bankroll) ?? cycleLedger(last));
      } catch (err) {
        ledger = { error: safeErrorMessage(err) };
      }
      return { ledger, lastCycle };
    });
  } catch (err) {
    const e = { error: safeErrorMessage(err) };
    return { ledger: e, lastCycle: e };
  }
}

/** The status lines of the ledger and the last cycle (indented like the rest of status). */
export function statusExtraLines(x: StatusExtras, dbPath: string): string[] {
  const lines: string[] = [];
  const l = x.ledger;
  if (l && 'error' in l) {
    lines.push(`  ledger: cannot read: ${l.error}`);
  } else if (l) {
    const $ = (v: string | null) => (v === null ? 'unknown' : `$${v}`);
    const from = l.source === 'paper' ? `paper, now; bankroll ${$(l.bankroll)}`
      : l.source === 'live' ? `live, as reconciled${l.asOfCycle === null ? '' : ` at cycle #${l.asOfCycle}`}; bankroll ${$(l.bankroll)}`
      : `as of cycle #${l.asOfCycle}`;
    lines.push(
      `  ledger (${from}): cash ${$(l.cash)}  equity ${$(l.equity)}  exposure ${$(l.exposure)}${l.realizedPnl !== null ? `  realised P&L ${$(l.realizedPnl)}` : ''}`,
      `  open positions: ${l.openPositions}  resting orders: ${l.restingOrders}`,
    );
    for (const p of l.positions ?? []) lines.push(`    ${p.ticker} ${p.side} ${p.count}  cost $${p.cost}  mark $${p.mark} (${p.markBasis}${p.markedAt ? ` at ${p.markedAt}` : ''})`);
    for (const o of l.resting ?? []) lines.push(`    resting ${o.action} ${o.ticker} ${o.side} ${o.remaining} @ $${o.price} until ${o.expiresAt}`);
    if (l.note) lines.push(`  ledger note: ${l.note}`);
    if (l.reconciliation) lines.push(...liveReconciliationLines(l.reconciliation));
  } else {
    lines.push(`  ledger: none recorded in ${displayPath(dbPath)}`);
  }
  const c = x.lastCycle;
  if (c && 'error' in c) {
    if (!(l && 'error' in l)) lines.push(`  last cycle: cannot read: ${c.error}`);
  } else if (c) {
    const n = (v: number | null) => (v === null ? '?' : String(v));
    lines.push(
      `  last finished cycle #${c.cycle} ${c.outcome} at ${c.finishedAt}: scanned ${n(c.scanned)}, in scope ${n(c.inScope)}, estimates ${n(c.estimates)}, ` +
        `opportunities ${n(c.opportunities)}, orders ${n(c.orders)}, fills ${n(c.fills)}` +
        (c.cancels ? `, cancels ${c.cancels.canceled} canceled / ${c.cancels.gone} gone / ${c.cancels.retry} cancel_retry / ${c.cancels.failed} failed` : ''),
    );
    if (c.placedNothing === true) lines.push(`    placed nothing: ${c.whyNoTrade ?? (c.failedStage ? `failed at ${c.failedStage}` : `outcome ${c.outcome}`)}`);
  }
  return lines;
}
