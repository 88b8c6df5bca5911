/**
 * Chunk store interface: executes the CRAQ target's `persist` effect (core/craq/target.ts)
 * and loads a target's durable state back at start. Implementations: `memory.ts` (the
 * embedded default, also the reference for the conformance suite) and `file.ts` (a
 * directory on disk). Conformance suite: `properties/conformance-store.ts`.
 *
 * Contract (what `properties/conformance-store.ts` checks):
 *  1. Durability: once `persist(b)` resolves, `b` survives a crash (a process kill; with
 *     `fsync: 'always'` also a power loss) and `open` after the crash returns it.
 *  2. Atomicity: a batch is all-or-nothing: after a crash at any point, the loaded state
 *     is the state after some prefix of the persist calls, never part of a batch.
 *  3. Order: batches apply in call order (a later batch for the same key wins), and the
 *     promises resolve in call order, so an interpreter may pipeline persists and still
 *     send each `thenSend` only after its own persist resolved.
 *  4. Fidelity: loaded chunks and retry entries equal what was persisted (bytes, versions,
 *     checksum state, pending version with its tag/offset/delta/full).
 *  5. Recovery: torn or partial files (a crash mid-write) are detected by checksum and
 *     discarded; every persisted-and-acknowledged version is kept.
 */
import { ChunkId } from '../../spec/ids';
import { ChunkReplica, Durable, RetryEntry, SendEffect, SyncSendEffect, TargetEffect } from '../../core/craq/target';
import { PMap } from '../../core/pmap';

/** One persist effect's durable part. */
export interface PersistBatch {
  readonly chunks: readonly (readonly [ChunkId, ChunkReplica])[];
  readonly retry: readonly (readonly [string, RetryEntry])[];
  /** Chunks to delete (recovery sync removes chunks only the successor has); applied after `chunks`, disjoint from them. */
  readonly removed?: readonly ChunkId[];
}

/** Everything durable a target had, as loaded at start. */
export interface LoadedState {
  readonly chunks: ReadonlyMap<ChunkId, ChunkReplica>;
  readonly retry: ReadonlyMap<string, RetryEntry>;
  /** Restart count, incremented durably by every `open`: feeds `Durable.epoch`. */
  readonly epoch: number;
  /** What recovery found and discarded (torn records, orphan or corrupt files). */
  readonly recovery: RecoveryReport;
}

export interface RecoveryReport {
  /** Log records (or files) whose checksum failed or that were cut short: discarded. */
  readonly tornDiscarded: number;
  /** Bytes cut off the end of the log. */
  readonly truncatedBytes: number;
  /** Data files no durable record referenced (temp files, superseded versions): deleted. */
  readonly orphansDeleted: number;
}

export interface StoreCounters {
  persists: number;
  /** fsync calls (group commit makes this lower than persists). */
  fsyncs: number;
  bytesWritten: number;
  compactions: number;
}

export interface ChunkStore {
  /** Make a batch durable (per the store's fsync policy). See the contract above. */
  persist(batch: PersistBatch): Promise<void>;
  counters(): StoreCounters;
  /** Flush and release files. Pending persists complete first. */
  close(): Promise<void>;
}

/** Opens (creating if needed) a store, runs recovery, and loads what it holds. */
export type OpenStore<S extends ChunkStore = ChunkStore> = () => Promise<{ store: S; loaded: LoadedState }>;

/** The `Durable` part of a TargetState from a loaded store (dirty = chunks with a pending version, sorted). */
export function durableFromLoaded(l: LoadedState): Durable {
  let chunks = PMap.empty<ChunkReplica>();
  const dirty: ChunkId[] = [];
  for (const [id, r] of l.chunks) {
    chunks = chunks.set(id, r);
    if (r.pending) dirty.push(id);
  }
  dirty.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  let retry = PMap.empty<RetryEntry>();
  for (const [k, e] of l.retry) retry = retry.set(k, e);
  return { chunks, retry, dirty, epoch: l.epoch };
}

/**
 * Interprets a target's effects against a store and a sender, in order:
 *  - a `persist` is issued at once (stores keep call order, contract 3), and its
 *    `thenSend` and `thenSync` go out only after it resolved (DESIGN.md "durability orderings live in
 *    the types": a tail never acks before its write is durable);
 *  - a plain `send` or `syncSend` waits for every persist issued before it (its step may reflect state
 *    those persists are making durable, e.g. a read of a just-committed version), and
 *    goes out synchronously when none is outstanding;
 *  - other effects (scheduleTick, ignored) are returned for the caller.
 * A failed persist is fatal for the node: `onFatal` is called and nothing after it is sent.
 */
export class PersistThenSend {
  private tail: Promise<void> = Promise.resolve();
  private outstanding = 0;
  private failed = false;

  constructor(
    private readonly store: ChunkStore,
    private readonly sendFn: (s: SendEffect | SyncSendEffect) => void,
    private readonly onFatal: (e: unknown) => void,
  ) {}

  /** Persists issued and not yet resolved. */
  get pending(): number {
    return this.outstanding;
  }

  run(effects: readonly TargetEffect[]): TargetEffect[] {
    const rest: TargetEffect[] = [];
    for (const e of effects) {
      if (e.kind === 'persist') {
        if (this.failed) continue;
        const p = this.store.persist({ chunks: e.chunks, retry: e.retry });
        this.outstanding++;
        this.tail = this.tail
          .then(() => p)
          .then(
            () => {
              this.outstanding--;
              if (this.failed) return;
              for (const s of e.thenSend) this.safeSend(s);
              for (const s of e.thenSync ?? []) this.safeSend(s);
            },
            (err) => {
              this.outstanding--;
              if (!this.failed) {
                this.failed = true;
                this.onFatal(err);
              }
            },
          );
      } else if (e.kind === 'send' || e.kind === 'syncSend') {
        if (this.failed) continue;
        if (this.outstanding === 0) this.safeSend(e);
        else this.tail = this.tail.then(() => { if (!this.failed) this.safeSend(e); });
      } else rest.push(e);
    }
    return rest;
  }

  private safeSend(s: SendEffect | SyncSendEffect): void {
    try {
      this.sendFn(s);
    } catch (err) {
      this.failed = true;
      this.onFatal(err);
    }
  }

  /** Resolves when everything issued so far is persisted and sent. */
  idle(): Promise<void> {
    return this.tail;
  }
}
