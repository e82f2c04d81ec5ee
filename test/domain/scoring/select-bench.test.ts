import { benchedEntry, judgeModels, judgePair, lastSettled, scoreTable, selectForecasts, type EstimatePoint } from '../../../src/domain/scoring';
import { batch } from './fixtures';

const est = (over: Partial<EstimatePoint>): EstimatePoint => ({
  firstRunId: 'r', cycle: 1, model: 'm', ticker: 'A', eventTicker: 'EA', seriesTicker: 'S', category: 'C',
  probabilityPpm: 500_000, midPpm: 500_000, asOfMs: 1000, closeTimeMs: 10_000, ...over,
});

describe('one estimate per market', () => {
  test('untraded: the last estimate before close; estimates after close, without a mid, or of unsettled markets do not count', () => {
    const fs = selectForecasts(
      [
        est({ cycle: 1, asOfMs: 1000, probabilityPpm: 600_000, midPpm: 550_000 }),
        est({ cycle: 2, asOfMs: 2000, probabilityPpm: 650_000, midPpm: 560_000 }),
        est({ cycle: 3, asOfMs: 3000, probabilityPpm: 700_000, midPpm: null }),
        est({ cycle: 4, asOfMs: 11_000, probabilityPpm: 990_000, midPpm: 980_000 }),
        est({ ticker: 'B', eventTicker: 'EB' }),
      ],
      [],
      [{ ticker: 'A', result: 'yes', settledAtMs: 12_000 }],
    );
    expect(fs).toHaveLength(1);
    expect(fs[0]).toMatchObject({ ticker: 'A', probabilityPpm: 650_000, marketPpm: 560_000, outcome: 'yes', settledAtMs: 12_000, trade: null });
  });

  test('traded: the estimate of the entry cycle, closing line from the last estimate before close', () => {
    const fs = selectForecasts(
      [est({ cycle: 1, asOfMs: 1000, probabilityPpm: 700_000, midPpm: 550_000 }), est({ cycle: 2, asOfMs: 2000, probabilityPpm: 720_000, midPpm: 640_000 })],
      [{ ticker: 'A', firstRunId: 'r', cycle: 1, side: 'no', predictedEdgeMicros: 10_000, entryPriceMicros: 450_000, countCentis: 100, feeMicros: 2_000, pnlMicros: 548_000 }],
      [{ ticker: 'A', result: 'no', settledAtMs: 12_000 }],
    );
    expect(fs).toHaveLength(1);
    expect(fs[0].probabilityPpm).toBe(700_000);
    expect(fs[0].marketPpm).toBe(550_000);
    expect(fs[0].trade).toEqual({ side: 'no', entryPriceMicros: 450_000, countCentis: 100, feeMicros: 2_000, predictedEdgeMicros: 10_000, closingPriceMicros: 360_000, pnlMicros: 548_000 });
  });

  test('two models on one market: one forecast each', () => {
    const fs = selectForecasts([est({ model: 'a' }), est({ model: 'b' })], [], [{ ticker: 'A', result: 'no', settledAtMs: 5 }]);
    expect(fs.map((f) => f.model)).toEqual(['a', 'b']);
  });
});

