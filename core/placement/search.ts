/**
 * Pair-level local search (pure, seeded): simulated annealing over chain tables.
 *
 * State: b chains of k slots; every node holds exactly r slots; pair counts c(x, y) in a
 * v*v matrix. A move swaps the nodes of two slots in different chains (legal when neither
 * node is already in the other chain), so the per-node count r and distinctness within a
 * chain are invariants of every move (checked by `checkStructure`).
 *
 * Cost (integer): sum over eligible pairs of c^2 (minimal for a fixed total exactly when
 * every count is floor(mean) or ceil(mean), i.e. spread <= 1), plus `forbidWeight * c` for
 * pairs in the same failure domain (they must share no chain), plus `moveWeight` per slot
 * of an existing chain whose node differs from its original (expansion). The search keeps
 * an indexed set of "bad" pairs (outside [lo, hi], or same-domain with c > 0) and aims
 * most moves at one of them; it stops as soon as the set is empty (and, for expansion,
 * after a polishing phase that tries to put original nodes back).
 */
import { Rng } from '../prng';
import { invariant } from '../types';

/** Cached: global lookups in hot loops are slow under jest's vm context (house rule). */
const pow = Math.pow;
const exp = Math.exp;
const floor = Math.floor;

/**
 * Small uniform integers from core/prng's generator, 16 bits at a time by multiply-shift
 * (bias below n / 2^16, harmless for a search heuristic); larger n use Rng.below. Halves
 * the generator calls in the hot loop. Deterministic: same Rng state, same draws.
 */
export class Draws {
  private word = 0;
  private left = 0;
  constructor(private readonly rng: Rng) {}
  below(n: number): number {
    if (n > 0x10000) return this.rng.below(n);
    if (this.left === 0) {
      this.word = this.rng.u32();
      this.left = 2;
    }
    const bits = this.left === 2 ? this.word >>> 16 : this.word & 0xffff;
    this.left--;
    return (bits * n) >>> 16;
  }
  float(): number {
    return this.rng.float();
  }
}

/** A set of integers in [0, capacity) with O(1) insert, delete and uniform pick by index. */
export class IndexedSet {
  private readonly pos: Int32Array;
  private readonly list: Int32Array;
  size = 0;
  constructor(capacity: number, listCapacity = capacity) {
    this.pos = new Int32Array(capacity).fill(-1);
    this.list = new Int32Array(listCapacity);
  }
  /** Make membership of x equal `member`. */
  set(x: number, member: boolean): void {
    const p = this.pos[x];
    if (member && p < 0) {
      this.pos[x] = this.size;
      this.list[this.size++] = x;
    } else if (!member && p >= 0) {
      const last = this.list[--this.size];
      this.list[p] = last;
      this.pos[last] = p;
      this.pos[x] = -1;
    }
  }
  at(i: number): number {
    return this.list[i];
  }
}

export interface PairSearchConfig {
  readonly v: number;
  readonly k: number;
  readonly r: number;
  /** chains as b*k node ids, row-major (head first); copied */
  readonly chains: Int32Array;
  /** failure domain of each node; nodes of one domain must not share a chain */
  readonly domainOf?: Int32Array;
  /** original node of each slot (-1: a new slot): expansion counts moved targets */
  readonly original?: Int32Array;
  readonly seed: number;
  /** expansion: moves spent after balance is reached putting original nodes back */
  readonly polish?: number;
  /** annealing temperatures (start, end of each epoch) and the extra weight per unit outside the band */
  readonly tuning?: {
    readonly t0?: number;
    readonly t1?: number;
    readonly outsideWeight?: number;
    readonly epochLen?: number;
    readonly moveWeight?: number;
    /** expansion: a higher cost per moved target until this many total moves, then `moveWeight` */
    readonly moveWeightHigh?: number;
    readonly highUntil?: number;
  };
}

export interface PairSearchStatus {
  readonly bad: number;
  readonly moved: number;
  readonly iterations: number;
  readonly cost: number;
}

export class PairSearch {
  readonly v: number;
  readonly k: number;
  readonly r: number;
  readonly b: number;
  readonly chains: Int32Array;
  readonly count: Int32Array;
  readonly lo: number;
  readonly hi: number;
  iterations = 0;
  cost = 0;
  private readonly nodeSlots: Int32Array;
  private readonly slotRef: Int32Array;
  private readonly domainOf?: Int32Array;
  private readonly original?: Int32Array;
  private readonly forbidWeight: number;
  private moveWeight: number;
  private readonly baseMoveWeight: number;
  private readonly highUntil: number;
  private readonly badSet: IndexedSet;
  private readonly movedSet: IndexedSet;
  private readonly rng: Draws;
  private readonly epochLen: number;
  private bestChains: Int32Array;
  private readonly t0: number;
  private readonly t1: number;
  private readonly outW: number;
  private polishLeft: number;
  private bestKey: [number, number];
  private bestMoved = 0;

