import { SEARCHED_NEAR_TABLES } from '../../../core/placement/near-tables';

/**
 * Issue 4: balanced chain tables found by the offline searches (scripts/near-search.c,
 * scripts/near-anneal.c). Data, not trusted: every entry is checked here.
 */
describe('SEARCHED_NEAR_TABLES', () => {
  test('one entry per (v, k, r)', () => {
    const keys = SEARCHED_NEAR_TABLES.map((t) => `${t.v},${t.k},${t.r}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys.length).toBeGreaterThan(0);
  });

  for (const t of SEARCHED_NEAR_TABLES) {
    test(`(${t.v},${t.k},${t.r}): b = vr/k blocks, degrees r, pair counts in {floor(mean), floor(mean)+1}`, () => {
      const { v, k, r, blocks } = t;
      expect((v * r) % k).toBe(0);
      expect(blocks.length).toBe((v * r) / k);
      const deg = new Array<number>(v).fill(0);
      const pair = new Array<number>(v * v).fill(0);
      for (const b of blocks) {
        expect(b.length).toBe(k);
        expect(new Set(b).size).toBe(k);
        for (const x of b) {
          expect(Number.isInteger(x) && x >= 0 && x < v).toBe(true);
          deg[x]++;
        }
        for (let i = 0; i < k; i++)
          for (let j = i + 1; j < k; j++) {
            const a = Math.min(b[i], b[j]);
            const c = Math.max(b[i], b[j]);
            pair[a * v + c]++;
          }
      }
      expect(deg.every((d) => d === r)).toBe(true);
      // mean pair count = b * C(k,2) / C(v,2), compared in integers
      const num = blocks.length * k * (k - 1);
      const den = v * (v - 1);
      const lo = Math.floor(num / den);
      let min = Infinity;
      let max = -Infinity;
      for (let a = 0; a < v; a++)
        for (let c = a + 1; c < v; c++) {
          min = Math.min(min, pair[a * v + c]);
          max = Math.max(max, pair[a * v + c]);
        }
      expect(min).toBeGreaterThanOrEqual(lo);
      expect(max).toBeLessThanOrEqual(lo + 1);
    });
  }
});
