import {
  DIFFERENCE_FAMILIES,
  Design,
  affineGeometry,
  completeDesign,
  complementDesign,
  developFamily,
  findDesign,
  hermitianUnital,
  projectiveGeometry,
  stsBose,
  stsSkolem,
} from '../../../core/placement/designs';

/** Every block has k distinct points in 0..v-1 and every pair lies in exactly lambda blocks. */
export function expectDesign(d: Design): void {
  const v = d.v;
  const count = new Int32Array(v * v);
  const wrong: string[] = [];
  d.blocks.forEach((b, i) => {
    if (b.length !== d.k || new Set(b).size !== d.k || b.some((x) => !(x >= 0 && x < v))) wrong.push(`block ${i}: ${b}`);
    for (const x of b) for (const y of b) if (x < y) count[x * v + y]++;
  });
  for (let x = 0; x < v; x++) for (let y = x + 1; y < v; y++) if (count[x * v + y] !== d.lambda) wrong.push(`${x},${y}:${count[x * v + y]}`);
  expect(wrong.slice(0, 5)).toEqual([]);
  expect(d.blocks.length).toBe((d.lambda * v * (v - 1)) / (d.k * (d.k - 1)));
}

// ANCHORS.md "Block designs": STS exist iff v = 1 or 3 mod 6 (Bose for 6t+3, Skolem for 6t+1).
describe('Steiner triple systems: every pair in exactly one triple', () => {
  test.each([3, 9, 15, 21, 27, 33, 39, 45, 99])('Bose STS(%i)', (v) => expectDesign(stsBose(v)));
  test.each([7, 13, 19, 25, 31, 37, 43, 97])('Skolem STS(%i)', (v) => expectDesign(stsSkolem(v)));
  test('Bose and Skolem refuse the wrong residues', () => {
    expect(() => stsBose(7)).toThrow(RangeError);
    expect(() => stsSkolem(9)).toThrow(RangeError);
  });
});

describe('finite geometries over GF(q): every pair of points on exactly one line', () => {
  test.each([2, 3, 4, 5, 7, 8, 9])('PG(2,%i) is a 2-(q^2+q+1, q+1, 1) design', (q) => {
    const d = projectiveGeometry(2, q);
    expect([d.v, d.k]).toEqual([q * q + q + 1, q + 1]);
    expectDesign(d);
  });
  test.each([2, 3])('PG(3,%i) lines form a 2-((q^4-1)/(q-1), q+1, 1) design', (q) => {
    const d = projectiveGeometry(3, q);
    expect(d.v).toBe((q ** 4 - 1) / (q - 1));
    expectDesign(d);
  });
  test.each([2, 3, 4, 5, 7, 8, 9])('AG(2,%i) is a 2-(q^2, q, 1) design', (q) => {
    const d = affineGeometry(2, q);
    expect([d.v, d.k]).toEqual([q * q, q]);
    expectDesign(d);
  });
  test('AG(3,3) is a 2-(27,3,1) design and AG(3,4) a 2-(64,4,1) design', () => {
    expectDesign(affineGeometry(3, 3));
    expectDesign(affineGeometry(3, 4));
  });
});

describe('Hermitian unitals: every pair of unital points on exactly one secant', () => {
  test.each([3, 4])('unital(%i) is a 2-(q^3+1, q+1, 1) design', (q) => {
    const d = hermitianUnital(q);
    expect([d.v, d.k]).toEqual([q ** 3 + 1, q + 1]);
    expectDesign(d);
  });
  test('findDesign(28,4,1) uses it', () => expect(findDesign(28, 4, 1)!.name).toContain('unital'));
});

describe('difference families (cyclic, 1-rotational, other groups, searched): development covers every pair lambda times', () => {
  test.each(DIFFERENCE_FAMILIES.map((f) => [`(${f.v},${f.k},${f.lambda}) ${f.source}`, f] as const))('%s', (_n, f) => {
    const d = developFamily(f);
    expect([d.v, d.k, d.lambda]).toEqual([f.v, f.k, f.lambda]);
    expectDesign(d);
  });
  test('ANCHORS.md: {0,1,4,14,16} in Z_21 gives a (21,5,1) design', () => {
    const f = DIFFERENCE_FAMILIES.find((x) => x.v === 21 && x.k === 5)!;
    expect(f.baseBlocks).toEqual([[0, 1, 4, 14, 16]]);
    expectDesign(developFamily(f));
  });
});

describe('derived designs', () => {
  test('the complete design on v points has lambda = C(v-2, k-2)', () => {
    expectDesign(completeDesign(6, 3));
    expectDesign(completeDesign(7, 4));
  });
  test('the complement of the Fano plane is a 2-(7,4,2) design', () => {
    const c = complementDesign(projectiveGeometry(2, 2));
    expect([c.v, c.k, c.lambda]).toEqual([7, 4, 2]);
    expectDesign(c);
  });
  test.each([
    [15, 3, 2],
    [7, 3, 3],
    [13, 4, 2],
    [9, 3, 4],
    [21, 5, 3],
    [25, 5, 2],
    [16, 4, 2],
  ])('findDesign(%i,%i,%i) builds a union of designs for a lambda multiple', (v, k, l) => {
    const d = findDesign(v, k, l)!;
    expect(d).toBeDefined();
    expect([d.v, d.k, d.lambda]).toEqual([v, k, l]);
    expectDesign(d);
  });
  test('findDesign returns undefined when no design exists', () => {
    expect(findDesign(15, 5, 2)).toBeUndefined(); // Nandi 1946
    expect(findDesign(8, 3, 1)).toBeUndefined(); // v = 2 mod 6: no STS
  });
});
