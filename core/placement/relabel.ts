/**
 * Relabelling (pure, seeded): lay a freshly generated table for v + N nodes over an old table
 * for v nodes so that as few old targets as possible move.
 *
 * Given the old chains A_0..A_{b-1} (nodes 0..v-1) and a new table B (labels 0..n-1), choose
 * a bijection sigma from labels to node ids and an injective matching m from old chain slots
 * to new chains maximising the overlap sum_c |sigma(B_m(c)) n A_c|; moved targets are
 * b*k minus that overlap. Relabelling permutes the pair-count matrix, so spread, exactness
 * and (with domains, since sigma only maps a label to an id of the same domain) the
 * cross-domain figures are those of B. proofs-notes/placement-expansion.md ("fallback").
 *
 * Method: a seed-and-extend start (new chains visited most-constrained first: the one with
 * the most labels already mapped; each is matched to the free old chain that agrees most with the labels already mapped,
 * and its unmapped labels take that chain's unmapped ids), then alternation: with sigma
 * fixed, match chains greedily by overlap (k down to 1); with the matching fixed, sigma is a
 * linear assignment (M[x][y] = matched chain pairs with x in the new chain and y in the old
 * one), solved exactly by the Hungarian method when n <= RELABEL_HUNGARIAN_MAX. A few seeded
 * restarts; the best overlap wins.
 */
import { Rng } from '../prng';

export interface Relabelling {
  /** the new table's chains relabelled and reordered: slots 0..b-1 are the old chains' slots */
  readonly chains: Int32Array;
  /** old targets whose node differs (by chain slot, as a set) */
  readonly moved: number;
  readonly restarts: number;
}

/** Above this many nodes the exact node assignment (O(n^3)) is skipped. */
export const RELABEL_HUNGARIAN_MAX = 1200;
const ROUNDS_MAX = 6;

interface Csr {
  readonly start: Int32Array;
  readonly items: Int32Array;
}

function incidence(n: number, k: number, flat: Int32Array): Csr {
  const count = new Int32Array(n + 1);
  for (let i = 0; i < flat.length; i++) count[flat[i] + 1]++;
  for (let x = 0; x < n; x++) count[x + 1] += count[x];
  const fill = count.slice(0, n);
  const items = new Int32Array(flat.length);
  for (let i = 0; i < flat.length; i++) items[fill[flat[i]]++] = (i / k) | 0;
  return { start: count, items };
}

/** Hungarian method (minimisation, square n x n, cost row-major); returns col of each row. */
export function assignMin(n: number, cost: Float64Array): Int32Array {
  const INF = Number.POSITIVE_INFINITY;
  const u = new Float64Array(n + 1);
  const w = new Float64Array(n + 1);
  const p = new Int32Array(n + 1); // p[col] = row (1-based), 0 = none
  const way = new Int32Array(n + 1);
  const minv = new Float64Array(n + 1);
  const used = new Uint8Array(n + 1);
  for (let i = 1; i <= n; i++) {
    p[0] = i;
    let j0 = 0;
    minv.fill(INF);
    used.fill(0);
    do {
      used[j0] = 1;
      const i0 = p[j0];
      let delta = INF;
      let j1 = 0;
      const row = (i0 - 1) * n - 1;
      const ui0 = u[i0];
      for (let j = 1; j <= n; j++) {
        if (used[j]) continue;
        const cur = cost[row + j] - ui0 - w[j];
        if (cur < minv[j]) {
          minv[j] = cur;
          way[j] = j0;
        }
        if (minv[j] < delta) {
          delta = minv[j];
          j1 = j;
        }
      }
      for (let j = 0; j <= n; j++) {
        if (used[j]) {
          u[p[j]] += delta;
          w[j] -= delta;
        } else minv[j] -= delta;
      }
      j0 = j1;
    } while (p[j0] !== 0);
    do {
      const j1 = way[j0];
      p[j0] = p[j1];
      j0 = j1;
    } while (j0 !== 0);
  }
  const colOf = new Int32Array(n);
  for (let j = 1; j <= n; j++) colOf[p[j] - 1] = j - 1;
  return colOf;
}

class Problem {
  readonly b: number;
  readonly b2: number;
  readonly aIdx: Csr; // old id -> old chains
  readonly bIdx: Csr; // label -> new chains
  constructor(
    readonly v: number,
    readonly n: number,
    readonly k: number,
    readonly a: Int32Array,
    readonly bt: Int32Array,
    readonly dom: Int32Array | undefined,
  ) {
    this.b = a.length / k;
    this.b2 = bt.length / k;
    this.aIdx = incidence(v, k, a);
    this.bIdx = incidence(n, k, bt);
  }

