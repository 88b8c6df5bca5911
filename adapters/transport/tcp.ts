/**
 * A MessageTransport over node:net: length-prefixed binary frames (spec/frame.ts), a JSON
 * envelope and message header decoded with io-ts at the boundary, raw payload bytes.
 *
 * Connections. Each transport may listen; to reach peer P it opens one outbound
 * connection to `resolve(P)` (and sends `hello` first), or, when P has no endpoint (a
 * client), uses the connection P opened to it. Messages to one peer go over one
 * connection, in send order. A broken outbound connection is re-opened on the next send,
 * after an exponential backoff (reconnectMinMs doubling to reconnectMaxMs, reset by a
 * successful connect); what was in flight is lost (CRAQ's retries cover it).
 *
 * Backpressure. `send` resolves once the frame is in the socket; when the socket's write
 * buffer exceeds writeBufferBytes it resolves only after 'drain', so a caller that awaits
 * its sends is paced by the peer. Above maxQueuedBytes a send is refused ('overloaded').
 *
 * Bad frames (spec/frame.ts lists which close the connection) are counted in
 * `counters().rejectedBy`, reported to `onReject` with the offending field, and never
 * reach `onMessage`.
 *
 * Every copy on the data path of a payload of L bytes (a 1 MiB write):
 *  send:    none in user space: the frame head (prefix + JSON header) and the payload
 *           Uint8Array are written as two buffers under cork() (libuv writev); the kernel
 *           copies them into the socket buffer (copy 1, kernel).
 *  receive: the kernel copies into libuv's read buffer (copy 2, kernel -> user, ~64 KiB
 *           at a time). A frame that lies wholly inside one read is handed on as a view
 *           of it (no copy: small messages). A larger frame is assembled into one
 *           exactly-sized Buffer allocated when its length prefix arrives (copy 3, once);
 *           the payload handed to the codec is a view of that Buffer (no copy), and the
 *           codec puts it in the message as `data` (no copy).
 *  core:    a write covering the whole chunk from offset 0 becomes the new chunk image
 *           as it is (TargetConfig.adoptWriteBuffers, set by the runtime's StorageNode:
 *           the assembled frame is this payload's alone); any other write is applied into
 *           a new chunk image (copy 4, core/craq applyWrite; each byte once). The target
 *           hashes the image (the chunk checksum every replica compares on the ack:
 *           WebAssembly SIMD, which copies 256 KiB blocks into its own memory, ~0.2 ms
 *           per MiB), and the store writes it (copy 5, kernel; into a freed data file
 *           overwritten in place when there is one).
 *  read:    a replica answers with a view of its chunk (core/craq readRange: no copy);
 *           send and receive as above.
 * So a whole-chunk 1 MiB write costs one user-space copy per replica (3) plus the kernel's
 * (and the checksum's pass); a partial write one more (4).
 */
import * as net from 'node:net';
import { isLeft } from 'fp-ts/Either';
import { DEFAULT_MAX_FRAME_BYTES, FRAME_HEADER_LEN_BYTES, FRAME_PREFIX_BYTES, FrameEnvelope, decodeEnvelope, encodeFrameHead } from '../../spec/frame';
import {
  Endpoint,
  Inbound,
  MessageTransport,
  PeerId,
  RejectReason,
  Rejection,
  TransportCounters,
  TransportError,
  WireCodec,
  countRejection,
  emptyCounters,
} from './types';

export interface TcpTransportOptions<M> {
  readonly self: PeerId;
  readonly codec: WireCodec<M>;
  /** Listen here (port 0 = any free port). Omit for a client that only connects out. */
  readonly listen?: { readonly host?: string; readonly port?: number };
  /** Where a peer listens; undefined = reach it only over a connection it opened. */
  readonly resolve?: (peer: PeerId) => Endpoint | undefined;
  /** Largest frame accepted (and sent); a larger inbound length prefix closes the connection. */
  readonly maxFrameBytes?: number;
  readonly connectTimeoutMs?: number;
  readonly reconnectMinMs?: number;
  readonly reconnectMaxMs?: number;
  /** A send waits for 'drain' when the socket's write buffer exceeds this. */
  readonly writeBufferBytes?: number;
  /** A send is refused ('overloaded') when the socket's write buffer exceeds this. */
  readonly maxQueuedBytes?: number;
}

export const TCP_DEFAULTS = {
  maxFrameBytes: DEFAULT_MAX_FRAME_BYTES,
  connectTimeoutMs: 2000,
  reconnectMinMs: 50,
  reconnectMaxMs: 2000,
  writeBufferBytes: 4 * 1024 * 1024,
  maxQueuedBytes: 256 * 1024 * 1024,
} as const;

const EMPTY = new Uint8Array(0);

