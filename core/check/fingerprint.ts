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

/** `hash64` without the array: writes h1 to out[0] and h2 to out[1]. */
export function hash64Into(s: string, out: Int32Array): void {
  const [h, l] = hash64(s);
  out[0] = h;
  out[1] = l;
}

const CHUNK_BITS = 16;
const CHUNK = 1 << CHUNK_BITS;
const CHUNK_MASK = CHUNK - 1;

/**
 * Open-addressing set of 64-bit fingerprints. The fingerprints themselves live in one dense
 * per-id array, (high, low) pairs (8 bytes per stored state, grown by half); the table holds
 * only ids (4 bytes per slot, linear probing, load at most 1/2, so 8 to 16 bytes per stored
 * state). `add` returns the dense id of a new fingerprint, or -1-id of an existing one.
 */
export class FingerprintSet {
  private table: Int32Array;
  private mask: number;
  private fps: Int32Array;
  size = 0;
  constructor(capacityPow2 = 1 << 16) {
    this.table = new Int32Array(capacityPow2).fill(-1);
    this.mask = capacityPow2 - 1;
    this.fps = new Int32Array(capacityPow2 >>> 1);
  }
  get bytes(): number {
    return this.table.byteLength + this.fps.byteLength;
  }
  add(h: number, l: number): number {
    if ((this.size + 1) * 2 > this.table.length) this.grow();
    const table = this.table;
    const mask = this.mask;
    const fps = this.fps;
    h |= 0;
    l |= 0;
    let i = (h ^ imul(l, 0x9e3779b1)) & mask;
    for (;;) {
      const id = table[i];
      if (id === -1) {
        const n = this.size;
        table[i] = n;
        if (2 * n + 2 > fps.length) this.widen();
        this.fps[2 * n] = h;
        this.fps[2 * n + 1] = l;
        return this.size++;
      }
      if (fps[2 * id] === h && fps[2 * id + 1] === l) return -1 - id;
      i = (i + 1) & mask;
    }
  }
  private grow(): void {
    const n = this.table.length * 2;
    const table = new Int32Array(n).fill(-1);
    const mask = n - 1;
    const fps = this.fps;
    for (let id = 0; id < this.size; id++) {
      let i = (fps[2 * id] ^ imul(fps[2 * id + 1], 0x9e3779b1)) & mask;
      while (table[i] !== -1) i = (i + 1) & mask;
      table[i] = id;
    }
    this.table = table;
    this.mask = mask;
  }
  private widen(): void {
    const fps = new Int32Array(Math.ceil(this.fps.length * 0.75) * 2);
    fps.set(this.fps);
    this.fps = fps;
  }
}

/** Growable Int32 column in fixed chunks of 65,536 (no copying on growth, at most one chunk of slack). */
export class IntColumn {
  private readonly chunks: Int32Array[] = [];
  length = 0;
  push(x: number): void {
    const c = this.length >>> CHUNK_BITS;
    if (c === this.chunks.length) this.chunks.push(new Int32Array(CHUNK));
    this.chunks[c][this.length & CHUNK_MASK] = x;
    this.length++;
  }
  get(i: number): number {
    return this.chunks[i >>> CHUNK_BITS][i & CHUNK_MASK];
  }
  set(i: number, x: number): void {
    this.chunks[i >>> CHUNK_BITS][i & CHUNK_MASK] = x;
  }
  get bytes(): number {
    return this.chunks.length * CHUNK * 4;
  }
}

/**
 * A column of small non-negative ints (action indices, depths): one byte per entry until a
 * value needs more, then two, then four (the whole column is widened once).
 */
export class SmallColumn {
  private chunks: (Uint8Array | Uint16Array | Int32Array)[] = [];
  private width: 1 | 2 | 4 = 1;
  length = 0;
  push(x: number): void {
    if (x > 0xffff || x < 0) this.widen(4);
    else if (x > 0xff && this.width === 1) this.widen(2);
    const c = this.length >>> CHUNK_BITS;
    if (c === this.chunks.length) this.chunks.push(this.alloc());
    this.chunks[c][this.length & CHUNK_MASK] = x;
    this.length++;
  }
  get(i: number): number {
    return this.chunks[i >>> CHUNK_BITS][i & CHUNK_MASK];
  }
  get bytes(): number {
    return this.chunks.length * CHUNK * this.width;
  }
  private alloc(): Uint8Array | Uint16Array | Int32Array {
    return this.width === 1 ? new Uint8Array(CHUNK) : this.width === 2 ? new Uint16Array(CHUNK) : new Int32Array(CHUNK);
  }
  private widen(w: 2 | 4): void {
    if (this.width >= w) return;
    this.width = w;
    this.chunks = this.chunks.map((old) => {
      const a = this.alloc();
      a.set(old);
      return a;
    });
  }
}
