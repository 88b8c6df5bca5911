/**
 * The chain manager (3FS mgmtd's chain updater): a pure machine that takes target
 * local-state reports and computes public states, chain order and versions.
 *
 * Inputs (spec/chain.ts): heartbeats (each renews the reporting targets' leases for
 * `leaseMs` from the manager's time, i.e. the last tick), `tick {nowMs}` (an expired lease
 * counts as offline), SWIM membership (`nodeDown`: the node's heartbeats are ignored until
 * `nodeUp`, so its leases are no longer renewed and its targets go offline when they run
 * out), `leaseExpired {node}` (abstract time: the node's leases ran out now), and
 * `syncDone {target, chainVersion}` from the recovery protocol (a syncing target is now up
 * to date; only at the current chain version).
 *
 * Fencing (core/chain/lease.ts, proofs-notes/lease-fencing.md): a heartbeat that carries
 * `sentAtMs` and is accepted whole is answered with a `leaseGrant` valid for
 * `leaseMs - 2 * checkIntervalMs` from `sentAtMs`, so the node stops serving clients before
 * the manager can declare its targets offline and publish a chain without them. That is
 * why a SWIM `nodeDown` never takes a node's targets offline before their lease is over: a
 * partitioned node that SWIM declared dead may still be serving reads.
 *
 * Every input that changes a target's local state rebuilds that target's chain
 * (core/chain/transition.ts); a changed chain gets version + 1, and any change moves the
 * routing version by 1. Effects: `persist` (the durable change, with the routing table to
 * publish only once it is durable: `thenPublish`), `publish` (after a restore),
 * `scheduleTick`, and `rejected` (an input that was not applied, and why).
 *
 * Durable: chains (order, public and last-reported local states, versions), routing
 * version, persist sequence. Volatile: time, leases, SWIM's down set. A restarted manager
 * (`restoreManager`) gives every live target a fresh lease of `leaseMs` from the restore time.
 *
 * Invariants INV-CHAIN-* (spec/chain.ts) are asserted on every changed chain unless
 * `checkInvariants === false`.
 */
import { Either, left, right } from 'fp-ts/Either';
import { InvariantViolation, StepResult } from '../types';
import { ChainId, NodeId, TargetId } from '../../spec/ids';
import { LocalState, RoutingTable, Chain } from '../../spec/routing';
import {
  ChainLayout,
  ChainMember,
  ChainRecord,
  Heartbeat,
  LeaseGrant,
  ManagerConfigData,
  ManagerInput,
  ManagerMeta,
  ManagerSnapshot,
  chainStepViolation,
  chainViolation,
} from '../../spec/chain';
import { ChainManagerMutant, rebuildChain } from './transition';

export interface ManagerConfig extends ManagerConfigData {
  /** A planted bug (CHAIN_MANAGER_MUTANTS), for the model checker only. */
  readonly mutant?: ChainManagerMutant;
  /** Assert INV-CHAIN-* on every change (default true). */
  readonly checkInvariants?: boolean;
}

/** A chain member as the manager tracks it: persisted fields plus the lease. */
export interface Member extends ChainMember {
  readonly leaseExpiresAtMs: number;
}

export interface ManagedChain {
  readonly id: ChainId;
  readonly version: number;
  readonly members: readonly Member[];
}

/** Static lookups derived from the layout (never change; not part of any encoding). */
export interface ManagerIndex {
  readonly chainOfTarget: ReadonlyMap<number, number>;
  readonly targetsOfNode: ReadonlyMap<number, readonly TargetId[]>;
}

export interface ManagerState {
  readonly routingVersion: number;
  /** Persist sequence number: the store holds the snapshot of `seq` once its effect ran. */
  readonly seq: number;
  readonly chains: readonly ManagedChain[];
  readonly nowMs: number;
  /** Nodes SWIM reported down (sorted); their heartbeats are ignored until nodeUp. */
  readonly nodesDown: readonly NodeId[];
  readonly index: ManagerIndex;
}

