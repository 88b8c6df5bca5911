/**
 * A chunk store in a directory (the ChunkStore contract is in ./types.ts).
 *
 * Layout:
 *   meta.log      append-only log of records: len:u32be crc32c:u32be body, body = JSON +
 *                 a blob of inlined small images (spec/store.ts). One record per persist
 *                 call, so a batch is all-or-nothing. The first record is a snapshot of the
 *                 whole state (written at open and at compaction). Images up to
 *                 inlineMaxBytes (64 KiB) live in the record's blob: one append per write.
 *   data/<n>.dat  one larger chunk image (a committed or a pending version's whole chunk); its
 *                 length and chunk checksum (`sum`, core/craq/checksum.ts, which the target
 *                 computed anyway) live in the record that references it. Bytes that are
 *                 not an image (a forwarded delta outside it) carry a CRC-32C instead. A new version
 *                 is written to a file of its own; a commit references the pending version's
 *                 file (the very same bytes), so committing writes only a small record. A
 *                 file no durable record references any more is freed (step 3): kept on a
 *                 free list (up to freeFilesMax) and overwritten in place by a later version
 *                 under its old number, else deleted. Overwriting an existing file costs
 *                 ~0.1 ms of CPU per MiB on ext4; creating one and unlinking another ~0.5 ms.
 *
 * Commit order for one group of persist calls (group commit: calls queued while a group
 * is being written form the next group, sharing its fsyncs):
 *   1. write the new data files, new or freed ones (fsync each, then fsync data/, when
 *      fsync = 'always');
 *   2. append the group's records to meta.log in call order (fsync when 'always');
 *   3. resolve the calls in order; free the data files the previous group dereferenced
 *      (one group late, so a torn last record falls back to a state whose files exist and
 *      were not overwritten).
 * A record is never durable before the data it references, and a file is overwritten only
 * when neither the last record nor the one before references it.
 *
 * Recovery at open: read meta.log; stop at the first record that is cut short or whose
 * CRC-32C fails (a torn append) and drop it and everything after it; verify every
 * referenced data file's length and checksum (a bad committed image drops the chunk, a
 * bad pending image drops the pending version; counted in `recovery.tornDiscarded`);
 * delete data files nothing references (a crash between steps 1 and 2, and free files); then write a
 * fresh snapshot log (temp file + fsync + rename + fsync of the directory) carrying the
 * incremented epoch. Every acknowledged persist is kept.
 *
 * fsync policy (`fsync`):
 *   'always' (default): a persist resolves only after its data files, the directory and
 *            the log are fsynced: survives power loss (given honest disks).
 *   'never': no fsync: the OS writes back when it likes. Survives a process crash
 *            (kill -9: the page cache outlives the process), not a power loss or a kernel
 *            crash. For benchmarks and tests, or replicas whose loss the chain tolerates.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isLeft } from 'fp-ts/Either';
import * as t from 'io-ts';
import { ChunkId } from '../../spec/ids';
import { decodeWith } from '../../spec/decode';
import { BatchRecord, ChunkRecord, FileRef, PendingRecord, SnapshotRecord, StoreRecord } from '../../spec/store';
import { ChunkReplica, PendingVersion, RetryEntry } from '../../core/craq/target';
import { crc32c } from './crc32c';
import { checksumStateOf } from '../../core/craq/checksum';
import { ChunkStore, LoadedState, PersistBatch, RecoveryReport, StoreCounters } from './types';

export type FsyncPolicy = 'always' | 'never';

export interface FileStoreOptions {
  readonly dir: string;
  readonly fsync?: FsyncPolicy;
  /** Rewrite meta.log as a snapshot once it grows past this. */
  readonly compactLogBytes?: number;
  /** Images up to this size ride inside the log record instead of a file of their own (0 = never). */
  readonly inlineMaxBytes?: number;
  /**
   * Dereferenced data files kept for reuse (overwritten in place by a later version instead
   * of unlinking one file and creating another: on ext4 that is ~0.1 ms instead of ~0.5 ms
   * of CPU per MiB). Beyond this many, they are deleted; 0 = always delete. Deleted at close.
   */
  readonly freeFilesMax?: number;
}

