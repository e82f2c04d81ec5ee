/**
 * A local LLM server speaking the two wire formats the official SDKs use: Anthropic Messages (POST /v1/messages, the
 * reply as a forced `tool_use` block, `usage` with input/output and cache tokens) and OpenAI Chat Completions
 * (POST /v1/chat/completions, the reply as message content JSON, `usage` prompt/completion tokens). Scripted faults,
 * one per request in order (then `ok`): invalid replies, 429, 500, a hang past the client's timeout, a dropped
 * connection, a 200 body that is not JSON, a reply without usage. Its own log of what it received is the judge.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type LlmFault = 'ok' | 'invalid_json' | 'invalid_probability' | 'missing_market' | 'http401' | 'http429' | 'http500' | 'hang' | 'drop' | 'malformed_body' | 'no_usage';

export interface LlmFakeRequest {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: Record<string, unknown>;
  /** The tickers found in the prompt. */
  tickers: string[];
  fault: LlmFault;
}

export interface LlmFakeOptions {
  /** P(YES) per ticker; default 0.7. */
  probability?: (ticker: string) => number;
  confidence?: number;
  /** Usage reported per call; default: input = ceil(request bytes / 4), output 60. */
  usage?: (req: { bytes: number; tickers: string[] }) => { input: number; output: number; cacheRead?: number };
}

export interface LlmFake {
  /** http://127.0.0.1:PORT (Anthropic base URL); OpenAI base URL is `${url}/v1`. */
  url: string;
  requests: LlmFakeRequest[];
  /** Faults for the next requests, in order. */
  script(...faults: LlmFault[]): void;
  close(): Promise<void>;
}

const TICKER = /"ticker": ?"([^"]+)"/g;

export async function startLlmFake(opts: LlmFakeOptions = {}): Promise<LlmFake> {
  const queue: LlmFault[] = [];
  const requests: LlmFakeRequest[] = [];
  const sockets = new Set<import('node:net').Socket>();
  const prob = opts.probability ?? (() => 0.7);
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      let body: Record<string, unknown> = {};
      try { body = JSON.parse(raw) as Record<string, unknown>; } catch { /* recorded as {} */ }
      const prompt = JSON.stringify(body.messages ?? '');
      const tickers = [...new Set([...prompt.replace(/\\"/g, '"').matchAll(TICKER)].map((m) => m[1]))];
      const fault = queue.shift() ?? 'ok';
      requests.push({ path: req.url ?? '', headers: req.headers, body, tickers, fault });
      const anthropic = (req.url ?? '').endsWith('/v1/messages');
      const openai = (req.url ?? '').endsWith('/chat/completions');
      if (!anthropic && !openai) { res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}'); return; }
      if (fault === 'hang') return; // the client times out
      if (fault === 'drop') { req.socket.destroy(); return; }
      if (fault === 'http429') {
        res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '1' })
          .end(JSON.stringify(anthropic ? { type: 'error', error: { type: 'rate_limit_error', message: 'rate limited' } } : { error: { message: 'rate limited', type: 'rate_limit_exceeded' } }));
        return;
      }
      if (fault === 'http401') {
        res.writeHead(401, { 'content-type': 'application/json' })
          .end(JSON.stringify(anthropic ? { type: 'error', error: { type: 'authentication_error', message: 'invalid x-api-key' } } : { error: { message: 'Incorrect API key provided', type: 'invalid_request_error' } }));
        return;
      }
      if (fault === 'http500') {
        res.writeHead(500, { 'content-type': 'application/json' })
          .end(JSON.stringify(anthropic ? { type: 'error', error: { type: 'api_error', message: 'internal' } } : { error: { message: 'internal', type: 'server_error' } }));
        return;
      }
      if (fault === 'malformed_body') { res.writeHead(200, { 'content-type': 'application/json' }).end('{"id": "msg_1", "content": [ oops'); return; }
      let items = tickers.map((t) => ({ ticker: t, probability: prob(t), confidence: opts.confidence ?? 0.9, reasoning: `fake view of ${t}`, uncertainties: ['fake'] }));
      if (fault === 'invalid_probability') items = items.map((i) => ({ ...i, probability: 1.5 }));
      if (fault === 'missing_market') items = items.slice(1);
      const reply = fault === 'invalid_json' ? 'I think it is likely, about 70%.' : JSON.stringify({ estimates: items });
      const u: { input: number; output: number; cacheRead?: number } = (opts.usage ?? ((r) => ({ input: Math.ceil(r.bytes / 4), output: 60 })))({ bytes: Buffer.byteLength(raw), tickers });
      if (anthropic) {
        const content = fault === 'invalid_json'
          ? [{ type: 'text', text: reply }]
          : [{ type: 'tool_use', id: 'toolu_1', name: 'submit_estimates', input: JSON.parse(reply) as unknown }];
        const usage = { input_tokens: u.input, output_tokens: u.output, cache_creation_input_tokens: 0, cache_read_input_tokens: u.cacheRead ?? 0 };
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({
          id: `msg_${requests.length}`, type: 'message', role: 'assistant', model: body.model, content,
          stop_reason: fault === 'invalid_json' ? 'end_turn' : 'tool_use', stop_sequence: null, ...(fault === 'no_usage' ? {} : { usage }),
        }));
      } else {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({
          id: `chatcmpl-${requests.length}`, object: 'chat.completion', created: 1, model: body.model,
          choices: [{ index: 0, message: { role: 'assistant', content: reply, refusal: null }, finish_reason: 'stop', logprobs: null }],
          ...(fault === 'no_usage' ? {} : { usage: { prompt_tokens: u.input, completion_tokens: u.output, total_tokens: u.input + u.output } }),
        }));
      }
    });
  });
  server.on('connection', (s) => { sockets.add(s); s.on('close', () => sockets.delete(s)); });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    script: (...f) => { queue.push(...f); },
    close: () => new Promise<void>((r) => { for (const s of sockets) s.destroy(); server.close(() => r()); }),
  };
}
