/**
 * Whole-cluster deterministic simulation (ANCHORS.md "Deterministic simulation": the
 * FoundationDB / TigerBeetle VOPR approach). One process, simulated time, one event heap;
 * every random choice is drawn from one seeded `Rng` (forked per concern), so a seed (and,
 * when given, a fault schedule) replays a run exactly.
 *
 * What runs, unchanged, through their pure `step` functions:
 *  - storage targets (core/craq/target.ts), several per storage node;
 *  - the chain manager (core/chain/manager.ts), on its own host, with an in-memory config
 *    store (applyPersist) and routing published only after its persist; a crash of the
 *    manager host loses its volatile state and `restoreManager` rebuilds it from the store;
 *  - SWIM/Lifeguard members (core/swim/member.ts) on every storage node and on the manager
 *    host; the manager's own member feeds it nodeDown/nodeUp (core/swim/feed.ts);
 *  - clients (core/craq/client.ts) issuing reads and writes.
 * The simulator plays the adapters: network, disks, timers, node agents (heartbeats with
 * each target's local state, routing fan-out), a Serf-like reconnect to dead members.
 *
 * Faults (spec/sim.ts): message loss, duplication, reordering/delay, partitions (halves,
 * one node isolated, one-way), node crash + restart (volatile state lost; the target
 * restarts from what its disk holds), disk failure (a failed write takes the target's
 * disk offline: the node reports the target's local state `offline`, as 3FS), torn write
 * (power loss mid-write; on restart the target finds the record's checksum wrong and
 * discards it).
 *
 * Disk model: per target a FIFO of writes, each completing 1-2 ms after the previous; a
 * `persist` effect's `thenSend` leaves only when its write completed, and any later send of
 * that target waits behind the queue too (nothing reflecting non-durable state leaves).
 * A crash loses the queue. The disk keeps, per chunk, the last record and the one before,
 * each with its checksum, so a torn last record falls back to the previous one.
 *
 * Recovery sync is the real protocol (core/chain/recovery.ts run inside the target): the
 * targets' `syncSend` effects travel over the same faulty network, and their `syncDone`
 * effects go to the manager host as messages. `recovery: 'none'` drops every sync message
 * (a cluster without recovery): syncing targets then stay syncing, and the "live targets
 * serving" checker reports `skip` instead of `fail` for them.
 */
import { ChainId, ChunkId, ClientId, TargetId, chainId, chunkId, clientId, nodeId, targetId } from '../../spec/ids';
import { Chain, LocalState, RoutingTable } from '../../spec/routing';
import { ClientMessage, CraqMessage, DirtyReadPolicy, TargetMessage } from '../../spec/craq';
import { Heartbeat, LeaseGrant, ManagerInput } from '../../spec/chain';
import { NO_LEASE, NodeLease, applyGrant, fence, leaseValid, onRouting } from '../chain/lease';
import { SyncMessage } from '../../spec/sync';
import { Packet, SwimConfig, DEFAULT_SWIM_CONFIG } from '../../spec/swim';
import { FaultClass, FaultEvent, FaultSchedule } from '../../spec/sim';
import { Rng } from '../prng';
import { InvariantViolation } from '../types';
import { EventHeap } from '../swim/heap';
import { SwimState, createMember, step as swimStep, statusOf } from '../swim/member';
import { denseAliveTable, EMPTY_TABLE } from '../swim/table';
import { EMPTY_FEED, FeedState, feedStep } from '../swim/feed';
import {
  ChunkReplica,
  DEFAULT_TARGET_CONFIG,
  RetryEntry,
  SendEffect,
  SyncSendEffect,
  TargetConfig,
  TargetState,
  emptyVolatile,
  initialTargetState,
  step as targetStep,
} from '../craq/target';
import { ClientConfig, ClientState, DEFAULT_CLIENT_CONFIG, OpResult, clientStep, initialClientState } from '../craq/client';
import { HistoryOp } from '../craq/cluster';
import { CraqMutant } from '../craq/mutants';
import { ManagerConfig, ManagerEffect, ManagerState, applyPersist, createManager, restoreManager, routingTable, step as managerStep } from '../chain/manager';
import type { ManagerSnapshot } from '../../spec/chain';
import { drawSchedule } from './sim-faults';
import { SimDisk } from './sim-disk';
import { runChecks } from './sim-checks';

// ---------------------------------------------------------------- options

export type RecoveryMode = 'protocol' | 'none';

export interface SimOptions {
  readonly seed: number;
  /** Simulated milliseconds of workload (faults in the first `faultFraction` of it). */
  readonly durationMs: number;
  readonly nodes: number;
  readonly replicas: number;
  /** Chains (default: one per node); chain c has its replicas on nodes c, c+1, ... mod nodes. */
  readonly chains: number;
  readonly chunksPerChain: number;
  readonly clients: number;
  /** Fault classes drawn when no `schedule` is given. */
  readonly faults: readonly FaultClass[];
  /** Replay exactly this schedule instead of drawing one. */
  readonly schedule?: FaultSchedule;
  readonly faultFraction: number;
  /** Mean gap between faults of one class. */
  readonly faultGapMs: number;
  /** After the workload: time with no faults and no new operations before the final reads. */
  readonly settleMs: number;
  readonly dirtyRead: DirtyReadPolicy;
  readonly readFraction: number;
  /** Mean think time of a client between operations. */
  readonly thinkMeanMs: number;
  /** Operations a client keeps in flight at most. */
  readonly clientConcurrency: number;
  readonly recovery: RecoveryMode;
  /** A planted CRAQ bug (core/craq/mutants.ts), to show the checkers catch it. */
  readonly mutant?: CraqMutant;
  /** Search steps for the linearizability verdict (exhausted: the check reports `unknown`). */
  readonly linStepBudget: number;
  readonly swim: SwimConfig;
  /** Observe every target input and effect, and every crash/restart (for debugging a seed). */
  readonly trace?: (nowMs: number, line: string) => void;
}

