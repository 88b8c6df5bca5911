/**
 * Cyclic tables and the seeded local search over their base blocks (pure).
 *
 * A cyclic table on Z_v is a set of base blocks; each full block B contributes its v
 * translates B+i, so every node lies in k of them and is at each position exactly once.
 * A short-orbit block B = H + A, where H is the subgroup of order m (m | gcd(k, v)) and A
 * holds k/m representatives of distinct cosets, contributes v/m translates: each node lies
 * in k/m of them. The pair count of x, y depends only on d = y - x:
 *   count(d) = sum over blocks of (#ordered pairs (a, b) in B with b - a = d) / m(B).
 * So balancing v(v-1)/2 pair counts reduces to balancing v-1 difference counts: a search
 * over (r/k) * k numbers instead of v*r slots. It is the same idea as a difference family
 * (ANCHORS.md "Block designs": {0,1,4,14,16} in Z_21), relaxed to "within 1".
 */
import { Rng } from '../prng';
import { Draws, IndexedSet } from './search';

/** Cached: global lookups in hot loops are slow under jest's vm context (house rule). */
const pow = Math.pow;
const exp = Math.exp;

export interface CyclicBlock {
  /** the k residues of the block, in chain order (head first) */
  readonly elems: readonly number[];
  /** orbit divisor: 1 for a full orbit, m > 1 for the short orbit of a block invariant under +v/m */
  readonly m: number;
}

/** How r = sum over blocks of k/m splits: `full` full-orbit blocks and short-orbit divisors. */
export interface CyclicPlan {
  readonly full: number;
  readonly short: readonly number[];
}

/**
 * Plan the orbits for (v, k, r): r = k*full + sum(k/m_i) with m_i | gcd(k, v), m_i > 1.
 * Undefined when no such split exists (then the table cannot be cyclic in this sense).
 */
export function cyclicPlan(v: number, k: number, r: number): CyclicPlan | undefined {
  const divisors: number[] = [];
  for (let m = 2; m <= k; m++) if (k % m === 0 && v % m === 0) divisors.push(m);
  for (let full = Math.floor(r / k); full >= 0 && full >= Math.floor(r / k) - 2; full--) {
    const s = r - k * full;
    // fewest short orbits summing to s, each contributing k/m
    const best: (number[] | undefined)[] = [[]];
    for (let x = 1; x <= s; x++) {
      let pick: number[] | undefined;
      for (const m of divisors) {
        const c = k / m;
        const prev = x - c >= 0 ? best[x - c] : undefined;
        if (prev && (!pick || prev.length + 1 < pick.length)) pick = [...prev, m];
      }
      best.push(pick);
    }
    if (best[s]) return { full, short: best[s]! };
  }
  return undefined;
}

/** Expand a block's representatives (k/m of them) into its k residues: rep + j*v/m. */
export function shortBlock(v: number, m: number, reps: readonly number[]): number[] {
  const out: number[] = [];
  for (let j = 0; j < m; j++) for (const a of reps) out.push((a + (j * v) / m) % v);
  return out;
}

/** Develop base blocks into chains (full blocks first in order, then short ones). */
export function developCyclic(v: number, blocks: readonly CyclicBlock[]): number[][] {
  const chains: number[][] = [];
  for (const b of blocks) {
    const len = v / b.m;
    for (let i = 0; i < len; i++) chains.push(b.elems.map((x) => (x + i) % v));
  }
  return chains;
}

/** Difference counts count[d], d in 0..v-1 (count[0] unused), of a set of base blocks. */
export function differenceCounts(v: number, blocks: readonly CyclicBlock[]): Int32Array {
  const c = new Int32Array(v);
  for (const b of blocks) addBlock(c, v, b.elems, b.m, 1);
  return c;
}

function addBlock(c: Int32Array, v: number, elems: readonly number[], m: number, sign: 1 | -1): void {
  // each ordered pair contributes 1/m; pairs come in groups of m with equal difference, so
  // count per (pair of representatives' coset classes): we add sign/m via an integer trick:
  // accumulate m-scaled counts is avoided by adding only pairs whose first element is a representative.
  const k = elems.length;
  const reps = k / m;
  for (let i = 0; i < reps; i++)
    for (let j = 0; j < k; j++) {
      if (i === j) continue;
      const d = (elems[j] - elems[i] + v) % v;
      c[d] += sign;
    }
}

