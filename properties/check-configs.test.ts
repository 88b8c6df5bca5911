/**
 * The named model-check configurations the default suite runs (issue 3 item 6). Each must
 * finish without a violation; the ones marked exhaustive must be exhaustive. Bigger ones run
 * from the CLI: `chainrep check --config NAME`.
 */
import { CHECK_CONFIGS } from './check-configs';

const IN_SUITE: Record<string, { exhaustive: boolean }> = {
  'craq-r3-c2-w2r1': { exhaustive: true },
  'craq-r3-c2-w2r1-craq': { exhaustive: true },
  'craq-r3-c1-w1r1-crash1': { exhaustive: true },
  'manager-3': { exhaustive: true },
};

describe.each(Object.entries(IN_SUITE))('named configuration %s', (name, want) => {
  test('finishes without a violation', () => {
    const cfg = CHECK_CONFIGS.find((c) => c.name === name);
    expect(cfg).toBeDefined();
    const r = cfg!.run({ mode: 'bfs' });
    expect(r.violations.map((v) => `${v.invariant}: ${v.message}\n${v.trace.join('\n')}`)).toEqual([]);
    expect(r.exhaustive).toBe(want.exhaustive);
    expect(r.states).toBeGreaterThan(10);
  });
});
