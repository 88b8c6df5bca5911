import fc from 'fast-check';
import { generateTable, checkDomains } from '../core/placement/generate';
import { tableViolations } from './placement';
import { isRight } from 'fp-ts/Either';

const MOVES = 40_000;

/** Admissible (v, k, r): k <= v, v*r % k == 0, r small enough to keep each run short. */
const params = fc
  .record({ v: fc.integer({ min: 41, max: 160 }), k: fc.integer({ min: 2, max: 5 }), r: fc.integer({ min: 1, max: 14 }), seed: fc.nat() })
  .filter((p) => p.k <= p.v && (p.v * p.r) % p.k === 0);

describe('placement beyond the grid (fast-check)', () => {
  test('structure, positions and an honest status for random (v, k, r, seed); same seed, same table', () => {
    fc.assert(
      fc.property(params, (p) => {
        const a = generateTable(p, { seed: p.seed, iterationsMax: MOVES });
        expect({ p, violations: tableViolations(p, a) }).toEqual({ p, violations: [] });
        const b = generateTable(p, { seed: p.seed, iterationsMax: MOVES });
        expect(JSON.stringify(b.table)).toBe(JSON.stringify(a.table));
      }),
      { numRuns: 15, seed: 4242 },
    );
  });

  test('failure domains: no chain ever holds two nodes of one domain (when the domains leave room)', () => {
    const dom = fc
      .record({ v: fc.integer({ min: 6, max: 30 }), k: fc.integer({ min: 2, max: 4 }), r: fc.integer({ min: 1, max: 8 }), d: fc.integer({ min: 2, max: 10 }), seed: fc.nat() })
      .filter((p) => p.k <= p.v && (p.v * p.r) % p.k === 0 && p.d >= p.k);
    fc.assert(
      fc.property(dom, (p) => {
        const domainOf = Int32Array.from({ length: p.v }, (_, i) => i % p.d);
        fc.pre(isRight(checkDomains(p, domainOf)));
        const res = generateTable(p, { seed: p.seed, domainOf, iterationsMax: MOVES });
        expect({ p, violations: tableViolations(p, res, domainOf) }).toEqual({ p, violations: [] });
        for (const c of res.table.chains) expect(new Set(c.map((x) => domainOf[x])).size).toBe(p.k);
      }),
      { numRuns: 20, seed: 4243 },
    );
  });
});
