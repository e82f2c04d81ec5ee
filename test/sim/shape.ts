/** Shape comparison of a simulator body against a recorded fixture body: key sets and value formats. */

export function classify(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'object') return 'object';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float';
  if (typeof v === 'boolean') return 'bool';
  const s = v as string;
  if (/^-?\d+\.\d{2}$/.test(s)) return 'fp2';
  if (/^-?\d+\.\d{4}$/.test(s)) return 'dollars4';
  if (/^-?\d+\.\d{6}$/.test(s)) return 'dollars6';
  if (/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/.test(s)) return 'iso';
  return 'string';
}

/** Fields the fixtures (June 2026) carry that the current wire removed, and market-specific optional metadata. */
export const ALLOWED_MISSING = new Set([
  'service', 'response_price_units', 'fractional_trading_enabled', 'resting_orders_count', 'custom_strike', 'floor_strike',
  'cap_strike', 'mve_collection_ticker', 'mve_selected_legs', 'is_provisional', 'primary_participant_key',
]);
/** Fields the simulator emits that the June fixtures predate (Aug 2026 shards) or that are conditional. */
export const ALLOWED_EXTRA = new Set(['exchange_index', 'self_trade_prevention_type', 'settlement_value_dollars', 'settlement_ts', 'expiration_time', 'order_group_id',
  'early_close_condition', 'occurrence_datetime', 'strike_type']);

export function shapeProblems(sim: unknown, fx: unknown, path = '$', out: string[] = []): string[] {
  const a = classify(sim);
  const b = classify(fx);
  if (a !== b && !(a === 'string' && b === 'string')) {
    // An empty string vs a formatted value is a value difference, not a shape one (e.g. result "" vs "yes").
    if (!(sim === '' || fx === '')) out.push(`${path}: sim ${a} (${JSON.stringify(sim)}) vs fixture ${b} (${JSON.stringify(fx)})`);
    return out;
  }
  if (a === 'object') {
    const so = sim as Record<string, unknown>;
    const fo = fx as Record<string, unknown>;
    for (const k of Object.keys(fo)) if (!(k in so) && !ALLOWED_MISSING.has(k)) out.push(`${path}.${k}: missing in sim`);
    for (const k of Object.keys(so)) if (!(k in fo) && !ALLOWED_EXTRA.has(k)) out.push(`${path}.${k}: not in fixture`);
    for (const k of Object.keys(so)) if (k in fo) shapeProblems(so[k], fo[k], `${path}.${k}`, out);
  } else if (a === 'array') {
    const sa = sim as unknown[];
    const fa = fx as unknown[];
    if (sa.length > 0 && fa.length > 0) shapeProblems(sa[0], fa[0], `${path}[0]`, out);
  }
  return out;
}
