import { balancePositions, positionCounts, positionsBalanced } from '../../../core/placement/positions';
import { stripedDeal } from '../../../core/placement/generate';
import { Rng } from '../../../core/prng';

// CRAQ: the head serialises writes, the tail answers version queries (ANCHORS.md "CRAQ paper"),
// so every node should be head about r/k times and tail about r/k times.
describe('position balance by equitable edge colouring', () => {
  test.each([
    [10, 3, 6],
    [25, 3, 12],
    [16, 4, 7],
    [40, 5, 13],
    [10, 2, 5],
    [100, 3, 51],
  ])('v=%i k=%i r=%i: every node holds every position floor(r/k)..ceil(r/k) times, membership unchanged', (v, k, r) => {
    for (const seed of [1, 2, 3]) {
      const order = new Rng(seed).shuffle([...Array(v).keys()]);
      const chains = stripedDeal({ v, k, r }, order);
      // a striped deal puts each node in the same few positions: unbalanced input
      const out = balancePositions(v, k, r, chains);
      expect({ seed, balanced: positionsBalanced(v, k, r, out) }).toEqual({ seed, balanced: true });
      for (let c = 0; c < chains.length / k; c++)
        expect([...out.subarray(c * k, c * k + k)].sort((a, b) => a - b)).toEqual([...chains.subarray(c * k, c * k + k)].sort((a, b) => a - b));
      const pc = positionCounts(v, k, out);
      expect(Math.max(...pc) - Math.min(...pc)).toBeLessThanOrEqual(1);
    }
  });

  test('an already balanced table is returned unchanged', () => {
    const chains = Int32Array.from([0, 1, 2, 1, 2, 0, 2, 0, 1]);
    expect(positionsBalanced(3, 3, 3, chains)).toBe(true);
    expect(Array.from(balancePositions(3, 3, 3, chains))).toEqual(Array.from(chains));
  });
});
