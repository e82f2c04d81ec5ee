/**
 * One live worker per lane, whatever DB file it opened (issue 17 item 1). The DB lock (src/store/lock.ts) stops a
 * second worker on the same file; it cannot see a worker started from another directory or another host with the
 * same config, which would poll the same task queue and split the lane's state across two DBs. Before a worker is
 * created it therefore asks Temporal who polls the lane's task queue (`DescribeTaskQueue`, workflow and activity
 * types) and refuses to start while another live worker is listed.
 *
 * Worker identities are `${pid}@${hostname}` (set explicitly by createLaneWorker), so a listed poller can be judged:
 *   - this host, our own pid           → ignored: that is this process (in a container a restarted worker often gets
 *                                        the pid of the one that crashed, and the same hostname);
 *   - this host, pid not running       → ignored: a crashed or stopped worker that Temporal still lists (the server
 *                                        keeps a poller for 5 minutes after its last poll), so a restart never waits;
 *   - this host, pid running           → refused, whatever the age of its last poll (a stopped — Ctrl-Z — worker stops
 *                                        polling but comes back);
 *   - another host (or an identity not in `pid@host` form) → refused if it polled within RECENT_POLL_MS, else ignored:
 *                                        its pid cannot be checked from here, only the age of its last poll.
 *
 * The decision is the pure `judgePollers`; `listLanePollers` is the thin query and `assertNoOtherLaneWorker` wires
 * both for the worker. Assumptions: clocks of this host and of the Temporal server agree to well under a minute; a
 * worker on "this host" shares our pid namespace (two containers with one hostname but separate pid namespaces would
 * see each other's pids as dead — give containers distinct hostnames).
 */
import fs from 'node:fs';
import os from 'node:os';
import type { WorkflowService } from '@temporalio/client';
import type { Logger } from 'pino';

/**
 * A live worker starts a new long poll as soon as the previous one returns; the server answers an idle poll after
 * about a minute (matching's long-poll expiry) and records `lastAccessTime` when a poll *starts*. So the last poll of
 * a live worker is at most ~60 s old; twice that leaves room for a loaded host or server. A dead worker on another
 * host therefore blocks a new one for at most this long after its last poll.
 */
export const RECENT_POLL_MS = 120_000;

/** DescribeTaskQueue deadline: the check must not hang a start-up. */
const DESCRIBE_TIMEOUT_MS = 10_000;

/** temporal.api.enums.v1 values (the proto package is not a direct dependency). */
const TASK_QUEUE_KIND_NORMAL = 1;
const TASK_QUEUE_TYPES = { workflow: 1, activity: 2 } as const;

export interface LanePoller {
  identity: string;
  /** When its last poll started, as the server recorded it (ms since epoch); null if the server gave none. */
  lastAccessMs: number | null;
  taskQueueType: 'workflow' | 'activity';
}

export interface ThisWorker {
  pid: number;
  hostname: string;
}

export interface JudgeContext extends ThisWorker {
  nowMs: number;
  /** Whether a pid of this host is a running process. */
  isPidAlive(pid: number): boolean;
}

export type IgnoreReason = 'own-process' | 'dead-pid-this-host' | 'stale-other-host';
export type RefuseReason = 'live-pid-this-host' | 'other-host' | 'unparseable-identity';

/** One identity (its workflow and activity polls merged), and what it means for a new worker. */
export interface PollerVerdict {
  identity: string;
  /** The most recent poll over both task-queue types; null if the server gave no time. */
  lastAccessMs: number | null;
  taskQueueTypes: Array<'workflow' | 'activity'>;
  parsed: ThisWorker | null;
  action: 'ignore' | 'refuse';
  reason: IgnoreReason | RefuseReason;
}

export function thisWorker(): ThisWorker {
  return { pid: process.pid, hostname: os.hostname() };
}

/** The identity every lane worker polls with. */
export function workerIdentity(w: ThisWorker = thisWorker()): string {
  return `${w.pid}@${w.hostname}`;
}

/** `12345@host` → { pid, hostname }; anything else (another tool's identity, a name with spaces…) → null. */
export function parseWorkerIdentity(identity: string): ThisWorker | null {
  const m = /^([1-9]\d{0,9})@([^\s@]+)$/.exec(identity);
  if (!m) return null;
  const pid = Number(m[1]);
  return Number.isSafeInteger(pid) ? { pid, hostname: m[2] } : null;
}

