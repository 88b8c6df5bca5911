/**
 * The manager persists through the config-store interface (issue 6 item 8): the in-memory
 * store executes `persist` effects, publishes only after the write, fences a stale manager,
 * and a restarted manager restores its routing table and versions.
 */
import { isLeft, isRight } from 'fp-ts/Either';
import { MemoryConfigStore } from '../../../adapters/config/memory';
import { FencingError, ManagerPersistence, runManagerEffects, startManager } from '../../../adapters/config/manager-store';
import { ManagerConfig, ManagerState, applyPersist, routingTable, snapshotOf, step } from '../../../core/chain/manager';
import { RoutingTable } from '../../../spec/routing';
import { ManagerInput, ManagerSnapshot } from '../../../spec/chain';
import { chainId, nodeId, targetId } from '../../../spec/ids';

const config: ManagerConfig = { leaseMs: 1000, checkIntervalMs: 100 };
const layout = [1, 2].map((c) => ({ id: chainId(c), targets: [1, 2, 3].map((i) => ({ target: targetId(c * 10 + i), node: nodeId(i) })) }));

function sinks() {
  const published: RoutingTable[] = [];
  const ticks: number[] = [];
  return { published, ticks, publish: (r: RoutingTable) => published.push(r), scheduleTick: (t: number) => ticks.push(t) };
}

async function started(p: ManagerPersistence, nowMs: number, out = sinks()): Promise<ManagerState> {
  const r = await startManager(p, config, layout, nowMs, out);
  if (isLeft(r)) throw new Error(JSON.stringify(r.left));
  return r.right;
}

async function feed(p: ManagerPersistence, s: ManagerState, inputs: readonly ManagerInput[], out = sinks()): Promise<ManagerState> {
  for (const i of inputs) {
    const [n, effects] = step(config, s, i);
    await runManagerEffects(p, effects, out);
    s = n;
  }
  return s;
}

/** SWIM reports the node down and (abstract time) its leases run out: its targets go offline. */
const down = (node: number): ManagerInput => ({ kind: 'leaseExpired', node: nodeId(node) });

