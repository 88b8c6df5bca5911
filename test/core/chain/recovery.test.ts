/**
 * Recovery sync decisions (core/chain/recovery.ts; ANCHORS.md "Recovery sync": remove
 * chunks only the successor has, send whole chunks missing, older or uncommitted there) and
 * the target's side of the protocol through the whole system (core/check/system-model.ts).
 */
import { chunkId } from '../../../spec/ids';
import { ChunkMeta } from '../../../spec/sync';
import { ReplicaVersions, drainLeft, planSync, removeDecision, sendReason, syncingForwardDecision, transferDecision } from '../../../core/chain/recovery';
import { Scenario } from './scenario';
import { hexOf, toLinHistory } from '../../../core/craq/history';
import { checkHistory } from '../../../core/check/lin';

const v = (commitVer: number, updateVer = commitVer, chainVer = 1): ReplicaVersions => ({ commitVer, updateVer, chainVer });
const meta = (chunk: string, commitVer: number, updateVer = commitVer, chainVer = 1): ChunkMeta => ({ chunk: chunkId(chunk), commitVer, updateVer, chainVer, checksum: 0 });

describe('planSync: the diff', () => {
  const mine = new Map([
    [chunkId('a'), v(3)],
    [chunkId('b'), v(2)],
    [chunkId('c'), v(5)],
    [chunkId('d'), v(4, 4, 7)],
    [chunkId('e'), v(1)],
  ]);
  const dump = [meta('b', 2), meta('c', 4), meta('d', 5, 5, 3), meta('e', 1, 2), meta('z', 9)];

  test('removes chunks only the successor has; sends missing, older (stamp, then version) and uncommitted ones', () => {
    const plan = planSync(mine, dump);
    expect(plan.remove.map((m) => m.chunk)).toEqual(['z']);
    expect(plan.send).toEqual(['a', 'c', 'd', 'e']);
    expect([sendReason(v(3), undefined), sendReason(v(5), meta('c', 4)), sendReason(v(4, 4, 7), meta('d', 5, 5, 3)), sendReason(v(1), meta('e', 1, 2)), sendReason(v(2), meta('b', 2))]).toEqual([
      'missing',
      'older',
      'older',
      'uncommitted',
      null,
    ]);
  });

  test('mutant syncSkipsUncommitted leaves the uncommitted chunk out', () => {
    expect(planSync(mine, dump, 'syncSkipsUncommitted').send).toEqual(['a', 'c', 'd']);
  });
});

describe('drainLeft: what syncDone still waits for', () => {
  const a = chunkId('a');
  const b = chunkId('b');
  const drain = [[a, 5], [b, 3]] as const;
  test('an entry is done once its chunk holds no pending version at or below the drained one', () => {
    expect(drainLeft(drain, (c) => (c === a ? 5 : 3))).toBe(drain); // nothing committed yet: the same list
    expect(drainLeft(drain, (c) => (c === a ? 6 : 3))).toEqual([[b, 3]]); // a committed 5, a newer 6 is pending: not waited for
    expect(drainLeft(drain, (c) => (c === a ? undefined : 4))).toEqual([]);
    expect(drainLeft([], () => 1)).toEqual([]);
  });
});

