/**
 * Chunk checksum: two polynomial hashes over the chunk bytes in the ring Z/2^32 (odd
 * bases, imul arithmetic), packed into one integer below 2^52:
 *   h_j(chunk) = sum_i b_i * x_j^(i+1)  mod 2^32,   sum = h_1 * 2^20 + (h_2 >>> 12).
 * Why polynomial and not CRC32C as 3FS uses: it is linear in the bytes, so a write of L
 * bytes at offset o updates the checksum in O(L + log o) (add the deltas times x^(o+i+1))
 * instead of rehashing the whole chunk on every replica, and replicas holding the same
 * bytes always hold the same checksum however they got there (incremental writes or a
 * full-chunk replace). Not cryptographic, and mod-2^32 polynomial hashes have known
 * structured collisions: it detects accidental divergence and torn data, not adversaries.
 * The file store (adapters) keeps its own CRC per record for torn-write detection.
 */
/** Cached: a global lookup per call is slow in hot loops (and very slow under jest's vm context). */
const imul = Math.imul;

const X1 = 0x9e3779b1 | 0; // odd
const X2 = 0x85ebca77 | 0; // odd
const HIGH = 1048576; // 2^20

function powU32(x: number, e: number): number {
  let r = 1;
  let b = x;
  while (e > 0) {
    if (e & 1) r = imul(r, b);
    b = imul(b, b);
    e >>>= 1;
  }
  return r;
}

const pack = (h1: number, h2: number) => (h1 >>> 0) * HIGH + ((h2 >>> 0) >>> 12);

/** The two hashes of a packed sum cannot be recovered exactly (h2 loses 12 bits), so
 * replicas carry the full pair internally as `ChecksumState` and compare packed sums. */
export interface ChecksumState {
  readonly h1: number;
  readonly h2: number;
}

export const ZERO_SUM: ChecksumState = { h1: 0, h2: 0 };

export function packSum(s: ChecksumState): number {
  return pack(s.h1, s.h2);
}

export function checksumStateOf(bytes: Uint8Array): ChecksumState {
  let h1 = 0;
  let h2 = 0;
  let x1 = X1;
  let x2 = X2;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (b !== 0) {
      h1 = (h1 + imul(b, x1)) | 0;
      h2 = (h2 + imul(b, x2)) | 0;
    }
    x1 = imul(x1, X1);
    x2 = imul(x2, X2);
  }
  return { h1, h2 };
}

export function checksumOf(bytes: Uint8Array): number {
  return packSum(checksumStateOf(bytes));
}

/** Checksum state after replacing [offset, offset+data.length) of `old` with `data` (bytes past old.length are zeros). */
export function checksumStateAfterWrite(old: Uint8Array, oldSum: ChecksumState, offset: number, data: Uint8Array): ChecksumState {
  let h1 = oldSum.h1;
  let h2 = oldSum.h2;
  let x1 = powU32(X1, offset + 1);
  let x2 = powU32(X2, offset + 1);
  for (let i = 0; i < data.length; i++) {
    const j = offset + i;
    const d = data[i] - (j < old.length ? old[j] : 0);
    if (d !== 0) {
      h1 = (h1 + imul(d, x1)) | 0;
      h2 = (h2 + imul(d, x2)) | 0;
    }
    x1 = imul(x1, X1);
    x2 = imul(x2, X2);
  }
  return { h1, h2 };
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
