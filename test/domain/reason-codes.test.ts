/**
 * The one registry of refusal codes (issue 17, item 3): every `*_guard` string in src/ is registered, the registry is
 * well-formed and documented, and its helpers (status word, halt expiry) behave as specified.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import ts from 'typescript';
import {
  haltExpiryFor, isReasonCode, latchableCodes, LEGACY_REASON_CODES, nextUtcMidnightMs, normalizeReasonCode, REASON,
  REASON_CODES, reasonInfo, STATUS_SEVERITY, statusWordFor,
} from '../../src/domain/reason-codes';

const ROOT = path.join(__dirname, '..', '..');
const GUARD = /\b[a-z][a-z0-9_]*_guard\b/g;

/** Codes this and the coming issues use: all must be registered. */
const REQUIRED = [
  'kill_switch_guard', 'paused_guard', 'reduce_only_guard', 'daily_loss_guard', 'drawdown_guard', 'failure_cooldown_guard',
  'max_orders_per_cycle_guard', 'max_notional_per_cycle_guard', 'max_trades_per_market_per_day_guard',
  'risk_check_error_guard', 'lane_mismatch_guard', 'min_edge_guard', 'min_confidence_guard', 'heavy_favorite_guard',
  'fee_unverified_guard', 'duplicate_exposure_guard', 'final_scope_guard', 'scope_guard', 'min_time_to_close_guard', 'no_estimate_guard',
  'no_quote_guard', 'max_position_size_guard', 'max_positions_guard', 'exposure_guard', 'daily_new_exposure_guard',
  'size_zero_guard', 'not_reconciled_guard', 'reconciliation_mismatch_guard', 'stale_intent_guard', 'price_drift_guard',
  'edge_decay_guard', 'slippage_guard', 'idempotency_conflict_guard', 'unknown_order_outcome_guard', 'never_sent_guard',
  'order_group_tripped_guard', 'llm_budget_guard', 'control_state_corrupt_guard', 'model_underperforms_market_guard',
  'exchange_not_trading_guard', 'order_rejected_guard', 'clock_skew_guard',
];

function tsFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? tsFiles(p) : e.name.endsWith('.ts') ? [p] : [];
  });
}

/** Every `*_guard` occurring inside a string or template literal of a file (comments do not count). */
function guardLiterals(file: string): string[] {
  const sf = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
  const out: string[] = [];
  const visit = (n: ts.Node) => {
    if (ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n) || ts.isTemplateHead(n) || ts.isTemplateMiddle(n) || ts.isTemplateTail(n)) {
      out.push(...(n.text.match(GUARD) ?? []));
    }
    n.forEachChild(visit);
  };
  visit(sf);
  return out;
}

