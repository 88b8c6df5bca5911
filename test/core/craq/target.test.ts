/**
 * One test per write/read-path rule of the storage target (ANCHORS.md "3FS: CRAQ as shipped",
 * numbered as there). Each drives `step` directly and asserts the exact effects.
 */
import { chunkId, clientId, targetId } from '../../../spec/ids';
import { CraqMessage, ErrorCode, Forward, WriteReq } from '../../../spec/craq';
import { RoutingTable } from '../../../spec/routing';
import {
  DEFAULT_TARGET_CONFIG,
  TargetConfig,
  TargetEffect,
  TargetInput,
  TargetState,
  initialTargetState,
  replicaOf,
  step,
  updateVerOf,
} from '../../../core/craq/target';
import { checksumOf, packSum } from '../../../core/craq/checksum';
import { CHAIN, X, bytes, routing } from './helpers';

const T = (n: number) => targetId(n);
const cfgOf = (self: number, over: Partial<TargetConfig> = {}): TargetConfig => ({ ...DEFAULT_TARGET_CONFIG, chunkSizeBytes: 64, self: T(self), ...over });

function run(cfg: TargetConfig, s: TargetState, ...inputs: TargetInput[]): [TargetState, TargetEffect[]] {
  let cur = s;
  const all: TargetEffect[] = [];
  for (const i of inputs) {
    const [n, e] = step(cfg, cur, i);
    cur = n;
    all.push(...e);
  }
  return [cur, all];
}

/** Every message the effects send, in order (persist-gated ones included). */
function sent(effects: readonly TargetEffect[]): { to: string; msg: CraqMessage }[] {
  const out: { to: string; msg: CraqMessage }[] = [];
  for (const e of effects) {
    if (e.kind === 'send') out.push({ to: `${e.to.kind[0]}${e.to.id}`, msg: e.msg });
    if (e.kind === 'persist') for (const x of e.thenSend) out.push({ to: `${x.to.kind[0]}${x.to.id}`, msg: x.msg });
  }
  return out;
}

const codeOf = (m: CraqMessage): ErrorCode | undefined => ('ok' in m && m.ok === false ? m.code : undefined);
const at = (nowMs: number) => ({ nowMs });
const routed = (cfg: TargetConfig, table: RoutingTable = routing(3)) => run(cfg, initialTargetState(), { kind: 'routing', table, ...at(0) })[0];

function write(seq: number, data: Uint8Array, over: Partial<WriteReq> = {}): TargetInput {
  return { kind: 'received', msg: { kind: 'write', client: clientId(0), channel: 0, seq, chain: CHAIN, chainVer: 1, chunk: X, offset: 0, data, ...over }, ...at(0) };
}
function forward(from: number, ver: number, data: Uint8Array, over: Partial<Forward> = {}): TargetInput {
  return {
    kind: 'received',
    msg: { kind: 'forward', from: T(from), chain: CHAIN, chainVer: 1, chunk: X, ver, offset: 0, data, full: false, client: clientId(0), channel: 0, seq: ver, ...over },
    ...at(0),
  };
}
function ack(from: number, ver: number, sum: number, code?: 'ChunkStaleUpdate' | 'ChunkCommittedUpdate'): TargetInput {
  return { kind: 'received', msg: { kind: 'ack', from: T(from), chain: CHAIN, chainVer: 1, chunk: X, ver, ok: true, sum, code }, ...at(0) };
}
function ackFail(from: number, ver: number, code: ErrorCode): TargetInput {
  return { kind: 'received', msg: { kind: 'ack', from: T(from), chain: CHAIN, chainVer: 1, chunk: X, ver, ok: false, code }, ...at(0) };
}
function read(over: Record<string, unknown> = {}): TargetInput {
  return { kind: 'received', msg: { kind: 'read', client: clientId(0), reqId: 9, chain: CHAIN, chainVer: 1, chunk: X, offset: 0, length: 2, relaxed: false, ...over } as never, ...at(0) };
}