describe('benching', () => {
  const rules = { window: 60, benchConfidence: 0.9, minSettled: 30, resamples: 400 };
  // Worse than the market: the market prices the outcome well (0.8 / 0.2), the model is biased toward 0.5.
  const worse = () => batch(50, 25, (i) => (i < 25 ? 0.55 : 0.45), (i) => (i < 25 ? 0.8 : 0.2), { model: 'bad' });
  const better = () => batch(50, 25, (i) => (i < 25 ? 0.85 : 0.15), (i) => (i < 25 ? 0.6 : 0.4), { model: 'good' });

  test('a model worse than the market is benched; a better one is not', () => {
    const v = judgeModels([...worse(), ...better()], rules);
    const bad = v.find((x) => x.model === 'bad' && x.series === null)!;
    const good = v.find((x) => x.model === 'good' && x.series === null)!;
    expect(bad.state).toBe('bench');
    expect(bad.interval!.hi).toBeLessThan(0);
    expect(bad.settled).toBe(50);
    expect(good.state).toBe('ok');
    expect(good.skill!).toBeGreaterThan(0);
  });

  test('below min_settled nothing is benched: unproven', () => {
    const v = judgePair(worse().slice(0, 29), { model: 'bad', series: null }, rules);
    expect(v).toMatchObject({ state: 'unproven', settled: 29, interval: null });
    expect(v.skill!).toBeLessThan(0);
  });

  test('only the last `window` settled markets are judged', () => {
    const old = worse();
    const recent = batch(40, 20, (i) => (i < 20 ? 0.85 : 0.15), (i) => (i < 20 ? 0.6 : 0.4), { model: 'bad' });
    expect(judgePair([...old, ...recent], { model: 'bad', series: null }, { ...rules, window: 40 }).state).toBe('ok');
    expect(judgePair([...old, ...recent], { model: 'bad', series: null }, { ...rules, window: 90 }).state).toBe('bench');
    expect(lastSettled(recent, 3).map((f) => f.ticker)).toEqual(recent.slice(-3).map((f) => f.ticker));
  });

  test('a model is benched within one series only when that series is the bad one', () => {
    const fs = [...worse().map((f) => ({ ...f, seriesTicker: 'BAD' })), ...batch(50, 25, (i) => (i < 25 ? 0.85 : 0.15), (i) => (i < 25 ? 0.6 : 0.4), { model: 'bad', seriesTicker: 'FINE' })];
    const v = judgeModels(fs, rules);
    expect(v.find((x) => x.series === 'BAD')!.state).toBe('bench');
    expect(v.find((x) => x.series === 'FINE')!.state).toBe('ok');
  });

  test('after a clear, only markets settled later are judged', () => {
    const fs = worse();
    const cut = fs[fs.length - 1].settledAtMs;
    expect(judgeModels(fs, rules, [{ model: 'bad', series: null, clearedAtMs: cut }])[0]).toMatchObject({ state: 'unproven', settled: 0 });
  });

  test('benchedEntry: a model-wide entry covers every series; a series entry only its own', () => {
    const list = [{ model: 'a', series: null }, { model: 'b', series: 'S1' }];
    expect(benchedEntry(list, 'a', 'ANY')).toEqual({ model: 'a', series: null });
    expect(benchedEntry(list, 'b', 'S1')).toEqual({ model: 'b', series: 'S1' });
    expect(benchedEntry(list, 'b', 'S2')).toBeNull();
    expect(benchedEntry(list, 'b', null)).toBeNull();
    expect(benchedEntry(list, 'c', 'S1')).toBeNull();
  });
});

describe('score table', () => {
  test('per model: all, then by series, category and side, with counts and an interval', () => {
    const fs = [...batch(4, 2, () => 0.6, () => 0.5, { model: 'x', seriesTicker: 'S1' }), ...batch(2, 1, () => 0.6, () => 0.5, { model: 'x', seriesTicker: 'S2', category: 'K' })];
    const rows = scoreTable(fs, { confidence: 0.9, resamples: 100 });
    expect(rows[0]).toMatchObject({ model: 'x', by: 'all', key: '*' });
    expect(rows[0].scores.n).toBe(6);
    expect(rows[0].scores.skillInterval).not.toBeNull();
    expect(rows.filter((r) => r.by === 'series').map((r) => [r.key, r.scores.n])).toEqual([['S1', 4], ['S2', 2]]);
    expect(rows.filter((r) => r.by === 'category').map((r) => [r.key, r.scores.n])).toEqual([['C', 4], ['K', 2]]);
    expect(rows.filter((r) => r.by === 'side').map((r) => [r.key, r.scores.n])).toEqual([['untraded', 6]]);
  });
});
