/**
 * `kalshi-autopilot sim`: run the Kalshi exchange simulator standalone on loopback until SIGINT/SIGTERM.
 *
 *   kalshi-autopilot sim --port 8787 [--scenario FILE] [--keys DIR] [--seed N] [--admin] [--clock wall|manual]
 *                        [--start ISO] [--balance DOLLARS] [--host 127.0.0.1] [--json]
 *
 * Prints the base URL (http://127.0.0.1:PORT/trade-api/v2) to stdout, as a table or JSON. `--keys DIR` loads public
 * keys named `<keyId>.pem`; keys can also be added later through the admin API (`--admin`, POST /__sim/keys).
 * It also registers the local simulator key (`<database.dir>/sim-key/`, made on first use; database.dir from the config
 * file, default `data`) so `balance`, `positions`… on env sim work with no credentials; `--no-local-key` skips it.
 * `--polymarket` also starts the Polymarket market-data simulator mirroring it (src/sim/polymarket; `--polymarket-port`,
 * default 8788; `--polymarket-disagreement`, default 0.02) and writes its cross-venue mapping file to
 * `<database.dir>/sim-polymarket/mapping.jsonl` (printed) for `model.kind = cross-venue`.
 */
import { Command } from 'commander';
import type { Logger } from 'pino';
import fs from 'node:fs';
import { readRawConfigFile, resolveConfigPath } from '../config';
import { parseDollars } from '../domain/fixed';
import { createLogger } from '../observability/logger';
import { displayPath } from '../observability/redact';
import { startSimulator, SimHandle, StartOptions } from '../sim';
import type { PolymarketSimHandle } from '../sim/polymarket';
import { parsePolymarketPort, startPolymarketBeside } from './polymarket-sim';
import { ensureSimKey, SimKey, simKeyDir } from './sim-key';
import { UsageError } from './usage-error';

export interface SimCommandOptions {
  port: string;
  host: string;
  scenario?: string;
  keys?: string;
  seed: string;
  admin?: boolean;
  clock: string;
  start?: string;
  balance?: string;
  json?: boolean;
  config?: string;
  /** commander's `--no-local-key`: false skips the local simulator key. */
  localKey?: boolean;
  /** Start the Polymarket market-data simulator alongside. */
  polymarket?: boolean;
  polymarketPort?: string;
  polymarketDisagreement?: string;
}

export interface SimCommandDeps {
  out?: (text: string) => void;
  logger?: Logger;
  /** Resolves when the simulator should stop (default: SIGINT/SIGTERM). */
  stopSignal?: (sim: SimHandle, polymarket: PolymarketSimHandle | null) => Promise<void>;
  /** Working directory for the config file and the data dir (default process.cwd()). */
  cwd?: string;
}

/**
 * The data dir of the config file (`database.dir`, default `data`), read best effort from its raw JSON: the simulator
 * must start even next to a config the lane commands would refuse. An explicit --config that does not exist is an error.
 */
export function dataDirFromConfig(configPath: string | undefined, cwd: string): string {
  const file = resolveConfigPath(configPath, cwd);
  if (configPath !== undefined && !fs.existsSync(file)) throw new UsageError(`--config: config file ${displayPath(file)} does not exist`);
  let raw: unknown = null;
  try {
    raw = readRawConfigFile(file);
  } catch {
    raw = null; // not JSON: the default data dir
  }
  const db = raw && typeof raw === 'object' ? (raw as Record<string, unknown>).database : undefined;
  const dir = db && typeof db === 'object' ? (db as Record<string, unknown>).dir : undefined;
  return typeof dir === 'string' && dir.trim() !== '' ? dir.trim() : 'data';
}

/** Validate flags into simulator options; errors name the flag. */
export function simOptionsFromFlags(o: SimCommandOptions): StartOptions {
  if (!/^\d+$/.test(o.port) || Number(o.port) > 65535) throw new UsageError(`--port: expected an integer 0-65535 (got "${o.port}")`);
  if (!/^\d+$/.test(o.seed) || !Number.isSafeInteger(Number(o.seed))) throw new UsageError(`--seed: expected a non-negative integer (got "${o.seed}")`);
  if (o.clock !== 'wall' && o.clock !== 'manual') throw new UsageError(`--clock: expected "wall" or "manual" (got "${o.clock}")`);
  let startMs = Date.now();
  if (o.start !== undefined) {
    if (o.clock !== 'manual') throw new UsageError('--start: only with --clock manual');
    startMs = Date.parse(o.start);
    if (Number.isNaN(startMs)) throw new UsageError(`--start: expected an ISO-8601 time (got "${o.start}")`);
  }
  let startingBalanceMicros: number | undefined;
  if (o.balance !== undefined) {
    try {
      startingBalanceMicros = parseDollars(o.balance, '--balance');
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
  }
  if (o.host !== '127.0.0.1' && o.host !== 'localhost' && o.host !== '::1') throw new UsageError(`--host: the simulator binds loopback only (got "${o.host}")`);
  return {
    port: Number(o.port), host: o.host, scenario: o.scenario, keysDir: o.keys, seed: Number(o.seed), admin: Boolean(o.admin),
    clock: o.clock === 'manual' ? { mode: 'manual', startMs } : { mode: 'wall' }, startingBalanceMicros,
  };
}

function waitForSignal(): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      resolve();
    };
    process.on('SIGINT', done);
    process.on('SIGTERM', done);
  });
}