export interface PersistEffect {
  readonly kind: 'persist';
  readonly seq: number;
  readonly meta: ManagerMeta;
  /** The chains whose records changed (each one config-store key). */
  readonly chains: readonly ChainRecord[];
  /** Publish this routing table only after the write is durable (null: nothing to publish). */
  readonly thenPublish: RoutingTable | null;
}

export type ManagerEffect =
  | PersistEffect
  | { readonly kind: 'publish'; readonly routing: RoutingTable }
  | { readonly kind: 'scheduleTick'; readonly atMs: number }
  | LeaseGrant
  | { readonly kind: 'rejected'; readonly input: ManagerInput['kind']; readonly reason: string };

export type ManagerStep = StepResult<ManagerState, ManagerEffect>;

export interface ManagerSetupError {
  readonly kind: 'ManagerSetupError';
  readonly message: string;
}

// ---------------------------------------------------------------------------------------
// Projections
// ---------------------------------------------------------------------------------------

export function chainOf(c: ManagedChain): Chain {
  return { id: c.id, version: c.version, targets: c.members.map((m) => ({ target: m.target, node: m.node, state: m.state })) };
}

/** The routing table the manager publishes. */
export function routingTable(s: ManagerState): RoutingTable {
  return { version: s.routingVersion, chains: s.chains.map(chainOf) };
}

function recordOf(c: ManagedChain): ChainRecord {
  return { id: c.id, version: c.version, members: c.members.map((m) => ({ target: m.target, node: m.node, state: m.state, local: m.local })) };
}

function metaOf(s: ManagerState): ManagerMeta {
  return { format: 1, routingVersion: s.routingVersion, seq: s.seq, chains: s.chains.map((c) => c.id) };
}

/** The durable part of the state (what the config store holds after the last persist). */
export function snapshotOf(s: ManagerState): ManagerSnapshot {
  return { meta: metaOf(s), chains: s.chains.map(recordOf) };
}

/**
 * What a store holds after executing `e` on `before` (pure; the in-memory and etcd stores
 * do the same with keys). Throws if the effect is out of order (a lost or repeated persist).
 */
export function applyPersist(before: ManagerSnapshot | undefined, e: PersistEffect): ManagerSnapshot {
  const prevSeq = before?.meta.seq ?? 0;
  if (e.seq !== prevSeq + 1) throw new InvariantViolation('INV-CHAIN-PERSIST-ORDER', `persist seq ${e.seq} after ${prevSeq}`);
  const byId = new Map<number, ChainRecord>((before?.chains ?? []).map((c) => [c.id, c]));
  for (const c of e.chains) byId.set(c.id, c);
  return { meta: e.meta, chains: e.meta.chains.map((id) => byId.get(id)!) };
}

/**
 * Canonical text of a manager state for explorers (equal text = equivalent state). Leases
 * are relative to now (absolute time is left out); `versions: false` also leaves out chain
 * and routing versions and the persist sequence, for models whose inputs always carry the
 * current versions (the version rules are then checked per transition).
 */
export function encodeManager(s: ManagerState, opts: { readonly versions?: boolean } = {}): string {
  const versions = opts.versions ?? true;
  const chains = s.chains.map((c) => {
    const members = c.members.map((m) => `${m.target}${m.state[0]}${m.state[1]}${m.local[1]}${Math.max(0, m.leaseExpiresAtMs - s.nowMs)}`);
    return versions ? `${c.version}:${members.join(' ')}` : members.join(' ');
  });
  return `${versions ? `${s.routingVersion}/${s.seq}|` : ''}${chains.join(';')}|${s.nodesDown.join(',')}`;
}

// ---------------------------------------------------------------------------------------
// Creation and restore
// ---------------------------------------------------------------------------------------

