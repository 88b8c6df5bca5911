/**
 * The chain manager's wire and storage formats (ANCHORS.md "Target public states", "Local
 * states", "Rules"), and the chain invariants with their ids (INV-CHAIN-*), as predicates
 * the manager's assertions, the model checks and proofs-notes/chain-*.md cite.
 *
 * Messages: heartbeats from storage nodes (the local state of each target, with the chain
 * version the node has seen), membership events from SWIM, `syncDone` from the recovery
 * protocol, time as `tick`, and the routing update the manager publishes. Storage: the
 * manager's durable snapshot as kept in a config store (one meta key + one key per chain).
 */
import * as t from 'io-ts';
import { ChainId, NodeId, TargetId } from './ids';
import { Nat, intRange } from './decode';
import { Chain, LocalState, PublicState, RoutingTable } from './routing';

// ---------------------------------------------------------------------------------------
// Public-state order and chain invariants
// ---------------------------------------------------------------------------------------

/** The order of a rebuilt chain (3FS generateNewChain): SERVING, LASTSRV, SYNCING, WAITING, OFFLINE. */
export const CHAIN_ORDER: readonly PublicState[] = ['serving', 'lastsrv', 'syncing', 'waiting', 'offline'];
const RANK: Readonly<Record<PublicState, number>> = { serving: 0, lastsrv: 1, syncing: 2, waiting: 3, offline: 4 };
/** Position of a public state in CHAIN_ORDER (0 = serving ... 4 = offline). */
export const publicStateRank = (s: PublicState): number => RANK[s];

/** Invariant ids (proofs-notes/chain-manager.md). */
export const CHAIN_INVARIANTS = {
  'INV-CHAIN-SERVING': 'every chain has a SERVING or a LASTSRV target (the all-dead case keeps LASTSRV)',
  'INV-CHAIN-LASTSRV': 'a LASTSRV target only while no target is SERVING, and at most one',
  'INV-CHAIN-ONE-SYNCING': 'at most one SYNCING target per chain',
  'INV-CHAIN-SYNCING-NEEDS-SERVING': 'a SYNCING target only while some target is SERVING',
  'INV-CHAIN-ORDER': 'targets ordered SERVING, LASTSRV, SYNCING, WAITING, OFFLINE',
  'INV-CHAIN-VERSION': 'a chain version grows by exactly 1 when the chain changes and only then',
  'INV-ROUTING-VERSION': 'the routing version grows by exactly 1 when any chain changes and only then',
} as const;
export type ChainInvariantId = keyof typeof CHAIN_INVARIANTS;

export interface ChainViolation {
  readonly invariant: ChainInvariantId;
  readonly message: string;
}

const show = (c: Chain) => `chain ${c.id} v${c.version} [${c.targets.map((x) => `${x.target}:${x.state}`).join(' ')}]`;

/** The first state invariant a chain breaks, or null. */
export function chainViolation(c: Chain): ChainViolation | null {
  let serving = 0;
  let lastsrv = 0;
  let syncing = 0;
  for (let i = 0; i < c.targets.length; i++) {
    const s = c.targets[i].state;
    if (s === 'serving') serving++;
    else if (s === 'lastsrv') lastsrv++;
    else if (s === 'syncing') syncing++;
    if (i > 0 && RANK[c.targets[i - 1].state] > RANK[s])
      return { invariant: 'INV-CHAIN-ORDER', message: `${show(c)}: ${c.targets[i - 1].state} before ${s}` };
  }
  if (serving + lastsrv === 0) return { invariant: 'INV-CHAIN-SERVING', message: `${show(c)}: no serving or lastsrv target` };
  if (lastsrv > 1 || (lastsrv > 0 && serving > 0))
    return { invariant: 'INV-CHAIN-LASTSRV', message: `${show(c)}: ${lastsrv} lastsrv with ${serving} serving` };
  if (syncing > 1) return { invariant: 'INV-CHAIN-ONE-SYNCING', message: `${show(c)}: ${syncing} syncing targets` };
  if (syncing > 0 && serving === 0)
    return { invariant: 'INV-CHAIN-SYNCING-NEEDS-SERVING', message: `${show(c)}: syncing without a serving target` };
  return null;
}