describe('rule 1: routing checks', () => {
  test('a write with an older chain version gets RoutingVersionMismatch and changes nothing durable', () => {
    const s = routed(cfgOf(1));
    const [n, e] = run(cfgOf(1), s, write(1, bytes(1), { chainVer: 0 }));
    expect(codeOf(sent(e)[0].msg)).toBe('RoutingVersionMismatch');
    expect(n.durable).toBe(s.durable);
  });
  test('a client write that reaches a non-head gets RoutingError', () => {
    const [, e] = run(cfgOf(2), routed(cfgOf(2)), write(1, bytes(1)));
    expect(codeOf(sent(e)[0].msg)).toBe('RoutingError');
  });
  test('a target without routing (just restarted) answers TargetNotReady', () => {
    const [, e] = run(cfgOf(1), initialTargetState(), write(1, bytes(1)));
    expect(codeOf(sent(e)[0].msg)).toBe('TargetNotReady');
  });
  test('a forward with a stale chain version is refused with RoutingVersionMismatch', () => {
    const [, e] = run(cfgOf(2), routed(cfgOf(2)), forward(1, 1, bytes(1), { chainVer: 7 }));
    expect(sent(e)[0]).toMatchObject({ to: 't1', msg: { kind: 'ack', ok: false, code: 'RoutingVersionMismatch' } });
  });
  test('a routing table with an older chain version is ignored (INV-CRAQ-5)', () => {
    const s = routed(cfgOf(1), routing(3, 5));
    const [n] = run(cfgOf(1), s, { kind: 'routing', table: routing(2, 4), nowMs: 0 });
    expect(n.volatile.routing!.get(CHAIN)!.version).toBe(5);
  });
  test('a write beyond the chunk size gets InvalidRange', () => {
    const [, e] = run(cfgOf(1), routed(cfgOf(1)), write(1, bytes(1, 2), { offset: 63 }));
    expect(codeOf(sent(e)[0].msg)).toBe('InvalidRange');
  });
});

describe('rule 2: de-duplication per (client, chain, channel)', () => {
  function committedAtHead() {
    const cfg = cfgOf(1);
    const [s1] = run(cfg, routed(cfg), write(5, bytes(4)));
    const sum = packSum(replicaOf(s1, X).pending!.sum);
    return { cfg, s: run(cfg, s1, ack(2, 1, sum))[0] };
  }
  test('a lower sequence number gets DuplicateUpdate', () => {
    const { cfg, s } = committedAtHead();
    const [, e] = run(cfg, s, write(4, bytes(9)));
    expect(codeOf(sent(e)[0].msg)).toBe('DuplicateUpdate');
  });
  test('the same sequence number returns the cached result without a new version', () => {
    const { cfg, s } = committedAtHead();
    const [n, e] = run(cfg, s, write(5, bytes(9)));
    expect(sent(e)).toEqual([{ to: 'c0', msg: expect.objectContaining({ kind: 'writeReply', ok: true, commitVer: 1 }) }]);
    expect(replicaOf(n, X).commitVer).toBe(1);
    expect(replicaOf(n, X).data).toEqual(bytes(4));
  });
  test('the same sequence number while in flight is attached, not applied twice', () => {
    const cfg = cfgOf(1);
    const [s1] = run(cfg, routed(cfg), write(5, bytes(4)));
    const [n, e] = run(cfg, s1, write(5, bytes(4)));
    expect(sent(e)).toEqual([]);
    expect(e).toContainEqual(expect.objectContaining({ kind: 'ignored' }));
    expect(updateVerOf(replicaOf(n, X))).toBe(1);
  });
  test('another channel of the same client is independent', () => {
    const { cfg, s } = committedAtHead();
    const [n] = run(cfg, s, write(1, bytes(6), { channel: 1 }));
    expect(replicaOf(n, X).pending!.ver).toBe(2);
  });
  test('successors record the tag too, so a new head answers a retry from its cache', () => {
    const cfg = cfgOf(3);
    const [s1] = run(cfg, routed(cfg), forward(2, 1, bytes(3), { seq: 5 }));
    expect(replicaOf(s1, X).commitVer).toBe(1);
    // t3 becomes head after t1 and t2 leave
    const table: RoutingTable = { version: 2, chains: [{ id: CHAIN, version: 2, targets: [{ target: T(3), node: 3 as never, state: 'serving' }] }] };
    const [s2] = run(cfg, s1, { kind: 'routing', table, nowMs: 0 });
    const [, e] = run(cfg, s2, write(5, bytes(3), { chainVer: 2 }));
    expect(sent(e)[0].msg).toMatchObject({ kind: 'writeReply', ok: true, commitVer: 1 });
  });
});

