/**
 * Hash-consing for explorer models (proofs-notes/explorer.md, "Interned states"): a reusable
 * layer that lets a model keep a global state as a short tuple of small integers instead of
 * a tree of machine objects.
 *
 *  - `Interner`: a canonical key (a component's canonical encoding) -> a dense id, with the
 *    first object seen under that key kept as the representative;
 *  - `IntPairMap`: (int, int) -> int, for memoising component transitions
 *    ((componentId, inputId) -> result index) and small joins ((historyId, ledgerId) -> ...);
 *  - `FreshIds` + `ItemTable`: interned items whose encodings may contain fresh ids written
 *    as `⟨namespace:number⟩` tokens (request ids, query ids); each item gets a skeleton (the
 *    encoding with the numbers taken out) and its token list, so a whole tuple can be
 *    fingerprinted up to an order-preserving renaming of fresh ids per namespace;
 *  - `TupleHasher`: the 64-bit fingerprint of a tuple laid out as a fixed head (plain ints,
 *    interned items, or payload the fingerprint skips) followed by multisets ("bags") of
 *    interned items, hashed order-independently (no sort).
 *
 * Nothing here knows about CRAQ: core/check/craq-model.ts builds on it, and any model whose
 * machines are deterministic pure step functions (system-model.ts) can do the same.
 */
const imul = Math.imul;

/** Canonical key -> dense id; the first value interned under a key is its representative. */
export class Interner<T> {
  private readonly byKey = new Map<string, number>();
  readonly reps: T[] = [];
  readonly keys: string[] = [];
  get size(): number {
    return this.reps.length;
  }
  /** The id of `key`, adding `rep` as its representative when the key is new. */
  intern(key: string, rep: T): number {
    let id = this.byKey.get(key);
    if (id === undefined) {
      id = this.reps.length;
      this.byKey.set(key, id);
      this.reps.push(rep);
      this.keys.push(key);
    }
    return id;
  }
  lookup(key: string): number | undefined {
    return this.byKey.get(key);
  }
}

/**
 * Open-addressing map from a pair of non-negative int32 to an int32 (linear probing, load at
 * most 1/2, three Int32Arrays). `get` returns -1 when absent, so stored values should be >= 0
 * (encode anything else, e.g. -1-x, on the caller's side and keep -1 free).
 */
export class IntPairMap {
  private ka: Int32Array;
  private kb: Int32Array;
  private vals: Int32Array;
  private mask: number;
  size = 0;
  constructor(capacityPow2 = 1 << 10) {
    this.ka = new Int32Array(capacityPow2).fill(-1);
    this.kb = new Int32Array(capacityPow2);
    this.vals = new Int32Array(capacityPow2);
    this.mask = capacityPow2 - 1;
  }
  get bytes(): number {
    return this.ka.byteLength * 3;
  }
  get(a: number, b: number): number {
    const ka = this.ka;
    const mask = this.mask;
    let i = pairSlot(a, b) & mask;
    for (;;) {
      const x = ka[i];
      if (x === -1) return -1;
      if (x === a && this.kb[i] === b) return this.vals[i];
      i = (i + 1) & mask;
    }
  }
  set(a: number, b: number, v: number): void {
    if ((this.size + 1) * 2 > this.ka.length) this.grow();
    const ka = this.ka;
    let i = pairSlot(a, b) & this.mask;
    for (;;) {
      const x = ka[i];
      if (x === -1) {
        ka[i] = a;
        this.kb[i] = b;
        this.vals[i] = v;
        this.size++;
        return;
      }
      if (x === a && this.kb[i] === b) {
        this.vals[i] = v;
        return;
      }
      i = (i + 1) & this.mask;
    }
  }
  private grow(): void {
    const { ka, kb, vals } = this;
    const n = ka.length * 2;
    this.ka = new Int32Array(n).fill(-1);
    this.kb = new Int32Array(n);
    this.vals = new Int32Array(n);
    this.mask = n - 1;
    this.size = 0;
    for (let j = 0; j < ka.length; j++) if (ka[j] !== -1) this.set(ka[j], kb[j], vals[j]);
  }
}

