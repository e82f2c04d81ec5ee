/**
 * `kalshi-autopilot decisions [--cycle N] [--json]`: why the bot did or did not trade each market it considered, from
 * the lane DB (read-only; works with Temporal down, the worker running, or a broken config named by the lane flags).
 *
 * Default: the latest cycle that recorded decisions. `--cycle N`: cycle N of the most recent first run that holds it
 * (cycle numbers restart only when a lane's workflow is started afresh). `--json` prints an array of DecisionJson
 * (src/cli/decision-table.ts), `[]` when there is nothing.
 */
import { Command, InvalidArgumentError } from 'commander';
import { displayPath } from '../observability/redact';
import { DecisionStore, StoredDecision } from '../store';
import { decisionJson, formatDecisionTable } from './decision-table';
import { ensembleMemberLines } from './decision-members';
import { addLaneOptions, LaneCliOptions, laneTarget } from './lane';
import { hasTables, withReadOnlyLaneDb } from './read-lane-db';

const ALL = 1_000_000_000;

function cycleNumber(v: string): number {
  if (!/^\d+$/.test(v) || !Number.isSafeInteger(Number(v)) || Number(v) < 1) throw new InvalidArgumentError('--cycle must be a whole number ≥ 1');
  return Number(v);
}

/** The decision records of one cycle (the latest, or cycle N of the latest first run holding it), in recorded order. */
export function readCycleDecisions(store: DecisionStore, cycle?: number): StoredDecision[] {
  const anchor = store.list({ cycle, limit: 1 })[0];
  if (!anchor) return [];
  return store.list({ cycle: anchor.cycle, firstRunId: anchor.firstRunId, limit: ALL }).sort((a, b) => a.seq - b.seq);
}

export function registerDecisionsCommand(program: Command): void {
  addLaneOptions(program.command('decisions').description("a cycle's decision records: market, side, price, fair value, edge, confidence, size, order or skip reason (default: the latest cycle)"))
    .option('--cycle <n>', 'this cycle instead of the latest', cycleNumber)
    .option('--json', 'an array of {cycle, ticker, side, fair_value, price_dollars, edge, confidence, count_fp, decision, reason}')
    .action((o: LaneCliOptions & { cycle?: number; json?: boolean }) => {
      const lane = laneTarget(o);
      if (lane.note) process.stderr.write(`warning: ${lane.note}\n`);
      const { rows, members } = withReadOnlyLaneDb(lane, (db) => {
        if (!hasTables(db, 'decisions')) return { rows: [] as StoredDecision[], members: [] as string[] };
        const store = new DecisionStore(db);
        const r = readCycleDecisions(store, o.cycle);
        return { rows: r, members: r.length ? ensembleMemberLines(store.estimates({ firstRunId: r[0].firstRunId, cycle: r[0].cycle })) : [] };
      });
      if (o.json) {
        process.stdout.write(`${JSON.stringify(rows.map(decisionJson), null, 2)}\n`);
        return;
      }
      if (rows.length === 0) {
        process.stdout.write(`no decisions recorded${o.cycle !== undefined ? ` for cycle ${o.cycle}` : ''} in ${displayPath(lane.dbPath)}\n`);
        return;
      }
      const orders = rows.filter((r) => r.decision === 'order').length;
      process.stdout.write(
        `${lane.lane} cycle ${rows[0].cycle} (first run ${rows[0].firstRunId}, ${new Date(rows[0].atMs).toISOString()}): ` +
          `${rows.length} decision${rows.length === 1 ? '' : 's'}, ${orders} order${orders === 1 ? '' : 's'}\n` +
          `${formatDecisionTable(rows, { cycle: true })}\n` +
          (members.length ? `${members.join('\n')}\n` : ''),
      );
    });
}
