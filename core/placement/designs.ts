/**
 * Exact block-design constructions (pure). A 2-(v, k, lambda) design is a list of k-subsets
 * (blocks) of 0..v-1 such that every pair of points lies in exactly lambda blocks
 * (ANCHORS.md "Block designs"). Each construction's defining property is unit-tested in
 * test/core/placement/designs.test.ts; proofs-notes/placement-designs.md gives the arguments.
 */
import { galoisField, primePower, GaloisField } from './gf';
import { groupAdd } from './familysearch';
import { SEARCHED_FAMILIES } from './families';

export interface Design {
  readonly v: number;
  readonly k: number;
  readonly lambda: number;
  readonly blocks: readonly (readonly number[])[];
  /** how it was built, e.g. `STS(15) Bose`, `PG(2,4)`, `2 x AG(2,5)` */
  readonly name: string;
}

// ---------------------------------------------------------------- Steiner triple systems

/** Bose: v = 6t+3 on Z_{2t+1} x Z_3 with the idempotent commutative quasigroup x.y = (x+y)/2. */
export function stsBose(v: number): Design {
  if (v % 6 !== 3) throw new RangeError(`Bose STS needs v = 3 mod 6, got ${v}`);
  const n = (v - 3) / 3 + 1; // 2t+1
  const half = (n + 1) / 2; // inverse of 2 mod n
  const pt = (x: number, i: number) => x + n * (i % 3);
  const op = (x: number, y: number) => ((x + y) * half) % n;
  const blocks: number[][] = [];
  for (let x = 0; x < n; x++) blocks.push([pt(x, 0), pt(x, 1), pt(x, 2)]);
  for (let i = 0; i < 3; i++)
    for (let x = 0; x < n; x++) for (let y = x + 1; y < n; y++) blocks.push([pt(x, i), pt(y, i), pt(op(x, y), i + 1)]);
  return { v, k: 3, lambda: 1, blocks, name: `STS(${v}) Bose` };
}

/**
 * Skolem: v = 6t+1 on (Z_{2t} x Z_3) + {inf} with the half-idempotent commutative quasigroup
 * x.y = h((x+y) mod 2t), h(2j) = j, h(2j+1) = t + j.
 */
export function stsSkolem(v: number): Design {
  if (v % 6 !== 1 || v < 7) throw new RangeError(`Skolem STS needs v = 1 mod 6, v >= 7, got ${v}`);
  const t = (v - 1) / 6;
  const n = 2 * t;
  const inf = v - 1;
  const pt = (x: number, i: number) => x + n * (i % 3);
  const op = (x: number, y: number) => {
    const s = (x + y) % n;
    return s % 2 === 0 ? s / 2 : t + (s - 1) / 2;
  };
  const blocks: number[][] = [];
  for (let x = 0; x < t; x++) blocks.push([pt(x, 0), pt(x, 1), pt(x, 2)]);
  for (let x = 0; x < t; x++) for (let i = 0; i < 3; i++) blocks.push([inf, pt(t + x, i), pt(x, i + 1)]);
  for (let i = 0; i < 3; i++)
    for (let x = 0; x < n; x++) for (let y = x + 1; y < n; y++) blocks.push([pt(x, i), pt(y, i), pt(op(x, y), i + 1)]);
  return { v, k: 3, lambda: 1, blocks, name: `STS(${v}) Skolem` };
}

// ---------------------------------------------------------------- finite geometries

/** All lines through pairs of points: `line(i, j)` returns the point indices of the line through i and j. */
function closeLines(v: number, line: (i: number, j: number) => number[]): number[][] {
  const covered = new Uint8Array(v * v);
  const out: number[][] = [];
  for (let i = 0; i < v; i++)
    for (let j = i + 1; j < v; j++) {
      if (covered[i * v + j]) continue;
      const l = line(i, j).sort((a, b) => a - b);
      for (const a of l) for (const b of l) covered[a * v + b] = 1;
      out.push(l);
    }
  return out;
}

function vectorsOf(F: GaloisField, dim: number): number[][] {
  const out: number[][] = [];
  const total = Math.pow(F.q, dim);
  for (let code = 0; code < total; code++) {
    const vec: number[] = [];
    let c = code;
    for (let i = 0; i < dim; i++) {
      vec.push(c % F.q);
      c = Math.floor(c / F.q);
    }
    out.push(vec.reverse());
  }
  return out;
}

const keyOf = (q: number, vec: readonly number[]) => vec.reduce((a, x) => a * q + x, 0);