/** True when two versions of a chain differ in membership order or public states. */
export function chainChanged(a: Chain, b: Chain): boolean {
  if (a.targets.length !== b.targets.length) return true;
  for (let i = 0; i < a.targets.length; i++)
    if (a.targets[i].target !== b.targets[i].target || a.targets[i].state !== b.targets[i].state) return true;
  return false;
}

/** INV-CHAIN-VERSION for one step of one chain: bumped by exactly 1 iff it changed. */
export function chainStepViolation(before: Chain, after: Chain): ChainViolation | null {
  const changed = chainChanged(before, after);
  const want = changed ? before.version + 1 : before.version;
  if (after.version !== want)
    return {
      invariant: 'INV-CHAIN-VERSION',
      message: `chain ${after.id} ${changed ? 'changed' : 'unchanged'}: version ${before.version} -> ${after.version}, expected ${want} (${show(before)} -> ${show(after)})`,
    };
  return null;
}

/** INV-CHAIN-VERSION and INV-ROUTING-VERSION for one step of a whole routing table. */
export function routingStepViolation(before: RoutingTable, after: RoutingTable): ChainViolation | null {
  let any = false;
  for (let i = 0; i < after.chains.length; i++) {
    const v = chainStepViolation(before.chains[i], after.chains[i]);
    if (v) return v;
    if (chainChanged(before.chains[i], after.chains[i])) any = true;
  }
  const want = any ? before.version + 1 : before.version;
  if (after.version !== want)
    return { invariant: 'INV-ROUTING-VERSION', message: `routing version ${before.version} -> ${after.version}, expected ${want}` };
  return null;
}

// ---------------------------------------------------------------------------------------
// Messages
// ---------------------------------------------------------------------------------------

/** One target's report inside a heartbeat: its local state and the chain version its node has seen. */
export const TargetReport = t.type({ target: TargetId, localState: LocalState, chainVersion: Nat }, 'TargetReport');
export type TargetReport = t.TypeOf<typeof TargetReport>;

/**
 * A storage node's heartbeat (3FS: the heartbeat renews a lease granted by the manager).
 * `routingVersion` is the routing table version the node has seen. `sentAtMs` (the node's
 * clock when it sent the heartbeat) asks for a lease grant back (core/chain/lease.ts): the
 * manager echoes it in a `leaseGrant` when it accepts the whole heartbeat.
 */
export const Heartbeat = t.intersection(
  [
    t.type({ kind: t.literal('heartbeat'), node: NodeId, routingVersion: Nat, targets: t.readonlyArray(TargetReport) }),
    t.partial({ sentAtMs: Nat }),
  ],
  'Heartbeat',
);
export type Heartbeat = t.TypeOf<typeof Heartbeat>;

/** Time, as an input (the manager owns no clock). */
export const Tick = t.type({ kind: t.literal('tick'), nowMs: Nat }, 'Tick');
export type Tick = t.TypeOf<typeof Tick>;

/** Membership from SWIM (a confirmed-dead node, or a node that rejoined). */
export const NodeDown = t.type({ kind: t.literal('nodeDown'), node: NodeId }, 'NodeDown');
export type NodeDown = t.TypeOf<typeof NodeDown>;
export const NodeUp = t.type({ kind: t.literal('nodeUp'), node: NodeId }, 'NodeUp');
export type NodeUp = t.TypeOf<typeof NodeUp>;

/**
 * Abstract time (the explorer's system model): the node's leases have run out, as a `tick`
 * past their expiry would find. Its targets become offline at once.
 */
export const LeaseExpired = t.type({ kind: t.literal('leaseExpired'), node: NodeId }, 'LeaseExpired');
export type LeaseExpired = t.TypeOf<typeof LeaseExpired>;

