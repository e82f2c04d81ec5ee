/**
 * Exits (issue 8 "Exits"): `strategy.exit_policy` = `hold` (hold every position to settlement) or `take_profit`
 * (sell the held side, reduce-only, when selling it now beats its fair value by `min_edge` after fees). Pure, integers
 * only (importable by workflow code).
 *
 * For each open position (ticker, held side, count), with `take_profit`:
 *   market       the held market this cycle (the scan's snapshot, else one fetched for the held ticker); none,
 *                determined (a result), not `active`, or a fee type we do not model → hold (a skip, no order);
 *   estimate     none → hold (`no_estimate_guard`): without a fair value nothing says the bid is rich;
 *   bid          the held side's best bid (YES: best YES bid; NO: 1 − best YES ask), quoted and on the tick grid, else
 *                hold (`no_quote_guard`);
 *   count        the held count (floored to the count step; never more than is held);
 *   fair         of the held side: YES p, NO 1 − p (ppm = micros per contract);
 *   fee          `saleFee`: what the balance really gives up on a one-fill taker sale of `count` at `bid` — the
 *                trade fee (0.07·m·C·P·(1−P), up to $0.0001) plus the cent flooring of the proceeds;
 *   edge         per contract, floored: (count·(bid − fair) − fee) / count;
 *   exit         when edge ≥ min_edge, i.e. bid − fee/contract ≥ fair + min_edge (fees count against the exit, as
 *                they do against an entry); else hold (`min_edge_guard`).
 * The intent: action `sell`, reduceOnly true, side = the held side, price = the bid, fairPpm of the held side, the
 * estimate's confidence (ranking only), feeMicros = saleFee. Entry rules never apply to it: no min_confidence,
 * heavy-favourite, min_time_to_close, fee allow-list, de-dup or per-cycle cap (guardCycle keeps reduce-only intents
 * unless a code that blocks all orders applies); the final scope check still does.
 */
import { BALANCE_STEP, takerFee } from './fees';
import { QUADRATIC_FEE_TYPES } from './edge';
import { Centis, CENTIS_PER_CONTRACT, formatCount, formatDollarsExact, Micros, MICROS_PER_DOLLAR } from './fixed';
import { ceilDiv, floorDiv, toSafeNumber as safe } from './int';
import { heldSideBid } from './marking';
import { REASON } from './reason-codes';
import { isOnGridFor } from './tick-grid';
import type { DecisionSkip, Estimate, MarketSnapshot, OrderIntent, Side } from './trading-types';

export const EXIT_POLICIES = ['hold', 'take_profit'] as const;
export type ExitPolicy = (typeof EXIT_POLICIES)[number];

/** An open position as the ledger holds it (paper: PaperStore.positions({ open: true })). */
export interface ExitPosition {
  ticker: string;
  eventTicker: string;
  side: Side;
  /** Contracts held and free to sell (centis). */
  countCentis: Centis;
  /** What the held contracts cost (micros, total). Not used by the rule; carried for the record. */
  costMicros: Micros;
}

export interface ExitRules {
  policy: ExitPolicy;
  /** `strategy.min_edge` (micros per contract). */
  minEdge: Micros;
  /** Whole contracts only: 100; else 1 (default). */
  countStepCentis?: Centis;
}

/** A held position not sold this cycle, with what is known for its DecisionRecord. */
export interface ExitSkip extends DecisionSkip {
  confidencePpm: number | null;
}

export interface ExitResult {
  intents: OrderIntent[];
  skips: ExitSkip[];
}

const C100 = BigInt(CENTIS_PER_CONTRACT);

function checkInt(x: number, what: string, min: number, max = Number.MAX_SAFE_INTEGER): void {
  if (!Number.isSafeInteger(x) || x < min || x > max) throw new RangeError(`${what} must be an integer in [${min}, ${max}] (got ${x})`);
}

/**
 * The cash a one-fill taker sale gives up against its gross proceeds (micros, rounded up): proceeds = price × count
 * exactly; the balance gains floor_step(proceeds − trade fee); the difference is the fee. 1 @ 0.70: trade fee
 * 0.07·0.7·0.3 = $0.0147, +$0.70 − $0.0147 = $0.6853 → $0.68, so $0.02.
 */
export function saleFee(count: Centis, price: Micros, multiplierPpm = 1_000_000, balanceStep: Micros = BALANCE_STEP): Micros {
  checkInt(count, 'count', 0);
  checkInt(price, 'price', 0, MICROS_PER_DOLLAR);
  checkInt(balanceStep, 'balance step', 1);
  if (count === 0) return 0;
  const tradeFee = BigInt(takerFee(count, price, multiplierPpm));
  // In micro·centis (1e-8 $) everything below is exact.
  const proceeds = BigInt(price) * BigInt(count);
  const step = BigInt(balanceStep) * C100;
  const received = floorDiv(proceeds - tradeFee * C100, step) * step;
  return safe(ceilDiv(proceeds - received, C100), 'sale fee');
}

/** Net edge per contract of selling `count` at `price` against `fair` (micros per contract, floored). */
export function saleEdgePerContract(count: Centis, fairMicros: Micros, price: Micros, multiplierPpm = 1_000_000): Micros {
  checkInt(count, 'count', 1);
  const fee = BigInt(saleFee(count, price, multiplierPpm));
  return safe(floorDiv(BigInt(count) * BigInt(price - fairMicros) - fee * C100, BigInt(count)), 'sale edge');
}

