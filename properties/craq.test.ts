import * as fc from 'fast-check';
import { CraqScenario, PlannedClientOp, runScenario } from './craq';

const opArb: fc.Arbitrary<PlannedClientOp> = fc.oneof(
  fc.record({ kind: fc.constant('write' as const), key: fc.nat(1), value: fc.nat(5000) }),
  fc.record({ kind: fc.constant('read' as const), key: fc.nat(1) }),
);

const scenarioArb = (dirtyRead: '3fs' | 'craq', relaxed = false): fc.Arbitrary<CraqScenario> =>
  fc.record({
    replicas: fc.integer({ min: 2, max: 4 }),
    dirtyRead: fc.constant(dirtyRead),
    readPolicy: fc.constantFrom('random' as const, 'roundRobin' as const, 'tail' as const),
    relaxedRead: fc.constant(relaxed),
    clients: fc.array(fc.array(opArb, { minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: 3 }),
    choices: fc.array(fc.nat(), { maxLength: 200 }),
    seed: fc.nat(),
  });

// Random interleavings of concurrent writes and reads on the in-memory cluster
// (ANCHORS.md "3FS: CRAQ as shipped"; CRAQ paper §2.3 for the craq policy).
describe.each(['3fs', 'craq'] as const)('CRAQ cluster, dirty-read policy %s', (policy) => {
  test('replicas converge, versions never regress, reads are fresh and the history is linearizable', () => {
    fc.assert(
      fc.property(scenarioArb(policy), (sc) => {
        const out = runScenario(sc);
        if (out.violations.length > 0) throw new Error(`seed ${sc.seed}: ${out.violations.join('\n')}`);
      }),
      { numRuns: 300 },
    );
  });
});

test('3fs relaxed reads may return uncommitted data, but committed reads stay linearizable', () => {
  fc.assert(
    fc.property(scenarioArb('3fs', true), (sc) => {
      const out = runScenario(sc);
      // relaxed reads are not linearizable by design: only the replica invariants must hold
      const bad = out.violations.filter((v) => !v.startsWith('INV-LIN'));
      if (bad.length > 0) throw new Error(`seed ${sc.seed}: ${bad.join('\n')}`);
    }),
    { numRuns: 100 },
  );
});

test('the properties can fail: a planted bug (tail acks before commit) is caught', () => {
  let caught = 0;
  for (let seed = 0; seed < 20; seed++) {
    const out = runScenario({ replicas: 3, dirtyRead: '3fs', readPolicy: 'tail', clients: [[{ kind: 'write', key: 0, value: 1 }, { kind: 'read', key: 0 }]], choices: [], seed, mutant: 'tailAckBeforeCommit' });
    if (out.violations.length > 0) caught++;
  }
  expect(caught).toBe(20);
});

test('the random interleavings reach dirty reads: ChunkNotCommit (3fs) and tail version queries (craq)', () => {
  let notCommit = 0;
  let queries = 0;
  fc.assert(
    fc.property(scenarioArb('3fs'), (sc) => {
      notCommit += runScenario(sc).stats.notCommit;
    }),
    { numRuns: 100, seed: 7 },
  );
  fc.assert(
    fc.property(scenarioArb('craq'), (sc) => {
      queries += runScenario(sc).stats.versionQueries;
    }),
    { numRuns: 100, seed: 7 },
  );
  expect(notCommit).toBeGreaterThan(10);
  expect(queries).toBeGreaterThan(10);
});
