/**
 * Checks THE balance assumption (src/domain/balance-assumption.ts, `BALANCE_RESERVES_RESTING_COLLATERAL`) against a
 * real exchange account: places one tiny post-only buy far below the market (1 contract at $0.01 by default; it rests,
 * never takes), reads the balance before and after (after = once the user-data timestamp has passed the create, so the
 * read surface reflects it), cancels the order (always, also after an error) and compares what it saw with the
 * assumption. `preflight` on demo reports the result; tests run it on the simulator.
 *
 * Costs nothing but a few requests (the order is cancelled; a post-only order at $0.01 cannot fill against the book
 * it was checked against). Its client_order_id starts `kachk-`, never the lanes' `ka1` prefix: reconciliation sees it
 * (while it rests) as a foreign order, not as a lane order to adopt.
 */
import { randomBytes } from 'node:crypto';
import { BALANCE_RESERVES_RESTING_COLLATERAL } from '../domain/balance-assumption';
import { formatDollarsExact, notionalCeil, type Centis, type Micros } from '../domain/fixed';
import type { KalshiClient } from '../venues/kalshi';

export type BalanceBehaviour = 'reserves' | 'does_not_reserve';

export interface BalanceAssumptionCheck {
  /** What the bot assumes (BALANCE_RESERVES_RESTING_COLLATERAL). */
  assumption: BalanceBehaviour;
  /** What the account showed: the balance fell by the order's cost, did not move, or something else ('unclear'). */
  observed: BalanceBehaviour | 'unclear';
  agrees: boolean;
  ticker: string;
  balanceBeforeMicros: Micros;
  balanceAfterMicros: Micros;
  collateralMicros: Micros;
  /** The probe order was cancelled (false: it may still rest; cancel it by hand, its id is in `detail`). */
  cancelled: boolean;
  detail: string;
}

export interface BalanceCheckOptions {
  /** The market to probe; default: the first open market whose YES ask is well above the probe price. */
  ticker?: string;
  /** The probe's limit (YES, side's terms); default $0.01. */
  priceMicros?: Micros;
  /** Default 1.00 contract. */
  countCentis?: Centis;
  clientOrderId?: string;
  /** The lane's subaccount (venues.kalshi.subaccount): the probe, both balance reads and the cancel use it. */
  subaccount?: number;
  /** Polls of the user-data timestamp before the after-read (default 10) and the pause between them. */
  freshnessPolls?: number;
  sleep?: (ms: number) => Promise<void>;
  /** Wall clock for the freshness wait (default Date.now corrected by the client's measured skew). */
  nowMs?: () => number;
}

type Client = Pick<KalshiClient, 'listMarkets' | 'getOrderbook' | 'getBalance' | 'createOrder' | 'cancelOrder' | 'getUserDataTimestamp' | 'clockSkewMs'>;

/** An open market where a YES buy at `price` rests far from the market (its best YES ask ≥ price + $0.05). */
async function pickMarket(client: Client, price: Micros): Promise<string> {
  const markets = await client.listMarkets({ status: 'open', limit: 100 }, { maxItems: 100 });
  for (const m of markets) {
    const book = await client.getOrderbook(m.ticker);
    if (!book.bestYesAsk || book.bestYesAsk.price >= price + 50_000) return m.ticker;
  }
  throw new Error('checkBalanceAssumption: no open market where a $0.01 YES buy would rest far from the market (pass a ticker)');
}

export async function checkBalanceAssumption(client: Client, o: BalanceCheckOptions = {}): Promise<BalanceAssumptionCheck> {
  const price = o.priceMicros ?? 10_000;
  const count = o.countCentis ?? 100;
  const sleep = o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const now = o.nowMs ?? (() => Date.now() + (client.clockSkewMs() ?? 0));
  const ticker = o.ticker ?? (await pickMarket(client, price));
  const book = await client.getOrderbook(ticker);
  if (book.bestYesAsk && book.bestYesAsk.price <= price) throw new Error(`checkBalanceAssumption: ${ticker}'s YES ask ${formatDollarsExact(book.bestYesAsk.price)} would fill the probe; pick another market`);
  const assumption: BalanceBehaviour = BALANCE_RESERVES_RESTING_COLLATERAL ? 'reserves' : 'does_not_reserve';
  const collateral = notionalCeil(price, count);
  const sub = o.subaccount !== undefined ? { subaccount: o.subaccount } : {};
  const before = (await client.getBalance(sub)).balance;
  const clientOrderId = o.clientOrderId ?? `kachk-${randomBytes(8).toString('hex')}`;
  const created = await client.createOrder({
    ticker, side: 'yes', action: 'buy', price, count, clientOrderId, timeInForce: 'good_till_canceled', selfTradePrevention: 'taker_at_cross',
    postOnly: true, expirationTime: Math.floor(now() / 1000) + 300, cancelOrderOnPause: true, ...sub,
  });
  if (created.outcome !== 'ok') throw new Error(`checkBalanceAssumption: the probe order on ${ticker} was not placed (${created.outcome}: ${created.error.message})`);
  const orderId = created.value.orderId;
  const placedAt = now();
  let after: Micros = before;
  let cancelled = false;
  try {
    for (let i = 0; i < (o.freshnessPolls ?? 10); i++) {
      const asOf = Date.parse((await client.getUserDataTimestamp()).asOfTime);
      if (Number.isFinite(asOf) && asOf >= placedAt) break;
      await sleep(500);
    }
    after = (await client.getBalance(sub)).balance;
  } finally {
    const c = await client.cancelOrder(orderId, sub);
    cancelled = c.outcome === 'ok' || (c.outcome === 'rejected' && (c.error.status === 404 || c.error.code === 'not_found'));
  }
  const drop = before - after;
  const observed: BalanceAssumptionCheck['observed'] = drop === 0 ? 'does_not_reserve' : drop === collateral ? 'reserves' : 'unclear';
  const agrees = observed === assumption;
  const detail = `probe ${clientOrderId} (order ${orderId}): buy ${count / 100} YES @ ${formatDollarsExact(price)} on ${ticker} resting; balance ${formatDollarsExact(before)} → ${formatDollarsExact(after)} ` +
    `(collateral ${formatDollarsExact(collateral)}): ${observed === 'unclear' ? 'the balance moved by another amount (other activity on the account?): run again' : `the exchange ${observed === 'reserves' ? 'reserves' : 'does not reserve'} resting collateral`}; ` +
    `the bot assumes it ${assumption === 'reserves' ? 'does' : 'does not'} (BALANCE_RESERVES_RESTING_COLLATERAL)${cancelled ? '' : `; the probe was NOT cancelled: cancel order ${orderId} by hand`}`;
  return { assumption, observed, agrees, ticker, balanceBeforeMicros: before, balanceAfterMicros: after, collateralMicros: collateral, cancelled, detail };
}
