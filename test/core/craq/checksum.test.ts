import * as fc from 'fast-check';
import { applyWrite, checksumOf, checksumStateAfterWrite, checksumStateOf, packSum } from '../../../core/craq/checksum';

describe('chunk checksum', () => {
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
