/**
 * CRC-32C (Castagnoli, reflected polynomial 0x82F63B78, init and final xor 0xFFFFFFFF),
 * the checksum 3FS, ext4 metadata and iSCSI use; slice-by-8 tables. Check value
 * crc32c("123456789") = 0xE3069283 (test/adapters/store/crc32c.test.ts pins it and the
 * RFC 3720 B.4 vectors). `crc32c(b, crc32c(a)) = crc32c(a ++ b)` (streaming).
 */
const POLY = 0x82f63b78;

const T: Int32Array[] = (() => {
  const t = Array.from({ length: 8 }, () => new Int32Array(256));
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ POLY : c >>> 1;
    t[0][n] = c | 0;
  }
  for (let n = 0; n < 256; n++) {
    let c = t[0][n];
    for (let k = 1; k < 8; k++) {
      c = t[0][c & 0xff] ^ (c >>> 8);
      t[k][n] = c | 0;
    }
  }
  return t;
})();

/** CRC-32C of `bytes`, continuing from `prev` (the CRC of the bytes before). */
export function crc32c(bytes: Uint8Array, prev = 0): number {
  const [t0, t1, t2, t3, t4, t5, t6, t7] = T;
  let c = ~prev | 0;
  let i = 0;
  const n = bytes.length;
  // bytewise up to a 4-byte boundary, then 8 bytes at a time through a little-endian
  // Uint32Array view (no copy), then the tail bytewise
  while (i < n && (bytes.byteOffset + i) % 4 !== 0) {
    c = t0[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
    i++;
  }
  const words = (n - i) >>> 3;
  if (words > 0 && LITTLE_ENDIAN) {
    const w = new Int32Array(bytes.buffer, bytes.byteOffset + i, words * 2);
    for (let j = 0; j < w.length; j += 2) {
      const lo = c ^ w[j];
      const hi = w[j + 1];
      c =
        t7[lo & 0xff] ^
        t6[(lo >> 8) & 0xff] ^
        t5[(lo >> 16) & 0xff] ^
        t4[(lo >> 24) & 0xff] ^
        t3[hi & 0xff] ^
        t2[(hi >> 8) & 0xff] ^
        t1[(hi >> 16) & 0xff] ^
        t0[(hi >> 24) & 0xff];
    }
    i += words * 8;
  }
  while (i < n) {
    c = t0[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
    i++;
  }
  return ~c >>> 0;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** Bit-at-a-time reference (the definition), for the property that the fast path agrees. */
export function crc32cReference(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) {
    c ^= bytes[i];
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ POLY : c >>> 1;
  }
  return ~c >>> 0;
}
