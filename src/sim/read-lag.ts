/**
 * The read-after-write lag fault (`readLagMs`): the read surface (GET orders, fills, positions, balance) shows the
 * account as it was `readLagMs` ago on the exchange clock (the market clock), like the real exchange whose
 * GET /exchange/user_data_timestamp reports how fresh those reads are (the simulator reports now − readLagMs).
 * - orders created after the cutoff are hidden (absent from lists, 404 by id); older ones show their last state at or
 *   before the cutoff (a just-canceled order still reads `resting`)
 * - fills after the cutoff are hidden
 * - balance and positions are the last account snapshot at or before the cutoff
 * With readLagMs = 0 every read is live. Snapshots are taken on every change; a bounded history is kept.
 */
import type { Micros } from '../domain/fixed';
import type { Account, Position } from './accounts';
import type { SimOrder } from './types';

const MAX_ORDER_SNAPSHOTS = 32;
const MAX_ACCOUNT_SNAPSHOTS = 1_000;

export interface OrderSnapshot { ms: number; order: SimOrder }
export interface AccountSnapshot { ms: number; balance: Micros; positions: Map<string, Position>; updatedMs: number }
/** What GET /portfolio/balance and /portfolio/positions read. */
export type AccountView = Pick<Account, 'balance' | 'positions' | 'updatedMs'>;

export function recordOrder(list: OrderSnapshot[], o: SimOrder, ms: number): void {
  list.push({ ms, order: { ...o } });
  if (list.length > MAX_ORDER_SNAPSHOTS) list.splice(0, list.length - MAX_ORDER_SNAPSHOTS);
}

/** The order as the read surface shows it at `cutoffMs`; null = not visible yet (created after the cutoff). */
export function orderAt(o: SimOrder, list: OrderSnapshot[] | undefined, cutoffMs: number): SimOrder | null {
  if (o.createdMs > cutoffMs) return null;
  let view: SimOrder | null = null;
  for (const s of list ?? []) if (s.ms <= cutoffMs) view = s.order;
  // History trimmed past the cutoff: the oldest state kept is the closest we have.
  return view ?? list?.[0]?.order ?? o;
}

export function recordAccount(a: Account, ms: number): void {
  const positions = new Map<string, Position>();
  for (const [k, p] of a.positions) positions.set(k, { ...p });
  a.history.push({ ms, balance: a.balance, positions, updatedMs: a.updatedMs });
  if (a.history.length > MAX_ACCOUNT_SNAPSHOTS) a.history.splice(0, a.history.length - MAX_ACCOUNT_SNAPSHOTS);
}

export function accountAt(a: Account, lagMs: number, nowMs: number): AccountView {
  if (lagMs <= 0) return a;
  const cutoff = nowMs - lagMs;
  let view: AccountSnapshot | undefined;
  for (const s of a.history) if (s.ms <= cutoff) view = s;
  view ??= a.history[0];
  return view ?? a;
}

/** An admin balance change (funding) shows at once, also on the lagged surface. */
export function shiftBalanceHistory(a: Account, delta: Micros): void {
  for (const s of a.history) s.balance += delta;
}