/** Fast SWIM timings so detection takes a few hundred ms of simulated time, not seconds. */
export const SIM_SWIM_CONFIG: SwimConfig = {
  ...DEFAULT_SWIM_CONFIG,
  probeIntervalMs: 200,
  probeTimeoutMs: 80,
  gossipIntervalMs: 50,
  suspicionMult: 3,
  suspicionMaxTimeoutMult: 4,
  pushPullIntervalMs: 5000,
  gossipToTheDeadMs: 5000,
};

export const DEFAULT_SIM_OPTIONS: SimOptions = {
  seed: 1,
  durationMs: 30_000,
  nodes: 5,
  replicas: 3,
  chains: 5,
  chunksPerChain: 2,
  clients: 3,
  faults: ['loss', 'dup', 'reorder', 'partition', 'crash', 'disk'],
  faultFraction: 0.6,
  faultGapMs: 4000,
  settleMs: 15_000,
  dirtyRead: '3fs',
  readFraction: 0.5,
  thinkMeanMs: 60,
  clientConcurrency: 2,
  recovery: 'protocol',
  linStepBudget: 2_000_000,
  swim: SIM_SWIM_CONFIG,
};

const MANAGER_CONFIG: ManagerConfig = { leaseMs: 1000, checkIntervalMs: 100 };
const HEARTBEAT_MS = 250;
const RECONNECT_MS = 1000;
const CLIENT_CONFIG: Omit<ClientConfig, 'self'> = { ...DEFAULT_CLIENT_CONFIG, requestTimeoutMs: 300, opDeadlineMs: 8000, retryBackoffMaxMs: 500 };
const VALUE_BYTES = 4;

// ---------------------------------------------------------------- report

export type CheckStatus = 'pass' | 'fail' | 'skip' | 'unknown';

export interface CheckOutcome {
  readonly name: string;
  readonly status: CheckStatus;
  readonly detail: string;
}

export interface FaultCounts {
  scheduled: number;
  messagesDropped: number;
  messagesDuplicated: number;
  messagesDelayed: number;
  partitionedDrops: number;
  /** Client requests a node answered TargetOffline (or dropped) because it held no lease. */
  fenced: number;
  crashes: number;
  restarts: number;
  diskFailures: number;
  tornWrites: number;
  tornDetected: number;
  syncs: number;
}

export interface SimReport {
  readonly seed: number;
  readonly simulatedMs: number;
  readonly nodes: number;
  readonly replicas: number;
  readonly chains: number;
  readonly ops: { readonly invoked: number; readonly ok: number; readonly failed: number; readonly pending: number; readonly reads: number; readonly writes: number };
  readonly faults: FaultCounts;
  readonly checks: readonly CheckOutcome[];
  /** No check failed (skips and unknowns are not failures). */
  readonly ok: boolean;
  readonly schedule: FaultSchedule;
  readonly events: number;
  readonly routingVersion: number;
}

// ---------------------------------------------------------------- internals

type Host = number; // storage nodes 0..N-1, manager N; clients -1-i
type Payload =
  | { readonly t: 'craq'; readonly msg: CraqMessage }
  | { readonly t: 'swim'; readonly packet: Packet }
  | { readonly t: 'hb'; readonly hb: Heartbeat }
  | { readonly t: 'routing'; readonly table: RoutingTable }
  | { readonly t: 'routingReq' }
  | { readonly t: 'lease'; readonly grant: LeaseGrant }
  | { readonly t: 'sync'; readonly msg: SyncMessage }
  | { readonly t: 'syncDone'; readonly target: TargetId; readonly chainVersion: number };

/** Where a message goes: a target, a client, a host's agent (node or manager). */
type Dest = { readonly k: 'target'; readonly i: number } | { readonly k: 'client'; readonly i: number } | { readonly k: 'host'; readonly h: Host };

const enum Ev {
  Deliver,
  TargetTick,
  ClientTick,
  SwimTick,
  ManagerTick,
  Heartbeat,
  Reconnect,
  DiskDone,
  FaultStart,
  FaultEnd,
  Think,
}

interface Event {
  readonly ev: Ev;
  readonly a: number;
  /** Generation (restart count) of the node or target the event belongs to. */
  readonly gen: number;
  readonly dest?: Dest;
  readonly from?: Host;
  readonly payload?: Payload;
}

type DiskOp =
  | {
      readonly k: 'persist';
      readonly chunks: readonly (readonly [ChunkId, ChunkReplica])[];
      readonly retry: readonly (readonly [string, RetryEntry])[];
      readonly thenSend: readonly (SendEffect | SyncSendEffect)[];
    }
  | { readonly k: 'send'; readonly send: SendEffect | SyncSendEffect };

interface TargetSlot {
  readonly id: TargetId;
  readonly node: number;
  readonly chain: ChainId;
  readonly cfg: TargetConfig;
  state: TargetState;
  diskOnline: boolean;
  disk: SimDisk;
  queue: DiskOp[];
  gen: number;
  /** Restarted (or disk replaced) since it was last seen SERVING: reports `online`, not `uptodate`. */
  fresh: boolean;
  ticks: Set<number>;
  armed: FaultEvent | null;
  diskFault: FaultEvent | null;
}

interface NodeSlot {
  up: boolean;
  gen: number;
  routing: RoutingTable | null;
  /** The node's lease from the manager (core/chain/lease.ts): client requests are fenced without it. */
  lease: NodeLease;
  swim: SwimState;
  restartAtMs: number;
  /** syncDone reports this node's targets made, resent with every heartbeat until routing shows them applied. */
  syncReports: Map<number, number>;
}

interface ClientSlot {
  readonly cfg: ClientConfig;
  state: ClientState;
  inFlight: number;
  counter: number;
  ticks: Set<number>;
  routingAskedMs: number;
}

/** The simulator. Construct, then `run()`; or drive it step by step (the model-based test). */
export class ClusterSim {
  readonly o: SimOptions;
  readonly schedule: FaultSchedule;
  readonly faults: FaultCounts;
  readonly history: HistoryOp[] = [];
  readonly chunks: ChunkId[] = [];
  readonly chunkChain = new Map<ChunkId, ChainId>();
  nowMs = 0;
  events = 0;
  /** A machine's invariant failed (the run stops there). */
  violation: string | null = null;

