import { isLeft, isRight } from 'fp-ts/Either';
import { expandTable, movedLowerBound, planExpansion } from '../../../core/placement/expand';
import { generateTable } from '../../../core/placement/generate';
import { flatten, pairStats } from '../../../core/placement/analysis';
import { checkStructure } from '../../../core/placement/search';

describe('expansion: few moved targets, balance restored', () => {
  test.each([
    [25, 3, 12, 6],
    [25, 3, 12, 1],
    [15, 3, 7, 3],
    [49, 3, 24, 5],
  ])('v=%i k=%i r=%i plus %i nodes: structure holds, spread <= 1, moves between the lower bound and a regeneration', (v, k, r, n) => {
    const old = generateTable({ v, k, r }, { seed: 1 }).table;
    const res = expandTable(old, n, { seed: 1, iterationsMax: 1_500_000 });
    expect(isRight(res)).toBe(true);
    if (!isRight(res)) return;
    const e = res.right;
    expect(e.table.v).toBe(v + n);
    expect(() => checkStructure(v + n, k, r, flatten(e.table))).not.toThrow();
    const ps = pairStats(e.table);
    expect(ps.max - ps.min).toBeLessThanOrEqual(1);
    expect(e.moved).toBeGreaterThanOrEqual(e.movedLowerBound);
    expect(e.moved).toBeLessThan(e.regenerationMoved!);
    // the old chains keep most of their nodes
    expect(e.moved).toBeLessThan(0.5 * v * r);
  });

  test('100 + 10 nodes (k=3, r=51): within 1.2x the lower bound (two-price move cost; was 660 moved)', () => {
    const old = generateTable({ v: 100, k: 3, r: 51 }, { seed: 1 }).table;
    const res = expandTable(old, 10, { seed: 1, compare: false });
    if (!isRight(res)) throw new Error('expansion failed');
    expect(res.right.spread).toBeLessThanOrEqual(1);
    expect(res.right.movedLowerBound).toBe(295);
    expect(res.right.moved).toBeLessThan(1.2 * 295);
  });

  test('the plan keeps every old chain and adds N*r/k new chains; new nodes hold r targets', () => {
    const old = generateTable({ v: 13, k: 4, r: 4 }, { seed: 1 }).table;
    const p = planExpansion(old, 2, 7);
    expect(isRight(p)).toBe(true);
    if (!isRight(p)) return;
    expect(p.right.chains.length).toBe((15 * 4) / 4 * 4);
    expect(() => checkStructure(15, 4, 4, p.right.chains)).not.toThrow();
  });

  test('impossible expansions name the constraint', () => {
    const old = generateTable({ v: 13, k: 4, r: 4 }, { seed: 1 }).table;
    const bad = planExpansion(old, 0, 1);
    expect(isLeft(bad) && bad.left.constraint).toBe('add-nodes >= 1');
    const t = generateTable({ v: 40, k: 4, r: 13 }, { seed: 1 }).table;
    const nd = planExpansion(t, 3, 1); // 43 * 13 not divisible by 4
    expect(isLeft(nd) && nd.left.constraint).toContain('divisible by replicas');
  });

  test('lower bound: 25 + 6 nodes with k=3, r=12 needs at least 33 moved targets (and the search reaches it)', () => {
    // incidence bound: N(r(k-1) - hi(N-1)) = 6 * (24 - 5) = 114 <= 2(k-1) * moved -> 29
    // new-chain bound: 24 new chains, at most C(6,2) = 15 of them can hold 2 new nodes, so they
    // hold at most 24 + 15 = 39 new-node slots and at least 72 - 39 = 33 old-node slots
    expect(movedLowerBound({ v: 25, k: 3, r: 12 }, 6)).toBe(33);
    expect(movedLowerBound({ v: 100, k: 3, r: 51 }, 10)).toBe(295);
    // one new node: it fits once in each of the 4 new chains, so 8 of its 12 targets are moved ones
    expect(movedLowerBound({ v: 25, k: 3, r: 12 }, 1)).toBe(8);
    const old = generateTable({ v: 25, k: 3, r: 12 }, { seed: 1 }).table;
    const res = expandTable(old, 6, { seed: 1, compare: false });
    expect(isRight(res) && res.right.moved).toBe(33);
  });
});
