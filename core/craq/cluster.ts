/**
 * A deterministic in-memory CRAQ cluster: N storage targets, chains from a routing table,
 * M clients, simulated time, and a pool of in-flight messages from which a scheduler (a
 * test, the explorer, a seeded random scheduler) picks the next delivery, so any
 * interleaving can be forced. Every operation is a pure function of the cluster state;
 * the explorer keeps old states.
 */
import { ClientId, TargetId, clientId } from '../../spec/ids';
import { RoutingTable } from '../../spec/routing';
import { Address, ClientMessage, CraqMessage, TargetMessage } from '../../spec/craq';
import { SyncDone, SyncMessage } from '../../spec/sync';
import { Rng } from '../prng';
import { StepResult } from '../types';
import { TargetConfig, TargetEffect, TargetInput, TargetState, initialTargetState, step } from './target';
import { ClientConfig, ClientEffect, ClientInput, ClientOp, ClientState, OpResult, clientStep, initialClientState } from './client';

export interface ClusterConfig {
  readonly targets: readonly TargetId[];
  readonly routing: RoutingTable;
  readonly clients: number;
  readonly target: Omit<TargetConfig, 'self'>;
  readonly client: Omit<ClientConfig, 'self'>;
  readonly seed: number;
}

export interface InFlight {
  readonly id: number;
  readonly from: Address;
  readonly to: Address;
  readonly msg: CraqMessage;
}

/** A recovery sync message between two targets (spec/sync.ts). */
export interface SyncInFlight {
  readonly id: number;
  readonly from: TargetId;
  readonly to: TargetId;
  readonly msg: SyncMessage;
}

export interface Timer {
  readonly node: Address;
  readonly atMs: number;
}

/** One client operation as a linearizability history records it (logical call/return times). */
export interface HistoryOp {
  readonly client: ClientId;
  readonly opId: number;
  readonly op: ClientOp;
  readonly call: number;
  readonly ret?: number;
  readonly result?: OpResult;
}

export interface ClusterState {
  readonly nowMs: number;
  readonly targets: readonly TargetState[];
  readonly up: readonly boolean[];
  readonly clients: readonly ClientState[];
  readonly inflight: readonly InFlight[];
  /** Recovery sync messages in flight (a separate pool: static chains never have any). */
  readonly syncInflight: readonly SyncInFlight[];
  /** syncDone reports from predecessors, not yet taken by the chain manager (oldest first). */
  readonly toManager: readonly SyncDone[];
  readonly timers: readonly Timer[];
  readonly routing: RoutingTable;
  readonly history: readonly HistoryOp[];
  /** Logical clock for history call/return order. */
  readonly clock: number;
  readonly nextMsgId: number;
}

/** What happened at which node during a cluster operation (for traces and the demo). */
export type ClusterEvent =
  | { readonly node: Address; readonly input: TargetInput | ClientInput }
  | { readonly node: Address; readonly effect: TargetEffect | ClientEffect }
  | { readonly node: Address; readonly dropped: CraqMessage; readonly reason: string };

export type ClusterResult = StepResult<ClusterState, ClusterEvent>;

/** Per cluster config: each target's and client's config and address, made once (a step used to spread a new config). */
interface Derived {
  readonly targets: readonly TargetConfig[];
  readonly clients: readonly ClientConfig[];
  readonly targetAddr: readonly Address[];
  readonly clientAddr: readonly Address[];
}
const derivedOf = new WeakMap<ClusterConfig, Derived>();

function derived(cfg: ClusterConfig): Derived {
  let d = derivedOf.get(cfg);
  if (d === undefined) {
    d = {
      targets: cfg.targets.map((self) => ({ ...cfg.target, self })),
      clients: Array.from({ length: cfg.clients }, (_, i) => ({ ...cfg.client, self: clientId(i) })),
      targetAddr: cfg.targets.map((id): Address => ({ kind: 'target', id })),
      clientAddr: Array.from({ length: cfg.clients }, (_, i): Address => ({ kind: 'client', id: clientId(i) })),
    };
    derivedOf.set(cfg, d);
  }
  return d;
}

export function targetConfigOf(cfg: ClusterConfig, i: number): TargetConfig {
  return derived(cfg).targets[i] ?? { ...cfg.target, self: cfg.targets[i] };
}

