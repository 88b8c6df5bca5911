import fc from 'fast-check';
import {
  VerdictTally,
  propAgreesWithBruteForce,
  propMemoAgrees,
  propNeverWrittenIsIllegal,
  propSequentialIsOk,
} from './lin';

// issue 3 item 6: fast-check properties of the linearizability checker (core/check/lin.ts).
// Seeds: fast-check prints the seed and the shrunk counterexample on failure; set
// FC_SEED to replay one.
const seed = process.env.FC_SEED !== undefined ? Number(process.env.FC_SEED) : Date.now() % 2147483647;
const params = (numRuns: number): fc.Parameters<unknown> => ({ seed, numRuns });

describe(`lin properties (seed ${seed})`, () => {
  const medium = { keys: ['a', 'b', 'c'], clients: 5, maxOps: 60, maxSlack: 4, pendingTenths: 1 };

  test.each(['register', 'cas'] as const)('%s: a history generated from a sequential execution is ok, with a valid witness', (model) => {
    fc.assert(propSequentialIsOk(model, medium), params(300));
  });

  test.each(['register', 'cas'] as const)('%s: reading (or cas-expecting) a never-written value makes the history illegal', (model) => {
    fc.assert(propNeverWrittenIsIllegal(model, { ...medium, maxOps: 30 }), params(200));
  });

  test('register, distinct values: a never-written read minimises to exactly that read', () => {
    fc.assert(propNeverWrittenIsIllegal('register', { ...medium, maxOps: 30, uniqueValues: true }), params(200));
  });

  test.each(['register', 'cas'] as const)('%s: agrees with brute force on histories of up to 7 operations (minimal sets 1-minimal)', (model) => {
    const tally: VerdictTally = { ok: 0, illegal: 0 };
    fc.assert(propAgreesWithBruteForce(model, 7, tally), params(1500));
    // the generator exercises both verdicts (a property that only ever sees one is vacuous)
    expect(tally.ok).toBeGreaterThan(150);
    expect(tally.illegal).toBeGreaterThan(150);
  });

  test.each(['register', 'cas'] as const)('%s: memoisation (also when emptied) and pruning agree with the plain search on up to 100 ops', (model) => {
    const tally = { ok: 0, illegal: 0, skipped: 0 };
    fc.assert(propMemoAgrees(model, 100, 200_000, tally), params(300));
    expect(tally.ok).toBeGreaterThan(30);
    expect(tally.illegal).toBeGreaterThan(30);
  });
});