/** Extra cost per unit a difference count lies outside [floor(mean), ceil(mean)]. */
const OUTSIDE_WEIGHT = 6;
/** Cost per occurrence of a forbidden (same-domain) difference. */
const FORBID_WEIGHT = 200;

export interface CyclicSearchResult {
  readonly blocks: CyclicBlock[];
  /** number of difference classes d in 1..floor(v/2) outside [lo, hi] */
  readonly bad: number;
  readonly iterations: number;
}

/**
 * Mutable search state (linear: each `run` consumes and returns the same object). The
 * cost is sum_d count(d)^2, whose minimum over a fixed total is reached exactly when every
 * count is floor(mean) or ceil(mean); moves replace one residue of one block (Metropolis,
 * geometric cooling in epochs), half of them aimed at a difference outside the band.
 */
export class CyclicSearch {
  readonly blocks: { elems: number[]; m: number }[];
  readonly count: Int32Array;
  readonly lo: number;
  readonly hi: number;
  private readonly badSet: IndexedSet;
  private readonly rng: Draws;
  iterations = 0;
  private best: CyclicBlock[];
  private bestBad: number;
  private readonly epochLen: number;
  private readonly stamp: Int32Array;
  private stampGen = 0;
  private readonly touched: Int32Array;
  private readonly before: Int32Array;

  constructor(
    readonly v: number,
    readonly k: number,
    readonly r: number,
    plan: CyclicPlan,
    seed: number,
    /** failure domains as residues mod D: differences that are multiples of D must not occur */
    readonly forbidMod = 0,
  ) {
    const rng0 = new Rng(seed);
    this.rng = new Draws(rng0);
    const eligible = forbidMod > 0 ? v - v / forbidMod : v - 1;
    const mean = (r * (k - 1)) / eligible;
    this.lo = Math.floor(mean + 1e-9);
    this.hi = Math.ceil(mean - 1e-9);
    this.blocks = [];
    for (let i = 0; i < plan.full; i++) {
      const set = new Set<number>();
      while (set.size < k) set.add(this.rng.below(v));
      this.blocks.push({ elems: [...set], m: 1 });
    }
    for (const m of plan.short) {
      const cos = v / m;
      const reps = new Set<number>();
      const cls = new Set<number>();
      while (reps.size < k / m) {
        const a = this.rng.below(cos); // representative in [0, v/m): distinct cosets
        if (cls.has(a % cos)) continue;
        cls.add(a % cos);
        reps.add(a);
      }
      this.blocks.push({ elems: shortBlock(v, m, [...reps]), m });
    }
    this.count = differenceCounts(v, this.blocks);
    this.stamp = new Int32Array(v);
    this.touched = new Int32Array(2 * k * k);
    this.before = new Int32Array(2 * k * k);
    this.badSet = new IndexedSet(v);
    for (let d = 1; d <= v >> 1; d++) this.updateBad(d);
    this.best = this.snapshot();
    this.bestBad = this.badSet.size;
    this.epochLen = Math.max(20000, 40 * this.blocks.length * k * k);
  }

  get bad(): number {
    return this.badSet.size;
  }

  private forbidden(d: number): boolean {
    return this.forbidMod > 0 && d % this.forbidMod === 0;
  }

  private isBad(d: number): boolean {
    const c = this.count[d];
    if (this.forbidden(d)) return c > 0;
    return c < this.lo || c > this.hi;
  }

  private updateBad(d: number): void {
    const dd = d < this.v - d ? d : this.v - d;
    if (dd !== 0) this.badSet.set(dd, this.isBad(dd));
  }

  private snapshot(): CyclicBlock[] {
    return this.blocks.map((b) => ({ elems: b.elems.slice(), m: b.m }));
  }

  private cell(d: number, c: number): number {
    if (this.forbidden(d)) return FORBID_WEIGHT * c;
    return c * c + OUTSIDE_WEIGHT * (c < this.lo ? this.lo - c : c > this.hi ? c - this.hi : 0);
  }