  private readonly heap = new EventHeap<Event>();
  private readonly netRng: Rng;
  private readonly workRng: Rng;
  private readonly miscRng: Rng;
  private readonly targets: TargetSlot[] = [];
  private readonly targetIndex = new Map<number, number>();
  private readonly nodes: NodeSlot[] = [];
  private readonly clients: ClientSlot[] = [];
  private readonly managerHost: Host;
  private manager!: ManagerState;
  private store: ManagerSnapshot | undefined;
  private managerSwim!: SwimState;
  private managerUp = true;
  private managerGen = 0;
  private managerRestartAtMs = 0;
  private feed: FeedState = EMPTY_FEED;
  private readonly active: FaultEvent[] = [];
  private readonly linkLast = new Map<string, number>();
  private clock = 0;
  private workEndMs: number;
  private readonly completions = new Map<number, OpResult>();

  constructor(opts: Partial<SimOptions> & Pick<SimOptions, 'seed'>) {
    const o: SimOptions = { ...DEFAULT_SIM_OPTIONS, ...opts, chains: opts.chains ?? opts.nodes ?? DEFAULT_SIM_OPTIONS.chains };
    if (o.replicas > o.nodes) throw new RangeError(`replicas ${o.replicas} > nodes ${o.nodes}`);
    this.o = o;
    const root = new Rng(o.seed);
    const schedRng = root.fork();
    this.netRng = root.fork();
    this.workRng = root.fork();
    this.miscRng = root.fork();
    this.managerHost = o.nodes;
    this.workEndMs = o.durationMs;

    // layout: chain c on nodes c, c+1, ..., one target each
    const layout = [];
    for (let c = 0; c < o.chains; c++) {
      const ts = [];
      for (let j = 0; j < o.replicas; j++) {
        const node = (c + j) % o.nodes;
        const id = targetId(c * o.replicas + j + 1);
        ts.push({ target: id, node: nodeId(node) });
        this.targetIndex.set(id, this.targets.length);
        this.targets.push({
          id,
          node,
          chain: chainId(c + 1),
          cfg: { ...DEFAULT_TARGET_CONFIG, self: id, dirtyRead: o.dirtyRead, forwardRetryTotalMs: 10_000, ...(o.mutant ? { mutant: o.mutant } : {}) },
          state: initialTargetState(),
          diskOnline: true,
          disk: new SimDisk(),
          queue: [],
          gen: 0,
          fresh: false,
          ticks: new Set(),
          armed: null,
          diskFault: null,
        });
      }
      layout.push({ id: chainId(c + 1), targets: ts });
      for (let k = 0; k < o.chunksPerChain; k++) {
        const ch = chunkId(`c${c + 1}k${k}`);
        this.chunks.push(ch);
        this.chunkChain.set(ch, chainId(c + 1));
      }
    }

    // SWIM: hosts 0..N (the manager is member N), one shared initial table
    const shared = denseAliveTable(o.nodes + 1);
    for (let n = 0; n < o.nodes; n++) {
      this.nodes.push({ up: true, gen: 0, routing: null, lease: NO_LEASE, swim: createMember(n, this.miscRng.u32(), shared), restartAtMs: 0, syncReports: new Map() });
    }
    this.managerSwim = createMember(this.managerHost, this.miscRng.u32(), shared);

    // manager
    const created = createManager(MANAGER_CONFIG, layout, 0);
    if (created._tag === 'Left') throw new RangeError(created.left.message);
    this.manager = created.right[0];
    this.onManagerEffects(created.right[1]);

    for (let i = 0; i < o.clients; i++) {
      const cfg: ClientConfig = { ...CLIENT_CONFIG, self: clientId(i) };
      this.clients.push({ cfg, state: initialClientState(cfg, this.miscRng.u32(), routingTable(this.manager)), inFlight: 0, counter: 0, ticks: new Set(), routingAskedMs: -1 });
    }

    // schedule: drawn from its own fork, so a given schedule leaves every other draw unchanged
    const faultEndMs = Math.floor(o.durationMs * o.faultFraction);
    const drawn = drawSchedule(schedRng, { nodes: o.nodes, targets: this.targets.length, faultEndMs, classes: o.faults, meanGapMs: o.faultGapMs });
    this.schedule = o.schedule ?? drawn;
    this.faults = { scheduled: this.schedule.length, messagesDropped: 0, messagesDuplicated: 0, messagesDelayed: 0, partitionedDrops: 0, fenced: 0, crashes: 0, restarts: 0, diskFailures: 0, tornWrites: 0, tornDetected: 0, syncs: 0 };
    this.schedule.forEach((f, i) => {
      this.heap.push(f.atMs, { ev: Ev.FaultStart, a: i, gen: 0 });
      this.heap.push(Math.max(f.atMs, f.untilMs), { ev: Ev.FaultEnd, a: i, gen: 0 });
    });

    // start every member, node agent and client
    for (let n = 0; n < o.nodes; n++) {
      this.swimInput(n, { kind: 'join', seeds: [], nowMs: 0 });
      this.heap.push(1 + this.miscRng.below(HEARTBEAT_MS), { ev: Ev.Heartbeat, a: n, gen: 0 });
      this.heap.push(RECONNECT_MS + this.miscRng.below(RECONNECT_MS), { ev: Ev.Reconnect, a: n, gen: 0 });
    }
    this.swimInput(this.managerHost, { kind: 'join', seeds: [], nowMs: 0 });
    this.heap.push(RECONNECT_MS + this.miscRng.below(RECONNECT_MS), { ev: Ev.Reconnect, a: this.managerHost, gen: 0 });
    // targets learn the first routing table from the publish above (delivered over the network)
  }

  // ------------------------------------------------------------ driving