  /** Seed-and-extend start: sigma (label -> id). */
  seedExtend(rng: Rng): Int32Array {
    const { n, k, b, b2, a, bt, aIdx, bIdx, dom } = this;
    const sigma = new Int32Array(n).fill(-1);
    const inv = new Int32Array(n).fill(-1);
    const aUsed = new Uint8Array(b);
    const done = new Uint8Array(b2);
    const cnt = new Int32Array(b2);
    const score = new Int32Array(b);
    const stamp = new Int32Array(b).fill(-1);
    const cand: number[] = [];
    const order = rng.shuffle([...Array(b2).keys()]);
    const aOrder = rng.shuffle([...Array(b).keys()]);
    let aPtr = 0;
    // new chains by how many of their labels are mapped (most constrained first; lazy entries)
    const stacks: number[][] = [];
    for (let t = 0; t <= k; t++) stacks.push([]);
    for (let i = order.length - 1; i >= 0; i--) stacks[0].push(order[i]);
    const mapInto = (beta: number, c: number) => {
      aUsed[c] = 1;
      for (let j = 0; j < k; j++) {
        const x = bt[beta * k + j];
        if (sigma[x] >= 0) continue;
        for (let t = 0; t < k; t++) {
          const y = a[c * k + t];
          if (inv[y] < 0 && (!dom || dom[x] === dom[y])) {
            sigma[x] = y;
            inv[y] = x;
            for (let q = bIdx.start[x]; q < bIdx.start[x + 1]; q++) {
              const g = bIdx.items[q];
              if (!done[g]) stacks[++cnt[g]].push(g);
            }
            break;
          }
        }
      }
    };
    const visit = (beta: number) => {
      cand.length = 0;
      let mapped = 0;
      for (let j = 0; j < k; j++) {
        const y = sigma[bt[beta * k + j]];
        if (y < 0 || y >= this.v) continue;
        mapped++;
        for (let s = aIdx.start[y]; s < aIdx.start[y + 1]; s++) {
          const c = aIdx.items[s];
          if (aUsed[c]) continue;
          if (stamp[c] !== beta) {
            stamp[c] = beta;
            score[c] = 0;
            cand.push(c);
          }
          score[c]++;
        }
      }
      if (mapped === 0) {
        // a fresh component: the next old chain whose ids are all unmapped
        while (aPtr < b) {
          const c = aOrder[aPtr++];
          if (aUsed[c]) continue;
          let free = true;
          for (let t = 0; t < k && free; t++) free = inv[a[c * k + t]] < 0;
          if (free) {
            mapInto(beta, c);
            return;
          }
        }
        return;
      }
      let best = -1;
      let bestGain = 0;
      for (const c of cand) {
        let free = 0;
        for (let t = 0; t < k; t++) if (inv[a[c * k + t]] < 0) free++;
        const gain = score[c] + Math.min(free, k - mapped);
        if (gain > bestGain) {
          bestGain = gain;
          best = c;
        }
      }
      if (best >= 0) mapInto(beta, best);
    };
    for (;;) {
      let beta = -1;
      for (let t = k; t >= 0 && beta < 0; t--) {
        const st = stacks[t];
        while (st.length > 0) {
          const g = st.pop()!;
          if (!done[g] && cnt[g] === t) {
            beta = g;
            break;
          }
        }
      }
      if (beta < 0) break;
      done[beta] = 1;
      visit(beta);
    }
    // leftover labels take leftover ids of their domain (old ids first, then the new ones)
    const freeIds = new Map<number, number[]>();
    for (let y = n - 1; y >= 0; y--)
      if (inv[y] < 0) {
        const d = dom ? dom[y] : 0;
        const list = freeIds.get(d) ?? [];
        list.push(y);
        freeIds.set(d, list);
      }
    for (let x = 0; x < n; x++)
      if (sigma[x] < 0) {
        const y = freeIds.get(dom ? dom[x] : 0)!.pop()!;
        sigma[x] = y;
        inv[y] = x;
      }
    return sigma;
  }

  /** Greedy matching by overlap: mB[new chain] = old chain or -1; returns total overlap. */
  match(sigma: Int32Array, mB: Int32Array): number {
    const { v, k, b, b2, bt, aIdx } = this;
    mB.fill(-1);
    const aUsed = new Uint8Array(b);
    let total = 0;
    // candidates with overlap >= 2 (few), bucketed by overlap
    const buckets: number[][] = [];
    for (let w = 0; w <= k; w++) buckets.push([]);
    const stamp = new Int32Array(b).fill(-1);
    const score = new Int32Array(b);
    const cand: number[] = [];
    for (let beta = 0; beta < b2; beta++) {
      cand.length = 0;
      for (let j = 0; j < k; j++) {
        const y = sigma[bt[beta * k + j]];
        if (y >= v) continue;
        for (let s = aIdx.start[y]; s < aIdx.start[y + 1]; s++) {
          const c = aIdx.items[s];
          if (stamp[c] !== beta) {
            stamp[c] = beta;
            score[c] = 0;
            cand.push(c);
          }
          score[c]++;
        }
      }
      for (const c of cand) if (score[c] >= 2) buckets[score[c]].push(beta, c);
    }
    for (let w = k; w >= 2; w--) {
      const list = buckets[w];
      for (let i = 0; i < list.length; i += 2) {
        const beta = list[i];
        const c = list[i + 1];
        if (mB[beta] >= 0 || aUsed[c]) continue;
        mB[beta] = c;
        aUsed[c] = 1;
        total += w;
      }
    }
    // overlap 1: any free old chain holding one of the chain's ids
    for (let beta = 0; beta < b2; beta++) {
      if (mB[beta] >= 0) continue;
      let found = -1;
      for (let j = 0; j < k && found < 0; j++) {
        const y = sigma[bt[beta * k + j]];
        if (y >= v) continue;
        for (let s = aIdx.start[y]; s < aIdx.start[y + 1]; s++) {
          const c = aIdx.items[s];
          if (!aUsed[c]) {
            found = c;
            break;
          }
        }
      }
      if (found >= 0) {
        mB[beta] = found;
        aUsed[found] = 1;
        total += 1;
      }
    }
    // remaining old chains take remaining new chains (overlap 0)
    let c = 0;
    for (let beta = 0; beta < b2; beta++) {
      if (mB[beta] >= 0) continue;
      while (c < b && aUsed[c]) c++;
      if (c >= b) break;
      mB[beta] = c;
      aUsed[c] = 1;
    }
    return total;
  }

