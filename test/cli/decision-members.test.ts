/** `decisions` shows an ensemble cycle's members per market (their stored views beside the combined estimate). */
import { ensembleMemberLines } from '../../src/cli/decision-members';
import type { StoredEstimate } from '../../src/store';

const e = (ticker: string, source: string, probabilityPpm: number): StoredEstimate => ({ firstRunId: 'f', cycle: 2, ticker, source, probabilityPpm, confidencePpm: 900_000, asOfMs: 1, reasoning: '' });

test('per market: the combined value and each member view; markets with views but no combined estimate are named', () => {
  expect(ensembleMemberLines([e('A', 'ensemble', 666_667), e('A', 'sim-oracle', 600_000), e('A', 'llm', 700_001), e('B', 'sim-oracle', 300_000)])).toEqual([
    'ensemble members (P(YES) per member; the combined value is their weighted mean over the members that answered):',
    '  A  ensemble 0.666667 = sim-oracle 0.6000, llm 0.700001',
    '  member views without a combined estimate (too few members): B',
  ]);
});

test('a cycle without an ensemble shows nothing', () => {
  expect(ensembleMemberLines([e('A', 'llm', 700_000)])).toEqual([]);
});
