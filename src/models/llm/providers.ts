/**
 * The two wire formats, through the official SDKs only: Anthropic Messages (a forced `submit_estimates` tool call:
 * its `input` is the structured reply) and OpenAI Chat Completions (a strict `json_schema` response_format; any
 * OpenAI-compatible server: vLLM, Ollama, a gateway). The SDKs' own retries are off (maxRetries 0): every attempt is
 * one reservation in the budget, and retries go through the activity's retry policy (docs/models.md).
 *
 * A provider returns the reply and its `usage`, or throws an LlmCallError saying what the budget must do:
 *   refused (429, other 4xx: no work done → charged 0) | lost (timeout, dropped connection, 5xx, a body that is not
 *   the API's shape → charged at the reservation).
 * The API key lives only inside the SDK client; no error text carries it (scrubbed, and the SDK never echoes it).
 */
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import type { LlmUsage } from '../../domain/llm-budget';
import { safeErrorMessage } from '../../observability/redact';
import { oneLine } from '../types';
import { REPLY_JSON_SCHEMA, REPLY_TOOL_NAME } from './reply';

export interface LlmRequest {
  system: string;
  user: string;
  maxTokens: number;
  temperature: number;
  timeoutMs: number;
  /** Aborts the call (the decide activity's cancellation): the reservation stays charged. */
  signal?: AbortSignal;
}

export interface LlmReply {
  /** The structured reply as text (kept in the ledger; a retried activity replays it). */
  text: string;
  /** null when the answer carried no usage: the call is then charged at its reservation. */
  usage: LlmUsage | null;
}

export type LlmCallOutcome = 'rate_limited' | 'http_4xx' | 'http_5xx' | 'timeout' | 'connection' | 'aborted' | 'malformed_response';

export class LlmCallError extends Error {
  constructor(readonly outcome: LlmCallOutcome, readonly charge: 'none' | 'reservation', message: string, readonly status: number | null = null) {
    super(message);
    this.name = 'LlmCallError';
  }
}

/** 4xx answers a retry cannot change (a bad key, an unknown model, a malformed request): not retried. */
export const REFUSED_FOR_GOOD: readonly number[] = [400, 401, 403, 404, 422];

export interface LlmProvider {
  readonly provider: 'anthropic' | 'openai';
  readonly model: string;
  call(req: LlmRequest): Promise<LlmReply>;
}

export interface ProviderOptions {
  apiKey: string;
  model: string;
  /** null = the SDK's default endpoint. */
  baseUrl: string | null;
  fetchImpl?: typeof fetch;
}

const tokens = (v: unknown): number | undefined => (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? v : undefined);

/** Map an SDK error (either SDK: same class names) to what the budget does with the reservation. */
export function classifyError(err: unknown, who: string): LlmCallError {
  if (err instanceof LlmCallError) return err;
  const e = err as { name?: string; status?: unknown; message?: string };
  const msg = oneLine(safeErrorMessage(err), 200);
  const name = e?.constructor?.name ?? e?.name ?? '';
  if (/UserAbortError$/.test(name)) return new LlmCallError('aborted', 'reservation', `${who}: aborted (the activity was cancelled)`);
  if (/TimeoutError$/.test(name)) return new LlmCallError('timeout', 'reservation', `${who}: timed out (${msg})`);
  if (/ConnectionError$/.test(name)) return new LlmCallError('connection', 'reservation', `${who}: connection lost (${msg})`);
  const status = typeof e?.status === 'number' ? e.status : null;
  if (status === 429) return new LlmCallError('rate_limited', 'none', `${who}: 429 rate limited (${msg})`, status);
  if (status !== null && status >= 400 && status < 500) return new LlmCallError('http_4xx', 'none', `${who}: HTTP ${status} (${msg})`, status);
  // (a 400/401/403/404/422 is the request or the key, not the moment: see REFUSED_FOR_GOOD)
  if (status !== null && status >= 500) return new LlmCallError('http_5xx', 'reservation', `${who}: HTTP ${status} (${msg})`, status);
  return new LlmCallError('malformed_response', 'reservation', `${who}: ${msg}`);
}

export class AnthropicProvider implements LlmProvider {
  readonly provider = 'anthropic' as const;
  readonly model: string;
  private readonly client: Anthropic;

  constructor(opts: ProviderOptions) {
    this.model = opts.model;
    this.client = new Anthropic({
      apiKey: opts.apiKey, maxRetries: 0, ...(opts.baseUrl ? { baseURL: opts.baseUrl } : {}), ...(opts.fetchImpl ? { fetch: opts.fetchImpl } : {}),
    });
  }