/**
 * The decision, pure: one verdict per distinct identity, refusals first (most recent poll first). A new worker may
 * start iff no verdict is `refuse`. A missing last-access time counts as recent (fail closed).
 */
export function judgePollers(pollers: readonly LanePoller[], ctx: JudgeContext): PollerVerdict[] {
  const byIdentity = new Map<string, { lastAccessMs: number | null; types: Set<'workflow' | 'activity'>; noTime: boolean }>();
  for (const p of pollers) {
    const e = byIdentity.get(p.identity) ?? { lastAccessMs: null, types: new Set(), noTime: false };
    e.types.add(p.taskQueueType);
    if (p.lastAccessMs === null) e.noTime = true;
    else e.lastAccessMs = e.lastAccessMs === null ? p.lastAccessMs : Math.max(e.lastAccessMs, p.lastAccessMs);
    byIdentity.set(p.identity, e);
  }
  const verdicts: PollerVerdict[] = [];
  for (const [identity, e] of byIdentity) {
    const parsed = parseWorkerIdentity(identity);
    const recent = e.noTime || e.lastAccessMs === null || ctx.nowMs - e.lastAccessMs < RECENT_POLL_MS;
    let action: PollerVerdict['action'];
    let reason: PollerVerdict['reason'];
    if (parsed && parsed.hostname === ctx.hostname) {
      if (parsed.pid === ctx.pid) [action, reason] = ['ignore', 'own-process'];
      else if (!ctx.isPidAlive(parsed.pid)) [action, reason] = ['ignore', 'dead-pid-this-host'];
      else [action, reason] = ['refuse', 'live-pid-this-host'];
    } else if (!recent) {
      [action, reason] = ['ignore', 'stale-other-host'];
    } else {
      [action, reason] = ['refuse', parsed ? 'other-host' : 'unparseable-identity'];
    }
    verdicts.push({ identity, lastAccessMs: e.lastAccessMs, taskQueueTypes: [...e.types].sort(), parsed, action, reason });
  }
  const rank = (v: PollerVerdict) => (v.action === 'refuse' ? 0 : 1);
  return verdicts.sort((a, b) => rank(a) - rank(b) || (b.lastAccessMs ?? Infinity) - (a.lastAccessMs ?? Infinity));
}

/**
 * Whether a pid of this host is a running process: signal 0 probes without signalling (EPERM = it exists, owned by
 * someone else). A zombie (dead, not yet reaped by its parent) holds no lock and polls nothing: dead.
 */
export function isPidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    // /proc/<pid>/stat: "pid (comm) state …"; comm may contain spaces and parentheses, the state follows the last ")".
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true; // no procfs (macOS) or the process just went: the signal probe said it was there
  }
}

interface Timestamp {
  seconds?: number | { toString(): string } | null;
  nanos?: number | null;
}

function timestampMs(t: Timestamp | null | undefined): number | null {
  if (!t || t.seconds === null || t.seconds === undefined) return null;
  const s = typeof t.seconds === 'number' ? t.seconds : Number(t.seconds.toString());
  return Number.isFinite(s) ? s * 1000 + Math.floor((t.nanos ?? 0) / 1e6) : null;
}

/** What the check needs of a connection: NativeConnection (@temporalio/worker) and Connection (@temporalio/client) fit. */
export interface PollerQueryConnection {
  workflowService: Pick<WorkflowService, 'describeTaskQueue'>;
  withDeadline<R>(deadline: number | Date, fn: () => Promise<R>): Promise<R>;
}

/** Everyone Temporal lists as polling `taskQueue` (workflow and activity types), as the server reports them. */
export async function listLanePollers(conn: PollerQueryConnection, namespace: string, taskQueue: string): Promise<LanePoller[]> {
  const out: LanePoller[] = [];
  for (const [type, taskQueueType] of Object.entries(TASK_QUEUE_TYPES) as Array<['workflow' | 'activity', number]>) {
    const res = await conn.withDeadline(Date.now() + DESCRIBE_TIMEOUT_MS, () =>
      conn.workflowService.describeTaskQueue({ namespace, taskQueue: { name: taskQueue, kind: TASK_QUEUE_KIND_NORMAL }, taskQueueType }),
    );
    for (const p of res.pollers ?? []) {
      out.push({ identity: p.identity ?? '', lastAccessMs: timestampMs(p.lastAccessTime as Timestamp | null | undefined), taskQueueType: type });
    }
  }
  return out;
}

