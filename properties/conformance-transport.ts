/**
 * Conformance suite for MessageTransport implementations carrying CRAQ messages
 * (adapters/transport/types.ts), runnable from jest or any runner: each check is an async
 * function that throws (with the fast-check seed) when the transport breaks the contract.
 *
 *   import { checkTransportConformance } from 'chainrep/properties';
 *   await checkTransportConformance(myHarness, { numRuns: 10 });
 *
 * Checks: ordering and framing (every message arrives once, in send order, field for
 * field and byte for byte, payloads from 0 bytes to past one socket read); request/reply
 * correlation when replies come back in another order; request timeouts; rejection of
 * bad frames (counted, reported with the field, never delivered, and the connection or
 * at least the transport keeps serving). Bad frames are transport-specific bytes, so the
 * harness supplies them (`raw`); `tcpRawAccess` does it for adapters/transport/tcp.ts.
 */
import { createHash } from 'node:crypto';
import * as net from 'node:net';
import fc from 'fast-check';
import { CraqMessage, ERROR_CODES } from '../spec/craq';
import { chainId, chunkId, clientId, targetId } from '../spec/ids';
import { encodeFrameHead } from '../spec/frame';
import { Endpoint, Inbound, MessageTransport, Rejection, TransportError } from '../adapters/transport/types';
import { craqWireCodec } from '../adapters/transport/craq-codec';
import { ConformanceOptions } from './conformance-store';

/** Two transports that reach each other by name: `a` sends to `bName`, `b` to `aName`. */
export interface TransportPair {
  readonly a: MessageTransport<CraqMessage>;
  readonly b: MessageTransport<CraqMessage>;
  readonly aName: string;
  readonly bName: string;
  close(): Promise<void>;
}

/** A raw byte stream to `b`, for injecting bad frames. */
export interface RawConn {
  write(bytes: Uint8Array): void;
  /** Resolves true if the transport closed the stream within `ms`. */
  closedWithin(ms: number): Promise<boolean>;
  close(): void;
}

export interface BadFrame {
  readonly name: string;
  readonly bytes: Uint8Array;
  /** Must the receiver close the connection? (otherwise it must keep serving it) */
  readonly closes: boolean;
  /** The field the rejection must name, when the case targets one. */
  readonly field?: string;
}

export interface RawAccess {
  /** Open a raw stream to `b` that has introduced itself as peer `name`. */
  connect(pair: TransportPair, name: string): Promise<RawConn>;
  /** A valid one-way frame carrying `msg`. */
  validFrame(msg: CraqMessage): Uint8Array;
  /** Bad frames derived from `msg`; `pick` chooses among random variants. */
  badFrames(msg: CraqMessage, pick: number): BadFrame[];
}

export interface TransportHarness {
  readonly name: string;
  pair(): Promise<TransportPair>;
  readonly raw?: RawAccess;
}

function params(o: ConformanceOptions, runs: number): fc.Parameters<unknown> {
  return { numRuns: o.numRuns ?? runs, ...(o.seed !== undefined ? { seed: o.seed } : {}) };
}

// ------------------------------------------------------------------ messages

const bytesArb = fc.oneof(
  { weight: 6, arbitrary: fc.uint8Array({ maxLength: 64 }) },
  { weight: 1, arbitrary: fc.integer({ min: 60_000, max: 300_000 }).map((n) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + n) & 0xff)) },
);
const nat = fc.nat(1_000_000);
const code = fc.constantFrom(...ERROR_CODES);

