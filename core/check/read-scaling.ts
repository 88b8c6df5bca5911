/**
 * The CRAQ paper's result in simulation (Terrace and Freedman, ATC 2009; ANCHORS.md "CRAQ
 * paper"): read throughput against chain length and write rate, for chain replication
 * (reads at the tail only) and CRAQ (reads at any replica) under both dirty-read policies.
 *
 * The real machines run unchanged: storage targets (core/craq/target.ts) and clients
 * (core/craq/client.ts). What is modelled is capacity: every storage node is one server
 * with a FIFO queue, and handling a message takes a fixed service time by kind (a read or
 * a write/forward costs more than an ack or a version query). Clients and the network
 * have no capacity limit (the network adds a fixed latency). Readers run closed-loop (one
 * read outstanding each, issued again as soon as one completes), enough of them to
 * saturate every node; writers are open-loop (Poisson arrivals at the offered rate, many
 * channels), so the write rate is an input, as in the paper's experiments.
 *
 * Policies: `cr` = clients read only at the tail (a tail never holds a dirty version: it
 * commits as it applies); `craq-3fs` = any replica, a dirty chunk answers ChunkNotCommit
 * and the client retries (3FS); `craq` = any replica, a dirty chunk asks the tail which
 * version is committed (the paper's version query).
 *
 * Pure and deterministic: one seeded Rng; simulated time only.
 */
import { chainId, chunkId, clientId, nodeId, targetId, ChunkId, TargetId } from '../../spec/ids';
import { RoutingTable } from '../../spec/routing';
import { ClientMessage, CraqMessage, TargetMessage } from '../../spec/craq';
import { Rng } from '../prng';
import { EventHeap } from '../swim/heap';
import { DEFAULT_TARGET_CONFIG, TargetConfig, TargetEffect, TargetState, initialTargetState, step as targetStep } from '../craq/target';
import { ClientConfig, ClientEffect, ClientOp, ClientState, DEFAULT_CLIENT_CONFIG, clientStep, initialClientState } from '../craq/client';

export type ReadPolicyName = 'cr' | 'craq-3fs' | 'craq';
export const READ_POLICIES: readonly ReadPolicyName[] = ['cr', 'craq-3fs', 'craq'];

export interface ServiceTimes {
  /** Per message kind handled by a storage node, in ms. */
  readonly readMs: number;
  readonly writeMs: number;
  readonly ackMs: number;
  readonly queryMs: number;
}

/** A node serves 10,000 reads/s or 5,000 write hops/s; acks and version queries are cheap. */
export const DEFAULT_SERVICE: ServiceTimes = { readMs: 0.1, writeMs: 0.2, ackMs: 0.02, queryMs: 0.02 };

export interface ScalingPoint {
  readonly policy: ReadPolicyName;
  readonly chainLength: number;
  /** Offered writes per second (Poisson). */
  readonly writeRate: number;
  readonly seed: number;
  readonly service: ServiceTimes;
  readonly chunks: number;
  readonly warmupMs: number;
  readonly measureMs: number;
  readonly networkMs: number;
}

export interface ScalingResult {
  readonly policy: ReadPolicyName;
  readonly chainLength: number;
  readonly writeRate: number;
  /** Completed reads and writes per second of simulated time, in the measurement window. */
  readonly readsPerSec: number;
  readonly writesPerSec: number;
  /** Read attempts answered ChunkNotCommit (3fs policy) or version queries sent (craq), per completed read. */
  readonly dirtyPerRead: number;
  /** Busy fraction of the tail and the mean over nodes, in the window. */
  readonly tailUtilization: number;
  readonly meanUtilization: number;
}

export const DEFAULT_POINT: Omit<ScalingPoint, 'policy' | 'chainLength' | 'writeRate'> = {
  seed: 1,
  service: DEFAULT_SERVICE,
  chunks: 64,
  warmupMs: 100,
  measureMs: 400,
  networkMs: 0.05,
};

const READERS_PER_NODE = 12;
const WRITERS = 16;

