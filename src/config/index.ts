/**
 * Configuration and run mode for kalshi-autopilot.
 *
 *   loadConfig({ configPath?, env = process.env, cwd?, readFile?, allowMissing? })
 *       → { config, secrets, path, exists, cwd }          one JSON file + environment secrets (env wins, placeholders = unset)
 *   resolveRunContext(loaded, flags) → RunContext          the ONE immutable run mode (deep-frozen), resolved before anything is built
 *   validateForMode(ctx, secrets) → { ok, errors, warnings }
 *   assertValidForMode(ctx, secrets) → warnings             throws ConfigError listing every error
 *   laneName(env, mode)                                     'kalshi-autopilot-<env>-<mode>' (workflow id and task queue)
 *   defaultDbPath(env, mode, dir = 'data')                  '<dir>/kalshi-autopilot-<env>-<mode>.sqlite'
 *   killSwitchFromEnv(env, varName), killSwitchFromFile(path, readFile?) → { engaged, source, reason }
 *   setConfigValue(path, 'a.b.c', rawValue), setConfigValues(path, [[key, value]…])  validated, atomic writes
 *   parseCsvList(flagName, value)                           for --series-tickers / --event-tickers / --market-ids
 *   configHash(config, { schema?, defaultsVersion? })     only non-default values + CONFIG_DEFAULTS_VERSION (upgrade-stable)
 *   canonicalJson(v), nonDefaultValues(v, defaults), secretStatus(secrets), ConfigError { issues: {path, message}[] }
 *
 * Types: Config, Secrets, RunContext, RunMode, KalshiEnv, RunFlags, ConfigIssue. Nothing here reads stdin or prompts.
 */
export * from './schema';
export * from './errors';
export { parseConfigObject, stripComments, schemaAt, knownKeysAt, COMMENT_KEY } from './parse';
export type { ParsedFile } from './parse';
export * from './secrets';
export * from './load';
export * from './canonical';
export * from './run-context';
export * from './validate-mode';
export * from './kill-switch';
export * from './csv';
export * from './write';