  /** Run the whole scenario: workload with faults, settle, final reads; then check. */
  run(): SimReport {
    for (let i = 0; i < this.clients.length; i++) this.heap.push(this.expMs(this.o.thinkMeanMs), { ev: Ev.Think, a: i, gen: 0 });
    this.runUntil(this.o.durationMs + this.o.settleMs);
    this.finalReads();
    return this.report();
  }

  /** Process events up to `tMs` (inclusive) or until a machine invariant fails. */
  runUntil(tMs: number): void {
    while (this.violation === null && this.heap.peekTime() <= tMs) {
      const e = this.heap.pop()!;
      this.nowMs = Math.max(this.nowMs, this.heap.lastTime);
      this.events++;
      try {
        this.handle(e);
      } catch (err) {
        if (err instanceof InvariantViolation) this.violation = `${err.message} (at ${this.nowMs} ms)`;
        else throw err;
      }
    }
    if (this.violation === null) this.nowMs = Math.max(this.nowMs, tMs);
  }

  /** Stop issuing workload operations after `tMs` (the model-based test drives its own). */
  setWorkEnd(tMs: number): void {
    this.workEndMs = tMs;
  }

  /** Client `i` invokes a read or a write of `value` on `chunk`; returns the operation id. */
  invoke(i: number, chunk: ChunkId, write: Uint8Array | null): number {
    const chain = this.chunkChain.get(chunk)!;
    const opId = this.history.length;
    const op = write
      ? { kind: 'write' as const, chain, chunk, offset: 0, data: write }
      : { kind: 'read' as const, chain, chunk, offset: 0, length: VALUE_BYTES };
    this.history.push({ client: clientId(i), opId, op, call: this.clock++ });
    this.clients[i].inFlight++;
    this.clientInput(i, { kind: 'invoke', opId, op, nowMs: this.nowMs });
    return opId;
  }

  /** Run until operation `opId` completes (or `maxMs` pass); its result, if any. */
  runUntilComplete(opId: number, maxMs: number): OpResult | undefined {
    const end = this.nowMs + maxMs;
    while (this.violation === null && !this.completions.has(opId) && this.heap.peekTime() <= end) this.runUntil(this.heap.peekTime());
    if (!this.completions.has(opId) && this.violation === null) this.runUntil(end);
    return this.completions.get(opId);
  }

  /** A fresh unique value for client `i` (4 bytes: client, counter). */
  nextValue(i: number): Uint8Array {
    const c = ++this.clients[i].counter;
    return new Uint8Array([i + 1, (c >>> 16) & 0xff, (c >>> 8) & 0xff, c & 0xff]);
  }

  /** After the settle period: one read of every chunk (they join the checked history). */
  private finalReads(): void {
    this.workEndMs = -1;
    const ids = this.chunks.map((ch, k) => this.invoke(k % this.clients.length, ch, null));
    for (const id of ids) this.runUntilComplete(id, 10_000);
  }

  // ------------------------------------------------------------ events

  private handle(e: Event): void {
    switch (e.ev) {
      case Ev.Deliver:
        return this.deliver(e.dest!, e.from!, e.payload!);
      case Ev.TargetTick: {
        const t = this.targets[e.a];
        t.ticks.delete(this.nowMs);
        if (e.gen !== t.gen || !this.running(e.a)) return;
        return this.targetInput(e.a, { kind: 'tick', nowMs: this.nowMs });
      }
      case Ev.ClientTick:
        this.clients[e.a].ticks.delete(this.nowMs);
        return this.clientInput(e.a, { kind: 'tick', nowMs: this.nowMs });
      case Ev.SwimTick:
        if (!this.hostLive(e.a, e.gen)) return;
        return this.swimInput(e.a, { kind: 'tick', nowMs: this.nowMs });
      case Ev.ManagerTick:
        if (!this.hostLive(this.managerHost, e.gen)) return;
        return this.managerInput({ kind: 'tick', nowMs: this.nowMs });
      case Ev.Heartbeat: {
        const n = this.nodes[e.a];
        if (!n.up || n.gen !== e.gen) return;
        this.sendHeartbeat(e.a);
        this.heap.push(this.nowMs + HEARTBEAT_MS, { ev: Ev.Heartbeat, a: e.a, gen: e.gen });
        return;
      }
      case Ev.Reconnect: {
        if (!this.hostLive(e.a, e.gen)) return;
        this.reconnect(e.a);
        this.heap.push(this.nowMs + RECONNECT_MS, { ev: Ev.Reconnect, a: e.a, gen: e.gen });
        return;
      }
      case Ev.DiskDone:
        if (e.gen !== this.targets[e.a].gen) return;
        return this.diskDone(e.a);
      case Ev.FaultStart:
        return this.faultStart(this.schedule[e.a]);
      case Ev.FaultEnd:
        return this.faultEnd(this.schedule[e.a]);
      case Ev.Think:
        return this.think(e.a);
    }
  }

  /** The host (a storage node, or the manager host) is up and `gen` is its current generation. */
  private hostLive(h: Host, gen: number): boolean {
    if (h === this.managerHost) return this.managerUp && gen === this.managerGen;
    return this.nodes[h].up && this.nodes[h].gen === gen;
  }

  private expMs(mean: number): number {
    return Math.max(1, Math.floor(-mean * Math.log(1 - this.workRng.float())));
  }

  private think(i: number): void {
    if (this.nowMs >= this.workEndMs) return;
    const c = this.clients[i];
    if (c.inFlight < this.o.clientConcurrency) {
      const chunk = this.chunks[this.workRng.below(this.chunks.length)];
      const read = this.workRng.chance(this.o.readFraction);
      this.invoke(i, chunk, read ? null : this.nextValue(i));
    }
    this.heap.push(this.nowMs + this.expMs(this.o.thinkMeanMs), { ev: Ev.Think, a: i, gen: 0 });
  }

  // ------------------------------------------------------------ network

  private hostOfDest(d: Dest): Host {
    if (d.k === 'target') return this.targets[d.i].node;
    if (d.k === 'client') return -1 - d.i;
    return d.h;
  }

