/**
 * On-disk records of the file chunk store (adapters/store/file.ts). Every byte read back
 * from the store's files is decoded with these codecs before it becomes a ChunkReplica.
 *
 *   meta.log := record*          record := len:u32be crc32c(body):u32be body:byte[len]
 *   body     := jsonLen:u32be json:byte[jsonLen] blob:byte[*]
 *   json      = UTF-8 JSON of a StoreRecord; blob = the small images it inlines
 *   data/<n>.dat = one chunk image (a committed or pending version's whole chunk), raw;
 *                  its length and checksum are in the record that references it.
 */
import * as t from 'io-ts';
import { ChunkId, ClientId } from './ids';
import { Nat, intRange } from './decode';
import { ErrorCode } from './craq';

const I32 = intRange('int32', -2147483648, 2147483647);
const U32 = intRange('uint32', 0, 0xffffffff);

export const SumRecord = t.type({ h1: I32, h2: I32 }, 'ChecksumState');

/**
 * A data file: data/<file>.dat, `len` bytes. file 0 = no file: the empty image, or (with
 * `at`) bytes inlined in this record's blob at offset `at` (small images). A chunk
 * image is verified against the chunk checksum its record carries (`sum`, computed by
 * the target anyway); other files (a forwarded delta that is not part of the image)
 * carry a CRC-32C `crc`.
 */
export const FileRef = t.intersection([t.type({ file: Nat, len: Nat }), t.partial({ crc: U32, at: Nat })], 'FileRef');
export type FileRef = t.TypeOf<typeof FileRef>;

export const ClientTagRecord = t.type({ client: ClientId, channel: Nat, seq: Nat }, 'ClientTag');

/** A pending version. `delta` is a file only when the forwarded bytes are not data[offset, offset+deltaLen). */
export const PendingRecord = t.intersection(
  [
    t.type({ ver: Nat, sum: SumRecord, tag: ClientTagRecord, offset: Nat, deltaLen: Nat, full: t.boolean, data: FileRef }),
    t.partial({ delta: FileRef }),
  ],
  'PendingRecord',
);
export type PendingRecord = t.TypeOf<typeof PendingRecord>;

export const ChunkRecord = t.intersection(
  [t.type({ commitVer: Nat, chainVer: Nat, sum: SumRecord, data: FileRef }), t.partial({ pending: PendingRecord })],
  'ChunkRecord',
);
export type ChunkRecord = t.TypeOf<typeof ChunkRecord>;

export const WriteResultRecord = t.union([t.type({ ok: t.literal(true), commitVer: Nat }), t.type({ ok: t.literal(false), code: ErrorCode })], 'WriteResult');

export const RetryRecord = t.intersection(
  [t.type({ seq: Nat, ver: Nat, chunk: ChunkId }), t.partial({ result: WriteResultRecord })],
  'RetryEntry',
);

const ChunkEntries = t.array(t.tuple([ChunkId, ChunkRecord]));
const RetryEntries = t.array(t.tuple([t.string, RetryRecord]));

/** One persist call: applied all-or-nothing (one record, one CRC). */
export const BatchRecord = t.type({ k: t.literal('batch'), chunks: ChunkEntries, retry: RetryEntries, removed: t.array(ChunkId) }, 'BatchRecord');
/** The first record of a compacted log: the whole state. */
export const SnapshotRecord = t.type({ k: t.literal('snapshot'), epoch: Nat, nextFile: Nat, chunks: ChunkEntries, retry: RetryEntries }, 'SnapshotRecord');
export const StoreRecord = t.union([BatchRecord, SnapshotRecord], 'StoreRecord');
export type StoreRecord = t.TypeOf<typeof StoreRecord>;
