/**
 * The interned whole-system model (systemModel) against the reference model
 * (systemReferenceModel: whole SystemStates, string encodings): the same state space, state
 * for state, and the same choices in the same order (its traces are replayed through the
 * reference, which must fail again at the end of every counterexample).
 */
import fc from 'fast-check';
import { explore } from '../../../core/check/explorer';
import { DEFAULT_SYSTEM_CONFIG, SystemCheckConfig, encodeSystemState, systemModel, systemReferenceModel } from '../../../core/check/system-model';
import { counts, expectSameSearch, lockstepWalks, sameSearchOnRandomConfigs } from './lockstep';

const cfgOf = (over: Partial<SystemCheckConfig>): SystemCheckConfig => ({ ...DEFAULT_SYSTEM_CONFIG, ...over });

const CONFIGS: [string, Partial<SystemCheckConfig>][] = [
  ['chain of 2, one failure', { replicas: 2, clients: 1, failures: 1 }],
  ['chain of 3, one failure, one write', { replicas: 3, clients: 1, writes: 1, failures: 1 }],
  ['an early timeout (a retry racing the original), redrive', { replicas: 2, clients: 1, writes: 2, reads: 0, failures: 1, earlyTimeouts: 1, lastsrvReturn: 'redrive' }],
  ['two clients, craq reads', { replicas: 2, clients: 2, writes: 1, reads: 1, failures: 0, dirtyRead: 'craq' }],
  // a cut-off target: fenced, misses routing publishes, heals with a heartbeat
  ['a false suspicion, tail reads', { replicas: 2, clients: 1, writes: 1, reads: 1, failures: 0, suspicions: 1, readPolicy: 'tail', lastsrvReturn: 'redrive' }],
  ['two failures, reads only after one write', { replicas: 2, clients: 1, writes: 1, reads: 2, failures: 2 }],
];

describe.each(CONFIGS)('%s', (_name, over) => {
  const cfg = cfgOf(over);
  test('the interned model explores exactly the reference state space', () => {
    expectSameSearch(systemReferenceModel(cfg), systemModel(cfg), 25_000);
  });

  test('its int-tuple fingerprints identify the same states as its string encoding', () => {
    const m = systemModel(cfg);
    const viaStrings = explore({ ...m, fingerprint: undefined, packing: undefined }, { maxStates: 20_000 });
    const viaTuples = explore(systemModel(cfg), { maxStates: 20_000 });
    expect(counts(viaTuples)).toEqual(counts(viaStrings));
  });

  test('lockstep random walks: same encoding, same choices, same step lines (up to request ids)', () => {
    const steps = lockstepWalks(systemReferenceModel(cfg), systemModel(cfg), encodeSystemState, { seed: 4242, walks: 25, maxDepth: 60 });
    expect(steps).toBeGreaterThan(300);
  });
});

test.each<[string, Partial<SystemCheckConfig>]>([
  ['syncSkipsUncommitted', { replicas: 2, clients: 1, failures: 1, recoveryMutant: 'syncSkipsUncommitted' }],
  ['syncSendsOlder', { replicas: 2, clients: 1, writes: 2, reads: 0, failures: 1, earlyTimeouts: 1, recoveryMutant: 'syncSendsOlder' }],
  ['craq mutant commitWithoutAck', { replicas: 2, clients: 1, writes: 1, reads: 1, failures: 1, craqMutant: 'commitWithoutAck' }],
  // (noFence: test/core/check/system-model.test.ts, where every violation is confirmed on the reference)
])('mutant %s: the same violation and trace as the reference model', (_name, over) => {
  const cfg = cfgOf(over);
  const { ref } = expectSameSearch(systemReferenceModel(cfg), systemModel(cfg), 100_000);
  expect(ref.violations).toHaveLength(1);
});

test('random small configurations: the same search, state for state (bounded ones too: the same order)', () => {
  sameSearchOnRandomConfigs(
    fc.record({
      replicas: fc.integer({ min: 2, max: 3 }),
      clients: fc.integer({ min: 1, max: 2 }),
      writes: fc.integer({ min: 0, max: 2 }),
      reads: fc.integer({ min: 0, max: 1 }),
      failures: fc.integer({ min: 0, max: 2 }),
      earlyTimeouts: fc.integer({ min: 0, max: 1 }),
      suspicions: fc.integer({ min: 0, max: 1 }),
      dirtyRead: fc.constantFrom('3fs' as const, 'craq' as const),
      lastsrvReturn: fc.constantFrom('reset' as const, 'redrive' as const),
      readPolicy: fc.constantFrom('roundRobin' as const, 'tail' as const),
    }),
    (over) => {
      const cfg = cfgOf(over);
      return [systemReferenceModel(cfg), systemModel(cfg)] as const;
    },
    { maxStates: 1500, numRuns: 25, seed: 5 },
  );
});

test('the memo stays small: each machine ran once per distinct (component, input)', () => {
  const m = systemModel(cfgOf({ replicas: 2, clients: 1, failures: 2 }));
  const r = explore(m, {});
  const st = m.stats();
  expect(r.exhaustive).toBe(true);
  expect(st.steps).toBeLessThan(r.transitions / 10);
  expect(st.managerSteps).toBeLessThan(200);
  expect(st.histories).toBeLessThan(20);
});
