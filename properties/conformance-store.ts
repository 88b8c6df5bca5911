/**
 * Conformance suite for ChunkStore implementations (adapters/store/types.ts), runnable
 * from jest or any runner: each check is an async function that throws (with the
 * fast-check seed and counterexample) when the store breaks the contract.
 *
 *   import { checkStoreConformance } from 'chainrep/properties';
 *   await checkStoreConformance({ fresh: async () => myStoreLocation() }, { numRuns: 20 });
 *
 * Batches are generated as the CRAQ target generates them: a write creates a pending
 * version on top of the committed image, a commit turns that very pending image into the
 * committed one (the same Uint8Array object), retry entries and removals ride along.
 */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { ChunkId, chunkId, clientId } from '../spec/ids';
import { ERROR_CODES } from '../spec/craq';
import { ChunkReplica, EMPTY_REPLICA, RetryEntry } from '../core/craq/target';
import { applyWrite, checksumStateOf } from '../core/craq/checksum';
import { ChunkStore, LoadedState, PersistBatch } from '../adapters/store/types';

/** One store location (a directory, a bucket, a MemoryDisk) that survives simulated crashes. */
export interface StoreLocation<S extends ChunkStore = ChunkStore> {
  /** Open the store here (recovering what a previous instance left). */
  open(): Promise<{ store: S; loaded: LoadedState }>;
  /** Stop a store dead, as kill -9 would: no flush; unresolved persists may or may not survive. */
  crash(store: S): Promise<void>;
  /** Optional: damage the most recent write as a torn write would (cut or garble its tail). */
  tear?(): Promise<void>;
  /** Remove the location. */
  dispose(): Promise<void>;
}

export interface StoreHarness<S extends ChunkStore = ChunkStore> {
  readonly name: string;
  fresh(): Promise<StoreLocation<S>>;
}

export interface ConformanceOptions {
  readonly numRuns?: number;
  readonly seed?: number;
}

// ------------------------------------------------------------------ generated batches

type Op =
  | { readonly kind: 'write'; readonly chunk: number; readonly offset: number; readonly data: Uint8Array; readonly strayDelta: boolean }
  | { readonly kind: 'commit'; readonly chunk: number; readonly chainVer: number }
  | { readonly kind: 'retry'; readonly key: number; readonly seq: number; readonly result: number }
  | { readonly kind: 'remove'; readonly chunk: number };

const CHUNKS = ['c0', 'c1', 'c2', 'c3'].map(chunkId);

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('write' as const),
      chunk: fc.nat(3),
      offset: fc.nat(40),
      data: fc.oneof({ weight: 9, arbitrary: fc.uint8Array({ minLength: 0, maxLength: 48 }) }, { weight: 1, arbitrary: fc.integer({ min: 60_000, max: 140_000 }).map((n) => new Uint8Array(n).fill(n & 0xff)) }),
      strayDelta: fc.boolean(),
    }),
  },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('commit' as const), chunk: fc.nat(3), chainVer: fc.nat(5) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('retry' as const), key: fc.nat(3), seq: fc.nat(1000), result: fc.nat(ERROR_CODES.length + 1) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('remove' as const), chunk: fc.nat(3) }) },
);

/** Batches of 1..4 ops each, 1..12 batches. */
export const batchesArb = fc.array(fc.array(opArb, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 12 });

interface Model {
  chunks: Map<ChunkId, ChunkReplica>;
  retry: Map<string, RetryEntry>;
}

function unremove(removed: ChunkId[], id: ChunkId): void {
  const i = removed.indexOf(id);
  if (i >= 0) removed.splice(i, 1);
}

