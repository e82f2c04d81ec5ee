/**
 * Built-in scenario: four series, seven events, fifteen markets, closes staggered over ~7 days (relative to the
 * simulator's start) so a week-long run sees closes and settlements; one market opens later; one maintenance window.
 */
import type { ScenarioInput } from './scenario';

const m = (ticker: string, title: string, open: string, close: string, p: string, extra: Record<string, unknown> = {}) => ({
  ticker, title, yes_sub_title: title, no_sub_title: title, open_time: open, close_time: close, true_probability: p, ...extra,
});

export const DEFAULT_SCENARIO: ScenarioInput = {
  name: 'default',
  series: [
    { ticker: 'SIMHIGHTEMP', title: 'Sim city high temperature', category: 'Climate and Weather', frequency: 'daily', fee_type: 'quadratic', fee_multiplier: 1 },
    { ticker: 'SIMRATES', title: 'Sim central bank decision', category: 'Economics', frequency: 'custom', fee_type: 'quadratic_with_maker_fees', fee_multiplier: 1 },
    { ticker: 'SIMMATCH', title: 'Sim tennis match winner', category: 'Sports', frequency: 'custom', fee_type: 'quadratic', fee_multiplier: 1 },
    { ticker: 'SIMCPI', title: 'Sim CPI print', category: 'Economics', frequency: 'monthly', fee_type: 'quadratic', fee_multiplier: 1 },
  ],
  events: [
    { event_ticker: 'SIMHIGHTEMP-D1', series_ticker: 'SIMHIGHTEMP', title: 'High temperature, day 1', mutually_exclusive: true, markets: [
      m('SIMHIGHTEMP-D1-T70', 'Above 70°', '-1d', '+8h', '0.6200', { strike_type: 'greater' }),
      m('SIMHIGHTEMP-D1-T75', 'Above 75°', '-1d', '+8h', '0.3100', { strike_type: 'greater' }),
      m('SIMHIGHTEMP-D1-T80', 'Above 80°', '-1d', '+8h', '0.0800', { strike_type: 'greater', price_level_structure: 'tapered_deci_cent' }),
    ] },
    { event_ticker: 'SIMHIGHTEMP-D2', series_ticker: 'SIMHIGHTEMP', title: 'High temperature, day 2', mutually_exclusive: true, markets: [
      m('SIMHIGHTEMP-D2-T70', 'Above 70°', '-1d', '+1d8h', '0.5500', { strike_type: 'greater' }),
      m('SIMHIGHTEMP-D2-T75', 'Above 75°', '-1d', '+1d8h', '0.2700', { strike_type: 'greater' }),
    ] },
    { event_ticker: 'SIMHIGHTEMP-D4', series_ticker: 'SIMHIGHTEMP', title: 'High temperature, day 4', mutually_exclusive: true, markets: [
      m('SIMHIGHTEMP-D4-T70', 'Above 70°', '+12h', '+3d8h', '0.4800', { strike_type: 'greater' }),
    ] },
    { event_ticker: 'SIMRATES-W1', series_ticker: 'SIMRATES', title: 'Rate decision, week 1', mutually_exclusive: true, markets: [
      m('SIMRATES-W1-CUT', 'Cut', '-2d', '+2d18h', '0.2200'),
      m('SIMRATES-W1-HOLD', 'Hold', '-2d', '+2d18h', '0.7100'),
      m('SIMRATES-W1-HIKE', 'Hike', '-2d', '+2d18h', '0.0700', { price_level_structure: 'deci_cent' }),
    ] },
    { event_ticker: 'SIMMATCH-A', series_ticker: 'SIMMATCH', title: 'Alpha vs Beta', mutually_exclusive: true, markets: [
      m('SIMMATCH-A-ALP', 'Alpha', '-6h', '+20h', '0.5800'),
      m('SIMMATCH-A-BET', 'Beta', '-6h', '+20h', '0.4200'),
    ] },
    { event_ticker: 'SIMMATCH-B', series_ticker: 'SIMMATCH', title: 'Gamma vs Delta', mutually_exclusive: true, markets: [
      m('SIMMATCH-B-GAM', 'Gamma', '-6h', '+4d12h', '0.3500'),
      m('SIMMATCH-B-DEL', 'Delta', '-6h', '+4d12h', '0.6500'),
    ] },
    { event_ticker: 'SIMCPI-M1', series_ticker: 'SIMCPI', title: 'CPI month-over-month', mutually_exclusive: false, markets: [
      m('SIMCPI-M1-T0.2', 'Above 0.2%', '-3d', '+6d20h', '0.5200', { strike_type: 'greater' }),
      m('SIMCPI-M1-T0.4', 'Above 0.4%', '-3d', '+9d', '0.1900', { strike_type: 'greater' }),
    ] },
  ],
  maintenance_windows: [{ start: '+2d3h', end: '+2d5h' }],
};