  constructor(cfg: PairSearchConfig) {
    const { v, k, r } = cfg;
    this.v = v;
    this.k = k;
    this.r = r;
    this.b = cfg.chains.length / k;
    invariant(Number.isInteger(this.b) && this.b * k === v * r, 'INV-PLACE-SHAPE', () => `chains ${cfg.chains.length} != v*r = ${v * r}`);
    this.chains = Int32Array.from(cfg.chains);
    this.domainOf = cfg.domainOf;
    this.original = cfg.original;
    this.rng = new Draws(new Rng(cfg.seed));
    this.forbidWeight = 8 * r * k + 64;
    this.baseMoveWeight = cfg.original ? cfg.tuning?.moveWeight ?? 3 : 0;
    this.highUntil = cfg.original && cfg.tuning?.moveWeightHigh !== undefined ? cfg.tuning.highUntil ?? 0 : 0;
    this.moveWeight = this.highUntil > 0 ? cfg.tuning!.moveWeightHigh! : this.baseMoveWeight;
    this.t0 = cfg.tuning?.t0 ?? 1.0;
    this.t1 = cfg.tuning?.t1 ?? 0.05;
    this.outW = cfg.tuning?.outsideWeight ?? 6;
    this.polishLeft = cfg.original ? cfg.polish ?? 0 : 0;
    // eligible pairs and the band
    let eligible = (v * (v - 1)) / 2;
    if (this.domainOf) {
      const size = new Map<number, number>();
      for (let x = 0; x < v; x++) size.set(this.domainOf[x], (size.get(this.domainOf[x]) ?? 0) + 1);
      for (const s of size.values()) eligible -= (s * (s - 1)) / 2;
    }
    const total = (this.b * k * (k - 1)) / 2;
    const mean = eligible > 0 ? total / eligible : 0;
    this.lo = Math.floor(mean + 1e-9);
    this.hi = Math.ceil(mean - 1e-9);
    // slots per node
    this.nodeSlots = new Int32Array(v * r);
    this.slotRef = new Int32Array(this.b * k);
    const fill = new Int32Array(v);
    for (let s = 0; s < this.b * k; s++) {
      const x = this.chains[s];
      invariant(x >= 0 && x < v && fill[x] < r, 'INV-PLACE-R', () => `node ${x} holds more than r=${r} slots`);
      const i = x * r + fill[x]++;
      this.nodeSlots[i] = s;
      this.slotRef[s] = i;
    }
    this.count = new Int32Array(v * v);
    for (let c = 0; c < this.b; c++)
      for (let i = 0; i < k; i++)
        for (let j = i + 1; j < k; j++) {
          const x = this.chains[c * k + i];
          const y = this.chains[c * k + j];
          invariant(x !== y, 'INV-PLACE-DISTINCT', () => `chain ${c} holds node ${x} twice`);
          this.count[x * v + y]++;
          this.count[y * v + x]++;
        }
    this.badSet = new IndexedSet(v * v, (v * (v - 1)) / 2 + 1);
    for (let x = 0; x < v; x++)
      for (let y = x + 1; y < v; y++) {
        const c = this.count[x * v + y];
        this.cost += this.pen(x, y, c);
        this.updateBad(x, y);
      }
    this.movedSet = new IndexedSet(this.b * k);
    if (this.original) for (let s = 0; s < this.b * k; s++) this.updateMoved(s);
    this.cost += this.moved * this.moveWeight;
    this.epochLen = cfg.tuning?.epochLen ?? Math.max(50000, 20 * this.b * k);
    this.bestChains = Int32Array.from(this.chains);
    this.bestKey = [this.badN, this.cost];
    this.bestMoved = this.moved;
  }

  get bad(): number {
    return this.badN;
  }

  /** No bad pair left and no polishing left: nothing more to do. */
  get finished(): boolean {
    return this.badN === 0 && this.polishLeft <= 0;
  }

  status(): PairSearchStatus {
    return { bad: this.badN, moved: this.moved, iterations: this.iterations, cost: this.cost };
  }

  private eligible(x: number, y: number): boolean {
    return !this.domainOf || this.domainOf[x] !== this.domainOf[y];
  }

