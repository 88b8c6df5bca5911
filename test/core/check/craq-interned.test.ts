/**
 * The interned CRAQ model (craqModel) against the reference model (craqReferenceModel, whole
 * clusters, string encodings): the same state space, state for state, and the same choices
 * in the same order (its traces are replayed through the reference).
 */
import { explore } from '../../../core/check/explorer';
import { CraqCheckConfig, DEFAULT_CHECK_CONFIG, craqModel, craqReferenceModel, encodeCraqState } from '../../../core/check/craq-model';
import { CraqMutant } from '../../../core/craq/mutants';
import fc from 'fast-check';
import { counts, expectSameSearch, lockstepWalks, sameSearchOnRandomConfigs } from './lockstep';

const cfgOf = (over: Partial<CraqCheckConfig>): CraqCheckConfig => ({ ...DEFAULT_CHECK_CONFIG, ...over });

const CONFIGS: [string, Partial<CraqCheckConfig>][] = [
  ['1 client, write + read', { clients: 1, writes: 1, reads: 1 }],
  ['2 replicas, reads overlap a write, craq policy', { replicas: 2, writes: 1, reads: 2, dirtyRead: 'craq' }],
  ['crash and restart, 2 timeouts', { clients: 1, writes: 1, reads: 1, crashes: 1, timeouts: 2 }],
  ['a drop and a duplicate, 2 timeouts', { clients: 1, writes: 1, reads: 1, drops: 1, dups: 1, timeouts: 2 }],
  ['pipelined writes on 2 channels', { replicas: 2, clients: 1, writes: 2, reads: 1, channels: 2, pipelined: true }],
  ['liveness goal', { clients: 1, writes: 1, reads: 0, dirtyRead: 'craq', liveness: true }],
  // a stale reply stays in flight while the client issues its next read: the representative
  // client must issue the request id the real one would (ids are interned with the encoding)
  ['two reads after a duplicated reply', { replicas: 2, clients: 1, writes: 1, reads: 2, dups: 1 }],
  ['two reads, a lost message, 2 timeouts', { replicas: 2, clients: 1, writes: 1, reads: 2, drops: 1, timeouts: 2 }],
  ['three reads, a duplicate, a timeout', { replicas: 2, clients: 1, writes: 0, reads: 3, dups: 1, timeouts: 1 }],
];

describe.each(CONFIGS)('%s', (_name, over) => {
  const cfg = cfgOf(over);
  test('the interned model explores exactly the reference state space', () => {
    const { ref } = expectSameSearch(craqReferenceModel(cfg), craqModel(cfg), 200_000);
    expect(ref.exhaustive).toBe(true);
  });

  test('its int-tuple fingerprints identify the same states as its string encoding', () => {
    const m = craqModel(cfg);
    const viaStrings = explore({ ...m, fingerprint: undefined, packing: undefined }, { maxStates: 200_000 });
    const viaTuples = explore(craqModel(cfg), { maxStates: 200_000 });
    expect(counts(viaTuples)).toEqual(counts(viaStrings));
  });

  test('lockstep random walks: same encoding, same choices, same step lines (up to fresh ids)', () => {
    const steps = lockstepWalks(craqReferenceModel(cfg), craqModel(cfg), encodeCraqState, { seed: 12345, walks: 40 });
    expect(steps).toBeGreaterThan(100);
  });
});

test.each<[CraqMutant, Partial<CraqCheckConfig>]>([
  ['commitWithoutAck', { clients: 1, writes: 1, reads: 1, crashes: 1, timeouts: 2 }],
  ['dedupeIgnoresSeq', { clients: 1, writes: 2, reads: 1 }],
  ['versionQueryToHead', { replicas: 2, writes: 1, reads: 2, dirtyRead: 'craq' }],
  ['lockReleasedBeforeCommit', { clients: 1, writes: 1, reads: 0, dirtyRead: 'craq', liveness: true }],
])('mutant %s: the same violation and trace as the reference model', (mutant, over) => {
  const cfg = cfgOf({ ...over, mutant });
  const { ref } = expectSameSearch(craqReferenceModel(cfg), craqModel(cfg), 200_000);
  expect(ref.violations).toHaveLength(1);
});

test('random small configurations: the same search, state for state (bounded ones too: the same order)', () => {
  sameSearchOnRandomConfigs(
    fc.record({
      replicas: fc.integer({ min: 2, max: 3 }),
      clients: fc.integer({ min: 1, max: 2 }),
      writes: fc.integer({ min: 0, max: 2 }),
      reads: fc.integer({ min: 0, max: 2 }),
      crashes: fc.integer({ min: 0, max: 1 }),
      drops: fc.integer({ min: 0, max: 1 }),
      dups: fc.integer({ min: 0, max: 1 }),
      timeouts: fc.integer({ min: 0, max: 2 }),
      dirtyRead: fc.constantFrom('3fs' as const, 'craq' as const),
    }),
    (over) => {
      const cfg = cfgOf(over);
      return [craqReferenceModel(cfg), craqModel(cfg)] as const;
    },
    { maxStates: 1500, numRuns: 25, seed: 3 },
  );
});

test('the component memo stays small: the machines ran once per distinct (component, input)', () => {
  const m = craqModel(cfgOf({ replicas: 2, writes: 1, reads: 2 }));
  const r = explore(m, {});
  const st = m.stats();
  expect(r.exhaustive).toBe(true);
  expect(st.steps).toBeGreaterThan(0);
  expect(st.steps * 20).toBeLessThan(r.transitions);
  expect(st.linSearches).toBeLessThanOrEqual(st.linShapes);
});
