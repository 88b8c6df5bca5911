import { gridOutcome } from './placement';

// Issue 4, item 8: every (v, k, r) on the grid v 3..40, k in [2, 3], admissible r up to 2(v-1).
// Move budget per point: GRID_MOVES (deterministic, no clock). Points the search does not bring
// to spread <= 1 within that budget (and that are not proven impossible) are pinned below; the
// CLI's default budget is far larger (3e6 + 60*v*r moves) and reaches many of them.
const NOT_REACHED_AT_BUDGET = new Set([
  '34,3,33', '36,3,52',
]);

describe('placement grid, k in [2, 3]', () => {
  const g = gridOutcome([2, 3], NOT_REACHED_AT_BUDGET);
  test('every table: b chains of k distinct nodes, each node in r chains, positions within floor/ceil(r/k), status matches the measured spread', () => {
    expect(g.violations).toEqual([]);
  });
  test('every grid point with a known construction is an exact design', () => {
    expect(g.constructionNotExact).toEqual([]);
    expect(g.constructions).toBeGreaterThan(0);
  });
  test('spread <= 1 everywhere except proven-impossible points and the pinned not-reached list (there spread <= 3)', () => {
    expect(g.unexpected).toEqual([]);
    expect(g.points).toBeGreaterThan(500);
  });
});
