/**
 * CRC-32C (Castagnoli, reflected polynomial 0x82F63B78, init and final xor 0xFFFFFFFF),
 * the checksum 3FS, ext4 metadata and iSCSI use; slice-by-16 over one flat table (16 x
 * 256 entries: table k advances a byte through k more zero bytes), 16 bytes per step read
 * as four little-endian words through an Int32Array view (no copy). About twice the speed
 * of slice-by-8 over eight separate tables in V8. Check value crc32c("123456789") =
 * 0xE3069283 (test/adapters/store/crc32c.test.ts pins it and the RFC 3720 B.4 vectors).
 * `crc32c(b, crc32c(a)) = crc32c(a ++ b)` (streaming).
 */
const POLY = 0x82f63b78;
const SLICES = 16;

const T: Int32Array = (() => {
  const t = new Int32Array(SLICES * 256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ POLY : c >>> 1;
    t[n] = c;
  }
  for (let n = 0; n < 256; n++) {
    let c = t[n];
    for (let k = 1; k < SLICES; k++) {
      c = t[c & 0xff] ^ (c >>> 8);
      t[k * 256 + n] = c;
    }
  }
  return t;
})();

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** CRC-32C of `bytes`, continuing from `prev` (the CRC of the bytes before). */
export function crc32c(bytes: Uint8Array, prev = 0): number {
  const t = T;
  let c = ~prev | 0;
  let i = 0;
  const n = bytes.length;
  // bytewise up to a 4-byte boundary, then 16 bytes at a time through a little-endian
  // Int32Array view (no copy), then the tail bytewise
  while (i < n && (bytes.byteOffset + i) % 4 !== 0) {
    c = t[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
    i++;
  }
  const blocks = (n - i) >>> 4;
  if (blocks > 0 && LITTLE_ENDIAN) {
    const w = new Int32Array(bytes.buffer, bytes.byteOffset + i, blocks * 4);
    for (let j = 0; j < w.length; j += 4) {
      const a = c ^ w[j];
      const b = w[j + 1];
      const d = w[j + 2];
      const e = w[j + 3];
      c =
        t[3840 + (a & 0xff)] ^
        t[3584 + ((a >>> 8) & 0xff)] ^
        t[3328 + ((a >>> 16) & 0xff)] ^
        t[3072 + (a >>> 24)] ^
        t[2816 + (b & 0xff)] ^
        t[2560 + ((b >>> 8) & 0xff)] ^
        t[2304 + ((b >>> 16) & 0xff)] ^
        t[2048 + (b >>> 24)] ^
        t[1792 + (d & 0xff)] ^
        t[1536 + ((d >>> 8) & 0xff)] ^
        t[1280 + ((d >>> 16) & 0xff)] ^
        t[1024 + (d >>> 24)] ^
        t[768 + (e & 0xff)] ^
        t[512 + ((e >>> 8) & 0xff)] ^
        t[256 + ((e >>> 16) & 0xff)] ^
        t[e >>> 24];
    }
    i += blocks * 16;
  }
  while (i < n) {
    c = t[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
    i++;
  }
  return ~c >>> 0;
}

/** Bit-at-a-time reference (the definition), for the property that the fast path agrees. */
export function crc32cReference(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) {
    c ^= bytes[i];
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ POLY : c >>> 1;
  }
  return ~c >>> 0;
}
