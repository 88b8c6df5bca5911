import { findDesign, isDesign } from '../../../core/placement/designs';
import { generateTable, spreadOneImpossible } from '../../../core/placement/generate';

/**
 * Issue 4, item 8: "exact designs for every admissible parameter set on the grid that has a
 * known construction". The grid is v 3..40, k 2..5, r <= 2(v-1), i.e. lambda = r(k-1)/(v-1)
 * <= 2(k-1). Admissible = the necessary conditions lambda(v-1) = 0 mod (k-1) and
 * lambda v(v-1) = 0 mod k(k-1), enumerated here independently of the constructions.
 * docs/placement.md ("Exact designs on the grid") lists the literature this relies on: the
 * only admissible grid point without a design is 2-(15,5,2) (Nandi 1946; Hanani 1975:
 * the necessary conditions are sufficient for k <= 5 except (15,5,2)).
 */
const NONEXISTENT = new Set(['15,5,2']);

function admissible(): [number, number, number][] {
  const out: [number, number, number][] = [];
  for (let v = 3; v <= 40; v++)
    for (let k = 2; k <= Math.min(5, v - 1); k++)
      for (let lambda = 1; lambda <= 2 * (k - 1); lambda++)
        if ((lambda * (v - 1)) % (k - 1) === 0 && (lambda * v * (v - 1)) % (k * (k - 1)) === 0) out.push([v, k, lambda]);
  return out;
}

describe('every admissible 2-(v,k,lambda) on the grid', () => {
  const all = admissible();
  test('the enumeration is the expected size (300 parameter sets, one without a design)', () => {
    expect(all.length).toBe(300);
    expect(all.filter(([v, k, l]) => NONEXISTENT.has(`${v},${k},${l}`))).toEqual([[15, 5, 2]]);
  });

  test('findDesign builds each one (every pair exactly lambda times) unless it does not exist', () => {
    const missing: string[] = [];
    const wrong: string[] = [];
    for (const [v, k, lambda] of all) {
      const key = `${v},${k},${lambda}`;
      const d = findDesign(v, k, lambda);
      if (NONEXISTENT.has(key)) {
        if (d) wrong.push(`${key} claimed non-existent but built`);
        continue;
      }
      if (!d) missing.push(key);
      else if (!isDesign(d) || d.v !== v || d.k !== k || d.lambda !== lambda) wrong.push(`${key}: ${d.name}`);
    }
    expect({ missing, wrong }).toEqual({ missing: [], wrong: [] });
  });

  test('the generator returns an exact table for each (no search), and says impossible for 2-(15,5,2)', () => {
    const notExact: string[] = [];
    for (const [v, k, lambda] of all) {
      const r = (lambda * (v - 1)) / (k - 1);
      if ((v * r) % k !== 0) continue; // cannot happen for admissible parameters; guards the arithmetic
      if (NONEXISTENT.has(`${v},${k},${lambda}`)) continue;
      const res = generateTable({ v, k, r }, { seed: 1, iterationsMax: 0 });
      if (res.status !== 'exact' || res.spread !== 0 || !res.method.startsWith('design')) notExact.push(`${v},${k},${lambda}: ${res.status} ${res.method}`);
    }
    expect(notExact).toEqual([]);
    expect(spreadOneImpossible({ v: 15, k: 5, r: 7 })).toMatch(/no 2-\(15,5,2\) design exists/);
  });

  test('the (25,4,1) family over Z_5 x Z_5 (an example of a non-cyclic group) is a design', () => {
    const d = findDesign(25, 4, 1)!;
    expect(d.name).toContain('Z_5xZ_5');
    expect([d.v, d.k, d.lambda, d.blocks.length]).toEqual([25, 4, 1, 50]);
    expect(isDesign(d)).toBe(true);
  });
});
