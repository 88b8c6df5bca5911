/**
 * Table analysis (pure): pair counts, per-peer recovery traffic (the 3FS formula),
 * position balance, copysets, and the exact probability of losing data when f random
 * nodes fail at once. ANCHORS.md "3FS data placement", "Block designs" (Copysets).
 */
import { binom } from './designs';
import { positionCounts } from './positions';

export interface TableLike {
  readonly v: number;
  readonly k: number;
  readonly r: number;
  readonly chains: readonly (readonly number[])[];
}

export function flatten(t: TableLike): Int32Array {
  const out = new Int32Array(t.chains.length * t.k);
  t.chains.forEach((c, i) => c.forEach((x, j) => (out[i * t.k + j] = x)));
  return out;
}

export function unflatten(k: number, flat: Int32Array): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < flat.length; i += k) out.push(Array.from(flat.subarray(i, i + k)));
  return out;
}

/** Symmetric v*v matrix of pair counts (chains holding both nodes). */
export function pairCountMatrix(t: TableLike): Int32Array {
  const v = t.v;
  const m = new Int32Array(v * v);
  for (const c of t.chains)
    for (let i = 0; i < c.length; i++)
      for (let j = i + 1; j < c.length; j++) {
        m[c[i] * v + c[j]]++;
        m[c[j] * v + c[i]]++;
      }
  return m;
}

/** The JSON file's metrics (issue 4, item 6). Pair statistics are over eligible pairs. */
export interface TableMetrics {
  readonly pairMin: number;
  readonly pairMax: number;
  readonly pairMean: number;
  readonly headMin: number;
  readonly headMax: number;
  readonly copysets: number;
}

export interface PairStats {
  readonly min: number;
  readonly max: number;
  readonly mean: number;
  /** pairs the statistics range over (cross-domain pairs when domains are given) */
  readonly pairs: number;
  /** pairs in the same domain that share a chain (must be 0) */
  readonly sameDomainShared: number;
}

export function pairStats(t: TableLike, domainOf?: ArrayLike<number>): PairStats {
  const m = pairCountMatrix(t);
  const v = t.v;
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  let pairs = 0;
  let same = 0;
  for (let x = 0; x < v; x++)
    for (let y = x + 1; y < v; y++) {
      const c = m[x * v + y];
      if (domainOf && domainOf[x] === domainOf[y]) {
        if (c > 0) same++;
        continue;
      }
      min = Math.min(min, c);
      max = Math.max(max, c);
      sum += c;
      pairs++;
    }
  return pairs === 0
    ? { min: 0, max: 0, mean: 0, pairs, sameDomainShared: same }
    : { min, max, mean: sum / pairs, pairs, sameDomainShared: same };
}

export interface PositionStats {
  readonly headMin: number;
  readonly headMax: number;
  readonly tailMin: number;
  readonly tailMax: number;
  /** min and max over every node and every position */
  readonly anyMin: number;
  readonly anyMax: number;
}

export function positionStats(t: TableLike): PositionStats {
  const k = t.k;
  const pc = positionCounts(t.v, k, flatten(t));
  let headMin = Infinity, headMax = -Infinity, tailMin = Infinity, tailMax = -Infinity, anyMin = Infinity, anyMax = -Infinity;
  for (let x = 0; x < t.v; x++) {
    const h = pc[x * k];
    const tl = pc[x * k + k - 1];
    headMin = Math.min(headMin, h);
    headMax = Math.max(headMax, h);
    tailMin = Math.min(tailMin, tl);
    tailMax = Math.max(tailMax, tl);
    for (let p = 0; p < k; p++) {
      anyMin = Math.min(anyMin, pc[x * k + p]);
      anyMax = Math.max(anyMax, pc[x * k + p]);
    }
  }
  return { headMin, headMax, tailMin, tailMax, anyMin, anyMax };
}

/** Distinct node sets among the chains (Cidon et al.: data is lost when one is wholly down). */
export function copysets(t: TableLike): number[][] {
  const seen = new Set<string>();
  const out: number[][] = [];
  for (const c of t.chains) {
    const s = [...c].sort((a, b) => a - b);
    const key = s.join(',');
    if (!seen.has(key)) {
      seen.add(key);
      out.push(s);
    }
  }
  return out;
}

export function metrics(t: TableLike, domainOf?: ArrayLike<number>): TableMetrics {
  const ps = pairStats(t, domainOf);
  const pos = positionStats(t);
  return {
    pairMin: ps.min,
    pairMax: ps.max,
    pairMean: round6(ps.mean),
    headMin: pos.headMin,
    headMax: pos.headMax,
    copysets: copysets(t).length,
  };
}