/** Points of PG(n, q) as normalised vectors (first non-zero coordinate 1), in a fixed order. */
export function projectivePoints(F: GaloisField, n: number): number[][] {
  return vectorsOf(F, n + 1).filter((x) => x.find((c) => c !== 0) === 1);
}

/** Lines of PG(n, q): a 2-((q^(n+1)-1)/(q-1), q+1, 1) design. Points are normalised vectors (first non-zero = 1). */
export function projectiveGeometry(n: number, q: number): Design {
  const F = galoisField(q);
  const points = projectivePoints(F, n);
  const index = new Map<number, number>();
  points.forEach((p, i) => index.set(keyOf(q, p), i));
  const normalise = (x: number[]) => {
    const lead = x.find((c) => c !== 0)!;
    const inv = F.inv(lead);
    return x.map((c) => F.mul(c, inv));
  };
  const blocks = closeLines(points.length, (i, j) => {
    const P = points[i];
    const Q = points[j];
    const l = [i];
    for (let t = 0; t < q; t++) l.push(index.get(keyOf(q, normalise(Q.map((c, d) => F.add(c, F.mul(t, P[d]))))))!);
    return l;
  });
  return { v: points.length, k: q + 1, lambda: 1, blocks, name: `PG(${n},${q})` };
}

/** Lines of AG(n, q): a 2-(q^n, q, 1) design. */
export function affineGeometry(n: number, q: number): Design {
  const F = galoisField(q);
  const points = vectorsOf(F, n);
  const index = new Map<number, number>();
  points.forEach((p, i) => index.set(keyOf(q, p), i));
  const blocks = closeLines(points.length, (i, j) => {
    const P = points[i];
    const D = points[j].map((c, d) => F.sub(c, P[d]));
    const l: number[] = [];
    for (let t = 0; t < q; t++) l.push(index.get(keyOf(q, P.map((c, d) => F.add(c, F.mul(t, D[d])))))!);
    return l;
  });
  return { v: points.length, k: q, lambda: 1, blocks, name: `AG(${n},${q})` };
}

/**
 * The Hermitian unital in PG(2, q^2): the q^3 + 1 points with x^(q+1) + y^(q+1) + z^(q+1) = 0;
 * every line meets it in 1 or q+1 points, and the (q+1)-point intersections form a
 * 2-(q^3+1, q+1, 1) design (two unital points lie on one line, which is then a secant).
 * q = 3 gives the 2-(28,4,1) design, q = 4 the 2-(65,5,1) design.
 */
export function hermitianUnital(q: number): Design {
  const q2 = q * q;
  const F = galoisField(q2);
  const norm = (x: number) => {
    let y = 1;
    for (let i = 0; i <= q; i++) y = F.mul(y, x);
    return y;
  };
  const points = projectivePoints(F, 2);
  const onU = points.map((p) => F.add(F.add(norm(p[0]), norm(p[1])), norm(p[2])) === 0);
  const index = new Map<number, number>();
  points.forEach((_, i) => {
    if (onU[i]) index.set(i, index.size);
  });
  const blocks = projectiveGeometry(2, q2)
    .blocks.map((line) => line.filter((i) => onU[i]).map((i) => index.get(i)!))
    .filter((b) => b.length === q + 1);
  return { v: index.size, k: q + 1, lambda: 1, blocks, name: `Hermitian unital(${q})` };
}

// ---------------------------------------------------------------- difference families

export interface DifferenceFamily {
  readonly v: number;
  readonly k: number;
  readonly lambda: number;
  /**
   * Base blocks. A point is comp * |G| + g (g in G in mixed radix: for G = Z_5 x Z_5 the
   * element (a, b) is 5a + b); -1 is the fixed point inf (= point v - 1).
   */
  readonly baseBlocks: readonly (readonly number[])[];
  /** G = Z_{g0} x Z_{g1} x ...; default Z_v, or Z_{v-1} with `infinity` */
  readonly group?: readonly number[];
  /** copies of G among the points (default 1) */
  readonly components?: number;
  /** one fixed point inf (1-rotational when G is Z_{v-1}) */
  readonly infinity?: boolean;
  readonly source: string;
}

/**
 * Known cyclic (and 1-rotational) difference families from the literature, followed by
 * the families found by the offline search (families.ts). Every entry is checked by a unit
 * test (each pair exactly lambda times after development), so a typo cannot ship.
 */
