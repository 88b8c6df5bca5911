/**
 * The chain-table generator as a step machine (pure, seeded via core/prng.ts).
 *
 *   start: exact design (designs.ts) when lambda = r(k-1)/(v-1) is an integer and a
 *          construction applies; else a prebuilt near table (prebuilt.ts: a point deletion
 *          of a 2-(v+1,k,1) design, or a re-validated entry of near-tables.ts); else a cyclic table whose base blocks are searched
 *          (cyclic.ts); else (or when that search misses the band, or with failure
 *          domains) a pair-level annealing search (search.ts) started from the best so far.
 *   end:   positions balanced (positions.ts), status stated honestly.
 *
 * Time never enters: the adapter feeds `{kind:'run', iterations}` inputs and may feed
 * `{kind:'stop'}` when its wall-clock limit passes. With the same inputs the result is the
 * same table, byte for byte (the search's state is linear: `step` mutates and returns it).
 */
import { StepResult } from '../types';
import { ChainTable, TableParams, chainCount, PlacementError, placementError, validateParams } from './params';
import { findDesign } from './designs';
import { CyclicBlock, CyclicPlan, CyclicSearch, cyclicPlan, developCyclic } from './cyclic';
import { FamilyPlan, OrbitSearch, developPlan, orbitPlans } from './familysearch';
import { PairSearch, checkStructure } from './search';
import { balancePositions, positionsBalanced } from './positions';
import { pairStats, unflatten } from './analysis';
import { NearTableEntry, Prebuilt, pointDeletionTable, searchedNearTable, validSpread } from './prebuilt';
import { SEARCHED_NEAR_TABLES } from './near-tables';
import { Either, left, right } from 'fp-ts/Either';

export type TableStatus = 'exact' | 'near' | 'impossible' | 'not-reached';

export interface GenerateResult {
  readonly table: ChainTable;
  /** exact: all pair counts equal; near: spread 1 with a fractional mean (optimal);
   *  impossible: spread <= 1 cannot exist (reason in note); not-reached: the search stopped first */
  readonly status: TableStatus;
  readonly method: string;
  readonly note: string;
  readonly spread: number;
  readonly iterations: number;
  /** true when a wall-clock stop cut the search short (the result may then vary by machine) */
  readonly stopped: boolean;
  /** expansion only: targets of existing chains now on another node (data to move) */
  readonly moved?: number;
}

export interface GenerateOptions {
  readonly seed: number;
  /** failure domain per node (index = node) */
  readonly domainOf?: Int32Array;
  /** total search moves before giving up (default: defaultBudget) */
  readonly iterationsMax?: number;
}

/** Known non-existent designs with k <= 5 within the necessary conditions (Nandi 1946: 2-(15,5,2)). */
const NONEXISTENT: readonly [number, number, number][] = [[15, 5, 2]];

/**
 * Parameter sets where spread <= 1 is impossible by a structural argument beyond the
 * counting bound (proofs-notes/placement-generator.md, item 4b; the (22,5,5) reduction is
 * re-checked by exhaustive search in test/core/placement/impossible.test.ts).
 */
const NO_NEAR_TABLE: readonly { readonly v: number; readonly k: number; readonly r: number; readonly reason: string }[] = [
  {
    v: 20,
    k: 5,
    r: 5,
    reason:
      'pair counts in {1,2} would make every two of the 20 chains meet and force two disjoint rows in an orthogonal array OA(4,3,2), which has none (proofs-notes/placement-generator.md 4b)',
  },
  {
    v: 22,
    k: 5,
    r: 5,
    reason:
      'pair counts in {0,1} reduce to 12 derangements of 5 points, pairwise agreeing in at most one place, using every off-diagonal cell 3 times; exhaustive search finds none (proofs-notes/placement-generator.md 4b)',
  },
];

/**
 * A counting obstruction to spread <= 1 (no domains). Count triples (point pair, block
 * pair) with both points in both blocks: sum over point pairs of C(c,2) equals sum over
 * block pairs of C(I,2), I = |B_i n B_j|. The blocks' intersections sum to v*C(r,2) over
 * C(b,2) block pairs, so by convexity sum C(I,2) >= its value at the most even split; with
 * every c in {lo, lo+1} the left side is fixed. If it is below that minimum, no table with
 * spread <= 1 exists. (E.g. (v,k,r) = (8,4,2), (15,5,4).) proofs-notes/placement-generator.md.
 */
