/**
 * The one ranking of order intents, used by de-duplication (best per event) and by the per-cycle caps (truncation in
 * score order). Pure, integer only (importable by workflow code).
 *
 * Order: score = |edge| × confidence, descending; then |edge| descending; then ticker ascending. The remaining fields
 * break any further tie (side, action, price, count, event, fair value, fee, reduce-only) so the order is total: the
 * same set of intents sorts the same whatever order it arrived in.
 */
import type { OrderIntent } from './trading-types';

const abs = (x: bigint): bigint => (x < 0n ? -x : x);

/** |edge| × confidence in micro-dollars × ppm (a BigInt: the product can exceed 2^53 for unusual inputs). */
export function intentScore(intent: OrderIntent): bigint {
  return abs(BigInt(intent.edgeMicros)) * BigInt(intent.confidencePpm);
}

function cmpBig(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function cmpNum(a: number, b: number): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Code-unit order (locale independent, deterministic everywhere). */
function cmpStr(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Negative when `a` ranks before `b` (a is better). Throws on a non-integer edge or confidence. */
export function compareIntents(a: OrderIntent, b: OrderIntent): number {
  return (
    cmpBig(intentScore(b), intentScore(a)) ||
    cmpBig(abs(BigInt(b.edgeMicros)), abs(BigInt(a.edgeMicros))) ||
    cmpStr(a.ticker, b.ticker) ||
    cmpStr(a.side, b.side) ||
    cmpStr(a.action, b.action) ||
    cmpNum(a.priceMicros, b.priceMicros) ||
    cmpNum(a.countCentis, b.countCentis) ||
    cmpStr(a.eventTicker, b.eventTicker) ||
    cmpNum(b.fairPpm, a.fairPpm) ||
    cmpNum(a.feeMicros, b.feeMicros) ||
    cmpNum(Number(a.reduceOnly), Number(b.reduceOnly))
  );
}

/** A sorted copy, best first. */
export function rankIntents(intents: readonly OrderIntent[]): OrderIntent[] {
  return [...intents].sort(compareIntents);
}

/** Exits are the intents that only reduce exposure; entry rules (de-dup, caps, entry guards) never touch them. */
export function isExit(intent: OrderIntent): boolean {
  return intent.reduceOnly === true;
}
