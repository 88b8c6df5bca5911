import * as t from 'io-ts';
import { ChainId, NodeId, TargetId } from './ids';
import { Nat } from './decode';

/** 3FS public target states (ANCHORS.md "Target public states"). */
export const PUBLIC_STATES = ['serving', 'syncing', 'waiting', 'lastsrv', 'offline'] as const;
export const PublicState = t.keyof({ serving: null, syncing: null, waiting: null, lastsrv: null, offline: null }, 'PublicState');
export type PublicState = t.TypeOf<typeof PublicState>;

/** 3FS local target states, reported by the target itself. */
export const LOCAL_STATES = ['uptodate', 'online', 'offline'] as const;
export const LocalState = t.keyof({ uptodate: null, online: null, offline: null }, 'LocalState');
export type LocalState = t.TypeOf<typeof LocalState>;

/** One target's place in a chain. */
export const ChainTarget = t.type({ target: TargetId, node: NodeId, state: PublicState }, 'ChainTarget');
export type ChainTarget = t.TypeOf<typeof ChainTarget>;

/** A chain: id, version (bumped on every change), targets ordered head to tail. */
export const Chain = t.type({ id: ChainId, version: Nat, targets: t.readonlyArray(ChainTarget) }, 'Chain');
export type Chain = t.TypeOf<typeof Chain>;

/** The routing table: a global version plus every chain. */
export const RoutingTable = t.type({ version: Nat, chains: t.readonlyArray(Chain) }, 'RoutingTable');
export type RoutingTable = t.TypeOf<typeof RoutingTable>;

/** Targets of a chain that serve reads (public state serving). */
export function servingTargets(chain: Chain): ChainTarget[] {
  return chain.targets.filter((x) => x.state === 'serving');
}

/**
 * The write path of a chain: the targets that take writes, in chain order. Serving and
 * syncing targets take writes (3FS: syncing = W only); lastsrv, waiting and offline do not.
 */
export function writeTargets(chain: Chain): ChainTarget[] {
  return chain.targets.filter((x) => x.state === 'serving' || x.state === 'syncing');
}

export function findChain(table: RoutingTable, id: ChainId): Chain | undefined {
  return table.chains.find((c) => c.id === id);
}