describe('rule 3: a chunk lock on every replica, held through forward and commit', () => {
  test('a second write to a locked chunk waits, and starts when the first commits', () => {
    const cfg = cfgOf(1);
    const [s1] = run(cfg, routed(cfg), write(1, bytes(1)));
    const [s2, e2] = run(cfg, s1, write(1, bytes(2), { channel: 1 }));
    expect(sent(e2)).toEqual([]);
    expect(s2.volatile.locks.get(X)!.queue).toHaveLength(1);
    const [s3, e3] = run(cfg, s2, ack(2, 1, packSum(replicaOf(s1, X).pending!.sum)));
    const msgs = sent(e3);
    expect(msgs[0].msg).toMatchObject({ kind: 'writeReply', channel: 0, ok: true, commitVer: 1 });
    expect(msgs[1].msg).toMatchObject({ kind: 'forward', ver: 2 });
    expect(replicaOf(s3, X).pending!.ver).toBe(2);
  });
  test('a full queue answers TargetBusy (pendingWritesMax)', () => {
    const cfg = cfgOf(1, { pendingWritesMax: 1 });
    const [s1] = run(cfg, routed(cfg), write(1, bytes(1)), write(1, bytes(2), { channel: 1 }));
    const [, e] = run(cfg, s1, write(1, bytes(3), { channel: 2 }));
    expect(codeOf(sent(e)[0].msg)).toBe('TargetBusy');
  });
});

describe('rule 4: versions', () => {
  test('the head assigns updateVer + 1 and forwards that version', () => {
    const cfg = cfgOf(1);
    const [s, e] = run(cfg, routed(cfg), write(1, bytes(1)));
    expect(replicaOf(s, X)).toMatchObject({ commitVer: 0, pending: { ver: 1 } });
    expect(sent(e)).toEqual([{ to: 't2', msg: expect.objectContaining({ kind: 'forward', ver: 1, offset: 0, data: bytes(1) }) }]);
  });
  test('head: a new write while a version is pending gets ChunkAdvanceUpdate (and the pending one is re-driven)', () => {
    const cfg = cfgOf(1);
    const [s1] = run(cfg, routed(cfg), write(1, bytes(1)));
    const [s2, e2] = run(cfg, s1, ackFail(2, 1, 'ChunkMissingUpdate'));
    expect(sent(e2)[0].msg).toMatchObject({ kind: 'writeReply', ok: false, code: 'ChunkMissingUpdate' });
    expect(replicaOf(s2, X).pending!.ver).toBe(1);
    const [s3, e3] = run(cfg, s2, write(1, bytes(2), { channel: 1 }));
    expect(codeOf(sent(e3)[0].msg)).toBe('ChunkAdvanceUpdate');
    expect(sent(e3)[1].msg).toMatchObject({ kind: 'forward', ver: 1 });
    expect(s3.volatile.locks.get(X)!.active!.ver).toBe(1);
  });
  test('successor: u <= commitVer is ChunkCommittedUpdate, a success that stops there', () => {
    const cfg = cfgOf(3);
    const [s1] = run(cfg, routed(cfg), forward(2, 1, bytes(1)));
    const [, e] = run(cfg, s1, forward(2, 1, bytes(1)));
    expect(sent(e)).toEqual([{ to: 't2', msg: expect.objectContaining({ kind: 'ack', ok: true, code: 'ChunkCommittedUpdate' }) }]);
  });
  test('successor: u <= updateVer is ChunkStaleUpdate, a success that keeps forwarding', () => {
    const cfg = cfgOf(2);
    const [s1] = run(cfg, routed(cfg), forward(1, 1, bytes(1)));
    // the lock was lost in a crash; the predecessor retries the same version
    const [s2] = run(cfg, s1, { kind: 'crashed' });
    const s3 = { ...s2, volatile: { ...s2.volatile, routing: s1.volatile.routing, roles: s1.volatile.roles } };
    const [s4, e] = run(cfg, s3, forward(1, 1, bytes(1)));
    expect(sent(e)).toEqual([{ to: 't3', msg: expect.objectContaining({ kind: 'forward', ver: 1 }) }]);
    const [, e5] = run(cfg, s4, ack(3, 1, checksumOf(bytes(1))));
    expect(sent(e5)[0].msg).toMatchObject({ kind: 'ack', ok: true, ver: 1 });
  });
  test('successor: u > updateVer + 1 is ChunkMissingUpdate', () => {
    const cfg = cfgOf(2);
    const [, e] = run(cfg, routed(cfg), forward(1, 3, bytes(1)));
    expect(sent(e)[0].msg).toMatchObject({ kind: 'ack', ok: false, code: 'ChunkMissingUpdate' });
  });
});

