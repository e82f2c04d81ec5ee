/**
 * Issue 11: a worker connects to Temporal through TLS with client certificates, for real. The dev server has no TLS of
 * its own, so a `node:tls` terminator (a CA made here with openssl; the server certificate for `localhost`; client
 * certificates required) sits in front of it; the CLI's connection options (src/cli/temporal-tls.ts) carry the CA, the
 * client pair and the server name. A lane runs one cycle through it; without the client certificate it is refused.
 */
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, NativeConnection } from '@temporalio/worker';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net, { AddressInfo } from 'node:net';
import path from 'node:path';
import tls from 'node:tls';
import { buildTradingDeps } from '../../src/activities/trading-deps';
import { cycleInputFor, killSourceReader, prepareLane } from '../../src/cli/lane';
import { connectClient } from '../../src/cli/temporal-client';
import { temporalAuthFrom, temporalConnectionOptions } from '../../src/cli/temporal-tls';
import { silentLogger } from '../../src/observability/logger';
import type { SimHandle } from '../../src/sim';
import { createLaneWorker, workflowsPath } from '../../src/worker';
import { WORKFLOW_TYPE } from '../../src/workflows/definitions';
import { tempDir } from '../helpers/lane';
import { createLocalEnv } from '../helpers/temporal';
import { startTestSim } from '../helpers/trading';

const dir = tempDir('kap-tls-');
const f = (n: string) => path.join(dir, n);
const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
let env: TestWorkflowEnvironment;
let sim: SimHandle;
let proxy: tls.Server;
let proxyAddress: string;
let authorized = 0;

function makeCerts(): void {
  ssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-subj', '/CN=kap test CA', '-days', '2');
  fs.writeFileSync(f('server.ext'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
  ssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=localhost');
  ssl('x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.pem', '-days', '2', '-extfile', 'server.ext');
  fs.writeFileSync(f('client.ext'), 'extendedKeyUsage=clientAuth\n');
  ssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'client.key', '-out', 'client.csr', '-subj', '/CN=kap-worker');
  ssl('x509', '-req', '-in', 'client.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'client.pem', '-days', '2', '-extfile', 'client.ext');
}

beforeAll(async () => {
  makeCerts();
  env = await createLocalEnv();
  sim = await startTestSim({ clock: { mode: 'wall' } });
  const [host, port] = [env.address.split(':')[0], Number(env.address.split(':')[1])];
  proxy = tls.createServer(
    { key: fs.readFileSync(f('server.key')), cert: fs.readFileSync(f('server.pem')), ca: fs.readFileSync(f('ca.pem')), requestCert: true, rejectUnauthorized: true, ALPNProtocols: ['h2'] },
    (sock) => {
      if (sock.authorized) authorized += 1;
      const up = net.connect(port, host);
      sock.pipe(up).pipe(sock);
      const end = () => { sock.destroy(); up.destroy(); };
      sock.on('error', end);
      up.on('error', end);
    },
  );
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
  proxyAddress = `127.0.0.1:${(proxy.address() as AddressInfo).port}`;
}, 180_000);

afterAll(async () => {
  await new Promise<void>((r) => proxy?.close(() => r()));
  await env?.teardown();
  await sim?.close();
});

const tlsVars = (withClient = true) => ({
  TEMPORAL_TLS_CA: f('ca.pem'), TEMPORAL_TLS_SERVER_NAME: 'localhost',
  ...(withClient ? { TEMPORAL_TLS_CERT: f('client.pem'), TEMPORAL_TLS_KEY: f('client.key') } : {}),
});

describe('Temporal over TLS with client certificates', () => {
  it('a lane worker and the CLI client run a cycle through the TLS terminator', async () => {
    const cwd = tempDir('kap-tls-lane-');
    fs.writeFileSync(path.join(cwd, 'kalshi-autopilot.config.json'), JSON.stringify({ venues: { kalshi: { base_url: sim.baseUrl } }, trading: { allowed_series_tickers: ['SIMHIGHTEMP'] } }));
    const lane = prepareLane({ env: 'sim', dryRun: true, temporalAddress: proxyAddress }, { cwd, env: tlsVars() });
    expect(lane.temporal.tls).toEqual({ caPath: f('ca.pem'), certPath: f('client.pem'), keyPath: f('client.key'), serverName: 'localhost' });
    const native = await NativeConnection.connect(temporalConnectionOptions(lane.temporal));
    const { client, close } = await connectClient(lane.temporal);
    const lw = await createLaneWorker({
      identity: lane.identity, banner: lane.banner, dbPath: lane.ctx.dbPath, heartbeatPath: null, readKillSources: killSourceReader(lane.ctx, {}),
      logger: silentLogger(), connection: native, trading: buildTradingDeps(lane.ctx, { logger: silentLogger(), simBaseUrl: sim.baseUrl }),
      workflowBundle: await bundleWorkflowCode({ workflowsPath: workflowsPath(), logger: { trace() {}, debug() {}, info() {}, warn() {}, error() {} } as never }),
    });
    try {
      await lw.worker.runUntil(async () => {
        const h = await client.workflow.start(WORKFLOW_TYPE, { workflowId: lane.ctx.lane, taskQueue: lane.ctx.lane, args: [cycleInputFor(lane, { maxCycles: 1 })] });
        const r = (await h.result()) as { cycles: number };
        expect(r.cycles).toBe(1);
      });
    } finally {
      await close();
      await native.close();
    }
    expect(authorized).toBeGreaterThanOrEqual(2); // the worker's connection and the client's, both with a verified client certificate
  }, 120_000);

  it('without the client certificate the terminator refuses: the CLI says Temporal is unreachable', async () => {
    const t = { address: proxyAddress, namespace: 'default', ...temporalAuthFrom({}, tlsVars(false)) };
    await expect(connectClient(t)).rejects.toThrow(/cannot reach Temporal at/);
  }, 60_000);

  it('half a client pair or an unreadable file is an error naming the flag', () => {
    expect(() => temporalAuthFrom({ temporalTlsCert: f('client.pem') }, {})).toThrow('--temporal-tls-cert / TEMPORAL_TLS_CERT is set but --temporal-tls-key / TEMPORAL_TLS_KEY is not');
    expect(() => temporalConnectionOptions({ address: 'x:1', tls: { caPath: f('nope.pem'), certPath: null, keyPath: null, serverName: null } })).toThrow('--temporal-tls-ca / TEMPORAL_TLS_CA: cannot read');
    expect(temporalAuthFrom({}, {})).toEqual({ tls: null, apiKey: null });
  });
});
