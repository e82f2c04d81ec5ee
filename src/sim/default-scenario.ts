/**
 * Built-in scenario (also scenarios/default.json; `kalshi-autopilot sim`, `up --env sim` and `npm run autopilot` load
 * it): five series, eight events, seventeen markets, closes staggered over ~9 days (relative to the simulator's
 * start) so a simulated week sees closes and settlements; one market opens later; one maintenance window.
 *
 * Seven markets are mispriced — the house quotes `market_probability`, |market − true| ≥ 0.18 — so the quickstart
 * (min_edge 0.10, sim-oracle) finds edges: SIMHIGHTEMP-D1-T70, SIMHIGHTEMP-D2-T75, SIMMATCH-B-GAM and SIMMATCH-B-DEL
 * (one event: de-dup keeps one), SIMRATES-W1-CUT, SIMGDP-Q3-T2.0 and SIMCPI-M1-T0.2. The template's empty scope allows
 * all of them in dry-run; a scope of series SIMHIGHTEMP,SIMMATCH admits the first four and leaves the other three out.
 * Every market starts with volume and open interest above the template's filters (1000 / 500 contracts).
 */
import type { ScenarioInput } from './scenario';

type Extra = Record<string, unknown>;

const m = (ticker: string, title: string, open: string, close: string, p: string, extra: Extra = {}) => ({
  ticker, title, yes_sub_title: title, no_sub_title: title, open_time: open, close_time: close, true_probability: p,
  initial_volume: '12000.00', initial_open_interest: '4000.00', ...extra,
});

/** A mispriced market: the house quotes around `market`, it settles by `p`. */
const mis = (ticker: string, title: string, open: string, close: string, p: string, market: string, extra: Extra = {}) =>
  m(ticker, title, open, close, p, { market_probability: market, initial_volume: '25000.00', initial_open_interest: '9000.00', ...extra });

export const DEFAULT_SCENARIO: ScenarioInput = {
  name: 'default',
  market_drift_step: '0.0020',
  market_drift_max: '0.0300',
  oracle_bias: '0.0000',
  series: [
    { ticker: 'SIMHIGHTEMP', title: 'Sim city high temperature', category: 'Climate and Weather', frequency: 'daily', fee_type: 'quadratic', fee_multiplier: 1 },
    { ticker: 'SIMRATES', title: 'Sim central bank decision', category: 'Economics', frequency: 'custom', fee_type: 'quadratic_with_maker_fees', fee_multiplier: 1 },
    { ticker: 'SIMMATCH', title: 'Sim tennis match winner', category: 'Sports', frequency: 'custom', fee_type: 'quadratic', fee_multiplier: 1 },
    { ticker: 'SIMCPI', title: 'Sim CPI print', category: 'Economics', frequency: 'monthly', fee_type: 'quadratic', fee_multiplier: 1 },
    { ticker: 'SIMGDP', title: 'Sim GDP advance estimate', category: 'Economics', frequency: 'quarterly', fee_type: 'quadratic', fee_multiplier: 1 },
  ],
  events: [
    { event_ticker: 'SIMHIGHTEMP-D1', series_ticker: 'SIMHIGHTEMP', title: 'High temperature, day 1', mutually_exclusive: true, markets: [
      mis('SIMHIGHTEMP-D1-T70', 'Above 70°', '-1d', '+8h', '0.6200', '0.3800', { strike_type: 'greater' }),
      m('SIMHIGHTEMP-D1-T75', 'Above 75°', '-1d', '+8h', '0.3100', { strike_type: 'greater' }),
      m('SIMHIGHTEMP-D1-T80', 'Above 80°', '-1d', '+8h', '0.0800', { strike_type: 'greater', price_level_structure: 'tapered_deci_cent' }),
    ] },
    { event_ticker: 'SIMHIGHTEMP-D2', series_ticker: 'SIMHIGHTEMP', title: 'High temperature, day 2', mutually_exclusive: true, markets: [
      m('SIMHIGHTEMP-D2-T70', 'Above 70°', '-1d', '+1d8h', '0.5500', { strike_type: 'greater' }),
      mis('SIMHIGHTEMP-D2-T75', 'Above 75°', '-1d', '+1d8h', '0.2700', '0.4500', { strike_type: 'greater' }),
    ] },
    { event_ticker: 'SIMHIGHTEMP-D4', series_ticker: 'SIMHIGHTEMP', title: 'High temperature, day 4', mutually_exclusive: true, markets: [
      m('SIMHIGHTEMP-D4-T70', 'Above 70°', '+12h', '+3d8h', '0.4800', { strike_type: 'greater' }),
    ] },
    { event_ticker: 'SIMRATES-W1', series_ticker: 'SIMRATES', title: 'Rate decision, week 1', mutually_exclusive: true, markets: [
      mis('SIMRATES-W1-CUT', 'Cut', '-2d', '+2d18h', '0.2200', '0.4000'),
      m('SIMRATES-W1-HOLD', 'Hold', '-2d', '+2d18h', '0.7100'),
      m('SIMRATES-W1-HIKE', 'Hike', '-2d', '+2d18h', '0.0700', { price_level_structure: 'deci_cent' }),
    ] },
    { event_ticker: 'SIMMATCH-A', series_ticker: 'SIMMATCH', title: 'Alpha vs Beta', mutually_exclusive: true, markets: [
      m('SIMMATCH-A-ALP', 'Alpha', '-6h', '+20h', '0.5800'),
      m('SIMMATCH-A-BET', 'Beta', '-6h', '+20h', '0.4200'),
    ] },
    { event_ticker: 'SIMMATCH-B', series_ticker: 'SIMMATCH', title: 'Gamma vs Delta', mutually_exclusive: true, markets: [
      mis('SIMMATCH-B-GAM', 'Gamma', '-6h', '+4d12h', '0.3500', '0.5500'),
      mis('SIMMATCH-B-DEL', 'Delta', '-6h', '+4d12h', '0.6500', '0.4500'),
    ] },
    { event_ticker: 'SIMGDP-Q3', series_ticker: 'SIMGDP', title: 'GDP growth, advance estimate', mutually_exclusive: false, markets: [
      mis('SIMGDP-Q3-T2.0', 'Above 2.0%', '-2d', '+5d6h', '0.7000', '0.4800', { strike_type: 'greater' }),
      m('SIMGDP-Q3-T3.0', 'Above 3.0%', '-2d', '+5d6h', '0.2000', { strike_type: 'greater' }),
    ] },
    { event_ticker: 'SIMCPI-M1', series_ticker: 'SIMCPI', title: 'CPI month-over-month', mutually_exclusive: false, markets: [
      mis('SIMCPI-M1-T0.2', 'Above 0.2%', '-3d', '+6d20h', '0.5200', '0.3000', { strike_type: 'greater' }),
      m('SIMCPI-M1-T0.4', 'Above 0.4%', '-3d', '+9d', '0.1900', { strike_type: 'greater' }),
    ] },
  ],
  maintenance_windows: [{ start: '+2d3h', end: '+2d5h' }],
};
