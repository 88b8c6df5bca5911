import { galoisField, primePower } from '../../../core/placement/gf';

// ANCHORS.md "Block designs": PG(2,q) and AG(2,q) need GF(q) for prime powers q.
describe('GF(p^n) arithmetic', () => {
  test('primePower recognises prime powers and rejects the rest', () => {
    expect(primePower(2)).toEqual([2, 1]);
    expect(primePower(8)).toEqual([2, 3]);
    expect(primePower(9)).toEqual([3, 2]);
    expect(primePower(25)).toEqual([5, 2]);
    expect(primePower(31)).toEqual([31, 1]);
    for (const q of [1, 6, 10, 12, 15, 18, 20, 21, 22, 24, 26, 28, 30]) expect(primePower(q)).toBeUndefined();
  });

  test.each([2, 3, 4, 5, 7, 8, 9, 16, 25, 27, 32, 49])('GF(%i) satisfies the field axioms', (q) => {
    const F = galoisField(q);
    for (let a = 0; a < q; a++) {
      expect(F.add(a, 0)).toBe(a);
      expect(F.mul(a, 1)).toBe(a);
      expect(F.add(a, F.neg(a))).toBe(0);
      if (a !== 0) expect(F.mul(a, F.inv(a))).toBe(1);
      for (let b = 0; b < q; b++) {
        expect(F.add(a, b)).toBe(F.add(b, a));
        expect(F.mul(a, b)).toBe(F.mul(b, a));
        if (a !== 0 && b !== 0) expect(F.mul(a, b)).not.toBe(0); // no zero divisors
      }
    }
    // associativity and distributivity on a deterministic sample of triples
    const step = Math.max(1, Math.floor(q / 7));
    for (let a = 0; a < q; a += step)
      for (let b = 0; b < q; b += step)
        for (let c = 0; c < q; c += step) {
          expect(F.add(F.add(a, b), c)).toBe(F.add(a, F.add(b, c)));
          expect(F.mul(F.mul(a, b), c)).toBe(F.mul(a, F.mul(b, c)));
          expect(F.mul(a, F.add(b, c))).toBe(F.add(F.mul(a, b), F.mul(a, c)));
        }
  });

  test('the multiplicative group of GF(16) is cyclic with a generator of order 15', () => {
    const F = galoisField(16);
    const orders = [];
    for (let g = 1; g < 16; g++) {
      let x = g;
      let n = 1;
      while (x !== 1) {
        x = F.mul(x, g);
        n++;
      }
      orders.push(n);
    }
    expect(orders).toContain(15);
    expect(orders.every((o) => 15 % o === 0)).toBe(true);
  });

  test('a non-prime-power order is refused', () => {
    expect(() => galoisField(6)).toThrow(RangeError);
  });
});
