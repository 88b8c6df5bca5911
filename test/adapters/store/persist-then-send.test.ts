/**
 * PersistThenSend (adapters/store/types.ts): DESIGN.md "durability orderings live in the
 * types": a step's messages leave only after its persist resolved, and a later plain send
 * never overtakes an earlier persist.
 */
import { ChunkStore, PersistBatch, PersistThenSend } from '../../../adapters/store/types';
import { SendEffect, SyncSendEffect, TargetEffect } from '../../../core/craq/target';
import { chunkId, clientId, targetId } from '../../../spec/ids';

/** A store whose persists resolve (or fail) only when the test says so. */
class GateStore implements ChunkStore {
  readonly gates: { batch: PersistBatch; resolve: () => void; reject: (e: Error) => void }[] = [];
  persist(batch: PersistBatch): Promise<void> {
    return new Promise((resolve, reject) => this.gates.push({ batch, resolve, reject }));
  }
  counters() {
    return { persists: this.gates.length, fsyncs: 0, bytesWritten: 0, compactions: 0 };
  }
  close() {
    return Promise.resolve();
  }
}

const send = (seq: number): SendEffect => ({ kind: 'send', to: { kind: 'client', id: clientId(1) }, msg: { kind: 'writeReply', client: clientId(1), channel: 0, seq, chunk: chunkId('c'), ok: true, commitVer: seq } });
const persist = (...thenSend: SendEffect[]): TargetEffect => ({ kind: 'persist', chunks: [], retry: [], thenSend });
const seqOf = (s: SendEffect | SyncSendEffect) => (s.kind === 'send' && s.msg.kind === 'writeReply' ? s.msg.seq : -1);
const flush = () => new Promise((r) => setImmediate(r));

describe('PersistThenSend', () => {
  test('thenSend waits for its persist; a later plain send waits for every earlier persist; order is kept', async () => {
    const store = new GateStore();
    const sent: number[] = [];
    const r = new PersistThenSend(store, (s) => sent.push(seqOf(s)), (e) => { throw e; });
    const rest = r.run([persist(send(1)), { kind: 'scheduleTick', atMs: 5 }]);
    expect(rest).toEqual([{ kind: 'scheduleTick', atMs: 5 }]);
    r.run([send(2)]);
    r.run([persist(send(3))]);
    await flush();
    expect(sent).toEqual([]);
    store.gates[1].resolve(); // the later persist is durable first: still nothing may go
    await flush();
    expect(sent).toEqual([]);
    store.gates[0].resolve();
    await r.idle();
    expect(sent).toEqual([1, 2, 3]);
    r.run([send(4)]); // nothing outstanding: goes at once, synchronously
    expect(sent).toEqual([1, 2, 3, 4]);
  });

  test('thenSync goes out with thenSend after the persist', async () => {
    const store = new GateStore();
    const sent: string[] = [];
    const r = new PersistThenSend(store, (s) => sent.push(s.kind), (e) => { throw e; });
    const sync: SyncSendEffect = { kind: 'syncSend', to: targetId(2), msg: {} as SyncSendEffect['msg'] };
    r.run([{ kind: 'persist', chunks: [], retry: [], thenSend: [send(1)], thenSync: [sync] }]);
    await flush();
    expect(sent).toEqual([]);
    store.gates[0].resolve();
    await r.idle();
    expect(sent).toEqual(['send', 'syncSend']);
  });

  test('a failed persist is fatal: onFatal once, and nothing issued after it is sent', async () => {
    const store = new GateStore();
    const sent: number[] = [];
    const fatal: unknown[] = [];
    const r = new PersistThenSend(store, (s) => sent.push(seqOf(s)), (e) => fatal.push(e));
    r.run([persist(send(1))]);
    r.run([send(2)]);
    r.run([persist(send(3))]);
    store.gates[0].reject(new Error('disk full'));
    store.gates[1]?.resolve();
    await r.idle();
    expect(sent).toEqual([]);
    expect(fatal).toHaveLength(1);
    expect(String(fatal[0])).toMatch(/disk full/);
  });
});
