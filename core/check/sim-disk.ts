/**
 * The simulated disk of one storage target (core/check/sim.ts). It keeps, per chunk, the
 * newest record and the one before, each stored with the checksums of its bytes as they were
 * meant to be written, plus the retry cache. A torn write stores a record whose second half
 * is garbage; `recover` finds it by checksum, discards it and falls back to the previous
 * record, as a target verifying its chunk store on restart would.
 */
import type { ChunkId } from '../../spec/ids';
import { PMap } from '../pmap';
import { checksumStateOf, packSum } from '../craq/checksum';
import type { ChunkReplica, Durable, RetryEntry } from '../craq/target';

interface StoredRecord {
  readonly r: ChunkReplica;
  /** Packed checksums of `r.data` and of the pending data, as intended. */
  readonly sum: number;
  readonly pendingSum: number;
}

export class SimDisk {
  private chunks = new Map<ChunkId, { cur: StoredRecord; prev?: StoredRecord }>();
  private retry = new Map<string, RetryEntry>();

  write(chunk: ChunkId, r: ChunkReplica): void {
    const prev = this.chunks.get(chunk)?.cur;
    const rec: StoredRecord = { r, sum: packSum(r.sum), pendingSum: r.pending ? packSum(r.pending.sum) : 0 };
    this.chunks.set(chunk, prev ? { cur: rec, prev } : { cur: rec });
  }

  /** A power loss in the middle of writing `r`: half of its newest bytes are garbage. */
  writeTorn(chunk: ChunkId, r: ChunkReplica): void {
    this.write(chunk, tear(r));
  }

  writeRetry(key: string, e: RetryEntry): void {
    this.retry.set(key, e);
  }

  /** What a restarting target reads back; torn records are discarded (and counted). */
  recover(epoch: number): { readonly durable: Durable; readonly tornDetected: number } {
    let chunks = PMap.empty<ChunkReplica>();
    const dirty: ChunkId[] = [];
    let tornDetected = 0;
    for (const [chunk, slot] of [...this.chunks].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))) {
      let rec: StoredRecord | undefined = slot.cur;
      if (!intact(rec)) {
        tornDetected++;
        rec = slot.prev && intact(slot.prev) ? slot.prev : undefined;
        if (rec) this.chunks.set(chunk, { cur: rec });
        else this.chunks.delete(chunk);
      }
      if (!rec) continue;
      chunks = chunks.set(chunk, rec.r);
      if (rec.r.pending) dirty.push(chunk);
    }
    let retry = PMap.empty<RetryEntry>();
    for (const [k, e] of this.retry) retry = retry.set(k, e);
    return { durable: { chunks, retry, dirty, epoch }, tornDetected };
  }
}

/** A record whose stored checksums match its bytes. */
function intact(rec: StoredRecord): boolean {
  if (packSum(checksumStateOf(rec.r.data)) !== rec.sum) return false;
  if (rec.r.pending && packSum(checksumStateOf(rec.r.pending.data)) !== rec.pendingSum) return false;
  return true;
}

/** A half-written record: the second half of its newest bytes is garbage; checksums as intended. */
function tear(r: ChunkReplica): ChunkReplica {
  const garble = (b: Uint8Array) => {
    if (b.length === 0) return new Uint8Array([0xa5]);
    const out = b.slice();
    for (let i = out.length >> 1; i < out.length; i++) out[i] ^= 0xa5;
    return out;
  };
  return r.pending ? { ...r, pending: { ...r.pending, data: garble(r.pending.data) } } : { ...r, data: garble(r.data) };
}
