/**
 * Connecting to an existing Temporal cluster or Temporal Cloud: TLS (server CA, client certificate and key for mTLS,
 * SNI override) and an API key, from flags or the Temporal CLI's standard environment variables:
 *
 *   --temporal-tls                 TEMPORAL_TLS=true          TLS with the system's roots (Temporal Cloud)
 *   --temporal-tls-ca PATH         TEMPORAL_TLS_CA            the server's CA certificate (PEM)
 *   --temporal-tls-cert PATH       TEMPORAL_TLS_CERT          client certificate (PEM), with
 *   --temporal-tls-key PATH        TEMPORAL_TLS_KEY           its private key (PEM)
 *   --temporal-tls-server-name N   TEMPORAL_TLS_SERVER_NAME   the name to verify the server certificate against
 *                                  TEMPORAL_API_KEY           API key (env only: never on a command line); implies TLS
 *
 * Any of them turns TLS on. Files are read when a connection is made; a missing or unreadable one is an error naming
 * its flag or variable. The API key and the client key are secrets: registered, never printed.
 */
import fs from 'node:fs';
import type { Command } from 'commander';
import { registerSecret } from '../observability/redact';
import { UsageError } from './usage-error';

export interface TemporalAuth {
  /** null: plaintext (the local dev server). */
  tls: { caPath: string | null; certPath: string | null; keyPath: string | null; serverName: string | null } | null;
  apiKey: string | null;
}

export interface TemporalTlsCliOptions {
  temporalTls?: boolean;
  temporalTlsCa?: string;
  temporalTlsCert?: string;
  temporalTlsKey?: string;
  temporalTlsServerName?: string;
}

export function addTemporalTlsOptions(cmd: Command): Command {
  return cmd
    .option('--temporal-tls', 'connect to Temporal over TLS (env TEMPORAL_TLS)')
    .option('--temporal-tls-ca <path>', "Temporal server's CA certificate, PEM (env TEMPORAL_TLS_CA)")
    .option('--temporal-tls-cert <path>', 'client certificate for mTLS, PEM (env TEMPORAL_TLS_CERT)')
    .option('--temporal-tls-key <path>', 'client private key for mTLS, PEM (env TEMPORAL_TLS_KEY)')
    .option('--temporal-tls-server-name <name>', 'server name to verify (SNI) (env TEMPORAL_TLS_SERVER_NAME)');
}

const text = (v: string | undefined): string | null => (typeof v === 'string' && v.trim() !== '' ? v.trim() : null);

/** The auth of a Temporal target from flags (first) and the environment. Pure but for registering the API key. */
export function temporalAuthFrom(o: TemporalTlsCliOptions, env: NodeJS.ProcessEnv = process.env): TemporalAuth {
  const caPath = text(o.temporalTlsCa) ?? text(env.TEMPORAL_TLS_CA);
  const certPath = text(o.temporalTlsCert) ?? text(env.TEMPORAL_TLS_CERT);
  const keyPath = text(o.temporalTlsKey) ?? text(env.TEMPORAL_TLS_KEY);
  const serverName = text(o.temporalTlsServerName) ?? text(env.TEMPORAL_TLS_SERVER_NAME);
  const apiKey = text(env.TEMPORAL_API_KEY);
  if (apiKey) registerSecret(apiKey);
  if ((certPath === null) !== (keyPath === null)) {
    throw new UsageError(`${certPath ? '--temporal-tls-cert / TEMPORAL_TLS_CERT is set but --temporal-tls-key / TEMPORAL_TLS_KEY is not' : '--temporal-tls-key / TEMPORAL_TLS_KEY is set but --temporal-tls-cert / TEMPORAL_TLS_CERT is not'}`);
  }
  const tlsWanted = o.temporalTls === true || /^(1|true|yes|on)$/i.test(env.TEMPORAL_TLS ?? '') || caPath !== null || certPath !== null || serverName !== null || apiKey !== null;
  return { tls: tlsWanted ? { caPath, certPath, keyPath, serverName } : null, apiKey };
}

function readPem(path: string, what: string): Buffer {
  try {
    return fs.readFileSync(path);
  } catch (err) {
    throw new UsageError(`${what}: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

/** What Connection.connect / NativeConnection.connect take for this target. */
export function temporalConnectionOptions(t: { address: string } & Partial<TemporalAuth>): {
  address: string;
  tls?: { serverNameOverride?: string; serverRootCACertificate?: Buffer; clientCertPair?: { crt: Buffer; key: Buffer } };
  apiKey?: string;
} {
  if (!t.tls) return { address: t.address };
  const tls: NonNullable<ReturnType<typeof temporalConnectionOptions>['tls']> = {};
  if (t.tls.serverName) tls.serverNameOverride = t.tls.serverName;
  if (t.tls.caPath) tls.serverRootCACertificate = readPem(t.tls.caPath, '--temporal-tls-ca / TEMPORAL_TLS_CA');
  if (t.tls.certPath && t.tls.keyPath) {
    tls.clientCertPair = { crt: readPem(t.tls.certPath, '--temporal-tls-cert / TEMPORAL_TLS_CERT'), key: readPem(t.tls.keyPath, '--temporal-tls-key / TEMPORAL_TLS_KEY') };
  }
  return { address: t.address, tls, ...(t.apiKey ? { apiKey: t.apiKey } : {}) };
}
