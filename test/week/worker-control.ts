/**
 * The week proof's worker as a separate OS process (test/week/worker-process.ts): spawn it (its own process group,
 * stdin an open pipe that is never written — S1), wait until it polls, read its RSS from /proc, stop it with SIGTERM,
 * and tell a planned crash (exit 137 at a KALSHI_AUTOPILOT_CRASH_AT point) from an unplanned exit.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { CRASH_ENV_VAR } from '../../src/execution/live-order-crash';
import type { WeekWorkerSpec } from './worker-process';

const ROOT = path.resolve(__dirname, '..', '..');

export interface WorkerExit { code: number | null; signal: NodeJS.Signals | null; stderrTail: string; crashedAt: string | null }

export interface WorkerHandle {
  pid: number;
  child: ChildProcess;
  /** Resolves once the worker printed `polling` (rejects if it exits first). */
  polling: Promise<void>;
  exited: Promise<WorkerExit>;
  rssBytes(): number | null;
  stop(): Promise<WorkerExit>;
}

export function spawnWorker(spec: WeekWorkerSpec, crashAt: string | null, extraEnv: NodeJS.ProcessEnv = {}): WorkerHandle {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extraEnv, KAP_WEEK_WORKER: JSON.stringify(spec) };
  delete env[CRASH_ENV_VAR];
  if (crashAt) env[CRASH_ENV_VAR] = crashAt;
  const child = spawn(process.execPath, ['-r', path.join(ROOT, 'test/week/ts-cache-register.js'), path.join(ROOT, 'test/week/worker-process.ts')], {
    cwd: ROOT, env, stdio: ['pipe', 'pipe', 'pipe'],
    // Its own process group: a signal to the worker (or its group) never reaches the harness or the Temporal server.
    detached: true,
  });
  // The worker is in its own process group: make sure it never outlives the harness.
  const killOnExit = () => {
    try {
      child.kill('SIGKILL');
    } catch {
      // already gone
    }
  };
  process.on('exit', killOnExit);
  child.once('exit', () => process.off('exit', killOnExit));
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => {
    stderr = (stderr + c.toString('utf8')).slice(-4000);
  });
  const exited = new Promise<WorkerExit>((resolve) => {
    child.once('exit', (code, signal) => {
      const m = new RegExp(`${CRASH_ENV_VAR}: crashing at (\\w+)`).exec(stderr);
      resolve({ code, signal, stderrTail: stderr.slice(-1500), crashedAt: code === 137 && m ? m[1] : null });
    });
  });
  const polling = new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString('utf8');
      if (out.includes('polling\n')) resolve();
    });
    void exited.then((e) => reject(new Error(`worker exited before polling (code ${e.code}, signal ${e.signal}): ${e.stderrTail}`)));
  });
  polling.catch(() => undefined);
  return {
    pid: child.pid!,
    child,
    polling,
    exited,
    rssBytes: () => rssOf(child.pid!),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 20_000);
      try {
        return await exited;
      } finally {
        clearTimeout(t);
      }
    },
  };
}

/** Resident set size of a process from /proc (Linux); null elsewhere or once it is gone. */
export function rssOf(pid: number): number | null {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}