export function spreadOneImpossible(p: TableParams): string | undefined {
  const { v, k, r } = p;
  const b = chainCount(p);
  const P = (v * (v - 1)) / 2;
  const T = (b * k * (k - 1)) / 2;
  const lo = Math.floor(T / P);
  const nHi = T - lo * P;
  const c2 = (x: number) => (x * (x - 1)) / 2;
  const s2 = nHi * c2(lo + 1) + (P - nHi) * c2(lo);
  const M = c2(b);
  const S1 = v * c2(r);
  if (M === 0) return undefined;
  const q = Math.floor(S1 / M);
  const rem = S1 - q * M;
  const minS2 = rem * c2(q + 1) + (M - rem) * c2(q);
  if (s2 < minS2)
    return `counting bound: with pair counts in {${lo},${lo + 1}} the sum of C(count,2) is ${s2}, but ${b} chains with ${S1} incidences between chain pairs force at least ${minS2}`;
  if (lo * P === T && lo >= 1 && b < v) return `Fisher's inequality: a 2-(${v},${k},${lo}) design needs b >= v, but b = ${b}`;
  if (lo * P === T && NONEXISTENT.some(([a, c, l]) => a === v && c === k && l === lo)) return `no 2-(${v},${k},${lo}) design exists (Nandi 1946)`;
  const known = NO_NEAR_TABLE.find((x) => x.v === v && x.k === k && x.r === r);
  if (known) return known.reason;
  return undefined;
}

/** Moves spent on a best-effort table when spread <= 1 is proven impossible. */
const HOPELESS_BUDGET = 30_000;

export function defaultBudget(p: TableParams): number {
  return Math.min(60_000_000, 3_000_000 + 60 * p.v * p.r);
}

/** Domains must leave room: at least k domains and no domain with more than b slots. */
export function checkDomains(p: TableParams, domainOf: Int32Array): Either<PlacementError, void> {
  if (domainOf.length !== p.v) return left(placementError('domains cover every node', `domains list ${domainOf.length} nodes, table has ${p.v}`));
  const size = new Map<number, number>();
  for (const d of domainOf) size.set(d, (size.get(d) ?? 0) + 1);
  if (size.size < p.k)
    return left(placementError('domains >= replicas', `a chain needs ${p.k} distinct domains, only ${size.size} given`));
  const b = chainCount(p);
  for (const [d, s] of size)
    if (s * p.r > b)
      return left(
        placementError(
          'domain size * targets-per-node <= chains',
          `domain #${d} has ${s} nodes x ${p.r} targets = ${s * p.r} > ${b} chains; a chain cannot hold two nodes of one domain`,
        ),
      );
  return right(undefined);
}

type Phase =
  | {
      readonly kind: 'cyclic';
      readonly search: CyclicSearch;
      /** moves for this run; the phase restarts with a new seed until `end` total moves */
      readonly slice: number;
      readonly end: number;
      readonly restart: number;
      readonly spent: number;
      readonly plan: CyclicPlan;
      readonly forbidMod: number;
      readonly labels: Int32Array;
      readonly best?: { readonly blocks: CyclicBlock[]; readonly bad: number };
    }
  | {
      readonly kind: 'orbit';
      readonly search: OrbitSearch;
      readonly attempts: readonly { readonly plan: FamilyPlan; readonly seed: number }[];
      readonly index: number;
      readonly slice: number;
      readonly end: number;
      readonly spent: number;
      /** where the pair-level search starts if no orbit table is found */
      readonly start: Int32Array;
      readonly startMethod: string;
    }
  | { readonly kind: 'pair'; readonly search: PairSearch; readonly method: string; readonly original?: Int32Array }
  | { readonly kind: 'done'; readonly result: GenerateResult };

export interface GenState {
  readonly params: TableParams;
  readonly opts: GenerateOptions;
  readonly budget: number;
  readonly phase: Phase;
}

export type GenInput = { readonly kind: 'run'; readonly iterations: number } | { readonly kind: 'stop' };
export type GenEffect =
  | { readonly kind: 'progress'; readonly iterations: number; readonly budget: number; readonly bad: number; readonly phase: string }
  | { readonly kind: 'finished'; readonly result: GenerateResult };