describe('rules 5-6: pending, forward, tail commit, commit on ack', () => {
  test('the pending version is persisted before it is forwarded (the forward rides in persist.thenSend)', () => {
    const cfg = cfgOf(1);
    const [, e] = run(cfg, routed(cfg), write(1, bytes(1)));
    const p = e.find((x) => x.kind === 'persist');
    expect(p).toBeDefined();
    expect(p!.kind === 'persist' && p!.thenSend.map((x) => x.msg.kind)).toEqual(['forward']);
    expect(e.filter((x) => x.kind === 'send')).toEqual([]);
  });
  test('the tail commits at once and acks with its checksum, after persisting', () => {
    const cfg = cfgOf(3);
    const [s, e] = run(cfg, routed(cfg), forward(2, 1, bytes(1, 2)));
    expect(replicaOf(s, X)).toMatchObject({ commitVer: 1, data: bytes(1, 2), pending: undefined });
    const p = e.find((x) => x.kind === 'persist');
    expect(p!.kind === 'persist' && p!.thenSend[0].msg).toMatchObject({ kind: 'ack', ok: true, ver: 1, sum: checksumOf(bytes(1, 2)) });
  });
  test('a middle replica commits on its successor\'s ack and acks upstream', () => {
    const cfg = cfgOf(2);
    const [s1] = run(cfg, routed(cfg), forward(1, 1, bytes(5)));
    expect(replicaOf(s1, X).pending!.ver).toBe(1);
    const [s2, e] = run(cfg, s1, ack(3, 1, checksumOf(bytes(5))));
    expect(replicaOf(s2, X)).toMatchObject({ commitVer: 1, pending: undefined, chainVer: 1 });
    expect(sent(e)[0]).toEqual({ to: 't1', msg: expect.objectContaining({ kind: 'ack', ok: true, ver: 1 }) });
    expect(s2.volatile.locks.size).toBe(0);
  });
  test('an ack whose checksum differs gives ChecksumMismatch and no commit', () => {
    const cfg = cfgOf(1);
    const [s1] = run(cfg, routed(cfg), write(1, bytes(1)));
    const [s2, e] = run(cfg, s1, ack(2, 1, 12345));
    expect(codeOf(sent(e)[0].msg)).toBe('ChecksumMismatch');
    expect(replicaOf(s2, X).commitVer).toBe(0);
  });
  test('an ack for a version not in flight is ignored explicitly', () => {
    const cfg = cfgOf(1);
    const [s1, e] = run(cfg, routed(cfg), ack(2, 7, 0));
    expect(e).toEqual([expect.objectContaining({ kind: 'ignored' })]);
    expect(s1.durable.chunks.size).toBe(0);
  });
  test('writes apply at (offset, length) within the chunk', () => {
    const cfg = cfgOf(3);
    const [s] = run(cfg, routed(cfg), forward(2, 1, bytes(1, 1, 1, 1)), forward(2, 2, bytes(9), { offset: 2 }));
    expect(replicaOf(s, X).data).toEqual(bytes(1, 1, 9, 1));
  });
});

