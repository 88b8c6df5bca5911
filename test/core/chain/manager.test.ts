/**
 * Chain manager unit tests, one per rule (ANCHORS.md "Target public states", "Local
 * states", "Transition", "Rules"; 3FS docs/design_notes.md "Failure detection").
 */
import { isLeft, isRight } from 'fp-ts/Either';
import { ManagerConfig, ManagerEffect, ManagerState, createManager, encodeManager, grantValidForMs, routingTable, step } from '../../../core/chain/manager';
import { Heartbeat, ManagerInput } from '../../../spec/chain';
import { LocalState } from '../../../spec/routing';
import { chainId, nodeId, targetId } from '../../../spec/ids';

const config: ManagerConfig = { leaseMs: 1000, checkIntervalMs: 100 };
const layout = [
  { id: chainId(7), targets: [1, 2, 3].map((i) => ({ target: targetId(i), node: nodeId(10 + i) })) },
  { id: chainId(8), targets: [4, 5].map((i) => ({ target: targetId(i), node: nodeId(10 + i - 3) })) },
];

function start(): ManagerState {
  const r = createManager(config, layout, 0);
  if (isLeft(r)) throw new Error(r.left.message);
  return r.right[0];
}

/** Run inputs; return the final state and every effect. */
function run(s: ManagerState, inputs: readonly ManagerInput[]): [ManagerState, ManagerEffect[]] {
  const all: ManagerEffect[] = [];
  for (const i of inputs) {
    const [n, e] = step(config, s, i);
    s = n;
    all.push(...e);
  }
  return [s, all];
}

const chain7 = (s: ManagerState) => s.chains[0].members.map((m) => `t${m.target}:${m.state}`).join(' ');
const hb = (s: ManagerState, target: number, local: LocalState, chainVersion?: number): ManagerInput => {
  const ci = target <= 3 ? 0 : 1;
  return {
    kind: 'heartbeat',
    node: nodeId(target <= 3 ? 10 + target : 10 + target - 3),
    routingVersion: s.routingVersion,
    targets: [{ target: targetId(target), localState: local, chainVersion: chainVersion ?? s.chains[ci].version }],
  };
};
const tick = (nowMs: number): ManagerInput => ({ kind: 'tick', nowMs });
const syncDone = (s: ManagerState, target: number, chainVersion = s.chains[target <= 3 ? 0 : 1].version): ManagerInput => ({ kind: 'syncDone', target: targetId(target), chainVersion });
/** Heartbeats from every target except `dead`, then a tick at `nowMs`. */
function aliveExcept(s: ManagerState, dead: readonly number[], nowMs: number): ManagerState {
  for (const t of [1, 2, 3, 4, 5]) if (!dead.includes(t)) s = step(config, s, hb(s, t, s.chains[t <= 3 ? 0 : 1].members.find((m) => m.target === t)!.local === 'offline' ? 'online' : 'uptodate'))[0];
  return step(config, s, tick(nowMs))[0];
}

