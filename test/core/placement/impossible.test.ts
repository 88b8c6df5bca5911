import { generateTable, spreadOneImpossible } from '../../../core/placement/generate';

/**
 * proofs-notes/placement-generator.md item 4b: two grid points where no table with pair
 * spread <= 1 exists, although the counting bound allows one. The structural arguments end
 * in small finite claims that are checked here by exhaustive search.
 */

/** All permutations of 0..n-1 with no fixed point. */
function derangements(n: number): number[][] {
  const out: number[][] = [];
  const rec = (p: number[], used: boolean[]) => {
    if (p.length === n) return void out.push(p.slice());
    for (let j = 0; j < n; j++)
      if (!used[j] && j !== p.length) {
        used[j] = true;
        p.push(j);
        rec(p, used);
        p.pop();
        used[j] = false;
      }
  };
  rec([], []);
  return out;
}

/**
 * (22,5,5): the table would be equivalent to `count` derangements of 0..n-1 that pairwise
 * agree in at most one place and use every off-diagonal cell (i, j) exactly `times` times.
 * Returns how many such sets exist (exhaustive, in index order, pruned only by the rules).
 */
function derangementSystems(n: number, count: number, times: number): number {
  const perms = derangements(n);
  const cell = new Int32Array(n * n);
  const chosen: number[] = [];
  const agree = (a: number[], b: number[]) => a.reduce((s, x, i) => s + (x === b[i] ? 1 : 0), 0);
  let found = 0;
  const rec = (start: number) => {
    if (chosen.length === count) {
      let ok = true;
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (i !== j && cell[i * n + j] !== times) ok = false;
      if (ok) found++;
      return;
    }
    for (let t = start; t < perms.length; t++) {
      const p = perms[t];
      if (p.some((j, i) => cell[i * n + j] >= times)) continue;
      if (chosen.some((c) => agree(perms[c], p) > 1)) continue;
      chosen.push(t);
      p.forEach((j, i) => cell[i * n + j]++);
      rec(t + 1);
      chosen.pop();
      p.forEach((j, i) => cell[i * n + j]--);
    }
  };
  rec(0);
  return found;
}

describe('spread <= 1 proven impossible beyond the counting bound', () => {
  test('(22,5,5): no 12 derangements of 5 points pairwise agreeing in <= 1 place cover each off-diagonal cell 3 times', () => {
    expect(derangements(5).length).toBe(44);
    expect(derangementSystems(5, 12, 3)).toBe(0);
    // the search is not vacuous: for 4 points, 3 derangements covering each cell once exist (a Latin square minus its diagonal)
    expect(derangementSystems(4, 3, 1)).toBeGreaterThan(0);
  });

  test('(20,5,5): every OA(4,3,2) of index 1 has no two rows that differ in all three places', () => {
    // enumerate all 4-row arrays over {0,1}^3 in which every pair of columns shows each of the 4 level pairs once
    const rows = Array.from({ length: 8 }, (_, x) => [(x >> 2) & 1, (x >> 1) & 1, x & 1]);
    let arrays = 0;
    let withDisjoint = 0;
    for (let a = 0; a < 8; a++)
      for (let b = a + 1; b < 8; b++)
        for (let c = b + 1; c < 8; c++)
          for (let d = c + 1; d < 8; d++) {
            const oa = [rows[a], rows[b], rows[c], rows[d]];
            let strength2 = true;
            for (let i = 0; i < 3; i++)
              for (let j = i + 1; j < 3; j++) if (new Set(oa.map((r) => `${r[i]}${r[j]}`)).size !== 4) strength2 = false;
            if (!strength2) continue;
            arrays++;
            for (let u = 0; u < 4; u++) for (let w = u + 1; w < 4; w++) if (oa[u].every((x, i) => x !== oa[w][i])) withDisjoint++;
          }
    expect(arrays).toBe(2);
    expect(withDisjoint).toBe(0);
  });

  test('the generator says so for both (status impossible, with the reason)', () => {
    for (const [v, k, r] of [
      [20, 5, 5],
      [22, 5, 5],
    ]) {
      expect(spreadOneImpossible({ v, k, r })).toMatch(/placement-generator.md 4b/);
      const res = generateTable({ v, k, r }, { seed: 1, iterationsMax: 50_000 });
      expect(res.status).toBe('impossible');
      expect(res.spread).toBe(2);
      expect(res.note).toMatch(/cannot exist/);
    }
  });
});
