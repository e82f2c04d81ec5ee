import type { Database } from 'better-sqlite3';
import { ControlState, ControlSource, initialControlState, LatchedHalt, sameControl } from '../domain/control';
import { normalizeReasonCode, REASON } from '../domain/reason-codes';

interface Row {
  kill_engaged: number;
  kill_reason: string | null;
  kill_source: string | null;
  kill_at_ms: number | null;
  kill_cancel_resting: number;
  paused: number;
  latched_halts_json: string;
  updated_at_ms: number;
  updated_by: string;
}

/** The persisted control state, so order-placing code reads it fresh and the CLI can engage the kill switch offline. */
export class ControlStore {
  constructor(private readonly db: Database) {}

  /**
   * The persisted state with its `version`: the id of the latest control event, a clock-free counter that grows with
   * every write, whoever made it. The workflow remembers the version of its own last write, so it can tell a newer
   * outside command (the CLI while Temporal was down) from an echo of itself.
   */
  read(): (ControlState & { updatedAtMs: number; updatedBy: string; version: number }) | null {
    // Row and version in ONE read transaction (one snapshot): a write landing between two separate statements would
    // pair an old row with a new version, and the workflow would then take someone else's command for its own echo.
    const { r, version } = this.db.transaction(() => ({
      r: this.db.prepare('SELECT * FROM control_state WHERE id = 1').get() as Row | undefined,
      version: (this.db.prepare('SELECT MAX(id) AS v FROM control_events').get() as { v: number | null }).v ?? 0,
    }))();
    if (!r) return null;
    let halts: LatchedHalt[] = [];
    try {
      // Old spellings (e.g. `control_state_corrupt`) are read back as their registered `_guard` names.
      halts = (JSON.parse(r.latched_halts_json) as LatchedHalt[]).map((h) => ({ ...h, code: normalizeReasonCode(h.code) }));
    } catch {
      // A corrupt halts column must not silently clear halts: surface it as a halt of its own.
      halts = [{ code: REASON.control_state_corrupt_guard, reason: 'latched_halts_json could not be parsed', atMs: r.updated_at_ms }];
    }
    return {
      killSwitch: {
        engaged: r.kill_engaged === 1,
        reason: r.kill_reason,
        source: (r.kill_source as ControlSource | null) ?? null,
        atMs: r.kill_at_ms,
        cancelResting: r.kill_cancel_resting === 1,
      },
      paused: r.paused === 1,
      latchedHalts: halts,
      updatedAtMs: r.updated_at_ms,
      updatedBy: r.updated_by,
      version,
    };
  }

  readOrInitial(): ControlState {
    return this.read() ?? initialControlState();
  }

  /** Write the whole state and an audit event atomically. Returns the new version. */
  write(state: ControlState, atMs: number, by: string, kind = 'control_state'): number {
    return this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO control_state (id, kill_engaged, kill_reason, kill_source, kill_at_ms, kill_cancel_resting, paused,
             latched_halts_json, updated_at_ms, updated_by)
           VALUES (1, @ke, @kr, @ks, @ka, @kc, @p, @h, @u, @b)
           ON CONFLICT(id) DO UPDATE SET kill_engaged=@ke, kill_reason=@kr, kill_source=@ks, kill_at_ms=@ka,
             kill_cancel_resting=@kc, paused=@p, latched_halts_json=@h, updated_at_ms=@u, updated_by=@b`,
        )
        .run({
          ke: state.killSwitch.engaged ? 1 : 0,
          kr: state.killSwitch.reason,
          ks: state.killSwitch.source,
          ka: state.killSwitch.atMs,
          kc: state.killSwitch.cancelResting ? 1 : 0,
          p: state.paused ? 1 : 0,
          h: JSON.stringify(state.latchedHalts),
          u: atMs,
          b: by,
        });
      const ev = this.db
        .prepare('INSERT INTO control_events (at_ms, kind, detail_json, source) VALUES (?, ?, ?, ?)')
        .run(atMs, kind, JSON.stringify(state), by);
      return Number(ev.lastInsertRowid);
    })();
  }

  /**
   * The workflow's write: a merge, not an overwrite. If someone else wrote the row since the workflow's last write
   * (a newer version than `expectedVersion`, OR content other than what the workflow last persisted, `expected` —
   * after a backup is restored, event ids restart below the workflow's version), their restrictions (engaged kill
   * switch, pause, halts) are kept. Returns what was written and its version, so the workflow adopts the merged state.
   */
  mergeWrite(
    state: ControlState,
    expectedVersion: number,
    atMs: number,
    by: string,
    kind: string,
    merge: (ours: ControlState, theirs: ControlState) => ControlState,
    expected: ControlState | null = null,
  ): { control: ControlState; version: number } {
    return this.db.transaction(() => {
      const row = this.read();
      const control = row && isOutsideWrite(row, expectedVersion, expected) ? merge(state, row) : state;
      const version = this.write(control, atMs, by, kind);
      return { control, version };
    }).immediate();
  }

  events(limit = 50): Array<{ atMs: number; kind: string; source: string; detail: ControlState }> {
    return (
      this.db
        .prepare('SELECT at_ms, kind, source, detail_json FROM control_events ORDER BY id DESC LIMIT ?')
        .all(limit) as Array<{ at_ms: number; kind: string; source: string; detail_json: string }>
    ).map((r) => ({ atMs: r.at_ms, kind: r.kind, source: r.source, detail: JSON.parse(r.detail_json) as ControlState }));
  }
}

/**
 * Whether the DB row was written by someone other than the workflow since its last write: a newer version, or (when
 * the workflow says what it last persisted) different content whatever the version says (a restored backup).
 */
export function isOutsideWrite(row: ControlState & { version: number }, expectedVersion: number, expected: ControlState | null): boolean {
  if (row.version > expectedVersion) return true;
  return expected !== null && !sameControl(controlPart(row), expected);
}

function controlPart(c: ControlState): ControlState {
  return { killSwitch: c.killSwitch, paused: c.paused, latchedHalts: c.latchedHalts };
}
