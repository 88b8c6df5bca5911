/**
 * The file chunk store against the ChunkStore conformance suite (durability across a
 * simulated crash, atomic prefix, call order, torn writes, epochs), with both fsync
 * policies, and its own recovery rules: corrupt data files, orphans, a CRC-valid but
 * malformed record (an error naming the field), compaction.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FileChunkStore, FsyncPolicy, StoreCorrupt } from '../../../adapters/store/file';
import { crc32c } from '../../../adapters/store/crc32c';
import { MemoryChunkStore, MemoryDisk } from '../../../adapters/store/memory';
import { checkAtomicPrefix, checkDurability, checkEpochs, checkTornWrite, StoreHarness, StoreLocation, canonicalState, buildBatches } from '../../../properties/conformance-store';
import { ChunkReplica } from '../../../core/craq/target';
import { checksumStateOf } from '../../../core/craq/checksum';
import { chunkId, clientId } from '../../../spec/ids';

const roots: string[] = [];
afterAll(() => {
  for (const r of roots) fs.rmSync(r, { recursive: true, force: true });
});

function tmpDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'chainrep-store-'));
  roots.push(d);
  return d;
}

/** Cut the last log record short or flip a byte in it, alternately (a torn append). */
function tearLog(dir: string, n: number): void {
  const file = path.join(dir, 'meta.log');
  const b = fs.readFileSync(file);
  let off = 0;
  let last = 0;
  while (off + 8 <= b.length) {
    last = off;
    off += 8 + b.readUInt32BE(off);
  }
  const recLen = b.length - last;
  if (n % 2 === 0) fs.truncateSync(file, last + (n % recLen));
  else {
    const i = last + 8 + (n % Math.max(1, recLen - 8));
    b[Math.min(i, b.length - 1)] ^= 0x40;
    fs.writeFileSync(file, b);
  }
}

function fileHarness(fsync: FsyncPolicy): StoreHarness<FileChunkStore> {
  let tears = 0;
  return {
    name: `file store (fsync ${fsync})`,
    fresh: async (): Promise<StoreLocation<FileChunkStore>> => {
      const dir = tmpDir();
      return {
        open: () => FileChunkStore.open({ dir, fsync }),
        crash: (s) => s.crash(),
        tear: async () => tearLog(dir, tears++),
        dispose: async () => fs.rmSync(dir, { recursive: true, force: true }),
      };
    },
  };
}

const memoryHarness: StoreHarness<MemoryChunkStore> = {
  name: 'memory store',
  fresh: async () => {
    const disk = new MemoryDisk();
    return { open: async () => MemoryChunkStore.open(disk), crash: (s) => s.crash(), dispose: async () => undefined };
  },
};

describe('ChunkStore conformance (properties/conformance-store.ts)', () => {
  test('memory store: durability, atomic prefix, epochs', async () => {
    await checkDurability(memoryHarness, { numRuns: 12 });
    await checkAtomicPrefix(memoryHarness, { numRuns: 12 });
    await checkEpochs(memoryHarness);
  });

  test('file store, fsync never: durability across a crash keeps every acknowledged batch, byte for byte', async () => {
    await checkDurability(fileHarness('never'), { numRuns: 15 });
  });

  test('file store, fsync never: a crash with persists in flight leaves a prefix, resolved in call order', async () => {
    await checkAtomicPrefix(fileHarness('never'), { numRuns: 15 });
  });

  test('file store: a torn last record is discarded by CRC, everything before it kept, the store works on', async () => {
    await checkTornWrite(fileHarness("never"), { numRuns: 12 });
  });

  test('file store, fsync always: durability and atomic prefix (fewer runs: fsyncs are slow)', async () => {
    await checkDurability(fileHarness('always'), { numRuns: 6 });
    await checkAtomicPrefix(fileHarness('always'), { numRuns: 6 });
    await checkEpochs(fileHarness('always'));
  });
});