function pairSlot(a: number, b: number): number {
  let h = imul(a, 0x9e3779b1) ^ imul(b + 0x7f4a7c15, 0x85ebca6b);
  h ^= h >>> 15;
  h = imul(h, 0x2c1b3c6d);
  h ^= h >>> 12;
  return h;
}

// ---------------------------------------------------------------- fresh ids

/**
 * Fresh-id tokens `⟨ns:number⟩` in canonical encodings. Namespaces get small ints (shared by
 * every table of one model, so a namespace means the same thing everywhere in a tuple).
 */
export class FreshIds {
  private readonly ns = new Map<string, number>();
  /** `token` must be a global regex with two groups: the namespace and the decimal id. */
  constructor(private readonly token: RegExp = /⟨([^:⟩]+):(\d+)⟩/g) {}
  /** The encoding with every id taken out, and the (namespace, id) pairs in order; null when none. */
  parse(enc: string): { skeleton: string; tokens: Int32Array | null } {
    if (!enc.includes('⟨')) return { skeleton: enc, tokens: null };
    const toks: number[] = [];
    const skeleton = enc.replace(this.token, (_t, ns: string, id: string) => {
      let n = this.ns.get(ns);
      if (n === undefined) {
        n = this.ns.size;
        this.ns.set(ns, n);
      }
      toks.push(n, Number(id));
      return `⟨${ns}⟩`;
    });
    return { skeleton, tokens: toks.length > 0 ? Int32Array.from(toks) : null };
  }
}

/**
 * Interned items (component states, messages) with what a fingerprint needs: a skeleton id
 * per item (equal skeletons = equal up to the fresh ids), the item's tokens, and two
 * precomputed 32-bit hashes of the skeleton for token-free items in bags.
 */
export class ItemTable<T> extends Interner<T> {
  private readonly skels = new Map<string, number>();
  readonly skel: number[] = [];
  readonly tokens: (Int32Array | null)[] = [];
  readonly e1: number[] = [];
  readonly e2: number[] = [];
  /** As e1/e2 with every fresh id ranked 0 (the common case: one id per namespace in the tuple). */
  readonly z1: number[] = [];
  readonly z2: number[] = [];
  constructor(private readonly fresh: FreshIds | null) {
    super();
  }
  /**
   * `canonical` (default: the key) is what fingerprints see of the item: its skeleton and
   * fresh ids. A key may say more (e.g. a machine's fresh-id counters, so the representative
   * is exact) as long as items with equal canonical strings are interchangeable in a state.
   */
  override intern(key: string, rep: T, canonical: string = key): number {
    const n = this.size;
    const id = super.intern(key, rep);
    if (id === n) {
      const p = this.fresh ? this.fresh.parse(canonical) : { skeleton: canonical, tokens: null };
      let sk = this.skels.get(p.skeleton);
      if (sk === undefined) {
        sk = this.skels.size;
        this.skels.set(p.skeleton, sk);
      }
      this.skel.push(sk);
      this.tokens.push(p.tokens);
      this.e1.push(bagHash1(sk));
      this.e2.push(bagHash2(sk));
      let z1 = mixA(0x3c6ef372, sk);
      let z2 = mixB(0x1f83d9ab, sk);
      for (let j = 0; p.tokens !== null && j < p.tokens.length; j += 2) {
        z1 = mixA(z1, 0);
        z2 = mixB(z2, 0);
      }
      this.z1.push(fmix(z1));
      this.z2.push(fmix(z2));
    }
    return id;
  }
}

// ---------------------------------------------------------------- tuple fingerprints

