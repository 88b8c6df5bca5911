import { GRID_OK, gridOutcome } from './placement';

// Issue 4, item 8, at the CLI's default move budget (defaultBudget: 3e6 + 60*v*r), the whole
// grid v 3..40, k 2..5, every admissible r <= 2(v-1): 3409 points. Opt-in (about 2 minutes of
// one core): PLACEMENT_FULL_GRID=1 npx jest properties/placement-grid-full.test.ts
// The pinned points are those this budget does not bring to spread <= 1 and for which no
// proof of impossibility is known (docs/placement.md, "Grid status"); the proven-impossible
// points report status 'impossible' and are not pinned.
const NOT_REACHED_AT_DEFAULT_BUDGET: Record<number, readonly string[]> = {
  2: [],
  3: [],
  4: [],
  5: ['30,5,7', '35,5,9', '40,5,10'],
};

const full = process.env.PLACEMENT_FULL_GRID === '1' ? describe : describe.skip;

full('placement grid at the default budget (opt-in)', () => {
  test.each([[[2, 3]], [[4]], [[5]]])('k in %j: structure, positions, exact designs, spread bound', (ks) => {
    const pinned = new Set(ks.flatMap((k) => NOT_REACHED_AT_DEFAULT_BUDGET[k]));
    expect(gridOutcome(ks, pinned, 'cli-default')).toEqual(GRID_OK);
  }, 900_000);
});