function when(ms: number | null, nowMs: number): string {
  if (ms === null) return 'last poll time unknown';
  return `last poll ${new Date(ms).toISOString()} (${Math.max(0, Math.round((nowMs - ms) / 1000))} s ago)`;
}

function describeRefusal(v: PollerVerdict, nowMs: number): string {
  const at = when(v.lastAccessMs, nowMs);
  if (v.reason === 'live-pid-this-host') {
    return `${v.identity}: a running process on this host (pid ${v.parsed!.pid}), ${at}. Stop that worker first ` +
      `(SIGTERM, e.g. \`kill ${v.parsed!.pid}\`). If pid ${v.parsed!.pid} is not a kalshi-autopilot worker (a reused pid), ` +
      'Temporal drops the entry 5 minutes after its last poll';
  }
  const clears = v.lastAccessMs === null ? '' : `; if it is already dead, this check ignores it from ${new Date(v.lastAccessMs + RECENT_POLL_MS).toISOString()} (${RECENT_POLL_MS / 1000} s after its last poll)`;
  const where = v.reason === 'other-host' ? `another host (${v.parsed!.hostname})` : 'an identity not in pid@host form, treated as another host';
  return `${v.identity}: ${where}, ${at}. Stop that worker first${clears}`;
}

/** Refused for safety (exit code 3): another live worker polls this lane's task queue. */
export class LaneWorkerRunningError extends Error {
  constructor(readonly lane: string, readonly namespace: string, readonly refused: PollerVerdict[], nowMs: number) {
    super(
      `another worker is polling lane ${lane} (task queue ${lane}, namespace ${namespace}): only one worker may run a ` +
        `lane, or its state splits across DB files. ${refused.map((v) => describeRefusal(v, nowMs)).join('; ')}. ` +
        'Then start this worker again.',
    );
    this.name = 'LaneWorkerRunningError';
  }
}

export interface AssertNoOtherWorkerOptions {
  connection: PollerQueryConnection;
  namespace: string;
  /** The lane's task queue (= the lane name). */
  taskQueue: string;
  logger: Logger;
  /** Seams for tests; default this process, Date.now(), isPidAlive. */
  self?: ThisWorker;
  now?: () => number;
  isPidAlive?: (pid: number) => boolean;
}

/**
 * Throws LaneWorkerRunningError if another live worker polls the lane; logs every listed poller it ignores. A failed
 * query is an error too (fail closed: this worker cannot tell whether it would be the second one).
 */
export async function assertNoOtherLaneWorker(opts: AssertNoOtherWorkerOptions): Promise<void> {
  let pollers: LanePoller[];
  try {
    pollers = await listLanePollers(opts.connection, opts.namespace, opts.taskQueue);
  } catch (err) {
    throw new Error(
      `cannot check whether another worker polls lane ${opts.taskQueue} (DescribeTaskQueue failed: ${(err as Error)?.message ?? String(err)}): ` +
        'not starting a possibly second worker',
      { cause: err },
    );
  }
  const self = opts.self ?? thisWorker();
  const nowMs = (opts.now ?? Date.now)();
  const verdicts = judgePollers(pollers, { ...self, nowMs, isPidAlive: opts.isPidAlive ?? isPidAlive });
  for (const v of verdicts.filter((x) => x.action === 'ignore')) {
    opts.logger.info(
      { lane: opts.taskQueue, poller: v.identity, reason: v.reason, lastAccess: v.lastAccessMs === null ? null : new Date(v.lastAccessMs).toISOString() },
      `ignoring listed poller ${v.identity} of lane ${opts.taskQueue} (${v.reason})`,
    );
  }
  const refused = verdicts.filter((x) => x.action === 'refuse');
  if (refused.length > 0) throw new LaneWorkerRunningError(opts.taskQueue, opts.namespace, refused, nowMs);
}
