/**
 * Fair-value models (one interface, FairValueModel; see types.ts and docs/models.md).
 *
 *   createModel(config, ports) → FairValueModel   per config.model.kind
 *     signals-file: model.signals_file.path (relative to ports.baseDir), max_age_seconds
 *     sim-oracle:   ports.simRootUrl, model.sim_oracle.confidence; refused unless ports.env is `sim`
 *     llm:          not built yet (ModelConfigError)
 */
import path from 'node:path';
import type { Logger } from 'pino';
import type { Config } from '../config/schema';
import { dollarsFromConfigNumber } from '../domain/fixed';
import { SignalsFileModel } from './signals-file';
import { SimOracleModel } from './sim-oracle';
import { FairValueModel, ModelConfigError } from './types';

export * from './types';
export { SignalsFileModel, SignalsFileError, signalLineSchema, SIGNALS_FILE_MODEL, MAX_SIGNALS_FILE_BYTES, FUTURE_TOLERANCE_MS } from './signals-file';
export type { SignalsFileOptions } from './signals-file';
export { SimOracleModel, SimOracleError, SIM_ORACLE_MODEL, SIM_ORACLE_PATH } from './sim-oracle';
export type { SimOracleOptions } from './sim-oracle';

export interface ModelPorts {
  /** The lane's Kalshi environment (venues.kalshi.env). */
  env: string;
  logger: Logger;
  /** The simulator's root URL (sim-oracle only). */
  simRootUrl?: string | null;
  /** Base for a relative signals-file path (the config file's folder or the cwd); default process.cwd(). */
  baseDir?: string;
  fetchImpl?: typeof fetch;
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
    case 'llm':
      throw new ModelConfigError('llm', 'model.kind', 'the llm model is not available in this build yet; use signals-file or sim-oracle');
  }
}