  private cut(from: Host, to: Host): boolean {
    if (from < 0 || to < 0) return false; // clients are never partitioned
    for (const f of this.active) {
      if (f.kind !== 'partition') continue;
      const a = f.side.includes(from);
      const b = f.side.includes(to);
      if (a === b) continue;
      if (!f.oneWay || a) return true;
    }
    return false;
  }

  private send(from: Host, dest: Dest, payload: Payload): void {
    const to = this.hostOfDest(dest);
    if (this.cut(from, to)) {
      this.faults.partitionedDrops++;
      return;
    }
    let loss = 0;
    let dup = 0;
    let jitter = 0;
    for (const f of this.active) {
      if (f.kind === 'loss') loss = Math.max(loss, f.p);
      else if (f.kind === 'dup') dup = Math.max(dup, f.p);
      else if (f.kind === 'reorder') jitter = Math.max(jitter, f.jitterMs);
    }
    if (loss > 0 && this.netRng.chance(loss)) {
      this.faults.messagesDropped++;
      return;
    }
    const copies = dup > 0 && this.netRng.chance(dup) ? 2 : 1;
    if (copies === 2) this.faults.messagesDuplicated++;
    const key = `${from}>${dest.k}${dest.k === 'host' ? dest.h : dest.i}`;
    for (let c = 0; c < copies; c++) {
      let at = this.nowMs + 1 + this.netRng.below(3);
      if (jitter > 0) {
        at += this.netRng.below(jitter + 1);
        this.faults.messagesDelayed++;
      } else {
        at = Math.max(at, this.linkLast.get(key) ?? 0); // FIFO links unless reordering
      }
      this.linkLast.set(key, at);
      this.heap.push(at, { ev: Ev.Deliver, a: 0, gen: 0, dest, from, payload });
    }
  }

  private deliver(dest: Dest, from: Host, p: Payload): void {
    const to = this.hostOfDest(dest);
    if (this.cut(from, to)) {
      this.faults.partitionedDrops++;
      return;
    }
    switch (dest.k) {
      case 'target':
        if (!this.running(dest.i)) return;
        if (p.t === 'craq') {
          const t = this.targets[dest.i];
          if (!leaseValid(this.nodes[t.node].lease, this.nowMs)) {
            const v = fence(p.msg as TargetMessage, t.id);
            if (v.kind !== 'pass') {
              this.faults.fenced++;
              this.o.trace?.(this.nowMs, `t${t.id}@n${t.node} fenced (no lease): ${p.msg.kind}`);
              if (v.kind === 'reply') this.send(t.node, { k: 'client', i: (v.msg as ClientMessage).client }, { t: 'craq', msg: v.msg });
              return;
            }
          }
          this.targetInput(dest.i, { kind: 'received', msg: p.msg as TargetMessage, nowMs: this.nowMs });
        }
        else if (p.t === 'sync') this.targetInput(dest.i, { kind: 'sync', msg: p.msg, nowMs: this.nowMs });
        return;
      case 'client':
        if (p.t === 'craq') this.clientInput(dest.i, { kind: 'received', msg: p.msg as ClientMessage, nowMs: this.nowMs });
        else if (p.t === 'routing') this.clientInput(dest.i, { kind: 'routing', table: p.table, nowMs: this.nowMs });
        return;
      case 'host':
        if (dest.h === this.managerHost) return this.managerUp ? this.managerReceive(from, p) : undefined;
        if (!this.nodes[dest.h].up) return;
        if (p.t === 'swim') this.swimInput(dest.h, { kind: 'received', from, packet: p.packet, nowMs: this.nowMs });
        else if (p.t === 'routing') this.nodeRouting(dest.h, p.table);
        else if (p.t === 'lease') {
          const node = this.nodes[dest.h];
          node.lease = applyGrant(node.lease, p.grant, node.routing?.version ?? 0);
        }
        return;
    }
  }

  private addressDest(a: { kind: 'target'; id: TargetId } | { kind: 'client'; id: ClientId }): Dest | undefined {
    if (a.kind === 'client') return { k: 'client', i: a.id };
    const i = this.targetIndex.get(a.id);
    return i === undefined ? undefined : { k: 'target', i };
  }

  // ------------------------------------------------------------ targets and disks

  /** The target's process is running: its node is up and its disk online. */
  private running(i: number): boolean {
    const t = this.targets[i];
    return this.nodes[t.node].up && t.diskOnline;
  }

  private targetInput(i: number, input: Parameters<typeof targetStep>[2]): void {
    const t = this.targets[i];
    const [next, effects] = targetStep(t.cfg, t.state, input);
    t.state = next;
    if (this.o.trace) {
      this.o.trace(this.nowMs, `t${t.id}@n${t.node} <- ${traceInput(input)}`);
      for (const e of effects) if (e.kind !== 'scheduleTick') this.o.trace(this.nowMs, `t${t.id} -> ${JSON.stringify(e, bytesAsHex)}`);
    }
    for (const e of effects) {
      switch (e.kind) {
        case 'send':
        case 'syncSend':
          if (t.queue.length > 0) t.queue.push({ k: 'send', send: e });
          else this.targetSend(i, e);
          break;
        case 'syncDone':
          // the predecessor reports the finished sync to the manager host; the node agent
          // resends it with each heartbeat until the routing shows it applied (an RPC retry)
          this.faults.syncs++;
          this.nodes[t.node].syncReports.set(e.target, e.chainVersion);
          this.send(t.node, { k: 'host', h: this.managerHost }, { t: 'syncDone', target: e.target, chainVersion: e.chainVersion });
          break;
        case 'persist':
          t.queue.push({ k: 'persist', chunks: e.chunks, retry: e.retry, thenSend: [...e.thenSend, ...(e.thenSync ?? [])] });
          if (t.queue.length === 1) this.heap.push(this.nowMs + 1 + this.netRng.below(2), { ev: Ev.DiskDone, a: i, gen: t.gen });
          break;
        case 'scheduleTick': {
          const at = Math.max(e.atMs, this.nowMs);
          if (!t.ticks.has(at)) {
            t.ticks.add(at);
            this.heap.push(at, { ev: Ev.TargetTick, a: i, gen: t.gen });
          }
          break;
        }
        case 'ignored':
          break;
      }
    }
  }