  /** Replace block i by `next`; returns the cost change over the touched differences. */
  private replace(i: number, next: number[]): number {
    const b = this.blocks[i];
    const v = this.v;
    const gen = ++this.stampGen;
    let n = 0;
    for (const elems of [b.elems, next]) {
      const reps = elems.length / b.m;
      for (let x = 0; x < reps; x++)
        for (let y = 0; y < elems.length; y++) {
          if (x === y) continue;
          const d = (elems[y] - elems[x] + v) % v;
          if (this.stamp[d] === gen) continue;
          this.stamp[d] = gen;
          this.touched[n] = d;
          this.before[n++] = this.count[d];
        }
    }
    addBlock(this.count, v, b.elems, b.m, -1);
    addBlock(this.count, v, next, b.m, 1);
    let delta = 0;
    for (let t = 0; t < n; t++) {
      const d = this.touched[t];
      delta += this.cell(d, this.count[d]) - this.cell(d, this.before[t]);
    }
    b.elems = next;
    return delta;
  }

  /** A candidate replacement for one block, or undefined. */
  private propose(): [number, number[]] | undefined {
    const v = this.v;
    const rng = this.rng;
    if (this.badSet.size > 0 && rng.below(2) === 0) {
      const d = this.badSet.at(rng.below(this.badSet.size));
      if (!this.forbidden(d) && this.count[d] < this.lo) {
        // create difference d: set one residue to another residue +- d
        const i = rng.below(this.blocks.length);
        const b = this.blocks[i];
        if (b.m !== 1) return undefined;
        const j = rng.below(this.k);
        let a = rng.below(this.k - 1);
        if (a >= j) a++;
        const x = (b.elems[a] + (rng.below(2) === 0 ? d : v - d)) % v;
        if (b.elems.includes(x)) return undefined;
        const next = b.elems.slice();
        next[j] = x;
        return [i, next];
      }
      // too many: find a full block holding difference d and move one end of it
      const start = rng.below(this.blocks.length);
      for (let t = 0; t < this.blocks.length; t++) {
        const i = (start + t) % this.blocks.length;
        const b = this.blocks[i];
        if (b.m !== 1) continue;
        for (let x = 0; x < this.k; x++)
          for (let y = 0; y < this.k; y++) {
            if (x === y || (b.elems[y] - b.elems[x] + v) % v !== d) continue;
            const j = rng.below(2) === 0 ? x : y;
            const nx = rng.below(v);
            if (b.elems.includes(nx)) return undefined;
            const next = b.elems.slice();
            next[j] = nx;
            return [i, next];
          }
      }
      return undefined;
    }
    const i = rng.below(this.blocks.length);
    const b = this.blocks[i];
    if (b.m === 1) {
      const j = rng.below(this.k);
      const nx = rng.below(v);
      if (b.elems.includes(nx)) return undefined;
      const next = b.elems.slice();
      next[j] = nx;
      return [i, next];
    }
    // short orbit: move one representative to another coset
    const cos = v / b.m;
    const reps = b.elems.slice(0, this.k / b.m);
    const j = rng.below(reps.length);
    const nx = rng.below(cos);
    if (reps.some((a, t) => t !== j && a % cos === nx)) return undefined;
    reps[j] = nx;
    return [i, shortBlock(v, b.m, reps)];
  }

  /** Run up to `iterations` moves; stops early once every difference is in the band. */
  run(iterations: number): this {
    const T0 = 1.0;
    const T1 = 0.05;
    for (let n = 0; n < iterations && this.badSet.size > 0; n++) {
      const phase = (this.iterations % this.epochLen) / this.epochLen;
      const T = T0 * pow(T1 / T0, phase);
      this.iterations++;
      const prop = this.propose();
      if (!prop) continue;
      const [i, next] = prop;
      const old = this.blocks[i].elems;
      const delta = this.replace(i, next);
      if (delta <= 0 || this.rng.float() < exp(-delta / T)) {
        for (const e of [old, next]) {
          const reps = e.length / this.blocks[i].m;
          for (let x = 0; x < reps; x++) for (let y = 0; y < e.length; y++) if (x !== y) this.updateBad((e[y] - e[x] + this.v) % this.v);
        }
        if (this.badSet.size < this.bestBad) {
          this.bestBad = this.badSet.size;
          this.best = this.snapshot();
        }
      } else {
        this.replace(i, old);
      }
    }
    return this;
  }

  result(): CyclicSearchResult {
    if (this.badSet.size <= this.bestBad) return { blocks: this.snapshot(), bad: this.badSet.size, iterations: this.iterations };
    return { blocks: this.best.map((b) => ({ elems: b.elems.slice(), m: b.m })), bad: this.bestBad, iterations: this.iterations };
  }
}
