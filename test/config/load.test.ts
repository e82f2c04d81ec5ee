import * as fs from 'node:fs';
import * as path from 'node:path';
import { isPlaceholder, loadConfig, normalizePem, secretStatus, SECRET_ENV } from '../../src/config';
import { clearRegisteredSecrets, scrub } from '../../src/observability/redact';
import { issuesOf, rsaPem, tmpDir } from './helpers';

function writeConfig(dir: string, obj: unknown, name = 'kalshi-autopilot.config.json'): string {
  const p = path.join(dir, name);
  fs.writeFileSync(p, JSON.stringify(obj));
  return p;
}

afterEach(() => clearRegisteredSecrets());

describe('loadConfig', () => {
  it('reads kalshi-autopilot.config.json from the cwd by default', () => {
    const dir = tmpDir();
    writeConfig(dir, { risk: { max_positions: 4 } });
    const l = loadConfig({ cwd: dir, env: {} });
    expect(l.exists).toBe(true);
    expect(l.path).toBe(path.join(dir, 'kalshi-autopilot.config.json'));
    expect(l.config.risk.max_positions).toBe(4);
    expect(l.cwd).toBe(dir);
  });

  it('uses the defaults when the default file is absent', () => {
    const dir = tmpDir();
    const l = loadConfig({ cwd: dir, env: {} });
    expect(l.exists).toBe(false);
    expect(l.config.trading.dry_run).toBe(true);
  });

  it('an explicit --config that does not exist is an error (no silent defaults), unless allowMissing', () => {
    const dir = tmpDir();
    expect(issuesOf(() => loadConfig({ cwd: dir, env: {}, configPath: 'typo.json' }))).toEqual([
      { path: '--config', message: `config file ${path.join(dir, 'typo.json')} does not exist` },
    ]);
    expect(loadConfig({ cwd: dir, env: {}, configPath: 'typo.json', allowMissing: true }).exists).toBe(false);
  });

  it('invalid JSON is a ConfigError naming the file', () => {
    const dir = tmpDir();
    fs.writeFileSync(path.join(dir, 'kalshi-autopilot.config.json'), '{ "risk": ');
    const issues = issuesOf(() => loadConfig({ cwd: dir, env: {} }));
    expect(issues).toHaveLength(1);
    expect(issues[0].path).toBe('(file)');
    expect(issues[0].message).toContain('is not valid JSON');
  });

  it('invalid values fail the load with the key path', () => {
    const dir = tmpDir();
    writeConfig(dir, { risk: { daily_loss_limit_fraction: 3 } });
    expect(issuesOf(() => loadConfig({ cwd: dir, env: {} }))).toEqual([
      { path: 'risk.daily_loss_limit_fraction', message: 'must be between 0 and 1' },
    ]);
  });

  it('never reads stdin', () => {
    const spy = jest.spyOn(process.stdin, 'read');
    const onSpy = jest.spyOn(process.stdin, 'on');
    loadConfig({ cwd: tmpDir(), env: {} });
    expect(spy).not.toHaveBeenCalled();
    expect(onSpy).not.toHaveBeenCalled();
    spy.mockRestore();
    onSpy.mockRestore();
  });
});

