/**
 * 64-bit state fingerprints as two independent 32-bit hashes of a canonical string.
 * h1: FNV-1a over UTF-16 code units; h2: a murmur3-style mix with a different seed.
 * Collision risk accepted: for n stored states the chance that any two distinct states
 * share a fingerprint is about n^2 / 2^65 (1e7 states: ~3e-6). A collision can only hide
 * states (make a search less complete), never report a false violation.
 */
/** Cached: a global lookup per call is slow in hot loops (and very slow under jest's vm context). */
const imul = Math.imul;

export function hash64(s: string): [number, number] {
  let h1 = 0x811c9dc5 | 0;
  let h2 = 0x9747b28c | 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h1 = imul(h1 ^ c, 0x01000193);
    let k = imul(c, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = imul(k, 0x1b873593);
    h2 ^= k;
    h2 = (h2 << 13) | (h2 >>> 19);
    h2 = (imul(h2, 5) + 0xe6546b64) | 0;
  }
  h2 ^= s.length;
  h2 ^= h2 >>> 16;
  h2 = imul(h2, 0x85ebca6b);
  h2 ^= h2 >>> 13;
  h2 = imul(h2, 0xc2b2ae35);
  h2 ^= h2 >>> 16;
  h1 ^= h1 >>> 15;
  h1 = imul(h1, 0x2c1b3c6d);
  h1 ^= h1 >>> 12;
  return [h1 >>> 0, h2 >>> 0];
}

/**
 * Open-addressing set of 64-bit fingerprints (two Uint32Arrays, linear probing, load <= 0.5).
 * `add` returns the dense id of a new fingerprint, or -1-id of an existing one.
 * Memory: 16 bytes of table per slot at load 0.5 → about 16-32 bytes per stored state, plus
 * 4 bytes of id.
 */
export class FingerprintSet {
  private hi: Uint32Array;
  private lo: Uint32Array;
  private ids: Int32Array;
  private mask: number;
  size = 0;
  constructor(capacityPow2 = 1 << 16) {
    this.hi = new Uint32Array(capacityPow2);
    this.lo = new Uint32Array(capacityPow2);
    this.ids = new Int32Array(capacityPow2).fill(-1);
    this.mask = capacityPow2 - 1;
  }
  get bytes(): number {
    return this.hi.byteLength + this.lo.byteLength + this.ids.byteLength;
  }
  add(h: number, l: number): number {
    if ((this.size + 1) * 2 > this.hi.length) this.grow();
    let i = (h ^ imul(l, 0x9e3779b1)) & this.mask;
    for (;;) {
      const id = this.ids[i];
      if (id === -1) {
        this.hi[i] = h;
        this.lo[i] = l;
        this.ids[i] = this.size;
        return this.size++;
      }
      if (this.hi[i] === h && this.lo[i] === l) return -1 - id;
      i = (i + 1) & this.mask;
    }
  }
  private grow(): void {
    const { hi, lo, ids } = this;
    const n = hi.length * 2;
    this.hi = new Uint32Array(n);
    this.lo = new Uint32Array(n);
    this.ids = new Int32Array(n).fill(-1);
    this.mask = n - 1;
    for (let j = 0; j < hi.length; j++) {
      if (ids[j] === -1) continue;
      let i = (hi[j] ^ imul(lo[j], 0x9e3779b1)) & this.mask;
      while (this.ids[i] !== -1) i = (i + 1) & this.mask;
      this.hi[i] = hi[j];
      this.lo[i] = lo[j];
      this.ids[i] = ids[j];
    }
  }
}

/** Growable Int32 column. */
export class IntColumn {
  private a = new Int32Array(1 << 16);
  length = 0;
  push(x: number): void {
    if (this.length === this.a.length) {
      const b = new Int32Array(this.a.length * 2);
      b.set(this.a);
      this.a = b;
    }
    this.a[this.length++] = x;
  }
  get(i: number): number {
    return this.a[i];
  }
  set(i: number, x: number): void {
    this.a[i] = x;
  }
  get bytes(): number {
    return this.a.byteLength;
  }
}
