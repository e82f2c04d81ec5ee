import fc from 'fast-check';
import { dedupeIntents, NO_EXPOSURE } from '../../src/domain/dedupe';
import { compareIntents, intentScore } from '../../src/domain/intent-rank';
import { arbExposure, arbIntentsAndShuffle, exitOf, intent, key } from './intent-fixtures';

describe('intent ranking', () => {
  it('orders by |edge| × confidence, then |edge|, then ticker', () => {
    expect(intentScore(intent('A', 'E', { edgeMicros: -100_000, confidencePpm: 800_000 }))).toBe(80_000_000_000n);
    const a = intent('Z', 'E', { edgeMicros: 100_000, confidencePpm: 800_000 }); // 8.0e10
    const b = intent('Y', 'E', { edgeMicros: 150_000, confidencePpm: 500_000 }); // 7.5e10
    const c = intent('X', 'E', { edgeMicros: 50_000, confidencePpm: 1_000_000 }); // 5.0e10, |edge| 50k
    const d = intent('W', 'E', { edgeMicros: 100_000, confidencePpm: 500_000 }); // 5.0e10, |edge| 100k
    const e = intent('V', 'E', { edgeMicros: 100_000, confidencePpm: 500_000 }); // ties d: ticker V < W
    expect([c, d, a, e, b].sort(compareIntents).map((i) => i.ticker)).toEqual(['Z', 'Y', 'V', 'W', 'X']);
  });

  it('throws on a fractional edge (the caller fails closed)', () => {
    expect(() => intentScore(intent('A', 'E', { edgeMicros: 0.5 }))).toThrow(RangeError);
  });
});

describe('dedupeIntents', () => {
  it('keeps the best entry per event, skips exposed markets and events, never touches exits', () => {
    const intents = [
      intent('EV1-B', 'EV1', { edgeMicros: 150_000, confidencePpm: 500_000 }), // 7.5e10 loses to EV1-A
      intent('EV1-A', 'EV1', { edgeMicros: 100_000, confidencePpm: 800_000 }), // 8.0e10 wins EV1
      intent('EV2-C', 'EV2', { edgeMicros: 50_000, confidencePpm: 1_000_000 }), // 5e10, smaller |edge|
      intent('EV2-D', 'EV2', { edgeMicros: 100_000, confidencePpm: 500_000 }), // 5e10 wins EV2
      intent('EV3-B', 'EV3', { edgeMicros: 100_000, confidencePpm: 500_000 }),
      intent('EV3-A', 'EV3', { edgeMicros: 100_000, confidencePpm: 500_000 }), // tie: ticker A wins EV3
      intent('EV4-X', 'EV4'), // market exposed
      intent('EV5-Y', 'EV5'), // event exposed
      intent('EV6-W', 'EV6', { edgeMicros: 300_000 }), // event exposed by this cycle's exit on EV6-Z
      exitOf('EV6-Z', 'EV6', { edgeMicros: 10_000, confidencePpm: 500_000 }),
      exitOf('EV4-X', 'EV4', { edgeMicros: 20_000, confidencePpm: 500_000 }), // an exit in an exposed market is kept
      intent('EV1-A', 'EV1', { side: 'no', edgeMicros: 20_000, confidencePpm: 500_000 }), // other side, same event
    ];
    const out = dedupeIntents(intents, { markets: ['EV4-X'], events: ['EV5'] });
    expect(out.kept.map((i) => `${i.ticker}:${i.side}:${i.reduceOnly ? 'exit' : 'entry'}`)).toEqual([
      'EV4-X:yes:exit', 'EV6-Z:yes:exit', 'EV1-A:yes:entry', 'EV2-D:yes:entry', 'EV3-A:yes:entry',
    ]);
    expect(out.skipped.map((s) => [s.ticker, s.side, s.code, s.detail])).toEqual([
      // Rank order: EV6-W 2.4e11; EV1-A, EV4-X, EV5-Y 8e10 (ties by ticker); EV1-B 7.5e10; EV2-D, EV3-A, EV3-B 5e10
      // |edge| 100k; EV2-C 5e10 |edge| 50k; EV1-A no 1e10.
      ['EV6-W', 'yes', 'duplicate_exposure_guard', 'already exposed to event EV6'],
      ['EV4-X', 'yes', 'duplicate_exposure_guard', 'already exposed to market EV4-X'],
      ['EV5-Y', 'yes', 'duplicate_exposure_guard', 'already exposed to event EV5'],
      ['EV1-B', 'yes', 'duplicate_exposure_guard', 'event EV1: EV1-A yes ranks higher this cycle'],
      ['EV3-B', 'yes', 'duplicate_exposure_guard', 'event EV3: EV3-A yes ranks higher this cycle'],
      ['EV2-C', 'yes', 'duplicate_exposure_guard', 'event EV2: EV2-D yes ranks higher this cycle'],
      ['EV1-A', 'no', 'duplicate_exposure_guard', 'event EV1: EV1-A yes ranks higher this cycle'],
    ]);
    expect(out.skipped[0].intent).toBe(intents[8]);
  });

  it('an empty list and no exposure give nothing', () => {
    expect(dedupeIntents([], NO_EXPOSURE)).toEqual({ kept: [], skipped: [] });
  });

  it('property: one entry per event, none exposed, exits all kept, nothing lost, order independent', () => {
    fc.assert(
      fc.property(arbIntentsAndShuffle, arbExposure, ([xs, shuffled], exposure) => {
        const out = dedupeIntents(xs, exposure);
        const entries = out.kept.filter((i) => !i.reduceOnly);
        const exits = out.kept.filter((i) => i.reduceOnly);
        expect(new Set(entries.map((i) => i.eventTicker)).size).toBe(entries.length);
        for (const e of entries) {
          expect(exposure.markets).not.toContain(e.ticker);
          expect(exposure.events).not.toContain(e.eventTicker);
          expect(exits.map((x) => x.eventTicker)).not.toContain(e.eventTicker);
        }
        expect(exits.map(key).sort()).toEqual(xs.filter((i) => i.reduceOnly).map(key).sort());
        expect([...out.kept, ...out.skipped.map((s) => s.intent)].map(key).sort()).toEqual(xs.map(key).sort());
        expect(dedupeIntents(shuffled, exposure)).toEqual(out);
      }),
      { numRuns: 300 },
    );
  });
});
