/**
 * Test-only admin API under /__sim/ (off by default): received-order log, clock, forced settlement, faults, reset,
 * keys, balances, trading switch. Plain JSON, no auth (loopback only). Errors are {"error": "..."} with status 400/404.
 * POST /__sim/clock {"nowMs": N} is the forward-only clock adapter (an earlier N is ignored: 200, moved false).
 * GET /__sim/history[?account_id=ID] is the evidence (history.ts): order state changes, fills, settlements.
 */
import { formatDollars, parseDollars } from '../domain/fixed';
import { marketProbabilityAt } from './market-drift';
import type { SimCore } from './core';
import type { SimResponse } from './errors';
import type { Faults } from './faults';
import type { HistoryBody } from './history';

function bad(message: string, status = 400): SimResponse {
  return { status, body: { error: message } };
}

export function handleAdmin(core: SimCore, method: string, path: string, raw: string, query?: URLSearchParams): SimResponse {
  let body: Record<string, unknown> = {};
  if (raw.trim() !== '') {
    try {
      body = JSON.parse(raw);
    } catch {
      return bad('body is not JSON');
    }
  }
  try {
    const key = `${method} ${path.replace(/\/+$/, '')}`;
    switch (key) {
      case 'GET /__sim/state':
        core.sync();
        return { status: 200, body: {
          now_ms: core.exchange.nowMs, clock_mode: core.clock.mode, faults: core.faults.faults, trading_paused: core.exchange.tradingPaused(),
          markets: [...core.exchange.markets.values()].map((m) => ({
            ticker: m.ticker, status: m.status, result: m.result, close_ms: m.closeMs,
            true_probability_dollars: formatDollars(m.trueProbability, 6),
            market_probability_dollars: formatDollars(marketProbabilityAt(core.opts.seed, m, core.exchange.nowMs), 6),
            oracle_bias_dollars: formatDollars(m.oracleBias, 6),
          })),
          keys: core.keys.ids(),
        } };
      case 'GET /__sim/history':
        return { status: 200, body: historyBody(core, query?.get('account_id') ?? null) };
      case 'GET /__sim/orders':
        return { status: 200, body: { orders: core.received } };
      case 'POST /__sim/clock':
        if (body.nowMs !== undefined) {
          if (typeof body.nowMs !== 'number' || !Number.isSafeInteger(body.nowMs) || body.nowMs < 0) return bad('clock.nowMs: a non-negative integer of ms');
          const r = core.advanceTo(body.nowMs);
          return { status: 200, body: { now_ms: r.nowMs, moved: r.moved } };
        }
        if (typeof body.set_ms === 'number') core.setTime(body.set_ms);
        else if (typeof body.advance_ms === 'number') core.advance(body.advance_ms);
        else return bad('clock: give nowMs (forward only), set_ms or advance_ms (integer ms)');
        return { status: 200, body: { now_ms: core.exchange.nowMs } };
      case 'POST /__sim/settle': {
        if (typeof body.ticker !== 'string') return bad('settle.ticker: required string');
        if (body.result !== undefined && body.result !== 'yes' && body.result !== 'no') return bad('settle.result: "yes" or "no"');
        const m = core.forceSettle(body.ticker, body.result as 'yes' | 'no' | undefined);
        return { status: 200, body: { ticker: m.ticker, status: m.status, result: m.result } };
      }
      case 'GET /__sim/faults':
        return { status: 200, body: { faults: core.faults.faults } };
      case 'POST /__sim/faults':
        return { status: 200, body: { faults: core.faults.set(body as Partial<Faults>) } };
      case 'POST /__sim/reset':
        core.reset();
        return { status: 200, body: { now_ms: core.exchange.nowMs } };
      case 'POST /__sim/keys':
        if (typeof body.key_id !== 'string' || typeof body.public_key_pem !== 'string') return bad('keys: key_id and public_key_pem are required strings');
        core.keys.add(body.key_id, body.public_key_pem);
        return { status: 200, body: { key_ids: core.keys.ids() } };
      case 'POST /__sim/balance':
        if (typeof body.key_id !== 'string') return bad('balance.key_id: required string');
        core.setBalance(body.key_id, parseDollars(body.balance_dollars, 'balance.balance_dollars'));
        return { status: 200, body: { key_id: body.key_id, balance_dollars: body.balance_dollars } };
      case 'POST /__sim/exchange':
        if (body.trading_active !== undefined) {
          if (body.trading_active !== null && typeof body.trading_active !== 'boolean') return bad('exchange.trading_active: boolean or null');
          core.exchange.tradingOverride = body.trading_active as boolean | null;
        }
        if (body.exchange_active !== undefined) {
          if (typeof body.exchange_active !== 'boolean') return bad('exchange.exchange_active: boolean');
          core.exchange.exchangeActive = body.exchange_active;
        }
        return { status: 200, body: { trading_active: !core.exchange.tradingPaused(), exchange_active: core.exchange.exchangeActive } };
      default:
        return bad(`no admin route ${key}`, 404);
    }
  } catch (e) {
    return bad((e as Error).message);
  }
}

/** The simulator's record (history.ts), every account or one; market life is brought up to now first. */
export function historyBody(core: SimCore, accountId: string | null): HistoryBody {
  core.sync();
  const ex = core.exchange;
  const h = ex.history;
  const events = accountId === null ? h.events.slice() : h.events.filter((e) => e.account_id === accountId);
  return {
    now_ms: ex.nowMs,
    accounts: [...new Set(h.events.map((e) => e.account_id))].sort(),
    markets: [...ex.markets.values()].map((m) => {
      const e = ex.events.get(m.eventTicker)!;
      return { ticker: m.ticker, event_ticker: m.eventTicker, series_ticker: e.seriesTicker, mutually_exclusive: e.mutuallyExclusive };
    }),
    events,
    dropped: h.dropped,
  };
}