interface PendingRequest<M> {
  readonly conn: Conn<M>;
  readonly resolve: (m: M) => void;
  readonly reject: (e: Error) => void;
  readonly timer: NodeJS.Timeout;
}

interface OutPeer<M> {
  readonly peer: PeerId;
  conn: Conn<M> | undefined;
  connecting: Promise<Conn<M>> | undefined;
  failures: number;
  nextAttemptAtMs: number;
  everConnected: boolean;
}

/** One socket with its frame parser. */
class Conn<M> {
  peer: PeerId | undefined;
  closed = false;
  private prefix = Buffer.alloc(FRAME_PREFIX_BYTES);
  private prefixFill = 0;
  private frame: Buffer | null = null;
  private filled = 0;
  private drainWaiters: { resolve: () => void; reject: (e: Error) => void }[] = [];

  constructor(
    readonly t: TcpTransport<M>,
    readonly socket: net.Socket,
    readonly direction: 'in' | 'out',
    readonly remote: string,
  ) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('drain', () => {
      const ws = this.drainWaiters;
      this.drainWaiters = [];
      for (const w of ws) w.resolve();
    });
    socket.on('error', () => {
      /* 'close' follows; errors surface as rejected sends/requests */
    });
    socket.on('close', () => this.onClose());
  }

  private onClose(): void {
    this.closed = true;
    const ws = this.drainWaiters;
    this.drainWaiters = [];
    for (const w of ws) w.reject(new TransportError('closed', `connection to ${this.name()} closed`));
    this.t.connClosed(this);
  }

  name(): string {
    return this.peer ?? this.remote;
  }

  /** Write one frame: head and payload as two buffers, no payload copy. */
  write(env: FrameEnvelope, payload: Uint8Array): Promise<void> {
    if (this.closed) return Promise.reject(new TransportError('closed', `connection to ${this.name()} is closed`));
    const o = this.t.opts;
    const head = encodeFrameHead(env, payload.length);
    const frameLen = head.length - FRAME_PREFIX_BYTES + payload.length;
    if (frameLen > o.maxFrameBytes) return Promise.reject(new TransportError('tooLarge', `frame of ${frameLen} bytes exceeds maxFrameBytes ${o.maxFrameBytes}`));
    if (this.socket.writableLength > o.maxQueuedBytes)
      return Promise.reject(new TransportError('overloaded', `write buffer to ${this.name()} holds ${this.socket.writableLength} bytes (maxQueuedBytes ${o.maxQueuedBytes})`));
    const s = this.socket;
    s.cork();
    s.write(head);
    if (payload.length > 0) s.write(payload);
    s.uncork();
    const c = this.t.ctr;
    c.framesOut++;
    c.bytesOut += head.length + payload.length;
    if (s.writableLength <= o.writeBufferBytes) return Promise.resolve();
    c.backpressureWaits++;
    return new Promise((resolve, reject) => this.drainWaiters.push({ resolve, reject }));
  }

  destroy(): void {
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    let off = 0;
    const max = this.t.opts.maxFrameBytes;
    while (off < chunk.length && !this.closed) {
      if (this.frame !== null) {
        // assembling a frame larger than one read (copy 3)
        const n = Math.min(this.frame.length - this.filled, chunk.length - off);
        chunk.copy(this.frame, this.filled, off, off + n);
        this.filled += n;
        off += n;
        if (this.filled === this.frame.length) {
          const f = this.frame;
          this.frame = null;
          this.t.onFrame(this, f);
        }
        continue;
      }
      let len: number;
      if (this.prefixFill === 0 && chunk.length - off >= FRAME_PREFIX_BYTES) {
        len = chunk.readUInt32BE(off);
        off += FRAME_PREFIX_BYTES;
      } else {
        const n = Math.min(FRAME_PREFIX_BYTES - this.prefixFill, chunk.length - off);
        chunk.copy(this.prefix, this.prefixFill, off, off + n);
        this.prefixFill += n;
        off += n;
        if (this.prefixFill < FRAME_PREFIX_BYTES) return;
        this.prefixFill = 0;
        len = this.prefix.readUInt32BE(0);
      }
      if (len > max) return this.t.rejectAndClose(this, 'oversized', `length prefix ${len} exceeds maxFrameBytes ${max}`);
      if (len < FRAME_HEADER_LEN_BYTES) return this.t.rejectAndClose(this, 'badLength', `length prefix ${len} is below ${FRAME_HEADER_LEN_BYTES}`);
      if (chunk.length - off >= len) {
        // the whole frame is in this read: a view, no copy
        const f = chunk.subarray(off, off + len);
        off += len;
        this.t.onFrame(this, f);
      } else {
        this.frame = Buffer.allocUnsafe(len);
        this.filled = 0;
      }
    }
  }
}

