/**
 * Loading: one JSON file (default `kalshi-autopilot.config.json` in the cwd) plus environment secrets.
 * Reads files only; never reads stdin, never prompts, never touches the network.
 */
import * as fs from 'node:fs';
import * as nodePath from 'node:path';
import { Config, defaultConfig } from './schema';
import { ConfigError } from './errors';
import { parseConfigObject } from './parse';
import { Env, loadSecrets, Secrets, TextFileReader } from './secrets';

export const DEFAULT_CONFIG_FILE = 'kalshi-autopilot.config.json';
export const TEMPLATE_CONFIG_FILE = 'kalshi-autopilot.config.template.json';

export interface LoadConfigOptions {
  /** Config file; default `<cwd>/kalshi-autopilot.config.json`. */
  configPath?: string;
  env?: Env;
  cwd?: string;
  /** Injected file reader (tests). Throws like fs.readFileSync; ENOENT means "absent". */
  readFile?: TextFileReader;
  /**
   * An explicitly given configPath that does not exist is an error (a typo must not silently run on defaults),
   * unless this is true. The default path may always be absent (defaults apply).
   */
  allowMissing?: boolean;
}

export interface LoadedConfig {
  readonly config: Config;
  readonly secrets: Secrets;
  /** Absolute path of the config file (whether or not it exists). */
  readonly path: string;
  readonly exists: boolean;
  /** Absolute working directory the relative paths (database.dir, …) resolve against. */
  readonly cwd: string;
}

const defaultReader: TextFileReader = (p) => fs.readFileSync(p, 'utf8');

export function resolveConfigPath(configPath: string | undefined, cwd: string): string {
  return nodePath.resolve(cwd, configPath ?? DEFAULT_CONFIG_FILE);
}

/** Read and parse the raw JSON of a config file; `null` when it does not exist. */
export function readRawConfigFile(path: string, readFile: TextFileReader = defaultReader): unknown | null {
  let text: string;
  try {
    text = readFile(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new ConfigError([{ path: '(file)', message: `cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? 'error'}` }], path);
  }
  try {
    return JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    throw new ConfigError([{ path: '(file)', message: `${path} is not valid JSON: ${(e as Error).message}` }], path);
  }
}

export function loadConfig(opts: LoadConfigOptions = {}): LoadedConfig {
  const env = opts.env ?? process.env;
  const cwd = nodePath.resolve(opts.cwd ?? process.cwd());
  const readFile = opts.readFile ?? defaultReader;
  const path = resolveConfigPath(opts.configPath, cwd);

  const raw = readRawConfigFile(path, readFile);
  if (raw === null && opts.configPath !== undefined && !opts.allowMissing) {
    throw new ConfigError([{ path: '--config', message: `config file ${path} does not exist` }], path);
  }
  const parsed = raw === null ? { config: defaultConfig(), fileSecrets: undefined } : parseConfigObject(raw, path);
  const secrets = loadSecrets({ env, fileSecrets: parsed.fileSecrets, cwd, configDir: nodePath.dirname(path), readFile });
  return Object.freeze({ config: parsed.config, secrets, path, exists: raw !== null, cwd });
}
