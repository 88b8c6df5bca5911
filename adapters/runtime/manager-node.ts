/**
 * ManagerNode: the chain manager (core/chain/manager.ts) in a process that may or may not
 * lead. Several run; each campaigns in the election (adapters/config/election.ts; etcd
 * leases across processes) and only the leader acts:
 *  - on election it restores (or creates) the manager from the config store through a
 *    FENCED store (every write also compares the leadership's fence), replays SWIM's
 *    current down set as nodeDown inputs, and starts ticking;
 *  - inputs (heartbeats and syncDone from storage nodes, SWIM membership through
 *    core/swim/feed.ts, ticks) are stepped one at a time and their effects run in order
 *    (runManagerEffects: persist, then publish = push the routing table to every node);
 *  - when leadership ends (lease lost, resign) or a persist is fenced off (FencingError:
 *    another manager wrote), it stops acting at once, drops its state and campaigns again.
 * Non-leaders answer routing requests with notLeader; everyone answers status requests.
 */
import { ChainLayout, ManagerInput } from '../../spec/chain';
import { NodeId } from '../../spec/ids';
import { RoutingTable } from '../../spec/routing';
import { ControlMessage, StatusReply } from '../../spec/runtime';
import { ManagerConfig, ManagerState, step } from '../../core/chain/manager';
import { ConfigStore } from '../../core/chain/config-store';
import { EMPTY_FEED, FeedState, feedStep } from '../../core/swim/feed';
import { MemberEvent } from '../../core/swim/member';
import { Election, Leadership, fencedStore } from '../config/election';
import { ManagerPersistence, ManagerSinks, runManagerEffects, startManager } from '../config/manager-store';
import { Endpoint, Inbound, MessageTransport, PeerId } from '../transport/types';
import { TcpTransport } from '../transport/tcp';
import { NodeMessage, nodeWireCodec } from './codec';
import { TickTimers, nowMs } from './clock';

export interface ManagerNodeOptions {
  readonly id: number;
  /** This manager's SWIM member id (events about itself are ignored). */
  readonly member: number;
  readonly listen: Endpoint;
  readonly resolve: (peer: PeerId) => Endpoint | undefined;
  /** Storage node peers the routing table is pushed to. */
  readonly nodes: readonly PeerId[];
  readonly store: ConfigStore;
  readonly election: Election;
  readonly prefix: string;
  readonly config: ManagerConfig;
  readonly layout: ChainLayout;
  readonly members?: () => Record<string, string>;
  /** Datagrams the SWIM socket rejected, for status replies. */
  readonly udpRejected?: () => number;
  readonly log?: (line: string) => void;
}

interface Term {
  readonly leadership: Leadership;
  readonly persistence: ManagerPersistence;
  state: ManagerState | undefined;
  readonly timers: TickTimers;
  chain: Promise<void>;
  routing: RoutingTable | null;
  over: boolean;
}

export class ManagerNode {
  private term: Term | undefined;
  private feed: FeedState = EMPTY_FEED;
  private closed = false;
  private generation = 0;
  private candidate: { close(): Promise<void> } | undefined;
  terms = 0;
  rejected = 0;

  private constructor(readonly opts: ManagerNodeOptions, readonly transport: MessageTransport<NodeMessage>) {}

  static async start(opts: ManagerNodeOptions): Promise<ManagerNode> {
    const transport = await TcpTransport.create<NodeMessage>({ self: `manager:${opts.id}`, codec: nodeWireCodec, listen: opts.listen, resolve: opts.resolve });
    const m = new ManagerNode(opts, transport);
    transport.onMessage((x) => m.onMessage(x));
    void m.campaignLoop();
    return m;
  }

  get leading(): boolean {
    return this.term !== undefined && !this.term.over && this.term.leadership.isLeader();
  }

  routing(): RoutingTable | null {
    return this.leading ? this.term!.routing : null;
  }

  private log(line: string): void {
    this.opts.log?.(`manager ${this.opts.id}: ${line}`);
  }

  private async campaignLoop(): Promise<void> {
    while (!this.closed) {
      const candidate = this.opts.election.candidate(String(this.opts.id) + '.' + this.generation++);
      this.candidate = candidate;
      let leadership: Leadership;
      try {
        leadership = await candidate.campaign();
      } catch (e) {
        if (this.closed) return;
        this.log(`campaign failed: ${(e as Error).message}`);
        await new Promise((r) => setTimeout(r, 500));
        continue;
      }
      if (this.closed) {
        await leadership.resign();
        return;
      }
      await this.lead(leadership);
      const reason = await leadership.lost;
      this.stepDown(`leadership ended: ${reason}`);
      await candidate.close().catch(() => undefined);
    }
  }