/** Column-striped deal: slots of nodes in `order` (r each), chain i takes slots i, i+b, ... */
export function stripedDeal(p: TableParams, order: readonly number[]): Int32Array {
  const b = chainCount(p);
  const out = new Int32Array(b * p.k);
  for (let s = 0; s < p.v * p.r; s++) {
    const node = order[Math.floor(s / p.r)];
    const chain = s % b;
    const pos = Math.floor(s / b);
    out[chain * p.k + pos] = node;
  }
  return out;
}

const identity = (v: number) => Int32Array.from({ length: v }, (_, i) => i);

/**
 * With D equal-sized failure domains, label the nodes so that domain = label mod D: the
 * j-th node (by id) of the d-th domain gets label j*D + d. Same-domain pairs are then the
 * label differences divisible by D, which the cyclic search forbids. Undefined when the
 * domains are not equal-sized.
 */
export function residueLabels(v: number, domainOf: Int32Array): Int32Array | undefined {
  const members = new Map<number, number[]>();
  for (let x = 0; x < v; x++) {
    const m = members.get(domainOf[x]);
    if (m) m.push(x);
    else members.set(domainOf[x], [x]);
  }
  const groups = [...members.keys()].sort((a, b) => a - b).map((d) => members.get(d)!);
  const D = groups.length;
  if (groups.some((g) => g.length * D !== v)) return undefined;
  const node = new Int32Array(v);
  for (let label = 0; label < v; label++) node[label] = groups[label % D][Math.floor(label / D)];
  return node;
}

/**
 * A table taken before any search: the point-deletion construction, else an entry of
 * `nearTables` (re-validated). Used only when it is valid for `opts.domainOf` (if any) and its
 * result is exact or near; otherwise undefined and the generator searches.
 */
export function prebuiltResult(p: TableParams, opts: GenerateOptions, nearTables: readonly NearTableEntry[] = SEARCHED_NEAR_TABLES): GenerateResult | undefined {
  const candidates: (() => Prebuilt | undefined)[] = [() => pointDeletionTable(p), () => searchedNearTable(p, nearTables, opts.domainOf)];
  for (const make of candidates) {
    const pre = make();
    if (!pre) continue;
    const spread = validSpread(p, pre.flat, opts.domainOf);
    if (spread === undefined || spread > 1) continue;
    const result = finish(p, opts, pre.flat, pre.method, 0, false);
    if (result.status === 'exact' || result.status === 'near') return result;
  }
  return undefined;
}

/**
 * Precondition: `p` passes validateParams (else RangeError naming the constraint).
 * `nearTables`: the searched near tables to consult (default SEARCHED_NEAR_TABLES; tests inject others).
 */
export function startGeneration(p: TableParams, opts: GenerateOptions, nearTables: readonly NearTableEntry[] = SEARCHED_NEAR_TABLES): GenState {
  const valid = validateParams(p.v, p.k, p.r);
  if (valid._tag === 'Left') throw new RangeError(`${valid.left.constraint}: ${valid.left.message}`);
  const hopeless = !opts.domainOf && spreadOneImpossible(p) !== undefined;
  const budget = Math.min(opts.iterationsMax ?? defaultBudget(p), hopeless ? HOPELESS_BUDGET : Infinity);
  const base = { params: p, opts, budget };
  const { v, k, r } = p;
  const b = chainCount(p);
  const lambda = (r * (k - 1)) / (v - 1);
  if (k === v) {
    const chains = new Int32Array(b * k);
    for (let i = 0; i < b; i++) for (let j = 0; j < k; j++) chains[i * k + j] = j;
    return { ...base, phase: { kind: 'done', result: finish(p, opts, chains, 'complete (k = v)', 0, false) } };
  }
  if (!opts.domainOf && Number.isInteger(lambda)) {
    const d = findDesign(v, k, lambda);
    if (d && d.blocks.length === b) {
      const chains = new Int32Array(b * k);
      d.blocks.forEach((blk, i) => blk.forEach((x, j) => (chains[i * k + j] = x)));
      return { ...base, phase: { kind: 'done', result: finish(p, opts, chains, `design: ${d.name}`, 0, false) } };
    }
  }
  const pre = prebuiltResult(p, opts, nearTables);
  if (pre) return { ...base, phase: { kind: 'done', result: pre } };
  const labels = opts.domainOf ? residueLabels(v, opts.domainOf) : identity(v);
  const plan = cyclicPlan(v, k, r);
  if (plan && labels) {
    const D = opts.domainOf ? new Set(opts.domainOf).size : 0;
    const search = new CyclicSearch(v, k, r, plan, opts.seed, D);
    const slice = Math.min(Math.floor(budget / 4), 100_000 + 1000 * v);
    const end = Math.min(Math.floor(budget / 4), CYCLIC_RESTARTS * slice);
    return { ...base, phase: { kind: 'cyclic', search, slice, end, restart: 0, spent: 0, plan, forbidMod: D, labels } };
  }
  const order: number[] = [];
  for (let x = 0; x < v; x++) order.push(x);
  if (opts.domainOf) {
    const dom = opts.domainOf;
    order.sort((a, c) => dom[a] - dom[c] || a - c);
  }
  return afterCyclic(base, stripedDeal(p, order), opts.domainOf ? 'local search (failure domains)' : 'local search', 0);
}