export function clientConfigOf(cfg: ClusterConfig, i: number): ClientConfig {
  return derived(cfg).clients[i] ?? { ...cfg.client, self: clientId(i) };
}

export function createCluster(cfg: ClusterConfig): ClusterState {
  let s: ClusterState = {
    nowMs: 0,
    targets: cfg.targets.map(() => initialTargetState()),
    up: cfg.targets.map(() => true),
    clients: Array.from({ length: cfg.clients }, (_, i) => initialClientState(clientConfigOf(cfg, i), (cfg.seed ^ Math.imul(i + 1, 0x9e3779b1)) >>> 0, cfg.routing)),
    inflight: [],
    syncInflight: [],
    toManager: [],
    timers: [],
    routing: cfg.routing,
    history: [],
    clock: 0,
    nextMsgId: 0,
  };
  for (let i = 0; i < cfg.targets.length; i++) [s] = feedTarget(cfg, s, i, { kind: 'routing', table: cfg.routing, nowMs: 0 }, []);
  return s;
}

const targetIndex = (cfg: ClusterConfig, id: TargetId) => cfg.targets.indexOf(id);
export const addressKey = (a: Address) => (a.kind === 'target' ? `t${a.id}` : `c${a.id}`);

/**
 * Step target `i` and route its effects. New messages, timers and reports are gathered
 * first and the state is built once (not a copy of the pools per message); ids, order and
 * events are as if each effect were applied in turn.
 */
function feedTarget(cfg: ClusterConfig, s: ClusterState, i: number, input: TargetInput, events: ClusterEvent[]): ClusterResult {
  const node = derived(cfg).targetAddr[i];
  const self = cfg.targets[i];
  const [next, effects] = step(targetConfigOf(cfg, i), s.targets[i], input);
  const targets = s.targets.slice();
  targets[i] = next;
  events.push({ node, input });
  let inflight: InFlight[] | null = null;
  let syncInflight: SyncInFlight[] | null = null;
  let toManager: SyncDone[] | null = null;
  let timers: Timer[] | null = null;
  let id = s.nextMsgId;
  for (const e of effects) {
    events.push({ node, effect: e });
    switch (e.kind) {
      case 'send':
        (inflight ??= s.inflight.slice()).push({ id: id++, from: node, to: e.to, msg: e.msg });
        break;
      case 'persist':
        // the in-memory store is the state itself: durable at once, then send
        for (const x of e.thenSend) (inflight ??= s.inflight.slice()).push({ id: id++, from: node, to: x.to, msg: x.msg });
        for (const x of e.thenSync ?? []) (syncInflight ??= s.syncInflight.slice()).push({ id: id++, from: self, to: x.to, msg: x.msg });
        break;
      case 'syncSend':
        (syncInflight ??= s.syncInflight.slice()).push({ id: id++, from: self, to: e.to, msg: e.msg });
        break;
      case 'syncDone':
        (toManager ??= s.toManager.slice()).push({ kind: 'syncDone', target: e.target, chainVersion: e.chainVersion });
        break;
      case 'scheduleTick':
        if (!hasTimer(timers ?? s.timers, node, e.atMs)) (timers ??= s.timers.slice()).push({ node, atMs: e.atMs });
        break;
      case 'ignored':
        break;
    }
  }
  const out: ClusterState = {
    ...s,
    targets,
    inflight: inflight ?? s.inflight,
    syncInflight: syncInflight ?? s.syncInflight,
    toManager: toManager ?? s.toManager,
    timers: timers ?? s.timers,
    nextMsgId: id,
  };
  return [out, events];
}

const sameAddress = (a: Address, b: Address) => a.kind === b.kind && a.id === b.id;

function hasTimer(timers: readonly Timer[], node: Address, atMs: number): boolean {
  for (const t of timers) if (t.atMs === atMs && sameAddress(t.node, node)) return true;
  return false;
}

