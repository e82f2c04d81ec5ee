/**
 * execute (paper): the order-placing activity. Whatever its caller says, it re-reads, fresh, what may forbid the order
 * — the run mode, the DB's control state (kill switch, pause, halts) and the scope of each ticker (scope check #3) —
 * then fetches the book and fills on paper only against its visible depth. Paper orders never leave the process.
 * A live lane goes to the live order path (src/execution/live-order.ts): it never paper-trades a live lane.
 * Safe to retry: a paper order's client_order_id is its identity (a retry returns the order already placed).
 */
import { ApplicationFailure } from '@temporalio/activity';
import type { Logger } from 'pino';
import { exitBlockReason, expireHalts, tradingBlockReason } from '../domain/control';
import { REASON } from '../domain/reason-codes';
import { isMarketInAllowedScope } from '../domain/scope';
import type { OrderIntent } from '../domain/trading-types';
import { PaperExecutor } from '../execution/paper';
import { executeLiveOrders } from '../execution/live-order';
import type { Store } from '../store';
import { progress } from './heartbeat';
import { heldMarketSnapshot } from './held-markets';
import type { TradingDeps } from './trading-deps';

export interface ExecuteOrder {
  /** Built in the workflow: identical on every retry and after any crash. */
  clientOrderId: string;
  intent: OrderIntent;
}

export interface ExecuteOutcome {
  placed: number;
  /** Centi-contracts filled at placement (against the book). */
  filledCentis: number;
  fills: number;
  skipped: Record<string, number>;
  refused: { clientOrderId: string; ticker: string; code: string; detail: string }[];
  /**
   * Halts the workflow latches (live: `idempotency_conflict_guard`). Optional: results recorded before it lack the
   * field (the workflow reads `latch ?? []`).
   */
  latch?: { code: string; reason: string }[];
}

export async function executePaper(
  t: TradingDeps,
  store: Store,
  logger: Logger,
  input: { cycle: number; firstRunId?: string; nowMs: number; scanId: number; orders: ExecuteOrder[] },
): Promise<ExecuteOutcome> {
  const { settings } = t;
  if (settings.mode === 'live') {
    // The live order path (journal first, revalidate, create, record): src/execution/live-order.ts.
    if (!input.firstRunId) throw ApplicationFailure.nonRetryable('a live execute needs the workflow\'s first run id (the journal keys on it)', 'MissingFirstRunId');
    const r = await executeLiveOrders(t, store, logger, { ...input, firstRunId: input.firstRunId });
    return { placed: r.placed, filledCentis: r.filledCentis, fills: r.fills, skipped: r.skipped, refused: r.refused, latch: r.latch };
  }
  if (settings.mode !== 'dry-run') {
    throw ApplicationFailure.nonRetryable(`unknown run mode ${String(settings.mode)}: nothing is placed`, 'UnknownRunMode');
  }
  const out: ExecuteOutcome = { placed: 0, filledCentis: 0, fills: 0, skipped: {}, refused: [] };
  const refuse = (o: ExecuteOrder, code: string, detail: string) => {
    out.skipped[code] = (out.skipped[code] ?? 0) + 1;
    out.refused.push({ clientOrderId: o.clientOrderId, ticker: o.intent.ticker, code, detail });
    logger.warn({ cycle: input.cycle, ticker: o.intent.ticker, clientOrderId: o.clientOrderId, code, detail }, 'order_refused');
  };
  const executor = new PaperExecutor({
    paper: store.paper,
    bankrollMicros: settings.fixed.bankroll,
    orderTtlMs: settings.config.execution.order_ttl_seconds * 1000,
    logger,
  });
  for (const o of input.orders) {
    // Fresh from the DB before every order: a kill switch or halt written a moment ago counts. A halt whose expiry has
    // passed on the logical clock no longer counts (the workflow lifts it at the cycle's start but writes the DB only
    // after the cycle: without this, the first cycle after 00:00 UTC still refused every order as daily_loss_guard).
    const row = store.control.read();
    const control = row ? expireHalts(row, input.nowMs) : null;
    const blocked = control ? (o.intent.reduceOnly ? exitBlockReason(control) : tradingBlockReason(control)) : null;
    if (blocked) {
      refuse(o, blocked, o.intent.reduceOnly ? 'the lane DB refuses every order, exits too' : 'the lane DB refuses new orders');
      continue;
    }
    // An exit may sell a held market this cycle's scan does not hold: read it fresh (scope and fees from the venue).
    let m = store.scans.market(input.scanId, o.intent.ticker);
    if (!m && o.intent.reduceOnly) {
      try {
        m = await heldMarketSnapshot(t.venue, o.intent.ticker);
      } catch (err) {
        logger.warn({ ticker: o.intent.ticker, err: (err as Error).message }, 'held market unreadable at execution');
      }
    }
    if (!m || !isMarketInAllowedScope(m, settings.scope, settings.mode)) {
      refuse(o, REASON.scope_guard, m ? 'outside the allowed scope (checked inside execute)' : o.intent.reduceOnly ? 'held market unreadable' : 'not in this cycle\'s scan');
      continue;
    }
    const book = await t.venue.getOrderbook(o.intent.ticker);
    const bookId = store.scans.recordBook(book, input.nowMs);
    const r = executor.place({
      cycle: input.cycle,
      clientOrderId: o.clientOrderId,
      intent: o.intent,
      feeType: m.feeType,
      feeMultiplierPpm: m.feeMultiplierPpm,
      book: { id: bookId, ticker: book.ticker, yesBids: book.yesBids, noBids: book.noBids },
      nowMs: input.nowMs,
    });
    progress({ stage: 'execute', clientOrderId: o.clientOrderId });
    if (r.outcome === 'rejected') {
      refuse(o, REASON.exposure_guard, `${r.reason}: ${r.detail}`);
      continue;
    }
    out.placed += 1;
    out.filledCentis += r.filledCentis;
    out.fills += r.fillIds.length;
  }
  return out;
}
