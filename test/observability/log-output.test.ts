/**
 * The lane process's log output (issue 10 item 8): the SDK's known noise dropped, task tokens cut out, one human line
 * per record in pretty format, JSON lines in the file (pretty) or on the JSON descriptor (json).
 */
import fs from 'node:fs';
import path from 'node:path';
import { createLogOutput, defaultLogFormat, filterLogRecord, prettyLogLine } from '../../src/observability/log-output';
import { createLogger } from '../../src/observability/logger';
import { tempDir } from '../helpers/lane';

const TOKEN = 'CiQ2ZjNhYjFhNi0xZWJiLTQ3NjQtOTg0Mi0xMzY5ZjFlNmQ0NGESHGthbHNoaS1hdXRvcGlsb3Qtc2ltLWRyeS1ydW4aJDAxOTdmZTg4LTY0YjMtNzM4Ni1iZDg5LTU3YWQ5ZmE4ZjA4OCAFKAEyATFCBHNjYW5KCAgBEOWnQRgB';

describe('filterLogRecord', () => {
  it("drops the test server's heartbeat-details warning", () => {
    const rec = {
      level: 'warn',
      time: 1,
      sdk: true,
      msg: 'Temporal Server 1.16.0 or newer is required to guarantee that the latest heartbeat details are preserved when an activity fails; the server did not advertise the activity_failure_include_heartbeat capability, so heartbeat details may be lost on failure',
    };
    expect(filterLogRecord(rec)).toBeNull();
  });

  it('cuts task tokens out of fields and text, and keeps everything else', () => {
    const rec = { level: 'warn', time: 1, sdk: true, msg: `Activity failed TaskToken(${TOKEN}) after 3 attempts`, taskToken: TOKEN, activityType: 'scan', db: `/tmp/${'a'.repeat(90)}/x.sqlite` };
    const out = filterLogRecord(rec)!;
    expect(out).toEqual({ level: 'warn', time: 1, sdk: true, msg: 'Activity failed [task token] after 3 attempts', activityType: 'scan', db: rec.db });
    expect(JSON.stringify(out)).not.toContain(TOKEN.slice(0, 40));
    expect(filterLogRecord({ msg: `bare ${TOKEN}` })).toEqual({ msg: 'bare [task token]' });
    expect(rec.taskToken).toBe(TOKEN); // not mutated
  });
});

describe('prettyLogLine', () => {
  it('local time, level word, message and short fields; no epoch ms, pid or hostname', () => {
    const t = new Date(2026, 0, 5, 21, 25, 3).getTime();
    expect(prettyLogLine({ level: 'warn', time: t, pid: 42, hostname: 'h', name: 'kalshi-autopilot', msg: 'activity failed', activityType: 'scan', attempt: 3 }))
      .toBe('21:25:03 WARN  activity failed · activityType=scan attempt=3');
    expect(prettyLogLine({ level: 'error', time: t, msg: 'boom', err: { type: 'Error', message: 'disk full', stack: 'long' } }))
      .toBe('21:25:03 ERROR boom · error=disk full');
  });
});

describe('createLogOutput', () => {
  it('pretty: JSON lines in the file, warnings as human lines, noise nowhere', () => {
    const dir = tempDir('kap-logs-');
    const file = path.join(dir, 'logs', 'kalshi-autopilot-sim-dry-run.log');
    const human = path.join(dir, 'human.txt');
    const humanFd = fs.openSync(human, 'w');
    const out = createLogOutput({ format: 'pretty', file, humanFd });
    const logger = createLogger({ level: 'info', destination: out.destination });
    logger.info({ taskQueue: 'q' }, 'worker polling');
    logger.warn({ sdk: true, taskToken: TOKEN }, 'Temporal Server 1.16.0 or newer is required to guarantee that the latest heartbeat details are preserved when an activity fails');
    logger.warn({ sdk: true, taskToken: TOKEN, activityType: 'scan' }, 'activity failed');
    out.close();
    fs.closeSync(humanFd);
    expect(out.where).toBe(file);
    const lines = fs.readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.level, l.msg])).toEqual([['info', 'worker polling'], ['warn', 'activity failed']]);
    expect(lines[1].taskToken).toBeUndefined();
    expect(fs.readFileSync(human, 'utf8')).toMatch(/^\d\d:\d\d:\d\d WARN  activity failed · activityType=scan\n$/);
  });

  it('json: JSON lines on the json descriptor only', () => {
    const dir = tempDir('kap-logs-');
    const jsonFile = path.join(dir, 'out.jsonl');
    const jsonFd = fs.openSync(jsonFile, 'w');
    const out = createLogOutput({ format: 'json', file: path.join(dir, 'never.log'), jsonFd, humanFd: -1 });
    createLogger({ level: 'info', destination: out.destination }).warn({ taskToken: TOKEN }, 'activity failed');
    fs.closeSync(jsonFd);
    expect(fs.existsSync(path.join(dir, 'never.log'))).toBe(false);
    expect(JSON.parse(fs.readFileSync(jsonFile, 'utf8'))).toMatchObject({ level: 'warn', msg: 'activity failed' });
    expect(fs.readFileSync(jsonFile, 'utf8')).not.toContain(TOKEN.slice(0, 40));
  });

  it('defaults to pretty on a TTY and json elsewhere', () => {
    expect(defaultLogFormat(true)).toBe('pretty');
    expect(defaultLogFormat(undefined)).toBe('json');
  });
});