function replica(bytes: number[], ver: number, pending?: number[]): ChunkReplica {
  const data = Uint8Array.from(bytes);
  const r: ChunkReplica = { commitVer: ver, data, sum: checksumStateOf(data), chainVer: 1 };
  if (!pending) return r;
  const pd = Uint8Array.from(pending);
  return { ...r, pending: { ver: ver + 1, data: pd, sum: checksumStateOf(pd), tag: { client: clientId(1), channel: 0, seq: 1 }, offset: 0, delta: pd, full: false } };
}

describe('file store recovery rules', () => {
  test('a corrupt committed image drops the chunk, a corrupt pending image drops only the pending version; both counted', async () => {
    const dir = tmpDir();
    const { store } = await FileChunkStore.open({ dir, fsync: 'never', inlineMaxBytes: 0 });
    await store.persist({ chunks: [[chunkId('a'), replica([1, 2, 3], 1)], [chunkId('b'), replica([4, 5], 1, [6, 7, 8])]], retry: [] });
    await store.close();
    const files = fs.readdirSync(path.join(dir, 'data')).sort((x, y) => parseInt(x) - parseInt(y));
    expect(files).toHaveLength(3); // a's image, b's committed and pending images
    for (const f of files) {
      const p = path.join(dir, 'data', f);
      const b = fs.readFileSync(p);
      if (b.equals(Buffer.from([1, 2, 3])) || b.equals(Buffer.from([6, 7, 8]))) {
        b[0] ^= 0xff;
        fs.writeFileSync(p, b);
      }
    }
    const { store: s2, loaded } = await FileChunkStore.open({ dir, fsync: 'never', inlineMaxBytes: 0 });
    await s2.close();
    expect(loaded.chunks.has(chunkId('a'))).toBe(false);
    const b = loaded.chunks.get(chunkId('b'))!;
    expect(b.commitVer).toBe(1);
    expect([...b.data]).toEqual([4, 5]);
    expect(b.pending).toBeUndefined();
    expect(loaded.recovery.tornDiscarded).toBe(2);
  });

  test('orphan data files (a crash between data write and log append) are deleted at open', async () => {
    const dir = tmpDir();
    const { store } = await FileChunkStore.open({ dir, fsync: 'never', inlineMaxBytes: 0 });
    await store.persist({ chunks: [[chunkId('a'), replica([1], 1)]], retry: [] });
    await store.close();
    fs.writeFileSync(path.join(dir, 'data', '999.dat'), Buffer.from('half'));
    fs.writeFileSync(path.join(dir, 'data', 'junk.tmp'), Buffer.from('x'));
    const { store: s2, loaded } = await FileChunkStore.open({ dir, fsync: 'never', inlineMaxBytes: 0 });
    expect(loaded.recovery.orphansDeleted).toBe(2);
    expect(fs.readdirSync(path.join(dir, 'data'))).toHaveLength(1);
    // file numbers never reuse an orphan's
    await s2.persist({ chunks: [[chunkId('b'), replica([2], 1)]], retry: [] });
    await s2.close();
    expect(fs.readdirSync(path.join(dir, 'data')).some((f) => parseInt(f) > 999)).toBe(true);
  });

  test('a record with a valid CRC that fails its codec is refused with an error naming the field', async () => {
    const dir = tmpDir();
    const json = Buffer.from(JSON.stringify({ k: 'batch', chunks: [['a', { commitVer: -1, chainVer: 0, sum: { h1: 0, h2: 0 }, data: { file: 0, len: 0 } }]], retry: [], removed: [] }));
    const jsonLen = Buffer.alloc(4);
    jsonLen.writeUInt32BE(json.length, 0);
    const body = Buffer.concat([jsonLen, json]);
    const head = Buffer.alloc(8);
    head.writeUInt32BE(body.length, 0);
    head.writeUInt32BE(crc32c(body), 4);
    fs.mkdirSync(path.join(dir, 'data'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'meta.log'), Buffer.concat([head, body]));
    const err = await FileChunkStore.open({ dir }).then(() => null, (e) => e);
    expect(err).toBeInstanceOf(StoreCorrupt);
    expect((err as StoreCorrupt).field).toBe('chunks.0.1.commitVer');
  });

  test('committing writes no chunk bytes again (the pending image file becomes the committed one); the old image is deleted one group later', async () => {
    const dir = tmpDir();
    const { store } = await FileChunkStore.open({ dir, fsync: 'never', inlineMaxBytes: 0 });
    const v1 = replica([1, 1, 1, 1], 1);
    await store.persist({ chunks: [[chunkId('a'), v1]], retry: [] });
    const withPending = { ...v1, pending: replica([2, 2, 2, 2], 1, [2, 2, 2, 2]).pending! };
    await store.persist({ chunks: [[chunkId('a'), withPending]], retry: [] });
    const before = store.counters().bytesWritten;
    const p = withPending.pending;
    await store.persist({ chunks: [[chunkId('a'), { commitVer: 2, data: p.data, sum: p.sum, chainVer: 1 }]], retry: [] });
    const after = store.counters().bytesWritten;
    expect(after - before).toBeLessThan(400); // one small log record, no image
    expect(fs.readdirSync(path.join(dir, 'data'))).toHaveLength(2); // v1's image survives until the next record is durable
    await store.persist({ chunks: [], retry: [] });
    await store.close();
    expect(fs.readdirSync(path.join(dir, 'data'))).toHaveLength(1);
    const { store: s2, loaded } = await FileChunkStore.open({ dir, fsync: 'never' });
    await s2.close();
    expect([...loaded.chunks.get(chunkId('a'))!.data]).toEqual([2, 2, 2, 2]);
  });

  test('small images ride inside the log record (no data file), large ones get files; both survive reopen and compaction', async () => {
    const dir = tmpDir();
    const { store } = await FileChunkStore.open({ dir, fsync: 'never', inlineMaxBytes: 1024 });
    const big = Array.from({ length: 5000 }, (_, i) => i & 0xff);
    await store.persist({ chunks: [[chunkId('small'), replica([9, 8, 7], 1, [1, 2, 3, 4])], [chunkId('big'), replica(big, 1)]], retry: [] });
    await store.close();
    expect(fs.readdirSync(path.join(dir, 'data'))).toHaveLength(1);
    for (let i = 0; i < 2; i++) {
      const { store: s, loaded } = await FileChunkStore.open({ dir, fsync: 'never', inlineMaxBytes: 1024 });
      await s.close();
      expect([...loaded.chunks.get(chunkId('small'))!.data]).toEqual([9, 8, 7]);
      expect([...loaded.chunks.get(chunkId('small'))!.pending!.data]).toEqual([1, 2, 3, 4]);
      expect([...loaded.chunks.get(chunkId('big'))!.data]).toEqual(big);
    }
  });

  test('compaction (a tiny compactLogBytes) rewrites the log as a snapshot and loses nothing', async () => {
    const dir = tmpDir();
    const { store } = await FileChunkStore.open({ dir, fsync: 'never', compactLogBytes: 2000 });
    const opss = Array.from({ length: 40 }, (_, i) => [{ kind: 'write' as const, chunk: i % 4, offset: i, data: Uint8Array.of(i, i + 1), strayDelta: i % 3 === 0 }, ...(i % 2 ? [{ kind: 'commit' as const, chunk: i % 4, chainVer: 2 }] : [])]);
    const { batches, models } = buildBatches(opss);
    for (const b of batches) await store.persist(b);
    expect(store.counters().compactions).toBeGreaterThan(0);
    await store.close();
    const { store: s2, loaded } = await FileChunkStore.open({ dir, fsync: 'never' });
    await s2.close();
    const want = models[models.length - 1];
    expect(canonicalState(loaded.chunks, loaded.retry)).toBe(canonicalState(want.chunks, want.retry));
  });
});

