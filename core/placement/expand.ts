/**
 * Expansion (pure): a table for v + N nodes from a table for v nodes, moving as few
 * existing targets as possible while restoring balance.
 *
 * New chains: dN = N*r/k. Start: every new node fills min(r, dN) slots of the new chains
 * (column-striped, so no chain repeats a node); when N < k the new chains' other slots take
 * old nodes, and each such old node hands one of its old-chain slots to a new node that
 * still lacks targets. Then the pair-level search (search.ts) runs with a cost of 1 per
 * moved target on top of the balance cost, and a final polishing phase tries to put
 * original nodes back without unbalancing anything.
 *
 * Lower bounds on moved targets for any expansion with pair spread <= 1 (no domains), A =
 * old-node slots in new chains = old-chain slots given to new nodes <= moved: new-to-old pair
 * incidences only arise next to those, each giving at most k-1, so 2(k-1)A >= N * (r(k-1) -
 * hi(N-1)), hi = ceil(mean); and the new chains hold at most hi*C(N,2) new-new pair incidences,
 * which caps their new-node slots (`movedLowerBound`). proofs-notes/placement-expansion.md.
 *
 * The search prices a moved target at 20 for the first half of its budget, 3 after.
 */
import { Either, left, right } from 'fp-ts/Either';
import { Rng } from '../prng';
import { ChainTable, PlacementError, TableParams, placementError, validateParams } from './params';
import { GenState, GenerateOptions, GenerateResult, finishTable, movedTargets, runToEnd, startSearchFrom, generateTable } from './generate';
import { relabelOnto } from './relabel';
import { flatten } from './analysis';

export interface ExpandPlan {
  readonly params: TableParams;
  readonly chains: Int32Array;
  readonly original: Int32Array;
}

/**
 * Moves below which no expansion can have pair spread <= 1 (see header and
 * proofs-notes/placement-expansion.md): the larger of
 *  (a) the incidence bound ceil(N(r(k-1) - hi(N-1)) / (2(k-1))), and
 *  (b) the new-chain bound: old nodes keep r slots, so the A old-node slots in the dN new
 *      chains equal the old-chain slots they gave up (A <= moved), and the new chains' other
 *      k*dN - A slots hold new nodes. A new chain with t new nodes holds C(t,2) new-new pair
 *      incidences, at most hi * C(N,2) in all; raising t from s to s+1 costs s of them, so
 *      at most S = the most new slots those increments buy (cheapest first) fit, and
 *      A >= k*dN - min(N*r, S).
 */
export function movedLowerBound(old: TableParams, addNodes: number): number {
  const { v, k, r } = old;
  const n = v + addNodes;
  const b = (n * r) / k;
  const mean = (b * k * (k - 1)) / (n * (n - 1));
  const hi = Math.ceil(mean - 1e-9);
  const need = addNodes * (r * (k - 1) - hi * (addNodes - 1));
  const incidence = Math.max(0, Math.ceil(need / (2 * (k - 1))));
  const dN = (addNodes * r) / k;
  let budget = (hi * addNodes * (addNodes - 1)) / 2;
  let newSlots = dN; // t = 1 in every new chain costs no new-new pair
  for (let t = 1; t < k && budget > 0; t++) {
    const steps = Math.min(dN, Math.floor(budget / t));
    newSlots += steps;
    budget -= steps * t;
    if (steps < dN) break;
  }
  const chainBound = Math.max(0, k * dN - Math.min(addNodes * r, newSlots));
  return Math.max(incidence, chainBound);
}

