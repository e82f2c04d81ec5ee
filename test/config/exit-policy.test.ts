/** `strategy.exit_policy`: hold (default) or take_profit; anything else is an error naming the field. */
import { defaultConfig, parseConfigObject } from '../../src/config';
import { issuesOf } from './helpers';

describe('strategy.exit_policy', () => {
  it('defaults to hold and accepts take_profit', () => {
    expect(defaultConfig().strategy.exit_policy).toBe('hold');
    expect(parseConfigObject({ strategy: { exit_policy: 'take_profit' } }).config.strategy.exit_policy).toBe('take_profit');
  });
  it('refuses another value or type, naming strategy.exit_policy', () => {
    expect(issuesOf(() => parseConfigObject({ strategy: { exit_policy: 'stop_loss' } }))).toEqual([{ path: 'strategy.exit_policy', message: 'must be one of hold, take_profit' }]);
    expect(issuesOf(() => parseConfigObject({ strategy: { exit_policy: true } }))).toEqual([{ path: 'strategy.exit_policy', message: 'must be one of hold, take_profit' }]);
    expect(issuesOf(() => parseConfigObject({ strategy: { exit_polcy: 'hold' } }))).toEqual([{ path: 'strategy.exit_polcy', message: 'unknown key (did you mean strategy.exit_policy?)' }]);
  });
});
