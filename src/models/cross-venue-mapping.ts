/**
 * The cross-venue mapping file (`model.cross_venue.mapping_file`, JSONL, re-read every cycle): which Polymarket
 * outcome is each Kalshi market's YES.
 *
 *   {"kalshi_ticker": "KXFEDDECISION-26SEP-C25", "condition_id": "0x5f65…f8f1", "outcome": "Yes",
 *    "question": "Will the Fed cut rates at the September 2026 meeting?", "note": "optional"}
 *
 * Every line is validated (unknown keys, wrong types, a condition id that is not 0x + 64 hex); a bad line is a
 * `cross_venue_mapping_invalid` skip naming the line and field, never fatal. A ticker mapped on two lines is refused
 * on both (an ambiguous mapping is never used). Blank lines are ignored.
 */
import { z } from 'zod';
import { CONDITION_ID } from '../venues/polymarket';
import type { EstimateSkip } from './types';
import { oneLine } from './types';

export const mappingLineSchema = z.object({
  kalshi_ticker: z.string({ required_error: 'is required', invalid_type_error: 'must be a string' }).trim().min(1, 'must not be empty'),
  condition_id: z.string({ required_error: 'is required', invalid_type_error: 'must be a string' }).regex(CONDITION_ID, 'must be 0x followed by 64 hex digits'),
  outcome: z.string({ required_error: 'is required', invalid_type_error: 'must be a string' }).trim().min(1, 'must not be empty'),
  question: z.string({ required_error: 'is required', invalid_type_error: 'must be a string' }).trim().min(1, 'must not be empty').max(1000, 'must be at most 1000 characters'),
  note: z.string({ invalid_type_error: 'must be a string' }).max(2000, 'must be at most 2000 characters').optional(),
}).strict();

export interface MappingEntry {
  kalshiTicker: string;
  conditionId: string;
  outcome: string;
  question: string;
  line: number;
}

export interface ParsedMapping {
  entries: Map<string, MappingEntry>;
  skipped: EstimateSkip[];
  lines: number;
}

export function parseMapping(text: string): ParsedMapping {
  const skipped: EstimateSkip[] = [];
  const byTicker = new Map<string, MappingEntry[]>();
  let lines = 0;
  text.split(/\r?\n/).forEach((raw, i) => {
    if (raw.trim() === '') return;
    lines += 1;
    const lineNo = i + 1;
    const bad = (ticker: string | null, what: string) => skipped.push({ ticker: ticker === null ? null : oneLine(ticker, 80), reason: 'cross_venue_mapping_invalid', detail: `mapping line ${lineNo}: ${oneLine(what, 200)}` });
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      bad(null, 'not valid JSON');
      return;
    }
    const guess = json && typeof json === 'object' && typeof (json as { kalshi_ticker?: unknown }).kalshi_ticker === 'string' ? (json as { kalshi_ticker: string }).kalshi_ticker : null;
    const r = mappingLineSchema.safeParse(json);
    if (!r.success) {
      const issue = r.error.issues[0];
      bad(guess, issue.code === 'unrecognized_keys' ? `unknown key ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}` : `${issue.path.join('.') || 'line'}: ${issue.message}`);
      return;
    }
    const e: MappingEntry = { kalshiTicker: r.data.kalshi_ticker, conditionId: r.data.condition_id.toLowerCase(), outcome: r.data.outcome, question: r.data.question, line: lineNo };
    byTicker.set(e.kalshiTicker, [...(byTicker.get(e.kalshiTicker) ?? []), e]);
  });
  const entries = new Map<string, MappingEntry>();
  for (const [ticker, es] of byTicker) {
    if (es.length === 1) entries.set(ticker, es[0]);
    else skipped.push({ ticker, reason: 'cross_venue_mapping_invalid', detail: `mapping lines ${es.map((e) => e.line).join(', ')} all map ${ticker}: an ambiguous mapping is not used` });
  }
  return { entries, skipped, lines };
}
