/**
 * StorageNode: the CRAQ storage targets of one node (core/craq/target.ts) on a real TCP
 * transport, a real chunk store per target and real timers.
 *
 * Per input: decode (the transport's codec, adapters/runtime/codec.ts) -> `step` -> run the
 * effects in order:
 *  - persist: issued to the target's store at once (stores keep call order); its
 *    `thenSend` and `thenSync` go out only after it resolved (a tail never acks before its
 *    write is durable);
 *  - send / syncSend: out at once when no persist is outstanding, else after the ones
 *    issued before (the step may reflect state they are making durable);
 *  - syncDone: to every manager (only the leader acts on it), after earlier persists;
 *  - scheduleTick: one timer per requested time (clock.ts).
 * A failed persist is fatal for the node (`onFatal`): nothing after it is sent.
 *
 * Heartbeats every `heartbeatMs` to every manager carry each target's local state:
 * 'uptodate' while the routing table shows it serving (or, on a fresh store, before any
 * table arrived), else 'online'. A RESTARTED target (store epoch > 1) reports 'offline'
 * until a table shows it out of service, so a restart the manager did not notice cannot
 * leave a target that missed writes serving; it then comes back through SYNCING and the
 * recovery sync (core/chain/recovery.ts).
 */
import { ChainId, ClientId, NodeId, TargetId } from '../../spec/ids';
import { ClientMessage, CraqMessage, TargetMessage } from '../../spec/craq';
import { NO_LEASE, NodeLease, applyGrant, fence, leaseValid, onRouting } from '../../core/chain/lease';
import { SyncMessage } from '../../spec/sync';
import { RoutingTable } from '../../spec/routing';
import { LocalState } from '../../spec/routing';
import { ControlMessage, StatusReply } from '../../spec/runtime';
import { SendEffect, SyncSendEffect, TargetConfig, TargetEffect, TargetInput, TargetState, emptyVolatile, step } from '../../core/craq/target';
import { ChunkStore, LoadedState, durableFromLoaded } from '../store/types';
import { Endpoint, Inbound, MessageTransport, PeerId } from '../transport/types';
import { TcpTransport } from '../transport/tcp';
import { NodeMessage, nodeWireCodec } from './codec';
import { TickTimers, nowMs } from './clock';

const TARGET_KINDS: ReadonlySet<string> = new Set(['write', 'forward', 'ack', 'read', 'versionQuery', 'versionReply']);

export interface HostedTarget {
  readonly target: TargetId;
  readonly chain: ChainId;
  readonly open: () => Promise<{ store: ChunkStore; loaded: LoadedState }>;
}

export interface StorageNodeOptions {
  readonly node: NodeId;
  readonly targets: readonly HostedTarget[];
  readonly targetConfig: Omit<TargetConfig, 'self'>;
  readonly listen: Endpoint;
  /** Where every node and manager listens. */
  readonly resolve: (peer: PeerId) => Endpoint | undefined;
  /** Which node hosts a target (the chain layout). */
  readonly nodeOfTarget: ReadonlyMap<number, NodeId>;
  readonly managers: readonly PeerId[];
  readonly heartbeatMs: number;
  readonly onFatal?: (e: unknown) => void;
  /** SWIM's view for status replies. */
  readonly members?: () => Record<string, string>;
  /** Datagrams the SWIM socket rejected, for status replies. */
  readonly udpRejected?: () => number;
}

interface TargetRt {
  readonly cfg: TargetConfig;
  state: TargetState;
  readonly store: ChunkStore;
  tail: Promise<void>;
  outstanding: number;
  readonly restarted: boolean;
  /** Restarted targets: a table has shown this target out of service since the restart. */
  seenOut: boolean;
  readonly timers: TickTimers;
}

export interface StorageCounters {
  steps: number;
  ignored: number;
  sendFailures: number;
  rejectedInputs: number;
  /** Client requests answered TargetOffline (or dropped) for want of a lease. */
  fenced: number;
}

export class StorageNode {
  private readonly targets = new Map<number, TargetRt>();
  private routing: RoutingTable | null = null;
  /** The lease from the manager (core/chain/lease.ts): client requests are fenced without it. */
  private lease: NodeLease = NO_LEASE;
  private hbTimer: NodeJS.Timeout | undefined;
  private failed = false;
  private closed = false;
  readonly ctr: StorageCounters = { steps: 0, ignored: 0, sendFailures: 0, rejectedInputs: 0, fenced: 0 };

  private constructor(readonly opts: StorageNodeOptions, readonly transport: MessageTransport<NodeMessage>) {}

