/**
 * `kalshi-autopilot reset-paper --yes-wipe-paper-state [--json]`: wipe a dry-run lane's paper state (paper orders,
 * fills, positions, trade use, cash ledger: PaperStore.resetPaper), so paper cash is back to `trading.bankroll`.
 * Decisions, scans, cycles and the control state (kill switch, halts) are kept.
 *
 * Refused (exit 3) for a live lane, and while the lane's worker runs: the command takes the worker lock itself for the
 * wipe, so a running worker (which holds it) is never left with paper state vanishing under it, and no worker can
 * start mid-wipe. Without the confirmation flag it changes nothing and exits 2 naming the flag. Acts on the lane's
 * existing DB only (never creates one).
 */
import { Command } from 'commander';
import { displayPath } from '../observability/redact';
import { DbLockError, DbModeError, openStore, Store } from '../store';
import { addLaneOptions, LaneCliOptions, laneTarget } from './lane';
import { missingLaneDb } from './lane-db';
import { UsageError } from './usage-error';

export const CONFIRM_FLAG = '--yes-wipe-paper-state';

/** A refusal for safety (exit 3, like a DB of another lane). */
export class ResetPaperRefused extends DbModeError {
  constructor(message: string) {
    super(message);
    this.name = 'ResetPaperRefused';
  }
}

export function registerResetPaperCommand(program: Command): void {
  addLaneOptions(
    program
      .command('reset-paper')
      .description(`wipe a dry-run lane's paper orders, fills, positions and cash ledger (needs ${CONFIRM_FLAG}; refused for live, and while the worker runs)`),
  )
    .option(CONFIRM_FLAG, 'confirm: delete every paper order, fill, position and cash ledger entry of the lane')
    .option('--json', 'print {lane, dbPath, deleted: {<table>: rows}}')
    .action((o: LaneCliOptions & { yesWipePaperState?: boolean; json?: boolean }) => {
      const lane = laneTarget(o);
      if (lane.note) process.stderr.write(`warning: ${lane.note}\n`);
      if (lane.mode !== 'dry-run') {
        throw new ResetPaperRefused(`reset-paper refused: ${lane.lane} is a live lane (paper state exists in dry-run lanes only; nothing was changed)`);
      }
      if (o.yesWipePaperState !== true) {
        throw new UsageError(
          `reset-paper deletes every paper order, fill, position and cash ledger entry of ${lane.lane} (${displayPath(lane.dbPath)}): ` +
            `pass ${CONFIRM_FLAG} to confirm (nothing was changed)`,
        );
      }
      const why = missingLaneDb(lane);
      if (why) throw new Error(why);
      let store: Store;
      try {
        store = openStore({ path: lane.dbPath, mode: lane.mode, env: lane.env, allowLiveLegacyDb: lane.allowLiveLegacyDb, lock: true });
      } catch (err) {
        if (err instanceof DbLockError) {
          throw new ResetPaperRefused(
            `reset-paper refused: the worker of ${lane.lane} is running (it holds the lock on ${displayPath(lane.dbPath)}${err.holder ? `, ${err.holder}` : ''}). ` +
              'Stop the worker (`worker` or `up`), then run reset-paper again; nothing was changed',
          );
        }
        throw err;
      }
      let deleted: Record<string, number>;
      try {
        deleted = store.paper.resetPaper(true);
      } finally {
        store.close();
      }
      if (o.json) {
        process.stdout.write(`${JSON.stringify({ lane: lane.lane, dbPath: lane.dbPath, deleted }, null, 2)}\n`);
        return;
      }
      const total = Object.values(deleted).reduce((s, n) => s + n, 0);
      process.stdout.write(
        [
          `reset-paper: deleted ${total} row${total === 1 ? '' : 's'} of paper state of ${lane.lane} in ${displayPath(lane.dbPath)}`,
          ...Object.entries(deleted).map(([table, n]) => `  ${table}: ${n}`),
          'kept: decisions, scans, cycles, control state; paper cash is trading.bankroll again',
        ].join('\n') + '\n',
      );
    });
}
