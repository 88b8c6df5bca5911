/**
 * CRAQ wire messages, as 3FS ships them plus the CRAQ paper's tail version query
 * (ANCHORS.md "3FS: CRAQ as shipped"). Every message that crosses a process boundary is
 * decoded with `CraqMessage` before it reaches core/.
 */
import * as t from 'io-ts';
import { ChainId, ChunkId, ClientId, TargetId } from './ids';
import { Bytes, Nat } from './decode';

/** Error codes, named as 3FS names them. */
export const ERROR_CODES = [
  'RoutingVersionMismatch', // request's chain version differs from the target's routing table
  'RoutingError', // a client write reached a non-head, a read reached a non-serving target, a query a non-tail
  'ChunkNotCommit', // read of a chunk with a pending version (3fs dirty-read policy)
  'DuplicateUpdate', // a lower channel sequence number than the last one seen
  'ChunkStaleUpdate', // forwarded version <= local updateVer: already written here (success, keep forwarding)
  'ChunkCommittedUpdate', // forwarded version <= local commitVer: already committed here (success)
  'ChunkMissingUpdate', // forwarded version > local updateVer + 1: an update in between is missing
  'ChunkAdvanceUpdate', // head: updateVer + 1 would exceed commitVer + 1 (a pending version exists)
  'ChecksumMismatch', // the successor's checksum differs from ours at the same version
  'InvalidRange', // offset + length beyond the chunk size
  'TargetBusy', // the chunk's update queue is full (pendingWritesMax)
  'TargetNotReady', // the target has no routing table yet (just restarted)
  'TargetOffline', // the node's lease from the manager ran out: it may have been removed from its chain (core/chain/lease.ts)
  'Timeout', // client side: no reply within the retry budget
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];
export const ErrorCode = t.keyof(Object.fromEntries(ERROR_CODES.map((c) => [c, null])) as Record<ErrorCode, null>, 'ErrorCode');

/** Which codes a predecessor treats as success (3FS ReliableUpdate). */
export function isSuccessCode(code: ErrorCode | undefined): boolean {
  return code === undefined || code === 'ChunkStaleUpdate' || code === 'ChunkCommittedUpdate';
}

/** Codes the client retries after refreshing routing or backing off. */
export const RETRYABLE_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'RoutingVersionMismatch',
  'RoutingError',
  'ChunkNotCommit',
  'TargetBusy',
  'TargetNotReady',
  'TargetOffline',
  'ChunkAdvanceUpdate',
]);

const Failure = t.type({ ok: t.literal(false), code: ErrorCode }, 'Failure');

/** Client -> head: apply `data` at `offset` of the chunk. (client, chain, channel, seq) de-duplicates retries. */
export const WriteReq = t.type(
  {
    kind: t.literal('write'),
    client: ClientId,
    channel: Nat,
    seq: Nat,
    chain: ChainId,
    chainVer: Nat,
    chunk: ChunkId,
    offset: Nat,
    data: Bytes,
  },
  'WriteReq',
);
export type WriteReq = t.TypeOf<typeof WriteReq>;

export const WriteReply = t.intersection(
  [
    t.type({ kind: t.literal('writeReply'), client: ClientId, channel: Nat, seq: Nat, chunk: ChunkId }),
    t.union([t.type({ ok: t.literal(true), commitVer: Nat }), Failure]),
  ],
  'WriteReply',
);
export type WriteReply = t.TypeOf<typeof WriteReply>;

/**
 * Predecessor -> successor: the update at version `ver`. `full` = full-chunk replace
 * (forwarding to a syncing successor, or recovery): `data` is the whole chunk, offset 0.
 * The client tag (client, channel, seq) travels along so every replica can answer a
 * retry after the head changes.
 */
export const Forward = t.type(
  {
    kind: t.literal('forward'),
    from: TargetId,
    chain: ChainId,
    chainVer: Nat,
    chunk: ChunkId,
    ver: Nat,
    offset: Nat,
    data: Bytes,
    full: t.boolean,
    client: ClientId,
    channel: Nat,
    seq: Nat,
  },
  'Forward',
);
export type Forward = t.TypeOf<typeof Forward>;

