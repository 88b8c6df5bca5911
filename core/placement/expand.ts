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
 * A lower bound on moved targets for any expansion with pair spread <= 1 (no domains):
 * new-to-old pair incidences only arise next to a moved slot holding a new node or an
 * old slot in a new chain (the two are equally many, A), each giving at most k-1, so
 * 2(k-1)A >= N * (r(k-1) - hi(N-1)), hi = ceil(mean). proofs-notes/placement-expansion.md.
 */
import { Either, left, right } from 'fp-ts/Either';
import { Rng } from '../prng';
import { ChainTable, PlacementError, TableParams, placementError, validateParams } from './params';
import { GenState, GenerateOptions, GenerateResult, movedTargets, runToEnd, startSearchFrom, generateTable } from './generate';
import { flatten } from './analysis';

export interface ExpandPlan {
  readonly params: TableParams;
  readonly chains: Int32Array;
  readonly original: Int32Array;
}

/** Moves below which no expansion can have pair spread <= 1 (see header). */
export function movedLowerBound(old: TableParams, addNodes: number): number {
  const { v, k, r } = old;
  const n = v + addNodes;
  const b = (n * r) / k;
  const mean = (b * k * (k - 1)) / (n * (n - 1));
  const hi = Math.ceil(mean - 1e-9);
  const need = addNodes * (r * (k - 1) - hi * (addNodes - 1));
  return Math.max(0, Math.ceil(need / (2 * (k - 1))));
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
}

/** Polishing moves after balance is reached (put original nodes back where possible). */
export const POLISH_MOVES = 200_000;

export function startExpansion(old: ChainTable, addNodes: number, opts: GenerateOptions): Either<PlacementError, GenState> {
  const plan = planExpansion(old, addNodes, opts.seed);
  if (plan._tag === 'Left') return plan;
  const { params, chains, original } = plan.right;
  return right(startSearchFrom(params, opts, chains, original, `expansion of ${old.v} + ${addNodes} nodes: local search with a cost per moved target`, POLISH_MOVES));
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
  return right(finishExpansion(old, addNodes, res, opts));
}

export function finishExpansion(old: ChainTable, addNodes: number, res: GenerateResult, opts: GenerateOptions & { readonly compare?: boolean }): ExpandResult {
  let regenerationMoved: number | undefined;
  if (opts.compare !== false) {
    const fresh = generateTable(res.table, { seed: opts.seed, domainOf: opts.domainOf, iterationsMax: opts.iterationsMax });
    const orig = new Int32Array(fresh.table.chains.length * old.k).fill(-1);
    orig.set(flatten(old));
    regenerationMoved = movedTargets(old.k, orig, flatten(fresh.table));
  }
  return {
    ...res,
    moved: res.moved ?? 0,
    movedLowerBound: opts.domainOf ? 0 : movedLowerBound(old, addNodes),
    ...(regenerationMoved !== undefined ? { regenerationMoved } : {}),
  };
}
