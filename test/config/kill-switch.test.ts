import * as fs from 'node:fs';
import * as path from 'node:path';
import { isTruthyFlag, killSwitchFromEnv, killSwitchFromFile } from '../../src/config';
import { tmpDir } from './helpers';

describe('killSwitchFromEnv (origin B16: only truthy values engage)', () => {
  it.each(['1', 'true', 'TRUE', 'yes', 'Yes', 'on', ' ON '])('%j engages', (v) => {
    expect(killSwitchFromEnv({ BOT_DISABLE_TRADING: v }, 'BOT_DISABLE_TRADING')).toEqual({ engaged: true, source: 'env', reason: `BOT_DISABLE_TRADING=${v.trim()}` });
  });
  it.each(['0', 'false', 'no', 'off', '', ' ', 'maybe', '2'])('%j does not engage', (v) => {
    expect(killSwitchFromEnv({ BOT_DISABLE_TRADING: v }, 'BOT_DISABLE_TRADING')).toEqual({ engaged: false, source: 'env', reason: null });
  });
  it('unset does not engage; the configured variable name is the one read', () => {
    expect(killSwitchFromEnv({}, 'BOT_DISABLE_TRADING').engaged).toBe(false);
    expect(killSwitchFromEnv({ BOT_DISABLE_TRADING: '1' }, 'MY_STOP').engaged).toBe(false);
    expect(killSwitchFromEnv({ MY_STOP: 'yes' }, 'MY_STOP').engaged).toBe(true);
    expect(isTruthyFlag(undefined)).toBe(false);
  });
});

describe('killSwitchFromFile', () => {
  it('no path configured or file absent: not engaged', () => {
    expect(killSwitchFromFile(null)).toEqual({ engaged: false, source: 'file', reason: null });
    expect(killSwitchFromFile(path.join(tmpDir(), 'KILL'))).toEqual({ engaged: false, source: 'file', reason: null });
  });
  it('file exists: engaged, first non-empty line is the reason', () => {
    const p = path.join(tmpDir(), 'KILL');
    fs.writeFileSync(p, '\n  maintenance until 18:00  \nsecond line\n');
    expect(killSwitchFromFile(p)).toEqual({ engaged: true, source: 'file', reason: 'maintenance until 18:00' });
  });
  it('an empty file still engages, with a generic reason', () => {
    const p = path.join(tmpDir(), 'KILL');
    fs.writeFileSync(p, '');
    expect(killSwitchFromFile(p)).toEqual({ engaged: true, source: 'file', reason: `kill switch file ${p} present` });
  });
  it('uses the injected reader (pure); a read error fails safe (engaged)', () => {
    expect(killSwitchFromFile('/x', () => 'halt: manual\n')).toEqual({ engaged: true, source: 'file', reason: 'halt: manual' });
    expect(killSwitchFromFile('/x', () => null).engaged).toBe(false);
    const denied = () => { throw Object.assign(new Error('denied'), { code: 'EACCES' }); };
    expect(killSwitchFromFile('/x', denied)).toEqual({ engaged: true, source: 'file', reason: 'kill switch file /x exists but cannot be read (EACCES)' });
  });
});