  private async lead(leadership: Leadership): Promise<void> {
    const persistence = new ManagerPersistence(fencedStore(this.opts.store, () => leadership.fence), this.opts.prefix);
    const term: Term = { leadership, persistence, state: undefined, timers: new TickTimers((now) => this.enqueue(term, { kind: 'tick', nowMs: now }), true), chain: Promise.resolve(), routing: null, over: false };
    this.term = term;
    this.terms++;
    this.log(`leading (term ${this.terms}, fence ${leadership.fence.key}@${leadership.fence.revision})`);
    const started = await startManager(persistence, this.opts.config, this.opts.layout, nowMs(), this.sinks(term)).catch((e: unknown) => e as Error);
    if (started instanceof Error || started._tag === 'Left') {
      const why = started instanceof Error ? started.message : JSON.stringify(started.left);
      this.log(`could not start: ${why}`);
      await leadership.resign();
      return;
    }
    term.state = started.right;
    // SWIM facts this process learnt while it did not lead
    for (const node of this.feed.down) this.enqueue(term, { kind: 'nodeDown', node });
  }

  private sinks(term: Term): ManagerSinks {
    return {
      publish: (routing) => {
        if (term.over) return;
        term.routing = routing;
        for (const n of this.opts.nodes) this.send(n, { ch: 'ctl', m: { kind: 'routingUpdate', routing } });
      },
      scheduleTick: (atMs) => term.timers.schedule(atMs),
      rejected: () => void this.rejected++,
      leaseGrant: (g) => {
        if (!term.over) this.send(`node:${g.node as NodeId}`, { ch: 'ctl', m: g });
      },
    };
  }

  private enqueue(term: Term, input: ManagerInput): void {
    term.chain = term.chain.then(async () => {
      if (term.over || !term.state || this.term !== term) return;
      const [next, effects] = step(this.opts.config, term.state, input);
      term.state = next;
      try {
        await runManagerEffects(term.persistence, effects, this.sinks(term));
      } catch (e) {
        this.log(`persist failed, stepping down: ${(e as Error).message}`);
        this.stepDown('persist failed');
        await term.leadership.resign().catch(() => undefined);
      }
    });
  }

  private stepDown(reason: string): void {
    const term = this.term;
    if (!term || term.over) return;
    term.over = true;
    term.timers.close();
    this.term = undefined;
    this.log(`stopped acting: ${reason}`);
  }

  /** SWIM membership events (core/swim/feed.ts decides what becomes nodeDown / nodeUp). */
  onMemberEvent(e: MemberEvent): void {
    const [feed, inputs] = feedStep(this.feed, e, this.opts.member);
    this.feed = feed;
    const term = this.term;
    if (term && !term.over) for (const i of inputs) if (this.opts.layout.some((c) => c.targets.some((t) => t.node === i.node))) this.enqueue(term, i);
  }

  private onMessage(m: Inbound<NodeMessage>): void {
    if (m.msg.ch !== 'ctl') return;
    const c: ControlMessage = m.msg.m;
    const term = this.leading ? this.term! : undefined;
    switch (c.kind) {
      case 'heartbeat':
        if (!term) return;
        // bring the manager's clock to now first: the lease it records, and the grant it
        // answers with, must not start from a tick that a slow persist held back
        this.enqueue(term, { kind: 'tick', nowMs: nowMs() });
        this.enqueue(term, c);
        if (term.routing && c.routingVersion < term.routing.version) this.send(`node:${c.node as NodeId}`, { ch: 'ctl', m: { kind: 'routingUpdate', routing: term.routing } });
        return;
      case 'syncDone':
        if (term) this.enqueue(term, c);
        return;
      case 'getRouting':
        if (!m.reply) return;
        if (term?.routing) void m.reply({ ch: 'ctl', m: { kind: 'routingUpdate', routing: term.routing } }).catch(() => undefined);
        else void m.reply({ ch: 'ctl', m: { kind: 'notLeader', manager: this.opts.id } }).catch(() => undefined);
        return;
      case 'getStatus': {
        if (!m.reply) return;
        const s: StatusReply = { kind: 'status', role: 'manager', id: this.opts.id, pid: process.pid, leader: term !== undefined, routing: term?.routing ?? null, members: this.opts.members?.() ?? {}, rejected: { tcp: this.transport.counters().rejected, udp: this.opts.udpRejected?.() ?? 0 } };
        void m.reply({ ch: 'ctl', m: s }).catch(() => undefined);
        return;
      }
      default:
        return;
    }
  }

  private send(peer: PeerId, m: NodeMessage): void {
    this.transport.send(peer, m).catch(() => undefined);
  }

  async close(): Promise<void> {
    this.closed = true;
    const term = this.term;
    this.stepDown('closing');
    if (term) await term.leadership.resign().catch(() => undefined);
    await this.candidate?.close().catch(() => undefined);
    await this.transport.close();
  }
}
