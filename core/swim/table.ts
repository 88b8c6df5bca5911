/**
 * The member table: what one SWIM member believes about every member (status and
 * incarnation), as a persistent (immutable, structurally shared) radix trie.
 *
 * Why this shape (proofs-notes/swim-table.md): SWIM needs a full view per member, and the
 * simulator runs 10,000 members, so a flat table per member is 10^8 entries. A persistent
 * trie lets all members start from ONE shared base table; a member that learns something
 * copies only the path to that entry (3 nodes of 32 at 10k members). Push-pull carries
 * the table itself in process (O(1)), and merging skips whole subtrees that are the same
 * object on both sides. Updates never mutate, so `step` stays pure.
 *
 * Entry packing: 0 = unknown; otherwise (incarnation * 4 + statusCode) + 1 with
 * statusCode alive 0, suspect 1, dead 2, left 3. Incarnations are safe integers < 2^50.
 * A second trie lists member ids in order of first appearance ("slots"), so probe order
 * can be a permutation over dense slot numbers even when node ids are sparse.
 */
export type Status = 'alive' | 'suspect' | 'dead' | 'left';
export const STATUSES: readonly Status[] = ['alive', 'suspect', 'dead', 'left'];
export const STATUS_CODE: Readonly<Record<Status, number>> = { alive: 0, suspect: 1, dead: 2, left: 3 };

export const INCARNATION_MAX = 2 ** 50;

const BITS = 5;
const WIDTH = 1 << BITS;
const MASK = WIDTH - 1;

type Node = readonly (Node | undefined)[] | readonly number[];

/** A persistent array of non-negative numbers indexed by non-negative integers; absent = 0. */
export interface Trie {
  readonly root: Node | undefined;
  /** Bits above the leaf level: capacity is 2^(shift + BITS). */
  readonly shift: number;
}

export const EMPTY_TRIE: Trie = { root: undefined, shift: 0 };

/** Member ids and slots are below 2^30 so index arithmetic stays in 32-bit integers. */
export const INDEX_MAX = 2 ** 30 - 1;

export function trieGet(t: Trie, i: number): number {
  if (t.shift < 30 && i >>> (t.shift + BITS) !== 0) return 0;
  let node = t.root as (Node | undefined);
  for (let s = t.shift; s > 0; s -= BITS) {
    if (node === undefined) return 0;
    node = (node as readonly (Node | undefined)[])[(i >>> s) & MASK];
  }
  if (node === undefined) return 0;
  return (node as readonly number[])[i & MASK];
}

function setIn(node: Node | undefined, shift: number, i: number, v: number): Node {
  if (shift === 0) {
    const leaf = node === undefined ? new Array<number>(WIDTH).fill(0) : (node as number[]).slice();
    leaf[i & MASK] = v;
    return leaf;
  }
  const k = (i >>> shift) & MASK;
  const copy = node === undefined ? new Array<Node | undefined>(WIDTH).fill(undefined) : (node as (Node | undefined)[]).slice();
  copy[k] = setIn(copy[k], shift - BITS, i, v);
  return copy;
}

export function trieSet(t: Trie, i: number, v: number): Trie {
  if (!(Number.isInteger(i) && i >= 0 && i <= INDEX_MAX)) throw new RangeError(`trie index ${i}`);
  let root = t.root;
  let shift = t.shift;
  while (i >= 2 ** (shift + BITS)) {
    if (root !== undefined) {
      const up = new Array<Node | undefined>(WIDTH).fill(undefined);
      up[0] = root;
      root = up;
    }
    shift += BITS;
  }
  if (trieGet({ root, shift }, i) === v && root !== undefined) return root === t.root ? t : { root, shift };
  return { root: setIn(root, shift, i, v), shift };
}

/** Build a trie from a dense array in one pass (no path copying). */
export function trieFromArray(xs: ArrayLike<number>): Trie {
  let shift = 0;
  while (xs.length > 2 ** (shift + BITS)) shift += BITS;
  const build = (base: number, s: number): Node | undefined => {
    if (base >= xs.length) return undefined;
    if (s === 0) {
      const leaf = new Array<number>(WIDTH).fill(0);
      for (let j = 0; j < WIDTH && base + j < xs.length; j++) leaf[j] = xs[base + j];
      return leaf;
    }
    const node = new Array<Node | undefined>(WIDTH).fill(undefined);
    const span = 2 ** s;
    for (let j = 0; j < WIDTH; j++) node[j] = build(base + j * span, s - BITS);
    return node;
  };
  return { root: build(0, shift), shift };
}

/**
 * Visit every index whose value differs between `a` and `b` (either side non-zero),
 * skipping subtrees that are the same object. Calls f(index, valueInA, valueInB).
 */