function feedClient(cfg: ClusterConfig, s: ClusterState, i: number, input: ClientInput, events: ClusterEvent[]): ClusterResult {
  const node = derived(cfg).clientAddr[i] ?? { kind: 'client', id: clientId(i) };
  const [next, effects] = clientStep(clientConfigOf(cfg, i), s.clients[i], input);
  const clients = s.clients.slice();
  clients[i] = next;
  let out: ClusterState = { ...s, clients };
  events.push({ node, input });
  let refresh = false;
  for (const e of effects) {
    events.push({ node, effect: e });
    switch (e.kind) {
      case 'send':
        out = enqueueMsg(out, node, e.to, e.msg);
        break;
      case 'scheduleTick':
        out = addTimer(out, node, e.atMs);
        break;
      case 'complete':
        out = recordReturn(out, clientId(i), e.opId, e.result);
        break;
      case 'refreshRouting':
        refresh = true;
        break;
      case 'ignored':
        break;
    }
  }
  // the in-memory routing service answers at once
  if (refresh && out.clients[i].routing?.version !== out.routing.version) return feedClient(cfg, out, i, { kind: 'routing', table: out.routing, nowMs: out.nowMs }, events);
  return [out, events];
}

function enqueueMsg(s: ClusterState, from: Address, to: Address, msg: CraqMessage): ClusterState {
  return { ...s, inflight: [...s.inflight, { id: s.nextMsgId, from, to, msg }], nextMsgId: s.nextMsgId + 1 };
}

function addTimer(s: ClusterState, node: Address, atMs: number): ClusterState {
  if (hasTimer(s.timers, node, atMs)) return s;
  return { ...s, timers: [...s.timers, { node, atMs }] };
}

function recordReturn(s: ClusterState, client: ClientId, opId: number, result: OpResult): ClusterState {
  const history = s.history.map((h) => (h.client === client && h.opId === opId && h.ret === undefined ? { ...h, ret: s.clock, result } : h));
  return { ...s, history, clock: s.clock + 1 };
}

// ---------------------------------------------------------------- scheduler moves

/** Client `i` invokes `op` (its id is the history length). */
export function invoke(cfg: ClusterConfig, s: ClusterState, i: number, op: ClientOp): ClusterResult {
  const opId = s.history.length;
  const h: HistoryOp = { client: clientId(i), opId, op, call: s.clock };
  const s1: ClusterState = { ...s, history: [...s.history, h], clock: s.clock + 1 };
  return feedClient(cfg, s1, i, { kind: 'invoke', opId, op, nowMs: s.nowMs }, []);
}

/** Deliver in-flight message `index` (any order: reordering is free). To a down target it is lost. */
export function deliver(cfg: ClusterConfig, s: ClusterState, index: number): ClusterResult {
  const m = s.inflight[index];
  const inflight = s.inflight.slice();
  inflight.splice(index, 1);
  const s1: ClusterState = { ...s, inflight };
  if (m.to.kind === 'target') {
    const ti = targetIndex(cfg, m.to.id);
    if (ti < 0 || !s.up[ti]) return [s1, [{ node: m.to, dropped: m.msg, reason: 'target down' }]];
    return feedTarget(cfg, s1, ti, { kind: 'received', msg: m.msg as TargetMessage, nowMs: s.nowMs }, []);
  }
  return feedClient(cfg, s1, m.to.id, { kind: 'received', msg: m.msg as ClientMessage, nowMs: s.nowMs }, []);
}

/** Deliver recovery sync message `index` (any order). To a down target it is lost. */
export function deliverSync(cfg: ClusterConfig, s: ClusterState, index: number): ClusterResult {
  const m = s.syncInflight[index];
  const syncInflight = s.syncInflight.slice();
  syncInflight.splice(index, 1);
  const s1: ClusterState = { ...s, syncInflight };
  const ti = targetIndex(cfg, m.to);
  if (ti < 0 || !s.up[ti]) return [s1, []];
  return feedTarget(cfg, s1, ti, { kind: 'sync', msg: m.msg, nowMs: s.nowMs }, []);
}

/** Take the oldest syncDone report for the chain manager. */
export function takeManagerReport(s: ClusterState): [ClusterState, SyncDone | undefined] {
  if (s.toManager.length === 0) return [s, undefined];
  return [{ ...s, toManager: s.toManager.slice(1) }, s.toManager[0]];
}

export function drop(s: ClusterState, index: number): ClusterResult {
  const m = s.inflight[index];
  const inflight = s.inflight.slice();
  inflight.splice(index, 1);
  return [{ ...s, inflight }, [{ node: m.to, dropped: m.msg, reason: 'lost' }]];
}

export function duplicate(s: ClusterState, index: number): ClusterResult {
  const m = s.inflight[index];
  return [enqueueMsg(s, m.from, m.to, m.msg), []];
}

