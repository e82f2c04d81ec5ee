/**
 * The idempotency key (Kalshi `client_order_id`), built in the workflow so it is identical on every activity retry
 * and after any crash: `ka1` + the lane's first-execution run id in hex + `-` + the cycle in base 36 + `-` + the
 * intent's index in the cycle's sized list. ≤ 64 chars, charset [A-Za-z0-9-]. A new workflow has a new first run id,
 * so its ids never collide with ids Kalshi has seen (they are permanent). Pure: importable by workflow code.
 */
export const CLIENT_ORDER_ID_PREFIX = 'ka1';
export const CLIENT_ORDER_ID_MAX = 64;

export function runIdHex(firstRunId: string): string {
  const hex = firstRunId.replace(/-/g, '').toLowerCase();
  if (!/^[0-9a-f]+$/.test(hex) || hex.length === 0) throw new RangeError(`first run id ${JSON.stringify(firstRunId)} is not a UUID`);
  return hex;
}

/** The prefix every order of this lane's workflow carries (reconciliation adopts exchange orders by it). */
export function lanePrefix(firstRunId: string): string {
  return `${CLIENT_ORDER_ID_PREFIX}${runIdHex(firstRunId)}-`;
}

export function clientOrderId(firstRunId: string, cycle: number, index: number): string {
  if (!Number.isSafeInteger(cycle) || cycle < 1) throw new RangeError(`cycle must be an integer ≥ 1 (got ${cycle})`);
  if (!Number.isSafeInteger(index) || index < 0) throw new RangeError(`index must be an integer ≥ 0 (got ${index})`);
  const id = `${lanePrefix(firstRunId)}${cycle.toString(36)}-${index.toString(36)}`;
  if (id.length > CLIENT_ORDER_ID_MAX) throw new RangeError(`client_order_id ${id} is longer than ${CLIENT_ORDER_ID_MAX}`);
  return id;
}
