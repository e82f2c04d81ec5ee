/**
 * The Polymarket market-data simulator beside a Kalshi simulator, for `sim --polymarket` and `up --polymarket`: starts
 * it (default port 8788), writes its cross-venue mapping file to `<database.dir>/sim-polymarket/mapping.jsonl` (temp
 * file + rename, so a cycle never reads half of it) and returns the handle with the file's path.
 */
import fs from 'node:fs';
import nodePath from 'node:path';
import type { SimHandle } from '../sim';
import { PolymarketSimHandle, startPolymarketSim } from '../sim/polymarket';
import { UsageError } from './usage-error';

export const DEFAULT_POLYMARKET_SIM_PORT = 8788;

export function parsePolymarketPort(v: string | undefined): number {
  const s = v ?? String(DEFAULT_POLYMARKET_SIM_PORT);
  if (!/^\d+$/.test(s) || Number(s) > 65535) throw new UsageError(`--polymarket-port: expected an integer 0-65535 (got "${s}")`);
  return Number(s);
}

/** The mapping file `sim --polymarket` / `up --polymarket` write (database.dir relative to cwd). */
export function polymarketMappingPath(dataDir: string, cwd: string): string {
  return nodePath.resolve(cwd, dataDir, 'sim-polymarket', 'mapping.jsonl');
}

export async function startPolymarketBeside(
  sim: SimHandle,
  o: { port: number; host?: string; seed?: number; disagreement?: string; admin?: boolean; dataDir: string; cwd: string },
): Promise<{ pm: PolymarketSimHandle; mappingFile: string }> {
  let pm: PolymarketSimHandle | null = null;
  try {
    pm = await startPolymarketSim({ mirror: sim, port: o.port, host: o.host, seed: o.seed, disagreement: o.disagreement, admin: o.admin });
    const mappingFile = polymarketMappingPath(o.dataDir, o.cwd);
    fs.mkdirSync(nodePath.dirname(mappingFile), { recursive: true });
    fs.writeFileSync(`${mappingFile}.tmp`, pm.mapping());
    fs.renameSync(`${mappingFile}.tmp`, mappingFile);
    return { pm, mappingFile };
  } catch (e) {
    await pm?.close();
    throw /disagreement/.test((e as Error).message) ? new UsageError(`--polymarket-disagreement: ${(e as Error).message}`) : e;
  }
}
