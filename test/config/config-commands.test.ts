import * as fs from 'node:fs';
import * as path from 'node:path';
import { Command } from 'commander';
import { ConfigCliIo, registerConfigCommands } from '../../src/cli/config-commands';
import { Env } from '../../src/config';
import { clearRegisteredSecrets } from '../../src/observability/redact';
import { rsaPem, tmpDir } from './helpers';

interface Run { out: string; err: string; code: number }

async function run(args: string[], opts: { cwd: string; env?: Env }): Promise<Run> {
  const res: Run = { out: '', err: '', code: 0 };
  const io: ConfigCliIo = {
    out: (t) => { res.out += t; },
    err: (t) => { res.err += t; },
    exit: (c) => { res.code = c; },
    env: opts.env ?? {},
    cwd: opts.cwd,
  };
  const program = new Command('kalshi-autopilot').exitOverride().configureOutput({ writeOut: (t) => { res.out += t; }, writeErr: (t) => { res.err += t; } });
  registerConfigCommands(program, io);
  try {
    await program.parseAsync(['node', 'kalshi-autopilot', ...args]);
  } catch (e) {
    res.code = (e as { exitCode?: number }).exitCode ?? 1;
  }
  return res;
}

function writeCfg(dir: string, obj: unknown): string {
  const p = path.join(dir, 'kalshi-autopilot.config.json');
  fs.writeFileSync(p, JSON.stringify(obj, null, 2));
  return p;
}

afterEach(() => clearRegisteredSecrets());

