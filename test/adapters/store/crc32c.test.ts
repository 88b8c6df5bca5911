import fc from 'fast-check';
import { crc32c, crc32cReference } from '../../../adapters/store/crc32c';

const ascii = (s: string) => new Uint8Array(Buffer.from(s, 'ascii'));

describe('CRC-32C (Castagnoli) used by the file store to detect torn records and files', () => {
  test('check value: crc32c("123456789") = 0xE3069283', () => {
    expect(crc32c(ascii('123456789'))).toBe(0xe3069283);
    expect(crc32cReference(ascii('123456789'))).toBe(0xe3069283);
  });

  test('RFC 3720 (iSCSI) appendix B.4 vectors', () => {
    expect(crc32c(new Uint8Array(32))).toBe(0x8a9136aa);
    expect(crc32c(new Uint8Array(32).fill(0xff))).toBe(0x62a8ab43);
    expect(crc32c(Uint8Array.from({ length: 32 }, (_, i) => i))).toBe(0x46dd794e);
    expect(crc32c(Uint8Array.from({ length: 32 }, (_, i) => 31 - i))).toBe(0x113fdb5c);
    expect(crc32c(new Uint8Array(0))).toBe(0);
  });

  test('the slice-by-16 path equals the bit-at-a-time definition at every length and alignment', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat(7), (b, shift) => {
        const buf = new Uint8Array(b.length + shift);
        buf.set(b, shift);
        expect(crc32c(buf.subarray(shift))).toBe(crc32cReference(b));
      }),
      { numRuns: 300 },
    );
  });

  test('streaming: crc32c(b, crc32c(a)) = crc32c(a ++ b)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), fc.uint8Array({ maxLength: 100 }), (a, b) => {
        const ab = new Uint8Array(a.length + b.length);
        ab.set(a);
        ab.set(b, a.length);
        expect(crc32c(b, crc32c(a))).toBe(crc32c(ab));
      }),
      { numRuns: 200 },
    );
  });

  test('any single flipped bit changes the CRC', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 200 }), fc.nat(), (b, bit) => {
        const i = bit % (b.length * 8);
        const c = b.slice();
        c[i >> 3] ^= 1 << (i & 7);
        expect(crc32c(c)).not.toBe(crc32c(b));
      }),
      { numRuns: 200 },
    );
  });
});
