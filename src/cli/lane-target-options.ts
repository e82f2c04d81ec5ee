/**
 * The flags of the operator commands that only NAME a lane and reach it (status, kill-switch, clear-halt): which lane
 * (--env, --dry-run|--live, --config), which DB file (--db, --allow-live-legacy-db) and which Temporal
 * (--temporal-address, --namespace). The scope flags, --kalshi-base-url and --non-interactive of `addLaneOptions`
 * mean nothing to them (a kill switch is lane-wide, never per series), so they are not offered: passing one is an
 * unknown option (exit 2), never a silently ignored one.
 */
import { Command, Option } from 'commander';
import { KALSHI_ENVS } from '../config';
import { addTemporalTlsOptions } from './temporal-tls';

export function addLaneTargetOptions(cmd: Command): Command {
  return addTemporalTlsOptions(cmd)
    .addOption(new Option('--dry-run', 'the dry-run lane (overrides trading.dry_run)'))
    .addOption(new Option('--live', 'the live lane (overrides trading.dry_run)'))
    .addOption(new Option('--env <env>', 'Kalshi environment of the lane (overrides venues.kalshi.env)').choices([...KALSHI_ENVS]))
    .option('--db <path>', 'explicit database file (overrides database.path and the derived path)')
    .option('--allow-live-legacy-db', 'allow a live lane on a legacy database file name')
    .option('--config <path>', 'config file (default ./kalshi-autopilot.config.json)')
    .option('--temporal-address <host:port>', 'Temporal frontend (env TEMPORAL_ADDRESS, default 127.0.0.1:7233)')
    .option('--namespace <ns>', 'Temporal namespace (env TEMPORAL_NAMESPACE, default "default")');
}
