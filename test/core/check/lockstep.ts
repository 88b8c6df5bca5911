/**
 * Shared harness of the interned-model tests (craq-interned, system-interned): random walks
 * that step an interned model and its reference in lockstep and expect the same encoding, the
 * same enabled actions and the same step lines at every step.
 */
import { ExplorerModel } from '../../../core/check/explorer';

/** Step lines compared up to request/query ids (representatives may carry an order-preserving renaming). */
const ids = (line: string) => line.replace(/#\d+/g, '#_').replace(/\bq\d+/g, 'q_');

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
