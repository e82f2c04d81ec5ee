/**
 * Fuzz: signal payloads (`killSwitch`, `clearHalt`, `pause`/`resume`, then `stop`) sent through a real Temporal client
 * to a real `tradingCycle` workflow on the time-skipping server (one worker for the suite; a handful of runs in CI).
 * Whatever the payload, the workflow keeps running and answers its status query; its kill switch is what the pure
 * domain rule (`applyKillSwitchSignal`: anything but a well-formed release engages) says; a malformed payload is
 * recorded in the status errors, never dropped silently; `clearHalt` of a code never latched changes nothing; and
 * any `stop` payload stops the lane (obeyed whatever it holds), recording a parse error when it was malformed.
 */
import fc from 'fast-check';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { applyKillSwitchSignal, initialControlState, setPaused, type ControlState } from '../../src/domain/control';
import { latchableCodes } from '../../src/domain/reason-codes';
import {
  clearHaltSignal, killSwitchSignal, pauseSignal, resumeSignal, statusQuery, stopSignal, WORKFLOW_TYPE, type StatusView, type TradingCycleResult,
} from '../../src/workflows/definitions';
import { timeSkippingWithBundle } from '../helpers/dry-run';
import { cycleInput, startLaneWorker, testIdentity } from '../helpers/lane';
import { fuzzParams } from './fuzz-params';

let env: TestWorkflowEnvironment;
let bundle: WorkflowBundleWithSourceMap;
beforeAll(async () => {
  ({ env, bundle } = await timeSkippingWithBundle());
}, 180_000);
afterAll(async () => {
  await env?.teardown();
});

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Sig =
  | { name: 'killSwitch'; payload: Json | undefined }
  | { name: 'clearHalt'; payload: Json | undefined }
  | { name: 'pause' }
  | { name: 'resume' };

const NO_INPUT = undefined;
const junk: fc.Arbitrary<Json | undefined> = fc.oneof(
  fc.constantFrom<Json | undefined>(NO_INPUT, null, true, 0, 'on', [], {}, { engaged: 'true' }, { engaged: 1 }, { engaged: true, reason: 7 },
    { engaged: false, cancelResting: 'yes' }, { engaged: null }, { code: 42 }, { code: null }, [{ engaged: false }]),
  fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>,
);
const sig: fc.Arbitrary<Sig> = fc.oneof(
  { weight: 2, arbitrary: fc.record({ engaged: fc.boolean(), reason: fc.string({ maxLength: 12 }), cancelResting: fc.boolean() }).map((p) => ({ name: 'killSwitch' as const, payload: p })) },
  { weight: 3, arbitrary: junk.map((payload) => ({ name: 'killSwitch' as const, payload })) },
  { weight: 2, arbitrary: fc.oneof(fc.constantFrom(...latchableCodes(), 'made_up_guard').map((code): Json => ({ code })), junk).map((payload) => ({ name: 'clearHalt' as const, payload })) },
  { weight: 1, arbitrary: fc.constantFrom<Sig>({ name: 'pause' }, { name: 'resume' }) },
);

/** The domain's view of what the workflow's control state must become. */
function model(start: ControlState, sigs: Sig[]): { control: ControlState; malformed: number } {
  let c = start;
  let malformed = 0;
  for (const s of sigs) {
    if (s.name === 'killSwitch') {
      const r = applyKillSwitchSignal(c, s.payload, 0);
      c = r.state;
      if (r.error) malformed += 1;
    } else if (s.name === 'pause' || s.name === 'resume') c = setPaused(c, s.name === 'pause');
    else if (typeof (s.payload as { code?: unknown } | null | undefined)?.code !== 'string') malformed += 1;
  }
  return { control: c, malformed };
}

describe('fuzz: signal payloads through the Temporal client to a running workflow', () => {
  it('any sequence of killSwitch / clearHalt / pause / resume payloads: running, queryable, kill switch as the domain says; any stop stops', async () => {
    const id = testIdentity();
    const lw = await startLaneWorker(env, bundle, id);
    await lw.worker.runUntil(async () => {
      const h = await env.client.workflow.start(WORKFLOW_TYPE, { taskQueue: id.lane, workflowId: id.lane, args: [cycleInput(id, { cycleIntervalSeconds: 3600 })] });
      try {
        await env.sleep('10 seconds'); // the first cycle
        let expected: ControlState = initialControlState();
        let errorsTotal = (await h.query(statusQuery)).errors.total;
        await fc.assert(fc.asyncProperty(fc.array(sig, { minLength: 1, maxLength: 5 }), async (sigs) => {
          for (const s of sigs) {
            if (s.name === 'pause') await h.signal(pauseSignal);
            else if (s.name === 'resume') await h.signal(resumeSignal);
            else {
              const def = s.name === 'killSwitch' ? killSwitchSignal : clearHaltSignal;
              // no input at all, as `temporal workflow signal` without --input sends
              if (s.payload === NO_INPUT) await h.signal(def as never);
              else await h.signal(def as never, s.payload as never);
            }
          }
          await env.sleep('1 second');
          const want = model(expected, sigs);
          const st: StatusView = await h.query(statusQuery);
          expect((await h.describe()).status.name).toBe('RUNNING');
          expect(st.control.killSwitch.engaged).toBe(want.control.killSwitch.engaged);
          expect(st.control.killSwitch.cancelResting).toBe(want.control.killSwitch.cancelResting);
          expect(st.control.paused).toBe(want.control.paused);
          expect(st.control.latchedHalts).toEqual([]);
          // every malformed payload is counted in the status errors (and the last one named)
          expect(st.errors.total - errorsTotal).toBe(want.malformed);
          if (want.malformed > 0) expect(st.errors.last).toMatch(/^rejected (killSwitch|clearHalt) signal: /);
          errorsTotal = st.errors.total;
          expected = want.control;
        }), fuzzParams(4, 0.1));

        // and a stop with any payload ends the lane, its parse error recorded when malformed
        const stopPayload = fc.sample(fc.oneof(fc.record({ reason: fc.string({ maxLength: 10 }), cancelResting: fc.boolean() }) as fc.Arbitrary<Json>, junk), { numRuns: 1, ...(process.env.FUZZ_SEED ? { seed: Number(process.env.FUZZ_SEED) } : {}) })[0];
        if (stopPayload === NO_INPUT) await h.signal(stopSignal as never);
        else await h.signal(stopSignal, stopPayload as never);
        const r = (await h.result()) as TradingCycleResult;
        expect(r.stoppedBy).not.toBeNull();
        // (the workflow reads null as no payload, and an array as an object without fields)
        const wellFormed = stopPayload === NO_INPUT || stopPayload === null || (typeof stopPayload === 'object'
          && ['undefined', 'string'].includes(typeof (stopPayload as Record<string, unknown>).reason)
          && ['undefined', 'boolean'].includes(typeof (stopPayload as Record<string, unknown>).cancelResting));
        if (!wellFormed) expect({ stopPayload, error: r.stoppedBy?.error ?? '' }).toEqual({ stopPayload, error: expect.stringMatching(/must be/) });
        else expect({ stopPayload, error: r.stoppedBy?.error }).toEqual({ stopPayload, error: undefined });
        expect(r.control.killSwitch.engaged).toBe(expected.killSwitch.engaged);
      } finally {
        await h.terminate('fuzz done').catch(() => undefined);
      }
    });
    lw.store.close();
  });
});
