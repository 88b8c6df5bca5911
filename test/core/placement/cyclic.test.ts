import { CyclicSearch, cyclicPlan, developCyclic, differenceCounts, shortBlock } from '../../../core/placement/cyclic';
import { pairCountMatrix } from '../../../core/placement/analysis';

describe('cyclic tables over Z_v', () => {
  test('cyclicPlan splits r into full orbits (k each) and short orbits (k/m each, m | gcd(k,v))', () => {
    expect(cyclicPlan(100, 3, 51)).toEqual({ full: 17, short: [] });
    expect(cyclicPlan(9, 3, 4)).toEqual({ full: 1, short: [3] });
    expect(cyclicPlan(10, 4, 6)).toEqual({ full: 1, short: [2] });
    expect(cyclicPlan(12, 4, 3)).toEqual({ full: 0, short: [4, 2] }); // fewest short orbits: 1 + 2
    expect(cyclicPlan(10, 4, 1)).toBeUndefined(); // v*r not divisible by k anyway
    for (const [v, k, r] of [[100, 3, 51], [9, 3, 4], [10, 4, 6], [12, 4, 3], [20, 5, 6]]) {
      const p = cyclicPlan(v, k, r)!;
      expect(p.full * k + p.short.reduce((a, m) => a + k / m, 0)).toBe(r);
      for (const m of p.short) expect(k % m === 0 && v % m === 0).toBe(true);
    }
  });

  test('developed chains: every node in r chains; pair count of x, y is the count of difference y - x', () => {
    const v = 12;
    const blocks = [
      { elems: [0, 1, 5], m: 1 },
      { elems: [0, 2, 7], m: 1 },
      { elems: shortBlock(v, 3, [1]), m: 3 },
    ];
    const chains = developCyclic(v, blocks);
    expect(chains.length).toBe(12 + 12 + 4);
    const held = new Array(v).fill(0);
    for (const c of chains) for (const x of c) held[x]++;
    expect(held.every((h) => h === 7)).toBe(true);
    const m = pairCountMatrix({ v, k: 3, r: 7, chains });
    const d = differenceCounts(v, blocks);
    for (let x = 0; x < v; x++) for (let y = 0; y < v; y++) if (x !== y) expect(m[x * v + y]).toBe(d[(y - x + v) % v]);
  });

  test('the search balances differences for v=1000, k=3, r=501 (3FS parameter search) within its budget', () => {
    const s = new CyclicSearch(1000, 3, 501, cyclicPlan(1000, 3, 501)!, 1);
    s.run(2_000_000);
    const res = s.result();
    expect(res.bad).toBe(0);
    const d = differenceCounts(1000, res.blocks);
    const vals = Array.from(d.subarray(1));
    expect(Math.max(...vals) - Math.min(...vals)).toBeLessThanOrEqual(1);
  });
});