  /** Exact node assignment for a fixed matching (maximise overlap, domains kept). */
  assign(mB: Int32Array): Int32Array {
    const { n, k, b2, a, bt, dom } = this;
    const gain = new Float64Array(n * n);
    for (let beta = 0; beta < b2; beta++) {
      const c = mB[beta];
      if (c < 0) continue;
      for (let j = 0; j < k; j++) {
        const x = bt[beta * k + j];
        for (let t = 0; t < k; t++) gain[x * n + a[c * k + t]] += 1;
      }
    }
    const BIG = 1e9;
    for (let x = 0; x < n; x++)
      for (let y = 0; y < n; y++) gain[x * n + y] = dom && dom[x] !== dom[y] ? BIG : -gain[x * n + y];
    return assignMin(n, gain);
  }

  overlap(sigma: Int32Array, mB: Int32Array): number {
    const { k, b2, a, bt } = this;
    let total = 0;
    for (let beta = 0; beta < b2; beta++) {
      const c = mB[beta];
      if (c < 0) continue;
      for (let j = 0; j < k; j++) {
        const y = sigma[bt[beta * k + j]];
        for (let t = 0; t < k; t++) if (a[c * k + t] === y) total++;
      }
    }
    return total;
  }
}

/**
 * Relabel `fresh` (a table for n = v + N nodes, flat, labels 0..n-1) onto `old` (flat, b
 * chains over ids 0..v-1). `domainOf` (length n) must be the domains `fresh` was built for.
 */
export function relabelOnto(
  v: number,
  n: number,
  k: number,
  old: Int32Array,
  fresh: Int32Array,
  seed: number,
  domainOf?: Int32Array,
  restarts = 3,
): Relabelling {
  const pr = new Problem(v, n, k, old, fresh, domainOf);
  const rng = new Rng(seed ^ 0x5bd1e995);
  let bestSigma: Int32Array | undefined;
  let bestM: Int32Array | undefined;
  let best = -1;
  for (let s = 0; s < restarts; s++) {
    let sigma = pr.seedExtend(rng);
    let mB = new Int32Array(pr.b2);
    let value = pr.match(sigma, mB);
    for (let round = 0; round < ROUNDS_MAX && n <= RELABEL_HUNGARIAN_MAX; round++) {
      const sigma2 = pr.assign(mB);
      const mB2 = new Int32Array(pr.b2);
      const v2 = pr.match(sigma2, mB2);
      // the assignment alone never loses overlap; keep whichever pair is better
      const vKeep = pr.overlap(sigma2, mB);
      if (v2 > value && v2 >= vKeep) {
        sigma = sigma2;
        mB = mB2;
        value = v2;
      } else {
        if (vKeep > value) {
          sigma = sigma2;
          value = vKeep;
        }
        break;
      }
    }
    if (value > best) {
      best = value;
      bestSigma = sigma;
      bestM = mB;
    }
  }
  const sigma = bestSigma!;
  const mB = bestM!;
  const b = pr.b;
  const b2 = pr.b2;
  const out = new Int32Array(b2 * k);
  let next = b;
  const row = new Int32Array(k);
  const taken = new Uint8Array(k);
  for (let beta = 0; beta < b2; beta++) {
    const c = mB[beta];
    for (let j = 0; j < k; j++) row[j] = sigma[fresh[beta * k + j]];
    if (c < 0) {
      out.set(row, next * k);
      next++;
      continue;
    }
    // keep old nodes at their old positions (order moves no data, but keeps heads where they were)
    taken.fill(0);
    const dst = c * k;
    for (let t = 0; t < k; t++) out[dst + t] = -1;
    for (let j = 0; j < k; j++)
      for (let t = 0; t < k; t++)
        if (old[dst + t] === row[j]) {
          out[dst + t] = row[j];
          taken[j] = 1;
        }
    let t = 0;
    for (let j = 0; j < k; j++) {
      if (taken[j]) continue;
      while (out[dst + t] >= 0) t++;
      out[dst + t] = row[j];
    }
  }
  return { chains: out, moved: b * k - best, restarts };
}
