/**
 * Chunk checksum: two polynomial hashes over the chunk bytes, modulo primes just under
 * 2^26, packed into one integer below 2^52:
 *   h_j(chunk) = sum_i (b_i) * x_j^i  mod p_j,   sum = h_1 * 2^26 + h_2.
 * Why polynomial and not CRC32C as 3FS uses: it is linear in the bytes, so a write of L
 * bytes at offset o updates the checksum in O(L) (sum the deltas times x^(o+i)) instead of
 * rehashing the whole chunk on every replica, and replicas holding the same bytes always
 * hold the same checksum however they got there (incremental writes or a full-chunk
 * replace). Not cryptographic: it detects divergence and torn data, not adversaries; two
 * different chunks collide with probability about L/2^52.
 */
const P1 = 67108859;
const P2 = 67108837;
const X1 = 1000003;
const X2 = 7919 * 31;
const SHIFT = 67108864; // 2^26

function mulmod(a: number, b: number, p: number): number {
  return (a * b) % p; // a, b < 2^26 so a*b < 2^52: exact in a double
}

function powmod(x: number, e: number, p: number): number {
  let r = 1;
  let b = x % p;
  while (e > 0) {
    if (e & 1) r = mulmod(r, b, p);
    b = mulmod(b, b, p);
    e = Math.floor(e / 2);
  }
  return r;
}

export function checksumOf(bytes: Uint8Array): number {
  return rangeSum(bytes, 0, 0, bytes.length, undefined);
}

/**
 * Checksum after replacing bytes [offset, offset+data.length) of `old` (whose checksum is
 * `oldSum`) with `data`. Bytes past old.length count as zeros.
 */
export function checksumAfterWrite(old: Uint8Array, oldSum: number, offset: number, data: Uint8Array): number {
  let h1 = Math.floor(oldSum / SHIFT);
  let h2 = oldSum % SHIFT;
  let x1 = powmod(X1, offset, P1);
  let x2 = powmod(X2, offset, P2);
  for (let i = 0; i < data.length; i++) {
    const j = offset + i;
    const before = j < old.length ? old[j] : 0;
    const d = data[i] - before;
    if (d !== 0) {
      h1 = (h1 + mulmod((d + P1) % P1, x1, P1)) % P1;
      h2 = (h2 + mulmod((d + P2) % P2, x2, P2)) % P2;
    }
    x1 = mulmod(x1, X1, P1);
    x2 = mulmod(x2, X2, P2);
  }
  return h1 * SHIFT + h2;
}

function rangeSum(bytes: Uint8Array, offset: number, from: number, to: number, _u: undefined): number {
  let h1 = 0;
  let h2 = 0;
  let x1 = powmod(X1, offset + from, P1);
  let x2 = powmod(X2, offset + from, P2);
  for (let i = from; i < to; i++) {
    const b = bytes[i];
    if (b !== 0) {
      h1 = (h1 + mulmod(b, x1, P1)) % P1;
      h2 = (h2 + mulmod(b, x2, P2)) % P2;
    }
    x1 = mulmod(x1, X1, P1);
    x2 = mulmod(x2, X2, P2);
  }
  return h1 * SHIFT + h2;
}

/** The bytes of `old` with [offset, offset+data.length) replaced; grows (zero-filled) as needed. */
export function applyWrite(old: Uint8Array, offset: number, data: Uint8Array): Uint8Array {
  const size = Math.max(old.length, offset + data.length);
  const out = new Uint8Array(size);
  out.set(old, 0);
  out.set(data, offset);
  return out;
}

/** `length` bytes at `offset` (zeros past the end of the data). */
export function readRange(data: Uint8Array, offset: number, length: number): Uint8Array {
  if (offset + length <= data.length) return data.slice(offset, offset + length);
  const out = new Uint8Array(length);
  if (offset < data.length) out.set(data.subarray(offset), 0);
  return out;
}
