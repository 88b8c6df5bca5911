/**
 * A synced target takes over its predecessor's dedupe records (spec/sync.ts `dedupe` in
 * syncStart). Found by `chainrep sim soak` (seed 2128 at a 1.5 s manager lease): a target
 * lost a write's record in a crash, got the chunk back through recovery sync, later became
 * head, and applied a client's retry of that write a second time, over a newer write.
 * Scripted here through the whole system (core/check/system-model.ts), with the planted
 * `syncDropsDedupe` recovery mutant to show the scenario fails without the records.
 */
import { InvariantViolation } from '../../../core/types';
import { RecoveryMutant } from '../../../core/chain/recovery';
import { SystemState } from '../../../core/check/system-model';
import { Scenario } from './scenario';

/** Deliver the in-flight CRAQ message that `pick` selects. */
function deliverWhere(sc: Scenario, what: string, pick: (m: SystemState['c']['inflight'][number]) => boolean): Scenario {
  return sc.act(what, (a, s) => a.k === 'deliver' && pick(s.c.inflight[a.i]));
}

const to = (id: number) => (m: SystemState['c']['inflight'][number]) => m.to.kind === 'target' && m.to.id === id;

/**
 * c0 writes 11 while t2 is down (t1 commits it alone; the reply is held back), t2 comes back
 * and syncs, t1 crashes so t2 becomes head, c0 times out and (after a routing refresh)
 * retries 11 at t2; the first reply arrives (11 returns), c1 writes 21 at t2, the retry of
 * 11 reaches t2 behind it; c0 reads back.
 */
function run(recoveryMutant?: RecoveryMutant): Scenario {
  const sc = new Scenario({ replicas: 2, clients: 2, writes: 1, reads: 1, failures: 2, earlyTimeouts: 6, lastsrvReturn: 'redrive', recoveryMutant })
    .crash(2)
    .managerSeesDown(2) // chain v2: [t1]
    .invoke(0)
    .deliver('write', 'c0', 't1') // stale routing: RoutingVersionMismatch
    .deliver('writeReply', 't1', 'c0')
    .timeout('c0')
    .deliver('write', 'c0', 't1'); // t1 commits 11 alone at v1; its reply stays in flight
  sc.restart(2).heartbeat(2).sync('syncStart').sync('syncDump');
  while (sc.s.c.syncInflight.length > 0) sc.sync(sc.s.c.syncInflight[0].msg.kind);
  sc.syncDone() // chain v4: [t1, t2]
    .crash(1)
    .managerSeesDown(1) // chain v5: [t2], t1 offline
    .timeout('c0'); // c0 retries 11 at t1, which is down: lost
  deliverWhere(sc, 'the retry reaches the dead t1', (m) => m.msg.kind === 'write' && to(1)(m));
  sc.restart(1).timeout('c0'); // again at t1, now up with the new routing
  deliverWhere(sc, 'the retry reaches t1', (m) => m.msg.kind === 'write' && to(1)(m));
  deliverWhere(sc, 'RoutingVersionMismatch reaches c0', (m) => m.msg.kind === 'writeReply' && !m.msg.ok);
  sc.timeout('c0'); // c0 refreshed its routing: the retry of 11 goes to the head t2 and waits in flight
  deliverWhere(sc, 't1\'s first reply reaches c0: 11 returned', (m) => m.msg.kind === 'writeReply' && m.msg.ok);
  sc.invoke(1); // c1 writes 21 (its routing is stale: refreshed on the mismatch)
  deliverWhere(sc, 'c1\'s write reaches t1', (m) => m.msg.kind === 'write' && m.msg.data[0] === 0x21);
  deliverWhere(sc, 'RoutingVersionMismatch reaches c1', (m) => m.msg.kind === 'writeReply' && m.msg.client === 1);
  sc.timeout('c1');
  deliverWhere(sc, 'write 21 reaches t2', (m) => m.msg.kind === 'write' && m.msg.data[0] === 0x21 && to(2)(m));
  sc.settle(); // 21 commits; the retry of 11 arrives after it
  sc.invoke(0).settle().invoke(1).settle(); // both read back
  return sc;
}

describe('dedupe records travel with recovery sync', () => {
  test('the new head answers the retry of a write it only got through sync, instead of applying it again', () => {
    const sc = run();
    const writes = sc.s.c.history.filter((h) => h.op.kind === 'write');
    expect(writes.map((h) => [h.client, h.result])).toEqual([[0, { ok: true, kind: 'write', commitVer: 1 }], [1, { ok: true, kind: 'write', commitVer: 2 }]]);
    expect(sc.s.c.targets[1].durable.chunks.get('x')?.commitVer).toBe(2);
    const read = sc.s.c.history.find((h) => h.op.kind === 'read')!;
    expect(read.result).toMatchObject({ ok: true, kind: 'read', ver: 2, data: Uint8Array.of(0x21) });
  });

  test('without the records (mutant syncDropsDedupe) the retry is applied twice and the read-back is not linearizable', () => {
    expect(() => run('syncDropsDedupe')).toThrow(InvariantViolation);
    expect(() => run('syncDropsDedupe')).toThrow(/not linearizable/);
  });
});
