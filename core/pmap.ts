/**
 * A persistent (copy-on-write) string-keyed map sharded 64 ways: `set` copies one shard
 * and the 64-pointer spine, so a step that touches one chunk of a target holding n chunks
 * costs O(n/64), and old states stay valid for the explorer. Iteration order is
 * deterministic (shard order, then insertion order within a shard).
 */
/** Cached: a global lookup per call is slow in hot loops (and very slow under jest's vm context). */
const imul = Math.imul;

const SHARDS = 64;

function shardOf(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = imul(h ^ key.charCodeAt(i), 0x01000193);
  return (h >>> 0) & (SHARDS - 1);
}

const EMPTY_SHARD: ReadonlyMap<string, any> = new Map<string, any>();

export class PMap<V> {
  private constructor(private readonly shards: readonly ReadonlyMap<string, V>[], readonly size: number) {}

  static empty<V>(): PMap<V> {
    return new PMap<V>(new Array(SHARDS).fill(EMPTY_SHARD), 0);
  }

  get(key: string): V | undefined {
    return this.shards[shardOf(key)].get(key);
  }

  has(key: string): boolean {
    return this.shards[shardOf(key)].has(key);
  }

  set(key: string, value: V): PMap<V> {
    const i = shardOf(key);
    const old = this.shards[i];
    if (old.get(key) === value) return this;
    const shard = new Map(old);
    shard.set(key, value);
    const shards = this.shards.slice();
    shards[i] = shard;
    return new PMap(shards, this.size + (old.has(key) ? 0 : 1));
  }

  delete(key: string): PMap<V> {
    const i = shardOf(key);
    const old = this.shards[i];
    if (!old.has(key)) return this;
    const shard = new Map(old);
    shard.delete(key);
    const shards = this.shards.slice();
    shards[i] = shard.size === 0 ? EMPTY_SHARD : shard;
    return new PMap(shards, this.size - 1);
  }

  *entries(): IterableIterator<[string, V]> {
    for (const s of this.shards) yield* s.entries();
  }

  /** Entries sorted by key: for canonical encodings. */
  sortedEntries(): [string, V][] {
    return [...this.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  }
}
