import { explore, ExplorerModel } from '../../../core/check/explorer';
import { InvariantViolation } from '../../../core/types';

/** Two counters, each incremented up to `max`; a toy model with known state counts. */
type S = { a: number; b: number };
type A = 'a' | 'b' | 'reset';
function counters(max: number, extra: Partial<ExplorerModel<S, A>> = {}): ExplorerModel<S, A> {
  return {
    name: 'counters',
    initial: () => ({ a: 0, b: 0 }),
    actions: (s) => [...(s.a < max ? (['a'] as const) : []), ...(s.b < max ? (['b'] as const) : [])],
    apply: (s, x) => (x === 'a' ? { ...s, a: s.a + 1 } : x === 'b' ? { ...s, b: s.b + 1 } : { a: 0, b: 0 }),
    encode: (s) => `${s.a},${s.b}`,
    invariants: [],
    describe: (_b, x, n) => `inc ${x} -> (${n.a},${n.b})`,
    ...extra,
  };
}

describe('explorer', () => {
  test.each(['bfs', 'dfs'] as const)('%s visits every reachable state exactly once and is exhaustive', (mode) => {
    const r = explore(counters(4), { mode });
    expect(r.states).toBe(25);
    expect(r.transitions).toBe(2 * 4 * 5);
    expect(r.exhaustive).toBe(true);
    expect(r.terminalStates).toBe(1);
    expect(r.depth).toBe(8);
  });

  test('bfs finds the shortest counterexample and prints its trace', () => {
    const m = counters(5, { invariants: [{ id: 'INV-TOY', check: (s) => (s.a + s.b === 3 && s.a === 2 ? 'a=2,b=1' : null) }] });
    const r = explore(m, { mode: 'bfs' });
    expect(r.violations).toHaveLength(1);
    expect(r.violations[0].invariant).toBe('INV-TOY');
    expect(r.violations[0].trace).toHaveLength(3);
    expect(r.exhaustive).toBe(false);
    expect(r.limitedBy).toBe('violations');
  });

  test('dfs also finds the violation with a valid trace', () => {
    const m = counters(5, { invariants: [{ id: 'INV-TOY', check: (s) => (s.a === 5 && s.b === 5 ? 'top' : null) }] });
    const r = explore(m, { mode: 'dfs' });
    expect(r.violations[0].trace).toHaveLength(10);
    expect(r.violations[0].trace[9]).toContain('(5,5)');
  });

  test('limits are reported honestly', () => {
    const r1 = explore(counters(10), { maxStates: 20 });
    expect(r1.exhaustive).toBe(false);
    expect(r1.limitedBy).toBe('maxStates');
    const r2 = explore(counters(10), { maxDepth: 3 });
    expect(r2.exhaustive).toBe(false);
    expect(r2.limitedBy).toBe('maxDepth');
    expect(r2.states).toBe(10);
  });

  test('an InvariantViolation thrown by apply is reported with the step that threw', () => {
    const m = counters(3, {
      apply: (s, x) => {
        if (s.a === 2 && x === 'a') throw new InvariantViolation('INV-THROW', 'a would reach 3');
        return x === 'a' ? { ...s, a: s.a + 1 } : { ...s, b: s.b + 1 };
      },
    });
    const r = explore(m);
    expect(r.violations[0].invariant).toBe('INV-THROW');
    expect(r.violations[0].trace[r.violations[0].trace.length - 1]).toContain('!! INV-THROW');
  });

  test('terminal invariants run only at states with no enabled action', () => {
    const m = counters(2, { terminalInvariants: [{ id: 'INV-END', check: (s) => (s.a === 2 ? 'ended with a=2' : null) }] });
    const r = explore(m);
    expect(r.violations[0].invariant).toBe('INV-END');
    expect(r.violations[0].trace).toHaveLength(4);
  });

  test('liveness: a state that cannot reach the goal is reported; a reachable goal passes', () => {
    // goal (0,0) is reachable from everywhere only if reset is enabled
    const withReset = counters(2, {
      actions: (s) => [...(s.a < 2 ? (['a'] as const) : []), ...(s.b < 2 ? (['b'] as const) : []), 'reset'],
      goal: { id: 'LIVE-RESET', test: (s) => s.a === 0 && s.b === 0 },
    });
    const ok = explore(withReset);
    expect(ok.livenessChecked).toBe(true);
    expect(ok.violations).toHaveLength(0);
    const noReset = counters(2, { goal: { id: 'LIVE-TOP', test: (s) => s.a === 2 && s.b === 0 } });
    const bad = explore(noReset);
    expect(bad.violations[0].invariant).toBe('LIVE-TOP');
    expect(bad.violations[0].message).toContain('no goal state is reachable');
  });
});