/** Runs of the cyclic search (each with its own seed) before moving on. */
const CYCLIC_RESTARTS = 4;
/** Moves per orbit-search attempt (one plan, one seed). */
const ORBIT_SLICE = 150_000;
/** Orbit plans tried (simplest first), each with this many seeds. */
const ORBIT_PLANS = 16;
const ORBIT_SEEDS = 3;
/** Seed of the i-th restart (the first is the caller's seed). */
const restartSeed = (seed: number, i: number) => (i === 0 ? seed : (seed + Math.imul(i, 0x9e3779b9)) | 0);

/**
 * After the cyclic search (or without one): the orbit searches over c x Z_n (+ inf) when
 * there are no failure domains and a plan exists, else the pair-level search from `start`.
 */
function afterCyclic(base: Omit<GenState, 'phase'>, start: Int32Array, startMethod: string, spent: number): GenState {
  const { params: p, opts, budget } = base;
  const orbitBudget = Math.floor(budget / 2);
  if (!opts.domainOf && p.v <= 2000 && orbitBudget > 0) {
    const plans = orbitPlans(p.v, p.k, p.r, 8).slice(0, ORBIT_PLANS);
    const attempts: { plan: FamilyPlan; seed: number }[] = [];
    for (let round = 0; round < ORBIT_SEEDS; round++) for (const plan of plans) attempts.push({ plan, seed: restartSeed(opts.seed ^ 0x2545f491, round) });
    if (attempts.length > 0) {
      const slice = Math.min(ORBIT_SLICE, orbitBudget);
      const search = new OrbitSearch(attempts[0].plan, attempts[0].seed);
      return { ...base, phase: { kind: 'orbit', search, attempts, index: 0, slice, end: spent + orbitBudget, spent, start, startMethod } };
    }
  }
  return pairPhase(base, start, startMethod, spent);
}

function pairPhase(base: Omit<GenState, 'phase'>, start: Int32Array, startMethod: string, spent: number): GenState {
  const { params: p, opts } = base;
  const search = new PairSearch({ v: p.v, k: p.k, r: p.r, chains: start, domainOf: opts.domainOf, seed: opts.seed ^ 0x5bd1e995 });
  search.iterations = spent;
  const local = opts.domainOf ? ' (failure domains)' : '';
  const method = startMethod.startsWith('local search') ? startMethod : `${startMethod} + local search${local}`;
  return { ...base, phase: { kind: 'pair', search, method } };
}

function describePlan(plan: FamilyPlan): string {
  const c = plan.components ?? 1;
  return `${plan.slots.length} base blocks over ${c > 1 ? `${c} x ` : ''}Z_${plan.group[0]}${plan.infinity ? ' + inf' : ''}`;
}

/** Targets of the original chains whose node changed (order within a chain does not move data). */
export function movedTargets(k: number, original: Int32Array, flat: Int32Array): number {
  let moved = 0;
  for (let c = 0; c * k < original.length; c++) {
    if (original[c * k] < 0) continue;
    const before = new Set(original.subarray(c * k, c * k + k));
    for (let j = 0; j < k; j++) if (!before.has(flat[c * k + j])) moved++;
  }
  return moved;
}

/** A result for a finished flat table (positions balanced, status and note); `original` marks old slots. */
export function finishTable(p: TableParams, opts: GenerateOptions, flat: Int32Array, method: string, iterations: number, original?: Int32Array): GenerateResult {
  return finish(p, opts, flat, method, iterations, false, original);
}

