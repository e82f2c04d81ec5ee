/**
 * cross-venue: a Kalshi market's fair value from the same question on Polymarket (read-only; docs/models.md).
 *
 * Each cycle: re-read the mapping file (cross-venue-mapping.ts), look the mapped condition ids up on Gamma, refuse a
 * market whose Polymarket question or end date does not match (src/domain/cross-venue.ts), read the mapped outcomes'
 * CLOB books in one batch, and estimate P(YES) = the mapped outcome's mid, with a confidence from its spread, depth
 * and age. Every market without an estimate gets a skip with the reason (unmapped, mismatch, closed, stale, wide,
 * thin…) — never a silent guess. Polymarket unreachable or answering garbage is a CrossVenueError (a cycle error).
 * It needs no Polymarket venue enabled: it only reads public market data.
 */
import { promises as fsp } from 'node:fs';
import nodePath from 'node:path';
import type { Logger } from 'pino';
import { assessBook, BookLimits, checkMatch, isRefusal, MatchLimits } from '../domain/cross-venue';
import { dollarsFromConfigNumber, formatDollarsExact } from '../domain/fixed';
import type { Estimate } from '../domain/trading-types';
import { displayPath, safeErrorMessage, scrub } from '../observability/redact';
import { PolymarketBook, PolymarketClient, PolymarketMarket } from '../venues/polymarket';
import { parseMapping } from './cross-venue-mapping';
import { EstimateRequest, EstimateResult, EstimateSkip, FairValueModel, ModelConfigError, ModelError, countByReason, missingEstimates, oneLine } from './types';

export const CROSS_VENUE_MODEL = 'cross-venue';
export const MAX_MAPPING_FILE_BYTES = 4 * 1024 * 1024;

/** Why cross-venue gave a market no estimate (besides the domain's CrossVenueRefusal codes). */
export type CrossVenueSkipReason =
  | 'cross_venue_mapping_invalid'
  | 'cross_venue_unmapped'
  | 'cross_venue_market_missing'
  | 'cross_venue_outcome_unknown'
  | 'cross_venue_market_closed'
  | 'cross_venue_no_book'
  | import('../domain/cross-venue').CrossVenueRefusal;

export class CrossVenueError extends ModelError {
  constructor(message: string) {
    super(CROSS_VENUE_MODEL, `cross-venue: ${message}`);
    this.name = 'CrossVenueError';
  }
}

export interface CrossVenueOptions {
  mappingPath: string;
  client: PolymarketClient;
  match: MatchLimits;
  book: BookLimits;
  logger: Logger;
  readFile?: (path: string) => Promise<Buffer>;
}

interface Candidate { ticker: string; pm: PolymarketMarket; outcome: string; tokenId: string; question: string }

export class CrossVenueModel implements FairValueModel {
  readonly name = CROSS_VENUE_MODEL;

  constructor(private readonly o: CrossVenueOptions) {}