/** Arbitrary valid CRAQ messages, every kind, with payloads up to 300 KB. */
export const craqMessageArb: fc.Arbitrary<CraqMessage> = fc.oneof(
  fc.record({ kind: fc.constant('write' as const), client: nat.map(clientId), channel: nat, seq: nat, chain: nat.map(chainId), chainVer: nat, chunk: fc.stringMatching(/^[a-z0-9]{1,12}$/).map(chunkId), offset: nat, data: bytesArb }),
  fc.record({ kind: fc.constant('forward' as const), from: nat.map(targetId), chain: nat.map(chainId), chainVer: nat, chunk: fc.constant(chunkId('k1')), ver: nat, offset: nat, data: bytesArb, full: fc.boolean(), client: nat.map(clientId), channel: nat, seq: nat }),
  fc.record({ kind: fc.constant('ack' as const), from: nat.map(targetId), chain: nat.map(chainId), chainVer: nat, chunk: fc.constant(chunkId('k2')), ver: nat, ok: fc.constant(true as const), sum: fc.nat(2 ** 52 - 1), code: fc.constantFrom(undefined, 'ChunkStaleUpdate' as const, 'ChunkCommittedUpdate' as const) }),
  fc.record({ kind: fc.constant('ack' as const), from: nat.map(targetId), chain: nat.map(chainId), chainVer: nat, chunk: fc.constant(chunkId('k3')), ver: nat, ok: fc.constant(false as const), code }),
  fc.record({ kind: fc.constant('read' as const), client: nat.map(clientId), reqId: nat, chain: nat.map(chainId), chainVer: nat, chunk: fc.constant(chunkId('k4')), offset: nat, length: nat, relaxed: fc.boolean() }),
  fc.record({ kind: fc.constant('readReply' as const), client: nat.map(clientId), reqId: nat, chunk: fc.constant(chunkId('k5')), from: nat.map(targetId), ok: fc.constant(true as const), ver: nat, data: bytesArb, committed: fc.boolean() }),
  fc.record({ kind: fc.constant('readReply' as const), client: nat.map(clientId), reqId: nat, chunk: fc.constant(chunkId('k6')), from: nat.map(targetId), ok: fc.constant(false as const), code }),
  fc.record({ kind: fc.constant('writeReply' as const), client: nat.map(clientId), channel: nat, seq: nat, chunk: fc.constant(chunkId('k7')), ok: fc.constant(true as const), commitVer: nat }),
  fc.record({ kind: fc.constant('versionQuery' as const), from: nat.map(targetId), qid: nat, chain: nat.map(chainId), chainVer: nat, chunk: fc.constant(chunkId('k8')) }),
  fc.record({ kind: fc.constant('versionReply' as const), from: nat.map(targetId), qid: nat, chunk: fc.constant(chunkId('k9')), ok: fc.constant(true as const), commitVer: nat }),
) as fc.Arbitrary<CraqMessage>;

/** Canonical text of a message: sorted fields, bytes as length + SHA-256, undefined dropped. */
export function canonicalMessage(m: unknown): string {
  const canon = (v: unknown): unknown => {
    if (v instanceof Uint8Array) return `bytes ${v.byteLength}:${createHash('sha256').update(v).digest('hex')}`;
    if (Array.isArray(v)) return v.map(canon);
    if (v !== null && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const k of Object.keys(v).sort()) if ((v as Record<string, unknown>)[k] !== undefined) out[k] = canon((v as Record<string, unknown>)[k]);
      return out;
    }
    return v;
  };
  return JSON.stringify(canon(m));
}

