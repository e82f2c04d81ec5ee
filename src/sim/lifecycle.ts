/**
 * Market life over time: open (initialized → active), close (→ closed, resting orders cancelled), determination
 * (→ determined, result from a seeded draw against the hidden true probability), finalization after the settlement
 * timer (→ finalized, payouts to /portfolio/settlements, positions removed), GTC expirations, maintenance pauses.
 */
import { ONE_DOLLAR, notional } from '../domain/fixed';
import type { Exchange } from './exchange';
import { rngFor } from './prng';
import { recordAccount } from './read-lag';
import type { MarketResult, SimMarket } from './types';

export function drawResult(seed: number, m: SimMarket): MarketResult {
  return rngFor(seed, 'settle', m.ticker).int(1_000_000) < m.trueProbability ? 'yes' : 'no';
}

/** Apply every transition due at or before `ms` (the exchange's now is set to each transition's own time). */
export function runLifecycle(ex: Exchange, seed: number, ms: number, prevMs: number): void {
  // Maintenance pause starts in (prevMs, ms]: cancel orders flagged cancel_order_on_pause.
  for (const w of ex.maintenance) {
    if (w.startMs > prevMs && w.startMs <= ms && ex.tradingOverride === null) {
      withTime(ex, w.startMs, () => {
        for (const o of ex.orders.values()) if (o.status === 'resting' && o.cancelOnPause) ex.cancelResting(o, 'maintenance');
      });
    }
  }
  for (const m of ex.markets.values()) {
    if (m.status === 'initialized' && m.openMs <= ms && m.closeMs > ms) {
      m.status = 'active';
      m.updatedMs = m.openMs;
    }
    if ((m.status === 'initialized' || m.status === 'active' || m.status === 'inactive') && m.closeMs <= ms) {
      withTime(ex, m.closeMs, () => {
        ex.clearBook(m.ticker);
        m.status = 'closed';
        m.updatedMs = ex.nowMs;
      });
    }
    if (m.status === 'closed' && m.determineMs <= ms) {
      withTime(ex, m.determineMs, () => determine(ex, seed, m));
    }
    if (m.status === 'determined' && m.determinedMs !== undefined && m.determinedMs + m.settlementTimerSeconds * 1000 <= ms) {
      withTime(ex, m.determinedMs + m.settlementTimerSeconds * 1000, () => finalize(ex, m));
    }
  }
  // GTC expirations.
  for (const o of ex.orders.values()) {
    if (o.status === 'resting' && o.expirationSec !== undefined && o.expirationSec * 1000 <= ms) {
      withTime(ex, o.expirationSec * 1000, () => ex.cancelResting(o, 'expired'));
    }
  }
}

function withTime(ex: Exchange, ms: number, f: () => void): void {
  const saved = ex.nowMs;
  ex.nowMs = ms;
  try {
    f();
  } finally {
    ex.nowMs = saved;
  }
}

export function determine(ex: Exchange, seed: number, m: SimMarket): void {
  m.result = m.forcedResult ?? drawResult(seed, m);
  m.status = 'determined';
  m.determinedMs = ex.nowMs;
  m.updatedMs = ex.nowMs;
}

export function finalize(ex: Exchange, m: SimMarket): void {
  m.status = 'finalized';
  m.settledMs = ex.nowMs;
  m.updatedMs = ex.nowMs;
  for (const acct of ex.accounts.values()) {
    const p = acct.positions.get(m.ticker);
    if (!p) continue;
    const yes = Math.max(0, p.position);
    const no = Math.max(0, -p.position);
    const winning = m.result === 'yes' ? yes : no;
    const revenue = notional(ONE_DOLLAR, winning);
    acct.balance += revenue;
    acct.updatedMs = ex.nowMs;
    const settlement = {
      ticker: m.ticker, eventTicker: m.eventTicker, result: m.result as 'yes' | 'no', yesCount: yes, noCount: no,
      yesTotalCost: yes > 0 ? p.costBasis : 0, noTotalCost: no > 0 ? p.costBasis : 0, revenue, feeCost: p.feesPaid, settledMs: ex.nowMs,
    };
    acct.settlements.push(settlement);
    ex.history.settlement(acct.id, settlement);
    acct.positions.delete(m.ticker);
    recordAccount(acct, ex.nowMs);
  }
}

/** Settle now: close if needed, determine with `result` (or the seeded draw), finalize. */
export function forceSettle(ex: Exchange, seed: number, ticker: string, result?: MarketResult): SimMarket {
  const m = ex.markets.get(ticker);
  if (!m) throw new Error(`forceSettle: unknown market ${ticker}`);
  if (m.status === 'finalized') throw new Error(`forceSettle: ${ticker} is already finalized`);
  if (result) m.forcedResult = result;
  if (m.status === 'initialized' || m.status === 'active' || m.status === 'inactive') {
    ex.clearBook(ticker);
    m.status = 'closed';
    m.closeMs = Math.min(m.closeMs, ex.nowMs);
  }
  if (m.status === 'closed') determine(ex, seed, m);
  else if (result && m.status === 'determined') m.result = result;
  finalize(ex, m);
  return m;
}