describe('config store', () => {
  test('memory store: compareAndPut is atomic, revisions are store-wide, a missing key is revision 0', async () => {
    const store = new MemoryConfigStore();
    expect(await store.compareAndPut({ compare: [{ key: 'a', revision: 0 }], puts: [{ key: 'a', value: '1' }, { key: 'b', value: '2' }] })).toEqual({ ok: true, revision: 1 });
    expect(await store.compareAndPut({ compare: [{ key: 'a', revision: 0 }], puts: [{ key: 'c', value: '3' }] })).toEqual({ ok: false, key: 'a', expected: 0, actual: 1 });
    expect(await store.get('c')).toBeUndefined(); // nothing of a failed compareAndPut is applied
    expect(await store.compareAndPut({ compare: [{ key: 'b', revision: 1 }], puts: [{ key: 'b', value: '4' }] })).toEqual({ ok: true, revision: 2 });
    expect((await store.range('')).map((v) => `${v.key}=${v.value}@${v.revision}`)).toEqual(['a=1@1', 'b=4@2']);
  });

  test('a new manager persists its table before publishing it; a persist writes only the changed chains', async () => {
    const store = new MemoryConfigStore();
    const p = new ManagerPersistence(store);
    const out = sinks();
    let s = await started(p, 0, out);
    expect(out.published.map((r) => r.version)).toEqual([1]);
    expect((await store.range('chainrep/manager/')).map((v) => v.key)).toEqual(['chainrep/manager/chain/1', 'chainrep/manager/chain/2', 'chainrep/manager/meta']);
    const rev = store.revision;
    s = await feed(p, s, [{ kind: 'heartbeat', node: nodeId(1), routingVersion: 1, targets: [{ target: targetId(11), localState: 'offline', chainVersion: 1 }] }], out);
    expect((await store.get('chainrep/manager/chain/1'))!.revision).toBe(rev + 1);
    expect((await store.get('chainrep/manager/chain/2'))!.revision).toBe(rev); // untouched
    expect(out.published.map((r) => r.version)).toEqual([1, 2]);
    expect(s.routingVersion).toBe(2);
  });

  test('a restarted manager restores its routing table, versions and local states, and continues from them', async () => {
    const store = new MemoryConfigStore();
    const p1 = new ManagerPersistence(store);
    let s = await started(p1, 0); // creates and persists the table
    s = await feed(p1, s, [down(2), down(3)]);
    const before = routingTable(s);
    expect(before.chains[0].targets.map((t) => `${t.target}:${t.state}`)).toEqual(['11:serving', '13:offline', '12:offline']);

    const out = sinks();
    const p2 = new ManagerPersistence(store);
    const r = await started(p2, 5000, out);
    expect(routingTable(r)).toEqual(before);
    expect(out.published).toEqual([before]); // republished on restore
    expect(out.ticks).toEqual([5100]);
    expect(snapshotOf(r)).toEqual(snapshotOf(s));
    // leases are fresh from the restore time: nothing expires before 6000
    const [kept] = step(config, r, { kind: 'tick', nowMs: 5999 });
    expect(routingTable(kept)).toEqual(before);
    // versions continue from the restored ones
    const next = await feed(p2, r, [{ kind: 'heartbeat', node: nodeId(2), routingVersion: before.version, targets: [{ target: targetId(12), localState: 'online', chainVersion: before.chains[0].version }] }]);
    expect(routingTable(next).version).toBe(before.version + 1);
    expect(routingTable(next).chains[0].version).toBe(before.chains[0].version + 1);
  });

  test('fencing: a manager whose store was written by another fails its persist and publishes nothing', async () => {
    const store = new MemoryConfigStore();
    const old = new ManagerPersistence(store);
    const s = await started(old, 0);
    const newer = new ManagerPersistence(store);
    const t = await started(newer, 10);
    await feed(newer, t, [down(1)]);
    const out = sinks();
    await expect(feed(old, s, [down(2)], out)).rejects.toBeInstanceOf(FencingError);
    expect(out.published).toEqual([]);
  });

  test('a corrupt stored value is a decode error naming the key and field', async () => {
    const store = new MemoryConfigStore();
    await started(new ManagerPersistence(store), 0);
    const row = (await store.get('chainrep/manager/chain/2'))!;
    const bad = JSON.parse(row.value);
    bad.members[1].state = 'zombie';
    await store.compareAndPut({ compare: [], puts: [{ key: row.key, value: JSON.stringify(bad) }] });
    const r = await new ManagerPersistence(store).load();
    expect(isLeft(r) && r.left).toMatchObject({ kind: 'DecodeError', field: 'chainrep/manager/chain/2.members.1.state' });
  });

  test('applyPersist (the pure store model) equals what the adapter stored, and rejects out-of-order effects', async () => {
    const store = new MemoryConfigStore();
    const p = new ManagerPersistence(store);
    let s = await started(p, 0);
    let model: ManagerSnapshot | undefined = snapshotOf(s);
    for (const input of [down(1), down(2), { kind: 'nodeUp', node: nodeId(1) } as ManagerInput, { kind: 'tick', nowMs: 2000 } as ManagerInput]) {
      const [n, effects] = step(config, s, input);
      await runManagerEffects(p, effects, sinks());
      for (const e of effects) if (e.kind === 'persist') model = applyPersist(model, e);
      s = n;
    }
    const loaded = await new ManagerPersistence(store).load();
    expect(isRight(loaded) && loaded.right).toEqual(model);
    const [, effects] = step(config, s, { kind: 'heartbeat', node: nodeId(1), routingVersion: s.routingVersion, targets: [{ target: targetId(11), localState: 'online', chainVersion: s.chains[0].version }] });
    const e = effects.find((x) => x.kind === 'persist')!;
    expect(e).toBeDefined();
    expect(() => applyPersist(undefined, e as Extract<typeof e, { kind: 'persist' }>)).toThrow('INV-CHAIN-PERSIST-ORDER');
  });
});