describe('chain manager', () => {
  test('a new cluster starts with every target serving at version 1, persisted before it is published', () => {
    const r = createManager(config, layout, 0);
    expect(isRight(r)).toBe(true);
    if (isLeft(r)) return;
    const [s, effects] = r.right;
    expect(chain7(s)).toBe('t1:serving t2:serving t3:serving');
    expect(routingTable(s).version).toBe(1);
    expect(effects[0]).toMatchObject({ kind: 'persist', seq: 1, thenPublish: { version: 1 } });
    expect(effects[1]).toEqual({ kind: 'scheduleTick', atMs: 100 });
  });

  test('a bad layout is a typed error naming the problem', () => {
    const dup = createManager(config, [{ id: chainId(1), targets: [{ target: targetId(1), node: nodeId(1) }] }, { id: chainId(2), targets: [{ target: targetId(1), node: nodeId(2) }] }], 0);
    expect(isLeft(dup) && dup.left.message).toBe('target 1 appears twice');
    const empty = createManager(config, [{ id: chainId(1), targets: [] }], 0);
    expect(isLeft(empty) && empty.left.message).toContain('no target');
    expect(isLeft(createManager(config, [], 0))).toBe(true);
  });

  test('a heartbeat renews the lease; an expired lease counts as offline and the target moves to the end (design notes: A,B,C with B failed -> A,C,B)', () => {
    let s = start();
    s = aliveExcept(s, [], 500);
    expect(chain7(s)).toBe('t1:serving t2:serving t3:serving');
    s = aliveExcept(s, [2], 1499); // t2's lease (renewed at 0) expired at 1000
    expect(chain7(s)).toBe('t1:serving t3:serving t2:offline');
    expect(s.chains[0].version).toBe(2);
    expect(s.chains[1].version).toBe(1); // the other chain did not change
    expect(s.routingVersion).toBe(2);
  });

  test('the chain version moves only when the chain changes: a repeated report persists nothing', () => {
    const s = start();
    const [n, effects] = step(config, s, hb(s, 1, 'uptodate'));
    expect(n.routingVersion).toBe(1);
    expect(effects).toEqual([]);
  });

  test('a local-state change without a chain change is persisted but not published', () => {
    const s = start();
    const [n, effects] = step(config, s, hb(s, 2, 'online'));
    expect(n.chains[0].version).toBe(1);
    expect(effects).toEqual([expect.objectContaining({ kind: 'persist', seq: 2, thenPublish: null })]);
  });

  test('when every serving target dies at once the head becomes LASTSRV (3FS: only the first SERVING)', () => {
    let s = start();
    [s] = run(s, [tick(1000)]);
    expect(chain7(s)).toBe('t1:lastsrv t2:offline t3:offline');
  });

  test('one by one: the last serving target is kept as LASTSRV; when it returns it serves and the others sync one at a time', () => {
    let s = start();
    [s] = run(s, [hb(s, 1, 'offline')]);
    [s] = run(s, [hb(s, 2, 'offline')]);
    expect(chain7(s)).toBe('t3:serving t2:offline t1:offline');
    [s] = run(s, [hb(s, 3, 'offline')]);
    expect(chain7(s)).toBe('t3:lastsrv t2:offline t1:offline');
    // an up-to-date report from a non-LASTSRV target does not serve: it waits
    [s] = run(s, [hb(s, 1, 'online')]);
    expect(chain7(s)).toBe('t3:lastsrv t1:waiting t2:offline');
    [s] = run(s, [hb(s, 2, 'online')]);
    [s] = run(s, [hb(s, 3, 'online')]);
    expect(chain7(s)).toBe('t3:serving t1:syncing t2:waiting');
    [s] = run(s, [syncDone(s, 1)]);
    expect(chain7(s)).toBe('t3:serving t1:serving t2:syncing');
    [s] = run(s, [syncDone(s, 2)]);
    expect(chain7(s)).toBe('t3:serving t1:serving t2:serving');
  });

  test('a returning target goes OFFLINE -> SYNCING behind the serving ones in one round (one version), as 3FS does', () => {
    let s = start();
    [s] = run(s, [hb(s, 1, 'offline')]);
    const v = s.chains[0].version;
    const [n, effects] = step(config, s, hb(s, 1, 'online'));
    expect(chain7(n)).toBe('t2:serving t3:serving t1:syncing');
    expect(n.chains[0].version).toBe(v + 1);
    expect(effects.filter((e) => e.kind === 'persist')).toHaveLength(1);
  });

  test('SWIM nodeDown stops renewing the node\'s leases: its targets go offline when the lease runs out, and its heartbeats are ignored until nodeUp', () => {
    let s = start();
    let effects: ManagerEffect[];
    [s] = run(s, [{ kind: 'nodeDown', node: nodeId(12) }]);
    // a partitioned node SWIM declared dead may still serve under its lease: no change yet
    expect(chain7(s)).toBe('t1:serving t2:serving t3:serving');
    [s, effects] = run(s, [hb(s, 2, 'online')]);
    expect(effects).toEqual([{ kind: 'rejected', input: 'heartbeat', reason: 'node 12 is down (SWIM) until nodeUp' }]);
    const expiry = s.chains[0].members.find((m) => m.target === 2)!.leaseExpiresAtMs;
    [s] = run(s, [{ kind: 'tick', nowMs: expiry - 1 }]);
    expect(chain7(s)).toBe('t1:serving t2:serving t3:serving');
    [s] = run(s, [hb(s, 1, 'uptodate'), hb(s, 3, 'uptodate'), { kind: 'tick', nowMs: expiry }]); // the others renew
    expect(chain7(s)).toBe('t1:serving t3:serving t2:offline');
    [s] = run(s, [{ kind: 'nodeUp', node: nodeId(12) }]);
    expect(chain7(s)).toBe('t1:serving t3:serving t2:offline'); // up, but no report yet
    [s] = run(s, [hb(s, 2, 'online')]);
    expect(chain7(s)).toBe('t1:serving t3:serving t2:syncing');
  });

  test('leaseExpired (abstract time) takes a node\'s targets offline at once', () => {
    let s = start();
    [s] = run(s, [{ kind: 'leaseExpired', node: nodeId(12) }]);
    expect(chain7(s)).toBe('t1:serving t3:serving t2:offline');
    const [, effects] = step(config, s, { kind: 'leaseExpired', node: nodeId(99) });
    expect(effects).toEqual([{ kind: 'rejected', input: 'leaseExpired', reason: 'unknown node 99' }]);
  });

  test('an accepted heartbeat with sentAtMs gets a lease grant that ends before the manager\'s lease; a rejected one gets none', () => {
    let s = start();
    [s] = run(s, [{ kind: 'tick', nowMs: 1000 }]);
    const withSent = (h: ManagerInput, sentAtMs: number): ManagerInput => ({ ...(h as Heartbeat), sentAtMs });
    let [n, effects] = step(config, s, withSent(hb(s, 2, 'uptodate'), 990));
    const grant = effects.find((e) => e.kind === 'leaseGrant');
    expect(grant).toEqual({ kind: 'leaseGrant', node: 12, sentAtMs: 990, validForMs: grantValidForMs(config), routingVersion: n.routingVersion });
    const managerLease = n.chains[0].members.find((m) => m.target === 2)!.leaseExpiresAtMs;
    expect(990 + grantValidForMs(config)).toBeLessThan(managerLease);
    // the node's lease ends before the manager could take the target offline, even if the
    // manager's clock lagged a whole check interval behind the heartbeat
    expect(990 + grantValidForMs(config)).toBeLessThanOrEqual(990 - config.checkIntervalMs + config.leaseMs);
    // without sentAtMs: no grant (no one asked)
    [, effects] = step(config, s, hb(s, 2, 'uptodate'));
    expect(effects.some((e) => e.kind === 'leaseGrant')).toBe(false);
    // a node SWIM holds down is not granted anything
    [n] = run(s, [{ kind: 'nodeDown', node: nodeId(12) }]);
    [, effects] = step(config, n, withSent(hb(n, 2, 'uptodate'), 995));
    expect(effects.map((e) => e.kind)).toEqual(['rejected']);
    // a heartbeat with any rejected report is not granted either
    const bad: ManagerInput = { kind: 'heartbeat', node: nodeId(12), routingVersion: s.routingVersion, sentAtMs: 995, targets: [{ target: targetId(2), localState: 'uptodate', chainVersion: 1 }, { target: targetId(1), localState: 'uptodate', chainVersion: 1 }] };
    [, effects] = step(config, s, bad);
    expect(effects.some((e) => e.kind === 'leaseGrant')).toBe(false);
  });

  test('an up-to-date report made before the latest chain change cannot promote (it counts as online)', () => {
    let s = start();
    [s] = run(s, [hb(s, 1, 'offline')]); // chain 7 now at version 2
    const stale = step(config, s, hb(s, 1, 'uptodate', 1))[0];
    expect(chain7(stale)).toBe('t2:serving t3:serving t1:syncing'); // as 'online'
    const fresh = step(config, s, hb(s, 1, 'uptodate'))[0];
    expect(chain7(fresh)).toBe('t2:serving t3:serving t1:waiting'); // table: offline + up-to-date -> waiting
  });

  test('inputs that cannot apply are rejected with a reason and change nothing', () => {
    const s = start();
    const cases: [ManagerInput, string][] = [
      [syncDone(s, 1), 'target 1 is serving/uptodate, not syncing'],
      [{ kind: 'syncDone', target: targetId(99), chainVersion: 1 }, 'unknown target 99'],
      [{ kind: 'nodeDown', node: nodeId(99) }, 'unknown node 99'],
      [hb(s, 1, 'online', 5), 'target 1 reports chain version 5 > 1'],
      [{ ...hb(s, 1, 'online'), routingVersion: 9 } as ManagerInput, 'node 11 has seen routing version 9 > 1'],
      [{ ...hb(s, 1, 'online'), node: nodeId(12) } as ManagerInput, 'target 1 is on node 11, not 12'],
    ];
    for (const [input, reason] of cases) {
      const [n, effects] = step(config, s, input);
      expect(effects).toEqual([{ kind: 'rejected', input: input.kind, reason }]);
      expect(routingTable(n)).toEqual(routingTable(s));
      expect(n.chains.map((c) => c.members.map((m) => m.local))).toEqual(s.chains.map((c) => c.members.map((m) => m.local)));
    }
  });

  test('time never goes backwards: an older tick is rejected', () => {
    const [later] = step(config, start(), tick(50));
    const [n, effects] = step(config, later, tick(10));
    expect(effects).toEqual([{ kind: 'rejected', input: 'tick', reason: 'time went backwards: 10 < 50' }]);
    expect(n.nowMs).toBe(50);
  });

  test('a syncDone from an older chain version (an earlier sync of a target that failed since) is rejected', () => {
    let s = start();
    [s] = run(s, [hb(s, 1, 'offline')]);
    [s] = run(s, [hb(s, 1, 'online')]);
    const firstSync = s.chains[0].version;
    expect(chain7(s)).toBe('t2:serving t3:serving t1:syncing');
    [s] = run(s, [hb(s, 1, 'offline')]);
    [s] = run(s, [hb(s, 1, 'online')]); // a new sync starts
    const [n, effects] = step(config, s, syncDone(s, 1, firstSync));
    expect(effects).toEqual([{ kind: 'rejected', input: 'syncDone', reason: `stale syncDone for target 1: chain version ${firstSync}, now ${s.chains[0].version}` }]);
    expect(chain7(n)).toBe('t2:serving t3:serving t1:syncing');
    expect(chain7(step(config, s, syncDone(s, 1))[0])).toBe('t2:serving t3:serving t1:serving');
  });

  test('determinism: the same inputs give the same states and effects', () => {
    const script = (s0: ManagerState) => {
      let s = s0;
      const out: unknown[] = [];
      for (const input of [hb(s, 1, 'offline'), tick(400), { kind: 'nodeDown', node: nodeId(13) } as ManagerInput, tick(1200)]) {
        const [n, e] = step(config, s, input);
        out.push(routingTable(n), e);
        s = n;
      }
      return out;
    };
    expect(script(start())).toEqual(script(start()));
  });
});

describe('encodeManager', () => {
  test('equal for equivalent states, different when a public state, local state, lease or version differs', () => {
    const s = start();
    const [later] = step(config, s, tick(0)); // same state, re-ticked
    expect(encodeManager(later)).toBe(encodeManager(s));
    const [down] = step(config, s, hb(s, 2, 'offline'));
    expect(encodeManager(down)).not.toBe(encodeManager(s));
    const [online] = step(config, s, hb(s, 2, 'online'));
    expect(encodeManager(online)).not.toBe(encodeManager(s)); // local only
    const [aged] = step(config, s, tick(300));
    expect(encodeManager(aged)).not.toBe(encodeManager(s)); // leases closer to expiry
    const bumped = { ...s, routingVersion: 9 };
    expect(encodeManager(bumped)).not.toBe(encodeManager(s));
    expect(encodeManager(bumped, { versions: false })).toBe(encodeManager(s, { versions: false }));
  });
});