const round6 = (x: number) => Math.round(x * 1e6) / 1e6;

// ---------------------------------------------------------------- recovery traffic

/**
 * Recovery traffic when one node fails (3FS data_placement.py): a peer sharing c chains
 * with it sends c * f / (k - 1) targets' worth, f = 1 for chain replication (CR) and
 * f = k - 1 for EC groups. Figures are in units of one target's data.
 */
export interface RecoveryStats {
  /** the largest amount any single peer sends, over every failed node: the bottleneck */
  readonly maxPerPeer: number;
  /** the smallest amount over eligible peers (0 when some peer shares no chain) */
  readonly minPerPeer: number;
  readonly meanPerPeer: number;
  /** fewest and most peers that take part in one node's recovery */
  readonly peersMin: number;
  readonly peersMax: number;
  /** per failed node: the largest amount one peer sends */
  readonly perNodeMax: number[];
  /** per failed node: the smallest amount one eligible peer sends */
  readonly perNodeMin: number[];
  /** total sent per failed node (r for CR: each of its r chains is copied once) */
  readonly totalPerFailure: number;
}

export function recoveryTraffic(t: TableLike, mode: 'CR' | 'EC' = 'CR', domainOf?: ArrayLike<number>): RecoveryStats {
  const v = t.v;
  const f = mode === 'CR' ? 1 : t.k - 1;
  const scale = f / (t.k - 1);
  const m = pairCountMatrix(t);
  const perNodeMax: number[] = [];
  const perNodeMin: number[] = [];
  let peersMin = Infinity, peersMax = 0, sum = 0, n = 0, total = 0;
  for (let x = 0; x < v; x++) {
    let mx = 0, mn = Infinity, peers = 0, tot = 0;
    for (let y = 0; y < v; y++) {
      if (y === x) continue;
      const c = m[x * v + y];
      tot += c * scale;
      if (c > 0) peers++;
      if (domainOf && domainOf[x] === domainOf[y]) continue;
      mx = Math.max(mx, c * scale);
      mn = Math.min(mn, c * scale);
      sum += c * scale;
      n++;
    }
    perNodeMax.push(round6(mx));
    perNodeMin.push(round6(mn === Infinity ? 0 : mn));
    peersMin = Math.min(peersMin, peers);
    peersMax = Math.max(peersMax, peers);
    total = Math.max(total, tot);
  }
  return {
    maxPerPeer: Math.max(...perNodeMax),
    minPerPeer: Math.min(...perNodeMin),
    meanPerPeer: round6(n === 0 ? 0 : sum / n),
    peersMin,
    peersMax,
    perNodeMax,
    perNodeMin,
    totalPerFailure: round6(total),
  };
}

// ---------------------------------------------------------------- data-loss probability

export interface LossProbability {
  /** simultaneous random node failures */
  readonly f: number;
  /** f-subsets of nodes that contain every node of some chain */
  readonly losingSets: bigint;
  /** C(v, f) */
  readonly allSets: bigint;
  readonly probability: number;
  readonly method: string;
}

export function binomBig(n: number, k: number): bigint {
  if (k < 0 || k > n) return 0n;
  let r = 1n;
  for (let i = 1; i <= k; i++) r = (r * BigInt(n - k + i)) / BigInt(i);
  return r;
}

/** Largest C(v, f) for which we enumerate every failure set directly. */
const ENUMERATE_MAX = 2_000_000;

/**
 * Exact P(some chain wholly inside a uniformly random f-subset of nodes).
 *  - f < k: 0 (a chain has k distinct nodes).
 *  - f = k: (#copysets) / C(v, k).
 *  - f = k+1: inclusion-exclusion over copysets. A (k+1)-set T holds m(T) copysets;
 *    sum_T m(T) = #copysets * (v - k), and two copysets fit in one T only when they share
 *    k-1 nodes, so #{T: m(T) >= 1} = #copysets*(v-k) - sum over such T of (m(T) - 1),
 *    where those T are enumerated from copysets grouped by their (k-1)-subsets.
 *  - larger f: direct enumeration of all f-subsets when C(v, f) <= 2e6, else undefined.
 */
