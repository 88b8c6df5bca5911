/**
 * The project's own in-memory config store and election pass the conformance suites that
 * users run against theirs (properties/conformance-config.ts). The etcd adapters run the
 * same suites against a real etcd in test/adapters/config/etcd.test.ts.
 */
import { MemoryConfigStore } from '../adapters/config/memory';
import { MemoryElection } from '../adapters/config/memory-election';
import { ConfigStore, CompareAndPut } from '../core/chain/config-store';
import { checkConfigStoreConformance, checkLeaderExclusivity } from './conformance-config';

const seed = process.env.FC_SEED !== undefined ? Number(process.env.FC_SEED) : Date.now() % 2147483647;

describe(`config conformance (seed ${seed})`, () => {
  test('memory store agrees with the reference', async () => {
    await checkConfigStoreConformance(async () => ({ store: new MemoryConfigStore(), prefix: 'p' }), { numRuns: 200, seed });
  });

  test('memory election: leader exclusivity and fencing', async () => {
    await checkLeaderExclusivity(
      async () => {
        const store = new MemoryConfigStore();
        const election = new MemoryElection(store, 'e');
        return { store, prefix: 'p', election: () => election };
      },
      { numRuns: 200, seed, electTimeoutMs: 1000 },
    );
  });

  test('non-vacuity: a store that ignores comparisons fails the store suite', async () => {
    const broken = (): ConfigStore => {
      const m = new MemoryConfigStore();
      return { get: (k) => m.get(k), range: (p) => m.range(p), compareAndPut: (op: CompareAndPut) => m.compareAndPut({ compare: [], puts: op.puts }) };
    };
    await expect(checkConfigStoreConformance(async () => ({ store: broken(), prefix: 'p' }), { numRuns: 200, seed })).rejects.toThrow(/compareAndPut/);
  });

  test('non-vacuity: an election whose fence never expires fails leader exclusivity', async () => {
    await expect(
      checkLeaderExclusivity(
        async () => {
          const store = new MemoryConfigStore();
          const election = new MemoryElection(store, 'e');
          const unfenced = {
            candidate: (id: string) => {
              const c = election.candidate(id);
              return { ...c, campaign: async () => ({ ...(await c.campaign()), fence: { key: 'never-written', revision: 0 } }) };
            },
            leader: () => election.leader(),
          };
          return { store, prefix: 'p', election: () => unfenced };
        },
        { numRuns: 300, seed, electTimeoutMs: 1000 },
      ),
    ).rejects.toThrow(/INV-LEADER-2/);
  });
});