function buildIndex(chains: readonly { readonly members: readonly { readonly target: TargetId; readonly node: NodeId }[] }[]): Either<ManagerSetupError, ManagerIndex> {
  const chainOfTarget = new Map<number, number>();
  const targetsOfNode = new Map<number, TargetId[]>();
  for (let ci = 0; ci < chains.length; ci++) {
    if (chains[ci].members.length === 0) return left(setupError(`chain #${ci} has no target`));
    for (const m of chains[ci].members) {
      if (chainOfTarget.has(m.target)) return left(setupError(`target ${m.target} appears twice`));
      chainOfTarget.set(m.target, ci);
      const list = targetsOfNode.get(m.node) ?? [];
      list.push(m.target);
      targetsOfNode.set(m.node, list);
    }
  }
  return right({ chainOfTarget, targetsOfNode });
}

const setupError = (message: string): ManagerSetupError => ({ kind: 'ManagerSetupError', message });

function uniqueIds(ids: readonly number[]): boolean {
  return new Set(ids).size === ids.length;
}

/**
 * A new manager for a new cluster: every target SERVING and up to date with a first lease
 * (3FS: new-born chains start serving). Effects: persist (seq 1) then publish, and a tick.
 */
export function createManager(config: ManagerConfig, layout: ChainLayout, nowMs: number): Either<ManagerSetupError, ManagerStep> {
  if (layout.length === 0) return left(setupError('the layout has no chain'));
  if (!uniqueIds(layout.map((c) => c.id))) return left(setupError('duplicate chain id'));
  const chains: ManagedChain[] = layout.map((c) => ({
    id: c.id,
    version: 1,
    members: c.targets.map((x) => ({ target: x.target, node: x.node, state: 'serving', local: 'uptodate', leaseExpiresAtMs: nowMs + config.leaseMs })),
  }));
  const index = buildIndex(chains);
  if (index._tag === 'Left') return index;
  const state: ManagerState = { routingVersion: 1, seq: 1, chains, nowMs, nodesDown: [], index: index.right };
  const persist: PersistEffect = { kind: 'persist', seq: 1, meta: metaOf(state), chains: chains.map(recordOf), thenPublish: routingTable(state) };
  return right([state, [persist, { kind: 'scheduleTick', atMs: nowMs + config.checkIntervalMs }]]);
}

/**
 * A restarted manager from its durable snapshot. Live targets get a fresh lease from
 * `nowMs` (they must heartbeat within `leaseMs`); the table is republished.
 */
export function restoreManager(config: ManagerConfig, snap: ManagerSnapshot, nowMs: number): Either<ManagerSetupError, ManagerStep> {
  const ids = snap.chains.map((c) => c.id);
  if (ids.length === 0 || ids.length !== snap.meta.chains.length || ids.some((id, i) => id !== snap.meta.chains[i]))
    return left(setupError(`snapshot chains [${ids.join(',')}] differ from meta [${snap.meta.chains.join(',')}]`));
  const chains: ManagedChain[] = snap.chains.map((c) => ({
    id: c.id,
    version: c.version,
    members: c.members.map((m) => ({ ...m, leaseExpiresAtMs: nowMs + config.leaseMs })),
  }));
  for (const c of chains) {
    const v = chainViolation(chainOf(c));
    if (v) return left(setupError(`stored ${v.invariant}: ${v.message}`));
  }
  const index = buildIndex(chains);
  if (index._tag === 'Left') return index;
  const state: ManagerState = { routingVersion: snap.meta.routingVersion, seq: snap.meta.seq, chains, nowMs, nodesDown: [], index: index.right };
  return right([state, [{ kind: 'publish', routing: routingTable(state) }, { kind: 'scheduleTick', atMs: nowMs + config.checkIntervalMs }]]);
}

// ---------------------------------------------------------------------------------------
// The step
// ---------------------------------------------------------------------------------------