describe('secrets', () => {
  it('environment variables win over the JSON secrets section', () => {
    const dir = tmpDir();
    writeConfig(dir, { secrets: { kalshi_api_key_id: 'json-key-id-123', anthropic_api_key: 'json-anthropic-123', webhook_url: 'https://hooks.example/json' } });
    const l = loadConfig({ cwd: dir, env: { KALSHI_API_KEY_ID: 'env-key-id-456', KALSHI_AUTOPILOT_WEBHOOK_URL: 'https://hooks.example/env' } });
    expect(l.secrets.kalshiApiKeyId).toBe('env-key-id-456');
    expect(l.secrets.webhookUrl).toBe('https://hooks.example/env');
    expect(l.secrets.anthropicApiKey).toBe('json-anthropic-123'); // no env value: the file's applies
    expect(l.secrets.openaiApiKey).toBeNull();
  });

  it.each([
    ['YOUR_KEY_ID'], ['abc-CHANGE_ME-def'], ['<your key id>'], [''], ['   '],
  ])('placeholder %j counts as unset (env falls through to JSON, JSON to unset)', (placeholder) => {
    const dir = tmpDir();
    writeConfig(dir, { secrets: { kalshi_api_key_id: 'json-key-id-123', openai_api_key: placeholder } });
    const l = loadConfig({ cwd: dir, env: { KALSHI_API_KEY_ID: placeholder, OPENAI_API_KEY: placeholder } });
    expect(l.secrets.kalshiApiKeyId).toBe('json-key-id-123');
    expect(l.secrets.openaiApiKey).toBeNull();
    expect(isPlaceholder(placeholder)).toBe(true);
  });

  it('real values are not placeholders', () => {
    expect(isPlaceholder('a952bcbe-ec3b-4b5b-b8f9-11dae589608c')).toBe(false);
    expect(isPlaceholder('sk-ant-api03-abc')).toBe(false);
  });

  it('the template secrets are all placeholders: loading it yields no secrets', () => {
    const dir = tmpDir();
    fs.copyFileSync(path.join(__dirname, '..', '..', 'kalshi-autopilot.config.template.json'), path.join(dir, 'kalshi-autopilot.config.json'));
    const l = loadConfig({ cwd: dir, env: {} });
    expect(secretStatus(l.secrets)).toEqual({
      KALSHI_API_KEY_ID: 'unset', KALSHI_PRIVATE_KEY: 'unset', ANTHROPIC_API_KEY: 'unset', OPENAI_API_KEY: 'unset', KALSHI_AUTOPILOT_WEBHOOK_URL: 'unset',
    });
    expect(l.secrets.kalshiPrivateKeyError).toBeNull();
  });

  it('KALSHI_PRIVATE_KEY with literal \\n sequences becomes a real PEM', () => {
    const pem = rsaPem();
    const oneLine = pem.trim().split('\n').join('\\n');
    const l = loadConfig({ cwd: tmpDir(), env: { KALSHI_PRIVATE_KEY: oneLine } });
    expect(l.secrets.kalshiPrivateKeyPem).toBe(pem.trim() + '\n');
    expect(l.secrets.kalshiPrivateKeySource).toBe('env');
    expect(normalizePem('a\\nb')).toBe('a\nb\n');
  });

  it('KALSHI_PRIVATE_KEY_FILE (relative to cwd) is read; KALSHI_PRIVATE_KEY wins over it', () => {
    const dir = tmpDir();
    fs.writeFileSync(path.join(dir, 'key.pem'), rsaPem());
    const l = loadConfig({ cwd: dir, env: { KALSHI_PRIVATE_KEY_FILE: 'key.pem' } });
    expect(l.secrets.kalshiPrivateKeyPem).toBe(rsaPem().trim() + '\n');
    expect(l.secrets.kalshiPrivateKeySource).toBe('env-file');
    expect(l.secrets.kalshiPrivateKeyFile).toBe(path.join(dir, 'key.pem'));
    const both = loadConfig({ cwd: dir, env: { KALSHI_PRIVATE_KEY_FILE: 'key.pem', KALSHI_PRIVATE_KEY: 'literal-pem-text-here' } });
    expect(both.secrets.kalshiPrivateKeySource).toBe('env');
  });

  it('secrets.kalshi_private_key_file resolves relative to the config file folder', () => {
    const dir = tmpDir();
    const sub = path.join(dir, 'etc');
    fs.mkdirSync(sub);
    fs.writeFileSync(path.join(sub, 'kalshi.pem'), rsaPem());
    writeConfig(sub, { secrets: { kalshi_private_key_file: 'kalshi.pem' } }, 'c.json');
    const l = loadConfig({ cwd: dir, env: {}, configPath: 'etc/c.json' });
    expect(l.secrets.kalshiPrivateKeySource).toBe('config-file');
    expect(l.secrets.kalshiPrivateKeyPem).toContain('BEGIN PRIVATE KEY');
  });

  it('an unreadable key file is recorded (not thrown) so validation can report it per mode', () => {
    const dir = tmpDir();
    const l = loadConfig({ cwd: dir, env: { KALSHI_PRIVATE_KEY_FILE: 'missing.pem' } });
    expect(l.secrets.kalshiPrivateKeyPem).toBeNull();
    expect(l.secrets.kalshiPrivateKeyError).toBe(`private key file ${path.join(dir, 'missing.pem')} cannot be read (ENOENT)`);
  });

  it('every loaded secret is registered for scrubbing', () => {
    const pem = rsaPem();
    loadConfig({
      cwd: tmpDir(),
      env: { KALSHI_API_KEY_ID: 'key-id-0123456789', KALSHI_PRIVATE_KEY: pem, ANTHROPIC_API_KEY: 'sk-ant-secret-xyz', OPENAI_API_KEY: 'sk-openai-secret-xyz', KALSHI_AUTOPILOT_WEBHOOK_URL: 'https://hooks.example/T0/B0/XXXX' },
    });
    const text = `id=key-id-0123456789 a=sk-ant-secret-xyz o=sk-openai-secret-xyz w=https://hooks.example/T0/B0/XXXX line=${pem.split('\n')[1]}`;
    const out = scrub(text);
    for (const s of ['key-id-0123456789', 'sk-ant-secret-xyz', 'sk-openai-secret-xyz', 'hooks.example/T0', pem.split('\n')[1]]) {
      expect(out).not.toContain(s);
    }
  });

  it('the Secrets object is frozen and names its env vars', () => {
    const l = loadConfig({ cwd: tmpDir(), env: {} });
    expect(Object.isFrozen(l.secrets)).toBe(true);
    expect(SECRET_ENV.kalshiApiKeyId).toBe('KALSHI_API_KEY_ID');
  });
});
