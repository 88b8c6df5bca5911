/**
 * Node-side lease fencing (proofs-notes/lease-fencing.md). A storage node serves client
 * requests only while it holds a lease from the chain manager: each accepted heartbeat is
 * answered with a `leaseGrant` (spec/chain.ts) valid for `validForMs` from the heartbeat's
 * send time on the node's clock. The manager only declares a target offline, and publishes a
 * chain without it, once its own lease for that target ran out, which is later than any
 * grant it gave (core/chain/manager.ts). So a node that is cut off from the manager stops
 * serving reads before a new chain can commit a write without it: without this, an isolated
 * old tail with a stale routing table keeps answering reads with its last committed value
 * while the new chain commits newer ones (the stale read `chainrep sim` seed 128 found).
 *
 * A grant counts only once the node's routing table has caught up with the routing version
 * the manager had when it granted: a node that was declared offline and came back must not
 * serve under the chain it held before. Pure functions; adapters keep one `NodeLease` per
 * node and run client-facing messages through `fence`.
 */
import { CraqMessage, TargetMessage } from '../../spec/craq';
import { LeaseGrant } from '../../spec/chain';
import { TargetId } from '../../spec/ids';

/** Planted lease bugs (system model config `leaseMutant`); the system explorer finds each. */
export const LEASE_MUTANTS = {
  noFence: 'a node whose lease ran out still serves client reads and writes (no fencing)',
} as const;
export type LeaseMutant = keyof typeof LEASE_MUTANTS;
export const LEASE_MUTANT_NAMES = Object.keys(LEASE_MUTANTS) as LeaseMutant[];

export interface NodeLease {
  /** The node may serve client requests while its clock is below this. */
  readonly untilMs: number;
  /** A grant waiting for the node's routing table to reach `routingVersion`. */
  readonly pending: { readonly untilMs: number; readonly routingVersion: number } | null;
}

/** No lease: a node that just started serves nothing until its first grant. */
export const NO_LEASE: NodeLease = { untilMs: 0, pending: null };

/** Apply a grant, given the routing version the node holds now. Leases only ever extend. */
export function applyGrant(lease: NodeLease, grant: LeaseGrant, routingVersion: number): NodeLease {
  const untilMs = grant.sentAtMs + grant.validForMs;
  if (routingVersion >= grant.routingVersion) {
    if (untilMs <= lease.untilMs) return lease;
    const pending = lease.pending && lease.pending.untilMs > untilMs ? lease.pending : null;
    return { untilMs, pending };
  }
  if (lease.pending && lease.pending.untilMs >= untilMs && lease.pending.routingVersion <= grant.routingVersion) return lease;
  if (untilMs <= lease.untilMs) return lease;
  return { untilMs: lease.untilMs, pending: { untilMs, routingVersion: grant.routingVersion } };
}

/** The node's routing table reached `routingVersion`: a grant that waited for it now counts. */
export function onRouting(lease: NodeLease, routingVersion: number): NodeLease {
  const p = lease.pending;
  if (!p || routingVersion < p.routingVersion) return lease;
  return { untilMs: Math.max(lease.untilMs, p.untilMs), pending: null };
}

export function leaseValid(lease: NodeLease, nowMs: number): boolean {
  return nowMs < lease.untilMs;
}

/** What a node without a valid lease does with a message for its target `self`. */
export type FenceVerdict =
  | { readonly kind: 'pass' }
  /** Answer the client at once with `TargetOffline` (it refreshes its routing and retries). */
  | { readonly kind: 'reply'; readonly msg: CraqMessage }
  /** Drop it: a version query is a read on another replica's behalf; the asker retries. */
  | { readonly kind: 'drop' };

const PASS: FenceVerdict = { kind: 'pass' };
const DROP: FenceVerdict = { kind: 'drop' };

/**
 * Client-facing requests (writes, reads, version queries) are fenced; chain traffic
 * (forwards, acks, version replies) passes: a write can only commit through every member of
 * the chain version it was forwarded under, which the routing-version checks already ensure.
 */
export function fence(msg: TargetMessage, self: TargetId): FenceVerdict {
  switch (msg.kind) {
    case 'write':
      return { kind: 'reply', msg: { kind: 'writeReply', client: msg.client, channel: msg.channel, seq: msg.seq, chunk: msg.chunk, ok: false, code: 'TargetOffline' } };
    case 'read':
      return { kind: 'reply', msg: { kind: 'readReply', client: msg.client, reqId: msg.reqId, chunk: msg.chunk, from: self, ok: false, code: 'TargetOffline' } };
    case 'versionQuery':
      return DROP;
    default:
      return PASS;
  }
}
