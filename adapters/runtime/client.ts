/**
 * ChainrepClient: the CRAQ client machine (core/craq/client.ts) behind promises, on the TCP
 * transport and real timers. `write(chunk, offset, bytes)` and `read(chunk, offset,
 * length)` resolve with the machine's `complete` result; retries, backoff, channels and
 * de-duplication are the core client's. `refreshRouting` effects ask the managers for the
 * table (every manager; the leader answers, the others say notLeader), one request at a
 * time; the table is also refreshed every `routingRefreshMs`.
 *
 * Chunk -> chain: FNV-1a of the chunk id modulo the number of chains (sorted by id),
 * unless `chainFor` is given.
 */
import { ChainId, ChunkId, ClientId, chunkId } from '../../spec/ids';
import { RoutingTable } from '../../spec/routing';
import { ClientConfig, ClientEffect, ClientInput, ClientOp, ClientState, DEFAULT_CLIENT_CONFIG, OpResult, clientStep, initialClientState } from '../../core/craq/client';
import { ClientMessage } from '../../spec/craq';
import { Endpoint, MessageTransport, PeerId } from '../transport/types';
import { TcpTransport } from '../transport/tcp';
import { NodeMessage, nodeWireCodec } from './codec';
import { TickTimers, nowMs } from './clock';

export interface ChainrepClientOptions {
  readonly id: ClientId;
  readonly resolve: (peer: PeerId) => Endpoint | undefined;
  readonly managers: readonly PeerId[];
  /** Which node hosts a target (the chain layout). */
  readonly nodeOfTarget: ReadonlyMap<number, number>;
  readonly config?: Partial<Omit<ClientConfig, 'self'>>;
  readonly seed?: number;
  readonly chainFor?: (chunk: ChunkId, routing: RoutingTable) => ChainId;
  readonly routingRefreshMs?: number;
  readonly routingRequestTimeoutMs?: number;
}

export class ClientError extends Error {
  constructor(readonly code: string) {
    super(`operation failed: ${code}`);
    this.name = 'ClientError';
  }
}

export function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

export function defaultChainFor(chunk: ChunkId, routing: RoutingTable): ChainId {
  const ids = routing.chains.map((c) => c.id).sort((a, b) => a - b);
  return ids[fnv1a(chunk) % ids.length];
}

type Waiter = { resolve: (r: OpResult) => void };

export class ChainrepClient {
  private state: ClientState;
  private readonly cfg: ClientConfig;
  private readonly timers: TickTimers;
  private readonly waiters = new Map<number, Waiter>();
  private nextOp = 1;
  private refreshing = false;
  private refreshTimer: NodeJS.Timeout | undefined;
  private closed = false;
  private routingWaiters: (() => void)[] = [];
  refreshes = 0;

  private constructor(readonly opts: ChainrepClientOptions, readonly transport: MessageTransport<NodeMessage>) {
    this.cfg = { ...DEFAULT_CLIENT_CONFIG, ...opts.config, self: opts.id };
    this.state = initialClientState(this.cfg, opts.seed ?? opts.id);
    this.timers = new TickTimers((now) => this.input({ kind: 'tick', nowMs: now }));
    transport.onMessage((m) => {
      if (m.msg.ch === 'craq' && (m.msg.m.kind === 'writeReply' || m.msg.m.kind === 'readReply')) this.input({ kind: 'received', msg: m.msg.m as ClientMessage, nowMs: nowMs() });
      else if (m.msg.ch === 'ctl' && m.msg.m.kind === 'routingUpdate') this.onRouting(m.msg.m.routing);
    });
  }

  /** Connect and wait for a first routing table (rejects after `timeoutMs`). */
  static async connect(opts: ChainrepClientOptions, timeoutMs = 10_000): Promise<ChainrepClient> {
    const transport = await TcpTransport.create<NodeMessage>({ self: `client:${opts.id}`, codec: nodeWireCodec, resolve: opts.resolve });
    const c = new ChainrepClient(opts, transport);
    c.refreshLoop();
    const deadline = Date.now() + timeoutMs;
    while (!c.state.routing) {
      if (Date.now() > deadline) {
        await c.close();
        throw new Error(`no routing table from ${opts.managers.join(', ')} within ${timeoutMs} ms`);
      }
      c.refresh();
      await new Promise<void>((r) => {
        const t = setTimeout(r, 200);
        c.routingWaiters.push(() => {
          clearTimeout(t);
          r();
        });
      });
    }
    return c;
  }