  static async start(opts: StorageNodeOptions): Promise<StorageNode> {
    const transport = await TcpTransport.create<NodeMessage>({ self: `node:${opts.node}`, codec: nodeWireCodec, listen: opts.listen, resolve: opts.resolve });
    const n = new StorageNode(opts, transport);
    for (const h of opts.targets) {
      const { store, loaded } = await h.open();
      // a write's bytes come from a freshly decoded frame (or, between targets of this node,
      // from another target's immutable image): nothing touches them after the step, so a
      // whole-chunk write becomes the new image without a copy
      const cfg: TargetConfig = { ...opts.targetConfig, self: h.target, adoptWriteBuffers: true };
      const rt: TargetRt = {
        cfg,
        state: { durable: durableFromLoaded(loaded), volatile: emptyVolatile() },
        store,
        tail: Promise.resolve(),
        outstanding: 0,
        restarted: loaded.epoch > 1,
        seenOut: false,
        timers: new TickTimers((now) => n.input(rt, { kind: 'tick', nowMs: now })),
      };
      n.targets.set(h.target, rt);
    }
    transport.onMessage((m) => n.onMessage(m));
    n.heartbeatLoop();
    return n;
  }

  get endpoint(): Endpoint | undefined {
    return this.transport.endpoint;
  }

  routingTable(): RoutingTable | null {
    return this.routing;
  }

  targetState(t: TargetId): TargetState | undefined {
    return this.targets.get(t)?.state;
  }

  private onMessage(m: Inbound<NodeMessage>): void {
    if (this.failed || this.closed) return;
    const msg = m.msg;
    if (msg.ch === 'craq') {
      const rt = msg.to === undefined ? undefined : this.targets.get(msg.to);
      if (!rt || !TARGET_KINDS.has(msg.m.kind)) {
        this.ctr.rejectedInputs++;
        return;
      }
      const now = nowMs();
      if (!leaseValid(this.lease, now)) {
        const v = fence(msg.m as TargetMessage, rt.cfg.self);
        if (v.kind !== 'pass') {
          this.ctr.fenced++;
          if (v.kind === 'reply') this.send(`client:${(v.msg as ClientMessage).client}`, { ch: 'craq', m: v.msg });
          return;
        }
      }
      this.input(rt, { kind: 'received', msg: msg.m as TargetMessage, nowMs: now });
    } else if (msg.ch === 'sync') {
      const rt = this.targets.get(msg.to);
      if (!rt) {
        this.ctr.rejectedInputs++;
        return;
      }
      this.input(rt, { kind: 'sync', msg: msg.m, nowMs: nowMs() });
    } else {
      this.onControl(msg.m, m.reply);
    }
  }

  private onControl(c: ControlMessage, reply: ((m: NodeMessage) => Promise<void>) | undefined): void {
    if (c.kind === 'routingUpdate') this.onRouting(c.routing);
    else if (c.kind === 'leaseGrant') {
      if (c.node === this.opts.node) this.lease = applyGrant(this.lease, c, this.routing?.version ?? 0);
      else this.ctr.rejectedInputs++;
    }
    else if (c.kind === 'getStatus' && reply) {
      const s: StatusReply = { kind: 'status', role: 'node', id: this.opts.node, pid: process.pid, leader: false, routing: this.routing, members: this.opts.members?.() ?? {}, rejected: { tcp: this.transport.counters().rejected, udp: this.opts.udpRejected?.() ?? 0 } };
      reply({ ch: 'ctl', m: s }).catch(() => undefined);
    } else this.ctr.rejectedInputs++;
  }

  private onRouting(table: RoutingTable): void {
    if (this.routing && table.version <= this.routing.version) return;
    this.routing = table;
    this.lease = onRouting(this.lease, table.version);
    for (const rt of this.targets.values()) {
      if (rt.restarted && !rt.seenOut && this.publicState(rt.cfg.self) !== 'serving') rt.seenOut = true;
      this.input(rt, { kind: 'routing', table, nowMs: nowMs() });
    }
  }

  private publicState(t: TargetId): string | undefined {
    for (const ch of this.routing?.chains ?? []) for (const x of ch.targets) if (x.target === t) return x.state;
    return undefined;
  }

  private chainVersionOf(t: TargetId): number {
    for (const ch of this.routing?.chains ?? []) if (ch.targets.some((x) => x.target === t)) return ch.version;
    return 0;
  }

  /** The local state this node reports for a target (see the header). */
  localState(t: TargetId): LocalState {
    const rt = this.targets.get(t)!;
    const pub = this.publicState(t);
    if (rt.restarted && !rt.seenOut) return 'offline';
    if (pub === 'serving' || (pub === undefined && !rt.restarted)) return 'uptodate';
    return 'online';
  }

