/**
 * Near tables the generator takes before any search (pure):
 *
 *   - point deletion: a 2-(v+1, k, 1) design with one point deleted (its r+1 blocks
 *     through that point removed) is a table for (v, k, r = v/(k-1) - 1) whose pair counts
 *     are 0 inside each removed block and 1 elsewhere: a k-GDD of type (k-1)^(v/(k-1)),
 *     spread 1, optimal (proofs-notes/placement-generator.md, "Point deletion");
 *   - searched near tables: explicit tables found offline (near-tables.ts), re-validated
 *     here at every use (structure, domains, spread) so an invalid entry is never returned.
 */
import { TableParams, chainCount } from './params';
import { pairStats } from './analysis';
import { Design, findDesign } from './designs';

export interface NearTableEntry {
  readonly v: number;
  readonly k: number;
  readonly r: number;
  readonly blocks: readonly (readonly number[])[];
  readonly source: string;
}

export interface Prebuilt {
  /** chains flattened (b * k), nodes 0..v-1 */
  readonly flat: Int32Array;
  readonly method: string;
}

/**
 * Delete point `x` from a design with lambda = 1: the blocks through `x` are dropped, and the
 * remaining points are renumbered 0..v-2 in order (points above `x` move down by one).
 */
export function deletePoint(d: Design, x: number): Design {
  if (d.lambda !== 1) throw new RangeError(`point deletion needs lambda = 1, got ${d.lambda}`);
  if (!(Number.isInteger(x) && x >= 0 && x < d.v)) throw new RangeError(`point ${x} outside 0..${d.v - 1}`);
  const blocks = d.blocks.filter((b) => !b.includes(x)).map((b) => b.map((y) => (y > x ? y - 1 : y)));
  return { v: d.v - 1, k: d.k, lambda: 1, blocks, name: `deleted point of 2-(${d.v},${d.k},1) (${d.name})` };
}

/** Where point deletion applies: (k-1) | v, r = v/(k-1) - 1 >= 1 and findDesign builds 2-(v+1, k, 1). */
export function pointDeletionDesign(p: TableParams): Design | undefined {
  const { v, k, r } = p;
  if (k < 3 || v % (k - 1) !== 0 || r !== v / (k - 1) - 1 || r < 1) return undefined;
  const d = findDesign(v + 1, k, 1);
  if (!d || d.v !== v + 1 || d.k !== k || d.lambda !== 1) return undefined;
  const out = deletePoint(d, v);
  return out.blocks.length === chainCount(p) ? out : undefined;
}

/** The point-deletion table for `p`, flattened, or undefined when the construction does not apply. */
export function pointDeletionTable(p: TableParams): Prebuilt | undefined {
  const d = pointDeletionDesign(p);
  if (!d) return undefined;
  return { flat: Int32Array.from(d.blocks.flat()), method: d.name };
}

/**
 * Spread of the pair counts of a flat table (over cross-domain pairs with `domainOf`), or
 * undefined when the table is structurally invalid: wrong chain count, a node outside
 * 0..v-1, a node twice in a chain, a node not in exactly r chains, or (with domains) two
 * nodes of one domain in a chain.
 */
export function validSpread(p: TableParams, flat: ArrayLike<number>, domainOf?: ArrayLike<number>): number | undefined {
  const { v, k, r } = p;
  const b = chainCount(p);
  if (flat.length !== b * k) return undefined;
  const held = new Int32Array(v);
  const chains: number[][] = [];
  for (let c = 0; c < b; c++) {
    const chain: number[] = [];
    for (let i = 0; i < k; i++) {
      const x = flat[c * k + i];
      if (!(Number.isInteger(x) && x >= 0 && x < v) || chain.includes(x)) return undefined;
      held[x]++;
      chain.push(x);
    }
    chains.push(chain);
  }
  for (let x = 0; x < v; x++) if (held[x] !== r) return undefined;
  const ps = pairStats({ v, k, r, chains }, domainOf);
  return ps.sameDomainShared > 0 ? undefined : ps.max - ps.min;
}

/**
 * The first entry of `tables` for (v, k, r) that is a valid table with spread <= 1 (with
 * `domainOf`: no chain holds two nodes of one domain, spread over cross-domain pairs);
 * undefined when there is none (the generator then searches).
 */
export function searchedNearTable(p: TableParams, tables: readonly NearTableEntry[], domainOf?: ArrayLike<number>): Prebuilt | undefined {
  for (const t of tables) {
    if (t.v !== p.v || t.k !== p.k || t.r !== p.r) continue;
    if (t.blocks.some((blk) => blk.length !== p.k)) continue;
    const nodes = t.blocks.flat();
    const spread = validSpread(p, nodes, domainOf);
    if (spread === undefined || spread > 1) continue;
    return { flat: Int32Array.from(nodes), method: `searched table (${t.source})` };
  }
  return undefined;
}