  private outside(c: number): number {
    return c < this.lo ? this.lo - c : c > this.hi ? c - this.hi : 0;
  }

  private pen(x: number, y: number, c: number): number {
    return this.eligible(x, y) ? c * c + this.outW * this.outside(c) : this.forbidWeight * c;
  }

  private isBad(x: number, y: number): boolean {
    const c = this.count[x * this.v + y];
    return this.eligible(x, y) ? c < this.lo || c > this.hi : c > 0;
  }

  private updateBad(x: number, y: number): void {
    this.badSet.set(x < y ? x * this.v + y : y * this.v + x, this.isBad(x, y));
  }

  private isMoved(s: number): boolean {
    return this.original !== undefined && this.original[s] >= 0 && this.original[s] !== this.chains[s];
  }

  private updateMoved(s: number): void {
    this.movedSet.set(s, this.isMoved(s));
  }

  /** Targets of original chains currently on another node. */
  get moved(): number {
    return this.movedSet.size;
  }

  private get badN(): number {
    return this.badSet.size;
  }

  private bump(x: number, y: number, d: 1 | -1): number {
    const v = this.v;
    const c = this.count[x * v + y];
    this.count[x * v + y] = c + d;
    this.count[y * v + x] = c + d;
    if (this.eligible(x, y)) return (d === 1 ? 2 * c + 1 : 1 - 2 * c) + this.outW * (this.outside(c + d) - this.outside(c));
    return d * this.forbidWeight;
  }

  private inChain(c: number, x: number): boolean {
    const k = this.k;
    for (let i = c * k; i < c * k + k; i++) if (this.chains[i] === x) return true;
    return false;
  }

  /** Is swapping the nodes of slots s1 and s2 legal (distinct chains, no duplicates)? */
  legal(s1: number, s2: number): boolean {
    const k = this.k;
    const c1 = (s1 / k) | 0;
    const c2 = (s2 / k) | 0;
    if (c1 === c2) return false;
    const x = this.chains[s1];
    const y = this.chains[s2];
    if (x === y) return false;
    return !this.inChain(c1, y) && !this.inChain(c2, x);
  }

  /** Swap the nodes of two slots, updating counts; returns the cost delta. */
  private swap(s1: number, s2: number): number {
    const k = this.k;
    const c1 = (s1 / k) | 0;
    const c2 = (s2 / k) | 0;
    const x = this.chains[s1];
    const y = this.chains[s2];
    let delta = 0;
    for (let i = c1 * k; i < c1 * k + k; i++) {
      if (i === s1) continue;
      const a = this.chains[i];
      delta += this.bump(x, a, -1) + this.bump(y, a, 1);
    }
    for (let i = c2 * k; i < c2 * k + k; i++) {
      if (i === s2) continue;
      const a = this.chains[i];
      delta += this.bump(y, a, -1) + this.bump(x, a, 1);
    }
    if (this.original) {
      const before = (this.isMoved(s1) ? 1 : 0) + (this.isMoved(s2) ? 1 : 0);
      this.chains[s1] = y;
      this.chains[s2] = x;
      const after = (this.isMoved(s1) ? 1 : 0) + (this.isMoved(s2) ? 1 : 0);
      delta += (after - before) * this.moveWeight;
    } else {
      this.chains[s1] = y;
      this.chains[s2] = x;
    }
    const i1 = this.slotRef[s1];
    const i2 = this.slotRef[s2];
    this.nodeSlots[i1] = s2;
    this.slotRef[s2] = i1;
    this.nodeSlots[i2] = s1;
    this.slotRef[s1] = i2;
    return delta;
  }

  private afterAccept(s1: number, s2: number): void {
    const k = this.k;
    const c1 = (s1 / k) | 0;
    const c2 = (s2 / k) | 0;
    const x = this.chains[s2]; // moved to s2
    const y = this.chains[s1];
    for (let i = c1 * k; i < c1 * k + k; i++) {
      if (i === s1) continue;
      this.updateBad(x, this.chains[i]);
      this.updateBad(y, this.chains[i]);
    }
    for (let i = c2 * k; i < c2 * k + k; i++) {
      if (i === s2) continue;
      this.updateBad(x, this.chains[i]);
      this.updateBad(y, this.chains[i]);
    }
    if (this.original) {
      this.updateMoved(s1);
      this.updateMoved(s2);
    }
  }

  private randomSlotOf(x: number): number {
    return this.nodeSlots[x * this.r + this.rng.below(this.r)];
  }