function finish(
  p: TableParams,
  opts: GenerateOptions,
  flat: Int32Array,
  method: string,
  iterations: number,
  stopped: boolean,
  original?: Int32Array,
): GenerateResult {
  checkStructure(p.v, p.k, p.r, flat);
  const ordered = positionsBalanced(p.v, p.k, p.r, flat) ? flat : balancePositions(p.v, p.k, p.r, flat);
  const table: ChainTable = { v: p.v, k: p.k, r: p.r, chains: unflatten(p.k, ordered) };
  const ps = pairStats(table, opts.domainOf);
  const spread = ps.max - ps.min;
  const mean = ps.mean;
  const integral = Math.abs(mean - Math.round(mean)) < 1e-9;
  const lambda = Math.round(mean);
  let status: TableStatus;
  let note: string;
  if (ps.sameDomainShared > 0) {
    status = 'not-reached';
    note = `${ps.sameDomainShared} same-domain node pairs still share a chain: the search did not separate them`;
  } else if (spread === 0) {
    status = 'exact';
    note = opts.domainOf ? 'every cross-domain pair shares the same number of chains' : `a 2-(${p.v},${p.k},${lambda}) design: every pair shares ${lambda} chain${lambda === 1 ? "" : "s"}`;
  } else if (spread === 1 && !integral) {
    status = 'near';
    note = `pair counts ${ps.min}..${ps.max} around mean ${mean.toFixed(4)}: spread 1 is optimal (the mean is not an integer)`;
  } else {
    const reason = opts.domainOf ? undefined : spreadOneImpossible(p);
    if (reason) {
      status = 'impossible';
      note = `spread <= 1 cannot exist: ${reason}; best found: spread ${spread}`;
    } else {
      status = 'not-reached';
      note = integral
        ? `spread ${spread}: no construction here applies to 2-(${p.v},${p.k},${lambda}) and the search did not find an exact design within its budget; one may exist`
        : `spread ${spread}: the search did not reach spread 1 within its budget; a table with spread 1 may exist`;
    }
  }
  if (stopped) note += ' (stopped by the time limit: the result depends on machine speed)';
  const moved = original ? movedTargets(p.k, original, flat) : undefined;
  return { table, status, method, note, spread, iterations, stopped, ...(moved !== undefined ? { moved } : {}) };
}

export function stepGeneration(state: GenState, input: GenInput): StepResult<GenState, GenEffect> {
  const ph = state.phase;
  const p = state.params;
  if (ph.kind === 'done') return [state, [{ kind: 'finished', result: ph.result }]];
  const stop = input.kind === 'stop';
  if (ph.kind === 'cyclic') {
    const s = ph.search;
    if (!stop) s.run(Math.min(input.iterations, Math.max(0, ph.slice - s.iterations)));
    const res = s.result();
    const total = ph.spent + s.iterations;
    const dom = state.opts.domainOf ? ', domains as residues' : '';
    const develop = (blocks: CyclicBlock[]) => Int32Array.from(developCyclic(p.v, blocks).flat(), (label) => ph.labels[label]);
    if (res.bad === 0) {
      const result = finish(p, state.opts, develop(res.blocks), `cyclic: ${res.blocks.length} base blocks over Z_${p.v}${dom}, searched`, total, false);
      return [{ ...state, phase: { kind: 'done', result } }, [{ kind: 'finished', result }]];
    }
    if (!stop && s.iterations < ph.slice) return [state, [progress(state)]];
    const best = !ph.best || res.bad < ph.best.bad ? res : ph.best;
    if (stop) {
      const result = finish(p, state.opts, develop(best.blocks), `cyclic: ${best.blocks.length} base blocks over Z_${p.v}${dom}, searched`, total, true);
      return [{ ...state, phase: { kind: 'done', result } }, [{ kind: 'finished', result }]];
    }
    if (ph.slice > 0 && total + ph.slice <= ph.end) {
      // restart the cyclic search with the next seed
      const restart = ph.restart + 1;
      const search = new CyclicSearch(p.v, p.k, p.r, ph.plan, restartSeed(state.opts.seed, restart), ph.forbidMod);
      const next: GenState = { ...state, phase: { ...ph, search, restart, spent: total, best } };
      return [next, [progress(next)]];
    }
    const next = afterCyclic(state, develop(best.blocks), 'cyclic start', total);
    return [next, [progress(next)]];
  }
  if (ph.kind === 'orbit') {
    const s = ph.search;
    if (!stop) s.run(Math.min(input.iterations, Math.max(0, ph.slice - s.iterations)));
    const total = ph.spent + s.iterations;
    if (s.bad === 0) {
      const plan = ph.attempts[ph.index].plan;
      const chains = developPlan(plan, s.best().baseBlocks);
      const result = finish(p, state.opts, chains, `orbits: ${describePlan(plan)}, searched`, total, false);
      return [{ ...state, phase: { kind: 'done', result } }, [{ kind: 'finished', result }]];
    }
    if (stop) {
      const result = finish(p, state.opts, ph.start, ph.startMethod, total, true);
      return [{ ...state, phase: { kind: 'done', result } }, [{ kind: 'finished', result }]];
    }
    if (s.iterations < ph.slice) return [state, [progress(state)]];
    const index = ph.index + 1;
    if (index < ph.attempts.length && total + ph.slice <= ph.end) {
      const search = new OrbitSearch(ph.attempts[index].plan, ph.attempts[index].seed);
      const next: GenState = { ...state, phase: { ...ph, search, index, spent: total } };
      return [next, [progress(next)]];
    }
    const next = pairPhase(state, ph.start, ph.startMethod, total);
    return [next, [progress(next)]];
  }
  const s = ph.search;
  if (!stop) s.run(Math.min(input.iterations, Math.max(0, state.budget - s.iterations)));
  if (s.finished || stop || s.iterations >= state.budget) {
    const result = finish(p, state.opts, s.best(), ph.method, s.iterations, stop && s.bad > 0, ph.original);
    return [{ ...state, phase: { kind: 'done', result } }, [{ kind: 'finished', result }]];
  }
  return [state, [progress(state)]];
}