const $ = formatDollarsExact;

export function exitIntents(
  positions: readonly ExitPosition[],
  markets: readonly MarketSnapshot[],
  estimates: readonly Estimate[],
  rules: ExitRules,
): ExitResult {
  const intents: OrderIntent[] = [];
  const skips: ExitSkip[] = [];
  if (rules.policy !== 'hold' && rules.policy !== 'take_profit') throw new RangeError(`exit policy must be hold or take_profit (got ${String(rules.policy)})`);
  if (rules.policy === 'hold') return { intents, skips };
  checkInt(rules.minEdge, 'min edge', 0, MICROS_PER_DOLLAR);
  const step = rules.countStepCentis ?? 1;
  checkInt(step, 'count step', 1);

  const marketOf = new Map<string, MarketSnapshot>();
  for (const m of markets) if (!marketOf.has(m.ticker)) marketOf.set(m.ticker, m);
  const estimateOf = new Map(estimates.map((e) => [e.ticker, e]));
  const seen = new Set<string>();
  const ordered = [...positions].sort((a, b) => (a.ticker < b.ticker ? -1 : a.ticker > b.ticker ? 1 : a.side < b.side ? -1 : a.side > b.side ? 1 : 0));

  for (const p of ordered) {
    if (p.side !== 'yes' && p.side !== 'no') throw new RangeError(`position ${p.ticker}: side must be yes or no (got ${String(p.side)})`);
    checkInt(p.countCentis, `position ${p.ticker} count`, 0);
    checkInt(p.costMicros, `position ${p.ticker} cost`, -Number.MAX_SAFE_INTEGER);
    const key = `${p.ticker}\u0000${p.side}`;
    if (seen.has(key)) throw new RangeError(`position ${p.ticker} ${p.side} listed twice`);
    seen.add(key);
    if (p.countCentis === 0) continue;

    const est = estimateOf.get(p.ticker);
    const conf = est ? est.confidencePpm : null;
    const skip = (code: string, detail: string, known: Partial<Pick<ExitSkip, 'priceMicros' | 'fairPpm' | 'edgeMicros'>> = {}) =>
      skips.push({
        kind: 'skip', ticker: p.ticker, code, detail: `exit (take_profit): ${detail}`, side: p.side, countCentis: p.countCentis,
        priceMicros: known.priceMicros ?? null, fairPpm: known.fairPpm ?? null, edgeMicros: known.edgeMicros ?? null, confidencePpm: conf,
      });

    const m = marketOf.get(p.ticker);
    if (!m) {
      skip(REASON.no_quote_guard, 'held market not readable this cycle: hold');
      continue;
    }
    if (m.result !== null) {
      skip(REASON.no_quote_guard, `market determined (${m.result}): it settles, no exit`);
      continue;
    }
    if (m.status !== 'active') {
      skip(REASON.no_quote_guard, `market is ${m.status}, not active: hold`);
      continue;
    }
    if (!QUADRATIC_FEE_TYPES.includes(m.feeType)) {
      skip(REASON.fee_unverified_guard, `fee type ${JSON.stringify(m.feeType)} is not modelled: the sale cannot be priced, hold`);
      continue;
    }
    const fair = est ? (p.side === 'yes' ? est.probabilityPpm : MICROS_PER_DOLLAR - est.probabilityPpm) : null;
    if (!est || fair === null) {
      skip(REASON.no_estimate_guard, 'no estimate for the held market: hold');
      continue;
    }
    checkInt(est.probabilityPpm, `estimate ${p.ticker} probability`, 1, MICROS_PER_DOLLAR - 1);
    checkInt(est.confidencePpm, `estimate ${p.ticker} confidence`, 0, MICROS_PER_DOLLAR);
    const bid = heldSideBid(m, p.side);
    if (bid === null || !isOnGridFor(p.side, bid, m.priceRanges)) {
      skip(REASON.no_quote_guard, `no tradeable ${p.side} bid (size 0, price 0/1 or off the grid): hold`, { fairPpm: fair });
      continue;
    }
    const count = p.countCentis - (p.countCentis % step);
    if (count <= 0) {
      skip(REASON.size_zero_guard, `held ${p.countCentis} centis rounds to 0 at a step of ${step}`, { priceMicros: bid, fairPpm: fair });
      continue;
    }
    const fee = saleFee(count, bid, m.feeMultiplierPpm);
    const edge = saleEdgePerContract(count, fair, bid, m.feeMultiplierPpm);
    if (edge < rules.minEdge) {
      skip(
        REASON.min_edge_guard,
        `${p.side} bid ${$(bid)} − fair ${$(fair)} − fee ${$(fee)} on ${formatCount(count)} contracts = ${$(edge)}/contract < min_edge ${$(rules.minEdge)}: hold`,
        { priceMicros: bid, fairPpm: fair, edgeMicros: edge },
      );
      continue;
    }
    intents.push({
      ticker: p.ticker, eventTicker: p.eventTicker, side: p.side, action: 'sell', priceMicros: bid, countCentis: count,
      fairPpm: fair, edgeMicros: edge, confidencePpm: est.confidencePpm, reduceOnly: true, feeMicros: fee,
    });
  }
  return { intents, skips };
}