  /** A pair of slots to swap, aimed at a bad pair when there is one. */
  private propose(polish: boolean): [number, number] | undefined {
    const rng = this.rng;
    const k = this.k;
    const n = this.b * k;
    if (polish && this.moved > 0 && rng.below(2) === 0) {
      // put an original node back where it was
      const s = this.movedSet.at(rng.below(this.moved));
      const t = this.randomSlotOf(this.original![s]);
      return [s, t];
    }
    if (this.badN > 0 && rng.below(8) !== 0) {
      const p = this.badSet.at(rng.below(this.badN));
      const x = floor(p / this.v);
      const y = p % this.v;
      const c = this.count[p];
      if (this.eligible(x, y) && c < this.lo) {
        // bring y into a chain of x, in place of some z
        const sx = this.randomSlotOf(x);
        const cx = (sx / k) | 0;
        let sz = cx * k + rng.below(k - 1);
        if (sz >= sx) sz++;
        return [sz, this.randomSlotOf(y)];
      }
      // separate: find a chain holding both, move one of them out
      const start = rng.below(this.r);
      for (let t = 0; t < this.r; t++) {
        const sx = this.nodeSlots[x * this.r + ((start + t) % this.r)];
        const cx = (sx / k) | 0;
        for (let i = cx * k; i < cx * k + k; i++)
          if (this.chains[i] === y) {
            const su = rng.below(2) === 0 ? sx : i;
            return [su, rng.below(n)];
          }
      }
      return undefined;
    }
    return [rng.below(n), rng.below(n)];
  }

  /**
   * Run up to `iterations` moves; stops early when `finished`. Returns this (the state is
   * linear). Chunking does not matter: run(a); run(b) does what run(a + b) does.
   */
  run(iterations: number): this {
    const T0 = this.t0;
    const T1 = this.t1;
    for (let n = 0; n < iterations; n++) {
      if (this.finished) break;
      if (this.iterations === this.highUntil && this.moveWeight !== this.baseMoveWeight) {
        // the high-weight stretch is over: same state, lower price per moved target
        this.cost += this.moved * (this.baseMoveWeight - this.moveWeight);
        this.bestKey = [this.bestKey[0], this.bestKey[1] + this.bestMoved * (this.baseMoveWeight - this.moveWeight)];
        this.moveWeight = this.baseMoveWeight;
      }
      const polishing = this.badN === 0;
      if (polishing) this.polishLeft--;
      const phase = (this.iterations % this.epochLen) / this.epochLen;
      const T = polishing ? 0 : T0 * pow(T1 / T0, phase);
      this.iterations++;
      const prop = this.propose(polishing);
      if (!prop) continue;
      const [s1, s2] = prop;
      if (!this.legal(s1, s2)) continue;
      const delta = this.swap(s1, s2);
      if (delta <= 0 || (T > 0 && this.rng.float() < exp(-delta / T))) {
        this.cost += delta;
        this.afterAccept(s1, s2);
        if (polishing && this.badN > 0) {
          // polishing must never break balance: undo
          this.cost += this.swap(s1, s2);
          this.afterAccept(s1, s2);
        }
      } else {
        this.swap(s1, s2);
      }
      if (this.iterations % this.epochLen === 0) this.keepBest();
    }
    this.keepBest();
    return this;
  }

  private keepBest(): void {
    if (this.badN < this.bestKey[0] || (this.badN === this.bestKey[0] && this.cost <= this.bestKey[1])) {
      this.bestKey = [this.badN, this.cost];
      this.bestMoved = this.moved;
      this.bestChains.set(this.chains);
    }
  }

  /** The best table seen (fewest bad pairs, then lowest cost), as b*k node ids. */
  best(): Int32Array {
    this.keepBest();
    return Int32Array.from(this.bestChains);
  }
}

/** Throws InvariantViolation unless every node holds r slots and no chain repeats a node. */
export function checkStructure(v: number, k: number, r: number, chains: Int32Array): void {
  const held = new Int32Array(v);
  for (let c = 0; c < chains.length / k; c++)
    for (let i = 0; i < k; i++) {
      const x = chains[c * k + i];
      invariant(x >= 0 && x < v, 'INV-PLACE-RANGE', () => `chain ${c} holds node ${x} outside 0..${v - 1}`);
      held[x]++;
      for (let j = 0; j < i; j++) invariant(chains[c * k + j] !== x, 'INV-PLACE-DISTINCT', () => `chain ${c} holds node ${x} twice`);
    }
  for (let x = 0; x < v; x++) invariant(held[x] === r, 'INV-PLACE-R', () => `node ${x} holds ${held[x]} targets, expected ${r}`);
}
