/**
 * Client side (NOT imported by workflow code): what the Temporal Web UI shows for a lane's workflow from its start.
 *
 *   staticSummary  `sim · dry-run · series=KXHIGHNY · every 60 min` (the workflow list's Summary column)
 *   staticDetails  lane, mode, env, scope, bankroll, DB, config hash, cycle interval, started by (markdown)
 *   search attributes (only when the namespace has them registered, see SEARCH_ATTRIBUTES): KapLane, KapMode, KapEnv,
 *                  and KapStatus, which the workflow keeps current (`active`, `killed`, … from statusWordFor)
 *
 * Registering: `temporal/dev-server.sh start` registers them on the local dev server; on another server run
 *   temporal operator search-attribute create --name KapLane --type Keyword   (and KapMode, KapEnv, KapStatus)
 * Unregistered attributes are simply not set (a start never fails, and the workflow never upserts a key that was not
 * set at its start). Filter in the Web UI's list: `KapLane = "kalshi-autopilot-sim-dry-run"`, `KapStatus = "killed"`,
 * `KapMode = "live" AND KapStatus != "active"`.
 */
import type { Client } from '@temporalio/client';
import { defineSearchAttributeKey, SearchAttributeType, type SearchAttributePair } from '@temporalio/common';
import type { TradingCycleInput } from './definitions';

export const SEARCH_ATTRIBUTES = {
  lane: defineSearchAttributeKey('KapLane', SearchAttributeType.KEYWORD),
  mode: defineSearchAttributeKey('KapMode', SearchAttributeType.KEYWORD),
  env: defineSearchAttributeKey('KapEnv', SearchAttributeType.KEYWORD),
  status: defineSearchAttributeKey('KapStatus', SearchAttributeType.KEYWORD),
} as const;

function every(seconds: number): string {
  if (seconds % 3600 === 0) return `every ${seconds / 3600} h`;
  if (seconds % 60 === 0) return `every ${seconds / 60} min`;
  return `every ${seconds} s`;
}

/** Pure: the static summary and details of a lane's workflow. */
export function laneStaticMetadata(input: TradingCycleInput): { staticSummary: string; staticDetails: string } {
  const { lane, banner } = input;
  return {
    staticSummary: `${lane.env} · ${lane.mode} · ${banner.scope || 'no scope'} · ${every(input.cycleIntervalSeconds)}`,
    staticDetails: [
      `**${lane.lane}** (kalshi-autopilot trading lane)`,
      `- mode: ${lane.mode} · env: ${lane.env} · config hash: ${lane.configHash}`,
      `- scope: ${banner.scope} · bankroll: ${banner.bankroll}`,
      `- cycle: ${every(input.cycleIntervalSeconds)}${input.maxCycles !== undefined ? ` · at most ${input.maxCycles} cycles` : ''}`,
      `- lane DB: ${banner.dbPath} · started by: ${banner.startedBy}`,
      '- signals: killSwitch, pause, resume, clearHalt, stop · query: status',
    ].join('\n'),
  };
}

/** The search attributes of the namespace that are registered with the right type (empty when it cannot be asked). */
async function registered(client: Client): Promise<Set<string>> {
  try {
    const r = await client.connection.operatorService.listSearchAttributes({ namespace: client.options.namespace });
    return new Set(Object.entries(r.customAttributes ?? {}).filter(([, t]) => Number(t) === 2 /* KEYWORD */).map(([k]) => k));
  } catch {
    return new Set();
  }
}

/**
 * Start options for `client.workflow.start(WORKFLOW_TYPE, { ...await laneStartMetadata(client, input), ... })`:
 * static summary and details, and the search attributes the namespace has registered.
 */
export async function laneStartMetadata(
  client: Client,
  input: TradingCycleInput,
): Promise<{ staticSummary: string; staticDetails: string; typedSearchAttributes?: SearchAttributePair[] }> {
  const have = await registered(client);
  const values: Array<[keyof typeof SEARCH_ATTRIBUTES, string]> = [
    ['lane', input.lane.lane], ['mode', input.lane.mode], ['env', input.lane.env], ['status', 'active'],
  ];
  const pairs = values.filter(([k]) => have.has(SEARCH_ATTRIBUTES[k].name)).map(([k, value]) => ({ key: SEARCH_ATTRIBUTES[k], value }) as SearchAttributePair);
  return { ...laneStaticMetadata(input), ...(pairs.length > 0 ? { typedSearchAttributes: pairs } : {}) };
}