describe('rule 7: forwarding retries with backoff and re-read routing', () => {
  test('after the successor is moved out, the retry goes to the new successor', () => {
    const cfg = cfgOf(1);
    const [s1] = run(cfg, routed(cfg), write(1, bytes(1)));
    const table: RoutingTable = {
      version: 2,
      chains: [{ id: CHAIN, version: 2, targets: [{ target: T(1), node: 1 as never, state: 'serving' }, { target: T(3), node: 3 as never, state: 'serving' }, { target: T(2), node: 2 as never, state: 'offline' }] }],
    };
    const [s2] = run(cfg, s1, { kind: 'routing', table, nowMs: 50 });
    const [s3, e] = run(cfg, s2, { kind: 'tick', nowMs: 100 });
    expect(sent(e)).toEqual([{ to: 't3', msg: expect.objectContaining({ kind: 'forward', ver: 1, chainVer: 2 }) }]);
    expect(e).toContainEqual({ kind: 'scheduleTick', atMs: 300 });
    expect(s3.volatile.locks.get(X)!.active!.successor).toBe(3);
  });
  test('backoff doubles from 100 ms up to 1 s, and the write times out after 60 s', () => {
    const cfg = cfgOf(1);
    let [s] = run(cfg, routed(cfg), write(1, bytes(1)));
    const waits: number[] = [];
    let now = 100;
    for (let i = 0; i < 6; i++) {
      const [n, e] = run(cfg, s, { kind: 'tick', nowMs: now });
      s = n;
      const t = e.find((x) => x.kind === 'scheduleTick');
      waits.push(t!.kind === 'scheduleTick' ? t!.atMs - now : -1);
      now = t!.kind === 'scheduleTick' ? t!.atMs : now;
    }
    expect(waits).toEqual([200, 400, 800, 1000, 1000, 1000]);
    const [, e] = run(cfg, s, { kind: 'tick', nowMs: 60_000 });
    expect(codeOf(sent(e)[0].msg)).toBe('Timeout');
  });
});

describe('read path', () => {
  function dirtyMiddle(over: Partial<TargetConfig> = {}) {
    const cfg = cfgOf(2, over);
    const [s1] = run(cfg, routed(cfg), forward(1, 1, bytes(1, 1)));
    const [s2] = run(cfg, s1, ack(3, 1, checksumOf(bytes(1, 1))));
    const [s3] = run(cfg, s2, forward(1, 2, bytes(2, 2), { seq: 2 }));
    return { cfg, s: s3 };
  }
  test('a clean chunk is served by any serving replica', () => {
    const cfg = cfgOf(3);
    const [s1] = run(cfg, routed(cfg), forward(2, 1, bytes(4, 5)));
    const [, e] = run(cfg, s1, read());
    expect(sent(e)[0].msg).toMatchObject({ kind: 'readReply', ok: true, ver: 1, data: bytes(4, 5), committed: true });
  });
  test('a never-written chunk reads as version 0, zeros', () => {
    const [, e] = run(cfgOf(2), routed(cfgOf(2)), read());
    expect(sent(e)[0].msg).toMatchObject({ ok: true, ver: 0, data: bytes(0, 0) });
  });
  test('3fs policy: a dirty chunk answers ChunkNotCommit', () => {
    const { cfg, s } = dirtyMiddle();
    const [, e] = run(cfg, s, read());
    expect(codeOf(sent(e)[0].msg)).toBe('ChunkNotCommit');
  });
  test('3fs policy, relaxed read: the pending data, marked uncommitted', () => {
    const { cfg, s } = dirtyMiddle();
    const [, e] = run(cfg, s, read({ relaxed: true }));
    expect(sent(e)[0].msg).toMatchObject({ ok: true, ver: 2, data: bytes(2, 2), committed: false });
  });
  test('craq policy: a dirty replica asks the tail, then serves the version the tail committed', () => {
    const { cfg, s } = dirtyMiddle({ dirtyRead: 'craq' });
    const [s1, e1] = run(cfg, s, read());
    const q = sent(e1)[0];
    expect(q).toMatchObject({ to: 't3', msg: { kind: 'versionQuery', chunk: 'x' } });
    const qid = (q.msg as { qid: number }).qid;
    // the tail already committed v2: serve the pending (now committed) bytes
    const [, e2] = run(cfg, s1, { kind: 'received', msg: { kind: 'versionReply', from: T(3), qid, chunk: X, ok: true, commitVer: 2 }, nowMs: 1 });
    expect(sent(e2)[0].msg).toMatchObject({ ok: true, ver: 2, data: bytes(2, 2), committed: true });
    // the tail has v1 committed: serve our committed v1
    const [, e3] = run(cfg, s1, { kind: 'received', msg: { kind: 'versionReply', from: T(3), qid, chunk: X, ok: true, commitVer: 1 }, nowMs: 1 });
    expect(sent(e3)[0].msg).toMatchObject({ ok: true, ver: 1, data: bytes(1, 1) });
  });
  test('craq policy: the version query is answered only by the tail', () => {
    const cfg = cfgOf(2, { dirtyRead: 'craq' });
    const [, e] = run(cfg, routed(cfg), { kind: 'received', msg: { kind: 'versionQuery', from: T(1), qid: 1, chain: CHAIN, chainVer: 1, chunk: X }, nowMs: 0 });
    expect(sent(e)[0].msg).toMatchObject({ kind: 'versionReply', ok: false, code: 'RoutingError' });
  });
  test('craq policy: a parked read whose query is lost answers ChunkNotCommit after the timeout', () => {
    const { cfg, s } = dirtyMiddle({ dirtyRead: 'craq' });
    const [s1] = run(cfg, s, read());
    const [s2, e] = run(cfg, s1, { kind: 'tick', nowMs: cfg.versionQueryTimeoutMs });
    expect(sent(e).map((x) => codeOf(x.msg))).toContain('ChunkNotCommit');
    expect(s2.volatile.reads.size).toBe(0);
  });
  test('a target that is not serving (syncing) refuses reads with RoutingError', () => {
    const table: RoutingTable = {
      version: 1,
      chains: [{ id: CHAIN, version: 1, targets: [{ target: T(1), node: 1 as never, state: 'serving' }, { target: T(2), node: 2 as never, state: 'syncing' }] }],
    };
    const [, e] = run(cfgOf(2), routed(cfgOf(2), table), read());
    expect(codeOf(sent(e)[0].msg)).toBe('RoutingError');
  });
});

