/**
 * Recovery sync wire format (ANCHORS.md "Recovery sync"; proofs-notes/recovery.md): the
 * messages between a serving predecessor and its SYNCING successor, and the report that
 * ends a sync. Every message carries the chain and the chain version the sync runs under;
 * a receiver whose routing says otherwise ignores it (the sender retries under the new
 * routing).
 *
 *   predecessor -> successor  syncStart    start a sync = ask for the metadata dump
 *   successor -> predecessor  syncDump     every chunk's {chunk, commitVer, updateVer, chainVer, checksum}
 *   predecessor -> successor  syncRemove   drop a chunk only the successor has (guarded by its dumped versions)
 *   predecessor -> successor  syncChunk    the whole committed chunk (full-chunk transfer)
 *   successor -> predecessor  syncAck      one remove or transfer handled (applied or ignored as older)
 *   predecessor -> manager    syncDone     (spec/chain.ts) the successor is up to date at this chain version
 */
import * as t from 'io-ts';
import { ChainId, ChunkId, ClientId, TargetId } from './ids';
import { Bytes, Nat } from './decode';
import { SyncDone } from './chain';

export { SyncDone };

/** One chunk's metadata as the successor dumps it. */
export const ChunkMeta = t.type(
  {
    chunk: ChunkId,
    commitVer: Nat,
    /** commitVer, or the pending version when one exists (updateVer > commitVer = uncommitted). */
    updateVer: Nat,
    /** The chain version the committed version was stamped with. */
    chainVer: Nat,
    /** Packed checksum of the committed bytes. */
    checksum: Nat,
  },
  'ChunkMeta',
);
export type ChunkMeta = t.TypeOf<typeof ChunkMeta>;

const Header = { from: TargetId, chain: ChainId, chainVer: Nat };

/**
 * The last write the sender applied on one client channel of this chain (its dedupe record):
 * a successor that becomes head later must recognise a client's retry of a write it only
 * received through the sync, or it would apply it a second time over newer writes.
 */
export const DedupeRecord = t.type({ client: ClientId, channel: Nat, seq: Nat, ver: Nat, chunk: ChunkId }, 'DedupeRecord');
export type DedupeRecord = t.TypeOf<typeof DedupeRecord>;

/**
 * Predecessor -> successor: a sync starts under `chainVer`; dump your chunk metadata.
 * `dedupe`: the predecessor's dedupe records for this chain (merged by the successor,
 * keeping the higher sequence number per client channel).
 */
export const SyncStart = t.intersection(
  [t.type({ kind: t.literal('syncStart'), ...Header }), t.partial({ dedupe: t.readonlyArray(DedupeRecord) })],
  'SyncStart',
);
export type SyncStart = t.TypeOf<typeof SyncStart>;

/** Successor -> predecessor: the metadata of every chunk it holds (the dump reply). */
export const SyncDump = t.type({ kind: t.literal('syncDump'), ...Header, chunks: t.readonlyArray(ChunkMeta) }, 'SyncDump');
export type SyncDump = t.TypeOf<typeof SyncDump>;

/**
 * Predecessor -> successor: remove a chunk the predecessor does not have. Applied only if
 * the successor's chunk still has the dumped versions (a write forwarded since wins).
 */
export const SyncRemove = t.type({ kind: t.literal('syncRemove'), ...Header, chunk: ChunkId, commitVer: Nat, updateVer: Nat }, 'SyncRemove');
export type SyncRemove = t.TypeOf<typeof SyncRemove>;

/**
 * Predecessor -> successor: the predecessor's whole committed chunk (full-chunk transfer).
 * `stampVer` is the chain version the chunk's committed version was stamped with.
 */
export const SyncChunk = t.type(
  { kind: t.literal('syncChunk'), ...Header, chunk: ChunkId, commitVer: Nat, stampVer: Nat, data: Bytes, checksum: Nat },
  'SyncChunk',
);
export type SyncChunk = t.TypeOf<typeof SyncChunk>;

/** What the successor did with a remove or a transfer. */
export const SyncOutcome = t.keyof({ applied: null, ignoredOlder: null, removed: null, kept: null, badChecksum: null }, 'SyncOutcome');
export type SyncOutcome = t.TypeOf<typeof SyncOutcome>;

/** Successor -> predecessor: one remove / transfer handled. */
export const SyncAck = t.type({ kind: t.literal('syncAck'), ...Header, chunk: ChunkId, outcome: SyncOutcome }, 'SyncAck');
export type SyncAck = t.TypeOf<typeof SyncAck>;

/** Every message between sync peers. */
export const SyncMessage = t.union([SyncStart, SyncDump, SyncRemove, SyncChunk, SyncAck], 'SyncMessage');
export type SyncMessage = t.TypeOf<typeof SyncMessage>;