  private targetSend(i: number, e: SendEffect | SyncSendEffect): void {
    if (e.kind === 'syncSend') {
      const j = this.targetIndex.get(e.to);
      if (j !== undefined && this.o.recovery === 'protocol') this.send(this.targets[i].node, { k: 'target', i: j }, { t: 'sync', msg: e.msg });
      return;
    }
    const d = this.addressDest(e.to);
    if (d) this.send(this.targets[i].node, d, { t: 'craq', msg: e.msg });
  }

  private diskDone(i: number): void {
    const t = this.targets[i];
    const op = t.queue.shift();
    if (!op || op.k !== 'persist') return;
    const fault = t.armed;
    if (fault && fault.kind === 'diskFail') {
      // the write fails: the disk goes offline (3FS), the target stops, nothing is written
      t.armed = null;
      t.diskFault = fault;
      this.faults.diskFailures++;
      this.stopTarget(i);
      t.diskOnline = false;
      return;
    }
    if (fault && fault.kind === 'torn') {
      // power loss mid-write: the first chunk record is half written, the node goes down
      t.armed = null;
      if (op.chunks.length > 0) {
        const [chunk, r] = op.chunks[0];
        t.disk.writeTorn(chunk, r);
        this.faults.tornWrites++;
      }
      this.crashNode(t.node, Math.max(fault.untilMs, this.nowMs + 1));
      return;
    }
    for (const [chunk, r] of op.chunks) t.disk.write(chunk, r);
    for (const [k, e] of op.retry) t.disk.writeRetry(k, e);
    for (const s of op.thenSend) this.targetSend(i, s);
    while (t.queue.length > 0 && t.queue[0].k === 'send') this.targetSend(i, (t.queue.shift() as { send: SendEffect | SyncSendEffect }).send);
    if (t.queue.length > 0) this.heap.push(this.nowMs + 1 + this.netRng.below(2), { ev: Ev.DiskDone, a: i, gen: t.gen });
  }

  /** The target's process stops: volatile state, disk queue and timers are gone. */
  private stopTarget(i: number): void {
    const t = this.targets[i];
    t.queue = [];
    t.gen++;
    t.ticks.clear();
  }

  /** The target starts from what its disk holds (torn records discarded by checksum). */
  private startTarget(i: number): void {
    const t = this.targets[i];
    const { durable, tornDetected } = t.disk.recover(t.state.durable.epoch + 1);
    this.faults.tornDetected += tornDetected;
    t.state = { durable, volatile: emptyVolatile() };
    t.fresh = true;
    const routing = this.nodes[t.node].routing;
    if (routing) this.targetInput(i, { kind: 'routing', table: routing, nowMs: this.nowMs });
  }

  // ------------------------------------------------------------ nodes

  private crashNode(n: number, restartAtMs: number): void {
    const node = this.nodes[n];
    node.restartAtMs = Math.max(node.restartAtMs, restartAtMs);
    if (!node.up) return;
    this.o.trace?.(this.nowMs, `crash node ${n}`);
    this.faults.crashes++;
    node.up = false;
    node.gen++;
    node.routing = null;
    node.lease = NO_LEASE;
    node.syncReports.clear();
    for (let i = 0; i < this.targets.length; i++) if (this.targets[i].node === n) this.stopTarget(i);
  }

  private restartNode(n: number): void {
    const node = this.nodes[n];
    if (node.up) return;
    this.o.trace?.(this.nowMs, `restart node ${n}`);
    this.faults.restarts++;
    node.up = true;
    node.gen++;
    // SWIM restarts with a higher incarnation (kept on disk, like DAOS's HLC incarnation)
    node.swim = createMember(n, this.miscRng.u32(), EMPTY_TABLE, node.swim.incarnation + 1);
    const seeds: number[] = [];
    for (let h = 0; h <= this.o.nodes; h++) if (h !== n) seeds.push(h);
    this.swimInput(n, { kind: 'join', seeds, nowMs: this.nowMs });
    for (let i = 0; i < this.targets.length; i++) if (this.targets[i].node === n && this.targets[i].diskOnline) this.startTarget(i);
    this.sendHeartbeat(n);
    this.heap.push(this.nowMs + HEARTBEAT_MS, { ev: Ev.Heartbeat, a: n, gen: node.gen });
    this.heap.push(this.nowMs + RECONNECT_MS, { ev: Ev.Reconnect, a: n, gen: node.gen });
  }

  private localStateOf(i: number): LocalState {
    const t = this.targets[i];
    if (!t.diskOnline) return 'offline';
    const routing = this.nodes[t.node].routing;
    const me = routing?.chains.find((c) => c.id === t.chain)?.targets.find((x) => x.target === t.id);
    if (me?.state === 'serving') t.fresh = false;
    return me?.state === 'serving' && !t.fresh ? 'uptodate' : 'online';
  }

  private sendHeartbeat(n: number): void {
    const node = this.nodes[n];
    const targets = [];
    for (let i = 0; i < this.targets.length; i++) {
      const t = this.targets[i];
      if (t.node !== n) continue;
      const ch = node.routing?.chains.find((c) => c.id === t.chain);
      targets.push({ target: t.id, localState: this.localStateOf(i), chainVersion: ch?.version ?? 0 });
    }
    const hb: Heartbeat = { kind: 'heartbeat', node: nodeId(n), routingVersion: node.routing?.version ?? 0, targets, sentAtMs: this.nowMs };
    this.send(n, { k: 'host', h: this.managerHost }, { t: 'hb', hb });
    for (const [target, chainVersion] of node.syncReports) {
      const ch = node.routing?.chains.find((c) => c.targets.some((x) => x.target === target));
      const st = ch?.targets.find((x) => x.target === target)?.state;
      if (!ch || ch.version !== chainVersion || st !== 'syncing') node.syncReports.delete(target);
      else this.send(n, { k: 'host', h: this.managerHost }, { t: 'syncDone', target: targetId(target), chainVersion });
    }
  }

