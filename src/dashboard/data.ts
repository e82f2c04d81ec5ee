/**
 * What the dashboard shows, read from the lane DB opened READ-ONLY (the worker keeps running and writing): the mode
 * banner, the control state, the equity curve with drawdown, exposure over time, P&L by UTC day, open positions and
 * resting orders, the last cycles with their outcome and "why no trade" line, guard hits, LLM spend, model scores and
 * the reliability diagram. Plain data: money as the store's fixed-point decimal text or integer micros, never floats
 * in a ledger figure. No config and no environment is read here, so no secret can reach a page.
 */
import type { Database } from 'better-sqlite3';
import { initialControlState, type ControlState } from '../domain/control';
import { formatDollarsExact, parseDollars } from '../domain/fixed';
import { statusWordFor } from '../domain/reason-codes';
import type { QualityRules } from '../domain/scoring';
import { qualityRows, rowJson, type QualityRowJson } from '../cli/quality-report';
import { readForecasts, readQualityStatus, type QualityStatus } from '../cli/quality-view';
import { hasTables } from '../cli/read-lane-db';
import { ControlStore, CycleStore } from '../store';

export interface LaneBanner {
  lane: string;
  mode: 'dry-run' | 'live';
  env: 'sim' | 'demo' | 'prod';
  /** PAPER for dry-run, LIVE for live. */
  word: 'PAPER' | 'LIVE';
}

export interface CurvePoint {
  cycle: number;
  atMs: number;
  /** Fixed-point decimal text from the cycle summary (null when the cycle recorded none). */
  equity: string | null;
  exposure: string | null;
  cash: string | null;
  /** Peak equity so far minus this equity (micros, ≥ 0); null without equity. */
  drawdownMicros: number | null;
}

export interface DayPnl {
  day: string;
  /** Last equity of the day minus the last equity of the day before (the day's first equity for the first day), micros. */
  pnlMicros: number;
  pnl: string;
}

export interface CycleLine {
  cycle: number;
  firstRunId: string;
  startedAtMs: number;
  finishedAtMs: number | null;
  outcome: string;
  orders: number | null;
  whyNoTrade: string | null;
}

export interface PositionLine {
  ticker: string;
  side: string;
  count_centis: number;
  cost_micros: number;
}

export interface OrderLine {
  ticker: string;
  side: string;
  action: string;
  price_micros: number;
  count_centis: number;
  status: string;
}

export interface DashboardData {
  banner: LaneBanner;
  control: { statusWord: string; killSwitch: ControlState['killSwitch']; paused: boolean; latchedHalts: ControlState['latchedHalts'] };
  curve: CurvePoint[];
  pnlByDay: DayPnl[];
  positions: PositionLine[];
  orders: OrderLine[];
  cycles: CycleLine[];
  guardHits: Record<string, number>;
  llm: { calls: number; spentMicros: number; spent: string } | null;
  quality: QualityStatus | null;
  scores: QualityRowJson[];
}

export const CURVE_CYCLES = 2000;
export const LAST_CYCLES = 20;

const micros = (t: string | null): number | null => {
  if (t === null) return null;
  try {
    return parseDollars(t, 'equity');
  } catch {
    return null;
  }
};

export function readCurve(db: Database, lane: string): CurvePoint[] {
  const rows = new CycleStore(db).latest(lane, CURVE_CYCLES).reverse();
  let peak: number | null = null;
  return rows.map((r) => {
    const s = r.summary as { equity?: string | null; exposure?: string | null; cash?: string | null };
    const eq = micros(s.equity ?? null);
    if (eq !== null) peak = peak === null ? eq : Math.max(peak, eq);
    return {
      cycle: r.cycle, atMs: r.finishedAtMs ?? r.startedAtMs, equity: s.equity ?? null, exposure: s.exposure ?? null, cash: s.cash ?? null,
      drawdownMicros: eq === null || peak === null ? null : peak - eq,
    };
  });
}

