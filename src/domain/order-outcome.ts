/**
 * What a create's answer means for the journal (issue 9 "Idempotency"; table in docs/journal.md). Pure.
 *
 *   confirmed  201 with a readable ack → resting (remaining > 0), executed (filled the whole count) or canceled
 *              (remaining 0 with less filled: self-trade prevention cancelled the rest; fills so far are kept)
 *   rejected   a KNOWN refusal, nothing was placed: 400, 401, 403, 404, 409 with a readable code other than
 *              order_already_exists, 410, 429
 *   unknown    timeout, dropped connection, 408, 5xx, an unreadable 2xx, a 409 without a readable code, any status not
 *              listed. 409 order_already_exists (and an unreadable 2xx) is `unknown` too, with `lookup: true`: it
 *              proves the order exists, so it is looked up (never re-placed, never rejected).
 * The client's own classification is not trusted blindly: `rejected` is re-checked against the status list here, so a
 * mistake there can only make an answer unknown, never silently rejected.
 *
 * Resolving an unknown (`resolveUnknown`) from findOrderByClientOrderId's three-way answer:
 *   found        → the order's status (resting / executed / canceled) and its exchange id
 *   absent       → rejected, "not placed (…)", ONLY when the exchange's user-data timestamp is after the latest send's
 *                  end (`notBeforeMs`); the walk was complete (find-order returns absent only then)
 *   cannot_tell  → stays unknown
 */
import type { Centis } from './fixed';
import { formatCount } from './fixed';

/** The parts of the venue's WriteResult<CreateOrderAck> this reads (src/venues/kalshi WriteResult fits). */
export type CreateResultLike =
  | { outcome: 'ok'; value: { orderId: string; clientOrderId: string | null; fillCount: Centis; remainingCount: Centis } }
  | { outcome: 'rejected' | 'already_exists' | 'unknown'; error: { name: string; message: string; status?: number; code?: string; kind?: string } };

export type CreateOutcome =
  | { status: 'resting' | 'executed' | 'canceled'; exchangeOrderId: string; filledCentis: Centis; detail: string }
  | { status: 'rejected'; detail: string }
  /** lookup: the answer proves the order exists (409 order_already_exists, a 2xx we could not read): resolve it by
   * the orders walk — a resend would only be refused as a duplicate. false: a byte-identical resend may settle it. */
  | { status: 'unknown'; lookup: boolean; detail: string };

/** Statuses that are refusals (nothing executed), given a readable error code for 409. */
const REFUSED: ReadonlySet<number> = new Set([400, 401, 403, 404, 409, 410, 429]);

export const NOT_PLACED_DETAIL = 'not placed (complete walk after the user-data timestamp passed the send time)';

function describe(e: { name: string; message: string; status?: number; code?: string; kind?: string }): string {
  if (typeof e.status === 'number') return `HTTP ${e.status} ${e.code ?? ''}: ${e.message}`.replace(' :', ':');
  return `${e.kind ?? e.name}: ${e.message}`;
}

export function outcomeOfCreate(result: CreateResultLike, countCentis: Centis): CreateOutcome {
  if (result.outcome === 'ok') {
    const a = result.value;
    const ok = a && typeof a.orderId === 'string' && a.orderId !== '' && Number.isSafeInteger(a.fillCount) && Number.isSafeInteger(a.remainingCount)
      && a.fillCount >= 0 && a.remainingCount >= 0 && a.fillCount + a.remainingCount <= countCentis;
    if (!ok) return { status: 'unknown', lookup: true, detail: `201 with an ack that does not add up (fill ${a?.fillCount}, remaining ${a?.remainingCount}, count ${countCentis})` };
    const detail = `201: order ${a.orderId}, filled ${formatCount(a.fillCount)} of ${formatCount(countCentis)}, remaining ${formatCount(a.remainingCount)}`;
    const status = a.remainingCount > 0 ? 'resting' : a.fillCount === countCentis ? 'executed' : 'canceled';
    return { status, exchangeOrderId: a.orderId, filledCentis: a.fillCount, detail };
  }
  const e = result.error;
  if (result.outcome === 'already_exists') {
    return { status: 'unknown', lookup: true, detail: `409 order_already_exists: the order exists; look it up (${describe(e)})` };
  }
  if (result.outcome === 'rejected') {
    const code = e.code ?? '';
    const readable409 = e.status !== 409 || (code !== '' && code !== 'http_409' && !code.startsWith('order_already_exists'));
    if (typeof e.status === 'number' && REFUSED.has(e.status) && readable409) return { status: 'rejected', detail: describe(e) };
    return { status: 'unknown', lookup: false, detail: `reported rejected but not a known refusal: ${describe(e)}` };
  }
  // An unreadable 2xx (KalshiParseError) was accepted by the exchange: look it up. Otherwise a resend may settle it.
  return { status: 'unknown', lookup: e.name === 'KalshiParseError', detail: describe(e) };
}

/** find-order.ts OrderLookup (structurally). */
export type LookupLike =
  | { status: 'found'; order: { orderId: string; status: string; fillCount: Centis; remainingCount: Centis } }
  | { status: 'absent'; asOfTime: string; asOfMs: number }
  | { status: 'cannot_tell'; reason: string; asOfTime: string | null };

export type Resolution =
  | { status: 'resting' | 'executed' | 'canceled'; exchangeOrderId: string; detail: string }
  | { status: 'rejected'; detail: string }
  | { status: 'unknown'; detail: string };

/**
 * The time after which the exchange's data must be fresh before "absent" means "not placed": the later of the
 * latest send and the end of that attempt (journal sentAtMs / attemptEndedAtMs). Null (cannot conclude absent) when
 * the row was never sent or the attempt's end was never recorded.
 */
export function notBeforeMs(row: { sentAtMs: number | null; attemptEndedAtMs: number | null }): number | null {
  if (row.sentAtMs === null || row.attemptEndedAtMs === null) return null;
  return Math.max(row.sentAtMs, row.attemptEndedAtMs);
}

export function resolveUnknown(lookup: LookupLike, notBefore: number | null): Resolution {
  if (lookup.status === 'found') {
    const o = lookup.order;
    if (o.status !== 'resting' && o.status !== 'executed' && o.status !== 'canceled') {
      return { status: 'unknown', detail: `found order ${o.orderId} in an unfamiliar status ${JSON.stringify(o.status)}` };
    }
    return { status: o.status, exchangeOrderId: o.orderId, detail: `found on the exchange: order ${o.orderId} ${o.status}, filled ${formatCount(o.fillCount)}, remaining ${formatCount(o.remainingCount)}` };
  }
  if (lookup.status === 'absent') {
    if (notBefore !== null && Number.isFinite(lookup.asOfMs) && lookup.asOfMs > notBefore) {
      return { status: 'rejected', detail: `${NOT_PLACED_DETAIL}: data as of ${lookup.asOfTime}, send ended ${new Date(notBefore).toISOString()}` };
    }
    return { status: 'unknown', detail: `absent as of ${lookup.asOfTime}, which is not after the send ${notBefore === null ? '(send end not recorded)' : new Date(notBefore).toISOString()}` };
  }
  return { status: 'unknown', detail: `cannot tell: ${lookup.reason}` };
}