/**
 * The recovery protocol reports that a syncing target is now up to date. `chainVersion` is
 * the chain version the sync ran under: a syncDone from an older version (the target may
 * have failed and come back since, starting a new sync) is rejected.
 */
export const SyncDone = t.type({ kind: t.literal('syncDone'), target: TargetId, chainVersion: Nat }, 'SyncDone');
export type SyncDone = t.TypeOf<typeof SyncDone>;

/** Every input of the chain manager. */
export const ManagerInput = t.union([Heartbeat, Tick, NodeDown, NodeUp, LeaseExpired, SyncDone], 'ManagerInput');
export type ManagerInput = t.TypeOf<typeof ManagerInput>;

/**
 * The manager's answer to an accepted heartbeat (core/chain/lease.ts): the node may serve
 * client requests until `sentAtMs + validForMs` on its own clock, once its routing table is
 * at least `routingVersion`. `validForMs` is shorter than the manager's lease, so the node's
 * lease always ends before the manager can declare its targets offline.
 */
export const LeaseGrant = t.type(
  { kind: t.literal('leaseGrant'), node: NodeId, sentAtMs: Nat, validForMs: Nat, routingVersion: Nat },
  'LeaseGrant',
);
export type LeaseGrant = t.TypeOf<typeof LeaseGrant>;

/** What the manager publishes to nodes and clients after the change is durable. */
export const RoutingUpdate = t.type({ kind: t.literal('routingUpdate'), routing: RoutingTable }, 'RoutingUpdate');
export type RoutingUpdate = t.TypeOf<typeof RoutingUpdate>;

// ---------------------------------------------------------------------------------------
// Configuration and initial layout
// ---------------------------------------------------------------------------------------

/** Manager configuration (limits with units last). */
export const ManagerConfigCodec = t.type(
  {
    /** A heartbeat renews a target's lease for this long; an expired lease counts as offline. */
    leaseMs: intRange('leaseMs', 1, 86_400_000),
    /** The manager asks to be ticked this often (lease expiry is noticed within this delay). */
    checkIntervalMs: intRange('checkIntervalMs', 1, 86_400_000),
  },
  'ManagerConfig',
);
export type ManagerConfigData = t.TypeOf<typeof ManagerConfigCodec>;

/** The initial chain layout: each chain's targets, head first, and the node holding each. */
export const ChainLayout = t.readonlyArray(
  t.type({ id: ChainId, targets: t.readonlyArray(t.type({ target: TargetId, node: NodeId }, 'LayoutTarget')) }, 'LayoutChain'),
  'ChainLayout',
);
export type ChainLayout = t.TypeOf<typeof ChainLayout>;

// ---------------------------------------------------------------------------------------
// Durable snapshot (what a config store holds)
// ---------------------------------------------------------------------------------------

/** A chain member as persisted: the routing fields plus the last local state reported. */
export const ChainMember = t.type({ target: TargetId, node: NodeId, state: PublicState, local: LocalState }, 'ChainMember');
export type ChainMember = t.TypeOf<typeof ChainMember>;

/** One chain as persisted (one config-store key per chain). */
export const ChainRecord = t.type({ id: ChainId, version: Nat, members: t.readonlyArray(ChainMember) }, 'ChainRecord');
export type ChainRecord = t.TypeOf<typeof ChainRecord>;

/** The manager's meta key: format, routing version, persist sequence number, chain ids in order. */
export const ManagerMeta = t.type(
  { format: t.literal(1), routingVersion: Nat, seq: Nat, chains: t.readonlyArray(ChainId) },
  'ManagerMeta',
);
export type ManagerMeta = t.TypeOf<typeof ManagerMeta>;

/** Everything a restarted manager needs. */
export const ManagerSnapshot = t.type({ meta: ManagerMeta, chains: t.readonlyArray(ChainRecord) }, 'ManagerSnapshot');
export type ManagerSnapshot = t.TypeOf<typeof ManagerSnapshot>;
