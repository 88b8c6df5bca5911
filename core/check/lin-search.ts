/**
 * The Wing & Gong / Lowe linearizability search with memoisation, for ONE partition (one key)
 * of a history. Pure: no clock, no I/O. The caller supplies limits (a step budget and/or a
 * `deadline()` predicate the adapter implements with its clock).
 *
 * Algorithm (Lowe 2017, "Testing for linearizability", as implemented by Porcupine):
 * every operation contributes a call entry and, if it returned, a return entry; entries sit
 * in one doubly linked list sorted by time (calls before returns at equal times, so touching
 * intervals count as concurrent). Scanning from the head, a call entry whose operation the
 * model accepts in the current state is *linearised*: both its entries are lifted out of the
 * list and the scan restarts at the head. Reaching a return entry means the operation it
 * belongs to was not linearised although every operation that could precede it was tried:
 * backtrack (pop the last linearised operation, re-insert its entries, continue after it).
 * Memoisation: a configuration is (set of linearised operations, model state); one that was
 * already explored is never explored again (the cache stores the bitset and the state and
 * compares them exactly, so no hash collision can make the search unsound).
 * Pending operations (no return) have no return entry: they may be linearised anywhere after
 * their call, or never. The search succeeds as soon as every *completed* operation is
 * linearised: the pending ones not linearised by then are placed after everything, where they
 * observe nothing that is checked (Porcupine's "return = +infinity").
 * A model may add a `Pruner`: an O(1) incremental test that a configuration has no
 * completion (register/cas: value-flow pruning, core/check/lin.ts), applied after each step.
 *
 * proofs-notes/linearizability.md argues soundness and completeness.
 */
import { hash64 } from './fingerprint';
import type { LinOperation } from './lin-types';

/** A sequential specification. `step` returns undefined when `op` (with its recorded output)
 * is impossible in `state`; for a pending op (no `return`) the output is unknown. */
export interface LinModel<S> {
  readonly name: string;
  readonly init: S;
  step(state: S, op: LinOperation): S | undefined;
  /** A 32-bit hash consistent with `equal`. */
  hash(state: S): number;
  equal(a: S, b: S): boolean;
  /** Optional sound pruning, built once per search over the operations searched. */
  readonly pruner?: (ops: readonly LinOperation[]) => Pruner<S>;
}

/**
 * An incremental test that no completion exists, whatever order the remaining operations take.
 * The engine calls `take` when an operation is linearised and `restore` when it backtracks
 * over it; `dead(state)` must only answer true when no linearisation of the remaining
 * operations from `state` exists (soundness of the search depends on it).
 */
export interface Pruner<S> {
  /** Operation `i` (an index into the searched array) was linearised. */
  take(i: number): void;
  /** Operation `i` was un-linearised (backtracking). */
  restore(i: number): void;
  dead(state: S): boolean;
}

export interface SearchLimits {
  /** Stop with `unknown` after this many search steps (one step = one list entry visited). */
  readonly stepBudget?: number;
  /** Called every `DEADLINE_EVERY` steps; returning true stops the search with `unknown`. */
  readonly deadline?: () => boolean;
  /** Memoise configurations (default true). `false` exists to measure what memoisation buys. */
  readonly memo?: boolean;
  /** Use the model's pruner, if it has one (default true). `false` exists for measurement. */
  readonly prune?: boolean;
  /** Estimated bytes the memo may hold before it is emptied (default `MEMO_BYTES_MAX`). */
  readonly memoBytesMax?: number;
  /** Called every `PROGRESS_EVERY` steps with the steps taken so far in this search. */
  readonly onProgress?: (steps: number) => void;
}

export type SearchOutcome =
  /** `order`: indices (into the searched array) of the linearised operations, in order. */
  | { readonly kind: 'ok'; readonly steps: number; readonly order: readonly number[] }
  | { readonly kind: 'illegal'; readonly steps: number }
  | { readonly kind: 'unknown'; readonly steps: number; readonly reason: 'stepBudget' | 'deadline' };

export const DEADLINE_EVERY = 1024;
export const PROGRESS_EVERY = 1 << 16;