/** Crash target `i`: its volatile state is lost, its timers die, messages to it are lost. */
export function crash(cfg: ClusterConfig, s: ClusterState, i: number): ClusterResult {
  const up = s.up.slice();
  up[i] = false;
  const k = addressKey({ kind: 'target', id: cfg.targets[i] });
  const s1: ClusterState = { ...s, up, timers: s.timers.filter((t) => addressKey(t.node) !== k) };
  return feedTarget(cfg, s1, i, { kind: 'crashed' }, []);
}

/** Restart target `i`: it comes back with its durable state and fetches routing. */
export function restart(cfg: ClusterConfig, s: ClusterState, i: number): ClusterResult {
  const up = s.up.slice();
  up[i] = true;
  return feedTarget(cfg, { ...s, up }, i, { kind: 'routing', table: s.routing, nowMs: s.nowMs }, []);
}

/** Publish a new routing table to every live target (clients pull it on demand). */
export function publishRouting(cfg: ClusterConfig, s: ClusterState, table: RoutingTable): ClusterResult {
  let out: ClusterState = { ...s, routing: table };
  const events: ClusterEvent[] = [];
  for (let i = 0; i < cfg.targets.length; i++) if (out.up[i]) [out] = feedTarget(cfg, out, i, { kind: 'routing', table, nowMs: out.nowMs }, events);
  return [out, events];
}

/** Fire timer `index`: time advances to it (never backwards) and its node ticks. */
export function fireTimer(cfg: ClusterConfig, s: ClusterState, index: number): ClusterResult {
  const t = s.timers[index];
  const nowMs = Math.max(s.nowMs, t.atMs);
  const k = addressKey(t.node);
  const timers = s.timers.filter((x) => !(addressKey(x.node) === k && x.atMs <= nowMs));
  const s1: ClusterState = { ...s, nowMs, timers };
  if (t.node.kind === 'target') {
    const ti = targetIndex(cfg, t.node.id);
    if (!s.up[ti]) return [s1, []];
    return feedTarget(cfg, s1, ti, { kind: 'tick', nowMs }, []);
  }
  return feedClient(cfg, s1, t.node.id, { kind: 'tick', nowMs }, []);
}

/**
 * A timeout at `node` (the explorers' time abstraction, proofs-notes/explorer.md): its clock
 * jumps far past every deadline it holds, so everything pending there is due at once and
 * behaviour never depends on clock values; all of its timers are consumed.
 */
export function timeoutNode(cfg: ClusterConfig, s: ClusterState, node: Address, farMs = 1e9): ClusterResult {
  const k = addressKey(node);
  const idx = s.timers.findIndex((t) => addressKey(t.node) === k);
  if (idx < 0) return [s, []];
  const far = { ...s, timers: s.timers.map((t, j) => (j === idx ? { ...t, atMs: s.nowMs + farMs } : t)) };
  const [c, events] = fireTimer(cfg, far, idx);
  return [{ ...c, timers: c.timers.filter((t) => addressKey(t.node) !== k || t.atMs > c.nowMs) }, events];
}

export function nextTimerIndex(s: ClusterState): number {
  let best = -1;
  for (let i = 0; i < s.timers.length; i++) if (best < 0 || s.timers[i].atMs < s.timers[best].atMs) best = i;
  return best;
}

/** No operation in progress and no message in flight. */
export function quiescent(s: ClusterState): boolean {
  return s.inflight.length === 0 && s.syncInflight.length === 0 && s.clients.every((c) => c.ops.size === 0);
}

/**
 * Seeded random scheduler: deliver a random in-flight message (or, with probability
 * `timerChance` or when nothing is in flight, fire the earliest timer) until quiescent or
 * `maxSteps`. Returns the final state.
 */
export function runRandom(cfg: ClusterConfig, s: ClusterState, rng: Rng, maxSteps = 100_000, timerChance = 0): ClusterState {
  let cur = s;
  for (let n = 0; n < maxSteps && !quiescent(cur); n++) {
    if (cur.inflight.length > 0 && !(timerChance > 0 && cur.timers.length > 0 && rng.chance(timerChance))) {
      [cur] = deliver(cfg, cur, rng.below(cur.inflight.length));
    } else {
      const ti = nextTimerIndex(cur);
      if (ti < 0) break;
      [cur] = fireTimer(cfg, cur, ti);
    }
  }
  return cur;
}
