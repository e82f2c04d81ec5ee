/**
 * The lane's Kalshi subaccount (`venues.kalshi.subaccount`; docs/config.md), read from the config in ONE place so that
 * every order-path call names the same one: the create body (order-request.ts), reconciliation's orders / fills /
 * positions / settlements / balance reads, the unknown-order lookup, the cancel sweep and `panic`. A lane that creates
 * in one subaccount and lists or cancels in another sees 404s (counted `gone`) while its orders still rest.
 *
 * null (the default) = no `subaccount` parameter anywhere: creates go to the primary (0); lists read every subaccount.
 */
export interface SubaccountConfig {
  venues: { kalshi: { subaccount: number | null } };
}

/** The subaccount to send, or undefined to send none. */
export function laneSubaccount(config: SubaccountConfig): number | undefined {
  const s = config.venues.kalshi.subaccount;
  return s === null || s === undefined ? undefined : s;
}

/** `{ subaccount }` to spread into a request's options, or `{}`. */
export function subaccountParam(config: SubaccountConfig): { subaccount?: number } {
  const s = laneSubaccount(config);
  return s === undefined ? {} : { subaccount: s };
}