type Ev =
  | { readonly k: 'arrive'; readonly node: number; readonly msg: TargetMessage }
  | { readonly k: 'serve'; readonly node: number; readonly msg: TargetMessage }
  | { readonly k: 'toClient'; readonly client: number; readonly msg: ClientMessage }
  | { readonly k: 'clientTick'; readonly client: number }
  | { readonly k: 'targetTick'; readonly node: number }
  | { readonly k: 'write' };

/** Measure one point: read and write throughput at saturation for one policy, chain length and write rate. */
export function measurePoint(p: ScalingPoint): ScalingResult {
  const n = p.chainLength;
  const rng = new Rng(p.seed);
  const routing: RoutingTable = {
    version: 1,
    chains: [{ id: chainId(1), version: 1, targets: Array.from({ length: n }, (_, i) => ({ target: targetId(i + 1), node: nodeId(i), state: 'serving' as const })) }],
  };
  const tcfg: TargetConfig[] = Array.from({ length: n }, (_, i) => ({ ...DEFAULT_TARGET_CONFIG, self: targetId(i + 1), dirtyRead: p.policy === 'craq' ? 'craq' : '3fs' }));
  const targets: TargetState[] = Array.from({ length: n }, () => initialTargetState());
  const busyUntil = new Float64Array(n);
  const busyInWindow = new Float64Array(n);
  const readers = READERS_PER_NODE * n;
  const ccfg: ClientConfig[] = [];
  const clients: ClientState[] = [];
  for (let i = 0; i < readers + WRITERS; i++) {
    const cfg: ClientConfig = {
      ...DEFAULT_CLIENT_CONFIG,
      self: clientId(i),
      readPolicy: p.policy === 'cr' ? 'tail' : 'random',
      channels: 4,
      requestTimeoutMs: 5000,
      notCommitRetryMs: 0.05,
    };
    ccfg.push(cfg);
    clients.push(initialClientState(cfg, rng.u32(), routing));
  }
  const chunks: ChunkId[] = Array.from({ length: p.chunks }, (_, i) => chunkId(`k${i}`));
  const heap = new EventHeap<Ev>();
  const t0 = p.warmupMs;
  const t1 = p.warmupMs + p.measureMs;
  let now = 0;
  let reads = 0;
  let writes = 0;
  let dirty = 0;
  let nextOp = 0;
  let writeSeq = 0;

  const serviceOf = (m: TargetMessage): number => {
    switch (m.kind) {
      case 'read':
        return p.service.readMs;
      case 'write':
      case 'forward':
        return p.service.writeMs;
      case 'ack':
        return p.service.ackMs;
      case 'versionQuery':
      case 'versionReply':
        return p.service.queryMs;
    }
  };
  const nodeOf = (id: TargetId) => (id as number) - 1;
  const send = (msg: CraqMessage, to: { kind: 'target'; id: TargetId } | { kind: 'client'; id: number }) => {
    if (to.kind === 'target') heap.push(now + p.networkMs, { k: 'arrive', node: nodeOf(to.id), msg: msg as TargetMessage });
    else heap.push(now + p.networkMs, { k: 'toClient', client: to.id, msg: msg as ClientMessage });
  };
  const onTargetEffects = (node: number, effects: readonly TargetEffect[]) => {
    for (const e of effects) {
      if (e.kind === 'send') send(e.msg, e.to);
      else if (e.kind === 'persist') for (const x of e.thenSend) send(x.msg, x.to);
      else if (e.kind === 'scheduleTick') heap.push(Math.max(now, e.atMs), { k: 'targetTick', node });
      if (e.kind === 'send' && e.msg.kind === 'versionQuery' && now >= t0 && now < t1) dirty++;
    }
  };
  const onClientEffects = (i: number, effects: readonly ClientEffect[]) => {
    for (const e of effects) {
      switch (e.kind) {
        case 'send':
          send(e.msg, e.to as { kind: 'target'; id: TargetId });
          break;
        case 'scheduleTick':
          heap.push(Math.max(now, e.atMs), { k: 'clientTick', client: i });
          break;
        case 'complete':
          if (now >= t0 && now < t1 && e.result.ok) {
            if (e.result.kind === 'read') reads++;
            else writes++;
          }
          if (i < readers) invokeRead(i);
          break;
        default:
          break;
      }
    }
  };
  const clientInput = (i: number, input: Parameters<typeof clientStep>[2]) => {
    const [next, fx] = clientStep(ccfg[i], clients[i], input);
    clients[i] = next;
    onClientEffects(i, fx);
  };
  const invokeRead = (i: number) => {
    const op: ClientOp = { kind: 'read', chain: chainId(1), chunk: chunks[rng.below(chunks.length)], offset: 0, length: 8 };
    clientInput(i, { kind: 'invoke', opId: nextOp++, op, nowMs: now });
  };
  const invokeWrite = () => {
    const i = readers + (writeSeq++ % WRITERS);
    const data = new Uint8Array(8);
    data[0] = writeSeq & 0xff;
    const op: ClientOp = { kind: 'write', chain: chainId(1), chunk: chunks[rng.below(chunks.length)], offset: 0, data };
    clientInput(i, { kind: 'invoke', opId: nextOp++, op, nowMs: now });
  };

  for (let i = 0; i < n; i++) [targets[i]] = targetStep(tcfg[i], targets[i], { kind: 'routing', table: routing, nowMs: 0 });
  for (let i = 0; i < readers; i++) invokeRead(i);
  const nextWriteGap = () => (p.writeRate > 0 ? -Math.log(1 - rng.float()) * (1000 / p.writeRate) : Infinity);
  if (p.writeRate > 0) heap.push(nextWriteGap(), { k: 'write' });

  while (heap.peekTime() < t1) {
    const ev = heap.pop()!;
    now = heap.lastTime;
    switch (ev.k) {
      case 'arrive': {
        // FIFO single server: the message is handled when the node has served everything before it
        const start = Math.max(now, busyUntil[ev.node]);
        const s = serviceOf(ev.msg);
        busyUntil[ev.node] = start + s;
        const a = Math.max(start, t0);
        const b = Math.min(start + s, t1);
        if (b > a) busyInWindow[ev.node] += b - a;
        heap.push(start + s, { k: 'serve', node: ev.node, msg: ev.msg });
        break;
      }
      case 'serve': {
        const [next, fx] = targetStep(tcfg[ev.node], targets[ev.node], { kind: 'received', msg: ev.msg, nowMs: now });
        targets[ev.node] = next;
        onTargetEffects(ev.node, fx);
        break;
      }
      case 'targetTick': {
        const [next, fx] = targetStep(tcfg[ev.node], targets[ev.node], { kind: 'tick', nowMs: now });
        targets[ev.node] = next;
        onTargetEffects(ev.node, fx);
        break;
      }
      case 'toClient':
        if (p.policy === 'craq-3fs' && ev.msg.kind === 'readReply' && !ev.msg.ok && ev.msg.code === 'ChunkNotCommit' && now >= t0) dirty++;
        clientInput(ev.client, { kind: 'received', msg: ev.msg, nowMs: now });
        break;
      case 'clientTick':
        clientInput(ev.client, { kind: 'tick', nowMs: now });
        break;
      case 'write':
        invokeWrite();
        heap.push(now + nextWriteGap(), { k: 'write' });
        break;
    }
  }
  const secs = p.measureMs / 1000;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += busyInWindow[i];
  return {
    policy: p.policy,
    chainLength: n,
    writeRate: p.writeRate,
    readsPerSec: reads / secs,
    writesPerSec: writes / secs,
    dirtyPerRead: reads > 0 ? dirty / reads : 0,
    tailUtilization: busyInWindow[n - 1] / p.measureMs,
    meanUtilization: sum / n / p.measureMs,
  };
}

/** The sweep behind docs/read-scaling.{md,svg}: every policy x chain length x write rate. */
export function sweep(lengths: readonly number[], writeRates: readonly number[], base: Partial<ScalingPoint> = {}, onPoint?: (r: ScalingResult) => void): ScalingResult[] {
  const out: ScalingResult[] = [];
  for (const policy of READ_POLICIES)
    for (const chainLength of lengths)
      for (const writeRate of writeRates) {
        const r = measurePoint({ ...DEFAULT_POINT, ...base, policy, chainLength, writeRate });
        out.push(r);
        onPoint?.(r);
      }
  return out;
}