  private nodeRouting(n: number, table: RoutingTable): void {
    const node = this.nodes[n];
    if (node.routing && node.routing.version >= table.version) return;
    node.routing = table;
    node.lease = onRouting(node.lease, table.version);
    for (let i = 0; i < this.targets.length; i++) if (this.targets[i].node === n && this.running(i)) this.targetInput(i, { kind: 'routing', table, nowMs: this.nowMs });
  }

  /** The manager process dies: its volatile state (leases, SWIM's down set, its member) is gone. */
  private crashManager(restartAtMs: number): void {
    this.managerRestartAtMs = Math.max(this.managerRestartAtMs, restartAtMs);
    if (!this.managerUp) return;
    this.o.trace?.(this.nowMs, 'crash manager');
    this.faults.crashes++;
    this.managerUp = false;
    this.managerGen++;
  }

  /** The manager restarts from its config store (restoreManager) and rejoins SWIM. */
  private restartManager(): void {
    if (this.managerUp || !this.store) return;
    this.o.trace?.(this.nowMs, 'restart manager');
    this.faults.restarts++;
    const restored = restoreManager(MANAGER_CONFIG, this.store, this.nowMs);
    if (restored._tag === 'Left') throw new InvariantViolation('SIM-MANAGER-RESTORE', restored.left.message);
    this.managerUp = true;
    this.managerGen++;
    this.manager = restored.right[0];
    this.feed = EMPTY_FEED;
    this.managerSwim = createMember(this.managerHost, this.miscRng.u32(), EMPTY_TABLE, this.managerSwim.incarnation + 1);
    this.swimInput(this.managerHost, { kind: 'join', seeds: Array.from({ length: this.o.nodes }, (_, n) => n), nowMs: this.nowMs });
    this.onManagerEffects(restored.right[1]);
    this.heap.push(this.nowMs + RECONNECT_MS, { ev: Ev.Reconnect, a: this.managerHost, gen: this.managerGen });
  }

  // ------------------------------------------------------------ SWIM

  private swimInput(h: Host, input: Parameters<typeof swimStep>[2]): void {
    const isMgr = h === this.managerHost;
    const st = isMgr ? this.managerSwim : this.nodes[h].swim;
    const [next, effects] = swimStep(this.o.swim, st, input);
    if (isMgr) this.managerSwim = next;
    else this.nodes[h].swim = next;
    const gen = isMgr ? this.managerGen : this.nodes[h].gen;
    for (const e of effects) {
      switch (e.kind) {
        case 'send':
          this.send(h, { k: 'host', h: e.to }, { t: 'swim', packet: e.packet });
          break;
        case 'scheduleTick':
          this.heap.push(Math.max(this.nowMs, e.atMs), { ev: Ev.SwimTick, a: h, gen });
          break;
        case 'memberEvent':
          if (isMgr) {
            const [f, inputs] = feedStep(this.feed, e, this.managerHost);
            this.feed = f;
            for (const x of inputs) this.managerInput(x);
          }
          break;
        case 'stopped':
          break;
      }
    }
  }

  /** Serf-like reconnect: push-pull with one member we hold dead, so healed partitions merge. */
  private reconnect(h: Host): void {
    const st = h === this.managerHost ? this.managerSwim : this.nodes[h].swim;
    const dead: number[] = [];
    for (let m = 0; m <= this.o.nodes; m++) if (m !== h && statusOf(st, m) === 'dead') dead.push(m);
    if (dead.length === 0) return;
    const to = dead[this.miscRng.below(dead.length)];
    this.send(h, { k: 'host', h: to }, { t: 'swim', packet: { kind: 'pushPull', join: true, reply: false, from: h, members: st.table } });
  }

  // ------------------------------------------------------------ manager

  private managerReceive(from: Host, p: Payload): void {
    switch (p.t) {
      case 'swim':
        return this.swimInput(this.managerHost, { kind: 'received', from, packet: p.packet, nowMs: this.nowMs });
      case 'hb':
        this.managerInput(p.hb);
        if (p.hb.routingVersion < this.manager.routingVersion) this.send(this.managerHost, { k: 'host', h: from }, { t: 'routing', table: routingTable(this.manager) });
        return;
      case 'routingReq':
        if (from < 0) this.send(this.managerHost, { k: 'client', i: -1 - from }, { t: 'routing', table: routingTable(this.manager) });
        return;
      case 'syncDone':
        return this.managerInput({ kind: 'syncDone', target: p.target, chainVersion: p.chainVersion });
      default:
        return;
    }
  }

  private managerInput(input: ManagerInput): void {
    const [next, effects] = managerStep(MANAGER_CONFIG, this.manager, input);
    this.manager = next;
    this.onManagerEffects(effects);
  }

  private onManagerEffects(effects: readonly ManagerEffect[]): void {
    for (const e of effects) {
      switch (e.kind) {
        case 'persist':
          this.store = applyPersist(this.store, e);
          if (e.thenPublish) this.publish(e.thenPublish);
          break;
        case 'publish':
          this.publish(e.routing);
          break;
        case 'scheduleTick':
          this.heap.push(Math.max(this.nowMs, e.atMs), { ev: Ev.ManagerTick, a: 0, gen: this.managerGen });
          break;
        case 'leaseGrant':
          this.send(this.managerHost, { k: 'host', h: e.node }, { t: 'lease', grant: e });
          break;
        case 'rejected':
          break;
      }
    }
  }

  private publish(table: RoutingTable): void {
    for (let n = 0; n < this.o.nodes; n++) this.send(this.managerHost, { k: 'host', h: n }, { t: 'routing', table });
    for (let i = 0; i < this.clients.length; i++) this.send(this.managerHost, { k: 'client', i }, { t: 'routing', table });
  }

  // ------------------------------------------------------------ clients

