/**
 * Chain-table parameters and their validation (pure).
 *
 * A chain table for v nodes, r targets per node and chains of length k has b = v*r/k
 * chains, each an ordered list (head to tail) of k distinct nodes; every node is in
 * exactly r chains. The pair count of nodes i, j is the number of chains holding both.
 * ANCHORS.md "3FS data placement" / "Block designs".
 */
import { Either, left, right } from 'fp-ts/Either';

/** A bad parameter set: `constraint` names the rule that failed (shown to users). */
export interface PlacementError {
  readonly kind: 'PlacementError';
  readonly constraint: string;
  readonly message: string;
}

export function placementError(constraint: string, message: string): PlacementError {
  return { kind: 'PlacementError', constraint, message };
}

export interface TableParams {
  /** nodes, numbered 0..v-1 */
  readonly v: number;
  /** chain length (replicas) */
  readonly k: number;
  /** targets (chains) per node */
  readonly r: number;
}

/** An ordered chain table: chains[c] lists nodes head to tail. */
export interface ChainTable extends TableParams {
  readonly chains: readonly (readonly number[])[];
}

/** Largest v the generator accepts: the pair-count matrix is v*v words. */
export const NODES_MAX = 5000;
/** Largest chain length accepted. */
export const REPLICAS_MAX = 32;
/** Largest v*r (total targets) accepted. */
export const TARGETS_MAX = 4_000_000;

/** Check v, k, r; Left names the violated constraint (CLI exit 2). */
export function validateParams(v: number, k: number, r: number): Either<PlacementError, TableParams> {
  const isInt = (x: number) => typeof x === 'number' && Number.isSafeInteger(x);
  if (!isInt(v)) return left(placementError('nodes is an integer', `nodes must be an integer, got ${v}`));
  if (!isInt(k)) return left(placementError('replicas is an integer', `replicas must be an integer, got ${k}`));
  if (!isInt(r)) return left(placementError('targets-per-node is an integer', `targets-per-node must be an integer, got ${r}`));
  if (k < 2 || k > REPLICAS_MAX) return left(placementError(`2 <= replicas <= ${REPLICAS_MAX}`, `replicas (k) must be in [2, ${REPLICAS_MAX}], got ${k}`));
  if (v < 2 || v > NODES_MAX) return left(placementError(`2 <= nodes <= ${NODES_MAX}`, `nodes (v) must be in [2, ${NODES_MAX}], got ${v}`));
  if (k > v) return left(placementError('replicas <= nodes', `a chain holds k distinct nodes, so k <= v; got k=${k} > v=${v}`));
  if (r < 1) return left(placementError('targets-per-node >= 1', `targets-per-node (r) must be >= 1, got ${r}`));
  if (v * r > TARGETS_MAX) return left(placementError(`nodes * targets-per-node <= ${TARGETS_MAX}`, `v*r = ${v * r} exceeds ${TARGETS_MAX}`));
  if ((v * r) % k !== 0)
    return left(
      placementError(
        'nodes * targets-per-node divisible by replicas',
        `v*r must be divisible by k (b = v*r/k chains); got v*r = ${v * r}, k = ${k}`,
      ),
    );
  return right({ v, k, r });
}

/** b = v*r/k */
export const chainCount = (p: TableParams): number => (p.v * p.r) / p.k;

/** The mean pair count over all C(v,2) pairs: r(k-1)/(v-1). */
export const pairMean = (p: TableParams): number => (p.r * (p.k - 1)) / (p.v - 1);

/**
 * The smallest r that 3FS's parameter search (data_placement.py `find_params`) picks:
 * r >= minR with v*r % k == 0 and r*(k-1) >= v-1 (every peer shares a chain on average).
 */
export function threeFsTargetsPerNode(v: number, k: number, minR = 1): number {
  for (let r = Math.max(1, minR); ; r++) if ((v * r) % k === 0 && r * (k - 1) >= v - 1) return r;
}
