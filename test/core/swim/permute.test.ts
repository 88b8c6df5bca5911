import fc from 'fast-check';
import { permuteIndex } from '../../../core/swim/permute';

describe('keyed probe-order permutation (SWIM round-robin over a shuffled list)', () => {
  test('is a bijection on [0, n) for any n and keys (fast-check)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3000 }), fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.integer({ min: 0, max: 2 ** 32 - 1 }), (n, k0, k1) => {
        const seen = new Uint8Array(n);
        for (let i = 0; i < n; i++) {
          const j = permuteIndex(i, n, k0, k1);
          if (j < 0 || j >= n || seen[j]) return false;
          seen[j] = 1;
        }
        return true;
      }),
      { numRuns: 60 },
    );
  });

  test('vectors pin the bit-exact definition (3FS issue 368: a shuffle must be specified to the bit)', () => {
    expect(Array.from({ length: 10 }, (_, i) => permuteIndex(i, 10, 1, 2))).toEqual(VECTOR_10_1_2);
    expect(permuteIndex(12345, 100_000, 0xdeadbeef, 0x12345678)).toBe(VECTOR_BIG);
  });

  test('different keys give different orders, and positions are spread evenly', () => {
    const n = 50;
    const counts = new Array(n).fill(0);
    for (let k = 0; k < 2000; k++) counts[permuteIndex(0, n, k * 2654435761, k)]++;
    // the first probed slot is close to uniform: every slot gets 40 +- 25
    expect(Math.min(...counts)).toBeGreaterThan(15);
    expect(Math.max(...counts)).toBeLessThan(65);
  });
});

const VECTOR_10_1_2 = [2, 3, 6, 4, 7, 9, 5, 1, 8, 0];
const VECTOR_BIG = 52655;
