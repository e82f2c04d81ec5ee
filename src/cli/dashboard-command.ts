/**
 * `kalshi-autopilot dashboard [lane flags] [--host H] [--port N] [--token T]`: the read-only local web page of a lane
 * (src/dashboard): mode banner, control state, equity and drawdown, exposure, P&L by day, positions and resting orders,
 * last cycles, guard hits, LLM spend, model scores and the reliability diagram. Reads the lane's existing DB read-only
 * on every request (the worker keeps running). 127.0.0.1:8899 by default; another address needs --token. Runs until
 * SIGINT/SIGTERM. Nothing on it changes state; no config secret is read. Docs: docs/scoring.md ("The dashboard").
 */
import { Command, InvalidArgumentError } from 'commander';
import { readDashboard } from '../dashboard/data';
import { DashboardRefusedError, startDashboard } from '../dashboard/server';
import { registerSecret } from '../observability/redact';
import { addLaneOptions, LaneCliOptions, laneTarget } from './lane';
import { qualityRulesOf } from './quality-view';
import { withReadOnlyLaneDb } from './read-lane-db';
import { missingLaneDb } from './lane-db';

export const DEFAULT_DASHBOARD_PORT = 8899;

const port = (v: string) => {
  if (!/^\d+$/.test(v) || Number(v) > 65535) throw new InvalidArgumentError('--port must be a whole number 0–65535');
  return Number(v);
};

export function registerDashboardCommand(program: Command): void {
  addLaneOptions(program.command('dashboard').description('a read-only local web page of the lane: equity, exposure, positions, cycles, guard hits, model scores'))
    .option('--host <H>', 'address to bind (default 127.0.0.1; a non-loopback address needs --token)', '127.0.0.1')
    .option('--port <N>', `port (default ${DEFAULT_DASHBOARD_PORT}; 0 = any free port)`, port, DEFAULT_DASHBOARD_PORT)
    .option('--token <T>', 'require ?token=T or Authorization: Bearer T on every request')
    .action(async (o: LaneCliOptions & { host: string; port: number; token?: string }) => {
      const lane = laneTarget(o);
      if (lane.note) process.stderr.write(`warning: ${lane.note}\n`);
      const why = missingLaneDb(lane);
      if (why) {
        process.stderr.write(`dashboard: ${why}\n`);
        process.exitCode = 1;
        return;
      }
      const token = o.token?.trim() ? o.token.trim() : null;
      registerSecret(token); // never echoed in a page, an error or a log line
      const { rules, from } = qualityRulesOf(o, lane);
      const read = () => withReadOnlyLaneDb(lane, (db) => readDashboard(db, { lane: lane.lane, mode: lane.mode, env: lane.env }, rules, from));
      let server;
      try {
        server = await startDashboard({ host: o.host, port: o.port, token, read });
      } catch (err) {
        if (err instanceof DashboardRefusedError) {
          process.stderr.write(`${err.message}\n`);
          process.exitCode = 3;
          return;
        }
        throw err;
      }
      process.stdout.write(`dashboard of ${lane.lane} (read-only) at ${server.url}${token ? ' (token required)' : ''}; Ctrl-C stops it\n`);
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      await server.close();
    });
}
