/**
 * signals-file: external fair values as JSONL (docs/models.md), re-read every cycle.
 *
 *   {"ticker": "KXFED-26SEP-T4.00", "probability": 0.62, "confidence": 0.8, "as_of": "2026-09-01T11:55:00Z", "reasoning": "…"}
 *
 * Every line is validated; a bad line is skipped with a reason and a detail naming the line and field, logged and
 * counted — never silently dropped, never fatal. A missing or unreadable file is a cycle error (SignalsFileError).
 * When one ticker has several valid lines, the latest `as_of` wins (a tie: the later line in the file).
 */
import { promises as fsp } from 'node:fs';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { Estimate } from '../domain/trading-types';
import { displayPath, scrub } from '../observability/redact';
import {
  EstimateRequest, EstimateResult, EstimateSkip, FairValueModel, ModelError, PPM_ONE, countByReason, missingEstimates, oneLine,
  parseIsoInstant, ppmFromDecimal,
} from './types';

export const SIGNALS_FILE_MODEL = 'signals-file';
/** A file larger than this is refused (a cycle error): it is not a signals file. */
export const MAX_SIGNALS_FILE_BYTES = 16 * 1024 * 1024;
/** An `as_of` up to this far after the cycle's clock is accepted (clock skew between the writer and the bot). */
export const FUTURE_TOLERANCE_MS = 60_000;

export class SignalsFileError extends ModelError {
  constructor(readonly path: string, readonly code: 'missing' | 'unreadable' | 'too_large', message: string) {
    super(SIGNALS_FILE_MODEL, `signals file ${displayPath(path)}: ${message}`);
    this.name = 'SignalsFileError';
  }
}

const decimal = z.union([z.number({ invalid_type_error: 'must be a number' }), z.string()], {
  errorMap: (_issue, ctx) => ({ message: ctx.data === undefined ? 'is required' : 'must be a number (or a decimal string)' }),
});

/** One line of the file. Unknown keys are errors naming the key. */
export const signalLineSchema = z.object({
  ticker: z.string({ required_error: 'is required', invalid_type_error: 'must be a string' }).trim().min(1, 'must not be empty'),
  probability: decimal,
  confidence: decimal,
  as_of: z.string({ required_error: 'is required', invalid_type_error: 'must be an ISO-8601 time string' }),
  reasoning: z.string({ invalid_type_error: 'must be a string' }).max(2000, 'must be at most 2000 characters').default(''),
}).strict();

export interface SignalsFileOptions {
  path: string;
  maxAgeSeconds: number;
  logger: Logger;
  /** File reader (tests); default fs.promises.readFile. */
  readFile?: (path: string) => Promise<Buffer>;
  /** File size probe (tests); default fs.promises.stat. */
  statSize?: (path: string) => Promise<number>;
}

interface Candidate { estimate: Estimate; line: number }

export class SignalsFileModel implements FairValueModel {
  readonly name = SIGNALS_FILE_MODEL;

  constructor(private readonly opts: SignalsFileOptions) {
    if (!Number.isSafeInteger(opts.maxAgeSeconds) || opts.maxAgeSeconds < 1) {
      throw new RangeError('model.signals_file.max_age_seconds must be a whole number ≥ 1');
    }
  }

  async estimate(req: EstimateRequest): Promise<EstimateResult> {
    const text = await this.read();
    const known = new Set(req.markets.map((m) => m.ticker));
    const skipped: EstimateSkip[] = [];
    const best = new Map<string, Candidate>();
    const lines = text.split(/\r?\n/);
    let counted = 0;
    lines.forEach((raw, i) => {
      if (raw.trim() === '') return; // blank lines are not signals
      counted += 1;
      const lineNo = i + 1;
      const r = this.parseLine(raw, lineNo, req, known);
      if ('skip' in r) {
        skipped.push(r.skip);
        return;
      }
      const prev = best.get(r.estimate.ticker);
      if (prev && prev.estimate.asOfMs > r.estimate.asOfMs) {
        skipped.push(skip(r.estimate.ticker, 'signal_superseded', lineNo, `as_of older than line ${prev.line}`));
        return;
      }
      if (prev) skipped.push(skip(prev.estimate.ticker, 'signal_superseded', prev.line, `replaced by line ${lineNo} (same or later as_of)`));
      best.set(r.estimate.ticker, { estimate: r.estimate, line: lineNo });
    });
    const estimates = req.markets.map((m) => best.get(m.ticker)?.estimate).filter((e): e is Estimate => e !== undefined);
    for (const s of skipped) this.opts.logger.warn({ model: this.name, cycle: req.cycle, ticker: s.ticker, reason: s.reason }, `signals-file: skipped ${s.detail}`);
    const missing = missingEstimates(req.markets, estimates, this.name);
    const byReason = countByReason(skipped);
    const notes = [
      `signals-file ${displayPath(this.opts.path)}: ${counted} lines, ${estimates.length} estimates for ${req.markets.length} markets, ${skipped.length} lines skipped` +
        (skipped.length ? ` (${Object.entries(byReason).map(([k, v]) => `${k} ${v}`).join(', ')})` : ''),
    ];
    return { estimates, skipped: [...skipped, ...missing], notes };
  }

