/**
 * The llm model from its config section (model.llm) and the lane's keys: ANTHROPIC_API_KEY / OPENAI_API_KEY (the
 * secrets loader's value, else the environment). A key is registered for scrubbing and lives only in the SDK client.
 */
import type { Logger } from 'pino';
import type { Config } from '../../config/schema';
import { dollarsFromConfigNumber } from '../../domain/fixed';
import { registerSecret } from '../../observability/redact';
import { ModelConfigError } from '../types';
import { LLM_MODEL, LlmModel } from './llm-model';
import { AnthropicProvider, LlmProvider, OpenAIProvider } from './providers';

export { LlmModel, LlmProviderError, LlmRequestRefusedError, LLM_MODEL } from './llm-model';
export type { LlmModelOptions } from './llm-model';
export { AnthropicProvider, OpenAIProvider, LlmCallError, classifyError } from './providers';
export type { LlmProvider, LlmRequest, LlmReply, LlmCallOutcome } from './providers';
export { parseReply, REPLY_JSON_SCHEMA, REPLY_TOOL_NAME } from './reply';
export { buildUserPrompt, promptMarket, termsHash, referencePriceMicros, LLM_SYSTEM_PROMPT } from './prompt';

export interface LlmKeys {
  anthropicApiKey?: string | null;
  openaiApiKey?: string | null;
}

export function llmFromConfig(
  c: Config['model']['llm'],
  ports: { logger: Logger; llmKeys?: LlmKeys; fetchImpl?: typeof fetch; processEnv?: NodeJS.ProcessEnv },
): LlmModel {
  const env = ports.processEnv ?? process.env;
  const anthropic = c.provider === 'anthropic';
  const keyName = anthropic ? 'ANTHROPIC_API_KEY' : 'OPENAI_API_KEY';
  const key = (anthropic ? ports.llmKeys?.anthropicApiKey : ports.llmKeys?.openaiApiKey) ?? env[keyName] ?? null;
  if (!key) throw new ModelConfigError(LLM_MODEL, keyName, `is required for model.kind=llm with model.llm.provider=${c.provider}`);
  registerSecret(key);
  const common = { apiKey: key, fetchImpl: ports.fetchImpl };
  const provider: LlmProvider = anthropic
    ? new AnthropicProvider({ ...common, model: c.anthropic_model, baseUrl: c.anthropic_base_url })
    : new OpenAIProvider({ ...common, model: c.openai_model, baseUrl: c.openai_base_url });
  const d = (v: number, f: string) => dollarsFromConfigNumber(v, `model.llm.${f}`);
  return new LlmModel({
    provider,
    maxTokens: c.max_tokens,
    temperature: c.temperature,
    batchSize: c.batch_size,
    timeoutMs: c.timeout_seconds * 1000,
    // $/Mtok → micros/Mtok
    prices: { inputMicrosPerMtok: d(c.input_cost_per_mtok, 'input_cost_per_mtok'), outputMicrosPerMtok: d(c.output_cost_per_mtok, 'output_cost_per_mtok') },
    limits: { perCycleMicros: d(c.cost_limit_per_cycle, 'cost_limit_per_cycle'), perDayMicros: d(c.cost_limit_per_day, 'cost_limit_per_day') },
    estimateTtlMs: c.estimate_ttl_seconds * 1000,
    reuseMaxPriceMoveMicros: d(c.reuse_max_price_move, 'reuse_max_price_move'),
    logger: ports.logger,
  });
}