describe('the reason-code registry', () => {
  it('registers every code in use, once, as snake case ending in _guard', () => {
    const codes = REASON_CODES.map((r) => r.code);
    expect(new Set(codes).size).toBe(codes.length);
    for (const c of codes) expect(c).toMatch(/^[a-z][a-z0-9]*(_[a-z0-9]+)*_guard$/);
    expect(codes.filter((c) => !REQUIRED.includes(c))).toEqual([]);
    expect(REQUIRED.filter((c) => !isReasonCode(c))).toEqual([]);
    expect(codes.length).toBe(REQUIRED.length);
    for (const c of codes) expect(REASON[c]).toBe(c);
  });

  it('declares for each code what it blocks, how it clears, whether it latches and its status word', () => {
    const blocks = ['new_entries', 'all_orders', 'cycle'];
    const clears = ['operator_clear_halt', 'next_utc_day', 'clean_reconciliation', 'resume', 'kill_switch_off', 'cooldown_elapsed', 'next_cycle', 'per_decision'];
    for (const r of REASON_CODES) {
      expect(blocks).toContain(r.blocks);
      expect(clears).toContain(r.clears);
      expect(STATUS_SEVERITY).toContain(r.status);
      expect(typeof r.latches).toBe('boolean');
      expect(r.summary.length).toBeGreaterThan(10);
      // A latched halt needs a way out other than "it was only this decision"; a per-decision skip never latches
      // and never changes the lane's status word.
      if (r.latches) expect(['per_decision', 'next_cycle', 'resume', 'kill_switch_off']).not.toContain(r.clears);
      if (r.clears === 'per_decision') expect([r.latches, r.status]).toEqual([false, 'active']);
    }
    expect(reasonInfo('kill_switch_guard')).toMatchObject({ blocks: 'all_orders', clears: 'kill_switch_off', latches: false, status: 'killed' });
    expect(reasonInfo('paused_guard')).toMatchObject({ clears: 'resume', latches: false, status: 'paused' });
    expect(reasonInfo('daily_loss_guard')).toMatchObject({ blocks: 'new_entries', clears: 'next_utc_day', latches: true, status: 'halted' });
    expect(reasonInfo('drawdown_guard')).toMatchObject({ clears: 'operator_clear_halt', latches: true, status: 'halted' });
    expect(reasonInfo('lane_mismatch_guard')).toMatchObject({ blocks: 'cycle', latches: true, status: 'halted' });
    expect(reasonInfo('reduce_only_guard')).toMatchObject({ blocks: 'new_entries', status: 'reduce_only' });
    expect(reasonInfo('min_edge_guard')).toMatchObject({ clears: 'per_decision', latches: false, status: 'active' });
    expect(reasonInfo('not_reconciled_guard')).toMatchObject({ blocks: 'all_orders', clears: 'clean_reconciliation' });
  });

  it('answers isReasonCode / reasonInfo / latchableCodes, and reads the old control_state_corrupt spelling', () => {
    expect(isReasonCode('daily_loss_guard')).toBe(true);
    expect(isReasonCode('daily_loss')).toBe(false);
    expect(isReasonCode('toString')).toBe(false);
    expect(isReasonCode(42)).toBe(false);
    expect(reasonInfo('nope_guard')).toBeNull();
    expect(reasonInfo('constructor')).toBeNull();
    expect(LEGACY_REASON_CODES).toEqual({ control_state_corrupt: 'control_state_corrupt_guard', order_rejected: 'order_rejected_guard' });
    expect(normalizeReasonCode('order_rejected')).toBe('order_rejected_guard');
    expect(normalizeReasonCode('control_state_corrupt')).toBe('control_state_corrupt_guard');
    expect(normalizeReasonCode('daily_loss_guard')).toBe('daily_loss_guard');
    expect(reasonInfo('control_state_corrupt')?.code).toBe('control_state_corrupt_guard');
    expect([...latchableCodes()].sort()).toEqual([
      'control_state_corrupt_guard', 'daily_loss_guard', 'drawdown_guard', 'idempotency_conflict_guard', 'lane_mismatch_guard',
      'order_group_tripped_guard', 'reconciliation_mismatch_guard', 'reduce_only_guard',
    ]);
    expect(latchableCodes()).not.toContain('kill_switch_guard');
    expect(Object.isFrozen(REASON_CODES) && Object.isFrozen(REASON_CODES[0]) && Object.isFrozen(latchableCodes())).toBe(true);
  });

  it('is pure: no imports at all (workflow code imports it)', () => {
    const src = fs.readFileSync(path.join(ROOT, 'src/domain/reason-codes.ts'), 'utf8');
    expect(src).not.toMatch(/^\s*import\s/m);
    expect(src).not.toMatch(/require\(|Date\.now|new Date|process\./);
  });
});

describe('every *_guard string in src/ is registered', () => {
  it('scans the string literals of every .ts file under src/', () => {
    const files = tsFiles(path.join(ROOT, 'src'));
    expect(files.length).toBeGreaterThan(40);
    const unregistered: string[] = [];
    let found = 0;
    for (const f of files) {
      if (f.endsWith(path.join('domain', 'reason-codes.ts'))) continue; // the registry itself
      for (const code of guardLiterals(f)) {
        found += 1;
        if (!isReasonCode(code)) unregistered.push(`${path.relative(ROOT, f)}: ${code}`);
      }
    }
    expect(unregistered).toEqual([]);
    expect(found).toBeGreaterThan(0);
  });

  it('the scanner sees strings and templates, not comments', () => {
    const f = path.join(fs.mkdtempSync(path.join(require('node:os').tmpdir(), 'kap-rc-')), 'x.ts');
    fs.writeFileSync(f, "// made_up_guard in a comment\nconst a = 'one_guard'; const b = `skipped:${a}:two_guard`; const c = \"x three_guard\";\n");
    expect(guardLiterals(f).sort()).toEqual(['one_guard', 'three_guard', 'two_guard']);
  });
});

describe('statusWordFor', () => {
  const calm = { killSwitch: { engaged: false }, paused: false, latchedHalts: [] as { code: string }[] };
  it('is the most severe word among kill switch, halts, pause and conditions', () => {
    expect(statusWordFor(calm)).toBe('active');
    expect(statusWordFor({ ...calm, paused: true })).toBe('paused');
    expect(statusWordFor({ ...calm, latchedHalts: [{ code: 'reduce_only_guard' }] })).toBe('reduce_only');
    expect(statusWordFor({ ...calm, paused: true, latchedHalts: [{ code: 'reduce_only_guard' }] })).toBe('paused');
    expect(statusWordFor({ ...calm, paused: true, latchedHalts: [{ code: 'daily_loss_guard' }] })).toBe('halted');
    expect(statusWordFor({ ...calm, killSwitch: { engaged: true }, latchedHalts: [{ code: 'drawdown_guard' }] })).toBe('killed');
    expect(statusWordFor({ ...calm, conditions: ['not_reconciled_guard'] })).toBe('degraded');
    expect(statusWordFor({ ...calm, conditions: ['min_edge_guard'] })).toBe('active');
    // Fail safe: an unknown latched code is a halt; the legacy spelling is still a halt.
    expect(statusWordFor({ ...calm, latchedHalts: [{ code: 'something_new' }] })).toBe('halted');
    expect(statusWordFor({ ...calm, latchedHalts: [{ code: 'control_state_corrupt' }] })).toBe('halted');
  });
});

describe('latched-halt expiry', () => {
  const at = (iso: string) => Date.parse(iso);
  it('nextUtcMidnightMs is the first 00:00 UTC strictly after now', () => {
    expect(nextUtcMidnightMs(at('2025-03-09T13:45:10.123Z'))).toBe(at('2025-03-10T00:00:00.000Z'));
    expect(nextUtcMidnightMs(at('2025-03-09T23:59:59.999Z'))).toBe(at('2025-03-10T00:00:00.000Z'));
    expect(nextUtcMidnightMs(at('2025-03-10T00:00:00.000Z'))).toBe(at('2025-03-11T00:00:00.000Z'));
    expect(nextUtcMidnightMs(at('2024-12-31T18:00:00.000Z'))).toBe(at('2025-01-01T00:00:00.000Z'));
    expect(nextUtcMidnightMs(at('2024-02-28T12:00:00.000Z'))).toBe(at('2024-02-29T00:00:00.000Z'));
    expect(nextUtcMidnightMs(0)).toBe(86_400_000);
    expect(() => nextUtcMidnightMs(Number.NaN)).toThrow(RangeError);
  });

  it('haltExpiryFor: a daily-loss halt lifts at the next UTC day; a drawdown halt (and every other) waits for an operator', () => {
    const now = at('2025-03-09T21:30:00Z');
    expect(haltExpiryFor('daily_loss_guard', now)).toBe(at('2025-03-10T00:00:00Z'));
    for (const code of ['drawdown_guard', 'lane_mismatch_guard', 'reduce_only_guard', 'control_state_corrupt_guard', 'unknown_code']) {
      expect(haltExpiryFor(code, now)).toBeNull();
    }
    const expiring = latchableCodes().filter((c) => haltExpiryFor(c, now) !== null);
    expect(expiring).toEqual(['daily_loss_guard']);
  });
});

describe('docs/reason-codes.md', () => {
  it('has one table row per registered code, matching the registry', () => {
    const doc = fs.readFileSync(path.join(ROOT, 'docs/reason-codes.md'), 'utf8');
    const rows = doc.split('\n').filter((l) => /^\| `[a-z0-9_]+` \|/.test(l));
    const documented = rows.map((l) => l.split('|').map((c) => c.trim()).slice(1, 6));
    const expected = REASON_CODES.map((r) => [`\`${r.code}\``, `\`${r.blocks}\``, `\`${r.clears}\``, r.latches ? 'yes' : 'no', `\`${r.status}\``]);
    expect(documented).toEqual(expected);
  });
});
