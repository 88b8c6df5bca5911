/**
 * Shared harness of the interned-model tests (craq-interned, system-interned): the same
 * search from an interned model and its reference (`expectSameSearch`), and random walks that
 * step both in lockstep and expect the same encoding, the same enabled actions and the same
 * step lines at every step (`lockstepWalks`).
 */
import fc from 'fast-check';
import { ExploreResult, ExplorerModel, explore } from '../../../core/check/explorer';

/** What two searches of the same state space agree on. */
export const counts = (r: ExploreResult) => ({
  states: r.states,
  transitions: r.transitions,
  depth: r.depth,
  terminal: r.terminalStates,
  exhaustive: r.exhaustive,
  violations: r.violations.length,
  liveness: r.livenessChecked,
});

/** Explores both models to `maxStates` (breadth-first) and expects the same search: the same counts, the same violations and traces. */
export function expectSameSearch<R, RA, F, FA>(ref: ExplorerModel<R, RA>, fast: ExplorerModel<F, FA>, maxStates: number): { ref: ExploreResult; fast: ExploreResult } {
  const r = explore(ref, { maxStates });
  const f = explore(fast, { maxStates });
  expect(counts(f)).toEqual(counts(r));
  expect(f.violations).toEqual(r.violations);
  return { ref: r, fast: f };
}

/** Step lines compared up to request/query ids (representatives may carry an order-preserving renaming). */
const ids = (line: string) => line.replace(/#\d+/g, '#_').replace(/\bq\d+/g, 'q_');

/** Seeded random configurations (`arb`), each explored from both models to `maxStates`: the same search every time (bounded ones too: the same order). */
export function sameSearchOnRandomConfigs<C, R, RA, F, FA>(
  arb: fc.Arbitrary<C>,
  models: (cfg: C) => readonly [ExplorerModel<R, RA>, ExplorerModel<F, FA>],
  o: { maxStates: number; numRuns: number; seed: number },
): void {
  fc.assert(
    fc.property(arb, (cfg) => {
      const [ref, fast] = models(cfg);
      expectSameSearch(ref, fast, o.maxStates);
    }),
    { numRuns: o.numRuns, seed: o.seed },
  );
}

/** Runs `walks` seeded random walks of at most `maxDepth` steps; returns the steps taken. */
export function lockstepWalks<R, RA, F, FA>(
  ref: ExplorerModel<R, RA>,
  fast: ExplorerModel<F, FA>,
  encodeRef: (s: R) => string,
  o: { seed: number; walks: number; maxDepth?: number },
): number {
  let seed = o.seed;
  const rnd = (n: number) => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return (seed >>> 8) % n;
  };
  let steps = 0;
  for (let walk = 0; walk < o.walks; walk++) {
    let r = ref.initial();
    let f = fast.initial();
    for (let d = 0; d < (o.maxDepth ?? Infinity); d++) {
      expect(fast.encode(f)).toBe(encodeRef(r));
      const ra = ref.actions(r);
      const fa = fast.actions(f);
      expect(fa.length).toBe(ra.length);
      if (ra.length === 0) break;
      const i = rnd(ra.length);
      const rn = ref.apply(r, ra[i]);
      const fn = fast.apply(f, fa[i]);
      expect(ids(fast.describe(f, fa[i], fn))).toBe(ids(ref.describe(r, ra[i], rn)));
      r = rn;
      f = fn;
      steps++;
    }
  }
  return steps;
}
