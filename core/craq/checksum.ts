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
 *
 * Evaluation (`localHash`): Horner's rule from the last byte backwards, in four
 * interleaved lanes (lane k holds the bytes at i = 4m + k, stepped by y = x^4), so each
 * byte costs one multiply-add per hash and the eight multiply chains are independent
 * (about 1 ms per MiB for both hashes in V8, against about 5 ms for the textbook
 * power-by-power loop). Ranges of SIMD_MIN_BYTES or more go to the same loop in 128-bit
 * WebAssembly SIMD (./checksum-simd.ts, ~0.2 ms per MiB) when the runtime has it. The
 * values are the same as the definition above either way; the property tests in
 * test/core/craq/checksum.test.ts pin both paths against the definition.
 */
import { simdAvailable, simdHash16 } from './checksum-simd';

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

// lane steps and the per-lane factors x^(k+1)
const Y1 = powU32(X1, 4);
const Y2 = powU32(X2, 4);
const P1_1 = X1;
const P1_2 = powU32(X1, 2);
const P1_3 = powU32(X1, 3);
const P1_4 = Y1;
const P2_1 = X2;
const P2_2 = powU32(X2, 2);
const P2_3 = powU32(X2, 3);
const P2_4 = Y2;

/** x_j^(k+1) for k = 0..15, then x_j^16: the SIMD kernel's lane factors and step. */
const SIMD_P1 = Int32Array.from({ length: 17 }, (_, k) => powU32(X1, k === 16 ? 16 : k + 1));
const SIMD_P2 = Int32Array.from({ length: 17 }, (_, k) => powU32(X2, k === 16 ? 16 : k + 1));
/** Below this the call and copy into the kernel's memory cost more than the scalar loop. */
export const SIMD_MIN_BYTES = 512;

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

/**
 * sum_{i < n} (a[aFrom+i] - s[sFrom+i]) * x_j^(i+1) for j = 1, 2, where `s` may be
 * undefined (read as zeros) and must hold at least sFrom + n bytes otherwise. Horner from
 * the end in four lanes; the last, partial group of n mod 4 bytes starts the lanes.
 */
function localHash(a: Uint8Array, aFrom: number, s: Uint8Array | undefined, sFrom: number, n: number): ChecksumState {
  let a0 = 0, a1 = 0, a2 = 0, a3 = 0;
  let c0 = 0, c1 = 0, c2 = 0, c3 = 0;
  let m = n & ~3; // bytes [0, m) in whole groups of four
  if (m < n) {
    // the partial last group: lanes 0..(n-m-1)
    a0 = c0 = a[aFrom + m] - (s ? s[sFrom + m] : 0);
    if (m + 1 < n) a1 = c1 = a[aFrom + m + 1] - (s ? s[sFrom + m + 1] : 0);
    if (m + 2 < n) a2 = c2 = a[aFrom + m + 2] - (s ? s[sFrom + m + 2] : 0);
  } else if (m > 0) {
    m -= 4;
    const i = aFrom + m;
    const j = sFrom + m;
    a0 = c0 = a[i] - (s ? s[j] : 0);
    a1 = c1 = a[i + 1] - (s ? s[j + 1] : 0);
    a2 = c2 = a[i + 2] - (s ? s[j + 2] : 0);
    a3 = c3 = a[i + 3] - (s ? s[j + 3] : 0);
  }
  const y1 = Y1;
  const y2 = Y2;
  if (s === undefined) {
    for (let i = aFrom + m - 4; i >= aFrom; i -= 4) {
      const b0 = a[i], b1 = a[i + 1], b2 = a[i + 2], b3 = a[i + 3];
      a0 = (imul(a0, y1) + b0) | 0;
      a1 = (imul(a1, y1) + b1) | 0;
      a2 = (imul(a2, y1) + b2) | 0;
      a3 = (imul(a3, y1) + b3) | 0;
      c0 = (imul(c0, y2) + b0) | 0;
      c1 = (imul(c1, y2) + b1) | 0;
      c2 = (imul(c2, y2) + b2) | 0;
      c3 = (imul(c3, y2) + b3) | 0;
    }
  } else {
    const d = sFrom - aFrom;
    for (let i = aFrom + m - 4; i >= aFrom; i -= 4) {
      const j = i + d;
      const b0 = a[i] - s[j], b1 = a[i + 1] - s[j + 1], b2 = a[i + 2] - s[j + 2], b3 = a[i + 3] - s[j + 3];
      a0 = (imul(a0, y1) + b0) | 0;
      a1 = (imul(a1, y1) + b1) | 0;
      a2 = (imul(a2, y1) + b2) | 0;
      a3 = (imul(a3, y1) + b3) | 0;
      c0 = (imul(c0, y2) + b0) | 0;
      c1 = (imul(c1, y2) + b1) | 0;
      c2 = (imul(c2, y2) + b2) | 0;
      c3 = (imul(c3, y2) + b3) | 0;
    }
  }
  return {
    h1: (imul(a0, P1_1) + imul(a1, P1_2) + imul(a2, P1_3) + imul(a3, P1_4)) | 0,
    h2: (imul(c0, P2_1) + imul(c1, P2_2) + imul(c2, P2_3) + imul(c3, P2_4)) | 0,
  };
}