export const DIFFERENCE_FAMILIES: readonly DifferenceFamily[] = [
  { v: 7, k: 3, lambda: 1, baseBlocks: [[0, 1, 3]], source: 'Fano plane, Singer difference set' },
  { v: 13, k: 4, lambda: 1, baseBlocks: [[0, 1, 3, 9]], source: 'PG(2,3) Singer difference set' },
  { v: 21, k: 5, lambda: 1, baseBlocks: [[0, 1, 4, 14, 16]], source: 'PG(2,4) Singer difference set (ANCHORS.md)' },
  { v: 7, k: 4, lambda: 2, baseBlocks: [[0, 1, 2, 4]], source: 'complement of the Fano difference set' },
  { v: 11, k: 5, lambda: 2, baseBlocks: [[1, 3, 4, 5, 9]], source: 'Paley: quadratic residues mod 11 (biplane)' },
  { v: 37, k: 4, lambda: 1, baseBlocks: [[0, 1, 3, 24], [0, 4, 26, 32], [0, 10, 18, 30]], source: 'cyclic (37,4,1)' },
  { v: 41, k: 5, lambda: 1, baseBlocks: [[0, 1, 4, 11, 29], [0, 2, 8, 17, 22]], source: 'cyclic (41,5,1)' },
  { v: 6, k: 3, lambda: 2, infinity: true, baseBlocks: [[-1, 0, 1], [0, 1, 3]], source: '1-rotational (6,3,2) over Z_5' },
  ...SEARCHED_FAMILIES,
];

/**
 * Develop base blocks over G: each base block B gives its distinct translates B + g (a
 * block stabilised by a subgroup H gives |G|/|H| of them: a short orbit). inf is fixed.
 */
export function developFamily(f: DifferenceFamily): Design {
  const group = f.group ?? [f.infinity ? f.v - 1 : f.v];
  const n = group.reduce((a, g) => a * g, 1);
  const comps = f.components ?? 1;
  if (comps * n + (f.infinity ? 1 : 0) !== f.v) throw new RangeError(`family for v = ${f.v} covers ${comps * n + (f.infinity ? 1 : 0)} points`);
  const add = groupAdd(group);
  const blocks: number[][] = [];
  for (const base of f.baseBlocks) {
    const seen = new Set<string>();
    for (let g = 0; g < n; g++) {
      const blk = base.map((x) => (x < 0 ? f.v - 1 : Math.floor(x / n) * n + add(x % n, g)));
      const key = blk.slice().sort((a, b) => a - b).join(',');
      if (seen.has(key)) continue;
      seen.add(key);
      blocks.push(blk);
    }
  }
  const over = group.length > 1 ? group.map((g) => `Z_${g}`).join('x') : `Z_${n}`;
  const kind = f.infinity ? '1-rotational ' : '';
  return { v: f.v, k: f.k, lambda: f.lambda, blocks, name: `${kind}DF(${f.v},${f.k},${f.lambda}) over ${comps > 1 ? `${comps} x ` : ''}${over}` };
}

/** Every block has k distinct points in 0..v-1 and every pair lies in exactly lambda blocks. */
export function isDesign(d: Design): boolean {
  const v = d.v;
  const count = new Int32Array(v * v);
  for (const b of d.blocks) {
    if (b.length !== d.k || new Set(b).size !== d.k || b.some((x) => !(Number.isInteger(x) && x >= 0 && x < v))) return false;
    for (const x of b) for (const y of b) if (x < y) count[x * v + y]++;
  }
  for (let x = 0; x < v; x++) for (let y = x + 1; y < v; y++) if (count[x * v + y] !== d.lambda) return false;
  return true;
}

// ---------------------------------------------------------------- trivial and derived designs

/** All k-subsets of 0..v-1 in lexicographic order: lambda = C(v-2, k-2). */
export function completeDesign(v: number, k: number): Design {
  const blocks: number[][] = [];
  const cur: number[] = [];
  const rec = (start: number) => {
    if (cur.length === k) {
      blocks.push(cur.slice());
      return;
    }
    for (let x = start; x <= v - (k - cur.length); x++) {
      cur.push(x);
      rec(x + 1);
      cur.pop();
    }
  };
  rec(0);
  return { v, k, lambda: binom(v - 2, k - 2), blocks, name: `complete(${v},${k})` };
}

