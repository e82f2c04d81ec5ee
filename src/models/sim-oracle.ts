/**
 * sim-oracle: the simulator's noisy view of each market's hidden true probability (src/sim/oracle.ts), for the
 * zero-credential quickstart. Refused outside env `sim` (the constructor throws) and off loopback.
 *
 *   GET {simRootUrl}/sim-oracle/v1/fair-values?tickers=A,B  →  { fair_values: [{ ticker, probability_dollars: "0.6100", as_of }] }
 *
 * Requests are batched (at most `batchSize` tickers each). Markets the oracle does not return (not active) get a
 * `no_estimate` skip. Transport errors, non-2xx answers and a body of the wrong shape are cycle errors (SimOracleError).
 */
import type { Logger } from 'pino';
import { z } from 'zod';
import type { Estimate } from '../domain/trading-types';
import { safeErrorMessage } from '../observability/redact';
import {
  EstimateRequest, EstimateResult, EstimateSkip, FairValueModel, ModelConfigError, ModelError, PPM_ONE, missingEstimates, parseIsoInstant,
  ppmFromDecimal,
} from './types';

export const SIM_ORACLE_MODEL = 'sim-oracle';
export const SIM_ORACLE_PATH = '/sim-oracle/v1/fair-values';

export class SimOracleError extends ModelError {
  constructor(message: string, readonly status: number | null = null) {
    super(SIM_ORACLE_MODEL, `sim-oracle: ${message}`);
    this.name = 'SimOracleError';
  }
}

const responseSchema = z.object({
  fair_values: z.array(z.object({ ticker: z.string(), probability_dollars: z.string(), as_of: z.string() }).passthrough()),
}).passthrough();

export interface SimOracleOptions {
  /** The lane's Kalshi environment: anything but `sim` is refused. */
  env: string;
  /** The simulator's root URL, e.g. http://127.0.0.1:PORT (not the /trade-api/v2 base). */
  simRootUrl: string;
  /** The confidence given to every estimate (model.sim_oracle.confidence), ppm. */
  confidencePpm: number;
  logger: Logger;
  /** Tickers per request; default 100. */
  batchSize?: number;
  timeoutMs?: number;
  fetchImpl?: typeof fetch;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

export class SimOracleModel implements FairValueModel {
  readonly name = SIM_ORACLE_MODEL;
  private readonly root: URL;

  constructor(private readonly opts: SimOracleOptions) {
    if (opts.env !== 'sim') throw new ModelConfigError(SIM_ORACLE_MODEL, 'model.kind', `sim-oracle is only valid with venues.kalshi.env=sim (env is ${opts.env})`);
    let u: URL;
    try {
      u = new URL(opts.simRootUrl);
    } catch {
      throw new ModelConfigError(SIM_ORACLE_MODEL, 'simRootUrl', 'is not a URL');
    }
    if (!/^https?:$/.test(u.protocol) || !LOOPBACK.has(u.hostname)) {
      throw new ModelConfigError(SIM_ORACLE_MODEL, 'simRootUrl', `must be an http URL on loopback (got host ${u.hostname})`);
    }
    if (!Number.isSafeInteger(opts.confidencePpm) || opts.confidencePpm < 0 || opts.confidencePpm > PPM_ONE) {
      throw new ModelConfigError(SIM_ORACLE_MODEL, 'model.sim_oracle.confidence', 'must be between 0 and 1');
    }
    this.root = u;
  }

  async estimate(req: EstimateRequest): Promise<EstimateResult> {
    const tickers = [...new Set(req.markets.map((m) => m.ticker))];
    const size = this.opts.batchSize ?? 100;
    const skipped: EstimateSkip[] = [];
    const got = new Map<string, Estimate>();
    let requests = 0;
    for (let i = 0; i < tickers.length; i += size) {
      const batch = tickers.slice(i, i + size);
      const wanted = new Set(batch);
      requests += 1;
      for (const fv of (await this.fetchBatch(batch)).fair_values) {
        if (!wanted.has(fv.ticker)) {
          skipped.push({ ticker: fv.ticker.slice(0, 80), reason: 'oracle_unknown_ticker', detail: `sim-oracle answered for ${fv.ticker.slice(0, 80)}, which was not asked` });
          continue;
        }
        let p: number;
        try {
          p = ppmFromDecimal(fv.probability_dollars, 'probability_dollars');
        } catch (err) {
          skipped.push({ ticker: fv.ticker, reason: 'oracle_malformed', detail: safeErrorMessage(err) });
          continue;
        }
        if (p <= 0 || p >= PPM_ONE) {
          skipped.push({ ticker: fv.ticker, reason: 'oracle_out_of_range', detail: `probability_dollars ${fv.probability_dollars} is not strictly between 0 and 1` });
          continue;
        }
        const asOfMs = parseIsoInstant(fv.as_of);
        if (asOfMs === null) {
          skipped.push({ ticker: fv.ticker, reason: 'oracle_malformed', detail: `as_of ${JSON.stringify(fv.as_of.slice(0, 40))} is not an ISO-8601 time` });
          continue;
        }
        got.set(fv.ticker, {
          ticker: fv.ticker, probabilityPpm: p, confidencePpm: this.opts.confidencePpm, source: this.name, asOfMs,
          reasoning: `simulator oracle: noisy view of the hidden true probability, ${fv.probability_dollars}`,
        });
      }
    }
    const estimates = req.markets.map((m) => got.get(m.ticker)).filter((e): e is Estimate => e !== undefined);
    for (const s of skipped) this.opts.logger.warn({ model: this.name, cycle: req.cycle, ticker: s.ticker, reason: s.reason }, `sim-oracle: skipped ${s.detail}`);
    return {
      estimates,
      skipped: [...skipped, ...missingEstimates(req.markets, estimates, this.name)],
      notes: [`sim-oracle: ${estimates.length} estimates for ${req.markets.length} markets in ${requests} request${requests === 1 ? '' : 's'}`],
    };
  }

  private async fetchBatch(tickers: string[]): Promise<z.infer<typeof responseSchema>> {
    const url = new URL(SIM_ORACLE_PATH, this.root);
    url.searchParams.set('tickers', tickers.join(','));
    let res: Response;
    try {
      res = await (this.opts.fetchImpl ?? fetch)(url, { signal: AbortSignal.timeout(this.opts.timeoutMs ?? 10_000) });
    } catch (err) {
      throw new SimOracleError(`request failed: ${safeErrorMessage(err)}`);
    }
    const text = await res.text().catch(() => '');
    if (!res.ok) throw new SimOracleError(`HTTP ${res.status} from ${SIM_ORACLE_PATH}`, res.status);
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new SimOracleError(`answer from ${SIM_ORACLE_PATH} is not JSON`, res.status);
    }
    const parsed = responseSchema.safeParse(body);
    if (!parsed.success) {
      const i = parsed.error.issues[0];
      throw new SimOracleError(`answer from ${SIM_ORACLE_PATH} has the wrong shape at ${i.path.join('.') || 'body'}: ${i.message}`, res.status);
    }
    return parsed.data;
  }
}