/** Two independent 32-bit streams (murmur3-style block mixes with different constants). */
function mixA(h: number, v: number): number {
  let k = imul(v, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  h ^= imul(k, 0x1b873593);
  h = (h << 13) | (h >>> 19);
  return (imul(h, 5) + 0xe6546b64) | 0;
}
function mixB(h: number, v: number): number {
  let k = imul(v ^ 0x5bd1e995, 0x85ebca77);
  k = (k << 13) | (k >>> 19);
  h ^= imul(k, 0xc2b2ae3d);
  h = (h << 17) | (h >>> 15);
  return (imul(h, 9) + 0x27d4eb2f) | 0;
}
function fmix(h: number): number {
  h ^= h >>> 16;
  h = imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h;
}
const bagHash1 = (sk: number) => fmix(mixA(0x3c6ef372, sk));
const bagHash2 = (sk: number) => fmix(mixB(0x1f83d9ab, sk));

/** What a head position of a tuple holds. */
export type HeadRole = 'plain' | 'skip' | ItemTable<unknown>;

/**
 * Fingerprints of int tuples: `head.length` fixed positions, then one bag per entry of
 * `bags` (each but the last prefixed with its length; the last runs to the end of the
 * tuple). The fingerprint identifies tuples up to (a) the order of each bag and (b) an
 * order-preserving renaming of fresh ids within each namespace, applied to the whole tuple at
 * once (ids are ranked among the distinct ids of their namespace present in the tuple), and
 * nothing else: plain positions by value, items by skeleton plus the ranks of their ids.
 */
export class TupleHasher {
  private readonly roles: (ItemTable<unknown> | null)[];
  private readonly skip: boolean[];
  /** Per head position: 0 plain, 1 skipped, 2 item. */
  private readonly kinds: number[];
  // scratch: the distinct (namespace, id) pairs of the tuple being hashed
  private uNs = new Int32Array(64);
  private uId = new Int32Array(64);
  private uRank = new Int32Array(64);
  private nU = 0;
  /** Every namespace holds one distinct id: every rank is 0. */
  private allZero = true;
  constructor(
    head: readonly HeadRole[],
    private readonly bags: readonly ItemTable<unknown>[],
  ) {
    this.roles = head.map((r) => (typeof r === 'string' ? null : r));
    this.skip = head.map((r) => r === 'skip');
    this.kinds = head.map((r) => (r === 'plain' ? 0 : r === 'skip' ? 1 : 2));
  }

  /**
   * Writes the 64-bit fingerprint of the first `len` ints of `t` to out[0] (high) and out[1]
   * (low). Tuples none of whose items carries a fresh id (the common case) take one pass.
   */
  fingerprint(t: ArrayLike<number>, out: Int32Array, len = t.length): void {
    const kinds = this.kinds;
    const roles = this.roles;
    const H = kinds.length;
    let h1 = 0x510e527f | 0;
    let h2 = 0x9b05688c | 0;
    for (let p = 0; p < H; p++) {
      const k = kinds[p];
      if (k === 1) continue;
      let v = t[p];
      if (k === 2) {
        const tab = roles[p]!;
        if (tab.tokens[v] !== null) return this.withIds(t, out, len);
        v = tab.skel[v];
      }
      h1 = mixA(h1, v);
      h2 = mixB(h2, v);
    }
    let pos = H;
    const nb = this.bags.length;
    for (let b = 0; b < nb; b++) {
      const tab = this.bags[b];
      const end = b === nb - 1 ? len : pos + 1 + t[pos];
      if (b < nb - 1) pos++;
      let s1 = 0;
      let s2 = 0;
      for (let i = pos; i < end; i++) {
        const id = t[i];
        if (tab.tokens[id] !== null) return this.withIds(t, out, len);
        s1 = (s1 + tab.e1[id]) | 0;
        s2 = (s2 + tab.e2[id]) | 0;
      }
      const n = end - pos;
      h1 = mixA(mixA(h1, n), s1);
      h2 = mixB(mixB(h2, n), s2);
      pos = end;
    }
    out[0] = fmix(h1 ^ len);
    out[1] = fmix(h2 ^ imul(len, 0x9e3779b1));
  }

  /** The general case: items by skeleton plus the ranks of their fresh ids. */
  private withIds(t: ArrayLike<number>, out: Int32Array, len: number): void {
    const roles = this.roles;
    const H = roles.length;
    // pass 1: gather fresh ids, if any item carries one
    this.nU = 0;
    for (let p = 0; p < H; p++) {
      const tab = roles[p];
      if (tab !== null) {
        const tok = tab.tokens[t[p]];
        if (tok !== null) this.gather(tok);
      }
    }
    let pos = H;
    for (let b = 0; b < this.bags.length; b++) {
      const tab = this.bags[b];
      const end = b === this.bags.length - 1 ? len : pos + 1 + t[pos];
      if (b < this.bags.length - 1) pos++;
      for (let i = pos; i < end; i++) {
        const tok = tab.tokens[t[i]];
        if (tok !== null) this.gather(tok);
      }
      pos = end;
    }
    // the rank of each distinct id, once
    const nU = this.nU;
    let allZero = true;
    for (let k = 0; k < nU; k++) {
      let r = 0;
      for (let m = 0; m < nU; m++) if (this.uNs[m] === this.uNs[k] && this.uId[m] < this.uId[k]) r++;
      this.uRank[k] = r;
      if (r !== 0) allZero = false;
    }
    this.allZero = allZero;
    // pass 2: two hash streams
    let h1 = 0x6a09e667 | 0;
    let h2 = 0xbb67ae85 | 0;
    const skip = this.skip;
    for (let p = 0; p < H; p++) {
      const tab = roles[p];
      if (tab === null) {
        if (skip[p]) continue;
        const v = t[p];
        h1 = mixA(h1, v);
        h2 = mixB(h2, v);
        continue;
      }
      const id = t[p];
      const sk = tab.skel[id];
      h1 = mixA(h1, sk);
      h2 = mixB(h2, sk);
      const tok = tab.tokens[id];
      if (tok !== null)
        for (let j = 0; j < tok.length; j += 2) {
          const r = this.rank(tok[j], tok[j + 1]);
          h1 = mixA(h1, r);
          h2 = mixB(h2, r);
        }
    }
    pos = H;
    for (let b = 0; b < this.bags.length; b++) {
      const tab = this.bags[b];
      const end = b === this.bags.length - 1 ? len : pos + 1 + t[pos];
      if (b < this.bags.length - 1) pos++;
      let s1 = 0;
      let s2 = 0;
      for (let i = pos; i < end; i++) {
        const id = t[i];
        const tok = tab.tokens[id];
        if (tok === null) {
          s1 = (s1 + tab.e1[id]) | 0;
          s2 = (s2 + tab.e2[id]) | 0;
        } else if (allZero) {
          s1 = (s1 + tab.z1[id]) | 0;
          s2 = (s2 + tab.z2[id]) | 0;
        } else {
          const sk = tab.skel[id];
          let e1 = mixA(0x3c6ef372, sk);
          let e2 = mixB(0x1f83d9ab, sk);
          for (let j = 0; j < tok.length; j += 2) {
            const r = this.rank(tok[j], tok[j + 1]);
            e1 = mixA(e1, r);
            e2 = mixB(e2, r);
          }
          s1 = (s1 + fmix(e1)) | 0;
          s2 = (s2 + fmix(e2)) | 0;
        }
      }
      const n = end - pos;
      h1 = mixA(mixA(h1, n), s1);
      h2 = mixB(mixB(h2, n), s2);
      pos = end;
    }
    out[0] = fmix(h1 ^ len);
    out[1] = fmix(h2 ^ imul(len, 0x9e3779b1));
  }

  private gather(tok: Int32Array): void {
    for (let j = 0; j < tok.length; j += 2) {
      const ns = tok[j];
      const id = tok[j + 1];
      let k = 0;
      while (k < this.nU && !(this.uNs[k] === ns && this.uId[k] === id)) k++;
      if (k < this.nU) continue;
      if (this.nU === this.uNs.length) {
        const a = new Int32Array(this.nU * 2);
        a.set(this.uNs);
        this.uNs = a;
        const b = new Int32Array(this.nU * 2);
        b.set(this.uId);
        this.uId = b;
        this.uRank = new Int32Array(this.nU * 2);
      }
      this.uNs[this.nU] = ns;
      this.uId[this.nU++] = id;
    }
  }

  /** Rank of `id` among the distinct ids of namespace `ns` in the tuple (0 = smallest). */
  private rank(ns: number, id: number): number {
    if (this.allZero) return 0;
    for (let k = 0; k < this.nU; k++) if (this.uNs[k] === ns && this.uId[k] === id) return this.uRank[k];
    throw new Error('TupleHasher: an id that was not gathered');
  }
}