/** The complement design: a 2-(v, v-k, b - 2r + lambda) design. */
export function complementDesign(d: Design): Design {
  const r = (d.lambda * (d.v - 1)) / (d.k - 1);
  const blocks = d.blocks.map((blk) => {
    const s = new Set(blk);
    const out: number[] = [];
    for (let x = 0; x < d.v; x++) if (!s.has(x)) out.push(x);
    return out;
  });
  return { v: d.v, k: d.v - d.k, lambda: d.blocks.length - 2 * r + d.lambda, blocks, name: `complement of ${d.name}` };
}

export function unionDesigns(parts: readonly Design[]): Design {
  const d0 = parts[0];
  const counts = new Map<string, number>();
  for (const p of parts) counts.set(p.name, (counts.get(p.name) ?? 0) + 1);
  const name = [...counts.entries()].map(([n, c]) => (c > 1 ? `${c} x ${n}` : n)).join(' + ');
  return {
    v: d0.v,
    k: d0.k,
    lambda: parts.reduce((a, p) => a + p.lambda, 0),
    blocks: parts.flatMap((p) => p.blocks),
    name,
  };
}

export function binom(n: number, k: number): number {
  if (k < 0 || k > n) return 0;
  let r = 1;
  for (let i = 1; i <= k; i++) r = (r * (n - k + i)) / i;
  return Math.round(r);
}

// ---------------------------------------------------------------- registry

/** Largest number of blocks a complete design may have before we skip it. */
const COMPLETE_BLOCKS_MAX = 20000;

/** A design with exactly these parameters built directly (no unions), or undefined. */
export function directDesign(v: number, k: number, lambda: number): Design | undefined {
  if (k === 2 && lambda === 1) return completeDesign(v, 2);
  if (k === v) return undefined;
  if (k === 3 && lambda === 1) {
    if (v % 6 === 3) return stsBose(v);
    if (v % 6 === 1 && v >= 7) return stsSkolem(v);
  }
  if (lambda === 1) {
    // PG(n,q): v = (q^(n+1)-1)/(q-1), k = q+1; AG(n,q): v = q^n, k = q
    const q = k - 1;
    if (primePower(q)) {
      let pts = 1 + q + q * q;
      for (let n = 2; pts <= v; n++, pts = pts * q + 1) if (pts === v) return projectiveGeometry(n, q);
    }
    if (primePower(k)) {
      let pts = k * k;
      for (let n = 2; pts <= v; n++, pts *= k) if (pts === v) return affineGeometry(n, k);
    }
    if (q >= 3 && primePower(q) && v === q * q * q + 1 && q * q <= 64) return hermitianUnital(q);
  }
  const fam = DIFFERENCE_FAMILIES.find((f) => f.v === v && f.k === k && f.lambda === lambda);
  if (fam) return developFamily(fam);
  if (binom(v - 2, k - 2) === lambda && binom(v, k) <= COMPLETE_BLOCKS_MAX) return completeDesign(v, k);
  // complement of a known design with block size v-k
  if (v - k >= 2 && v - k < v) {
    const kc = v - k;
    // lambda of the complement: b - 2r + lambda' where the source has parameters (v, kc, lambda')
    for (let lc = 1; lc <= 2; lc++) {
      const rc = (lc * (v - 1)) / (kc - 1);
      if (!Number.isInteger(rc)) continue;
      const bc = (v * rc) / kc;
      if (!Number.isInteger(bc) || bc - 2 * rc + lc !== lambda) continue;
      if (kc === k) continue;
      const src = directDesign(v, kc, lc);
      if (src) return complementDesign(src);
    }
  }
  return undefined;
}

/**
 * A 2-(v, k, lambda) design from a direct construction or a union of them (lambda =
 * lambda_1 + lambda_2 + ...), preferring the fewest parts; undefined when none applies.
 */
export function findDesign(v: number, k: number, lambda: number): Design | undefined {
  if (!(Number.isInteger(lambda) && lambda >= 1 && k >= 2 && k <= v)) return undefined;
  const memo = new Map<number, Design[] | null>();
  const rec = (l: number): Design[] | null => {
    const hit = memo.get(l);
    if (hit !== undefined) return hit;
    memo.set(l, null); // guard
    const direct = directDesign(v, k, l);
    let best: Design[] | null = direct ? [direct] : null;
    if (!best)
      for (let a = l - 1; a >= 1; a--) {
        const da = directDesign(v, k, a);
        if (!da) continue;
        const rest = rec(l - a);
        if (rest) {
          best = [da, ...rest];
          break;
        }
      }
    memo.set(l, best);
    return best;
  };
  const parts = rec(lambda);
  return parts ? (parts.length === 1 ? parts[0] : unionDesigns(parts)) : undefined;
}
