/**
 * A persistent (immutable, structurally shared) string-keyed map: a hash array mapped trie
 * (HAMT, Bagwell 2001; the node layout of Clojure's PersistentHashMap). 32-way bitmap nodes,
 * 5 hash bits per level, full 32-bit hash collisions in collision nodes.
 *
 * Costs, for n entries: `get` O(log32 n) (at most 7 levels); `set`/`delete` copy the path
 * from the root to the entry, O(32 log32 n) words; iteration O(n log n) (it sorts, below).
 * Old versions stay valid and unchanged, which the model checker relies on (it keeps old
 * states and re-steps them).
 *
 * Iteration order is insertion order, exactly as a JS `Map`: a key keeps its place when its
 * value is replaced, and a deleted key that comes back goes to the end. Every entry carries
 * its insertion sequence number; iteration collects and sorts by it. (Protocol code iterates
 * locks in order on ticks, and seeded simulations must replay identically.)
 *
 * Transient edits: `set(k, v, owner)` / `delete(k, owner)` with an `owner` token (any fresh
 * object) copy a node the first time, stamp the copy with the owner, and edit owned nodes in
 * place afterwards; the map object itself is edited in place once it is owned. A machine
 * step makes one token, does all of its edits through it and then drops it, so k edits in
 * one step cost one path copy, not k, and every map reachable from an earlier state (never
 * owned by this step's token) is untouched. Without a token every edit is persistent.
 *
 * Implements `ReadonlyMap`, so code that only reads (encoders, tests) sees a Map.
 */
/** Cached: a global lookup per call is slow in hot loops (and very slow under jest's vm context). */
const imul = Math.imul;

/** The last two keys hashed: a step looks up the same chunk key (and the same retry key) again and again. */
let k0 = '';
let h0 = hashString('');
let k1 = '';
let h1 = h0;

function hashOf(key: string): number {
  if (key === k0) return h0;
  if (key === k1) return h1;
  const h = hashString(key);
  k1 = k0;
  h1 = h0;
  k0 = key;
  h0 = h;
  return h;
}

function hashString(key: string): number {
  // FNV-1a, then murmur3's finaliser so every bit of the key reaches the low bits
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = imul(h ^ key.charCodeAt(i), 0x01000193);
  h ^= h >>> 16;
  h = imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h | 0;
}