  routing(): RoutingTable | null {
    return this.state.routing;
  }

  chainOf(chunk: ChunkId): ChainId {
    const r = this.state.routing;
    if (!r) throw new Error('no routing table yet');
    return (this.opts.chainFor ?? defaultChainFor)(chunk, r);
  }

  /** Write `bytes` at `offset` of `chunk`; resolves with the committed version. */
  async write(chunk: string, offset: number, bytes: Uint8Array): Promise<number> {
    const c = chunkId(chunk);
    const r = await this.invoke({ kind: 'write', chain: this.chainOf(c), chunk: c, offset, data: bytes });
    if (!r.ok) throw new ClientError(r.code);
    if (r.kind !== 'write') throw new Error('write answered as a read');
    return r.commitVer;
  }

  /** Read `length` bytes at `offset` of `chunk` (version 0 = never written). */
  async read(chunk: string, offset: number, length: number): Promise<{ ver: number; data: Uint8Array }> {
    const c = chunkId(chunk);
    const r = await this.invoke({ kind: 'read', chain: this.chainOf(c), chunk: c, offset, length });
    if (!r.ok) throw new ClientError(r.code);
    if (r.kind !== 'read') throw new Error('read answered as a write');
    return { ver: r.ver, data: r.data };
  }

  /** Any operation; resolves with the core client's result (never rejects for protocol errors). */
  invoke(op: ClientOp): Promise<OpResult> {
    if (this.closed) return Promise.resolve({ ok: false, code: 'Timeout' });
    const opId = this.nextOp++;
    return new Promise<OpResult>((resolve) => {
      this.waiters.set(opId, { resolve });
      this.input({ kind: 'invoke', opId, op, nowMs: nowMs() });
    });
  }

  private input(i: ClientInput): void {
    if (this.closed) return;
    const [next, effects] = clientStep(this.cfg, this.state, i);
    this.state = next;
    this.run(effects);
  }

  private run(effects: readonly ClientEffect[]): void {
    for (const e of effects) {
      switch (e.kind) {
        case 'send': {
          if (e.to.kind !== 'target') break;
          const node = this.opts.nodeOfTarget.get(e.to.id);
          if (node !== undefined) this.transport.send(`node:${node}`, { ch: 'craq', to: e.to.id, m: e.msg }).catch(() => undefined); // a lost request times out and retries
          break;
        }
        case 'scheduleTick':
          this.timers.schedule(e.atMs);
          break;
        case 'complete': {
          const w = this.waiters.get(e.opId);
          this.waiters.delete(e.opId);
          w?.resolve(e.result);
          break;
        }
        case 'refreshRouting':
          this.refresh();
          break;
        case 'ignored':
          break;
      }
    }
  }

  private onRouting(table: RoutingTable): void {
    this.input({ kind: 'routing', table, nowMs: nowMs() });
    const ws = this.routingWaiters;
    this.routingWaiters = [];
    for (const w of ws) w();
  }

  /** Ask every manager for the table; one round in flight at a time. */
  refresh(): void {
    if (this.refreshing || this.closed) return;
    this.refreshing = true;
    this.refreshes++;
    const timeout = this.opts.routingRequestTimeoutMs ?? 1000;
    void Promise.all(
      this.opts.managers.map((m) =>
        this.transport.request(m, { ch: 'ctl', m: { kind: 'getRouting' } }, timeout).then(
          (r) => {
            if (r.ch === 'ctl' && r.m.kind === 'routingUpdate') this.onRouting(r.m.routing);
          },
          () => undefined,
        ),
      ),
    ).finally(() => (this.refreshing = false));
  }

  /** Periodic refresh: one timer at a time, re-armed after each round. */
  private refreshLoop(): void {
    if (this.closed) return;
    this.refreshTimer = setTimeout(() => {
      this.refresh();
      this.refreshLoop();
    }, this.opts.routingRefreshMs ?? 1000);
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    this.timers.close();
    for (const w of this.waiters.values()) w.resolve({ ok: false, code: 'Timeout' });
    this.waiters.clear();
    await this.transport.close();
  }
}