describe('file store: stray deltas', () => {
  test('a pending version whose forwarded bytes are not part of its image keeps a CRC-checked delta file, reused across reopen (not rewritten)', async () => {
    const dir = tmpDir();
    const { store } = await FileChunkStore.open({ dir, fsync: 'never', inlineMaxBytes: 0 });
    const base = replica([1, 2, 3, 4], 1, [5, 6, 7, 8]);
    const stray = { ...base, pending: { ...base.pending!, delta: Uint8Array.of(9, 9) } };
    await store.persist({ chunks: [[chunkId('s'), stray]], retry: [] });
    await store.close();
    const files = () => fs.readdirSync(path.join(dir, 'data')).sort();
    const before = files();
    expect(before).toHaveLength(3); // committed image, pending image, delta
    for (let i = 0; i < 2; i++) {
      const { store: s, loaded } = await FileChunkStore.open({ dir, fsync: 'never', inlineMaxBytes: 0 });
      await s.close();
      expect([...loaded.chunks.get(chunkId('s'))!.pending!.delta]).toEqual([9, 9]);
      expect(loaded.recovery.orphansDeleted).toBe(0);
      expect(files()).toEqual(before);
    }
  });
});

describe('file store: freed data files are reused', () => {
  const big = (n: number, fill: number) => new Uint8Array(n).fill(fill);
  const image = (data: Uint8Array, ver: number): ChunkReplica => ({ commitVer: ver, data, sum: checksumStateOf(data), chainVer: 1 });

  test('a version overwrites a file freed two records earlier (no new file); a shorter image truncates it; close deletes the free files', async () => {
    const dir = tmpDir();
    const { store } = await FileChunkStore.open({ dir, fsync: 'never', inlineMaxBytes: 0 });
    const sizes = [4000, 4000, 4000, 4000, 1000, 4000, 2500];
    for (let v = 1; v <= sizes.length; v++) await store.persist({ chunks: [[chunkId('a'), image(big(sizes[v - 1], v), v)]], retry: [] });
    const c = store.counters();
    expect(c.filesCreated + c.filesReused).toBe(sizes.length);
    expect(c.filesReused).toBeGreaterThanOrEqual(sizes.length - 3);
    expect(c.filesCreated).toBeLessThanOrEqual(3);
    const onDisk = fs.readdirSync(path.join(dir, 'data'));
    expect(onDisk.length).toBeLessThanOrEqual(3);
    await store.close();
    // the current image, plus the one the last record dereferenced (kept until the next record)
    expect(fs.readdirSync(path.join(dir, 'data')).length).toBeLessThanOrEqual(2);
    const { store: s2, loaded } = await FileChunkStore.open({ dir, fsync: 'never', inlineMaxBytes: 0 });
    await s2.close();
    const a = loaded.chunks.get(chunkId('a'))!;
    expect(a.commitVer).toBe(sizes.length);
    expect(a.data.length).toBe(2500); // the reused 4000-byte file was cut to the new length
    expect(a.data.every((b) => b === sizes.length)).toBe(true);
    expect(loaded.recovery.tornDiscarded).toBe(0);
  });

  test('freeFilesMax 0 deletes instead (every version a new file)', async () => {
    const dir = tmpDir();
    const { store } = await FileChunkStore.open({ dir, fsync: 'never', inlineMaxBytes: 0, freeFilesMax: 0 });
    for (let v = 1; v <= 5; v++) await store.persist({ chunks: [[chunkId('a'), image(big(3000, v), v)]], retry: [] });
    expect(store.counters()).toMatchObject({ filesCreated: 5, filesReused: 0 });
    await store.close();
    expect(fs.readdirSync(path.join(dir, 'data')).length).toBeLessThanOrEqual(2);
  });

  test('a crash leaves free files as orphans: deleted at open, every acknowledged version kept', async () => {
    const dir = tmpDir();
    const { store } = await FileChunkStore.open({ dir, fsync: 'never', inlineMaxBytes: 0 });
    for (let v = 1; v <= 6; v++) await store.persist({ chunks: [[chunkId('a'), image(big(3000, v), v)], [chunkId('b'), image(big(2000, 100 + v), v)]], retry: [] });
    expect(store.counters().filesReused).toBeGreaterThan(0);
    await store.crash();
    const { store: s2, loaded } = await FileChunkStore.open({ dir, fsync: 'never', inlineMaxBytes: 0 });
    await s2.close();
    expect(loaded.chunks.get(chunkId('a'))!.data.every((b) => b === 6)).toBe(true);
    expect(loaded.chunks.get(chunkId('b'))!.data.every((b) => b === 106)).toBe(true);
    expect(loaded.recovery.tornDiscarded).toBe(0);
  });
});