export function planExpansion(old: ChainTable, addNodes: number, seed: number, newPerChain?: number): Either<PlacementError, ExpandPlan> {
  if (!Number.isSafeInteger(addNodes) || addNodes < 1) return left(placementError('add-nodes >= 1', `add-nodes must be an integer >= 1, got ${addNodes}`));
  const { v, k, r } = old;
  const n = v + addNodes;
  const pv = validateParams(n, k, r);
  if (pv._tag === 'Left')
    return left(
      (n * r) % k !== 0
        ? placementError(
            '(nodes + add-nodes) * targets-per-node divisible by replicas',
            `after expansion v*r = ${n * r} must be divisible by k = ${k}`,
          )
        : pv.left,
    );
  const b = (v * r) / k;
  const dB = (addNodes * r) / k;
  const flat = flatten(old);
  const chains = new Int32Array((b + dB) * k);
  chains.set(flat);
  const original = new Int32Array((b + dB) * k).fill(-1);
  original.set(flat);
  // j new nodes per new chain (default: as many as fit, min(k, N); measured on 25+6, 49+5,
  // 100+10 and 127+5 nodes, fewer new nodes per new chain did not lead to fewer moves);
  // new node x gets cNew[x] of those slots
  const j = Math.max(1, Math.min(newPerChain ?? k, addNodes, k));
  const cNew: number[] = [];
  for (let i = 0; i < addNodes; i++) cNew.push(Math.floor((dB * j) / addNodes) + (i < (dB * j) % addNodes ? 1 : 0));
  const rng = new Rng(seed);
  // new-chain multiset: runs of new nodes (positions 0..j-1), then runs of old nodes
  const seq: number[] = [];
  for (let x = v; x < n; x++) for (let i = 0; i < cNew[x - v]; i++) seq.push(x);
  const extra = dB * k - seq.length;
  const oldOrder: number[] = rng.shuffle([...Array(v).keys()]);
  const oldPicks: number[] = [];
  for (let i = 0; i < extra; i++) oldPicks.push(oldOrder[i % v]);
  oldPicks.sort((a, c) => a - c);
  seq.push(...oldPicks);
  for (let s = 0; s < seq.length; s++) chains[(b + (s % dB)) * k + Math.floor(s / dB)] = seq[s];
  // each old pick gave an old node an extra slot: hand one of its old slots to a new node short of r
  const deficit: number[] = [];
  for (let x = v; x < n; x++) for (let i = cNew[x - v]; i < r; i++) deficit.push(x);
  for (let i = 0; i < oldPicks.length; i++) {
    const y = oldPicks[i];
    const d = deficit[i];
    let placed = false;
    for (let c = 0; c < b && !placed; c++) {
      const row = chains.subarray(c * k, c * k + k);
      const at = row.indexOf(y);
      if (at >= 0 && !row.includes(d)) {
        row[at] = d;
        placed = true;
      }
    }
    if (!placed) return left(placementError('expansion feasible', `cannot place new node ${d}: every chain of node ${y} already holds it`));
  }
  return right({ params: { v: n, k, r }, chains, original });
}

export interface ExpandResult extends GenerateResult {
  readonly moved: number;
  readonly movedLowerBound: number;
  /** targets of the old chains a full regeneration (same seed) would change, by chain index */
  readonly regenerationMoved?: number;
  /** the same regeneration relabelled onto the old table (relabel.ts) */
  readonly relabelledMoved?: number;
  /** moved by the incremental search (after the repair search when that ran and helped) */
  readonly searchMoved: number;
  /** which table was returned: the incremental search, its repair, or the relabelled regeneration */
  readonly source: 'search' | 'repair' | 'relabelled regeneration';
}

/** Polishing moves after balance is reached (put original nodes back where possible). */
export const POLISH_MOVES = 200_000;

export function startExpansion(old: ChainTable, addNodes: number, opts: GenerateOptions): Either<PlacementError, GenState> {
  const plan = planExpansion(old, addNodes, opts.seed);
  if (plan._tag === 'Left') return plan;
  const { params, chains, original } = plan.right;
  return right(startSearchFrom(params, opts, chains, original, `expansion of ${old.v} + ${addNodes} nodes: local search with a cost per moved target`, POLISH_MOVES));
}

/**
 * The repair search: from the incremental search's table (balance not restored), the same
 * pair search with a flat price of 1 per moved target and a fresh budget.
 */