  /** One timer at a time (setTimeout re-armed after each beat, never setInterval). */
  private heartbeatLoop(): void {
    this.heartbeat();
    if (!this.closed && !this.failed) this.hbTimer = setTimeout(() => this.heartbeatLoop(), this.opts.heartbeatMs);
  }

  private heartbeat(): void {
    if (this.failed || this.closed) return;
    const hb: ControlMessage = {
      kind: 'heartbeat',
      node: this.opts.node,
      routingVersion: this.routing?.version ?? 0,
      sentAtMs: nowMs(),
      targets: [...this.targets.values()].map((rt) => ({ target: rt.cfg.self, localState: this.localState(rt.cfg.self), chainVersion: this.chainVersionOf(rt.cfg.self) })),
    };
    for (const m of this.opts.managers) this.send(m, { ch: 'ctl', m: hb });
  }

  private input(rt: TargetRt, i: TargetInput): void {
    if (this.failed || this.closed) return;
    const [next, effects] = step(rt.cfg, rt.state, i);
    rt.state = next;
    this.ctr.steps++;
    this.run(rt, effects);
  }

  private run(rt: TargetRt, effects: readonly TargetEffect[]): void {
    for (const e of effects) {
      switch (e.kind) {
        case 'persist': {
          const p = rt.store.persist({ chunks: e.chunks, retry: e.retry });
          rt.outstanding++;
          rt.tail = rt.tail
            .then(() => p)
            .then(
              () => {
                rt.outstanding--;
                for (const s of e.thenSend) this.deliver(s);
                for (const s of e.thenSync ?? []) this.deliverSync(rt.cfg.self, s);
              },
              (err) => this.fatal(err),
            );
          break;
        }
        case 'send':
          this.after(rt, () => this.deliver(e));
          break;
        case 'syncSend':
          this.after(rt, () => this.deliverSync(rt.cfg.self, e));
          break;
        case 'syncDone': {
          const m: NodeMessage = { ch: 'ctl', m: { kind: 'syncDone', target: e.target, chainVersion: e.chainVersion } };
          this.after(rt, () => {
            for (const mg of this.opts.managers) this.send(mg, m);
          });
          break;
        }
        case 'scheduleTick':
          rt.timers.schedule(e.atMs);
          break;
        case 'ignored':
          this.ctr.ignored++;
          break;
      }
    }
  }

  /** Run now when nothing is being persisted, else after the persists issued so far. */
  private after(rt: TargetRt, f: () => void): void {
    if (rt.outstanding === 0) f();
    else rt.tail = rt.tail.then(() => (this.failed ? undefined : f()));
  }

  private deliver(s: SendEffect): void {
    if (s.to.kind === 'client') {
      this.send(`client:${s.to.id as ClientId}`, { ch: 'craq', m: s.msg });
      return;
    }
    const to = s.to.id;
    const node = this.opts.nodeOfTarget.get(to);
    if (node === undefined) {
      this.ctr.sendFailures++;
      return;
    }
    if (node === this.opts.node) {
      const rt = this.targets.get(to);
      const msg = s.msg as CraqMessage;
      if (rt && TARGET_KINDS.has(msg.kind)) queueMicrotask(() => this.input(rt, { kind: 'received', msg: msg as TargetMessage, nowMs: nowMs() }));
      return;
    }
    this.send(`node:${node}`, { ch: 'craq', to, m: s.msg });
  }

  private deliverSync(from: TargetId, s: SyncSendEffect): void {
    const node = this.opts.nodeOfTarget.get(s.to);
    if (node === undefined) {
      this.ctr.sendFailures++;
      return;
    }
    if (node === this.opts.node) {
      const rt = this.targets.get(s.to);
      const msg: SyncMessage = s.msg;
      if (rt) queueMicrotask(() => this.input(rt, { kind: 'sync', msg, nowMs: nowMs() }));
      return;
    }
    void from;
    this.send(`node:${node}`, { ch: 'sync', to: s.to, m: s.msg });
  }

  private send(peer: PeerId, m: NodeMessage): void {
    // a lost message is the protocol's business (CRAQ forwards retry, clients retry, heartbeats repeat)
    this.transport.send(peer, m).catch(() => this.ctr.sendFailures++);
  }

  private fatal(err: unknown): void {
    if (this.failed) return;
    this.failed = true;
    this.opts.onFatal?.(err);
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.hbTimer) clearTimeout(this.hbTimer);
    for (const rt of this.targets.values()) rt.timers.close();
    await Promise.all([...this.targets.values()].map((rt) => rt.tail.catch(() => undefined)));
    for (const rt of this.targets.values()) await rt.store.close().catch(() => undefined);
    await this.transport.close();
  }
}