function popcount(x: number): number {
  x = x - ((x >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
}

type Owner = object | null;

/**
 * A trie node. Entries are stride-3 triples in `arr`: (key, value, seq) for an entry, or
 * (null, child node, 0) for a subtree. A bitmap node (coll === false) holds one triple per
 * set bit of `bitmap`, in bit order; a collision node (coll === true) holds entries whose
 * keys all hash to `hash`, unordered.
 */
class Node {
  constructor(
    public bitmap: number,
    public arr: unknown[],
    public owner: Owner,
    readonly coll: boolean,
    readonly hash: number,
  ) {}
}

const EMPTY_NODE = new Node(0, [], null, false, 0);

function editable(n: Node, owner: Owner): Node {
  if (owner !== null && n.owner === owner) return n;
  return new Node(n.bitmap, n.arr.slice(), owner, n.coll, n.hash);
}

/**
 * Set by `setIn`/`deleteIn`: whether the operation changed anything, and whether it added /
 * removed an entry. (With an owner the root can be edited in place, so identity does not tell.)
 */
let changed = false;
let changedSize = false;

function getIn(node: Node, hash: number, key: string, notFound: unknown): unknown {
  let n = node;
  let shift = 0;
  for (;;) {
    if (n.coll) {
      if (n.hash !== hash) return notFound;
      const a = n.arr;
      for (let i = 0; i < a.length; i += 3) if (a[i] === key) return a[i + 1];
      return notFound;
    }
    const bit = 1 << ((hash >>> shift) & 31);
    if ((n.bitmap & bit) === 0) return notFound;
    const i = popcount(n.bitmap & (bit - 1)) * 3;
    const k = n.arr[i];
    if (k === null) {
      n = n.arr[i + 1] as Node;
      shift += 5;
      continue;
    }
    return k === key ? n.arr[i + 1] : notFound;
  }
}

const NOT_FOUND: unique symbol = Symbol('absent');

/** A subtree at `shift` holding two entries whose keys differ. */
function pair(shift: number, h1: number, k1: string, v1: unknown, s1: number, h2: number, k2: string, v2: unknown, s2: number, owner: Owner): Node {
  if (h1 === h2) return new Node(0, [k1, v1, s1, k2, v2, s2], owner, true, h1);
  const b1 = (h1 >>> shift) & 31;
  const b2 = (h2 >>> shift) & 31;
  // two different 32-bit hashes differ in some bit, so they part by shift 30 (the last level)
  if (b1 === b2) return new Node(1 << b1, [null, pair(shift + 5, h1, k1, v1, s1, h2, k2, v2, s2, owner), 0], owner, false, 0);
  return new Node((1 << b1) | (1 << b2), b1 < b2 ? [k1, v1, s1, k2, v2, s2] : [k2, v2, s2, k1, v1, s1], owner, false, 0);
}

function setIn(n: Node, shift: number, hash: number, key: string, value: unknown, seq: number, owner: Owner): Node {
  if (n.coll) {
    if (n.hash !== hash) {
      // a key that shares this collision node's hash prefix but not its hash: add a level
      const wrap = new Node(1 << ((n.hash >>> shift) & 31), [null, n, 0], owner, false, 0);
      return setIn(wrap, shift, hash, key, value, seq, owner);
    }
    const a = n.arr;
    for (let i = 0; i < a.length; i += 3) {
      if (a[i] !== key) continue;
      if (a[i + 1] === value) return n;
      const e = editable(n, owner);
      e.arr[i + 1] = value;
      changed = true;
      return e;
    }
    const e = editable(n, owner);
    e.arr.push(key, value, seq);
    changed = changedSize = true;
    return e;
  }
  const bit = 1 << ((hash >>> shift) & 31);
  const i = popcount(n.bitmap & (bit - 1)) * 3;
  if ((n.bitmap & bit) === 0) {
    changed = changedSize = true;
    if (owner !== null && n.owner === owner) {
      n.arr.splice(i, 0, key, value, seq);
      n.bitmap |= bit;
      return n;
    }
    // one pass: copy around the gap
    const a = n.arr;
    const len = a.length;
    const out: unknown[] = new Array(len + 3);
    for (let j = 0; j < i; j++) out[j] = a[j];
    out[i] = key;
    out[i + 1] = value;
    out[i + 2] = seq;
    for (let j = i; j < len; j++) out[j + 3] = a[j];
    return new Node(n.bitmap | bit, out, owner, false, 0);
  }
  const k = n.arr[i];
  if (k === null) {
    const child = n.arr[i + 1] as Node;
    const c = setIn(child, shift + 5, hash, key, value, seq, owner);
    if (c === child) return n;
    const e = editable(n, owner);
    e.arr[i + 1] = c;
    return e;
  }
  if (k === key) {
    if (n.arr[i + 1] === value) return n;
    const e = editable(n, owner);
    e.arr[i + 1] = value;
    changed = true;
    return e;
  }
  const sub = pair(shift + 5, hashOf(k as string), k as string, n.arr[i + 1], n.arr[i + 2] as number, hash, key, value, seq, owner);
  const e = editable(n, owner);
  e.arr[i] = null;
  e.arr[i + 1] = sub;
  e.arr[i + 2] = 0;
  changed = changedSize = true;
  return e;
}

/** The node without `key`; null when it becomes empty. */
function deleteIn(n: Node, shift: number, hash: number, key: string, owner: Owner): Node | null {
  if (n.coll) {
    if (n.hash !== hash) return n;
    const a = n.arr;
    for (let i = 0; i < a.length; i += 3) {
      if (a[i] !== key) continue;
      changed = changedSize = true;
      if (a.length === 3) return null;
      const e = editable(n, owner);
      e.arr.splice(i, 3);
      return e;
    }
    return n;
  }
  const bit = 1 << ((hash >>> shift) & 31);
  if ((n.bitmap & bit) === 0) return n;
  const i = popcount(n.bitmap & (bit - 1)) * 3;
  const k = n.arr[i];
  if (k === null) {
    const child = n.arr[i + 1] as Node;
    const c = deleteIn(child, shift + 5, hash, key, owner);
    if (c === child) return n;
    const e = editable(n, owner);
    if (c === null) {
      e.arr.splice(i, 3);
      e.bitmap &= ~bit;
      return e.bitmap === 0 ? null : e;
    }
    if (c.arr.length === 3 && c.arr[0] !== null) {
      // a subtree left with one entry: pull the entry up (keeps paths short)
      e.arr[i] = c.arr[0];
      e.arr[i + 1] = c.arr[1];
      e.arr[i + 2] = c.arr[2];
    } else e.arr[i + 1] = c;
    return e;
  }
  if (k !== key) return n;
  changed = changedSize = true;
  if (n.arr.length === 3) return null;
  if (owner !== null && n.owner === owner) {
    n.arr.splice(i, 3);
    n.bitmap &= ~bit;
    return n;
  }
  const a = n.arr;
  const len = a.length;
  const out: unknown[] = new Array(len - 3);
  for (let j = 0; j < i; j++) out[j] = a[j];
  for (let j = i + 3; j < len; j++) out[j - 3] = a[j];
  return new Node(n.bitmap & ~bit, out, owner, false, 0);
}

/** Every entry as (key, value, seq) triples, flattened, in trie order. */
function collect(n: Node, out: unknown[]): void {
  const a = n.arr;
  for (let i = 0; i < a.length; i += 3) {
    if (a[i] === null) collect(a[i + 1] as Node, out);
    else out.push(a[i], a[i + 1], a[i + 2]);
  }
}

export class PMap<V, K extends string = string> implements ReadonlyMap<K, V> {
  private constructor(
    private root: Node,
    private count: number,
    /** Insertion sequence number for the next new key. */
    private nextSeq: number,
    private owner: Owner,
  ) {}

  static empty<V, K extends string = string>(): PMap<V, K> {
    return new PMap<V, K>(EMPTY_NODE, 0, 0, null);
  }

  /**
   * A map of `entries` (later duplicates win, at the first one's place), built with one
   * owner: `owner` when given (the caller goes on editing it in place), else a private one.
   */
  static from<V, K extends string = string>(entries: Iterable<readonly [K, V]>, owner?: object): PMap<V, K> {
    const own = owner ?? {};
    let m = PMap.empty<V, K>();
    for (const [k, v] of entries) m = m.set(k, v, own);
    if (m.count === 0) return new PMap<V, K>(EMPTY_NODE, 0, 0, owner ?? null);
    if (owner === undefined) m.owner = null;
    return m;
  }

  get size(): number {
    return this.count;
  }

  get(key: K): V | undefined {
    return getIn(this.root, hashOf(key), key, undefined) as V | undefined;
  }

  has(key: K): boolean {
    return getIn(this.root, hashOf(key), key, NOT_FOUND) !== NOT_FOUND;
  }

  /** The map with `key` -> `value`; `this` when it already maps key to that very value. */
  set(key: K, value: V, owner?: object): PMap<V, K> {
    const own = owner ?? null;
    changed = changedSize = false;
    const root = setIn(this.root, 0, hashOf(key), key, value, this.nextSeq, own);
    if (!changed) return this;
    const added = changedSize;
    if (own !== null && this.owner === own) {
      this.root = root;
      if (added) {
        this.count++;
        this.nextSeq++;
      }
      return this;
    }
    return new PMap<V, K>(root, added ? this.count + 1 : this.count, added ? this.nextSeq + 1 : this.nextSeq, own);
  }

  delete(key: K, owner?: object): PMap<V, K> {
    const own = owner ?? null;
    changed = changedSize = false;
    const root = deleteIn(this.root, 0, hashOf(key), key, own) ?? EMPTY_NODE;
    if (!changed) return this;
    if (own !== null && this.owner === own) {
      this.root = root;
      this.count--;
      return this;
    }
    return new PMap<V, K>(root, this.count - 1, this.nextSeq, own);
  }

  /** (key, value, seq) triples in insertion order. */
  private ordered(): unknown[] {
    const flat: unknown[] = [];
    collect(this.root, flat);
    const n = flat.length / 3;
    const idx: number[] = new Array(n);
    for (let i = 0; i < n; i++) idx[i] = i * 3;
    idx.sort((a, b) => (flat[a + 2] as number) - (flat[b + 2] as number));
    const out: unknown[] = new Array(flat.length);
    for (let i = 0; i < n; i++) {
      out[i * 3] = flat[idx[i]];
      out[i * 3 + 1] = flat[idx[i] + 1];
      out[i * 3 + 2] = flat[idx[i] + 2];
    }
    return out;
  }

  forEach(cb: (value: V, key: K, map: ReadonlyMap<K, V>) => void): void {
    const o = this.ordered();
    for (let i = 0; i < o.length; i += 3) cb(o[i + 1] as V, o[i] as K, this);
  }

  entries(): MapIterator<[K, V]> {
    const o = this.ordered();
    const out: [K, V][] = [];
    for (let i = 0; i < o.length; i += 3) out.push([o[i] as K, o[i + 1] as V]);
    return out.values();
  }

  keys(): MapIterator<K> {
    const o = this.ordered();
    const out: K[] = [];
    for (let i = 0; i < o.length; i += 3) out.push(o[i] as K);
    return out.values();
  }

  values(): MapIterator<V> {
    const o = this.ordered();
    const out: V[] = [];
    for (let i = 0; i < o.length; i += 3) out.push(o[i + 1] as V);
    return out.values();
  }

  [Symbol.iterator](): MapIterator<[K, V]> {
    return this.entries();
  }

  /** Entries sorted by key: for canonical encodings. */
  sortedEntries(): [K, V][] {
    const flat: unknown[] = [];
    collect(this.root, flat);
    const out: [K, V][] = [];
    for (let i = 0; i < flat.length; i += 3) out.push([flat[i] as K, flat[i + 1] as V]);
    return out.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  }
}
