/**
 * Fair-value models (one interface, FairValueModel; see types.ts and docs/models.md).
 *
 *   createModel(config, ports) → FairValueModel   per config.model.kind
 *     signals-file: model.signals_file.path (relative to ports.baseDir), max_age_seconds
 *     sim-oracle:   ports.simRootUrl, model.sim_oracle.confidence; refused unless ports.env is `sim`
 *     llm:          model.llm.* and the provider's key (ports.llmKeys, else ANTHROPIC_API_KEY / OPENAI_API_KEY); llm/
 *     ensemble:     model.ensemble.members [{ kind, weight }], each member built here from its own section; ensemble.ts
 *     cross-venue:  model.cross_venue.* (mapping file relative to ports.baseDir; Polymarket public reads; cross-venue.ts)
 */
import path from 'node:path';
import type { Logger } from 'pino';
import type { Config } from '../config/schema';
import { dollarsFromConfigNumber } from '../domain/fixed';
import { SignalsFileModel } from './signals-file';
import { SimOracleModel } from './sim-oracle';
import { crossVenueFromConfig } from './cross-venue';
import { FairValueModel, ModelConfigError } from './types';
import { EnsembleModel } from './ensemble';
import { llmFromConfig, LlmKeys } from './llm';

export * from './types';
export { SignalsFileModel, SignalsFileError, signalLineSchema, SIGNALS_FILE_MODEL, MAX_SIGNALS_FILE_BYTES, FUTURE_TOLERANCE_MS } from './signals-file';
export type { SignalsFileOptions } from './signals-file';
export { SimOracleModel, SimOracleError, SIM_ORACLE_MODEL, SIM_ORACLE_PATH } from './sim-oracle';
export type { SimOracleOptions } from './sim-oracle';
export { EnsembleModel, ENSEMBLE_MODEL } from './ensemble';
export type { EnsembleMember, EnsembleOptions } from './ensemble';
export { LlmModel, LlmProviderError, LLM_MODEL, llmFromConfig } from './llm';
export type { LlmKeys } from './llm';
export { CrossVenueModel, CrossVenueError, CROSS_VENUE_MODEL, crossVenueFromConfig } from './cross-venue';
export type { CrossVenueOptions, CrossVenueSkipReason } from './cross-venue';

export interface ModelPorts {
  /** The lane's Kalshi environment (venues.kalshi.env). */
  env: string;
  logger: Logger;
  /** The simulator's root URL (sim-oracle only). */
  simRootUrl?: string | null;
  /** Base for a relative signals-file path (the config file's folder or the cwd); default process.cwd(). */
  baseDir?: string;
  fetchImpl?: typeof fetch;
  /** LLM keys from the secrets loader (llm only); absent = ANTHROPIC_API_KEY / OPENAI_API_KEY from the environment. */
  llmKeys?: LlmKeys;
  /** The environment the llm model reads a missing key from; default process.env. */
  processEnv?: NodeJS.ProcessEnv;
}

export function createModel(config: Pick<Config, 'model'>, ports: ModelPorts): FairValueModel {
  const m = config.model;
  switch (m.kind) {
    case 'signals-file': {
      if (!m.signals_file.path) throw new ModelConfigError('signals-file', 'model.signals_file.path', 'is required when model.kind is signals-file');
      return new SignalsFileModel({
        path: path.resolve(ports.baseDir ?? process.cwd(), m.signals_file.path),
        maxAgeSeconds: m.signals_file.max_age_seconds,
        logger: ports.logger,
      });
    }
    case 'sim-oracle': {
      if (ports.env !== 'sim') throw new ModelConfigError('sim-oracle', 'model.kind', `sim-oracle is only valid with venues.kalshi.env=sim (env is ${ports.env})`);
      if (!ports.simRootUrl) throw new ModelConfigError('sim-oracle', 'simRootUrl', 'the simulator URL is required for model.kind=sim-oracle');
      return new SimOracleModel({
        env: ports.env,
        simRootUrl: ports.simRootUrl,
        confidencePpm: dollarsFromConfigNumber(m.sim_oracle.confidence, 'model.sim_oracle.confidence'),
        logger: ports.logger,
        fetchImpl: ports.fetchImpl,
      });
    }
    case 'cross-venue':
      return crossVenueFromConfig(m.cross_venue, ports);
    case 'llm':
      return llmFromConfig(m.llm, ports);
    case 'ensemble': {
      const e = m.ensemble;
      if (e.members.length === 0) throw new ModelConfigError('ensemble', 'model.ensemble.members', 'needs at least one member when model.kind is ensemble');
      return new EnsembleModel({
        members: e.members.map((x, i) => ({
          kind: x.kind,
          weightMicros: dollarsFromConfigNumber(x.weight, `model.ensemble.members[${i}].weight`),
          model: createModel({ model: { ...m, kind: x.kind } }, ports),
        })),
        minMembers: e.min_members,
        logger: ports.logger,
      });
    }
  }
}
