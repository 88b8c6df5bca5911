import fc from 'fast-check';
import { allEvents, Belief, checkAllSequences, chartStep, disagreement, reducerStep, UNKNOWN } from './swim-chart';
import { STATUS_EVENT_TYPES } from '../core/swim/status';

const STATUSES = ['unknown', 'alive', 'suspect', 'dead', 'left'] as const;

describe('SWIM member status: the reducer agrees with the statechart (DESIGN.md "Hot paths vs specifications")', () => {
  test('every status x incarnation x event x incarnation (5 x 4 x 5 x 5 cases)', () => {
    let cases = 0;
    for (const status of STATUSES)
      for (let j = 0; j <= 3; j++)
        for (const ev of allEvents(4)) {
          const b: Belief = { status, incarnation: status === 'unknown' ? 0 : j, confirmations: 0 };
          const a = chartStep(b, ev);
          const r = reducerStep(b, ev);
          expect({ from: b, ev, result: r }).toEqual({ from: b, ev, result: a });
          cases++;
        }
    expect(cases).toBe(5 * 4 * 5 * 5);
  });

  test('every event sequence of depth 4 from unknown, incarnations 0..2 (15^4 sequences)', () => {
    const r = checkAllSequences(UNKNOWN, allEvents(2), 4);
    expect(r.failure).toBeNull();
    expect(r.checked).toBe(15 ** 4);
  });

  test('every event sequence of depth 3 from each known status at incarnation 1', () => {
    for (const status of ['alive', 'suspect', 'dead', 'left'] as const) {
      const r = checkAllSequences({ status, incarnation: 1, confirmations: 0 }, allEvents(2), 3);
      expect(r.failure).toBeNull();
    }
  });

  test('random long sequences agree (fast-check, seed printed on failure)', () => {
    const ev = fc.record({ type: fc.constantFrom(...STATUS_EVENT_TYPES), incarnation: fc.integer({ min: 0, max: 6 }) });
    fc.assert(fc.property(fc.array(ev, { minLength: 1, maxLength: 40 }), (evs) => disagreement(UNKNOWN, evs) === null), { numRuns: 300 });
  });

  test('incarnations never decrease along any sequence (INV-SWIM-INC)', () => {
    const ev = fc.record({ type: fc.constantFrom(...STATUS_EVENT_TYPES), incarnation: fc.integer({ min: 0, max: 6 }) });
    fc.assert(
      fc.property(fc.array(ev, { maxLength: 40 }), (evs) => {
        let b = UNKNOWN;
        for (const e of evs) {
          const n = reducerStep(b, e);
          if (b.status !== 'unknown' && n.incarnation < b.incarnation) return false;
          b = n;
        }
        return true;
      }),
      { numRuns: 300 },
    );
  });

  test('the check can fail: a mutant reducer where suspect needs a strictly newer incarnation to override alive is caught', () => {
    const mutant = (b: Belief, e: { type: (typeof STATUS_EVENT_TYPES)[number]; incarnation: number }) =>
      b.status === 'alive' && e.type === 'suspect' && e.incarnation === b.incarnation ? b : reducerStep(b, e);
    const r = checkAllSequences(UNKNOWN, allEvents(2), 4, mutant);
    expect(r.failure).toContain('suspect(0)');
  });
});