/** A state that searches from a given table (expansion): `original` marks existing slots. */
export function startSearchFrom(p: TableParams, opts: GenerateOptions, chains: Int32Array, original: Int32Array, method: string, polish: number, repair = false): GenState {
  const budget = opts.iterationsMax ?? defaultBudget(p);
  if (repair) {
    // repair (expansion, after a search that did not restore balance): one flat low price per
    // moved target, so balance wins; measured on 500+50 (k=3, r=252): spread 3 -> 1
    const search = new PairSearch({ v: p.v, k: p.k, r: p.r, chains, original, polish, domainOf: opts.domainOf, seed: opts.seed ^ 0x165667b1, tuning: { moveWeight: 1 } });
    return { params: p, opts, budget, phase: { kind: 'pair', search, method, original } };
  }
  // first half of the budget at a high price per moved target (keeps old targets where they
  // are while balance is found), then the normal price so balance is reached; measured on
  // 100+10 (k=3, r=51): 660 -> ~325 moved, 200+20 (r=102): 2613 -> ~1420 (docs/placement.md)
  const tuning = { moveWeight: EXPAND_MOVE_WEIGHT, moveWeightHigh: EXPAND_MOVE_WEIGHT_HIGH, highUntil: Math.floor(budget / 2) };
  const search = new PairSearch({ v: p.v, k: p.k, r: p.r, chains, original, polish, domainOf: opts.domainOf, seed: opts.seed ^ 0x27d4eb2f, tuning });
  return { params: p, opts, budget, phase: { kind: 'pair', search, method, original } };
}

/** Cost per moved target in the expansion search, and the higher price of its first half. */
const EXPAND_MOVE_WEIGHT = 3;
const EXPAND_MOVE_WEIGHT_HIGH = 20;

function progress(state: GenState): GenEffect {
  const ph = state.phase;
  if (ph.kind === 'done') return { kind: 'finished', result: ph.result };
  const iterations = ph.kind === 'pair' ? ph.search.iterations : ph.spent + ph.search.iterations;
  return { kind: 'progress', iterations, budget: state.budget, bad: ph.search.bad, phase: ph.kind };
}

/** Run the machine to completion (no time limit). */
export function generateTable(p: TableParams, opts: GenerateOptions, nearTables: readonly NearTableEntry[] = SEARCHED_NEAR_TABLES): GenerateResult {
  return runToEnd(startGeneration(p, opts, nearTables));
}

export function runToEnd(start: GenState): GenerateResult {
  let state = start;
  for (;;) {
    const [next, effects] = stepGeneration(state, { kind: 'run', iterations: 1_000_000 });
    state = next;
    for (const e of effects) if (e.kind === 'finished') return e.result;
  }
}
