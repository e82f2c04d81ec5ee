/** Order groups: a contracts limit over a rolling 15-second window of matched contracts; hitting it cancels the group. */
import type { Centis } from '../domain/fixed';

export const ORDER_GROUP_WINDOW_MS = 15_000;

export interface OrderGroup {
  id: string;
  accountId: string;
  /** The subaccount it was created in (the body's `subaccount`, omitted = 0); only its orders may join it. */
  subaccount: number;
  limit: Centis;
  window: Array<{ ms: number; count: Centis }>;
  triggered: boolean;
  orderIds: string[];
}

/** Record matched contracts; returns true when the group has just reached its limit. */
export function recordMatched(g: OrderGroup, ms: number, count: Centis): boolean {
  g.window.push({ ms, count });
  while (g.window.length > 0 && g.window[0].ms <= ms - ORDER_GROUP_WINDOW_MS) g.window.shift();
  if (g.window.length > 10_000) g.window.splice(0, g.window.length - 10_000);
  const sum = g.window.reduce((s, w) => s + w.count, 0);
  if (!g.triggered && sum >= g.limit) {
    g.triggered = true;
    return true;
  }
  return false;
}

export function wouldTriggerNow(g: OrderGroup, ms: number): boolean {
  const sum = g.window.filter((w) => w.ms > ms - ORDER_GROUP_WINDOW_MS).reduce((s, w) => s + w.count, 0);
  return sum >= g.limit;
}
