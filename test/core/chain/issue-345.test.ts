/**
 * Regression for 3FS issue 345 (ANCHORS.md "Recovery sync": "a resync stuck forever when
 * the tail had committed and its predecessor had not"): the tail commits a write, its
 * predecessor fails before the ack arrives and comes back. Recovery must complete (the
 * returning target is SERVING again) and the write must survive on every replica, with
 * the client's retry answered from the retry cache, not applied twice.
 *
 * The run is recorded as a transcript (testdata/issue-345.txt); `REWRITE=1 npx jest
 * test/core/chain/issue-345` rewrites it after a deliberate change.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Scenario } from './scenario';
import { hexOf } from '../../../core/craq/history';

const FILE = path.join(__dirname, 'testdata', 'issue-345.txt');

function issue345(): Scenario {
  return new Scenario({ replicas: 2, clients: 1, writes: 1, reads: 1, failures: 1 })
    .invoke(0)
    .deliver('write', 'c0', 't1')
    .deliver('forward', 't1', 't2') // the tail commits v1 and acks
    .crash(1) // the predecessor fails before the ack reaches it: committed at the tail only
    .managerSeesDown(1)
    .deliver('ack', 't2', 't1') // lost: t1 is down
    .restart(1)
    .heartbeat(1) // back online: SYNCING behind t2
    .sync('syncStart')
    .sync('syncDump')
    .sync('syncChunk')
    .sync('syncAck')
    .syncDone()
    .timeout('c0') // the client retries its write
    .settle();
}

describe('3FS issue 345: tail committed, predecessor not, predecessor fails and returns', () => {
  it('recovery completes: the returning target is SERVING again after one sync', () => {
    const sc = issue345();
    expect(sc.s.m.chains[0].members.map((m) => `${m.target}:${m.state}`)).toEqual(['2:serving', '1:serving']);
    expect(sc.s.c.toManager).toEqual([]);
    expect(sc.s.c.targets.every((t) => t.durable.dirty.length === 0)).toBe(true);
  });

  it('the write survives on both replicas and the retry is answered once, at v1', () => {
    const sc = issue345();
    for (const t of sc.s.c.targets) {
      const r = t.durable.chunks.get('x')!;
      expect([r.commitVer, hexOf(r.data), r.pending]).toEqual([1, '11', undefined]);
    }
    const w = sc.s.c.history.find((h) => h.op.kind === 'write')!;
    expect(w.result).toEqual({ ok: true, kind: 'write', commitVer: 1 });
    sc.invoke(0).settle();
    const r = sc.s.c.history.find((h) => h.op.kind === 'read')!;
    expect(r.result?.ok && r.result.kind === 'read' ? hexOf(r.result.data) : r.result).toBe('11');
  });

  it('matches the recorded transcript (testdata/issue-345.txt)', () => {
    const text = issue345().transcript();
    if (process.env.REWRITE) fs.writeFileSync(FILE, text);
    expect(text).toBe(fs.readFileSync(FILE, 'utf8'));
  });
});