/** Copy-on-write working set for one step. */
class Work {
  chains: ManagedChain[] | null = null;
  /** Chains where some member's local state changed (rebuild + persist). */
  readonly localChanged = new Set<number>();
  constructor(readonly base: ManagerState) {}

  chain(ci: number): ManagedChain {
    return (this.chains ?? this.base.chains)[ci];
  }

  setMember(ci: number, target: TargetId, f: (m: Member) => Member): void {
    const c = this.chain(ci);
    const i = c.members.findIndex((m) => m.target === target);
    const before = c.members[i];
    const after = f(before);
    if (after === before) return;
    if (after.local !== before.local) this.localChanged.add(ci);
    const members = c.members.slice();
    members[i] = after;
    this.chains ??= this.base.chains.slice();
    this.chains[ci] = { ...c, members };
  }
}

export function step(config: ManagerConfig, state: ManagerState, input: ManagerInput): ManagerStep {
  const effects: ManagerEffect[] = [];
  const w = new Work(state);
  let nowMs = state.nowMs;
  let nodesDown = state.nodesDown;
  let granted: Heartbeat | null = null;
  const reject = (reason: string) => effects.push({ kind: 'rejected', input: input.kind, reason });

  switch (input.kind) {
    case 'heartbeat': {
      const rejectedBefore = effects.length;
      onHeartbeat(config, w, input, reject);
      if (input.sentAtMs !== undefined && effects.length === rejectedBefore) granted = input;
      break;
    }
    case 'tick':
      if (input.nowMs < state.nowMs) {
        reject(`time went backwards: ${input.nowMs} < ${state.nowMs}`);
        break;
      }
      nowMs = input.nowMs;
      expireLeases(w, nowMs);
      effects.push({ kind: 'scheduleTick', atMs: nowMs + config.checkIntervalMs });
      break;
    case 'nodeDown': {
      const targets = state.index.targetsOfNode.get(input.node);
      if (!targets) {
        reject(`unknown node ${input.node}`);
        break;
      }
      // heartbeats are ignored from now on: the leases run out and a tick takes the targets offline
      if (!nodesDown.includes(input.node)) nodesDown = [...nodesDown, input.node].sort((a, b) => a - b);
      break;
    }
    case 'leaseExpired': {
      const targets = state.index.targetsOfNode.get(input.node);
      if (!targets) {
        reject(`unknown node ${input.node}`);
        break;
      }
      for (const t of targets) w.setMember(state.index.chainOfTarget.get(t)!, t, (m) => (m.local === 'offline' ? m : { ...m, local: 'offline', leaseExpiresAtMs: Math.min(m.leaseExpiresAtMs, nowMs) }));
      break;
    }
    case 'nodeUp':
      if (!state.index.targetsOfNode.has(input.node)) reject(`unknown node ${input.node}`);
      else nodesDown = nodesDown.filter((n) => n !== input.node);
      break;
    case 'syncDone': {
      const ci = state.index.chainOfTarget.get(input.target);
      const m = ci === undefined ? undefined : state.chains[ci].members.find((x) => x.target === input.target);
      if (ci === undefined || !m) reject(`unknown target ${input.target}`);
      else if (input.chainVersion !== state.chains[ci].version)
        reject(`stale syncDone for target ${input.target}: chain version ${input.chainVersion}, now ${state.chains[ci].version}`);
      else if (m.state !== 'syncing' || m.local === 'offline') reject(`target ${input.target} is ${m.state}/${m.local}, not syncing`);
      else w.setMember(ci, input.target, (x) => withLocal(x, 'uptodate'));
      break;
    }
  }

  const next = reconcile(config, { ...state, nowMs, nodesDown }, w, effects);
  if (granted && granted.sentAtMs !== undefined && config.leaseMs > 2 * config.checkIntervalMs)
    effects.push({ kind: 'leaseGrant', node: granted.node, sentAtMs: granted.sentAtMs, validForMs: grantValidForMs(config), routingVersion: next.routingVersion });
  return [next, effects];
}

