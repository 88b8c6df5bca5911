/**
 * The project's one PRNG, specified to the bit so a seed means the same thing on every
 * engine and version (3FS issue 368: std::shuffle differed between compilers).
 *
 * Generator: xoshiro128** (Blackman & Vigna), 32-bit words.
 * Seeding: the 4 state words are 4 successive outputs of splitmix32 started at `seed >>> 0`:
 *   z = (x += 0x9e3779b9); z = (z ^ z>>>16) * 0x85ebca6b; z = (z ^ z>>>13) * 0xc2b2ae35; z ^ z>>>16
 * Bounded integers: Lemire's nearly-divisionless method is NOT used; we use rejection
 * sampling on the top of the 32-bit range (`below`), which is simple to specify.
 * Shuffle: Fisher-Yates from the last index down, j = below(i + 1).
 * Test vectors pin all three in test/core/prng.test.ts.
 *
 * The state is a plain tuple so a machine can keep it in its (immutable) state; the
 * functional API returns the next tuple. `Rng` is a mutable wrapper for simulators that
 * own their generator for one run.
 */
/** Cached: a global lookup per call is slow in hot loops (and very slow under jest's vm context). */
const imul = Math.imul;

export type PrngState = readonly [number, number, number, number];

function splitmix32(x: number): [number, number] {
  x = (x + 0x9e3779b9) | 0;
  let z = x;
  z = imul(z ^ (z >>> 16), 0x85ebca6b);
  z = imul(z ^ (z >>> 13), 0xc2b2ae35);
  z = (z ^ (z >>> 16)) >>> 0;
  return [z, x];
}

export function seedPrng(seed: number): PrngState {
  let x = seed >>> 0;
  const out: number[] = [];
  for (let i = 0; i < 4; i++) {
    const [z, nx] = splitmix32(x);
    out.push(z);
    x = nx;
  }
  if ((out[0] | out[1] | out[2] | out[3]) === 0) out[0] = 1; // all-zero state is a fixed point
  return [out[0], out[1], out[2], out[3]];
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** One xoshiro128** step: [uint32 output, next state]. */
export function nextU32(s: PrngState): [number, PrngState] {
  const [s0, s1, s2, s3] = s;
  const result = imul(rotl(imul(s1, 5), 7), 9) >>> 0;
  const t = s1 << 9;
  let n2 = s2 ^ s0;
  let n3 = s3 ^ s1;
  const n1 = s1 ^ n2;
  const n0 = s0 ^ n3;
  n2 ^= t;
  n3 = rotl(n3, 11);
  return [result, [n0 >>> 0, n1 >>> 0, n2 >>> 0, n3 >>> 0]];
}

/** Uniform integer in [0, n), n in [1, 2^32], by rejection. */
export function nextBelow(s: PrngState, n: number): [number, PrngState] {
  if (!(n >= 1 && n <= 0x100000000 && Number.isInteger(n))) throw new RangeError(`nextBelow: n=${n}`);
  const limit = 0x100000000 - (0x100000000 % n);
  let st = s;
  for (;;) {
    const [x, ns] = nextU32(st);
    st = ns;
    if (x < limit) return [x % n, st];
  }
}

/** Uniform float in [0, 1) with 32 bits of randomness. */
export function nextFloat(s: PrngState): [number, PrngState] {
  const [x, ns] = nextU32(s);
  return [x / 0x100000000, ns];
}

/** Mutable wrapper for code that owns a generator for one run (simulators, explorers). */
export class Rng {
  private s: PrngState;
  constructor(seedOrState: number | PrngState) {
    this.s = typeof seedOrState === 'number' ? seedPrng(seedOrState) : seedOrState;
  }
  get state(): PrngState {
    return this.s;
  }
  u32(): number {
    const [x, s] = nextU32(this.s);
    this.s = s;
    return x;
  }
  below(n: number): number {
    const [x, s] = nextBelow(this.s, n);
    this.s = s;
    return x;
  }
  float(): number {
    const [x, s] = nextFloat(this.s);
    this.s = s;
    return x;
  }
  /** true with probability p. */
  chance(p: number): boolean {
    return p > 0 && this.float() < p;
  }
  pick<T>(xs: readonly T[]): T {
    if (xs.length === 0) throw new RangeError('pick from empty list');
    return xs[this.below(xs.length)];
  }
  /** Fisher-Yates, in place, from the last index down. */
  shuffle<T>(xs: T[]): T[] {
    for (let i = xs.length - 1; i > 0; i--) {
      const j = this.below(i + 1);
      const t = xs[i];
      xs[i] = xs[j];
      xs[j] = t;
    }
    return xs;
  }
  fork(): Rng {
    return new Rng([this.u32(), this.u32(), this.u32(), this.u32() | 1]);
  }
}

/** Pure shuffle for machines that keep a PrngState. */
export function shuffled<T>(s: PrngState, xs: readonly T[]): [T[], PrngState] {
  const r = new Rng(s);
  const out = r.shuffle(xs.slice());
  return [out, r.state];
}
