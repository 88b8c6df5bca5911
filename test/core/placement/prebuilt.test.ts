import { Design, findDesign, isDesign } from '../../../core/placement/designs';
import { deletePoint, pointDeletionDesign, searchedNearTable, validSpread, NearTableEntry } from '../../../core/placement/prebuilt';
import { generateTable, prebuiltResult } from '../../../core/placement/generate';
import { SEARCHED_NEAR_TABLES } from '../../../core/placement/near-tables';
import { flatten, pairCountMatrix, pairStats, positionStats } from '../../../core/placement/analysis';
import { checkStructure } from '../../../core/placement/search';

/**
 * The defining property of a point deletion of a 2-(v+1, k, 1) design: a k-GDD of type
 * (k-1)^(v/(k-1)) on 0..v-1. Returns the groups (classes of the "count 0" relation) after
 * checking every count is 0 or 1, the zero-count pairs form disjoint cliques of size k-1
 * covering all points, and every node is in r = v/(k-1) - 1 blocks.
 */
function expectGdd(d: Design, v: number, k: number): number[][] {
  const r = v / (k - 1) - 1;
  expect(d.v).toBe(v);
  expect(d.blocks.length).toBe((v * r) / k);
  const flat = Int32Array.from(d.blocks.flat());
  expect(() => checkStructure(v, k, r, flat)).not.toThrow();
  const m = pairCountMatrix({ v, k, r, chains: d.blocks });
  const group = new Int32Array(v).fill(-1);
  const groups: number[][] = [];
  for (let x = 0; x < v; x++) {
    for (let y = 0; y < v; y++) if (x !== y) expect([0, 1]).toContain(m[x * v + y]);
    if (group[x] >= 0) continue;
    const g = [x];
    for (let y = 0; y < v; y++) if (y !== x && m[x * v + y] === 0) g.push(y);
    for (const y of g) {
      expect(group[y]).toBe(-1);
      group[y] = groups.length;
    }
    groups.push(g);
  }
  // each zero-class is a clique of size k-1 (zero inside, so the classes are disjoint cliques)
  for (const g of groups) {
    expect(g.length).toBe(k - 1);
    for (const x of g) for (const y of g) if (x !== y) expect(m[x * v + y]).toBe(0);
  }
  expect(groups.length).toBe(v / (k - 1));
  // all other pairs exactly 1
  for (let x = 0; x < v; x++) for (let y = 0; y < v; y++) if (group[x] !== group[y]) expect(m[x * v + y]).toBe(1);
  return groups;
}

describe('point deletion: a 2-(v+1,k,1) design minus a point is a k-GDD of type (k-1)^(v/(k-1))', () => {
  test.each([
    [41, 5],
    [13, 4],
    [15, 3],
    [21, 5],
    [25, 4],
    [25, 3],
  ])('2-(%i,%i,1)', (v1, k) => {
    const d = findDesign(v1, k, 1);
    if (!d) throw new Error(`no 2-(${v1},${k},1)`);
    expect(isDesign(d)).toBe(true);
    const v = v1 - 1;
    const del = pointDeletionDesign({ v, k, r: v / (k - 1) - 1 });
    if (!del) throw new Error('point deletion did not apply');
    const groups = expectGdd(del, v, k);
    // the groups are the removed blocks through the deleted point (v), minus that point
    const through = d.blocks.filter((b) => b.includes(v)).map((b) => b.filter((x) => x !== v).sort((a, c) => a - c).join(','));
    expect(groups.map((g) => g.sort((a, c) => a - c).join(',')).sort()).toEqual(through.sort());
  });

  test('deleting any point (not only the last) gives the same structure, renumbered', () => {
    const d = findDesign(13, 4, 1)!;
    for (const x of [0, 5, 12]) expectGdd(deletePoint(d, x), 12, 4);
  });

  test('applies only where (k-1) | v, r = v/(k-1) - 1 and the design is built', () => {
    expect(pointDeletionDesign({ v: 40, k: 5, r: 9 })).toBeDefined();
    expect(pointDeletionDesign({ v: 40, k: 5, r: 10 })).toBeUndefined(); // wrong r
    expect(pointDeletionDesign({ v: 30, k: 5, r: 6 })).toBeUndefined(); // 2-(31,5,1) is not admissible
    expect(pointDeletionDesign({ v: 21, k: 4, r: 6 })).toBeUndefined(); // 3 | 21 but 2-(22,4,1) is not admissible
    expect(() => deletePoint({ v: 7, k: 4, lambda: 2, blocks: [], name: 'x' }, 0)).toThrow(/lambda = 1/);
  });

  test('the generator takes it before any search: (40,5,9) near with spread 1, mean 36/39, positions balanced', () => {
    const res = generateTable({ v: 40, k: 5, r: 9 }, { seed: 1 });
    expect(res.status).toBe('near');
    expect(res.spread).toBe(1);
    expect(res.iterations).toBe(0);
    expect(res.method).toMatch(/^deleted point of 2-\(41,5,1\)/);
    const ps = pairStats(res.table);
    expect([ps.min, ps.max]).toEqual([0, 1]);
    expect(ps.mean).toBeCloseTo(36 / 39, 12);
    const pos = positionStats(res.table);
    expect(pos.anyMin).toBeGreaterThanOrEqual(1);
    expect(pos.anyMax).toBeLessThanOrEqual(2);
  });
});