export class TcpTransport<M> implements MessageTransport<M> {
  readonly self: PeerId;
  readonly opts: Required<Omit<TcpTransportOptions<M>, 'listen' | 'resolve'>> & Pick<TcpTransportOptions<M>, 'listen' | 'resolve'>;
  readonly ctr: TransportCounters = emptyCounters();
  private server: net.Server | undefined;
  private ep: Endpoint | undefined;
  private readonly out = new Map<PeerId, OutPeer<M>>();
  private readonly inbound = new Map<PeerId, Conn<M>>();
  private readonly conns = new Set<Conn<M>>();
  private readonly pending = new Map<number, PendingRequest<M>>();
  private nextId = 1;
  private handler: ((m: Inbound<M>) => void) | undefined;
  private rejectHandler: ((r: Rejection) => void) | undefined;
  private closing = false;

  private constructor(o: TcpTransportOptions<M>) {
    this.self = o.self;
    this.opts = { ...TCP_DEFAULTS, ...o } as TcpTransport<M>['opts'];
  }

  /** Create, and listen when `listen` is given (resolves once listening). */
  static async create<M>(o: TcpTransportOptions<M>): Promise<TcpTransport<M>> {
    const t = new TcpTransport<M>(o);
    if (o.listen) await t.startListening(o.listen.host ?? '127.0.0.1', o.listen.port ?? 0);
    return t;
  }

  get endpoint(): Endpoint | undefined {
    return this.ep;
  }

