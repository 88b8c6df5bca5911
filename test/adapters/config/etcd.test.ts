/**
 * The etcd config store and election against a REAL etcd (Debian's etcd-server, installed
 * by scripts/ensure-etcd.sh when missing) on 127.0.0.1, a temporary data dir, free ports;
 * stopped at the end. Checks: the store behaves like the in-memory reference
 * (checkConfigStoreConformance), leader exclusivity and fencing (checkLeaderExclusivity), the chain
 * manager persists / restores / is fenced through etcd, and a leader that stops renewing
 * (as after kill -9) loses office within its TTL to the next candidate.
 */
import * as path from 'node:path';
import { isLeft } from 'fp-ts/Either';
import { Etcd3 } from 'etcd3';
import { EtcdServer, ensureEtcd, startEtcd } from '../../../adapters/config/etcd-server';
import { EtcdConfigStore, EtcdElection, etcdClient } from '../../../adapters/config/etcd';
import { fencedStore } from '../../../adapters/config/election';
import { FencingError, ManagerPersistence, runManagerEffects, startManager } from '../../../adapters/config/manager-store';
import { ManagerConfig, step } from '../../../core/chain/manager';
import { chainId, nodeId, targetId } from '../../../spec/ids';
import { checkConfigStoreConformance, checkLeaderExclusivity } from '../../../properties/conformance-config';

const seed = process.env.FC_SEED !== undefined ? Number(process.env.FC_SEED) : Date.now() % 2147483647;
let etcd: EtcdServer;
let client: Etcd3;
let run = 0;

beforeAll(async () => {
  ensureEtcd(path.resolve(__dirname, '../../..'));
  etcd = await startEtcd();
  client = etcdClient(etcd.url);
}, 120_000);

afterAll(async () => {
  client?.close();
  await etcd?.stop();
});

const config: ManagerConfig = { leaseMs: 1000, checkIntervalMs: 100 };
const layout = [1, 2].map((c) => ({ id: chainId(c), targets: [1, 2, 3].map((i) => ({ target: targetId(c * 10 + i), node: nodeId(i) })) }));
const noSinks = { publish: () => undefined };

describe(`etcd config store (seed ${seed})`, () => {
  test('conformance: compare-and-put, get and range agree with the in-memory reference', async () => {
    const store = new EtcdConfigStore(client);
    await checkConfigStoreConformance(async () => ({ store, prefix: `conf/${run++}` }), { numRuns: 25, seed });
  }, 60_000);

  test('conformance: leader exclusivity and fencing with etcd lease elections (3 candidates, own client each)', async () => {
    const store = new EtcdConfigStore(client);
    const clients = [0, 1, 2].map(() => etcdClient(etcd.url));
    try {
      await checkLeaderExclusivity(
        async () => {
          // the suite's fenced writes go under `prefix`: the election keys must not share it,
          // or a written key sorts first among the candidates' keys and nobody is elected
          const n = run++;
          const elections = clients.map((c) => new EtcdElection(c, `elect/${n}`, { ttlS: 1, pollMs: 25 }));
          return { store, prefix: `data/${n}`, election: (i: number) => elections[i] };
        },
        { numRuns: 8, seed },
      );
    } finally {
      for (const c of clients) c.close();
    }
  }, 90_000);

  test('the chain manager persists, restores and is fenced through etcd', async () => {
    const store = new EtcdConfigStore(client);
    const prefix = `mgr/${run++}`;
    const a = new ManagerPersistence(store, prefix);
    const published: number[] = [];
    const r = await startManager(a, config, layout, 0, { publish: (t) => published.push(t.version) });
    if (isLeft(r)) throw new Error(JSON.stringify(r.left));
    expect(published).toEqual([1]);
    // a second manager restores the same table, then writes: the first one is now stale
    const b = new ManagerPersistence(store, prefix);
    const rb = await startManager(b, config, layout, 0, noSinks);
    if (isLeft(rb)) throw new Error(JSON.stringify(rb.left));
    expect(rb.right.routingVersion).toBe(1);
    const [sb, eb] = step(config, rb.right, { kind: 'leaseExpired', node: nodeId(1) });
    await runManagerEffects(b, eb, noSinks);
    expect(sb.routingVersion).toBe(2);
    const [, ea] = step(config, r.right, { kind: 'leaseExpired', node: nodeId(2) });
    await expect(runManagerEffects(a, ea, noSinks)).rejects.toBeInstanceOf(FencingError);
    // a restart reads what b wrote
    const c = await new ManagerPersistence(store, prefix).load();
    if (isLeft(c) || !c.right) throw new Error('no snapshot');
    expect(c.right.meta.routingVersion).toBe(2);
    expect(c.right.chains[0].members.map((m) => `${m.target}:${m.state}`)).toEqual(['12:serving', '13:serving', '11:offline']);
  });

  test('failover: a leader that stops renewing its lease (as after kill -9) is replaced within the TTL, and its fence is dead', async () => {
    const prefix = `failover/${run++}`;
    const c1 = etcdClient(etcd.url);
    const c2 = etcdClient(etcd.url);
    try {
      const e1 = new EtcdElection(c1, prefix, { ttlS: 1, pollMs: 50 });
      const e2 = new EtcdElection(c2, prefix, { ttlS: 1, pollMs: 50 });
      const c1Candidate = e1.candidate('m1');
      const l1 = await c1Candidate.campaign();
      const second = e2.candidate('m2').campaign();
      expect(await e2.leader()).toBe('m1');
      // kill -9 of m1's process: keepalives stop, nothing is revoked, nobody resigns
      await c1Candidate.crash();
      const t0 = Date.now();
      const l2 = await second;
      const tookMs = Date.now() - t0;
      expect(l2.id).toBe('m2');
      expect(tookMs).toBeLessThan(5000); // TTL 1 s (etcd may round up) + one poll
      const store = new EtcdConfigStore(c2);
      const stale = await fencedStore(store, () => l1.fence).compareAndPut({ compare: [], puts: [{ key: `${prefix}/x`, value: 'from m1' }] });
      expect(stale.ok).toBe(false);
      const fresh = await fencedStore(store, () => l2.fence).compareAndPut({ compare: [], puts: [{ key: `${prefix}/x`, value: 'from m2' }] });
      expect(fresh.ok).toBe(true);
      await l2.resign();
    } finally {
      c1.close();
      c2.close();
    }
  }, 30_000);
});
