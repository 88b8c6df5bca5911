/**
 * The model checker can fail: every planted CRAQ bug in the catalogue is found, with a
 * readable shortest trace, in the configuration MUTANT_CONFIGS names; the correct protocol
 * passes the same configuration exhaustively (so the violation is the mutant's).
 */
import { ExploreResult, explore } from '../../../core/check/explorer';
import { CraqCheckConfig, DEFAULT_CHECK_CONFIG, craqModel } from '../../../core/check/craq-model';
import { CRAQ_MUTANT_NAMES } from '../../../core/craq/mutants';
import { MUTANT_CONFIGS } from '../../../properties/check-configs';

const cfgOf = (over: Partial<CraqCheckConfig>): CraqCheckConfig => ({ ...DEFAULT_CHECK_CONFIG, ...over });
const clean = new Map<string, ExploreResult>();
function cleanRun(over: Partial<CraqCheckConfig>): ExploreResult {
  const key = JSON.stringify(over);
  let r = clean.get(key);
  if (!r) {
    r = explore(craqModel(cfgOf(over)), { mode: 'bfs', maxStates: 400_000 });
    clean.set(key, r);
  }
  return r;
}

test('the catalogue has at least 12 mutants', () => {
  expect(CRAQ_MUTANT_NAMES.length).toBeGreaterThanOrEqual(12);
});

describe.each(CRAQ_MUTANT_NAMES)('mutant %s', (mutant) => {
  test('is found with a readable shortest trace; the correct protocol passes the same configuration', () => {
    const over = MUTANT_CONFIGS[mutant];
    const bad = explore(craqModel(cfgOf({ ...over, mutant })), { mode: 'bfs', maxStates: 400_000 });
    expect(bad.violations).toHaveLength(1);
    const v = bad.violations[0];
    expect(v.trace.length).toBeGreaterThan(0);
    // every step names what happened and the replica versions after it; the last line is the state
    for (const line of v.trace.slice(0, -1)) expect(line).toMatch(/=> t1:/);
    expect(v.trace[v.trace.length - 1]).toMatch(/^state: t1/);
    const good = cleanRun(over);
    expect(good.violations).toEqual([]);
    expect(good.exhaustive).toBe(true);
  });
});
