/**
 * The unattended week, proven on the simulator (issue 16; docs/week-proof.md), at CI size: 2 simulated days of hourly
 * cycles of a live sim lane under time skipping, its worker a separate OS process on pre-bundled workflow code, faults
 * at 10 % of requests, two worker kills at named crash points (from the seed) each followed by a restart, the
 * kill-switch drill, a daily-loss breach through the marks and a settlement against the position — judged S1–S5 by
 * the simulator's own record (/__sim/history) and the lane DB. `npm run week` runs the full week (7 days).
 * KALSHI_AUTOPILOT_WEEK_PROOF_DAYS / _SEED change the size and the seed here.
 */
import { runWeek, type WeekResult } from './week/harness';
import { criteriaTable } from './week/report';

const DAYS = Number(process.env.KALSHI_AUTOPILOT_WEEK_PROOF_DAYS ?? '2');
const SEED = Number(process.env.KALSHI_AUTOPILOT_WEEK_PROOF_SEED ?? '11');
if (!Number.isInteger(DAYS) || DAYS < 1 || DAYS > 14) throw new Error(`KALSHI_AUTOPILOT_WEEK_PROOF_DAYS: an integer 1..14 (got ${process.env.KALSHI_AUTOPILOT_WEEK_PROOF_DAYS})`);

jest.setTimeout(300_000 + DAYS * 120_000);

let r: WeekResult;
beforeAll(async () => {
  r = await runWeek({ seed: SEED, days: DAYS, faultRate: 0.1, kills: 2, log: (l) => process.stdout.write(`[week-proof] ${l}\n`) });
  process.stdout.write(`[week-proof] ${r.wallSeconds.toFixed(1)} s wall\n${criteriaTable(r)}\n`);
});

test('the Temporal test server survived the worker kills (else nothing below says anything about the bot)', () => {
  expect(r.infrastructureFailure).toBeNull();
});

test('S1: every cycle completed with stdin an open pipe, the two planned kills were the only worker exits', () => {
  expect(r.criteria.S1.violations).toEqual([]);
  expect(r.cycles).toBe(DAYS * 24 + 1);
  expect(r.kills.map((k) => k.exit.code)).toEqual([137, 137]);
  expect(r.unplannedExits).toEqual([]);
});

test('S2–S5 judged from the simulator record: in scope, no overlapping exposure, caps and drills held, no duplicate, ledger = simulator', () => {
  expect({ S2: r.criteria.S2.violations, S3: r.criteria.S3.violations, S4: r.criteria.S4.violations, S5: r.criteria.S5.violations }).toEqual({ S2: [], S3: [], S4: [], S5: [] });
  // The drills happened and faults were injected: a pass means something.
  expect((r.drills.killSwitch as { signalled: string[] }).signalled).toEqual(['on', 'off']);
  expect(r.criteria.S4.evidence.dailyLossHalt).not.toBeNull();
  expect(Object.values(r.faultsInjected).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
  expect(r.criteria.S5.evidence).toMatchObject({ duplicates: 0, kills: '2/2' });
  expect(r.pass).toBe(true);
});

test('the result carries what the bench reads (issue 14, P4/P5)', () => {
  expect(r.wallSeconds).toBeGreaterThan(0);
  expect(r.historyEventsPerRun.length).toBeGreaterThan(1);
  expect(r.activitySecondsSum).toBeGreaterThan(0);
  expect(r.rssStartBytes).toBeGreaterThan(0);
  expect(r.rssEndBytes).toBeGreaterThan(0);
});
