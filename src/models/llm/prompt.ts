/**
 * The LLM prompt: what each market settles on (its terms, verbatim from the exchange) and the logical clock's now.
 * Quotes are deliberately left out: the model is asked for its own forecast, not to echo the market's price.
 * Deterministic: the same markets and clock give the same text (the reservation's input estimate depends on it).
 */
import { createHash } from 'node:crypto';
import type { MarketSnapshot, MarketTerms } from '../../domain/trading-types';

export const LLM_SYSTEM_PROMPT = [
  'You are a careful forecaster of binary prediction markets on Kalshi.',
  'For each market, estimate the probability that it settles YES, judged ONLY by its settlement rules',
  '(rules_primary, rules_secondary, the settlement sources, the strike and the close/expiration times).',
  'If the title and the rules disagree, the rules win. Use the given current time as now.',
  'Answer for every market given, by its exact ticker, through the submit_estimates tool / the JSON schema:',
  'probability strictly between 0 and 1, confidence between 0 and 1 (how sure you are of your probability),',
  'one short reasoning sentence, and up to five key uncertainties.',
].join(' ');

const EMPTY_TERMS: MarketTerms = {
  title: null, yesSubTitle: null, noSubTitle: null, eventTitle: null, eventSubTitle: null, rulesPrimary: null, rulesSecondary: null,
  settlementSources: [], closeTime: null, expectedExpirationTime: null, latestExpirationTime: null, strikeType: null, floorStrike: null, capStrike: null,
};

/** The terms of a market as the prompt shows them (absent fields left out). */
export function promptMarket(m: MarketSnapshot): Record<string, unknown> {
  const t = m.terms ?? EMPTY_TERMS;
  const out: Record<string, unknown> = {
    ticker: m.ticker,
    event_ticker: m.eventTicker,
    series_ticker: m.seriesTicker,
    title: t.title,
    yes_sub_title: t.yesSubTitle,
    no_sub_title: t.noSubTitle,
    event_title: t.eventTitle,
    event_sub_title: t.eventSubTitle,
    rules_primary: t.rulesPrimary,
    rules_secondary: t.rulesSecondary,
    settlement_sources: t.settlementSources.length ? t.settlementSources : null,
    close_time: t.closeTime ?? (m.closeTimeMs === null ? null : new Date(m.closeTimeMs).toISOString()),
    expected_expiration_time: t.expectedExpirationTime,
    latest_expiration_time: t.latestExpirationTime,
    strike_type: t.strikeType,
    floor_strike: t.floorStrike,
    cap_strike: t.capStrike,
  };
  for (const k of Object.keys(out)) if (out[k] === null || out[k] === '') delete out[k];
  return out;
}

export function buildUserPrompt(markets: readonly MarketSnapshot[], nowMs: number): string {
  return [
    `Current time (UTC): ${new Date(nowMs).toISOString()}`,
    `Markets (${markets.length}), as JSON:`,
    JSON.stringify(markets.map(promptMarket), null, 1),
  ].join('\n');
}

/** A hash of what the market settles on: a change of any term re-asks the model before the TTL. */
export function termsHash(m: MarketSnapshot): string {
  return createHash('sha256').update(JSON.stringify(promptMarket(m))).digest('hex').slice(0, 32);
}

/** The price an estimate was made against: the YES mid when both quotes exist, else the one quote, else the last price. */
export function referencePriceMicros(m: MarketSnapshot): number | null {
  if (m.yesBid && m.yesAsk) return Math.floor((m.yesBid.price + m.yesAsk.price) / 2);
  return m.yesAsk?.price ?? m.yesBid?.price ?? m.lastPrice ?? null;
}