describe('durable and volatile state', () => {
  test('a crash drops volatile state (routing, locks) and keeps durable state', () => {
    const cfg = cfgOf(1);
    const [s1] = run(cfg, routed(cfg), write(1, bytes(1)));
    const [s2, e] = run(cfg, s1, { kind: 'crashed' });
    expect(e).toEqual([]);
    expect(s2.volatile).toEqual({ routing: null, roles: new Map(), locks: new Map(), reads: new Map(), nextQid: 0, syncs: new Map() });
    expect(s2.durable.chunks).toBe(s1.durable.chunks);
    expect(s2.durable.epoch).toBe(1);
  });
  test('on restart (routing arrives) a durable pending version is re-driven down the chain', () => {
    const cfg = cfgOf(1);
    const [s1] = run(cfg, routed(cfg), write(1, bytes(1)));
    const [s2] = run(cfg, s1, { kind: 'crashed' });
    const [s3, e] = run(cfg, s2, { kind: 'routing', table: routing(3), nowMs: 10 });
    expect(sent(e)).toEqual([{ to: 't2', msg: expect.objectContaining({ kind: 'forward', ver: 1 }) }]);
    // the head answers the waiting client when the re-driven version commits
    const [, e4] = run(cfg, s3, ack(2, 1, packSum(replicaOf(s3, X).pending!.sum)));
    expect(sent(e4)[0].msg).toMatchObject({ kind: 'writeReply', ok: true, commitVer: 1 });
  });
  test('INV-CRAQ-1 holds for every chunk a step touches (commitVer <= updateVer <= commitVer + 1)', () => {
    const cfg = cfgOf(2);
    const [s] = run(cfg, routed(cfg), forward(1, 1, bytes(1)), ack(3, 1, checksumOf(bytes(1))), forward(1, 2, bytes(2)));
    const r = replicaOf(s, X);
    expect(r.commitVer).toBe(1);
    expect(updateVerOf(r)).toBe(2);
  });
});

test('chunk ids are per-chunk: two chunks progress independently', () => {
  const cfg = cfgOf(1);
  const y = chunkId('y');
  const [s] = run(cfg, routed(cfg), write(1, bytes(1)), write(1, bytes(2), { channel: 1, chunk: y }));
  expect(replicaOf(s, X).pending!.ver).toBe(1);
  expect(replicaOf(s, y).pending!.ver).toBe(1);
  expect(s.volatile.locks.size).toBe(2);
});