export const FILE_STORE_DEFAULTS = { fsync: 'always' as FsyncPolicy, compactLogBytes: 64 * 1024 * 1024, inlineMaxBytes: 64 * 1024, freeFilesMax: 64 };

/** The file store's counters: the contract's, plus how data files were obtained. */
export interface FileStoreCounters extends StoreCounters {
  /** Data files created (a new number). */
  filesCreated: number;
  /** Data files overwritten in place (a number from the free list). */
  filesReused: number;
}

/** A data file no record a recovery could fall back to references; its current length. */
interface FreeFile {
  readonly file: number;
  readonly size: number;
}

const LOG = 'meta.log';
const LOG_TMP = 'meta.log.tmp';
const DATA = 'data';
const RECORD_HEAD = 8;
const EMPTY_REF: FileRef = { file: 0, len: 0 };
const EMPTY = new Uint8Array(0);
/** Data file descriptors kept open for overwriting in place. */
const OPEN_DATA_FILES_MAX = 128;

/** Thrown when a CRC-valid record fails its codec: not a torn write but a bug or a foreign file; names the field. */
export class StoreCorrupt extends Error {
  constructor(
    readonly file: string,
    readonly offset: number,
    readonly field: string,
    message: string,
  ) {
    super(`${file} at byte ${offset}: field '${field}': ${message}`);
    this.name = 'StoreCorrupt';
  }
}

/** Thrown by persist after the store crashed (tests) or failed. */
export class StoreClosed extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StoreClosed';
  }
}

/** A data file as this store tracks it; `alive` is false once deleted. */
interface LiveRef extends FileRef {
  alive: boolean;
}

interface Queued {
  readonly batch: PersistBatch;
  readonly resolve: () => void;
  readonly reject: (e: Error) => void;
}

/** Small images a record carries in its blob. */
class Blob {
  readonly parts: Uint8Array[] = [];
  len = 0;
  add(b: Uint8Array): number {
    const at = this.len;
    this.parts.push(b);
    this.len += b.length;
    return at;
  }
}

function encodeRecord(r: StoreRecord, blob: Blob): Buffer {
  const json = Buffer.from(JSON.stringify(r), 'utf8');
  const bodyLen = 4 + json.length + blob.len;
  const out = Buffer.allocUnsafe(RECORD_HEAD + bodyLen);
  out.writeUInt32BE(bodyLen, 0);
  out.writeUInt32BE(json.length, RECORD_HEAD);
  json.copy(out, RECORD_HEAD + 4);
  let off = RECORD_HEAD + 4 + json.length;
  for (const p of blob.parts) {
    out.set(p, off);
    off += p.length;
  }
  out.writeUInt32BE(crc32c(out.subarray(RECORD_HEAD)), 4);
  return out;
}

const fatalUtf8 = new TextDecoder('utf-8', { fatal: true });

/** Decode one CRC-valid record body; a codec failure is StoreCorrupt naming the field. */
function decodeRecord(body: Buffer, at: number): { rec: StoreRecord; blob: Buffer } {
  if (body.length < 4 || body.readUInt32BE(0) > body.length - 4) throw new StoreCorrupt(LOG, at, '(record)', 'json length beyond the record');
  const jsonLen = body.readUInt32BE(0);
  const blob = body.subarray(4 + jsonLen);
  let raw: unknown;
  try {
    raw = JSON.parse(fatalUtf8.decode(body.subarray(4, 4 + jsonLen)));
  } catch (e) {
    throw new StoreCorrupt(LOG, at, '(record)', `not UTF-8 JSON: ${(e as Error).message}`);
  }
  const k = raw !== null && typeof raw === 'object' ? (raw as { k?: unknown }).k : undefined;
  const codec = k === 'batch' ? BatchRecord : k === 'snapshot' ? SnapshotRecord : undefined;
  if (codec === undefined) throw new StoreCorrupt(LOG, at, 'k', `expected 'batch' or 'snapshot', got ${JSON.stringify(k)}`);
  const d = decodeWith(codec as t.Type<StoreRecord, unknown, unknown>, raw);
  if (isLeft(d)) throw new StoreCorrupt(LOG, at, d.left.field, d.left.message);
  return { rec: d.right, blob };
}