export function pnlByDay(curve: readonly CurvePoint[]): DayPnl[] {
  const days = new Map<string, { first: number; last: number }>();
  for (const p of curve) {
    const eq = micros(p.equity);
    if (eq === null) continue;
    const day = new Date(p.atMs).toISOString().slice(0, 10);
    const d = days.get(day);
    if (d) d.last = eq;
    else days.set(day, { first: eq, last: eq });
  }
  const out: DayPnl[] = [];
  let prev: number | null = null;
  for (const [day, d] of [...days].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    const pnl = d.last - (prev ?? d.first);
    out.push({ day, pnlMicros: pnl, pnl: formatDollarsExact(pnl) });
    prev = d.last;
  }
  return out;
}

function positions(db: Database, mode: 'dry-run' | 'live'): PositionLine[] {
  if (mode === 'dry-run') {
    return db.prepare('SELECT ticker, side, count_centis, cost_micros FROM paper_positions WHERE count_centis > 0 AND settled_result IS NULL ORDER BY ticker, side').all() as PositionLine[];
  }
  if (!hasTables(db, 'live_positions')) return [];
  return (db.prepare('SELECT ticker, position_centis, cost_micros FROM live_positions WHERE position_centis != 0 ORDER BY ticker').all() as { ticker: string; position_centis: number; cost_micros: number }[])
    .map((r) => ({ ticker: r.ticker, side: r.position_centis > 0 ? 'yes' : 'no', count_centis: Math.abs(r.position_centis), cost_micros: r.cost_micros }));
}

function orders(db: Database, mode: 'dry-run' | 'live'): OrderLine[] {
  if (mode === 'dry-run') {
    return db.prepare(`SELECT ticker, side, action, limit_price_micros AS price_micros, count_centis - filled_centis AS count_centis, status
        FROM paper_orders WHERE status = 'resting' ORDER BY id`).all() as OrderLine[];
  }
  if (!hasTables(db, 'order_journal')) return [];
  return db.prepare(`SELECT ticker, side, action, price_micros, count_centis, status FROM order_journal
      WHERE status IN ('pending_submit', 'resting', 'unknown') ORDER BY rowid`).all() as OrderLine[];
}

function llmSpend(db: Database): DashboardData['llm'] {
  if (!hasTables(db, 'llm_calls')) return null;
  const r = db.prepare('SELECT COUNT(*) AS n, COALESCE(SUM(charged_micros), 0) AS m FROM llm_calls').get() as { n: number; m: number };
  return { calls: r.n, spentMicros: r.m, spent: formatDollarsExact(r.m) };
}

export function readDashboard(db: Database, banner: Omit<LaneBanner, 'word'>, rules: QualityRules, rulesFrom: 'config' | 'defaults'): DashboardData {
  const control = (hasTables(db, 'control_state') ? new ControlStore(db).read() : null) ?? initialControlState();
  const curve = readCurve(db, banner.lane);
  const recent = new CycleStore(db).latest(banner.lane, LAST_CYCLES);
  const guardHits: Record<string, number> = {};
  for (const c of recent) {
    for (const [code, n] of Object.entries((c.summary as { skipped?: Record<string, number> }).skipped ?? {})) {
      if (Number.isSafeInteger(n)) guardHits[code] = (guardHits[code] ?? 0) + n;
    }
  }
  const forecasts = readForecasts(db) ?? [];
  return {
    banner: { ...banner, word: banner.mode === 'live' ? 'LIVE' : 'PAPER' },
    control: { statusWord: statusWordFor(control), killSwitch: control.killSwitch, paused: control.paused, latchedHalts: control.latchedHalts },
    curve,
    pnlByDay: pnlByDay(curve),
    positions: hasTables(db, 'paper_positions') ? positions(db, banner.mode) : [],
    orders: hasTables(db, 'paper_orders') ? orders(db, banner.mode) : [],
    cycles: recent.map((c) => {
      const s = c.summary as { orders?: number; whyNoTrade?: string | null };
      return { cycle: c.cycle, firstRunId: c.firstRunId, startedAtMs: c.startedAtMs, finishedAtMs: c.finishedAtMs, outcome: c.outcome, orders: s.orders ?? null, whyNoTrade: s.whyNoTrade ?? null };
    }),
    guardHits,
    llm: llmSpend(db),
    quality: readQualityStatus(db, rules, rulesFrom),
    scores: qualityRows(forecasts, rules).map(rowJson),
  };
}