  private clientInput(i: number, input: Parameters<typeof clientStep>[2]): void {
    const c = this.clients[i];
    const [next, effects] = clientStep(c.cfg, c.state, input);
    c.state = next;
    for (const e of effects) {
      switch (e.kind) {
        case 'send': {
          const d = this.addressDest(e.to);
          if (d) this.send(-1 - i, d, { t: 'craq', msg: e.msg });
          break;
        }
        case 'scheduleTick': {
          const at = Math.max(this.nowMs, e.atMs);
          if (!c.ticks.has(at)) {
            c.ticks.add(at);
            this.heap.push(at, { ev: Ev.ClientTick, a: i, gen: 0 });
          }
          break;
        }
        case 'complete': {
          const h = this.history[e.opId];
          this.history[e.opId] = { ...h, ret: this.clock++, result: e.result };
          this.completions.set(e.opId, e.result);
          c.inFlight--;
          break;
        }
        case 'refreshRouting':
          if (this.nowMs - c.routingAskedMs >= 50 || c.routingAskedMs < 0) {
            c.routingAskedMs = this.nowMs;
            this.send(-1 - i, { k: 'host', h: this.managerHost }, { t: 'routingReq' });
          }
          break;
        case 'ignored':
          break;
      }
    }
  }

  // ------------------------------------------------------------ faults

  private faultStart(f: FaultEvent): void {
    switch (f.kind) {
      case 'loss':
      case 'dup':
      case 'reorder':
      case 'partition':
        this.active.push(f);
        return;
      case 'crash':
        if (f.node < this.o.nodes) this.crashNode(f.node, f.untilMs);
        else if (f.node === this.managerHost) this.crashManager(f.untilMs);
        return;
      case 'diskFail':
      case 'torn': {
        const t = this.targets[f.target];
        if (t && t.armed === null && t.diskOnline) t.armed = f;
        return;
      }
    }
  }

  private faultEnd(f: FaultEvent): void {
    switch (f.kind) {
      case 'loss':
      case 'dup':
      case 'reorder':
      case 'partition': {
        const k = this.active.indexOf(f);
        if (k >= 0) this.active.splice(k, 1);
        return;
      }
      case 'crash':
      case 'torn':
        if (f.kind === 'torn') {
          const t = this.targets[f.target];
          if (t && t.armed === f) t.armed = null; // never triggered
        }
        for (let n = 0; n < this.o.nodes; n++) if (!this.nodes[n].up && this.nodes[n].restartAtMs <= this.nowMs) this.restartNode(n);
        if (!this.managerUp && this.managerRestartAtMs <= this.nowMs) this.restartManager();
        return;
      case 'diskFail': {
        const t = this.targets[f.target];
        if (!t) return;
        if (t.armed === f) t.armed = null;
        if (t.diskFault === f) {
          // the disk is replaced/repaired: the target restarts from what it holds
          t.diskFault = null;
          t.diskOnline = true;
          if (this.nodes[t.node].up) this.startTarget(f.target);
        }
        return;
      }
    }
  }

  // ------------------------------------------------------------ views for the checkers

  managerRouting(): RoutingTable {
    return routingTable(this.manager);
  }

  targetViews(): readonly { readonly id: TargetId; readonly chain: ChainId; readonly running: boolean; readonly routingVersion: number; readonly state: TargetState }[] {
    return this.targets.map((t, i) => ({ id: t.id, chain: t.chain, running: this.running(i), routingVersion: this.nodes[t.node].routing?.version ?? 0, state: t.state }));
  }

  /** Every SWIM member's status of every other member (hosts 0..N; N is the manager). */
  swimViews(): readonly { readonly host: number; readonly up: boolean; readonly notAlive: readonly number[] }[] {
    const out = [];
    for (let h = 0; h <= this.o.nodes; h++) {
      const st = h === this.o.nodes ? this.managerSwim : this.nodes[h].swim;
      const up = h === this.o.nodes ? this.managerUp : this.nodes[h].up;
      const notAlive: number[] = [];
      for (let m = 0; m <= this.o.nodes; m++) if (m !== h && statusOf(st, m) !== 'alive') notAlive.push(m);
      out.push({ host: h, up, notAlive });
    }
    return out;
  }

  chainOf(id: ChainId): Chain | undefined {
    return this.managerRouting().chains.find((c) => c.id === id);
  }

  report(): SimReport {
    const checks = runChecks(this);
    let ok = 0;
    let failed = 0;
    let pending = 0;
    let reads = 0;
    for (const h of this.history) {
      if (h.op.kind === 'read') reads++;
      if (h.result === undefined) pending++;
      else if (h.result.ok) ok++;
      else failed++;
    }
    return {
      seed: this.o.seed,
      simulatedMs: this.nowMs,
      nodes: this.o.nodes,
      replicas: this.o.replicas,
      chains: this.o.chains,
      ops: { invoked: this.history.length, ok, failed, pending, reads, writes: this.history.length - reads },
      faults: { ...this.faults },
      checks,
      ok: checks.every((c) => c.status !== 'fail'),
      schedule: this.schedule,
      events: this.events,
      routingVersion: this.manager.routingVersion,
    };
  }
}

function bytesAsHex(_k: string, v: unknown): unknown {
  if (v instanceof Uint8Array) return Array.from(v, (b) => b.toString(16).padStart(2, '0')).join('');
  if (v instanceof Map) return [...v];
  return v;
}

function traceInput(input: Parameters<typeof targetStep>[2]): string {
  switch (input.kind) {
    case 'received':
    case 'sync':
      return JSON.stringify(input.msg, bytesAsHex);
    case 'routing':
      return `routing v${input.table.version} ${input.table.chains.map((c) => `${c.id}:v${c.version}[${c.targets.map((x) => `${x.target}${x.state.slice(0, 2)}`).join(' ')}]`).join(' ')}`;
    default:
      return input.kind;
  }
}

/** One seed, one run, one report. */
export function runSim(opts: Partial<SimOptions> & Pick<SimOptions, 'seed'>): SimReport {
  return new ClusterSim(opts).run();
}