/** Turn op lists into persist batches the way the target would, and the model state after each. */
export function buildBatches(opss: readonly (readonly Op[])[]): { batches: PersistBatch[]; models: Model[] } {
  const m: Model = { chunks: new Map(), retry: new Map() };
  const models: Model[] = [{ chunks: new Map(), retry: new Map() }];
  const batches: PersistBatch[] = [];
  for (const ops of opss) {
    const chunks = new Map<ChunkId, ChunkReplica>();
    const retry = new Map<string, RetryEntry>();
    const removed: ChunkId[] = [];
    for (const op of ops) {
      if (op.kind === 'write') {
        const id = CHUNKS[op.chunk];
        const r = m.chunks.get(id) ?? EMPTY_REPLICA;
        const data = applyWrite(r.data, op.offset, op.data);
        const delta = op.strayDelta ? op.data.map((b) => b ^ 0x5a) : op.data;
        unremove(removed, id);
        const next: ChunkReplica = {
          ...r,
          pending: { ver: r.commitVer + 1, data, sum: checksumStateOf(data), tag: { client: clientId(7), channel: 1, seq: r.commitVer + 1 }, offset: op.offset, delta, full: op.strayDelta },
        };
        m.chunks.set(id, next);
        chunks.set(id, next);
      } else if (op.kind === 'commit') {
        const id = CHUNKS[op.chunk];
        const r = m.chunks.get(id);
        if (!r?.pending) continue;
        const p = r.pending;
        unremove(removed, id);
        const next: ChunkReplica = { commitVer: p.ver, data: p.data, sum: p.sum, chainVer: op.chainVer, pending: undefined };
        m.chunks.set(id, next);
        chunks.set(id, next);
      } else if (op.kind === 'retry') {
        const key = `7/1/${op.key}`;
        const result = op.result === 0 ? undefined : op.result === 1 ? { ok: true as const, commitVer: op.seq } : { ok: false as const, code: ERROR_CODES[op.result - 2] };
        const e: RetryEntry = result ? { seq: op.seq, ver: op.seq + 1, chunk: CHUNKS[op.key], result } : { seq: op.seq, ver: op.seq + 1, chunk: CHUNKS[op.key] };
        m.retry.set(key, e);
        retry.set(key, e);
      } else {
        const id = CHUNKS[op.chunk];
        if (!m.chunks.has(id)) continue;
        m.chunks.delete(id);
        chunks.delete(id);
        removed.push(id);
      }
    }
    batches.push({ chunks: [...chunks], retry: [...retry], removed });
    models.push({ chunks: new Map(m.chunks), retry: new Map(m.retry) });
  }
  return { batches, models };
}

// ------------------------------------------------------------------ comparison

/** Bytes as their length and SHA-256 (exact enough for equality, cheap for 100 KB images). */
const digest = (b: Uint8Array) => `${b.byteLength}:${createHash('sha256').update(b).digest('hex')}`;

function canon(v: unknown): unknown {
  if (v instanceof Uint8Array) return { bytes: digest(v) };
  if (Array.isArray(v)) return v.map(canon);
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) {
      const x = (v as Record<string, unknown>)[k];
      if (x !== undefined) out[k] = canon(x);
    }
    return out;
  }
  return v;
}

/** A canonical text of a store state: sorted keys, bytes as length + SHA-256, undefined fields dropped. */
export function canonicalState(chunks: ReadonlyMap<ChunkId, ChunkReplica>, retry: ReadonlyMap<string, RetryEntry>): string {
  const c = [...chunks].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, r]) => [k, canon(r)]);
  const r = [...retry].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, e]) => [k, canon(e)]);
  return JSON.stringify({ chunks: c, retry: r });
}

function short(s: string): string {
  return s.length > 400 ? `${s.slice(0, 400)}...(${s.length} chars)` : s;
}

// ------------------------------------------------------------------ properties

function params(o: ConformanceOptions, runs: number): fc.Parameters<unknown> {
  return { numRuns: o.numRuns ?? runs, ...(o.seed !== undefined ? { seed: o.seed } : {}) };
}

async function withLocation<S extends ChunkStore>(h: StoreHarness<S>, f: (l: StoreLocation<S>) => Promise<void>): Promise<void> {
  const l = await h.fresh();
  try {
    await f(l);
  } finally {
    await l.dispose();
  }
}

/** Durability + fidelity: after every persist resolved and a crash, open loads exactly the persisted state. */
export async function checkDurability<S extends ChunkStore>(h: StoreHarness<S>, o: ConformanceOptions = {}): Promise<void> {
  await fc.assert(
    fc.asyncProperty(batchesArb, async (opss) =>
      withLocation(h, async (l) => {
        const { batches, models } = buildBatches(opss);
        const { store, loaded } = await l.open();
        if (loaded.chunks.size !== 0 || loaded.retry.size !== 0) throw new Error(`${h.name}: a fresh location loaded ${loaded.chunks.size} chunks`);
        await Promise.all(batches.map((b) => store.persist(b)));
        await l.crash(store);
        const again = await l.open();
        const want = canonicalState(models[models.length - 1].chunks, models[models.length - 1].retry);
        const got = canonicalState(again.loaded.chunks, again.loaded.retry);
        await again.store.close();
        if (got !== want) throw new Error(`${h.name}: after a crash the store loaded\n  ${short(got)}\nwant\n  ${short(want)}`);
      }),
    ),
    params(o, 25),
  );
}

