import * as fs from 'node:fs';
import * as path from 'node:path';
import { defaultConfig, loadConfig, parseConfigValue, parseCsvList, setConfigValue, setConfigValues } from '../../src/config';
import { issuesOf, tmpDir } from './helpers';

function fixture(obj: unknown = { $comment: 'my notes', risk: { max_positions: 4, $comment: 'keep' } }): string {
  const dir = tmpDir();
  const p = path.join(dir, 'kalshi-autopilot.config.json');
  fs.writeFileSync(p, JSON.stringify(obj, null, 4));
  return p;
}

describe('parseConfigValue (JSON when it parses, else a string)', () => {
  it.each([
    ['5', 5], ['0.25', 0.25], ['-1', -1], ['true', true], ['false', false], ['null', null],
    ['["KXNBAGAME","KXNFL"]', ['KXNBAGAME', 'KXNFL']], ['[]', []], ['{"a":1}', { a: 1 }], ['"5"', '5'],
    ['KXNBAGAME', 'KXNBAGAME'], ['prod', 'prod'], ['hello world', 'hello world'], ['', ''], ['[unclosed', '[unclosed'],
  ])('%j → %j', (raw, value) => {
    expect(parseConfigValue(raw)).toEqual(value);
  });
});

describe('setConfigValue', () => {
  it('writes a validated value, keeping comments and other keys', () => {
    const p = fixture();
    const res = setConfigValue(p, 'risk.max_orders_per_cycle', '7');
    expect(res.existed).toBe(true);
    expect(res.config.risk.max_orders_per_cycle).toBe(7);
    const raw = JSON.parse(fs.readFileSync(p, 'utf8'));
    expect(raw).toEqual({ $comment: 'my notes', risk: { max_positions: 4, $comment: 'keep', max_orders_per_cycle: 7 } });
    expect(loadConfig({ configPath: p, env: {} }).config.risk.max_orders_per_cycle).toBe(7);
  });

  it('can set every section, including execution.* (origin B18)', () => {
    const p = fixture();
    setConfigValues(p, [
      ['execution.max_price_drift', 0.03], ['filters.min_volume', 10], ['venues.kalshi.env', 'demo'], ['model.llm.provider', 'openai'],
      ['observability.log_level', 'debug'], ['database.dir', '/var/lib/kap'], ['strategy.min_edge', 0.12], ['trading.bankroll', 250],
    ]);
    const c = loadConfig({ configPath: p, env: {} }).config;
    expect([c.execution.max_price_drift, c.filters.min_volume, c.venues.kalshi.env, c.model.llm.provider, c.observability.log_level, c.database.dir, c.strategy.min_edge, c.trading.bankroll])
      .toEqual([0.03, 10, 'demo', 'openai', 'debug', '/var/lib/kap', 0.12, 250]);
  });

  it('a string value stays a string; an array value is written as an array', () => {
    const p = fixture();
    setConfigValue(p, 'venues.kalshi.env', 'prod');
    setConfigValue(p, 'trading.allowed_series_tickers', '["KXNBAGAME"]');
    const raw = JSON.parse(fs.readFileSync(p, 'utf8'));
    expect(raw.venues.kalshi.env).toBe('prod');
    expect(raw.trading.allowed_series_tickers).toEqual(['KXNBAGAME']);
  });

  it('validates BEFORE writing: a rejected set leaves the file byte-identical and names the key', () => {
    const p = fixture();
    const before = fs.readFileSync(p);
    const mtime = fs.statSync(p).mtimeMs;
    expect(issuesOf(() => setConfigValue(p, 'risk.daily_loss_limit_fraction', '1.5'))).toEqual([
      { path: 'risk.daily_loss_limit_fraction', message: 'must be between 0 and 1' },
    ]);
    expect(issuesOf(() => setConfigValue(p, 'trading.dry_run', 'nope'))).toEqual([{ path: 'trading.dry_run', message: 'must be true or false' }]);
    expect(fs.readFileSync(p).equals(before)).toBe(true);
    expect(fs.statSync(p).mtimeMs).toBe(mtime);
    expect(fs.readdirSync(path.dirname(p))).toEqual(['kalshi-autopilot.config.json']);
  });

  it('an unknown key is rejected naming it (and listing the known keys)', () => {
    const p = fixture();
    const before = fs.readFileSync(p);
    const issues = issuesOf(() => setConfigValue(p, 'risk.max_positons', '3'));
    expect(issues).toHaveLength(1);
    expect(issues[0].path).toBe('risk.max_positons');
    expect(issues[0].message).toMatch(/^unknown key \(known keys here: risk\.max_kelly_fraction, risk\.max_positions,/);
    expect(issuesOf(() => setConfigValue(p, 'platforms.kalshi.enabled', 'true'))[0].path).toBe('platforms.kalshi.enabled');
    expect(issuesOf(() => setConfigValue(p, 'risk..x', '1'))).toEqual([{ path: 'risk..x', message: 'is not a valid dotted key' }]);
    expect(fs.readFileSync(p).equals(before)).toBe(true);
  });

  it('secrets are never written by config set', () => {
    const p = fixture();
    const issues = issuesOf(() => setConfigValue(p, 'secrets.kalshi_api_key_id', 'abc'));
    expect(issues[0].path).toBe('secrets.kalshi_api_key_id');
    expect(issues[0].message).toMatch(/^secrets are not written by config set/);
  });

  it('setting several keys is all-or-nothing', () => {
    const p = fixture();
    const before = fs.readFileSync(p);
    expect(issuesOf(() => setConfigValues(p, [['risk.max_positions', 3], ['risk.max_kelly_fraction', 7]]))).toEqual([
      { path: 'risk.max_kelly_fraction', message: 'must be between 0 and 1' },
    ]);
    expect(fs.readFileSync(p).equals(before)).toBe(true);
  });

  it('a missing file is created from the defaults', () => {
    const p = path.join(tmpDir(), 'sub', 'new.json');
    const res = setConfigValue(p, 'trading.allowed_series_tickers', '["KXNBAGAME"]');
    expect(res.existed).toBe(false);
    const raw = JSON.parse(fs.readFileSync(p, 'utf8'));
    expect(raw).toEqual({ ...JSON.parse(JSON.stringify(defaultConfig())), trading: { ...defaultConfig().trading, allowed_series_tickers: ['KXNBAGAME'] } });
  });

  it('writes atomically: a failure before the rename leaves the old file and no temp file', () => {
    const p = fixture();
    const before = fs.readFileSync(p);
    let tmpSeen = '';
    expect(() => setConfigValue(p, 'risk.max_positions', '9', {
      beforeRename: (tmp) => {
        tmpSeen = tmp;
        // The temp file is complete and in the same folder before the rename.
        expect(path.dirname(tmp)).toBe(path.dirname(p));
        expect(JSON.parse(fs.readFileSync(tmp, 'utf8')).risk.max_positions).toBe(9);
        throw new Error('simulated crash');
      },
    })).toThrow('simulated crash');
    expect(tmpSeen).not.toBe('');
    expect(fs.existsSync(tmpSeen)).toBe(false);
    expect(fs.readFileSync(p).equals(before)).toBe(true);
    expect(fs.readdirSync(path.dirname(p))).toEqual(['kalshi-autopilot.config.json']);
  });

  it('keeps the file permissions', () => {
    const p = fixture();
    fs.chmodSync(p, 0o600);
    setConfigValue(p, 'risk.max_positions', '2');
    expect(fs.statSync(p).mode & 0o777).toBe(0o600);
  });

  it('refuses to overwrite a file that is not valid JSON', () => {
    const p = fixture();
    fs.writeFileSync(p, '{ broken');
    expect(issuesOf(() => setConfigValue(p, 'risk.max_positions', '2'))[0].path).toBe('(file)');
    expect(fs.readFileSync(p, 'utf8')).toBe('{ broken');
  });

  it('cannot set inside a non-object', () => {
    const p = fixture({ risk: 5 });
    expect(issuesOf(() => setConfigValue(p, 'risk.max_positions', '2'))).toEqual([{ path: 'risk', message: 'is not an object in the file; cannot set a key inside it' }]);
  });
});

describe('parseCsvList', () => {
  it('trims items and drops duplicates', () => {
    expect(parseCsvList('--series-tickers', ' KXNBAGAME , KXNFL,KXNBAGAME')).toEqual(['KXNBAGAME', 'KXNFL']);
    expect(parseCsvList('--market-ids', 'A')).toEqual(['A']);
  });
  it('rejects empty items, naming the flag', () => {
    expect(issuesOf(() => parseCsvList('--event-tickers', 'A,,B'))).toEqual([{ path: '--event-tickers', message: 'item 2 is empty (got "A,,B")' }]);
    expect(issuesOf(() => parseCsvList('--market-ids', 'A,'))).toEqual([{ path: '--market-ids', message: 'item 2 is empty (got "A,")' }]);
    expect(issuesOf(() => parseCsvList('--series-tickers', ' '))).toEqual([{ path: '--series-tickers', message: 'must list at least one item (comma-separated)' }]);
  });
});