/** sum_{i < n} bytes[from+i] * x_j^(i+1): the SIMD kernel on whole 16-byte groups when it pays, the scalar loop on the rest. */
function rangeHash(bytes: Uint8Array, from: number, n: number): ChecksumState {
  if (!simdAvailable || n < SIMD_MIN_BYTES) return localHash(bytes, from, undefined, 0, n);
  const m = n & ~15;
  const head = simdHash16(bytes, from, m, SIMD_P1, SIMD_P2);
  if (m === n) return head;
  const tail = localHash(bytes, from + m, undefined, 0, n - m);
  return { h1: (head.h1 + imul(tail.h1, powU32(X1, m))) | 0, h2: (head.h2 + imul(tail.h2, powU32(X2, m))) | 0 };
}

/** The scalar path alone (tests compare it with the definition where SIMD would take over). */
export function checksumStateScalar(bytes: Uint8Array): ChecksumState {
  return localHash(bytes, 0, undefined, 0, bytes.length);
}

export function checksumStateOf(bytes: Uint8Array): ChecksumState {
  return rangeHash(bytes, 0, bytes.length);
}

export function checksumOf(bytes: Uint8Array): number {
  return packSum(checksumStateOf(bytes));
}

/**
 * Checksum state after replacing [offset, offset+data.length) of `old` with `data` (bytes
 * past old.length are zeros): old + x^offset * (hash of the new range - hash of the old
 * range): one scalar pass over both for short ranges, two SIMD passes for long ones. A
 * write covering the whole of `old` from offset 0 is simply the hash of `data`.
 */
export function checksumStateAfterWrite(old: Uint8Array, oldSum: ChecksumState, offset: number, data: Uint8Array): ChecksumState {
  const L = data.length;
  if (offset === 0 && L >= old.length) return checksumStateOf(data);
  if (L === 0) return oldSum;
  const overlap = Math.max(0, Math.min(L, old.length - offset));
  // [0, overlap): data - old; [overlap, L): data alone, its powers shifted by overlap
  let h1 = 0;
  let h2 = 0;
  if (overlap >= SIMD_MIN_BYTES && simdAvailable) {
    const n = rangeHash(data, 0, overlap);
    const o = rangeHash(old, offset, overlap);
    h1 = (n.h1 - o.h1) | 0;
    h2 = (n.h2 - o.h2) | 0;
  } else if (overlap > 0) {
    const d = localHash(data, 0, old, offset, overlap);
    h1 = d.h1;
    h2 = d.h2;
  }
  if (overlap < L) {
    const t = rangeHash(data, overlap, L - overlap);
    h1 = (h1 + imul(t.h1, powU32(X1, overlap))) | 0;
    h2 = (h2 + imul(t.h2, powU32(X2, overlap))) | 0;
  }
  return { h1: (oldSum.h1 + imul(h1, powU32(X1, offset))) | 0, h2: (oldSum.h2 + imul(h2, powU32(X2, offset))) | 0 };
}

/**
 * The bytes of `old` with [offset, offset+data.length) replaced; grows (zero-filled) as
 * needed. Always a fresh array (the caller's `data` is never kept), and each output byte
 * is copied once: only the parts of `old` that `data` does not cover are copied from it.
 */
export function applyWrite(old: Uint8Array, offset: number, data: Uint8Array): Uint8Array {
  const end = offset + data.length;
  const size = Math.max(old.length, end);
  const out = new Uint8Array(size);
  if (offset > 0) out.set(offset >= old.length ? old : old.subarray(0, offset), 0);
  out.set(data, offset);
  if (end < old.length) out.set(old.subarray(end), end);
  return out;
}

/**
 * `length` bytes at `offset` (zeros past the end of the data). Inside the data this is a
 * view, not a copy (a 1 MiB read no longer copies the chunk before the transport sends
 * it): chunk bytes are never mutated once a replica holds them, and whoever receives a
 * read's bytes must treat them as read-only like every other message field.
 */
export function readRange(data: Uint8Array, offset: number, length: number): Uint8Array {
  if (offset + length <= data.length) return data.subarray(offset, offset + length);
  const out = new Uint8Array(length);
  if (offset < data.length) out.set(data.subarray(offset), 0);
  return out;
}
