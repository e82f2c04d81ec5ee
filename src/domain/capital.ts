/**
 * Capital and exposure (issue 8 "Capital base"). Pure, integers only (BigInt for products with fractions).
 *
 *   lane equity   = trading.bankroll + realised P&L + Σ (mark − cost) of open positions   (marking.ts)
 *   capital base  = min(lane equity, account equity)        account equity null (dry-run) → lane equity
 *   exposure      = Σ cost of open positions + Σ notional of resting orders — counted ONCE (origin B14 subtracted it
 *                   from cash that was already net of it, capping exposure near half the intended fraction)
 *   exposure room = max(0, max_total_exposure_fraction · capital base − exposure)
 *   daily room    = max(0, max_new_exposure_per_day_fraction · capital base − today's new exposure)
 * Unrealised losses shrink the capital base, hence sizes and rooms; a capital base ≤ 0 leaves no room at all.
 */
import { Centis, Micros, notionalCeil } from './fixed';
import { safeBig as int, toSafeNumber as safe } from './int';

const PPM = 1_000_000n;

function fraction(ppm: number, what: string): bigint {
  if (!Number.isSafeInteger(ppm) || ppm < 0 || ppm > 1_000_000) throw new RangeError(`${what} must be an integer ppm in [0, 1000000] (got ${ppm})`);
  return BigInt(ppm);
}

export interface MarkedPosition {
  costMicros: Micros;
  /** markPosition(...) of the same position. */
  markMicros: Micros;
}

export interface RestingOrder {
  /** Limit price of the side bought (micros per contract). */
  priceMicros: Micros;
  /** What is still resting (centis). */
  remainingCentis: Centis;
}

export function laneEquity(bankrollMicros: Micros, realisedPnlMicros: Micros, positions: readonly MarkedPosition[]): Micros {
  let e = int(bankrollMicros, 'bankroll') + int(realisedPnlMicros, 'realised P&L');
  for (const p of positions) e += int(p.markMicros, 'mark') - int(p.costMicros, 'cost');
  return safe(e, 'lane equity');
}

export function capitalBase(laneEquityMicros: Micros, accountEquityMicros: Micros | null): Micros {
  int(laneEquityMicros, 'lane equity');
  if (accountEquityMicros === null) return laneEquityMicros;
  int(accountEquityMicros, 'account equity');
  return Math.min(laneEquityMicros, accountEquityMicros);
}

/** Σ cost of open positions + Σ notional (rounded up) of what rests — the one exposure figure. */
export function totalExposure(positions: readonly { costMicros: Micros }[], resting: readonly RestingOrder[]): Micros {
  let x = 0n;
  for (const p of positions) x += int(p.costMicros, 'position cost');
  for (const o of resting) {
    if (!Number.isSafeInteger(o.remainingCentis) || o.remainingCentis < 0) throw new RangeError(`resting count must be a non-negative integer (got ${o.remainingCentis})`);
    x += BigInt(notionalCeil(o.priceMicros, o.remainingCentis));
  }
  return safe(x, 'exposure');
}

/** floor(fraction · base) − used, never below 0; 0 when the base is ≤ 0. */
function room(base: Micros, fractionPpm: number, used: Micros, what: string): Micros {
  const b = int(base, 'capital base');
  const f = fraction(fractionPpm, what);
  if (b <= 0n) return 0;
  const r = (f * b) / PPM - int(used, 'used exposure');
  return safe(r > 0n ? r : 0n, what);
}

export function exposureRoom(capitalBaseMicros: Micros, maxTotalExposureFractionPpm: number, exposureMicros: Micros): Micros {
  return room(capitalBaseMicros, maxTotalExposureFractionPpm, exposureMicros, 'max_total_exposure_fraction');
}

export function dailyNewRoom(capitalBaseMicros: Micros, maxNewExposurePerDayFractionPpm: number, todaysNewExposureMicros: Micros): Micros {
  return room(capitalBaseMicros, maxNewExposurePerDayFractionPpm, todaysNewExposureMicros, 'max_new_exposure_per_day_fraction');
}

export interface CapitalInput {
  bankrollMicros: Micros;
  realisedPnlMicros: Micros;
  /** Open positions with their marks (marking.ts). */
  positions: readonly MarkedPosition[];
  restingOrders: readonly RestingOrder[];
  /** The (sub)account's equity from the exchange; null in dry-run. */
  accountEquityMicros: Micros | null;
  /** Cost of positions opened and notional of orders placed today (UTC, logical clock). */
  todaysNewExposureMicros: Micros;
  maxTotalExposureFractionPpm: number;
  maxNewExposurePerDayFractionPpm: number;
}

export interface CapitalSnapshot {
  laneEquityMicros: Micros;
  capitalBaseMicros: Micros;
  exposureMicros: Micros;
  exposureRoomMicros: Micros;
  dailyNewRoomMicros: Micros;
}

/** Everything sizing, guards and status need, computed once per cycle. */
export function capitalSnapshot(i: CapitalInput): CapitalSnapshot {
  const lane = laneEquity(i.bankrollMicros, i.realisedPnlMicros, i.positions);
  const base = capitalBase(lane, i.accountEquityMicros);
  const exposure = totalExposure(i.positions, i.restingOrders);
  return {
    laneEquityMicros: lane,
    capitalBaseMicros: base,
    exposureMicros: exposure,
    exposureRoomMicros: exposureRoom(base, i.maxTotalExposureFractionPpm, exposure),
    dailyNewRoomMicros: dailyNewRoom(base, i.maxNewExposurePerDayFractionPpm, i.todaysNewExposureMicros),
  };
}