/**
 * How long a node may serve after it sent an accepted heartbeat: the manager's lease
 * (`leaseMs` from its last tick, which lags real time by at most `checkIntervalMs`) minus a
 * guard of another `checkIntervalMs` for scheduling and clock-rate differences.
 */
export function grantValidForMs(config: ManagerConfig): number {
  return Math.max(0, config.leaseMs - 2 * config.checkIntervalMs);
}

const withLocal = (m: Member, local: LocalState): Member => (m.local === local ? m : { ...m, local });

function onHeartbeat(config: ManagerConfig, w: Work, hb: Heartbeat, reject: (reason: string) => void): void {
  const s = w.base;
  if (s.nodesDown.includes(hb.node)) return reject(`node ${hb.node} is down (SWIM) until nodeUp`);
  if (hb.routingVersion > s.routingVersion) return reject(`node ${hb.node} has seen routing version ${hb.routingVersion} > ${s.routingVersion}`);
  const lease = s.nowMs + config.leaseMs;
  for (const r of hb.targets) {
    const ci = s.index.chainOfTarget.get(r.target);
    if (ci === undefined) {
      reject(`unknown target ${r.target}`);
      continue;
    }
    const m = w.chain(ci).members.find((x) => x.target === r.target)!;
    if (m.node !== hb.node) {
      reject(`target ${r.target} is on node ${m.node}, not ${hb.node}`);
      continue;
    }
    const version = w.chain(ci).version;
    if (r.chainVersion > version) {
      reject(`target ${r.target} reports chain version ${r.chainVersion} > ${version}`);
      continue;
    }
    // a report made before the latest chain change cannot promote: 'uptodate' counts as 'online'
    const local: LocalState = r.localState === 'uptodate' && r.chainVersion < version ? 'online' : r.localState;
    w.setMember(ci, r.target, (x) => (x.local === local && x.leaseExpiresAtMs === lease ? x : { ...x, local, leaseExpiresAtMs: lease }));
  }
}

function expireLeases(w: Work, nowMs: number): void {
  const chains = w.base.chains;
  for (let ci = 0; ci < chains.length; ci++)
    for (const m of chains[ci].members)
      if (m.local !== 'offline' && m.leaseExpiresAtMs <= nowMs) w.setMember(ci, m.target, (x) => withLocal(x, 'offline'));
}

/** Rebuild the chains whose local states changed; version, persist, publish, assert. */
function reconcile(config: ManagerConfig, s: ManagerState, w: Work, effects: ManagerEffect[]): ManagerState {
  if (!w.chains) return s;
  const chains = w.chains;
  let routingChanged = false;
  for (const ci of w.localChanged) {
    const c = chains[ci];
    const members = rebuildChain(c.members, config.mutant);
    if (members === c.members) continue;
    routingChanged = true;
    chains[ci] = { ...c, members, version: config.mutant === 'versionNotBumped' ? c.version : c.version + 1 };
  }
  let next: ManagerState = { ...s, chains, routingVersion: routingChanged ? s.routingVersion + 1 : s.routingVersion };
  if (config.checkInvariants !== false) for (const ci of w.localChanged) assertChain(s.chains[ci], chains[ci]);
  if (w.localChanged.size > 0) {
    next = { ...next, seq: s.seq + 1 };
    const records = [...w.localChanged].sort((a, b) => a - b).map((ci) => recordOf(chains[ci]));
    effects.push({ kind: 'persist', seq: next.seq, meta: metaOf(next), chains: records, thenPublish: routingChanged ? routingTable(next) : null });
  }
  return next;
}

function assertChain(before: ManagedChain, after: ManagedChain): void {
  const b = chainOf(before);
  const a = chainOf(after);
  const v = chainViolation(a) ?? chainStepViolation(b, a);
  if (v) throw new InvariantViolation(v.invariant, v.message);
}
