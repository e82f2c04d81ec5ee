/**
 * The structured reply of an LLM, validated with zod: `{ estimates: [{ ticker, probability, confidence, reasoning,
 * uncertainties }] }`. Each item is judged on its own: a valid item for a market asked is kept; an invalid item, an
 * item for a market not asked, a duplicate or a market missing from the reply is "not answered" (the model retries
 * those once, then records no estimate — never a default such as 0.5). Probabilities become exact ppm.
 */
import { z } from 'zod';
import { parseDollars } from '../../domain/fixed';
import { oneLine, PPM_ONE } from '../types';

export const REPLY_TOOL_NAME = 'submit_estimates';

/** The JSON schema given to the provider (Anthropic tool input_schema; OpenAI strict response_format). */
export const REPLY_JSON_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['estimates'],
  properties: {
    estimates: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['ticker', 'probability', 'confidence', 'reasoning', 'uncertainties'],
        properties: {
          ticker: { type: 'string', description: 'the exact ticker of the market' },
          probability: { type: 'number', description: 'P(the market settles YES), strictly between 0 and 1' },
          confidence: { type: 'number', description: 'confidence in that probability, 0 to 1' },
          reasoning: { type: 'string', description: 'one short sentence' },
          uncertainties: { type: 'array', items: { type: 'string' }, description: 'up to five key uncertainties' },
        },
      },
    },
  },
} as const;

const itemSchema = z.object({
  ticker: z.string({ required_error: 'is required', invalid_type_error: 'must be a string' }).min(1, 'must not be empty'),
  probability: z.number({ required_error: 'is required', invalid_type_error: 'must be a number' }).gt(0, 'must be strictly between 0 and 1').lt(1, 'must be strictly between 0 and 1'),
  confidence: z.number({ required_error: 'is required', invalid_type_error: 'must be a number' }).min(0, 'must be between 0 and 1').max(1, 'must be between 0 and 1'),
  reasoning: z.string({ required_error: 'is required', invalid_type_error: 'must be a string' }).max(2000, 'must be at most 2000 characters'),
  uncertainties: z.array(z.string().max(500, 'must be at most 500 characters'), { invalid_type_error: 'must be an array of strings' }).max(10, 'must hold at most 10 items').default([]),
}).passthrough();

const replySchema = z.object({ estimates: z.array(z.unknown(), { required_error: 'is required', invalid_type_error: 'must be an array' }) }).passthrough();

export interface ReplyEstimate {
  ticker: string;
  probabilityPpm: number;
  confidencePpm: number;
  reasoning: string;
  uncertainties: string[];
}

export interface ParsedReply {
  /** Valid answers for markets asked, by ticker. */
  answers: Map<string, ReplyEstimate>;
  /** One line per problem (the whole reply, or an item), for logs and the skip detail. */
  problems: string[];
}

/** A number of the reply to ppm through its decimal text, rounded to 6 decimals (an LLM's 0.6234567 → 623457). */
function ppm(value: number, field: string): number {
  return parseDollars(value.toFixed(6), field);
}

/** Parse a reply given as text (JSON) or as an already-decoded value (a tool's input). */
export function parseReply(reply: string | unknown, asked: readonly string[]): ParsedReply {
  const answers = new Map<string, ReplyEstimate>();
  const problems: string[] = [];
  let value: unknown = reply;
  if (typeof reply === 'string') {
    try {
      value = JSON.parse(stripFence(reply));
    } catch {
      return { answers, problems: [`reply is not JSON (${JSON.stringify(oneLine(reply, 60))})`] };
    }
  }
  const top = replySchema.safeParse(value);
  if (!top.success) {
    const i = top.error.issues[0];
    return { answers, problems: [`reply: ${i.path.join('.') || 'body'} ${i.message}`] };
  }
  const wanted = new Set(asked);
  top.data.estimates.forEach((raw, n) => {
    const r = itemSchema.safeParse(raw);
    if (!r.success) {
      const i = r.error.issues[0];
      problems.push(`estimates[${n}].${i.path.join('.')}: ${i.message}`);
      return;
    }
    const e = r.data;
    if (!wanted.has(e.ticker)) { problems.push(`estimates[${n}]: ticker ${oneLine(e.ticker, 80)} was not asked`); return; }
    if (answers.has(e.ticker)) { problems.push(`estimates[${n}]: ticker ${e.ticker} answered twice (the first answer is kept)`); return; }
    const probabilityPpm = ppm(e.probability, 'probability');
    const confidencePpm = ppm(e.confidence, 'confidence');
    if (probabilityPpm <= 0 || probabilityPpm >= PPM_ONE) { problems.push(`estimates[${n}].probability: rounds to ${probabilityPpm} ppm, not strictly inside (0, 1)`); return; }
    answers.set(e.ticker, {
      ticker: e.ticker, probabilityPpm, confidencePpm, reasoning: oneLine(e.reasoning), uncertainties: e.uncertainties.slice(0, 5).map((u) => oneLine(u, 160)),
    });
  });
  const missing = asked.filter((t) => !answers.has(t));
  if (missing.length) problems.push(`no valid answer for ${missing.join(', ')}`);
  return { answers, problems };
}

/** A JSON reply wrapped in a ```json fence (some compatible servers do that). */
function stripFence(text: string): string {
  const m = /^\s*```(?:json)?\s*([\s\S]*?)\s*```\s*$/i.exec(text);
  return m ? m[1] : text;
}