/** murmur3's 32-bit finaliser: a bijective mix (not a generator; no state). */
export function mix32(x: number): number {
  let h = x | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * The set of linearised operations. Bits [0, completed) are the completed operations numbered
 * by return time; bits [completed, n) the pending ones, kept in a separate word array. For the
 * completed region two canonical markers are kept up to date: `lo`, the first word that is not
 * all ones, and `hi`, the last word that is not zero. Every completed operation returning
 * before the scan position is linearised, so that region is "all ones up to about the
 * frontier, then a short window": a memo entry stores `lo`, the words `lo..hi`, and the
 * (usually few) pending words.
 */
export class BitSet {
  readonly w: Uint32Array;
  readonly pending: Uint32Array;
  lo = 0;
  hi = -1;
  constructor(readonly completed: number, pending = 0) {
    this.w = new Uint32Array((completed + 31) >>> 5);
    this.pending = new Uint32Array((pending + 31) >>> 5);
  }
  set(i: number): void {
    if (i >= this.completed) {
      const j = i - this.completed;
      this.pending[j >>> 5] |= 1 << (j & 31);
      return;
    }
    const k = i >>> 5;
    this.w[k] |= 1 << (i & 31);
    if (k > this.hi) this.hi = k;
    while (this.lo < this.w.length && this.w[this.lo] === 0xffffffff) this.lo++;
  }
  clear(i: number): void {
    if (i >= this.completed) {
      const j = i - this.completed;
      this.pending[j >>> 5] &= ~(1 << (j & 31));
      return;
    }
    const k = i >>> 5;
    this.w[k] &= ~(1 << (i & 31));
    if (k < this.lo) this.lo = k;
    while (this.hi >= 0 && this.w[this.hi] === 0) this.hi--;
  }
  /** Words lo..hi of the completed region (empty when hi < lo). */
  window(): Uint32Array {
    return this.w.slice(this.lo, Math.max(this.lo, this.hi + 1));
  }
  /** A copy of the pending region (shared empty array when there are no pending operations). */
  pendingCopy(): Uint32Array {
    return this.pending.length === 0 ? this.pending : this.pending.slice();
  }
  same(lo: number, words: Uint32Array, pending: Uint32Array): boolean {
    if (lo !== this.lo || words.length !== Math.max(0, this.hi + 1 - this.lo)) return false;
    for (let k = 0; k < words.length; k++) if (words[k] !== this.w[lo + k]) return false;
    for (let k = 0; k < pending.length; k++) if (pending[k] !== this.pending[k]) return false;
    return true;
  }
}

/** Default memo size limit, in estimated bytes (see `SearchLimits.memoBytesMax`). */
export const MEMO_BYTES_MAX = 256 * 1024 * 1024;
const ENTRY_OVERHEAD_BYTES = 96;

/**
 * Exact memo of (bitset, state) configurations. Keyed by a 53-bit number combining an
 * incrementally maintained Zobrist hash of the bitset with the state hash; buckets hold the
 * bitset window and the state, compared exactly. Past `bytesMax` it is emptied: forgetting
 * configurations only costs re-exploration, never soundness (proofs-notes/linearizability.md).
 */
class Memo<S> {
  private table = new Map<number, { lo: number; words: Uint32Array; pending: Uint32Array; state: S }[]>();
  private bytes = 0;
  resets = 0;
  constructor(private readonly model: LinModel<S>, private readonly bytesMax: number) {}
  /** true if (bits, state) was absent (and is now recorded). */
  add(hz1: number, hz2: number, bits: BitSet, state: S): boolean {
    const sh = this.model.hash(state);
    const key = ((hz1 ^ sh) >>> 0) * 0x200000 + ((hz2 ^ mix32(sh ^ 0x5bd1e995)) & 0x1fffff);
    let bucket = this.table.get(key);
    if (bucket !== undefined) {
      for (const e of bucket) if (this.model.equal(e.state, state) && bits.same(e.lo, e.words, e.pending)) return false;
    }
    if (this.bytes > this.bytesMax) {
      this.table = new Map();
      this.bytes = 0;
      this.resets++;
      bucket = undefined;
    }
    const entry = { lo: bits.lo, words: bits.window(), pending: bits.pendingCopy(), state };
    this.bytes += entry.words.byteLength + entry.pending.byteLength + ENTRY_OVERHEAD_BYTES;
    if (bucket === undefined) this.table.set(key, [entry]);
    else bucket.push(entry);
    return true;
  }
}

/** Search for a linearisation of `ops` (all on one key) under `model`. */
export function searchLinearization<S>(
  ops: readonly LinOperation[],
  model: LinModel<S>,
  limits: SearchLimits = {},
): SearchOutcome {
  const n = ops.length;
  const memoOn = limits.memo !== false;
  // bit numbers: completed operations by return time, then pending ones by call time
  const bitOf = new Int32Array(n);
  Array.from({ length: n }, (_, i) => i)
    .sort((a, b) => (ops[a].return ?? Infinity) - (ops[b].return ?? Infinity) || ops[a].call - ops[b].call || a - b)
    .forEach((i, rank) => (bitOf[i] = rank));
  const budget = limits.stepBudget ?? Infinity;
  // ---- entries: 0 is the head sentinel; -1 is "none" ----
  const times: number[] = [];
  const kinds: number[] = []; // 0 call, 1 return
  const owners: number[] = [];
  let completed = 0;
  for (let i = 0; i < n; i++) {
    const o = ops[i];
    times.push(o.call);
    kinds.push(0);
    owners.push(i);
    if (o.return !== undefined) {
      times.push(o.return);
      kinds.push(1);
      owners.push(i);
      completed++;
    }
  }
  const m = times.length;
  const sorted = Array.from({ length: m }, (_, j) => j).sort(
    (a, b) => times[a] - times[b] || kinds[a] - kinds[b] || owners[a] - owners[b],
  );
  const next = new Int32Array(m + 1);
  const prev = new Int32Array(m + 1);
  const isCall = new Uint8Array(m + 1);
  const opOf = new Int32Array(m + 1);
  const match = new Int32Array(m + 1); // call entry -> its return entry, 0 when pending
  const callEntryOf = new Int32Array(n);
  let last = 0;
  for (let r = 0; r < m; r++) {
    const e = r + 1;
    const j = sorted[r];
    isCall[e] = kinds[j] === 0 ? 1 : 0;
    opOf[e] = owners[j];
    if (kinds[j] === 0) callEntryOf[owners[j]] = e;
    else match[callEntryOf[owners[j]]] = e;
    next[last] = e;
    prev[e] = last;
    last = e;
  }
  next[last] = -1;

  const lift = (e: number): void => {
    next[prev[e]] = next[e];
    if (next[e] !== -1) prev[next[e]] = prev[e];
    const r = match[e];
    if (r !== 0) {
      next[prev[r]] = next[r];
      if (next[r] !== -1) prev[next[r]] = prev[r];
    }
  };
  const unlift = (e: number): void => {
    const r = match[e];
    if (r !== 0) {
      next[prev[r]] = r;
      if (next[r] !== -1) prev[next[r]] = r;
    }
    next[prev[e]] = e;
    if (next[e] !== -1) prev[next[e]] = e;
  };

  // ---- Zobrist keys for the bitset of linearised operations ----
  const z1 = new Uint32Array(n);
  const z2 = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    z1[i] = mix32(i * 2 + 0x3c6ef372);
    z2[i] = mix32(i * 2 + 0x3c6ef373);
  }
  const bits = new BitSet(completed, n - completed);
  let hz1 = 0;
  let hz2 = 0;
  const memo = new Memo(model, limits.memoBytesMax ?? MEMO_BYTES_MAX);
  if (memoOn) memo.add(hz1, hz2, bits, model.init);

  const stackEntry = new Int32Array(n);
  const stackState: S[] = new Array<S>(n);
  let sp = 0;
  let state = model.init;
  let done = 0; // completed operations linearised
  let steps = 0;
  let entry = next[0];
  const pruner = limits.prune !== false && model.pruner !== undefined ? model.pruner(ops) : undefined;
  if (pruner?.dead(state)) return { kind: 'illegal', steps };

  while (done < completed) {
    steps++;
    if (steps > budget) return { kind: 'unknown', steps: steps - 1, reason: 'stepBudget' };
    if ((steps & (DEADLINE_EVERY - 1)) === 0) {
      if (limits.deadline?.()) return { kind: 'unknown', steps, reason: 'deadline' };
      if ((steps & (PROGRESS_EVERY - 1)) === 0) limits.onProgress?.(steps);
    }
    // While a completed op is unlinearised its return entry is in the list, and the scan
    // reaches that return entry before the end: entry is never -1 here.
    if (isCall[entry] === 1) {
      const i = opOf[entry];
      let ns = model.step(state, ops[i]);
      if (ns !== undefined && pruner !== undefined) {
        pruner.take(i);
        if (pruner.dead(ns)) {
          pruner.restore(i);
          ns = undefined;
        }
      }
      if (ns !== undefined) {
        let fresh = true;
        if (memoOn) {
          const b = bitOf[i];
          bits.set(b);
          hz1 ^= z1[b];
          hz2 ^= z2[b];
          fresh = memo.add(hz1, hz2, bits, ns);
          if (!fresh) {
            bits.clear(b);
            hz1 ^= z1[b];
            hz2 ^= z2[b];
          }
        }
        if (fresh) {
          stackEntry[sp] = entry;
          stackState[sp] = state;
          sp++;
          state = ns;
          if (match[entry] !== 0) done++;
          lift(entry);
          entry = next[0];
          continue;
        }
        pruner?.restore(i);
      }
      entry = next[entry];
    } else {
      if (sp === 0) return { kind: 'illegal', steps };
      sp--;
      entry = stackEntry[sp];
      state = stackState[sp];
      const i = opOf[entry];
      if (memoOn) {
        const b = bitOf[i];
        bits.clear(b);
        hz1 ^= z1[b];
        hz2 ^= z2[b];
      }
      if (match[entry] !== 0) done--;
      pruner?.restore(i);
      unlift(entry);
      entry = next[entry];
    }
  }
  const order: number[] = [];
  for (let k = 0; k < sp; k++) order.push(opOf[stackEntry[k]]);
  return { kind: 'ok', steps, order };
}

/** 32-bit hash of a JSON-able scalar (number, string or null); equal values hash equal (0 and -0 too). */
export function hashScalar(v: number | string | boolean | null): number {
  if (v === null) return 0x9e3779b9;
  if (typeof v === 'number') {
    if (Number.isInteger(v) && v >= -0x80000000 && v <= 0x7fffffff) return mix32(v ^ 0x27d4eb2f);
    return hash64('n' + String(v))[0];
  }
  if (typeof v === 'boolean') return v ? 0x7f4a7c15 : 0x165667b1;
  return hash64('s' + v)[1];
}
