/**
 * Recovery sync between a serving predecessor and its SYNCING successor (ANCHORS.md
 * "Recovery sync", 3FS rule 8; proofs-notes/recovery.md). The storage target
 * (core/craq/target.ts) runs the protocol; this module holds its decisions as pure
 * functions so they can be read, tested and mutated in one place:
 *
 *  - `planSync`: from the successor's metadata dump and the predecessor's chunks, which
 *    chunks to remove there (only the successor has them) and which to send whole
 *    (missing there, older there — lower chain-version stamp or lower commit version —,
 *    or uncommitted there);
 *  - `transferDecision`: whether the successor applies a full-chunk transfer (never an
 *    older one over a newer one: writes forwarded during the sync may overtake it);
 *  - `removeDecision`: a remove applies only while the chunk still has the dumped versions;
 *  - `syncingForwardDecision`: a SYNCING successor (always the tail of the write path)
 *    takes a forwarded full-chunk replace at any version above its committed one.
 *
 * Versions of one chunk are ordered by (chain-version stamp, commit version): a target
 * returning from LASTSRV drops its uncommitted versions and restamps those chunks with the
 * current chain version, so a version number it reuses beats the stale copy a returning
 * successor may hold.
 */
import { ChunkId, TargetId } from '../../spec/ids';
import { ChunkMeta } from '../../spec/sync';

/** Planted recovery bugs (config flag `recoveryMutant` of the target); the system explorer finds each. */
export const RECOVERY_MUTANTS = {
  syncSkipsUncommitted: 'recovery sync does not send chunks that are uncommitted (pending) on the successor',
  syncSendsOlder: 'the syncing successor applies a full-chunk transfer even when it is older than its own copy',
  syncDropsDedupe: 'recovery sync carries no dedupe records: a synced target that becomes head re-applies a client retry',
  syncDoneIgnoresPending: 'the predecessor reports syncDone once the transfers are acked, without waiting for the versions pending here to commit (a removed tail may have committed and served one)',
} as const;
export type RecoveryMutant = keyof typeof RECOVERY_MUTANTS;
export const RECOVERY_MUTANT_NAMES = Object.keys(RECOVERY_MUTANTS) as RecoveryMutant[];

/** A chunk replica's versions, as sync compares them. */
export interface ReplicaVersions {
  readonly commitVer: number;
  readonly updateVer: number;
  /** Chain version stamp of the committed version. */
  readonly chainVer: number;
}

/** (stamp, commitVer) lexicographic: negative when a is older than b. */
export function compareCommitted(a: Pick<ReplicaVersions, 'commitVer' | 'chainVer'>, b: Pick<ReplicaVersions, 'commitVer' | 'chainVer'>): number {
  return a.chainVer !== b.chainVer ? a.chainVer - b.chainVer : a.commitVer - b.commitVer;
}

export interface SyncPlan {
  /** Chunks only the successor has, with the versions it dumped (the remove's guard). */
  readonly remove: readonly ChunkMeta[];
  /** Chunks to send whole, sorted. */
  readonly send: readonly ChunkId[];
}

export type SendReason = 'missing' | 'older' | 'uncommitted';

/** Why a chunk must be sent to the successor, or null when its copy is as new as ours. */
export function sendReason(mine: ReplicaVersions, theirs: ChunkMeta | undefined, mutant?: RecoveryMutant): SendReason | null {
  if (theirs === undefined) return 'missing';
  if (compareCommitted(theirs, mine) < 0) return 'older';
  if (theirs.updateVer > theirs.commitVer && mutant !== 'syncSkipsUncommitted') return 'uncommitted';
  return null;
}

/** The diff: remove what only the successor has, send what is missing, older or uncommitted there. */
export function planSync(mine: ReadonlyMap<ChunkId, ReplicaVersions>, dump: readonly ChunkMeta[], mutant?: RecoveryMutant): SyncPlan {
  const theirs = new Map<ChunkId, ChunkMeta>(dump.map((m) => [m.chunk, m]));
  const remove = dump.filter((m) => !mine.has(m.chunk)).sort((a, b) => (a.chunk < b.chunk ? -1 : a.chunk > b.chunk ? 1 : 0));
  const send: ChunkId[] = [];
  for (const [chunk, v] of mine) if (sendReason(v, theirs.get(chunk), mutant) !== null) send.push(chunk);
  send.sort();
  return { remove, send };
}

/** Successor: apply a transfer of (stampVer, commitVer) over its own replica? */
export function transferDecision(local: ReplicaVersions | undefined, transfer: { readonly commitVer: number; readonly stampVer: number }, mutant?: RecoveryMutant): 'apply' | 'ignoredOlder' {
  if (local === undefined || mutant === 'syncSendsOlder') return 'apply';
  // an uncommitted local copy is never trusted (it may be a version the chain reassigned)
  if (local.updateVer > local.commitVer) return compareCommitted({ commitVer: transfer.commitVer, chainVer: transfer.stampVer }, local) >= 0 || transfer.commitVer >= local.commitVer ? 'apply' : 'ignoredOlder';
  return compareCommitted({ commitVer: transfer.commitVer, chainVer: transfer.stampVer }, local) >= 0 ? 'apply' : 'ignoredOlder';
}

/** Successor: remove the chunk only if nothing touched it since the dump. */
export function removeDecision(local: ReplicaVersions | undefined, dumped: { readonly commitVer: number; readonly updateVer: number }): 'removed' | 'kept' {
  if (local === undefined) return 'removed';
  return local.commitVer === dumped.commitVer && local.updateVer === dumped.updateVer ? 'removed' : 'kept';
}

/** A SYNCING successor given a forwarded full-chunk replace at `ver`: already there, or replace and commit. */
export function syncingForwardDecision(local: ReplicaVersions, ver: number): 'committed' | 'replace' {
  return ver <= local.commitVer ? 'committed' : 'replace';
}

/** The predecessor's side of one sync (volatile: a crash ends it; the new routing restarts it). */
export interface SyncSession {
  readonly successor: TargetId;
  readonly chainVer: number;
  /** started: syncStart sent, waiting for the dump; transferring: waiting for acks; done: syncDone reported. */
  readonly phase: 'started' | 'transferring' | 'done';
  /** Chunks whose remove / transfer is not acked yet (sorted). */
  readonly waiting: readonly ChunkId[];
  /** When to start over if the successor has not answered (a lost message, a quick restart). */
  readonly retryAtMs: number;
  /**
   * Set when the last remove / transfer is acked: the versions then pending here (chunk,
   * version), sorted by chunk. syncDone waits until each of them has committed here (on the
   * successor's ack of its forward); versions that arrive later reach the successor as
   * forwards under this chain version and need no wait (proofs-notes/recovery.md R2).
   */
  readonly drain?: readonly (readonly [ChunkId, number])[];
}

/**
 * The part of a sync's drain still outstanding: the entries whose chunk still holds a
 * pending version at or below the drained one (`pendingOf` gives a chunk's pending version
 * here, if any). Pure; the target calls it after every step.
 */
export function drainLeft(drain: readonly (readonly [ChunkId, number])[], pendingOf: (chunk: ChunkId) => number | undefined): readonly (readonly [ChunkId, number])[] {
  let out: (readonly [ChunkId, number])[] | null = null;
  for (let i = 0; i < drain.length; i++) {
    const p = pendingOf(drain[i][0]);
    const left = p !== undefined && p <= drain[i][1];
    if (!left && out === null) out = drain.slice(0, i);
    else if (left && out !== null) out.push(drain[i]);
  }
  return out ?? drain;
}