export function trieDiff(a: Trie, b: Trie, f: (i: number, va: number, vb: number) => void): void {
  const shift = Math.max(a.shift, b.shift);
  const lift = (t: Trie): Node | undefined => {
    let r = t.root;
    for (let s = t.shift; s < shift && r !== undefined; s += BITS) {
      const up = new Array<Node | undefined>(WIDTH).fill(undefined);
      up[0] = r;
      r = up;
    }
    return r;
  };
  const walk = (x: Node | undefined, y: Node | undefined, s: number, base: number): void => {
    if (x === y) return;
    if (s === 0) {
      for (let j = 0; j < WIDTH; j++) {
        const va = x === undefined ? 0 : (x as readonly number[])[j];
        const vb = y === undefined ? 0 : (y as readonly number[])[j];
        if (va !== vb) f(base + j, va, vb);
      }
      return;
    }
    const span = 2 ** s;
    for (let j = 0; j < WIDTH; j++) {
      const cx = x === undefined ? undefined : (x as readonly (Node | undefined)[])[j];
      const cy = y === undefined ? undefined : (y as readonly (Node | undefined)[])[j];
      walk(cx, cy, s - BITS, base + j * span);
    }
  };
  // when shifts differ, lifting allocates new top nodes, but subtrees below stay shared
  walk(a.shift === shift ? a.root : lift(a), b.shift === shift ? b.root : lift(b), shift, 0);
}

/** Visit every non-zero entry in index order. */
export function trieForEach(t: Trie, f: (i: number, v: number) => void): void {
  trieDiff(EMPTY_TRIE, t, (i, _a, v) => f(i, v));
}

// ---------------------------------------------------------------------------------------

/** A member's view of the group. */
export interface MemberTable {
  /** member id -> packed entry */
  readonly entries: Trie;
  /** slot -> member id + 1, in order of first appearance */
  readonly slots: Trie;
  readonly slotCount: number;
  /** members whose status is alive or suspect */
  readonly liveCount: number;
}

export const EMPTY_TABLE: MemberTable = { entries: EMPTY_TRIE, slots: EMPTY_TRIE, slotCount: 0, liveCount: 0 };

export interface MemberEntry {
  readonly member: number;
  readonly status: Status;
  readonly incarnation: number;
}

export function pack(status: Status, incarnation: number): number {
  return incarnation * 4 + STATUS_CODE[status] + 1;
}
export function packedStatus(p: number): Status {
  return STATUSES[(p - 1) % 4];
}
export function packedIncarnation(p: number): number {
  return Math.floor((p - 1) / 4);
}
const isLivePacked = (p: number) => p !== 0 && (p - 1) % 4 <= 1;

export function lookup(t: MemberTable, member: number): MemberEntry | undefined {
  const p = trieGet(t.entries, member);
  return p === 0 ? undefined : { member, status: packedStatus(p), incarnation: packedIncarnation(p) };
}

export function lookupPacked(t: MemberTable, member: number): number {
  return trieGet(t.entries, member);
}

/** Set a member's entry (adding a slot the first time the member is seen). */
export function put(t: MemberTable, member: number, status: Status, incarnation: number): MemberTable {
  const old = trieGet(t.entries, member);
  const p = pack(status, incarnation);
  if (old === p) return t;
  const entries = trieSet(t.entries, member, p);
  const liveCount = t.liveCount - (isLivePacked(old) ? 1 : 0) + (isLivePacked(p) ? 1 : 0);
  if (old !== 0) return { entries, slots: t.slots, slotCount: t.slotCount, liveCount };
  return { entries, slots: trieSet(t.slots, t.slotCount, member + 1), slotCount: t.slotCount + 1, liveCount };
}

/** The member id in a slot, or -1. */
export function memberAtSlot(t: MemberTable, slot: number): number {
  return trieGet(t.slots, slot) - 1;
}

/** A table where members 0..n-1 are all alive at incarnation 0 (the simulator's base view). */
export function denseAliveTable(n: number): MemberTable {
  const e = new Array<number>(n).fill(pack('alive', 0));
  const s = new Array<number>(n);
  for (let i = 0; i < n; i++) s[i] = i + 1;
  return { entries: trieFromArray(e), slots: trieFromArray(s), slotCount: n, liveCount: n };
}

export function tableFromEntries(xs: readonly MemberEntry[]): MemberTable {
  let t = EMPTY_TABLE;
  for (const x of xs) t = put(t, x.member, x.status, x.incarnation);
  return t;
}

/** Every known member in slot order. */
export function tableEntries(t: MemberTable): MemberEntry[] {
  const out: MemberEntry[] = [];
  for (let s = 0; s < t.slotCount; s++) {
    const m = memberAtSlot(t, s);
    const p = trieGet(t.entries, m);
    out.push({ member: m, status: packedStatus(p), incarnation: packedIncarnation(p) });
  }
  return out;
}