  private async read(): Promise<string> {
    const p = this.opts.path;
    try {
      const size = await (this.opts.statSize ?? (async (x: string) => (await fsp.stat(x)).size))(p);
      if (size > MAX_SIGNALS_FILE_BYTES) throw new SignalsFileError(p, 'too_large', `is ${size} bytes, more than ${MAX_SIGNALS_FILE_BYTES}`);
      return (await (this.opts.readFile ?? fsp.readFile)(p)).toString('utf8');
    } catch (err) {
      if (err instanceof SignalsFileError) throw err;
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') throw new SignalsFileError(p, 'missing', 'does not exist (model.signals_file.path)');
      throw new SignalsFileError(p, 'unreadable', `cannot be read (${code ?? scrub(String((err as Error).message))})`);
    }
  }

  private parseLine(raw: string, lineNo: number, req: EstimateRequest, known: Set<string>): { estimate: Estimate } | { skip: EstimateSkip } {
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      return { skip: skip(null, 'signal_malformed', lineNo, 'not valid JSON') };
    }
    const tickerGuess = json && typeof json === 'object' && typeof (json as { ticker?: unknown }).ticker === 'string' ? (json as { ticker: string }).ticker : null;
    const parsed = signalLineSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue.code === 'unrecognized_keys' ? `unknown key ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}` : `${issue.path.join('.') || 'line'}: ${issue.message}`;
      return { skip: skip(tickerGuess, 'signal_malformed', lineNo, where) };
    }
    const l = parsed.data;
    let probabilityPpm: number;
    let confidencePpm: number;
    try {
      probabilityPpm = ppmFromDecimal(l.probability, 'probability');
      confidencePpm = ppmFromDecimal(l.confidence, 'confidence');
    } catch (err) {
      return { skip: skip(l.ticker, 'signal_out_of_range', lineNo, scrub((err as Error).message)) };
    }
    if (probabilityPpm <= 0 || probabilityPpm >= PPM_ONE) {
      return { skip: skip(l.ticker, 'signal_out_of_range', lineNo, `probability: must be strictly between 0 and 1 (got ${String(l.probability)})`) };
    }
    if (confidencePpm < 0 || confidencePpm > PPM_ONE) {
      return { skip: skip(l.ticker, 'signal_out_of_range', lineNo, `confidence: must be between 0 and 1 (got ${String(l.confidence)})`) };
    }
    const asOfMs = parseIsoInstant(l.as_of);
    if (asOfMs === null) return { skip: skip(l.ticker, 'signal_malformed', lineNo, `as_of: must be an ISO-8601 time with a zone (got ${JSON.stringify(oneLine(l.as_of, 40))})`) };
    if (!known.has(l.ticker)) return { skip: skip(l.ticker, 'signal_unknown_ticker', lineNo, `ticker ${l.ticker} is not among this cycle's markets`) };
    const ageMs = req.nowMs - asOfMs;
    if (ageMs > this.opts.maxAgeSeconds * 1000) {
      return { skip: skip(l.ticker, 'signal_stale', lineNo, `as_of ${l.as_of} is ${Math.floor(ageMs / 1000)}s old (max_age_seconds ${this.opts.maxAgeSeconds})`) };
    }
    if (-ageMs > FUTURE_TOLERANCE_MS) {
      return { skip: skip(l.ticker, 'signal_from_future', lineNo, `as_of ${l.as_of} is ${Math.floor(-ageMs / 1000)}s after the cycle's clock`) };
    }
    return {
      estimate: { ticker: l.ticker, probabilityPpm, confidencePpm, source: this.name, asOfMs, reasoning: oneLine(scrub(l.reasoning)) },
    };
  }
}

function skip(ticker: string | null, reason: EstimateSkip['reason'], line: number, what: string): EstimateSkip {
  return { ticker: ticker === null ? null : oneLine(ticker, 80), reason, detail: `line ${line}: ${oneLine(what, 200)}` };
}