export function lossProbability(t: TableLike, f: number): LossProbability | undefined {
  const v = t.v;
  const k = t.k;
  const all = binomBig(v, f);
  const sets = copysets(t);
  const done = (losing: bigint, method: string): LossProbability => ({
    f,
    losingSets: losing,
    allSets: all,
    probability: all === 0n ? 0 : Number((losing * 10n ** 18n) / all) / 1e18,
    method,
  });
  if (f < k) return done(0n, 'f < k: no chain fits');
  if (f === k) return done(BigInt(sets.length), 'f = k: copysets / C(v,k)');
  if (f === k + 1) {
    const keys = new Set(sets.map((s) => s.join(',')));
    const groups = new Map<string, number[][]>();
    for (const s of sets)
      for (let drop = 0; drop < k; drop++) {
        const sub = s.filter((_, i) => i !== drop).join(',');
        const g = groups.get(sub);
        if (g) g.push(s);
        else groups.set(sub, [s]);
      }
    const multi = new Set<string>();
    for (const g of groups.values()) {
      if (g.length < 2) continue;
      for (let i = 0; i < g.length; i++)
        for (let j = i + 1; j < g.length; j++) multi.add([...new Set([...g[i], ...g[j]])].sort((a, b) => a - b).join(','));
    }
    let correction = 0n;
    for (const tk of multi) {
      const T = tk.split(',').map(Number);
      let mT = 0;
      for (let drop = 0; drop <= k; drop++) if (keys.has(T.filter((_, i) => i !== drop).join(','))) mT++;
      correction += BigInt(mT - 1);
    }
    return done(BigInt(sets.length) * BigInt(v - k) - correction, 'f = k+1: inclusion-exclusion over copysets sharing k-1 nodes');
  }
  if (all <= BigInt(ENUMERATE_MAX)) return done(enumerateLosing(v, f, sets), `direct enumeration of all C(${v},${f}) failure sets`);
  return undefined;
}

/** Count f-subsets of 0..v-1 that contain some copyset (bitmask test; for small v). */
export function enumerateLosing(v: number, f: number, sets: readonly (readonly number[])[]): bigint {
  const words = Math.ceil(v / 32);
  const masks = sets.map((s) => {
    const m = new Uint32Array(words);
    for (const x of s) m[x >> 5] |= 1 << (x & 31);
    return m;
  });
  const cur = new Uint32Array(words);
  let count = 0;
  const pick: number[] = [];
  const rec = (start: number) => {
    if (pick.length === f) {
      for (const m of masks) {
        let inside = true;
        for (let w = 0; w < words && inside; w++) if ((m[w] & cur[w]) !== m[w]) inside = false;
        if (inside) {
          count++;
          return;
        }
      }
      return;
    }
    for (let x = start; x <= v - (f - pick.length); x++) {
      pick.push(x);
      cur[x >> 5] |= 1 << (x & 31);
      rec(x + 1);
      cur[x >> 5] &= ~(1 << (x & 31));
      pick.pop();
    }
  };
  rec(0);
  return BigInt(count);
}

// ---------------------------------------------------------------- naive layout

/**
 * The naive layout of the 3FS README: nodes in disjoint groups of k, each group's chains
 * all on the same k nodes. Chain i takes slots i*k .. i*k+k-1 of the node sequence
 * 0..v-1 repeated r times (wrapping when k does not divide v); heads rotate.
 */
export function naiveTable(v: number, k: number, r: number): TableLike {
  const b = (v * r) / k;
  const chains: number[][] = [];
  for (let i = 0; i < b; i++) {
    const c: number[] = [];
    for (let j = 0; j < k; j++) c.push((i * k + j) % v);
    const rot = Math.floor((i * k) / v) % k;
    chains.push([...c.slice(rot), ...c.slice(0, rot)]);
  }
  return { v, k, r, chains };
}

export interface Analysis {
  readonly pairs: PairStats;
  readonly positions: PositionStats;
  readonly copysets: number;
  readonly recovery: RecoveryStats;
  readonly loss: readonly LossProbability[];
}

export function analyze(t: TableLike, domainOf?: ArrayLike<number>): Analysis {
  const loss: LossProbability[] = [];
  for (let f = 2; f <= t.k + 1 && f <= t.v; f++) {
    const p = lossProbability(t, f);
    if (p) loss.push(p);
  }
  return {
    pairs: pairStats(t, domainOf),
    positions: positionStats(t),
    copysets: copysets(t).length,
    recovery: recoveryTraffic(t, 'CR', domainOf),
    loss,
  };
}

/** Side by side: the table and the naive disjoint-groups layout with the same v, k, r. */
export function analyzeWithNaive(t: TableLike, domainOf?: ArrayLike<number>): { table: Analysis; naive: Analysis } {
  return { table: analyze(t, domainOf), naive: analyze(naiveTable(t.v, t.k, t.r)) };
}

export { binom };