  async estimate(req: EstimateRequest): Promise<EstimateResult> {
    const mapping = parseMapping(await this.readMapping());
    const skipped: EstimateSkip[] = [...mapping.skipped];
    const skip = (ticker: string, reason: CrossVenueSkipReason, detail: string) => skipped.push({ ticker, reason, detail: oneLine(scrub(detail), 300) });
    const refusedTickers = new Set(skipped.map((s) => s.ticker));
    const mapped = req.markets.filter((m) => mapping.entries.has(m.ticker));
    for (const m of req.markets) {
      if (!mapping.entries.has(m.ticker) && !refusedTickers.has(m.ticker)) skip(m.ticker, 'cross_venue_unmapped', `${m.ticker} is not in the mapping file`);
    }

    const pms = mapped.length ? await this.call('Gamma markets', () => this.o.client.getMarketsByConditionIds([...new Set(mapped.map((m) => mapping.entries.get(m.ticker)!.conditionId))])) : [];
    const byCondition = new Map(pms.map((p) => [p.conditionId, p]));
    const candidates: Candidate[] = [];
    for (const m of mapped) {
      const e = mapping.entries.get(m.ticker)!;
      const where = `mapping line ${e.line}`;
      const pm = byCondition.get(e.conditionId);
      if (!pm) {
        skip(m.ticker, 'cross_venue_market_missing', `${where}: Gamma knows no market with condition id ${e.conditionId}`);
        continue;
      }
      const outcome = pm.outcomes.find((o) => o.name.toLowerCase() === e.outcome.toLowerCase());
      if (!outcome) {
        skip(m.ticker, 'cross_venue_outcome_unknown', `${where}: outcome ${JSON.stringify(e.outcome)} is not one of ${pm.outcomes.map((o) => JSON.stringify(o.name)).join(', ') || '(none)'}`);
        continue;
      }
      const refusal = checkMatch({ mappedQuestion: e.question, polymarketQuestion: pm.question, polymarketEndMs: pm.endDateMs, kalshiCloseMs: m.closeTimeMs }, this.o.match);
      if (refusal) {
        skip(m.ticker, refusal.reason, `${where}: ${refusal.detail}`);
        continue;
      }
      if (pm.closed === true || pm.archived === true || pm.acceptingOrders === false) {
        skip(m.ticker, 'cross_venue_market_closed', `${where}: the Polymarket market is ${pm.closed ? 'closed' : pm.archived ? 'archived' : 'not accepting orders'}`);
        continue;
      }
      if (outcome.tokenId === null || pm.enableOrderBook === false) {
        skip(m.ticker, 'cross_venue_no_book', `${where}: the Polymarket market has no order book`);
        continue;
      }
      candidates.push({ ticker: m.ticker, pm, outcome: outcome.name, tokenId: outcome.tokenId, question: pm.question });
    }

    const books = candidates.length ? await this.call('CLOB books', () => this.o.client.getBooks([...new Set(candidates.map((c) => c.tokenId))], { missing: 'omit' })) : [];
    const byToken = new Map<string, PolymarketBook>(books.map((b) => [b.assetId, b]));
    const got = new Map<string, Estimate>();
    for (const c of candidates) {
      const book = byToken.get(c.tokenId);
      if (!book) {
        skip(c.ticker, 'cross_venue_no_book', `the CLOB has no book for ${c.outcome} (token ${c.tokenId.slice(0, 12)}…)`);
        continue;
      }
      const a = assessBook(book, req.nowMs, this.o.book);
      if (isRefusal(a)) {
        skip(c.ticker, a.reason, `${c.outcome} of ${JSON.stringify(c.question.slice(0, 80))}: ${a.detail}`);
        continue;
      }
      got.set(c.ticker, {
        ticker: c.ticker, probabilityPpm: a.midPpm, confidencePpm: a.confidencePpm, source: this.name, asOfMs: book.timestampMs,
        reasoning: oneLine(scrub(`Polymarket ${c.outcome} mid ${formatDollarsExact(a.midPpm)} (bid ${formatDollarsExact(book.bids[0].price)}, ask ${formatDollarsExact(book.asks[0].price)}, book ${Math.max(0, Math.floor(a.ageMs / 1000))} s old): ${c.question}`)),
      });
    }

    const estimates = req.markets.map((m) => got.get(m.ticker)).filter((e): e is Estimate => e !== undefined);
    for (const s of skipped) this.o.logger.warn({ model: this.name, cycle: req.cycle, ticker: s.ticker, reason: s.reason }, `cross-venue: ${s.detail}`);
    const counts = Object.entries(countByReason(skipped)).map(([r, n]) => `${r} ${n}`).join(', ');
    return {
      estimates,
      skipped: [...skipped, ...missingEstimates(req.markets, estimates, this.name)],
      notes: [`cross-venue: ${mapping.entries.size} mapped, ${estimates.length} estimates for ${req.markets.length} markets${counts ? ` (${counts})` : ''}`],
    };
  }

  private async call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      throw new CrossVenueError(`${what}: ${safeErrorMessage(e)}`);
    }
  }

  private async readMapping(): Promise<string> {
    const p = this.o.mappingPath;
    try {
      const buf = await (this.o.readFile ?? fsp.readFile)(p);
      if (buf.length > MAX_MAPPING_FILE_BYTES) throw new CrossVenueError(`mapping file ${displayPath(p)} is ${buf.length} bytes, more than ${MAX_MAPPING_FILE_BYTES}`);
      return buf.toString('utf8');
    } catch (e) {
      if (e instanceof CrossVenueError) throw e;
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') throw new CrossVenueError(`mapping file ${displayPath(p)} does not exist (model.cross_venue.mapping_file)`);
      throw new CrossVenueError(`mapping file ${displayPath(p)} cannot be read (${code ?? safeErrorMessage(e)})`);
    }
  }
}

/** The model from its config section (`model.cross_venue`); a relative mapping path is taken from `baseDir`. */
export function crossVenueFromConfig(
  c: import('../config/schema').Config['model']['cross_venue'],
  ports: { logger: Logger; baseDir?: string; fetchImpl?: typeof fetch },
): CrossVenueModel {
  if (!c.mapping_file) throw new ModelConfigError(CROSS_VENUE_MODEL, 'model.cross_venue.mapping_file', 'is required when model.kind is cross-venue');
  const ppm = (v: number, field: string) => dollarsFromConfigNumber(v, field);
  return new CrossVenueModel({
    mappingPath: nodePath.resolve(ports.baseDir ?? process.cwd(), c.mapping_file),
    client: new PolymarketClient({ gammaBaseUrl: c.gamma_base_url, clobBaseUrl: c.clob_base_url, fetchImpl: ports.fetchImpl, logger: ports.logger }),
    match: { minQuestionSimilarityPpm: ppm(c.question_min_similarity, 'model.cross_venue.question_min_similarity'), endDateToleranceMs: c.end_date_tolerance_seconds * 1000 },
    book: {
      maxBookAgeMs: c.max_book_age_seconds * 1000,
      maxSpread: ppm(c.max_spread, 'model.cross_venue.max_spread'),
      minDepth: ppm(c.min_depth, 'model.cross_venue.min_depth'),
      baseConfidencePpm: ppm(c.confidence, 'model.cross_venue.confidence'),
    },
    logger: ports.logger,
  });
}