/** Successor -> predecessor: committed `ver` with checksum `sum` (or an error). */
export const Ack = t.intersection(
  [
    t.type({ kind: t.literal('ack'), from: TargetId, chain: ChainId, chainVer: Nat, chunk: ChunkId, ver: Nat }),
    t.union([
      t.type({ ok: t.literal(true), sum: Nat, code: t.union([t.undefined, t.literal('ChunkStaleUpdate'), t.literal('ChunkCommittedUpdate')]) }),
      Failure,
    ]),
  ],
  'Ack',
);
export type Ack = t.TypeOf<typeof Ack>;

/** Client -> any serving replica. `relaxed` (3fs policy) returns pending data instead of ChunkNotCommit. */
export const ReadReq = t.type(
  {
    kind: t.literal('read'),
    client: ClientId,
    reqId: Nat,
    chain: ChainId,
    chainVer: Nat,
    chunk: ChunkId,
    offset: Nat,
    length: Nat,
    relaxed: t.boolean,
  },
  'ReadReq',
);
export type ReadReq = t.TypeOf<typeof ReadReq>;

export const ReadReply = t.intersection(
  [
    t.type({ kind: t.literal('readReply'), client: ClientId, reqId: Nat, chunk: ChunkId, from: TargetId }),
    t.union([t.type({ ok: t.literal(true), ver: Nat, data: Bytes, committed: t.boolean }), Failure]),
  ],
  'ReadReply',
);
export type ReadReply = t.TypeOf<typeof ReadReply>;

/** Replica -> tail (CRAQ paper §2.3): which version of this chunk is committed? */
export const VersionQuery = t.type(
  { kind: t.literal('versionQuery'), from: TargetId, qid: Nat, chain: ChainId, chainVer: Nat, chunk: ChunkId },
  'VersionQuery',
);
export type VersionQuery = t.TypeOf<typeof VersionQuery>;

export const VersionReply = t.intersection(
  [
    t.type({ kind: t.literal('versionReply'), from: TargetId, qid: Nat, chunk: ChunkId }),
    t.union([t.type({ ok: t.literal(true), commitVer: Nat }), Failure]),
  ],
  'VersionReply',
);
export type VersionReply = t.TypeOf<typeof VersionReply>;

/** Every CRAQ message. */
export const CraqMessage = t.union([WriteReq, WriteReply, Forward, Ack, ReadReq, ReadReply, VersionQuery, VersionReply], 'CraqMessage');
export type CraqMessage = t.TypeOf<typeof CraqMessage>;
/** Messages a storage target accepts. */
export type TargetMessage = WriteReq | Forward | Ack | ReadReq | VersionQuery | VersionReply;
/** Messages a client accepts. */
export type ClientMessage = WriteReply | ReadReply;

/** Where a message goes. */
export type Address = { readonly kind: 'target'; readonly id: TargetId } | { readonly kind: 'client'; readonly id: ClientId };
export const toTarget = (id: TargetId): Address => ({ kind: 'target', id });
export const toClient = (id: ClientId): Address => ({ kind: 'client', id });

/** Target configuration: one validated object, limits with units last. */
export const DirtyReadPolicy = t.keyof({ '3fs': null, craq: null }, 'DirtyReadPolicy');
export type DirtyReadPolicy = t.TypeOf<typeof DirtyReadPolicy>;

/** The operator-settable part of core/craq/target.ts TargetConfig (not `self`, not test mutants). */
export const TargetConfigCodec = t.intersection(
  [
    t.type({
      chunkSizeBytes: t.refinement(Nat, (n) => n >= 1 && n <= 64 * 1024 * 1024, 'chunkSizeBytes in [1, 64 MiB]'),
      dirtyRead: DirtyReadPolicy,
      pendingWritesMax: t.refinement(Nat, (n) => n >= 1, 'pendingWritesMax >= 1'),
      forwardBackoffMinMs: Nat,
      forwardBackoffMaxMs: Nat,
      forwardRetryTotalMs: Nat,
      versionQueryTimeoutMs: Nat,
    }),
    t.partial({ syncRetryMs: Nat, lastsrvReturn: t.keyof({ reset: null, redrive: null }) }),
  ],
  'TargetConfig',
);
