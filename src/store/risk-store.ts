import type { Database } from 'better-sqlite3';
import { DailyLossState, initialDailyLossState } from '../domain/daily-loss';
import { DrawdownState, initialDrawdownState } from '../domain/drawdown';
import { FailureCooldownState, initialFailureCooldownState } from '../domain/failure-cooldown';

export interface RiskState {
  dailyLoss: DailyLossState;
  drawdown: DrawdownState;
  failureCooldown: FailureCooldownState;
}

export class RiskStateCorruptError extends Error {
  constructor(key: string, detail: string) {
    super(`risk_state.${key} cannot be read (${detail}): the lane refuses to guess its daily-loss baseline or drawdown peak`);
    this.name = 'RiskStateCorruptError';
  }
}

/**
 * The risk-guard states of the lane (daily-loss baseline, drawdown peak, failure cooldown), one JSON document per key.
 * They live in the DB so a restarted lane (a new workflow) keeps them; an unreadable row throws (fail closed).
 */
export class RiskStore {
  constructor(private readonly db: Database) {}

  read(): RiskState {
    const get = <T>(key: string, initial: T): T => {
      const r = this.db.prepare('SELECT json FROM risk_state WHERE key = ?').get(key) as { json: string } | undefined;
      if (!r) return initial;
      try {
        const v = JSON.parse(r.json) as T;
        if (v === null || typeof v !== 'object') throw new Error('not an object');
        return v;
      } catch (err) {
        throw new RiskStateCorruptError(key, (err as Error).message);
      }
    };
    return {
      dailyLoss: get('daily_loss', initialDailyLossState()),
      drawdown: get('drawdown', initialDrawdownState()),
      failureCooldown: get('failure_cooldown', initialFailureCooldownState()),
    };
  }

  write(state: Partial<RiskState>, atMs: number): void {
    const put = this.db.prepare(
      'INSERT INTO risk_state (key, json, updated_at_ms) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET json = excluded.json, updated_at_ms = excluded.updated_at_ms',
    );
    this.db.transaction(() => {
      if (state.dailyLoss) put.run('daily_loss', JSON.stringify(state.dailyLoss), atMs);
      if (state.drawdown) put.run('drawdown', JSON.stringify(state.drawdown), atMs);
      if (state.failureCooldown) put.run('failure_cooldown', JSON.stringify(state.failureCooldown), atMs);
    })();
  }
}