/**
 * Atomic commit + order: persists issued back to back resolve in call order; a crash after
 * the first k resolved leaves exactly the state after some prefix j >= k (never part of
 * a batch, never a later batch without an earlier one).
 */
export async function checkAtomicPrefix<S extends ChunkStore>(h: StoreHarness<S>, o: ConformanceOptions = {}): Promise<void> {
  await fc.assert(
    fc.asyncProperty(batchesArb, fc.nat(), async (opss, kSeed) =>
      withLocation(h, async (l) => {
        const { batches, models } = buildBatches(opss);
        const k = kSeed % (batches.length + 1);
        const { store } = await l.open();
        const order: number[] = [];
        const ps = batches.map((b, i) =>
          store.persist(b).then(
            () => {
              order.push(i);
            },
            () => undefined,
          ),
        );
        await Promise.all(ps.slice(0, k));
        await l.crash(store);
        await Promise.all(ps);
        for (let i = 0; i < order.length; i++) if (order[i] !== i) throw new Error(`${h.name}: persists resolved out of call order: ${order.join(',')}`);
        if (order.length < k) throw new Error(`${h.name}: only ${order.length} of the first ${k} awaited persists resolved`);
        const again = await l.open();
        const got = canonicalState(again.loaded.chunks, again.loaded.retry);
        await again.store.close();
        const prefixes = models.map((m) => canonicalState(m.chunks, m.retry));
        const j = prefixes.findIndex((p, i) => i >= order.length && p === got);
        if (j < 0) throw new Error(`${h.name}: after a crash with ${order.length} of ${batches.length} persists acknowledged, the state is no prefix of the batches (>= ${order.length}):\n  ${short(got)}`);
      }),
    ),
    params(o, 25),
  );
}

/** Torn write: after `tear`, the store opens, keeps all batches but possibly the last, and works on. */
export async function checkTornWrite<S extends ChunkStore>(h: StoreHarness<S>, o: ConformanceOptions = {}): Promise<void> {
  await fc.assert(
    fc.asyncProperty(batchesArb, async (opss) =>
      withLocation(h, async (l) => {
        if (!l.tear) return;
        const { batches, models } = buildBatches(opss);
        const { store } = await l.open();
        await Promise.all(batches.map((b) => store.persist(b)));
        await l.crash(store);
        await l.tear();
        const again = await l.open();
        const got = canonicalState(again.loaded.chunks, again.loaded.retry);
        const n = batches.length;
        const ok = [models[n], models[n - 1]].some((m) => canonicalState(m.chunks, m.retry) === got);
        if (!ok) {
          await again.store.close();
          throw new Error(`${h.name}: after a torn last write the store lost more than the last batch:\n  ${short(got)}`);
        }
        // it keeps working: one more batch survives another crash
        const extra: PersistBatch = { chunks: [], retry: [['after-tear', { seq: 1, ver: 1, chunk: CHUNKS[0] }]] };
        await again.store.persist(extra);
        await l.crash(again.store);
        const third = await l.open();
        await third.store.close();
        if (third.loaded.retry.get('after-tear')?.seq !== 1) throw new Error(`${h.name}: a persist after recovering from a torn write was lost`);
      }),
    ),
    params(o, 15),
  );
}

/** Epoch: every open (after a close or a crash) loads a strictly larger epoch. */
export async function checkEpochs<S extends ChunkStore>(h: StoreHarness<S>): Promise<void> {
  await withLocation(h, async (l) => {
    let last = -1;
    for (let i = 0; i < 4; i++) {
      const { store, loaded } = await l.open();
      if (loaded.epoch <= last) throw new Error(`${h.name}: open #${i + 1} loaded epoch ${loaded.epoch}, not above ${last}`);
      last = loaded.epoch;
      if (i % 2 === 0) await store.close();
      else await l.crash(store);
    }
  });
}

/** Every check above, in turn. */
export async function checkStoreConformance<S extends ChunkStore>(h: StoreHarness<S>, o: ConformanceOptions = {}): Promise<void> {
  await checkDurability(h, o);
  await checkAtomicPrefix(h, o);
  await checkTornWrite(h, o);
  await checkEpochs(h);
}