describe('searched near tables: lookup and wiring (injected tables, independent of the shipped data)', () => {
  // (9,3,2): two parallel classes of AG(2,3); counts 0/1, spread 1. Point deletion does not apply (2 does not divide 9).
  const good: NearTableEntry = { v: 9, k: 3, r: 2, blocks: [[0, 1, 2], [3, 4, 5], [6, 7, 8], [0, 3, 6], [1, 4, 7], [2, 5, 8]], source: 'test: AG(2,3) classes' };
  const spread2: NearTableEntry = { ...good, blocks: [[0, 1, 2], [0, 1, 2], [3, 4, 5], [3, 4, 5], [6, 7, 8], [6, 7, 8]], source: 'test: spread 2' };
  const repeated: NearTableEntry = { ...good, blocks: [[0, 0, 2], [3, 4, 5], [6, 7, 8], [1, 3, 6], [1, 4, 7], [2, 5, 8]], source: 'test: node twice' };
  const outside: NearTableEntry = { ...good, blocks: [[0, 1, 2], [3, 4, 5], [6, 7, 9], [0, 3, 6], [1, 4, 7], [2, 5, 8]], source: 'test: node 9' };
  const fractional: NearTableEntry = { ...good, blocks: [[0, 1, 2], [3, 4, 5], [6, 7, 8], [0, 3, 6], [1, 4, 7], [2, 5, 8.5]], source: 'test: node 8.5' };
  const short: NearTableEntry = { ...good, blocks: good.blocks.slice(1), source: 'test: 5 blocks' };
  const p = { v: 9, k: 3, r: 2 };

  test('validSpread: a valid table gives its spread; every structural fault gives undefined', () => {
    expect(validSpread(p, good.blocks.flat())).toBe(1);
    expect(validSpread(p, spread2.blocks.flat())).toBe(2);
    for (const bad of [repeated, outside, fractional, short]) expect(validSpread(p, bad.blocks.flat())).toBeUndefined();
    // domains: the AG(2,3) rows as domains are respected by the columns only
    const rows = Int32Array.from([0, 0, 0, 1, 1, 1, 2, 2, 2]);
    expect(validSpread(p, good.blocks.flat(), rows)).toBeUndefined();
  });

  test('lookup: the first valid entry for (v,k,r) with spread <= 1; invalid ones are skipped', () => {
    expect(searchedNearTable(p, [spread2, repeated, outside, fractional, short])).toBeUndefined();
    expect(searchedNearTable(p, [spread2, repeated, good])?.method).toBe('searched table (test: AG(2,3) classes)');
    expect(searchedNearTable({ v: 9, k: 3, r: 4 }, [good])).toBeUndefined();
  });

  test('the generator uses an injected valid entry (status near, no search, positions balanced) and falls through on an invalid one', () => {
    const used = generateTable(p, { seed: 1 }, [good]);
    expect(used.method).toBe('searched table (test: AG(2,3) classes)');
    expect([used.status, used.spread, used.iterations]).toEqual(['near', 1, 0]);
    const sets = (t: readonly (readonly number[])[]) => t.map((c) => [...c].sort((a, b) => a - b).join(',')).sort();
    expect(sets(used.table.chains)).toEqual(sets(good.blocks));
    const pos = positionStats(used.table);
    expect([pos.anyMin, pos.anyMax]).toEqual([0, 1]);
    for (const bad of [spread2, repeated, outside, fractional, short]) {
      const fell = generateTable(p, { seed: 1 }, [bad]);
      expect(fell.method).not.toMatch(/searched table/);
      expect(fell.spread).toBeLessThanOrEqual(1);
      expect(() => checkStructure(9, 3, 2, flatten(fell.table))).not.toThrow();
    }
    // with the shipped (default) list the generator behaves as with an empty list here
    expect(JSON.stringify(generateTable(p, { seed: 1 }).table)).toBe(JSON.stringify(generateTable(p, { seed: 1 }, SEARCHED_NEAR_TABLES.filter((t) => t.v !== 9)).table));
  });

  test('with domains an entry is used only when no chain holds two nodes of one domain', () => {
    const cols = Int32Array.from([0, 1, 2, 0, 1, 2, 0, 1, 2]); // block {0,3,6} holds three nodes of domain 0
    expect(prebuiltResult(p, { seed: 1, domainOf: cols }, [good])).toBeUndefined();
    const grid = Int32Array.from([0, 1, 2, 3, 4, 5, 6, 7, 8]); // every node its own domain: any valid table respects it
    const res = prebuiltResult(p, { seed: 1, domainOf: grid }, [good]);
    expect(res?.method).toBe('searched table (test: AG(2,3) classes)');
  });
});

test('every shipped searched near table is valid with spread <= 1 and the generator returns it as near', () => {
  for (const t of SEARCHED_NEAR_TABLES) {
    const p = { v: t.v, k: t.k, r: t.r };
    expect(validSpread(p, t.blocks.flat())).toBeLessThanOrEqual(1);
    const res = generateTable(p, { seed: 1 });
    expect(res.status).toBe('near');
    expect(res.method).toContain(t.source);
  }
  expect(Array.isArray(SEARCHED_NEAR_TABLES)).toBe(true);
});