describe('config show never prints a secret', () => {
  const KEY_ID = 'a952bcbe-ec3b-4b5b-b8f9-11dae589608c';
  const pem = rsaPem();
  const env: Env = {
    KALSHI_API_KEY_ID: KEY_ID,
    KALSHI_PRIVATE_KEY: pem.trim().split('\n').join('\\n'),
    ANTHROPIC_API_KEY: 'sk-ant-api03-supersecretvalue',
    KALSHI_AUTOPILOT_WEBHOOK_URL: 'https://hooks.example/services/T000/B000/secretpath',
  };
  const pemBody = pem.split('\n').filter((l) => l && !l.startsWith('-----'));

  function assertNoSecret(text: string) {
    expect(text).not.toContain(KEY_ID);
    expect(text).not.toContain('BEGIN PRIVATE KEY');
    for (const line of pemBody) expect(text).not.toContain(line);
    expect(text).not.toContain(pemBody.join(''));
    expect(text).not.toContain('supersecretvalue');
    expect(text).not.toContain('secretpath');
  }

  it('human output: config values, lane, and secrets only as set/unset', async () => {
    const dir = tmpDir();
    writeCfg(dir, { risk: { max_positions: 4 }, secrets: { openai_api_key: 'sk-openai-filesecret-123' } });
    const r = await run(['config', 'show'], { cwd: dir, env });
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    assertNoSecret(r.out);
    expect(r.out).not.toContain('filesecret');
    expect(r.out).toMatch(/risk\.max_positions\s+4\n/);
    expect(r.out).toContain('lane          kalshi-autopilot-sim-dry-run');
    expect(r.out).toMatch(/KALSHI_API_KEY_ID\s+set/);
    expect(r.out).toMatch(/KALSHI_PRIVATE_KEY\s+set/);
    expect(r.out).toMatch(/OPENAI_API_KEY\s+set/);
    expect(r.out).toMatch(/KALSHI_AUTOPILOT_WEBHOOK_URL\s+set/);
  });

  it('--json output: same guarantee, machine-readable', async () => {
    const dir = tmpDir();
    writeCfg(dir, {});
    const r = await run(['config', 'show', '--json'], { cwd: dir, env });
    expect(r.code).toBe(0);
    assertNoSecret(r.out);
    const doc = JSON.parse(r.out);
    expect(doc.secrets).toEqual({
      KALSHI_API_KEY_ID: 'set', KALSHI_PRIVATE_KEY: 'set', ANTHROPIC_API_KEY: 'set', OPENAI_API_KEY: 'unset', KALSHI_AUTOPILOT_WEBHOOK_URL: 'set',
    });
    expect(doc.run.lane).toBe('kalshi-autopilot-sim-dry-run');
    expect(doc.run.config_hash).toMatch(/^[0-9a-f]{16}$/);
    expect(doc.config.trading.dry_run).toBe(true);
    expect(doc.config).not.toHaveProperty('secrets');
  });

  it('--config and run flags are honoured (effective config)', async () => {
    const dir = tmpDir();
    fs.writeFileSync(path.join(dir, 'other.json'), JSON.stringify({ trading: { dry_run: true } }));
    const r = await run(['config', 'show', '--config', 'other.json', '--json', '--live', '--env', 'demo'], { cwd: dir });
    const doc = JSON.parse(r.out);
    expect(doc.config_file).toBe(path.join(dir, 'other.json'));
    expect(doc.run.mode).toBe('live');
    expect(doc.run.lane).toBe('kalshi-autopilot-demo-live');
    expect(doc.config.trading.dry_run).toBe(false);
  });

  it('an invalid config exits 2 naming the key on stderr', async () => {
    const dir = tmpDir();
    writeCfg(dir, { risk: { daily_loss_limit_fraction: 2 } });
    const r = await run(['config', 'show'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toBe('error: risk.daily_loss_limit_fraction: must be between 0 and 1\n');
  });
});

describe('config verify', () => {
  it('dry-run defaults: exit 0', async () => {
    const r = await run(['config', 'verify', '--mode', 'dry-run'], { cwd: tmpDir() });
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^OK: kalshi-autopilot-sim-dry-run \(config [0-9a-f]{16}, database .*kalshi-autopilot-sim-dry-run\.sqlite\)\n$/);
  });

  it('live with problems: exit 2 listing every issue by key', async () => {
    const dir = tmpDir();
    writeCfg(dir, { venues: { polymarket: { enabled: true } } });
    const r = await run(['config', 'verify', '--mode', 'live', '--env', 'prod'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.err).toContain('config verify failed for kalshi-autopilot-prod-live: 5 error(s)');
    expect(r.err).toContain('error: venues.polymarket.enabled: Polymarket execution is not implemented; disable venues.polymarket or run dry-run');
    expect(r.err).toContain('error: trading.require_scope_in_live: live mode requires an explicit market scope');
    expect(r.err).toContain('error: model.kind: sim-oracle is only valid');
    expect(r.err).toContain('error: KALSHI_API_KEY_ID: is required for live trading on prod');
    expect(r.err).toContain('error: KALSHI_PRIVATE_KEY: is required for live trading on prod');
    expect(r.err).toContain('warning: venues.polymarket.enabled:');
  });

  it('--json reports ok/errors/warnings', async () => {
    const r = await run(['config', 'verify', '--mode', 'live', '--json', '--series-tickers', 'KXNBAGAME'], { cwd: tmpDir() });
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.out);
    expect(doc).toMatchObject({ ok: true, errors: [], warnings: [], run: { lane: 'kalshi-autopilot-sim-live' } });
  });

  it('live on prod with key id + generated RSA key + scope passes', async () => {
    const dir = tmpDir();
    writeCfg(dir, { model: { kind: 'signals-file', signals_file: { path: 'signals.jsonl' } }, trading: { allowed_series_tickers: ['KXNBAGAME'] } });
    const r = await run(['config', 'verify', '--mode', 'live', '--env', 'prod'], { cwd: dir, env: { KALSHI_API_KEY_ID: 'key-id-0123456789', KALSHI_PRIVATE_KEY: rsaPem() } });
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
  });

  it('--mode live with --dry-run is a flag conflict', async () => {
    const r = await run(['config', 'verify', '--mode', 'live', '--dry-run'], { cwd: tmpDir() });
    expect(r.code).toBe(2);
    expect(r.err).toBe('error: --dry-run: --dry-run and --live cannot be used together\n');
  });

  it('an empty CSV item is rejected naming the flag', async () => {
    const r = await run(['config', 'verify', '--mode', 'live', '--series-tickers', 'A,,B'], { cwd: tmpDir() });
    expect(r.code).toBe(2);
    expect(r.err).toBe('error: --series-tickers: item 2 is empty (got "A,,B")\n');
  });
});

describe('config set and the allow-list setters', () => {
  it('config set KEY=VALUE… writes validated values', async () => {
    const dir = tmpDir();
    const p = writeCfg(dir, { $comment: 'mine' });
    const r = await run(['config', 'set', 'risk.max_positions=3', 'trading.allowed_series_tickers=["KXNBAGAME"]', 'venues.kalshi.env=demo'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.out).toContain(`set risk.max_positions = 3 in ${p}`);
    expect(JSON.parse(fs.readFileSync(p, 'utf8'))).toEqual({
      $comment: 'mine', risk: { max_positions: 3 }, trading: { allowed_series_tickers: ['KXNBAGAME'] }, venues: { kalshi: { env: 'demo' } },
    });
  });

  it('config set with an invalid value exits 2, names the key, writes nothing', async () => {
    const dir = tmpDir();
    const p = writeCfg(dir, { risk: { max_positions: 4 } });
    const before = fs.readFileSync(p);
    const r = await run(['config', 'set', 'risk.max_positions=5', 'execution.max_price_drift=3'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.err).toBe('error: execution.max_price_drift: must be between 0 and 1\n');
    expect(fs.readFileSync(p).equals(before)).toBe(true);
  });

  it('config set without "=" is an error', async () => {
    const r = await run(['config', 'set', 'risk.max_positions'], { cwd: tmpDir() });
    expect(r.code).toBe(2);
    expect(r.err).toBe('error: risk.max_positions: expected KEY=VALUE (e.g. risk.max_positions=5)\n');
  });

  it('--set-allowed-* write trading.allowed_* (series included, unlike the origin)', async () => {
    const dir = tmpDir();
    const p = writeCfg(dir, {});
    const r = await run(['config', '--set-allowed-series-tickers', 'KXNBAGAME, KXNFL', '--set-allowed-event-tickers', 'EV-1', '--set-allowed-market-ids', 'M-1,M-2'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(JSON.parse(fs.readFileSync(p, 'utf8')).trading).toEqual({
      allowed_market_ids: ['M-1', 'M-2'], allowed_event_tickers: ['EV-1'], allowed_series_tickers: ['KXNBAGAME', 'KXNFL'],
    });
  });

  it('--set-allowed-* with an empty item is rejected naming the flag', async () => {
    const dir = tmpDir();
    const p = writeCfg(dir, {});
    const r = await run(['config', '--set-allowed-market-ids', 'M-1,'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.err).toBe('error: --set-allowed-market-ids: item 2 is empty (got "M-1,")\n');
    expect(fs.readFileSync(p, 'utf8')).toBe('{}');
  });

  it('config set creates the file from defaults when absent', async () => {
    const dir = tmpDir();
    const r = await run(['config', 'set', 'trading.bankroll=250'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.out).toContain('created');
    const raw = JSON.parse(fs.readFileSync(path.join(dir, 'kalshi-autopilot.config.json'), 'utf8'));
    expect(raw.trading.bankroll).toBe(250);
    expect(raw.risk.max_positions).toBe(10);
  });
});
