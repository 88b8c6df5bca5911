/**
 * Finite fields GF(p^n) (pure). Elements are the integers 0..q-1; element e stands for
 * the polynomial sum_i d_i x^i where d_i are the base-p digits of e. Addition is digit-wise
 * mod p; multiplication uses log/antilog tables built from a primitive polynomial, found
 * by a deterministic lexicographic search (so a field is the same on every run).
 */

/** [p, n] when q = p^n for a prime p, else undefined. */
export function primePower(q: number): [number, number] | undefined {
  if (!Number.isSafeInteger(q) || q < 2) return undefined;
  let p = 2;
  while (p * p <= q && q % p !== 0) p++;
  if (q % p !== 0) p = q; // q is prime
  let n = 0;
  let x = q;
  while (x % p === 0) {
    x /= p;
    n++;
  }
  return x === 1 ? [p, n] : undefined;
}

export interface GaloisField {
  readonly q: number;
  readonly p: number;
  readonly n: number;
  /** coefficients c_0..c_{n-1} of the monic primitive polynomial x^n + ... (n > 1) */
  readonly modulus: readonly number[];
  add(a: number, b: number): number;
  neg(a: number): number;
  sub(a: number, b: number): number;
  mul(a: number, b: number): number;
  inv(a: number): number;
}

function digits(e: number, p: number, n: number): number[] {
  const d: number[] = [];
  for (let i = 0; i < n; i++) {
    d.push(e % p);
    e = Math.floor(e / p);
  }
  return d;
}

function undigits(d: readonly number[], p: number): number {
  let e = 0;
  for (let i = d.length - 1; i >= 0; i--) e = e * p + d[i];
  return e;
}

/** Multiply the polynomial d (n digits) by x modulo the monic polynomial with low coefficients c. */
function timesX(d: readonly number[], c: readonly number[], p: number): number[] {
  const n = d.length;
  const top = d[n - 1];
  const out = [0, ...d.slice(0, n - 1)];
  for (let i = 0; i < n; i++) out[i] = (((out[i] - top * c[i]) % p) + p) % p;
  return out;
}

const cache = new Map<number, GaloisField>();

/** GF(q) for a prime power q; throws RangeError otherwise (callers check with primePower). */
export function galoisField(q: number): GaloisField {
  const hit = cache.get(q);
  if (hit) return hit;
  const pp = primePower(q);
  if (!pp) throw new RangeError(`GF(${q}): ${q} is not a prime power`);
  const [p, n] = pp;
  const addT = new Int32Array(q * q);
  const negT = new Int32Array(q);
  for (let a = 0; a < q; a++) {
    const da = digits(a, p, n);
    negT[a] = undigits(da.map((x) => (p - x) % p), p);
    for (let b = 0; b < q; b++) {
      const db = digits(b, p, n);
      addT[a * q + b] = undigits(da.map((x, i) => (x + db[i]) % p), p);
    }
  }
  const exp = new Int32Array(2 * q);
  const log = new Int32Array(q).fill(-1);
  let modulus: number[] = [];
  if (n === 1) {
    // smallest primitive root g mod p (g = 1 when p = 2)
    for (let g = 1; g < Math.max(p, 2); g++) {
      let x = g % p;
      let order = 1;
      while (x !== 1 && order < p) {
        x = (x * g) % p;
        order++;
      }
      if (x !== 1 || order !== p - 1) continue;
      let y = 1;
      for (let i = 0; i < q - 1; i++) {
        exp[i] = y;
        log[y] = i;
        y = (y * g) % p;
      }
      break;
    }
  } else {
    const total = Math.pow(p, n);
    for (let code = 0; code < total; code++) {
      const c = digits(code, p, n);
      if (c[0] === 0) continue; // x divides it: reducible
      // powers of x: order must be exactly q-1
      let d = digits(1, p, n);
      const seen: number[] = [];
      let ok = true;
      for (let i = 0; i < q - 1; i++) {
        const e = undigits(d, p);
        if (i > 0 && e === 1) {
          ok = false;
          break;
        }
        seen.push(e);
        d = timesX(d, c, p);
      }
      if (!ok || undigits(d, p) !== 1) continue;
      seen.forEach((e, i) => {
        exp[i] = e;
        log[e] = i;
      });
      modulus = c;
      break;
    }
    if (modulus.length === 0) throw new RangeError(`GF(${q}): no primitive polynomial found`);
  }
  for (let i = q - 1; i < 2 * q; i++) exp[i] = exp[i - (q - 1)];
  const f: GaloisField = {
    q,
    p,
    n,
    modulus,
    add: (a, b) => addT[a * q + b],
    neg: (a) => negT[a],
    sub: (a, b) => addT[a * q + negT[b]],
    mul: (a, b) => (a === 0 || b === 0 ? 0 : exp[log[a] + log[b]]),
    inv: (a) => {
      if (a === 0) throw new RangeError('GF: inverse of 0');
      return exp[(q - 1 - log[a]) % (q - 1)];
    },
  };
  cache.set(q, f);
  return f;
}