export function startRepair(old: ChainTable, addNodes: number, res: GenerateResult, opts: GenerateOptions): GenState {
  const params: TableParams = { v: old.v + addNodes, k: old.k, r: old.r };
  const chains = flatten(res.table);
  const original = new Int32Array(chains.length).fill(-1);
  original.set(flatten(old));
  return startSearchFrom(params, opts, chains, original, `expansion of ${old.v} + ${addNodes} nodes: local search, then a repair search at a low price per moved target`, POLISH_MOVES, true);
}

/** Expand and compare with a full regeneration (both pure, seeded). */
export function expandTable(
  old: ChainTable,
  addNodes: number,
  opts: GenerateOptions & { readonly compare?: boolean },
): Either<PlacementError, ExpandResult> {
  const st = startExpansion(old, addNodes, opts);
  if (st._tag === 'Left') return st;
  const res = runToEnd(st.right);
  const repaired = balanced(res) ? undefined : runToEnd(startRepair(old, addNodes, res, opts));
  return right(finishExpansion(old, addNodes, res, opts, undefined, repaired));
}

/** exact or near: spread <= 1 (cross-domain with domains, same-domain pairs separated) */
const balanced = (r: GenerateResult) => r.status === 'exact' || r.status === 'near';

/**
 * Pick the expansion: the incremental search result `res`, or the full regeneration for v+N
 * (`fresh`, generated here when not given and needed) relabelled onto the old table
 * (relabel.ts). The regeneration is needed when the search did not restore balance, or for
 * the comparison (`compare`, default on). Preference: balanced first, then smaller spread,
 * then fewer moved targets (ties keep the search result).
 */
export function finishExpansion(
  old: ChainTable,
  addNodes: number,
  res: GenerateResult,
  opts: GenerateOptions & { readonly compare?: boolean },
  fresh?: GenerateResult,
  repaired?: GenerateResult,
): ExpandResult {
  const useRepair = repaired !== undefined && ((balanced(repaired) && !balanced(res)) || repaired.spread < res.spread);
  if (useRepair) res = { ...repaired, iterations: res.iterations + repaired.iterations };
  const searchMoved = res.moved ?? 0;
  const searchSource = useRepair ? 'repair' : 'search';
  const lower = opts.domainOf ? 0 : movedLowerBound(old, addNodes);
  const params: TableParams = { v: old.v + addNodes, k: old.k, r: old.r };
  const regen = fresh ?? (opts.compare !== false || !balanced(res) ? generateTable(params, { seed: opts.seed, domainOf: opts.domainOf, iterationsMax: opts.iterationsMax }) : undefined);
  if (!regen) return { ...res, moved: res.moved ?? 0, movedLowerBound: lower, searchMoved, source: searchSource };
  const oldFlat = flatten(old);
  const original = new Int32Array(regen.table.chains.length * old.k).fill(-1);
  original.set(oldFlat);
  const regenerationMoved = movedTargets(old.k, original, flatten(regen.table));
  const rel = relabelOnto(old.v, params.v, old.k, oldFlat, flatten(regen.table), opts.seed, opts.domainOf);
  const relabelled = finishTable(params, opts, rel.chains, `${regen.method}; relabelled onto the old table (${rel.moved} moved)`, regen.iterations, original);
  const key = (r: GenerateResult, moved: number) => [balanced(r) ? 0 : 1, r.spread, moved];
  const a = key(res, res.moved ?? 0);
  const c = key(relabelled, rel.moved);
  const useRelabelled = c[0] < a[0] || (c[0] === a[0] && (c[1] < a[1] || (c[1] === a[1] && c[2] < a[2])));
  const chosen = useRelabelled ? relabelled : res;
  const note = useRelabelled
    ? `${chosen.note}; the incremental search ended at spread ${res.spread} with ${res.moved ?? 0} moved, so the full regeneration relabelled onto the old table was taken`
    : chosen.note;
  return {
    ...chosen,
    note,
    moved: useRelabelled ? rel.moved : res.moved ?? 0,
    movedLowerBound: lower,
    regenerationMoved,
    relabelledMoved: rel.moved,
    searchMoved,
    source: useRelabelled ? 'relabelled regeneration' : searchSource,
  };
}
