/**
 * The embedded in-memory chunk store: the ChunkStore contract (./types.ts) with a
 * `MemoryDisk` as the durable medium. A "crash" abandons the store object; the disk
 * keeps every batch whose persist was called before it (batches apply atomically, in
 * order, at call time). Reference implementation for the conformance suite; durable only
 * as long as the process lives.
 */
import { ChunkId } from '../../spec/ids';
import { ChunkReplica, RetryEntry } from '../../core/craq/target';
import { ChunkStore, LoadedState, PersistBatch, StoreCounters } from './types';

export class MemoryDisk {
  readonly chunks = new Map<ChunkId, ChunkReplica>();
  readonly retry = new Map<string, RetryEntry>();
  epoch = 0;
}

export class MemoryChunkStore implements ChunkStore {
  private dead = false;
  private readonly ctr: StoreCounters = { persists: 0, fsyncs: 0, bytesWritten: 0, compactions: 0 };

  private constructor(private readonly disk: MemoryDisk) {}

  static open(disk: MemoryDisk): { store: MemoryChunkStore; loaded: LoadedState } {
    disk.epoch++;
    return {
      store: new MemoryChunkStore(disk),
      loaded: { chunks: new Map(disk.chunks), retry: new Map(disk.retry), epoch: disk.epoch, recovery: { tornDiscarded: 0, truncatedBytes: 0, orphansDeleted: 0 } },
    };
  }

  persist(b: PersistBatch): Promise<void> {
    if (this.dead) return Promise.reject(new Error('memory store: closed or crashed'));
    this.ctr.persists++;
    for (const [id, r] of b.chunks) {
      this.disk.chunks.set(id, r);
      this.ctr.bytesWritten += r.data.length + (r.pending ? r.pending.data.length : 0);
    }
    for (const [k, e] of b.retry) this.disk.retry.set(k, e);
    for (const id of b.removed ?? []) this.disk.chunks.delete(id);
    return Promise.resolve();
  }

  counters(): StoreCounters {
    return { ...this.ctr };
  }

  close(): Promise<void> {
    this.dead = true;
    return Promise.resolve();
  }

  /** Simulate a crash: the store object stops; the disk keeps what was persisted. */
  crash(): Promise<void> {
    this.dead = true;
    return Promise.resolve();
  }
}