describe('successor decisions', () => {
  test('a transfer never replaces a newer copy (a forward overtook it); an older stamp loses to a newer one', () => {
    expect(transferDecision(v(2, 2, 5), { commitVer: 1, stampVer: 5 })).toBe('ignoredOlder');
    expect(transferDecision(v(2, 2, 5), { commitVer: 2, stampVer: 5 })).toBe('apply');
    expect(transferDecision(v(2, 2, 1), { commitVer: 1, stampVer: 4 })).toBe('apply');
    expect(transferDecision(v(1, 2, 5), { commitVer: 1, stampVer: 3 })).toBe('apply'); // uncommitted copy replaced
    expect(transferDecision(undefined, { commitVer: 0, stampVer: 0 })).toBe('apply');
    expect(transferDecision(v(2, 2, 5), { commitVer: 1, stampVer: 5 }, 'syncSendsOlder')).toBe('apply');
  });

  test('a remove applies only while the chunk still has the dumped versions', () => {
    expect(removeDecision(v(0, 1), { commitVer: 0, updateVer: 1 })).toBe('removed');
    expect(removeDecision(v(1), { commitVer: 0, updateVer: 1 })).toBe('kept');
    expect(removeDecision(undefined, { commitVer: 0, updateVer: 1 })).toBe('removed');
  });

  test('a SYNCING tail takes a full-chunk replace above its committed version (3FS rule 8), whatever it misses', () => {
    expect(syncingForwardDecision(v(1), 5)).toBe('replace');
    expect(syncingForwardDecision(v(3, 4), 4)).toBe('replace');
    expect(syncingForwardDecision(v(3), 3)).toBe('committed');
  });
});