describe('adoptWriteBuffers: a whole-chunk write becomes the image without a copy', () => {
  const ownBuffer = (...xs: number[]) => Uint8Array.from(xs); // a view spanning its whole ArrayBuffer
  test('off (default): the image is a fresh copy; the forwarded bytes are a view of it, equal to the write', () => {
    const cfg = cfgOf(1);
    const d = ownBuffer(1, 2, 3, 4);
    const [s, e] = run(cfg, routed(cfg), write(1, d));
    const p = replicaOf(s, X).pending!;
    expect(p.data).not.toBe(d);
    expect([...p.data]).toEqual([1, 2, 3, 4]);
    expect(p.delta.buffer).toBe(p.data.buffer);
    expect([...p.delta]).toEqual([1, 2, 3, 4]);
    const fwd = sent(e).find((x) => x.msg.kind === 'forward')!.msg as Forward;
    expect([...fwd.data]).toEqual([1, 2, 3, 4]);
  });
  test('on: a write at offset 0 covering the chunk is adopted (head and successor), with the same checksum as a copy', () => {
    const on = cfgOf(1, { adoptWriteBuffers: true });
    const off = cfgOf(1);
    const [s0] = run(on, routed(on), write(1, ownBuffer(9, 9)));
    const [c0] = run(off, routed(off), write(1, ownBuffer(9, 9)));
    const committed = (s: TargetState) => run(on, s, ack(2, 1, packSum(replicaOf(s, X).pending!.sum)))[0];
    const s1 = committed(s0);
    const d = ownBuffer(5, 6, 7);
    const [s2, e] = run(on, s1, write(2, d, { seq: 2 }));
    const p = replicaOf(s2, X).pending!;
    expect(p.data).toBe(d);
    expect(p.delta).toBe(d);
    expect([...d]).toEqual([5, 6, 7]); // never written into
    const c1 = run(off, c0, ack(2, 1, packSum(replicaOf(c0, X).pending!.sum)))[0];
    const [c2] = run(off, c1, write(2, ownBuffer(5, 6, 7), { seq: 2 }));
    expect(p.sum).toEqual(replicaOf(c2, X).pending!.sum);
    expect((sent(e).find((x) => x.msg.kind === 'forward')!.msg as Forward).data).toBe(d);
    // the successor adopts a forwarded whole-chunk write too
    const mid = cfgOf(2, { adoptWriteBuffers: true });
    const f = ownBuffer(4, 4, 4, 4);
    const [m] = run(mid, routed(mid), forward(1, 1, f));
    expect(replicaOf(m, X).pending!.data).toBe(f);
  });
  test('on: a partial write (offset > 0, or shorter than the chunk) is copied; the old image is untouched', () => {
    const cfg = cfgOf(1, { adoptWriteBuffers: true });
    const [s0] = run(cfg, routed(cfg), write(1, ownBuffer(1, 1, 1, 1)));
    const s1 = run(cfg, s0, ack(2, 1, packSum(replicaOf(s0, X).pending!.sum)))[0];
    const old = replicaOf(s1, X).data;
    for (const [seq, over, d, want] of [
      [2, { offset: 0 }, ownBuffer(7, 7), [7, 7, 1, 1]],
      [2, { offset: 1 }, ownBuffer(7, 7, 7, 7), [1, 7, 7, 7, 7]],
    ] as const) {
      const [s2] = run(cfg, s1, write(seq, d as Uint8Array, { seq, ...over }));
      const p = replicaOf(s2, X).pending!;
      expect(p.data).not.toBe(d);
      expect([...p.data]).toEqual(want);
      expect([...old]).toEqual([1, 1, 1, 1]);
    }
  });
  test('on: a small view into a larger buffer (a payload sliced out of a socket read) is copied, not adopted', () => {
    const cfg = cfgOf(1, { adoptWriteBuffers: true });
    const big = new Uint8Array(64);
    big.set([3, 3, 3], 10);
    const view = big.subarray(10, 13);
    const [s] = run(cfg, routed(cfg), write(1, view));
    const p = replicaOf(s, X).pending!;
    expect(p.data.buffer).not.toBe(big.buffer);
    expect([...p.data]).toEqual([3, 3, 3]);
  });
});