  private startListening(host: string, port: number): Promise<void> {
    const server = net.createServer((socket) => {
      if (this.closing) return socket.destroy();
      this.ctr.connectionsIn++;
      const c = new Conn<M>(this, socket, 'in', `${socket.remoteAddress}:${socket.remotePort}`);
      this.conns.add(c);
    });
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        const a = server.address() as net.AddressInfo;
        this.ep = { host: a.address, port: a.port };
        resolve();
      });
    });
  }

  onMessage(handler: (m: Inbound<M>) => void): void {
    this.handler = handler;
  }

  onReject(handler: (r: Rejection) => void): void {
    this.rejectHandler = handler;
  }

  counters(): TransportCounters {
    return { ...this.ctr, rejectedBy: { ...this.ctr.rejectedBy } };
  }

  async send(to: PeerId, msg: M): Promise<void> {
    const { header, payload } = this.opts.codec.encode(msg);
    const conn = await this.connFor(to);
    return conn.write({ t: 'msg', m: header }, payload ?? EMPTY);
  }

  async request(to: PeerId, msg: M, timeoutMs: number): Promise<M> {
    const { header, payload } = this.opts.codec.encode(msg);
    const conn = await this.connFor(to);
    const id = this.nextId++;
    const reply = new Promise<M>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        this.ctr.timeouts++;
        reject(new TransportError('timeout', `request ${id} to ${to}: no reply within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, { conn, resolve, reject, timer });
    });
    conn.write({ t: 'req', id, m: header }, payload ?? EMPTY).catch((e) => this.failRequest(id, e));
    return reply;
  }

  private failRequest(id: number, e: Error): void {
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    clearTimeout(p.timer);
    p.reject(e);
  }

  /** The connection to use for `to`: our outbound one if it has an endpoint, else the one it opened to us. */
  private async connFor(to: PeerId): Promise<Conn<M>> {
    if (this.closing) throw new TransportError('closed', 'transport is closed');
    const ep = this.opts.resolve?.(to);
    if (ep === undefined) {
      const c = this.inbound.get(to);
      if (c && !c.closed) return c;
      throw new TransportError('noRoute', `no endpoint for ${to} and no connection from it`);
    }
    let o = this.out.get(to);
    if (!o) {
      o = { peer: to, conn: undefined, connecting: undefined, failures: 0, nextAttemptAtMs: 0, everConnected: false };
      this.out.set(to, o);
    }
    if (o.conn && !o.conn.closed) return o.conn;
    if (o.connecting) return o.connecting;
    const op = o;
    const p = this.connect(op, ep).finally(() => {
      op.connecting = undefined;
    });
    op.connecting = p;
    return p;
  }

  private async connect(o: OutPeer<M>, ep: Endpoint): Promise<Conn<M>> {
    const wait = o.nextAttemptAtMs - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    if (this.closing) throw new TransportError('closed', 'transport is closed');
    const socket = net.connect({ host: ep.host, port: ep.port });
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          socket.destroy();
          reject(new TransportError('connectFailed', `connect to ${o.peer} at ${ep.host}:${ep.port}: timed out after ${this.opts.connectTimeoutMs} ms`));
        }, this.opts.connectTimeoutMs);
        socket.once('connect', () => {
          clearTimeout(timer);
          resolve();
        });
        socket.once('error', (e) => {
          clearTimeout(timer);
          reject(new TransportError('connectFailed', `connect to ${o.peer} at ${ep.host}:${ep.port}: ${e.message}`));
        });
      });
    } catch (e) {
      o.failures++;
      o.nextAttemptAtMs = Date.now() + Math.min(this.opts.reconnectMaxMs, this.opts.reconnectMinMs * 2 ** (o.failures - 1));
      throw e;
    }
    if (this.closing) {
      socket.destroy();
      throw new TransportError('closed', 'transport is closed');
    }
    const c = new Conn<M>(this, socket, 'out', `${ep.host}:${ep.port}`);
    c.peer = o.peer;
    this.conns.add(c);
    this.ctr.connectsOut++;
    if (o.everConnected) this.ctr.reconnects++;
    o.everConnected = true;
    o.failures = 0;
    o.nextAttemptAtMs = 0;
    o.conn = c;
    await c.write({ t: 'hello', v: 1, from: this.self }, EMPTY);
    return c;
  }

  /** Called by a Conn when its socket closed. */
  connClosed(c: Conn<M>): void {
    this.conns.delete(c);
    if (c.direction === 'in' && c.peer !== undefined && this.inbound.get(c.peer) === c) this.inbound.delete(c.peer);
    if (c.direction === 'out' && c.peer !== undefined) {
      const o = this.out.get(c.peer);
      if (o && o.conn === c) {
        o.conn = undefined;
        // the next connect waits at least the minimum backoff: a peer that drops us is not hammered
        o.failures = Math.max(o.failures, 1);
        o.nextAttemptAtMs = Date.now() + this.opts.reconnectMinMs;
      }
    }
    for (const [id, p] of this.pending) if (p.conn === c) this.failRequest(id, new TransportError('closed', `connection to ${c.name()} closed before the reply`));
  }

  private reject(c: Conn<M>, reason: RejectReason, field: string, message: string, closed: boolean): void {
    countRejection(this.ctr, reason);
    if (closed) this.ctr.closedOnBadFrame++;
    this.rejectHandler?.({ reason, field, message, remote: c.name(), closed });
  }

  rejectAndClose(c: Conn<M>, reason: RejectReason, message: string): void {
    this.reject(c, reason, '(frame)', message, true);
    c.closed = true;
    c.destroy();
  }

  /** One whole frame (after the length prefix): envelope, then message, each through its codec. */
  onFrame(c: Conn<M>, f: Buffer): void {
    this.ctr.bytesIn += f.length + FRAME_PREFIX_BYTES;
    const headerLen = f.readUInt32BE(0);
    if (headerLen > f.length - FRAME_HEADER_LEN_BYTES)
      return this.reject(c, 'badHeaderLength', '(frame)', `header length ${headerLen} exceeds the frame's ${f.length - FRAME_HEADER_LEN_BYTES} bytes`, false);
    const start = FRAME_HEADER_LEN_BYTES;
    const env = decodeEnvelope(f.subarray(start, start + headerLen));
    if (isLeft(env)) return this.reject(c, env.left.field === '(header)' ? 'badHeaderJson' : 'badEnvelope', env.left.field, env.left.message, false);
    const e = env.right;
    const payload = f.subarray(start + headerLen);
    if (e.t === 'hello') {
      if (c.peer !== undefined && c.peer !== e.from) return this.reject(c, 'badEnvelope', 'from', `second hello names ${e.from}, connection is ${c.peer}`, false);
      c.peer = e.from;
      if (c.direction === 'in') this.inbound.set(e.from, c);
      this.ctr.framesIn++;
      return;
    }
    if (c.peer === undefined) return this.reject(c, 'noHello', 't', `a '${e.t}' frame before hello`, false);
    const m = this.opts.codec.decode(e.m, payload);
    if (isLeft(m)) {
      this.reject(c, 'badMessage', m.left.field, m.left.message, false);
      if (e.t === 'rep') this.failRequest(e.id, new TransportError('badReply', `reply ${e.id} from ${c.peer}: field '${m.left.field}': ${m.left.message}`));
      return;
    }
    this.ctr.framesIn++;
    if (e.t === 'rep') {
      const p = this.pending.get(e.id);
      if (!p) return; // timed out already
      this.pending.delete(e.id);
      clearTimeout(p.timer);
      p.resolve(m.right);
      return;
    }
    const from = c.peer;
    if (e.t === 'req') {
      const id = e.id;
      this.handler?.({
        from,
        msg: m.right,
        reply: (r: M) => {
          const parts = this.opts.codec.encode(r);
          return c.write({ t: 'rep', id, m: parts.header }, parts.payload ?? EMPTY);
        },
      });
      return;
    }
    this.handler?.({ from, msg: m.right });
  }

  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    for (const [id] of this.pending) this.failRequest(id, new TransportError('closed', 'transport closed'));
    for (const c of [...this.conns]) c.destroy();
    if (this.server) {
      const s = this.server;
      await new Promise<void>((r) => s.close(() => r()));
    }
  }
}
