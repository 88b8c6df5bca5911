import * as fc from 'fast-check';
import { SIMD_MIN_BYTES, applyWrite, checksumOf, checksumStateAfterWrite, checksumStateOf, checksumStateScalar, packSum } from '../../../core/craq/checksum';
import { simdAvailable } from '../../../core/craq/checksum-simd';

const imul = Math.imul;

/** The definition, power by power: h_j = sum_i b_i * x_j^(i+1) mod 2^32. */
function reference(bytes: Uint8Array): { h1: number; h2: number } {
  const X1 = 0x9e3779b1 | 0;
  const X2 = 0x85ebca77 | 0;
  let h1 = 0;
  let h2 = 0;
  let x1 = X1;
  let x2 = X2;
  for (let i = 0; i < bytes.length; i++) {
    h1 = (h1 + imul(bytes[i], x1)) | 0;
    h2 = (h2 + imul(bytes[i], x2)) | 0;
    x1 = imul(x1, X1);
    x2 = imul(x2, X2);
  }
  return { h1, h2 };
}

describe('chunk checksum', () => {
  test('the lane-wise evaluation equals the definition, for any bytes and any view offset', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 70 }), fc.nat(7), (bytes, skip) => {
        const view = bytes.subarray(Math.min(skip, bytes.length));
        expect(checksumStateOf(view)).toEqual(reference(view));
      }),
      { numRuns: 500 },
    );
    // pinned values (the definition as of the first release; the file store keeps sums on disk)
    expect(checksumOf(new Uint8Array(0))).toBe(0);
    expect(checksumStateOf(Uint8Array.of(1))).toEqual({ h1: 0x9e3779b1 | 0, h2: 0x85ebca77 | 0 });
    const mib = new Uint8Array(1 << 20).map((_, i) => (i * 131 + 7) & 255);
    expect(checksumStateOf(mib)).toEqual(reference(mib));
    expect(checksumStateScalar(mib)).toEqual(reference(mib));
    // pinned (computed by the original power-by-power implementation): a MiB spanning several SIMD blocks; and a view at an odd offset
    expect(checksumStateOf(mib)).toEqual({ h1: -881328128, h2: 1723334656 });
    expect(checksumStateOf(mib.subarray(3, 300_003))).toEqual(reference(mib.subarray(3, 300_003)));
  });
  test('runs the SIMD kernel here (node >= 20 has WebAssembly SIMD), so the figures in the README hold', () => {
    expect(simdAvailable).toBe(true);
  });
  test('SIMD and scalar paths agree with the definition around the switch-over and block sizes', () => {
    fc.assert(
      fc.property(fc.integer({ min: SIMD_MIN_BYTES - 20, max: 3 * SIMD_MIN_BYTES }), fc.nat(15), fc.integer(), (n, skip, seed) => {
        const bytes = new Uint8Array(n + skip).map((_, i) => (imul(i + 1, seed | 1) >>> 13) & 255);
        const view = bytes.subarray(skip);
        const want = reference(view);
        expect(checksumStateOf(view)).toEqual(want);
        expect(checksumStateScalar(view)).toEqual(want);
      }),
      { numRuns: 60 },
    );
    const blocky = new Uint8Array((1 << 18) * 2 + 48).map((_, i) => (i * 7 + (i >> 9)) & 255);
    for (const n of [(1 << 18) - 16, 1 << 18, (1 << 18) + 16, blocky.length]) expect(checksumStateOf(blocky.subarray(0, n))).toEqual(reference(blocky.subarray(0, n)));
  });
  test('an update of a long chunk in its middle, at its end and past its end equals a full recomputation', () => {
    const base = new Uint8Array(10_000).map((_, i) => (i * 37 + 11) & 255);
    const sum = checksumStateOf(base);
    for (const [offset, len] of [[0, 9_999], [1, 10_000], [4_097, 3], [9_998, 5], [12_345, 77], [3, 0], [100, 5_000], [7, 700], [9_500, 1_000]]) {
      const data = new Uint8Array(len).map((_, i) => (i * 53 + 1) & 255);
      expect(checksumStateAfterWrite(base, sum, offset, data)).toEqual(reference(applyWrite(base, offset, data)));
    }
  });
  test('applyWrite never keeps the caller\'s array and copies the uncovered parts of the old bytes', () => {
    const old = Uint8Array.of(1, 2, 3, 4, 5);
    const data = Uint8Array.of(9, 9);
    expect([...applyWrite(old, 0, data)]).toEqual([9, 9, 3, 4, 5]);
    expect([...applyWrite(old, 2, data)]).toEqual([1, 2, 9, 9, 5]);
    expect([...applyWrite(old, 4, data)]).toEqual([1, 2, 3, 4, 9, 9]);
    expect([...applyWrite(old, 7, data)]).toEqual([1, 2, 3, 4, 5, 0, 0, 9, 9]);
    const whole = Uint8Array.of(7, 7, 7, 7, 7, 7);
    const out = applyWrite(old, 0, whole);
    expect(out).not.toBe(whole);
    expect([...out]).toEqual([7, 7, 7, 7, 7, 7]);
  });
  test('incremental update equals a full recomputation (linearity), for any write sequence', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ offset: fc.nat(40), data: fc.uint8Array({ maxLength: 24 }) }), { maxLength: 12 }), (writes) => {
        let data: Uint8Array = new Uint8Array(0);
        let sum = checksumStateOf(data);
        for (const w of writes) {
          sum = checksumStateAfterWrite(data, sum, w.offset, w.data);
          data = applyWrite(data, w.offset, w.data);
          expect(packSum(sum)).toBe(checksumOf(data));
        }
      }),
      { numRuns: 300 },
    );
  });
  test('trailing zeros do not change the checksum; a single flipped byte does', () => {
    expect(checksumOf(Uint8Array.of(1, 2, 0, 0))).toBe(checksumOf(Uint8Array.of(1, 2)));
    expect(checksumOf(Uint8Array.of(1, 2))).not.toBe(checksumOf(Uint8Array.of(1, 3)));
    expect(checksumOf(Uint8Array.of(2, 1))).not.toBe(checksumOf(Uint8Array.of(1, 2)));
  });
  test('the packed sum stays below 2^52 (exact as a JSON number)', () => {
    const s = checksumOf(new Uint8Array(1000).fill(255));
    expect(s).toBeLessThan(2 ** 52);
    expect(Number.isSafeInteger(s)).toBe(true);
  });
});