describe('recovery through the whole system', () => {
  test('a write arriving during the sync is forwarded to the SYNCING successor as a full-chunk replace and survives', () => {
    const sc = new Scenario({ replicas: 2, clients: 1, writes: 2, reads: 1, failures: 1, earlyTimeouts: 2 })
      .crash(2)
      .managerSeesDown(2)
      .invoke(0)
      .settle() // stale routing: the client refreshes and retries; t1 commits alone
      .restart(2)
      .heartbeat(2)
      .sync('syncStart')
      .sync('syncDump')
      .invoke(0) // second write while the transfer is in flight
      .deliver('write', 'c0', 't1') // the client's routing is stale: RoutingVersionMismatch
      .deliver('writeReply', 't1', 'c0')
      .timeout('c0')
      .deliver('write', 'c0', 't1');
    const fwd = sc.s.c.inflight.find((m) => m.msg.kind === 'forward');
    expect(fwd?.msg.kind === 'forward' && fwd.msg.full).toBe(true);
    sc.settle();
    expect(sc.s.m.chains[0].members.map((m) => m.state)).toEqual(['serving', 'serving']);
    for (const t of sc.s.c.targets) expect(t.durable.chunks.get('x')?.commitVer).toBe(2);
    expect(sc.s.c.history.filter((h) => h.result?.ok).length).toBe(2);
  });

  test('a target back from LASTSRV drops its uncommitted version (3FS) and restamps the chunk, so the sync overrides the stale copy', () => {
    const sc = new Scenario({ replicas: 2, clients: 1, writes: 1, reads: 0, failures: 2 })
      .invoke(0)
      .deliver('write', 'c0', 't1')
      .deliver('forward', 't1', 't2') // t2 commits v1 = 11 as the tail
      .crash(1)
      .crash(2)
      .managerSeesDown(2)
      .managerSeesDown(1) // t1 was the last serving: LASTSRV
      .restart(1)
      .heartbeat(1);
    const t1 = sc.s.c.targets[0].durable.chunks.get('x')!;
    expect([t1.commitVer, t1.pending, t1.chainVer]).toEqual([0, undefined, sc.s.m.chains[0].version]);
    sc.restart(2).heartbeat(2).settle();
    expect(sc.s.m.chains[0].members.map((m) => m.state)).toEqual(['serving', 'serving']);
    const views = sc.s.c.targets.map((t) => t.durable.chunks.get('x')!.commitVer);
    expect(views[0]).toBe(views[1]);
  });

  test('a forwarding retry after the middle target fails goes to the new successor (3FS rule 7) under the new chain version', () => {
    const sc = new Scenario({ replicas: 3, clients: 1, writes: 1, reads: 0, failures: 1 })
      .invoke(0)
      .deliver('write', 'c0', 't1')
      .crash(2) // the forward to t2 is lost
      .deliver('forward', 't1', 't2')
      .managerSeesDown(2); // chain v2: t1 -> t3
    expect(sc.s.m.chains[0].members.map((m) => `${m.target}:${m.state}`)).toEqual(['1:serving', '3:serving', '2:offline']);
    sc.timeout('t1');
    const fwd = sc.s.c.inflight.find((m) => m.msg.kind === 'forward');
    expect(fwd && fwd.to.kind === 'target' && fwd.to.id).toBe(3);
    expect(fwd?.msg.kind === 'forward' && fwd.msg.chainVer).toBe(2);
    sc.settle();
    const w = sc.s.c.history[0];
    expect(w.result).toEqual({ ok: true, kind: 'write', commitVer: 1 });
    expect(sc.lines[6]).toContain('delivers t1->t3 forward x v1');
  });

  /**
   * A finding: 3FS's reset of uncommitted data on the return from LASTSRV drops a version the
   * old tail had committed, and a reader may already have seen it (CRAQ reads any serving
   * replica; 3FS's P spec has no linearizability monitor). `lastsrvReturn: 'redrive'`
   * commits the pending version instead and the history stays linearizable.
   */
  function lastsrvReturn(mode: 'reset' | 'redrive'): string {
    const sc = new Scenario({ replicas: 2, clients: 2, writes: 1, reads: 2, failures: 2, lastsrvReturn: mode, earlyTimeouts: 4 })
      .invoke(1)
      .settle() // c1 wrote 21 at v1 on both
      .invoke(0)
      .deliver('write', 'c0', 't1')
      .deliver('forward', 't1', 't2') // the tail t2 commits v2 = 11; t1 still has it pending
      .invoke(1) // c1 reads: t1 (pending: ChunkNotCommit), then t2
      .deliver('read', 'c1', 't1')
      .deliver('readReply', 't1', 'c1')
      .timeout('c1')
      .deliver('read', 'c1', 't2')
      .deliver('readReply', 't2', 'c1') // c1 has read 11
      .crash(2)
      .crash(1)
      .managerSeesDown(2)
      .managerSeesDown(1) // t1 was the last serving: LASTSRV
      .restart(1)
      .heartbeat(1) // back to SERVING
      .invoke(1) // c1 reads again: its routing is stale, then from t1
      .deliver('read', 'c1', 't1')
      .deliver('readReply', 't1', 'c1')
      .timeout('c1')
      .deliver('read', 'c1', 't1')
      .deliver('readReply', 't1', 'c1');
    const reads = sc.s.c.history.filter((h) => h.client === 1 && h.op.kind === 'read').map((h) => (h.result?.ok && h.result.kind === 'read' ? hexOf(h.result.data) : '?'));
    const lin = checkHistory(toLinHistory(sc.s.c.history), { model: 'register' }).result;
    return `${reads.join(',')} ${lin}`;
  }

  test("3FS's LASTSRV reset loses a version a reader saw (history illegal); redrive keeps it", () => {
    expect(lastsrvReturn('reset')).toBe('11,21 illegal');
    expect(lastsrvReturn('redrive')).toBe('11,11 ok');
  });

  test('a sync whose successor restarts unnoticed (a transfer lost) starts over on the predecessor\'s timer and completes', () => {
    const sc = new Scenario({ replicas: 2, clients: 1, writes: 1, reads: 0, failures: 2 })
      .crash(2)
      .managerSeesDown(2)
      .invoke(0)
      .settle() // t1 commits 11 alone
      .restart(2)
      .heartbeat(2)
      .sync('syncStart')
      .crash(2) // the manager does not notice
      .sync('syncDump') // t1 sends the transfer...
      .sync('syncChunk') // ...lost: t2 is down
      .restart(2); // t2 is back, still SYNCING; nobody is talking
    expect(sc.s.c.syncInflight).toEqual([]);
    sc.settle();
    expect(sc.s.m.chains[0].members.map((m) => m.state)).toEqual(['serving', 'serving']);
    for (const t of sc.s.c.targets) expect(t.durable.chunks.get('x')?.commitVer).toBe(1);
  });
});