  async call(req: LlmRequest): Promise<LlmReply> {
    let msg: Anthropic.Message;
    try {
      msg = await this.client.messages.create({
        model: this.model,
        max_tokens: req.maxTokens,
        // The current Messages API (SDK 1.x) takes no sampling temperature: model.llm.temperature is OpenAI's only.
        system: req.system,
        messages: [{ role: 'user', content: req.user }],
        tools: [{ name: REPLY_TOOL_NAME, description: 'Submit one estimate per market asked.', input_schema: REPLY_JSON_SCHEMA as unknown as Anthropic.Tool.InputSchema }],
        tool_choice: { type: 'tool', name: REPLY_TOOL_NAME },
      }, { timeout: req.timeoutMs, maxRetries: 0, ...(req.signal ? { signal: req.signal } : {}) });
    } catch (err) {
      throw classifyError(err, 'anthropic');
    }
    if (!msg || typeof msg !== 'object' || !Array.isArray((msg as { content?: unknown }).content)) {
      throw new LlmCallError('malformed_response', 'reservation', 'anthropic: the response is not a Messages API message');
    }
    const u = (msg as unknown as { usage?: Record<string, unknown> }).usage;
    const input = tokens(u?.input_tokens);
    const output = tokens(u?.output_tokens);
    const usage: LlmUsage | null = input === undefined || output === undefined ? null : {
      inputTokens: input, outputTokens: output, cacheCreationInputTokens: tokens(u?.cache_creation_input_tokens), cacheReadInputTokens: tokens(u?.cache_read_input_tokens),
    };
    const tool = msg.content.find((b) => b.type === 'tool_use' && b.name === REPLY_TOOL_NAME) as Anthropic.ToolUseBlock | undefined;
    if (tool) return { text: JSON.stringify(tool.input ?? null), usage };
    const text = msg.content.filter((b): b is Anthropic.TextBlock => b.type === 'text').map((b) => b.text).join('');
    return { text, usage };
  }
}

export class OpenAIProvider implements LlmProvider {
  readonly provider = 'openai' as const;
  readonly model: string;
  private readonly client: OpenAI;
  /**
   * OpenAI's own API takes `max_completion_tokens` (its newer models refuse `max_tokens`); compatible servers (vLLM,
   * Ollama, gateways) are sent the long-standing `max_tokens`.
   */
  readonly tokenParam: 'max_tokens' | 'max_completion_tokens';

  constructor(opts: ProviderOptions) {
    this.model = opts.model;
    this.tokenParam = opts.baseUrl === null || /^https:\/\/api\.openai\.com(\/|$)/i.test(opts.baseUrl) ? 'max_completion_tokens' : 'max_tokens';
    this.client = new OpenAI({
      apiKey: opts.apiKey, maxRetries: 0, ...(opts.baseUrl ? { baseURL: opts.baseUrl } : {}), ...(opts.fetchImpl ? { fetch: opts.fetchImpl } : {}),
    });
  }

  async call(req: LlmRequest): Promise<LlmReply> {
    let r: OpenAI.Chat.Completions.ChatCompletion;
    try {
      r = await this.client.chat.completions.create({
        model: this.model,
        [this.tokenParam]: req.maxTokens,
        temperature: req.temperature,
        messages: [{ role: 'system', content: req.system }, { role: 'user', content: req.user }],
        response_format: { type: 'json_schema', json_schema: { name: 'estimates', strict: true, schema: REPLY_JSON_SCHEMA as unknown as Record<string, unknown> } },
      }, { timeout: req.timeoutMs, maxRetries: 0, ...(req.signal ? { signal: req.signal } : {}) });
    } catch (err) {
      throw classifyError(err, 'openai');
    }
    if (!r || typeof r !== 'object' || !Array.isArray((r as { choices?: unknown }).choices)) {
      throw new LlmCallError('malformed_response', 'reservation', 'openai: the response is not a chat completion');
    }
    const u = (r as { usage?: Record<string, unknown> }).usage;
    const input = tokens(u?.prompt_tokens);
    const output = tokens(u?.completion_tokens);
    const usage: LlmUsage | null = input === undefined || output === undefined ? null : { inputTokens: input, outputTokens: output };
    return { text: r.choices[0]?.message?.content ?? '', usage };
  }
}