/** Parse a log: the records before the first torn one, and where that one starts. */
export function parseLog(buf: Uint8Array): { records: { rec: StoreRecord; blob: Buffer }[]; validBytes: number; torn: boolean } {
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  const records: { rec: StoreRecord; blob: Buffer }[] = [];
  let off = 0;
  while (off < b.length) {
    if (b.length - off < RECORD_HEAD) return { records, validBytes: off, torn: true };
    const len = b.readUInt32BE(off);
    const crc = b.readUInt32BE(off + 4);
    if (b.length - off - RECORD_HEAD < len) return { records, validBytes: off, torn: true };
    const body = b.subarray(off + RECORD_HEAD, off + RECORD_HEAD + len);
    if (crc32c(body) !== crc) return { records, validBytes: off, torn: true };
    records.push(decodeRecord(body, off));
    off += RECORD_HEAD + len;
  }
  return { records, validBytes: off, torn: false };
}

const dataName = (file: number) => `${file}.dat`;
const DATA_RE = /^(\d+)\.dat$/;

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.from(a.buffer, a.byteOffset, a.length).equals(Buffer.from(b.buffer, b.byteOffset, b.length));
}

/** `delta` is the very memory of `data` at `offset` (the target forwards a view of its new image): equal without comparing. */
function sameMemory(delta: Uint8Array, data: Uint8Array, offset: number): boolean {
  return delta.buffer === data.buffer && delta.byteOffset === data.byteOffset + offset;
}

function ignoreMissing(e: unknown): void {
  if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
}

