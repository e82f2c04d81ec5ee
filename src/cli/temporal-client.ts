/**
 * The CLI's Temporal client: one short-lived connection per command, with an error that names the address.
 */
import { Client, Connection } from '@temporalio/client';
import type { SignalDefinition } from '@temporalio/workflow';
import { safeErrorMessage } from '../observability/redact';
import { temporalConnectionOptions, type TemporalAuth } from './temporal-tls';

export interface TemporalTarget extends Partial<TemporalAuth> {
  address: string;
  namespace: string;
}

/** Raised when the Temporal frontend cannot be reached at all (as opposed to a workflow that is not running). */
export class TemporalUnreachableError extends Error {
  constructor(readonly address: string, cause: unknown) {
    super(`cannot reach Temporal at ${address} (start it with \`bash temporal/dev-server.sh start\`, or pass --temporal-address): ${safeErrorMessage(cause)}`);
    this.name = 'TemporalUnreachableError';
  }
}

export async function connectClient(t: TemporalTarget): Promise<{ client: Client; close(): Promise<void> }> {
  let connection: Connection;
  try {
    connection = await Connection.connect({ ...temporalConnectionOptions(t), connectTimeout: '5s' });
  } catch (err) {
    throw new TemporalUnreachableError(t.address, err);
  }
  return { client: new Client({ connection, namespace: t.namespace }), close: () => connection.close() };
}

export async function signalLane<Args extends unknown[]>(
  t: TemporalTarget,
  workflowId: string,
  signal: SignalDefinition<Args>,
  ...args: Args
): Promise<void> {
  const { client, close } = await connectClient(t);
  try {
    await client.workflow.getHandle(workflowId).signal(signal, ...args);
  } finally {
    await close();
  }
}
