import { ConfigError } from './errors';

/**
 * Parse a comma-separated flag value (`--series-tickers A,B`): items are trimmed; an empty item (`A,,B`, a trailing
 * comma, or an empty value) is an error naming the flag; duplicates are dropped keeping the first.
 */
export function parseCsvList(flagName: string, value: string): string[] {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new ConfigError([{ path: flagName, message: 'must list at least one item (comma-separated)' }]);
  }
  const items = value.split(',').map((x) => x.trim());
  const empty = items.findIndex((x) => x === '');
  if (empty >= 0) {
    throw new ConfigError([{ path: flagName, message: `item ${empty + 1} is empty (got ${JSON.stringify(value)})` }]);
  }
  return [...new Set(items)];
}
