/**
 * The week proof's market and lane (docs/week-proof.md): a scenario with one daily, mutually exclusive temperature
 * event per day of the week in the series the lane may trade (WKTEMP; one mispriced market each, so the bot finds an
 * edge every day) among three series it may not (each with a mispriced market the bot would like: any order there
 * fails S2), and the live config shape of a real first week: scope one series, caps, a daily-loss limit, the
 * kill-switch env var name.
 */
import type { ScenarioInput } from '../../src/sim';

export const IN_SCOPE_SERIES = 'WKTEMP';
export const KILL_SWITCH_ENV_VAR = 'KAP_WEEK_DISABLE_TRADING';

const mk = (ticker: string, close: string, p: string, market?: string) => ({
  ticker, title: ticker, yes_sub_title: ticker, no_sub_title: ticker, open_time: '-1d', close_time: close, true_probability: p,
  initial_volume: '20000.00', initial_open_interest: '8000.00', ...(market ? { market_probability: market } : {}),
  determination_delay_seconds: 600, settlement_timer_seconds: 1800,
});

/** Days 1..n (n ≥ the run's days + 1): day d's event closes at +d days − 4 h. */
export function weekScenario(days: number): ScenarioInput {
  const events = [];
  for (let d = 1; d <= days + 1; d++) {
    const close = d === 1 ? '+20h' : `+${d - 1}d20h`;
    // Alternate which market is mispriced, and in which direction.
    const under = d % 2 === 1;
    events.push({
      event_ticker: `WKTEMP-D${d}`, series_ticker: IN_SCOPE_SERIES, title: `High temperature, day ${d}`, mutually_exclusive: true,
      markets: [
        mk(`WKTEMP-D${d}-T70`, close, under ? '0.6200' : '0.3000', under ? '0.4000' : '0.5000'),
        mk(`WKTEMP-D${d}-T75`, close, '0.3000'),
        mk(`WKTEMP-D${d}-T80`, close, '0.0800'),
      ],
    });
  }
  return {
    name: 'week-proof',
    market_drift_step: '0.0020',
    market_drift_max: '0.0200',
    oracle_bias: '0.0000',
    series: [
      { ticker: IN_SCOPE_SERIES, title: 'Week city high temperature', category: 'Climate and Weather', frequency: 'daily', fee_type: 'quadratic', fee_multiplier: 1 },
      { ticker: 'WKRATES', title: 'Out of scope: rates', category: 'Economics', frequency: 'custom', fee_type: 'quadratic_with_maker_fees', fee_multiplier: 1 },
      { ticker: 'WKGDP', title: 'Out of scope: GDP', category: 'Economics', frequency: 'quarterly', fee_type: 'quadratic', fee_multiplier: 1 },
      { ticker: 'WKMATCH', title: 'Out of scope: match', category: 'Sports', frequency: 'custom', fee_type: 'quadratic', fee_multiplier: 1 },
    ],
    events: [
      ...events,
      { event_ticker: 'WKRATES-W1', series_ticker: 'WKRATES', title: 'Rates', mutually_exclusive: true, markets: [mk('WKRATES-W1-CUT', `+${days + 2}d`, '0.2200', '0.4000'), mk('WKRATES-W1-HOLD', `+${days + 2}d`, '0.7800')] },
      { event_ticker: 'WKGDP-Q3', series_ticker: 'WKGDP', title: 'GDP', mutually_exclusive: false, markets: [mk('WKGDP-Q3-T2.0', `+${days + 2}d`, '0.7000', '0.4800')] },
      { event_ticker: 'WKMATCH-A', series_ticker: 'WKMATCH', title: 'Match', mutually_exclusive: true, markets: [mk('WKMATCH-A-ALP', `+${days + 2}d`, '0.3500', '0.5500'), mk('WKMATCH-A-BET', `+${days + 2}d`, '0.6500', '0.4500')] },
    ],
    maintenance_windows: [],
  };
}

/** The live lane's config (a user's file would hold exactly this): merged over the schema's defaults. */
export function weekConfig(): Record<string, unknown> {
  return {
    venues: { kalshi: { env: 'sim' } },
    trading: { dry_run: false, allowed_series_tickers: [IN_SCOPE_SERIES], cycle_interval_seconds: 3600, bankroll: 1000 },
    risk: {
      max_orders_per_cycle: 2,
      max_notional_per_cycle: 60,
      max_positions: 3,
      max_position_size: 50,
      max_trades_per_market_per_day: 2,
      daily_loss_limit_fraction: 0.02,
      kill_switch_env_var: KILL_SWITCH_ENV_VAR,
    },
  };
}