export async function runSim(o: SimCommandOptions, deps: SimCommandDeps = {}): Promise<void> {
  const out = deps.out ?? ((t: string) => process.stdout.write(`${t}\n`));
  const opts = simOptionsFromFlags(o);
  const cwd = deps.cwd ?? process.cwd();
  const localKey: SimKey | null = o.localKey === false ? null : ensureSimKey(simKeyDir(dataDirFromConfig(o.config, cwd), cwd));
  const logger = deps.logger ?? createLogger({ name: 'kalshi-sim' });
  const pmPort = o.polymarket ? parsePolymarketPort(o.polymarketPort) : 0;
  if (!o.polymarket && (o.polymarketPort !== undefined || o.polymarketDisagreement !== undefined)) throw new UsageError('--polymarket-port / --polymarket-disagreement: only with --polymarket');
  const sim = await startSimulator({ ...opts, logger, keys: localKey ? [{ keyId: localKey.keyId, publicKeyPem: localKey.publicKeyPem }] : [] });
  let pm: PolymarketSimHandle | null = null;
  let mappingFile: string | null = null;
  if (o.polymarket) {
    try {
      ({ pm, mappingFile } = await startPolymarketBeside(sim, {
        port: pmPort, host: opts.host, seed: opts.seed, disagreement: o.polymarketDisagreement, admin: opts.admin, dataDir: dataDirFromConfig(o.config, cwd), cwd,
      }));
    } catch (e) {
      await sim.close();
      throw e;
    }
  }
  const info = {
    base_url: sim.baseUrl,
    oracle_url: `${sim.rootUrl}/sim-oracle/v1/fair-values`,
    admin_url: opts.admin ? `${sim.rootUrl}/__sim` : null,
    clock: opts.clock?.mode ?? 'wall',
    seed: opts.seed,
    // A count, not the ids: key ids from --keys are credentials-adjacent and never printed (they may be a trader's
    // real key ids). The local key is this machine's own simulator account: its id is printed, its private key never.
    keys_loaded: sim.core.keys.ids().filter((id) => id !== localKey?.keyId).length,
    local_key_id: localKey?.keyId ?? null,
    local_key_dir: localKey ? displayPath(localKey.dir) : null,
    ...(pm ? { polymarket_gamma_url: pm.gammaBaseUrl, polymarket_clob_url: pm.clobBaseUrl, polymarket_mapping_file: displayPath(mappingFile!) } : {}),
  };
  if (o.json) out(JSON.stringify(info));
  else {
    for (const [k, v] of Object.entries(info)) out(`${k.padEnd(pm ? 23 : 13)} ${v ?? '(off)'}`);
    out('simulator running; Ctrl-C to stop');
  }
  try {
    await (deps.stopSignal ?? waitForSignal)(sim, pm);
  } finally {
    await pm?.close();
    await sim.close();
  }
}

export function registerSimCommands(program: Command, deps: SimCommandDeps = {}): void {
  program
    .command('sim')
    .description('Run the Kalshi exchange simulator on loopback (Kalshi Trade API v2 + sim-oracle fair values)')
    .option('--port <n>', 'TCP port (0 = ephemeral)', '8787')
    .option('--host <host>', 'loopback address to bind', '127.0.0.1')
    .option('--scenario <file>', 'scenario JSON file (default: built-in week-long scenario)')
    .option('--keys <dir>', 'directory of <keyId>.pem public keys')
    .option('--seed <n>', 'PRNG seed (deterministic market life)', '1')
    .option('--admin', 'enable the test-only admin API under /__sim/')
    .option('--clock <mode>', 'wall | manual', 'wall')
    .option('--start <iso>', 'start time for --clock manual')
    .option('--balance <dollars>', 'starting balance per account, e.g. 1000.00')
    .option('--json', 'print connection info as JSON')
    .option('--config <path>', 'config file whose database.dir holds the local key (default ./kalshi-autopilot.config.json)')
    .option('--no-local-key', 'do not make/register the local simulator key (<database.dir>/sim-key)')
    .option('--polymarket', 'also run the Polymarket market-data simulator mirroring these markets (writes <database.dir>/sim-polymarket/mapping.jsonl)')
    .option('--polymarket-port <n>', 'its TCP port (default 8788; 0 = ephemeral)')
    .option('--polymarket-disagreement <p>', 'largest seeded |Polymarket − true probability| per market (default 0.02)')
    .action(async (o: SimCommandOptions) => runSim(o, deps));
}