/** Collects what `b` receives, with a waiter for the n-th message. */
class Inbox {
  readonly got: Inbound<CraqMessage>[] = [];
  readonly rejections: Rejection[] = [];
  private waiters: { n: number; resolve: () => void }[] = [];
  constructor(t: MessageTransport<CraqMessage>) {
    t.onMessage((m) => {
      this.got.push(m);
      this.waiters = this.waiters.filter((w) => (this.got.length >= w.n ? (w.resolve(), false) : true));
    });
    t.onReject((r) => this.rejections.push(r));
  }
  async until(n: number, ms: number, what: string): Promise<void> {
    if (this.got.length >= n) return;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${what}: ${this.got.length} of ${n} messages arrived within ${ms} ms`)), ms);
      this.waiters.push({ n, resolve: () => (clearTimeout(timer), resolve()) });
    });
  }
}

async function withPair(h: TransportHarness, f: (p: TransportPair) => Promise<void>): Promise<void> {
  const p = await h.pair();
  try {
    await f(p);
  } finally {
    await p.close();
  }
}

// ------------------------------------------------------------------ properties

/** Ordering and framing: every message arrives once, in send order, equal field for field and byte for byte. */
export async function checkOrderingAndFraming(h: TransportHarness, o: ConformanceOptions = {}): Promise<void> {
  await fc.assert(
    fc.asyncProperty(fc.array(craqMessageArb, { minLength: 1, maxLength: 25 }), async (msgs) =>
      withPair(h, async (p) => {
        const inbox = new Inbox(p.b);
        await Promise.all(msgs.map((m) => p.a.send(p.bName, m)));
        await inbox.until(msgs.length, 5000, `${h.name}: ordering`);
        await new Promise((r) => setTimeout(r, 5)); // a duplicate would show up now
        if (inbox.got.length !== msgs.length) throw new Error(`${h.name}: sent ${msgs.length} messages, ${inbox.got.length} arrived`);
        for (let i = 0; i < msgs.length; i++) {
          const want = canonicalMessage(msgs[i]);
          const got = canonicalMessage(inbox.got[i].msg);
          if (got !== want) throw new Error(`${h.name}: message ${i} arrived as\n  ${got.slice(0, 300)}\nsent\n  ${want.slice(0, 300)}`);
          if (inbox.got[i].from !== p.aName) throw new Error(`${h.name}: message ${i} from '${inbox.got[i].from}', want '${p.aName}'`);
        }
        if (inbox.rejections.length > 0) throw new Error(`${h.name}: valid frames rejected: ${JSON.stringify(inbox.rejections[0])}`);
      }),
    ),
    params(o, 12),
  );
}

/** Requests get their own replies, even when the replier answers in reverse order. */
export async function checkRequestReply(h: TransportHarness, o: ConformanceOptions = {}): Promise<void> {
  await fc.assert(
    fc.asyncProperty(fc.array(fc.record({ reqId: fc.nat(1_000_000), length: fc.nat(5000) }), { minLength: 1, maxLength: 12 }), async (reqs) =>
      withPair(h, async (p) => {
        const held: Inbound<CraqMessage>[] = [];
        p.b.onMessage((m) => {
          held.push(m);
          if (held.length === reqs.length)
            for (const x of held.reverse()) {
              const r = x.msg as Extract<CraqMessage, { kind: 'read' }>;
              void x.reply!({ kind: 'readReply', client: r.client, reqId: r.reqId, chunk: r.chunk, from: targetId(9), ok: true, ver: r.length, data: new Uint8Array(r.length).fill(r.reqId & 0xff), committed: true });
            }
        });
        const replies = await Promise.all(
          reqs.map((q) => p.a.request(p.bName, { kind: 'read', client: clientId(1), reqId: q.reqId, chain: chainId(1), chainVer: 1, chunk: chunkId('r'), offset: 0, length: q.length, relaxed: false }, 5000)),
        );
        replies.forEach((r, i) => {
          if (r.kind !== 'readReply' || r.reqId !== reqs[i].reqId || !r.ok || r.ver !== reqs[i].length || r.data.length !== reqs[i].length)
            throw new Error(`${h.name}: request ${i} (reqId ${reqs[i].reqId}) got ${canonicalMessage(r).slice(0, 200)}`);
        });
      }),
    ),
    params(o, 10),
  );
}

/** A request nobody answers rejects with TransportError 'timeout', not much later than asked. */
export async function checkRequestTimeout(h: TransportHarness): Promise<void> {
  await withPair(h, async (p) => {
    p.b.onMessage(() => undefined);
    const t0 = Date.now();
    const err = await p.a.request(p.bName, { kind: 'versionQuery', from: targetId(1), qid: 1, chain: chainId(1), chainVer: 1, chunk: chunkId('x') }, 80).then(
      () => null,
      (e) => e,
    );
    const ms = Date.now() - t0;
    if (!(err instanceof TransportError) || err.code !== 'timeout') throw new Error(`${h.name}: an unanswered request ended with ${String(err)}, want TransportError('timeout')`);
    if (ms < 75 || ms > 2000) throw new Error(`${h.name}: an 80 ms request timed out after ${ms} ms`);
    if (p.a.counters().timeouts !== 1) throw new Error(`${h.name}: timeouts counter ${p.a.counters().timeouts}, want 1`);
  });
}

/**
 * Bad frames: each is rejected (counted once, reported with its field), never delivered;
 * the connection is closed exactly when the case says so; and the transport keeps
 * serving: a valid frame after it (same connection if kept) and a message from `a` arrive.
 */
export async function checkBadFrames(h: TransportHarness, o: ConformanceOptions = {}): Promise<void> {
  const raw = h.raw;
  if (!raw) throw new Error(`${h.name}: checkBadFrames needs the harness's raw access`);
  await fc.assert(
    fc.asyncProperty(craqMessageArb.filter((m) => !('data' in m) || m.data.length < 100_000), fc.nat(), async (msg, pick) =>
      withPair(h, async (p) => {
        const inbox = new Inbox(p.b);
        for (const bad of raw.badFrames(msg, pick)) {
          const before = p.b.counters();
          const conn = await raw.connect(p, 'mallory');
          const nGot = inbox.got.length;
          const nRej = inbox.rejections.length;
          conn.write(bad.bytes);
          if (!bad.closes) conn.write(raw.validFrame(msg));
          else await p.a.send(p.bName, msg);
          await inbox.until(nGot + 1, 3000, `${h.name}: after bad frame '${bad.name}'`);
          const closed = await conn.closedWithin(bad.closes ? 1000 : 30);
          conn.close();
          const after = p.b.counters();
          const where = `${h.name}: bad frame '${bad.name}'`;
          if (after.rejected !== before.rejected + 1) throw new Error(`${where}: rejected counter went ${before.rejected} -> ${after.rejected}, want +1`);
          if (inbox.rejections.length !== nRej + 1) throw new Error(`${where}: ${inbox.rejections.length - nRej} rejections reported, want 1`);
          const r = inbox.rejections[nRej];
          if (bad.field !== undefined && r.field !== bad.field) throw new Error(`${where}: rejection names field '${r.field}' (${r.message}), want '${bad.field}'`);
          if (closed !== bad.closes) throw new Error(`${where}: connection ${closed ? 'closed' : 'kept'}, want ${bad.closes ? 'closed' : 'kept'}`);
          if (r.closed !== bad.closes) throw new Error(`${where}: rejection says closed=${r.closed}`);
          if (bad.closes && after.closedOnBadFrame !== before.closedOnBadFrame + 1) throw new Error(`${where}: closedOnBadFrame not counted`);
          if (inbox.got.length !== nGot + 1 || canonicalMessage(inbox.got[nGot].msg) !== canonicalMessage(msg)) throw new Error(`${where}: the bad frame was delivered, or the valid one after it was not`);
        }
      }),
    ),
    params(o, 6),
  );
}

/**
 * Framing under any split: a stream of valid frames written in random-sized pieces (down to
 * one byte, so length prefixes and headers straddle reads) delivers the same messages.
 */
export async function checkArbitrarySplits(h: TransportHarness, o: ConformanceOptions = {}): Promise<void> {
  const raw = h.raw;
  if (!raw) throw new Error(`${h.name}: checkArbitrarySplits needs the harness's raw access`);
  await fc.assert(
    fc.asyncProperty(fc.array(craqMessageArb.filter((m) => !('data' in m) || m.data.length < 70_000), { minLength: 1, maxLength: 6 }), fc.array(fc.integer({ min: 1, max: 5000 }), { minLength: 1, maxLength: 40 }), async (msgs, cuts) =>
      withPair(h, async (p) => {
        const inbox = new Inbox(p.b);
        const conn = await raw.connect(p, 'splitter');
        const stream = Buffer.concat(msgs.map((m) => raw.validFrame(m)));
        let off = 0;
        for (let i = 0; off < stream.length; i++) {
          const n = Math.min(cuts[i % cuts.length], stream.length - off);
          conn.write(stream.subarray(off, off + n));
          off += n;
          await new Promise((r) => setImmediate(r));
        }
        await inbox.until(msgs.length, 5000, `${h.name}: split stream`);
        conn.close();
        msgs.forEach((m, i) => {
          if (canonicalMessage(inbox.got[i].msg) !== canonicalMessage(m)) throw new Error(`${h.name}: message ${i} differs after splitting the stream at ${cuts.join(',')}`);
        });
        if (inbox.rejections.length > 0) throw new Error(`${h.name}: a split valid stream was rejected: ${JSON.stringify(inbox.rejections[0])}`);
      }),
    ),
    params(o, 15),
  );
}

export async function checkTransportConformance(h: TransportHarness, o: ConformanceOptions = {}): Promise<void> {
  await checkOrderingAndFraming(h, o);
  await checkRequestReply(h, o);
  await checkRequestTimeout(h);
  if (h.raw) {
    await checkBadFrames(h, o);
    await checkArbitrarySplits(h, o);
  }
}

// ------------------------------------------------------------------ raw access for tcp.ts framing

function frame(env: unknown, payload: Uint8Array): Uint8Array {
  const head = encodeFrameHead(env as never, payload.length);
  return Buffer.concat([head, payload]);
}

/** A frame with arbitrary header bytes (not necessarily JSON). */
function frameWithHeaderBytes(header: Uint8Array, payload: Uint8Array, headerLenOverride?: number): Uint8Array {
  const b = Buffer.alloc(8 + header.length + payload.length);
  b.writeUInt32BE(4 + header.length + payload.length, 0);
  b.writeUInt32BE(headerLenOverride ?? header.length, 4);
  Buffer.from(header).copy(b, 8);
  Buffer.from(payload).copy(b, 8 + header.length);
  return b;
}

const WRONG_VALUES: readonly unknown[] = [-1, 'x', null, 1.5, true, { a: 1 }];

/** Bad-frame corpus and raw sockets for adapters/transport/tcp.ts's framing (spec/frame.ts). */
export function tcpRawAccess(endpointOf: (p: TransportPair) => Endpoint, maxFrameBytes: number): RawAccess {
  return {
    async connect(p, name) {
      const ep = endpointOf(p);
      const s = net.connect({ host: ep.host, port: ep.port });
      await new Promise<void>((resolve, reject) => {
        s.once('connect', resolve);
        s.once('error', reject);
      });
      s.on('error', () => undefined);
      s.setNoDelay(true);
      let closed = false;
      const closedP = new Promise<void>((r) => s.once('close', () => ((closed = true), r())));
      s.write(frame({ t: 'hello', v: 1, from: name }, new Uint8Array(0)));
      return {
        write: (b) => void s.write(b),
        closedWithin: async (ms) => {
          if (closed) return true;
          await Promise.race([closedP, new Promise((r) => setTimeout(r, ms))]);
          return closed;
        },
        close: () => s.destroy(),
      };
    },
    validFrame(msg) {
      const parts = craqWireCodec.encode(msg);
      return frame({ t: 'msg', m: parts.header }, parts.payload ?? new Uint8Array(0));
    },
    badFrames(msg, pick) {
      const parts = craqWireCodec.encode(msg);
      const header = parts.header as Record<string, unknown>;
      const payload = parts.payload ?? new Uint8Array(0);
      // fields outside the ok/failure union (decodeWith reports a union's deepest branch error,
      // which may name a sibling branch's field)
      const inUnion = 'ok' in header ? ['ok', 'sum', 'code', 'ver', 'committed', 'commitVer'] : [];
      const fields = Object.keys(header).filter((k) => header[k] !== undefined && k !== 'kind' && !inUnion.includes(k));
      const field = fields[pick % fields.length];
      // a value the field's codec must refuse: another type (numbers also refuse -1 and 1.5)
      const orig = header[field];
      const candidates = WRONG_VALUES.filter((v) => typeof orig === 'number' || typeof v !== typeof orig);
      const wrong = candidates[pick % candidates.length];
      const out: BadFrame[] = [
        { name: `field '${field}' = ${JSON.stringify(wrong)}`, bytes: frame({ t: 'msg', m: { ...header, [field]: wrong } }, payload), closes: false, field },
        { name: 'unknown kind', bytes: frame({ t: 'msg', m: { ...header, kind: 'gossip' } }, payload), closes: false, field: 'kind' },
        { name: 'unknown envelope', bytes: frame({ t: 'shout', m: header }, payload), closes: false, field: 't' },
        { name: 'request id not a natural number', bytes: frame({ t: 'req', id: -3, m: header }, payload), closes: false, field: 'id' },
        { name: 'header not JSON', bytes: frameWithHeaderBytes(Buffer.from('{"t":"msg",'), payload), closes: false, field: '(header)' },
        { name: 'header not UTF-8', bytes: frameWithHeaderBytes(Uint8Array.of(0xff, 0xfe, 0x7b, 0x7d), payload), closes: false, field: '(header)' },
        { name: 'header length beyond the frame', bytes: frameWithHeaderBytes(Buffer.from(JSON.stringify({ t: 'msg', m: header })), payload, 1 << 30), closes: false },
        { name: 'data inside the header', bytes: frame({ t: 'msg', m: { ...header, data: 'AAAA' } }, payload), closes: false, field: 'data' },
        { name: 'oversized length prefix', bytes: Buffer.from([((maxFrameBytes + 1) >>> 24) & 0xff, ((maxFrameBytes + 1) >>> 16) & 0xff, ((maxFrameBytes + 1) >>> 8) & 0xff, (maxFrameBytes + 1) & 0xff, 0, 0]), closes: true },
        { name: 'length prefix below the minimum', bytes: Buffer.from([0, 0, 0, 2, 0, 0]), closes: true },
      ];
      return out;
    },
  };
}
