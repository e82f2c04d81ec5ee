/**
 * A local HTTP receiver for webhook and dead-man tests: records every request (method, path, parsed JSON body) and
 * answers with the status the test sets (default 200). Loopback only, random port.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  method: string;
  path: string;
  body: string;
  json: unknown;
}

export interface Receiver {
  url: string;
  received: Received[];
  /** The status answered from now on (e.g. 500 for a dead webhook). */
  status: number;
  /** Wait until at least n requests arrived (polling, no fixed sleep). */
  waitFor(n: number, timeoutMs?: number): Promise<Received[]>;
  close(): Promise<void>;
}

export async function startReceiver(path = '/hook'): Promise<Receiver> {
  const received: Received[] = [];
  const r: Partial<Receiver> & { status: number } = { status: 200, received };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      let json: unknown = null;
      try {
        json = body ? JSON.parse(body) : null;
      } catch {
        json = null;
      }
      received.push({ method: req.method ?? '', path: req.url ?? '', body, json });
      res.statusCode = r.status;
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  r.url = `http://127.0.0.1:${port}${path}`;
  r.waitFor = async (n: number, timeoutMs = 20_000) => {
    for (const end = Date.now() + timeoutMs; Date.now() < end; await new Promise((x) => setTimeout(x, 25))) if (received.length >= n) return received;
    throw new Error(`the receiver got ${received.length} request(s), expected at least ${n}`);
  };
  r.close = () => new Promise<void>((resolve) => { server.closeAllConnections?.(); server.close(() => resolve()); });
  return r as Receiver;
}