async function fsyncDir(dir: string): Promise<void> {
  const fh = await fs.promises.open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

export class FileChunkStore implements ChunkStore {
  /** Each chunk's current record (for file reference counts) and replica (for snapshots). */
  private readonly meta = new Map<ChunkId, ChunkRecord>();
  private readonly replicas = new Map<ChunkId, ChunkReplica>();
  private readonly retry = new Map<string, RetryEntry>();
  private readonly refs = new Map<number, number>();
  private readonly liveRefs = new Map<number, LiveRef>();
  /** Chunk images already on disk, by identity (core never mutates a Uint8Array it keeps). */
  private readonly known = new WeakMap<Uint8Array, LiveRef>();
  private queue: Queued[] = [];
  /** Files the last group dereferenced: freed after the next record (or snapshot) is durable. */
  private doomed: FreeFile[] = [];
  /** Freed files, reused last-in first-out (the most recently written pages are the likeliest still cached). */
  private free: FreeFile[] = [];
  /** Files taken from `free` for the group being written: their length before the overwrite. */
  private readonly reusing = new Map<number, number>();
  /** Open descriptors of recently written data files, least recently written first. */
  private readonly fds = new Map<number, number>();
  private writing: Promise<void> | undefined;
  private log: fs.promises.FileHandle | undefined;
  private logBytes = 0;
  private failed: Error | undefined;
  private readonly ctr: FileStoreCounters = { persists: 0, fsyncs: 0, bytesWritten: 0, compactions: 0, filesCreated: 0, filesReused: 0 };
  private readonly dataDir: string;
  private readonly policy: FsyncPolicy;
  private readonly compactLogBytes: number;
  private readonly inlineMaxBytes: number;
  private readonly freeFilesMax: number;

  private constructor(
    readonly dir: string,
    private epoch: number,
    private nextFile: number,
    o: FileStoreOptions,
  ) {
    this.dataDir = path.join(dir, DATA);
    this.policy = o.fsync ?? FILE_STORE_DEFAULTS.fsync;
    this.compactLogBytes = o.compactLogBytes ?? FILE_STORE_DEFAULTS.compactLogBytes;
    this.inlineMaxBytes = o.inlineMaxBytes ?? FILE_STORE_DEFAULTS.inlineMaxBytes;
    this.freeFilesMax = o.freeFilesMax ?? FILE_STORE_DEFAULTS.freeFilesMax;
  }

  /** Open (creating) the store in `o.dir`, recover, and load everything it holds. */
  static async open(o: FileStoreOptions): Promise<{ store: FileChunkStore; loaded: LoadedState }> {
    const dir = o.dir;
    await fs.promises.mkdir(path.join(dir, DATA), { recursive: true });
    let buf: Buffer;
    try {
      buf = await fs.promises.readFile(path.join(dir, LOG));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      buf = Buffer.alloc(0);
    }
    const parsed = parseLog(buf);
    let tornDiscarded = parsed.torn ? 1 : 0;
    const truncatedBytes = buf.length - parsed.validBytes;

    // replay
    let epoch = 0;
    let nextFile = 1;
    const meta = new Map<ChunkId, { c: ChunkRecord; blob: Buffer }>();
    const retry = new Map<string, RetryEntry>();
    for (const { rec: r, blob } of parsed.records) {
      if (r.k === 'snapshot') {
        meta.clear();
        retry.clear();
        for (const [id, c] of r.chunks) meta.set(id, { c, blob });
        for (const [k, e] of r.retry) retry.set(k, e as RetryEntry);
        epoch = r.epoch;
        nextFile = r.nextFile;
      } else {
        for (const [id, c] of r.chunks) meta.set(id, { c, blob });
        for (const [k, e] of r.retry) retry.set(k, e as RetryEntry);
        for (const id of r.removed) meta.delete(id);
      }
      for (const [, c] of r.chunks) for (const f of filesOf(c)) nextFile = Math.max(nextFile, f.file + 1);
    }

    // data files: verify what is referenced, delete the rest
    const names = await fs.promises.readdir(path.join(dir, DATA));
    for (const n of names) {
      const m = DATA_RE.exec(n);
      if (m) nextFile = Math.max(nextFile, Number(m[1]) + 1);
    }
    const store = new FileChunkStore(dir, epoch + 1, nextFile, o);
    const chunks = new Map<ChunkId, ChunkReplica>();
    const cache = new Map<number, Uint8Array | null>();
    /** A referenced file's bytes if its length and checksum (CRC-32C, or the image's chunk sum) hold, else null. */
    const readRef = async (ref: FileRef, blob: Buffer, sum?: { h1: number; h2: number }): Promise<Uint8Array | null> => {
      if (ref.file === 0) {
        if (ref.len === 0) return EMPTY;
        // inlined: the record's CRC covered it; copy it out so the log buffer is not retained
        if (ref.at === undefined || ref.at + ref.len > blob.length) return null;
        return Uint8Array.from(blob.subarray(ref.at, ref.at + ref.len));
      }
      const hit = cache.get(ref.file);
      if (hit !== undefined) return hit;
      let bytes: Uint8Array | null;
      try {
        const b = await fs.promises.readFile(path.join(dir, DATA, dataName(ref.file)));
        const u = new Uint8Array(b.buffer, b.byteOffset, b.length);
        let ok = b.length === ref.len;
        if (ok && ref.crc !== undefined) ok = crc32c(u) === ref.crc;
        else if (ok && sum !== undefined) {
          const s = checksumStateOf(u);
          ok = s.h1 === sum.h1 && s.h2 === sum.h2;
        } else ok = false;
        bytes = ok ? u : null;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
        bytes = null;
      }
      cache.set(ref.file, bytes);
      return bytes;
    };
    for (const [id, { c, blob }] of meta) {
      const data = await readRef(c.data, blob, c.sum);
      if (data === null) {
        tornDiscarded++;
        continue;
      }
      let rec: ChunkRecord = c;
      let pending: PendingVersion | undefined;
      if (c.pending) {
        const p = c.pending;
        const pdata = await readRef(p.data, blob, p.sum);
        const delta = p.delta ? await readRef(p.delta, blob) : pdata === null ? null : pdata.subarray(p.offset, p.offset + p.deltaLen);
        if (pdata === null || delta === null || delta.length !== p.deltaLen) {
          tornDiscarded++;
          rec = { commitVer: c.commitVer, chainVer: c.chainVer, sum: c.sum, data: c.data };
        } else {
          pending = { ver: p.ver, data: pdata, sum: p.sum, tag: p.tag, offset: p.offset, delta, full: p.full };
          store.remember(pdata, p.data);
          if (p.delta) store.remember(delta, p.delta);
        }
      }
      store.remember(data, c.data);
      store.meta.set(id, rec);
      store.addRefs(rec, 1);
      const replica: ChunkReplica = pending ? { commitVer: c.commitVer, data, sum: c.sum, chainVer: c.chainVer, pending } : { commitVer: c.commitVer, data, sum: c.sum, chainVer: c.chainVer };
      store.replicas.set(id, replica);
      chunks.set(id, replica);
    }
    for (const [k, e] of retry) store.retry.set(k, e);

    let orphansDeleted = 0;
    for (const n of names) {
      const m = DATA_RE.exec(n);
      if (m && store.refs.has(Number(m[1]))) continue;
      await fs.promises.rm(path.join(dir, DATA, n), { force: true, recursive: true });
      orphansDeleted++;
    }
    await fs.promises.rm(path.join(dir, LOG_TMP), { force: true });
    await store.writeSnapshot();
    const recovery: RecoveryReport = { tornDiscarded, truncatedBytes, orphansDeleted };
    return { store, loaded: { chunks, retry: new Map(store.retry), epoch: store.epoch, recovery } };
  }

  private remember(bytes: Uint8Array, ref: FileRef): void {
    if (ref.file === 0) return;
    let live = this.liveRefs.get(ref.file);
    if (!live) {
      live = { ...ref, alive: true };
      this.liveRefs.set(ref.file, live);
    }
    this.known.set(bytes, live);
  }

  private addRefs(c: ChunkRecord, d: 1 | -1): void {
    for (const f of filesOf(c)) this.refs.set(f.file, (this.refs.get(f.file) ?? 0) + d);
  }

  counters(): FileStoreCounters {
    return { ...this.ctr };
  }

  persist(batch: PersistBatch): Promise<void> {
    if (this.failed) return Promise.reject(this.failed);
    this.ctr.persists++;
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ batch, resolve, reject });
      if (!this.writing) this.writing = this.drain();
    });
  }

  /** The writer: one group (everything queued) at a time, in call order. */
  private async drain(): Promise<void> {
    while (this.queue.length > 0 && !this.failed) {
      const group = this.queue;
      this.queue = [];
      try {
        await this.writeGroup(group.map((q) => q.batch));
        for (const q of group) q.resolve();
      } catch (e) {
        this.failed ??= e instanceof Error ? e : new Error(String(e));
        for (const q of group) q.reject(this.failed);
      }
      if (!this.failed && this.logBytes > this.compactLogBytes) {
        try {
          await this.writeSnapshot();
          this.ctr.compactions++;
        } catch (e) {
          this.failed ??= e instanceof Error ? e : new Error(String(e));
        }
      }
    }
    for (const q of this.queue) q.reject(this.failed ?? new StoreClosed('store stopped'));
    this.queue = [];
    this.writing = undefined;
  }

  private alive(): void {
    if (this.failed) throw this.failed;
  }

  /**
   * The file holding `bytes`: an existing one, or a new one scheduled for writing. A chunk
   * image (`image`) is checked at recovery against its record's chunk sum, so it needs no
   * CRC here (the target computed that sum already: no extra pass over 1 MiB); other
   * bytes get a CRC-32C.
   */
  private refFor(bytes: Uint8Array, writes: Map<number, Uint8Array>, image: boolean, blob: Blob): FileRef {
    if (bytes.length === 0) return EMPTY_REF;
    if (bytes.length <= this.inlineMaxBytes) return { file: 0, len: bytes.length, at: blob.add(bytes) };
    const k = this.known.get(bytes);
    if (k && k.alive && (image || k.crc !== undefined)) return refOf(k);
    // (a file known as an image has no CRC: as a non-image it gets its own file with one)
    const file = this.fileFor();
    const ref: LiveRef = image ? { file, len: bytes.length, alive: true } : { file, len: bytes.length, crc: crc32c(bytes), alive: true };
    this.liveRefs.set(ref.file, ref);
    if (image) this.known.set(bytes, ref);
    writes.set(ref.file, bytes);
    return refOf(ref);
  }

  private recordOf(r: ChunkReplica, writes: Map<number, Uint8Array>, blob: Blob): ChunkRecord {
    const data = this.refFor(r.data, writes, true, blob);
    const base = { commitVer: r.commitVer, chainVer: r.chainVer, sum: { h1: r.sum.h1, h2: r.sum.h2 }, data };
    const p = r.pending;
    if (!p) return base;
    const pdata = r.data === p.data ? data : this.refFor(p.data, writes, true, blob);
    const inline = p.offset + p.delta.length <= p.data.length && (sameMemory(p.delta, p.data, p.offset) || sameBytes(p.delta, p.data.subarray(p.offset, p.offset + p.delta.length)));
    const pending: PendingRecord = {
      ver: p.ver,
      sum: { h1: p.sum.h1, h2: p.sum.h2 },
      tag: { client: p.tag.client, channel: p.tag.channel, seq: p.tag.seq },
      offset: p.offset,
      deltaLen: p.delta.length,
      full: p.full,
      data: pdata,
      ...(inline ? {} : { delta: this.refFor(p.delta, writes, false, blob) }),
    };
    return { ...base, pending };
  }

  /**
   * Keep a data file's descriptor open for its next overwrite (an open and a close are two
   * thread-pool round trips per version); the least recently written beyond
   * OPEN_DATA_FILES_MAX are closed.
   */
  private keepOpen(file: number, fd: number): void {
    this.fds.set(file, fd);
    if (this.fds.size <= OPEN_DATA_FILES_MAX) return;
    for (const [f, old] of this.fds) {
      this.fds.delete(f);
      fs.close(old, () => undefined);
      break;
    }
  }

  /** Close every cached data file descriptor. */
  private async closeFds(): Promise<void> {
    const fds = [...this.fds.values()];
    this.fds.clear();
    await Promise.all(fds.map((fd) => new Promise<void>((r) => fs.close(fd, () => r()))));
  }

  /** A number for a new data file: a freed file to overwrite (last freed first), else a new one. */
  private fileFor(): number {
    const f = this.free.pop();
    if (f === undefined) return this.nextFile++;
    this.reusing.set(f.file, f.size);
    return f.file;
  }

  /**
   * Write one data file: a new one (created exclusively), or a freed one overwritten from
   * byte 0 and cut to the new length. Callback fs calls: a FileHandle costs ~0.1 ms more
   * per file. A file being reused is referenced by no record recovery can fall back to
   * (see `doomed`), so a crash halfway through leaves an orphan, not a damaged version.
   */
  private writeFile(file: number, bytes: Uint8Array): Promise<void> {
    const oldSize = this.reusing.get(file);
    this.reusing.delete(file);
    const sync = this.policy === 'always';
    const cached = this.fds.get(file);
    if (cached !== undefined) this.fds.delete(file);
    return new Promise<void>((resolve, reject) => {
      const opened = (e: Error | null, fd: number) => {
        if (e) return reject(e);
        const finish = (err: Error | null) => {
          if (err) return fs.close(fd, () => reject(err));
          this.keepOpen(file, fd);
          resolve();
        };
        const afterWrite = () => {
          if (!sync) return finish(null);
          fs.fdatasync(fd, (e3) => {
            if (!e3) this.ctr.fsyncs++;
            finish(e3);
          });
        };
        const writeFrom = (off: number) => {
          if (off >= bytes.length) {
            if (oldSize === undefined || oldSize <= bytes.length) return afterWrite();
            return fs.ftruncate(fd, bytes.length, (e4) => (e4 ? finish(e4) : afterWrite()));
          }
          fs.write(fd, bytes, off, bytes.length - off, off, (e5, n) => (e5 ? finish(e5) : writeFrom(off + n)));
        };
        writeFrom(0);
      };
      if (cached !== undefined) opened(null, cached);
      else fs.open(path.join(this.dataDir, dataName(file)), oldSize === undefined ? 'wx' : 'r+', opened);
    }).then(() => {
      this.ctr.bytesWritten += bytes.length;
      if (oldSize === undefined) this.ctr.filesCreated++;
      else this.ctr.filesReused++;
    });
  }

  private async writeGroup(batches: readonly PersistBatch[]): Promise<void> {
    this.alive();
    const writes = new Map<number, Uint8Array>();
    const records: Buffer[] = [];
    const applied: [ChunkId, ChunkRecord | undefined, ChunkReplica | undefined][] = [];
    const retries: [string, RetryEntry][] = [];
    for (const b of batches) {
      const blob = new Blob();
      const chunks: [ChunkId, ChunkRecord][] = b.chunks.map(([id, r]) => [id, this.recordOf(r, writes, blob)]);
      const retry = b.retry.map(([k, e]) => [k, e] as [string, RetryEntry]);
      const removed = [...(b.removed ?? [])];
      records.push(encodeRecord({ k: 'batch', chunks, retry: retry as never, removed }, blob));
      chunks.forEach(([id, rec], i) => applied.push([id, rec, b.chunks[i][1]]));
      for (const id of removed) applied.push([id, undefined, undefined]);
      for (const x of retry) retries.push(x);
    }
    // 1. data before the records that reference them (the directory changes only when a file is created)
    let created = false;
    for (const f of writes.keys()) if (!this.reusing.has(f)) created = true;
    await Promise.all([...writes].map(([f, bytes]) => this.writeFile(f, bytes)));
    this.alive();
    if (created && this.policy === 'always') {
      await fsyncDir(this.dataDir);
      this.ctr.fsyncs++;
    }
    this.alive();
    // 2. the records, in call order, one append
    const buf = records.length === 1 ? records[0] : Buffer.concat(records);
    await this.appendLog(buf);
    // 3. apply in memory; drop files nothing references any more
    for (const [id, rec, replica] of applied) {
      const old = this.meta.get(id);
      if (old) this.addRefs(old, -1);
      if (rec && replica) {
        this.meta.set(id, rec);
        this.replicas.set(id, replica);
        this.addRefs(rec, 1);
      } else {
        this.meta.delete(id);
        this.replicas.delete(id);
      }
    }
    for (const [k, e] of retries) this.retry.set(k, e);
    const dead = this.unreferenced(writes.keys());
    this.alive();
    // delete what the previous group dereferenced; keep what this one did until the next
    // record is durable, so a torn last record falls back to a state whose files exist
    const doomed = this.doomed;
    this.doomed = dead;
    await this.release(doomed);
  }

  /** Files nothing references any more (among all counted, plus `fresh` ones never counted): forgotten, to be freed. */
  private unreferenced(fresh: Iterable<number>): FreeFile[] {
    const dead: number[] = [];
    for (const [f, n] of this.refs) if (n <= 0) dead.push(f);
    for (const f of fresh) if (!this.refs.has(f)) dead.push(f);
    const out: FreeFile[] = [];
    for (const f of dead) {
      this.refs.delete(f);
      const live = this.liveRefs.get(f);
      if (live) live.alive = false;
      this.liveRefs.delete(f);
      // a file of unknown length (never the case for files this store wrote or loaded) is deleted, not reused
      out.push({ file: f, size: live ? live.len : -1 });
    }
    return out;
  }

  /** Files that no record recovery can fall back to references any more: onto the free list, or deleted past freeFilesMax. */
  private async release(files: readonly FreeFile[]): Promise<void> {
    const del: number[] = [];
    for (const f of files) {
      if (f.size >= 0 && this.free.length < this.freeFilesMax) this.free.push(f);
      else del.push(f.file);
    }
    await this.deleteFiles(del);
  }

  private async deleteFiles(files: readonly number[]): Promise<void> {
    for (const f of files) {
      const fd = this.fds.get(f);
      if (fd === undefined) continue;
      this.fds.delete(f);
      fs.close(fd, () => undefined);
    }
    // unlink, not rm({force}): rm stats first, one more thread-pool round trip per 1 MiB write
    await Promise.all(files.map((f) => fs.promises.unlink(path.join(this.dataDir, dataName(f))).catch(ignoreMissing)));
  }

  private async appendLog(buf: Buffer): Promise<void> {
    const fh = this.log!;
    let off = 0;
    while (off < buf.length) {
      // the callback API on the handle's descriptor: no FileHandle promise machinery per record
      off += await new Promise<number>((resolve, reject) => fs.write(fh.fd, buf, off, buf.length - off, null, (e, n) => (e ? reject(e) : resolve(n))));
    }
    this.logBytes += buf.length;
    this.ctr.bytesWritten += buf.length;
    if (this.policy === 'always') {
      await fh.datasync();
      this.ctr.fsyncs++;
    }
  }

  /** Replace meta.log by one snapshot record: temp file + fsync + rename + fsync of the directory. */
  private async writeSnapshot(): Promise<void> {
    // every chunk re-encoded from its replica: small images inlined again, large ones by the
    // files already holding them (known by identity; anything unknown is written first)
    const blob = new Blob();
    const writes = new Map<number, Uint8Array>();
    const chunks: [ChunkId, ChunkRecord][] = [...this.replicas].map(([id, r]) => [id, this.recordOf(r, writes, blob)]);
    if (writes.size > 0) {
      await Promise.all([...writes].map(([f, bytes]) => this.writeFile(f, bytes)));
      if (this.policy === 'always') await fsyncDir(this.dataDir);
      for (const [id, rec] of chunks) {
        const old = this.meta.get(id);
        if (old) this.addRefs(old, -1);
        this.meta.set(id, rec);
        this.addRefs(rec, 1);
      }
      for (const f of this.unreferenced([])) this.doomed.push(f);
    }
    const rec = encodeRecord(
      {
        k: 'snapshot',
        epoch: this.epoch,
        nextFile: this.nextFile,
        chunks,
        retry: [...this.retry] as never,
      },
      blob,
    );
    const tmp = path.join(this.dir, LOG_TMP);
    const fh = await fs.promises.open(tmp, 'w');
    try {
      await fh.write(rec, 0, rec.length);
      await fh.sync();
      this.ctr.fsyncs++;
    } finally {
      await fh.close();
    }
    this.alive();
    if (this.log) await this.log.close();
    this.log = undefined;
    await fs.promises.rename(tmp, path.join(this.dir, LOG));
    await fsyncDir(this.dir);
    this.ctr.fsyncs++;
    this.log = await fs.promises.open(path.join(this.dir, LOG), 'a');
    this.logBytes = rec.length;
    this.ctr.bytesWritten += rec.length;
    const doomed = this.doomed;
    this.doomed = [];
    await this.release(doomed);
  }

  /** Wait for queued persists, delete the free files, then release the log file. */
  async close(): Promise<void> {
    while (this.writing) await this.writing;
    if (!this.failed) this.failed = new StoreClosed('store closed');
    const free = this.free;
    this.free = [];
    await this.deleteFiles(free.map((f) => f.file));
    await this.closeFds();
    await this.log?.close();
    this.log = undefined;
  }

  /**
   * Simulate a process crash (tests, conformance suite): stop at the next I/O boundary
   * without flushing or finishing the group in progress; unresolved persists reject.
   * What reached the files stays there, as after kill -9.
   */
  async crash(): Promise<void> {
    this.failed ??= new StoreClosed('store crashed');
    while (this.writing) await this.writing;
    await this.closeFds();
    await this.log?.close();
    this.log = undefined;
  }
}

function refOf(r: LiveRef): FileRef {
  return r.crc === undefined ? { file: r.file, len: r.len } : { file: r.file, len: r.len, crc: r.crc };
}

function filesOf(c: ChunkRecord): FileRef[] {
  const out: FileRef[] = [];
  if (c.data.file !== 0) out.push(c.data);
  if (c.pending) {
    if (c.pending.data.file !== 0) out.push(c.pending.data);
    if (c.pending.delta && c.pending.delta.file !== 0) out.push(c.pending.delta);
  }
  return out;
}
