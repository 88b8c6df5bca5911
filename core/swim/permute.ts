/**
 * A keyed permutation of [0, n): the "shuffled member list" of SWIM's round-robin probing
 * without storing a list (10,000 members x 10,000 entries would not fit). A balanced
 * 4-round Feistel network over the smallest even-bit domain 2^(2h) >= n, with
 * cycle-walking (apply again while the result is >= n), is a bijection on [0, n).
 * The keys come from the member's xoshiro128** state (core/prng.ts), a fresh pair every
 * round; the round function is the murmur3 32-bit finalizer (a hash, not a generator).
 * Specified to the bit, pinned by vectors in test/core/swim/permute.test.ts.
 */
// Math.imul cached in module scope: inside jest's vm context every global lookup in a hot
// loop is slow (measured ~200x on the explorer's hash64).
const imul = Math.imul;

function fmix32(h: number): number {
  h ^= h >>> 16;
  h = imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

export function permuteIndex(i: number, n: number, key0: number, key1: number): number {
  if (n <= 1) return 0;
  let bits = 1;
  while (1 << bits < n) bits++;
  const h = (bits + 1) >> 1;
  const mask = (1 << h) - 1;
  const keys = [key0 >>> 0, key1 >>> 0, (key0 ^ 0x9e3779b9) >>> 0, (key1 ^ 0x7f4a7c15) >>> 0];
  let x = i;
  do {
    let l = x >>> h;
    let r = x & mask;
    for (let k = 0; k < 4; k++) {
      const t = l ^ (fmix32(r ^ keys[k]) & mask);
      l = r;
      r = t;
    }
    x = (l << h) | r;
  } while (x >= n);
  return x;
}
