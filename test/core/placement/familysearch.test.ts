import { groupAdd, searchFamily, subgroup } from '../../../core/placement/familysearch';
import { developFamily, isDesign } from '../../../core/placement/designs';
import { SEARCHED_FAMILIES } from '../../../core/placement/families';

describe('offline difference-family search', () => {
  test('group arithmetic in mixed radix: Z_5 x Z_5 and Z_2 x Z_12', () => {
    const add = groupAdd([5, 5]);
    expect(add(5 * 3 + 4, 5 * 4 + 2)).toBe(5 * 2 + 1); // (3,4) + (4,2) = (2,1)
    expect(subgroup([5, 5], 5 * 1 + 2).sort((a, b) => a - b)).toEqual([0, 7, 14, 16, 23]); // <(1,2)> = {(0,0),(1,2),(2,4),(3,1),(4,3)}
    expect(subgroup([2, 12], 12 + 6).length).toBe(2);
    expect(subgroup([7], 0)).toEqual([0]);
  });

  test.each([
    [{ v: 13, k: 4, lambda: 1, group: [13], slots: [{}] }],
    [{ v: 20, k: 5, lambda: 4, group: [19], infinity: true, slots: [{}, {}, {}, { infinity: true }] }],
    [{ v: 25, k: 4, lambda: 1, group: [5, 5], slots: [{}, {}] }],
    [{ v: 10, k: 4, lambda: 2, group: [5], components: 2, slots: [{}, {}, {}] }],
    [{ v: 24, k: 3, lambda: 2, group: [24], slots: [{}, {}, {}, {}, {}, {}, {}, { stab: 8 }, { stab: 8 }] }],
  ])('finds base blocks whose development is a design: %j', (plan) => {
    const found = searchFamily(plan, 1, 2_000_000)!;
    expect(found).toBeDefined();
    const d = developFamily({ ...plan, baseBlocks: found.baseBlocks, source: 'test' });
    expect(d.blocks.length).toBe((plan.lambda * plan.v * (plan.v - 1)) / (plan.k * (plan.k - 1)));
    expect(isDesign(d)).toBe(true);
    // deterministic
    expect(searchFamily(plan, 1, 2_000_000)!.baseBlocks).toEqual(found.baseBlocks);
  });

  test('a plan with no solution runs out of budget and returns undefined', () => {
    // 2-(8,3,1) does not exist (v = 2 mod 6)
    expect(searchFamily({ v: 8, k: 3, lambda: 1, group: [7], infinity: true, slots: [{}, { infinity: true }] }, 1, 20_000)).toBeUndefined();
  });

  test('the stored searched families are all distinct parameter sets', () => {
    const keys = SEARCHED_FAMILIES.map((f) => `${f.v},${f.k},${f.lambda}`);
    expect(new Set(keys).size).toBe(keys.length);
  });
});
