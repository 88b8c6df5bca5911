/**
 * Explicit-state model checker over any deterministic model (CRAQ cluster, chain manager,
 * SWIM): breadth-first (shortest counterexamples) or depth-first, a visited set of 64-bit
 * fingerprints of a canonical encoding, state and depth limits reported honestly
 * (`exhaustive: false`), safety invariants at every state, terminal invariants at states
 * with no enabled action (e.g. linearizability of a completed history), and an optional
 * liveness goal ("from every reachable state a goal state is reachable", checked on the
 * full graph when the search was exhaustive).
 *
 * Pure: no clock. Progress is reported through a callback every `progressEvery` states; the
 * caller measures time.
 */
import { InvariantViolation } from '../types';
import { FingerprintSet, IntColumn, SmallColumn, hash64Into } from './fingerprint';

export interface Invariant<S> {
  readonly id: string;
  /** null when the state satisfies the invariant, else a readable reason. */
  check(s: S): string | null;
}

export interface ExplorerModel<S, A> {
  readonly name: string;
  initial(): S;
  /** Enabled actions, in a deterministic order (trace replay relies on it). */
  actions(s: S): readonly A[];
  /** The successor. Pure. May throw InvariantViolation (a machine's own assertion). */
  apply(s: S, a: A): S;
  /** Canonical encoding: equal strings = equivalent states (symmetry reduction lives here). */
  encode(s: S): string;
  /**
   * Optional fast path for the visited set: a 64-bit fingerprint of the state's canonical
   * form, written to out[0] and out[1]; when present the search never calls `encode`. Same
   * obligation as `encode`: states with equal encodings get equal fingerprints, and states
   * the fingerprint identifies must have the same futures (core/check/intern.ts TupleHasher).
   */
  fingerprint?(s: S, out: Int32Array): void;
  /**
   * Optional: states as tuples of int32, so breadth-first search keeps its frontier in one
   * typed array instead of as objects and, with `applyInto`, builds successors in a scratch
   * buffer (no allocation per transition; only new states are copied).
   */
  readonly packing?: Packing<S, A>;
  readonly invariants: readonly Invariant<S>[];
  /** Checked at states with no enabled action. */
  readonly terminalInvariants?: readonly Invariant<S>[];
  /** Liveness under fairness: every reachable state can reach a state satisfying `test`. */
  readonly goal?: { readonly id: string; test(s: S): boolean };
  /** One trace line: which node, which message, the versions after it. */
  describe(before: S, a: A, after: S): string;
  /** Optional one-line summary of a state, printed at the end of a trace. */
  summarize?(s: S): string;
  /**
   * Optional: a model over concrete states whose `initial` and `actions` correspond to this
   * one's index for index (the same choices in the same order). Counterexample traces are
   * replayed and printed through it, and every violation is confirmed on it before it is
   * reported: the same invariant must fail at the end of the replayed trace (or the same
   * step must throw it), else the search throws (the two models disagree: a bug). An
   * interned model names its reference model here (core/check/craq-model.ts).
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly tracer?: ExplorerModel<any, any>;
}

export interface Packing<S, A> {
  ints(s: S): ArrayLike<number>;
  /** A state from its ints (a fresh value). */
  state(buf: Int32Array, at: number, len: number): S;
  /**
   * Optional: like `state`, but may return the same object every call (valid until the next
   * call). Breadth-first search uses it for the state it is expanding, which it does not keep.
   */
  view?(buf: Int32Array, at: number, len: number): S;
  /** `ints(apply(s, a))` written to `out` from 0 (at most out.length ints); returns the length. */
  applyInto?(s: S, a: A, out: Int32Array): number;
  /** `fingerprint(state(buf, 0, len))`, without building the state. */
  fingerprint?(buf: Int32Array, len: number, out: Int32Array): void;
}

export interface ExploreOptions {
  readonly mode?: 'bfs' | 'dfs';
  readonly maxStates?: number;
  readonly maxDepth?: number;
  /** Stop after this many violations (default 1). */
  readonly maxViolations?: number;
  readonly progressEvery?: number;
  readonly onProgress?: (p: ExploreProgress) => void;
}

export interface ExploreProgress {
  readonly states: number;
  readonly transitions: number;
  readonly depth: number;
  readonly frontier: number;
}

export interface Violation {
  readonly invariant: string;
  readonly message: string;
  readonly depth: number;
  /** Readable steps from the initial state, one per transition. */
  readonly trace: readonly string[];
}

export interface ExploreResult {
  readonly model: string;
  readonly mode: 'bfs' | 'dfs';
  readonly states: number;
  readonly transitions: number;
  /** Greatest depth reached. */
  readonly depth: number;
  /** true only when every reachable state was expanded (no limit was hit, no early stop). */
  readonly exhaustive: boolean;
  /** Why the search stopped early, when it did. */
  readonly limitedBy: 'maxStates' | 'maxDepth' | 'violations' | null;
  readonly terminalStates: number;
  readonly violations: readonly Violation[];
  /** Explorer bookkeeping bytes per stored state (fingerprint table, parents, actions). */
  readonly bytesPerState: number;
  /** Whether the liveness goal was checked (needs an exhaustive search). */
  readonly livenessChecked: boolean;
}

/**
 * The breadth-first queue: states with their ids and depths, oldest first. A state `shift`
 * returns is valid until the next `shift` (a packed queue may reuse one object).
 */
interface Queue<S> {
  readonly size: number;
  /** Id and depth of the state `shift` returned last. */
  readonly id: number;
  readonly depth: number;
  push(id: number, depth: number, s: S): void;
  /** Only for a packed queue: push a state given as ints. */
  pushInts(id: number, depth: number, buf: Int32Array, len: number): void;
  shift(): S;
}

class ObjectQueue<S> implements Queue<S> {
  private items: ({ id: number; depth: number; s: S } | undefined)[] = [];
  private head = 0;
  id = 0;
  depth = 0;
  get size(): number {
    return this.items.length - this.head;
  }
  push(id: number, depth: number, s: S): void {
    this.items.push({ id, depth, s });
  }
  pushInts(): void {
    throw new Error('explorer: not a packed queue');
  }
  shift(): S {
    const x = this.items[this.head]!;
    this.items[this.head++] = undefined;
    if (this.head > 65536 && this.head * 2 > this.items.length) {
      this.items.splice(0, this.head);
      this.head = 0;
    }
    this.id = x.id;
    this.depth = x.depth;
    return x.s;
  }
}

/** Entries [id, depth, length, ...ints] back to back in one Int32Array (compacted or doubled when full). */
class PackedQueue<S> implements Queue<S> {
  private buf = new Int32Array(1 << 16);
  private head = 0;
  private tail = 0;
  size = 0;
  id = 0;
  depth = 0;
  private readonly view: (buf: Int32Array, at: number, len: number) => S;
  constructor(private readonly packing: Packing<S, unknown>) {
    this.view = packing.view ? packing.view.bind(packing) : packing.state.bind(packing);
  }
  push(id: number, depth: number, s: S): void {
    this.pushInts(id, depth, this.packing.ints(s), -1);
  }
  pushInts(id: number, depth: number, xs: ArrayLike<number>, len: number): void {
    const n = len < 0 ? xs.length : len;
    if (this.tail + n + 3 > this.buf.length) this.make(n + 3);
    const b = this.buf;
    let t = this.tail;
    b[t++] = id;
    b[t++] = depth;
    b[t++] = n;
    for (let i = 0; i < n; i++) b[t++] = xs[i];
    this.tail = t;
    this.size++;
  }
  shift(): S {
    const b = this.buf;
    let h = this.head;
    this.id = b[h++];
    this.depth = b[h++];
    const n = b[h++];
    this.head = h + n;
    this.size--;
    return this.view(b, h, n);
  }
  private make(need: number): void {
    const live = this.tail - this.head;
    if (live + need <= this.buf.length >>> 1) this.buf.copyWithin(0, this.head, this.tail);
    else {
      const b = new Int32Array(Math.max(this.buf.length * 2, live + need));
      b.set(this.buf.subarray(this.head, this.tail));
      this.buf = b;
    }
    this.head = 0;
    this.tail = live;
  }
}

interface Frame<S, A> {
  readonly id: number;
  readonly state: S;
  readonly depth: number;
  actions?: readonly A[];
  next?: number;
}

export function explore<S, A>(model: ExplorerModel<S, A>, opts: ExploreOptions = {}): ExploreResult {
  const mode = opts.mode ?? 'bfs';
  const maxStates = opts.maxStates ?? 1_000_000;
  const maxDepth = opts.maxDepth ?? Number.MAX_SAFE_INTEGER;
  const maxViolations = opts.maxViolations ?? 1;
  const progressEvery = opts.progressEvery ?? 50_000;

  const seen = new FingerprintSet();
  const parent = new IntColumn();
  const via = new SmallColumn(); // index of the action in actions(parent)
  const depthOf = new SmallColumn();
  const edgesFrom = model.goal ? new IntColumn() : undefined;
  const edgesTo = model.goal ? new IntColumn() : undefined;
  const goalIds: number[] = [];

  const violations: Violation[] = [];
  let transitions = 0;
  let maxDepthSeen = 0;
  let terminalStates = 0;
  let limitedBy: ExploreResult['limitedBy'] = null;
  let depthCut = false;

  const fp = new Int32Array(2);
  const fingerprint = model.fingerprint ? model.fingerprint.bind(model) : (s: S, out: Int32Array) => hash64Into(model.encode(s), out);
  const goalTest = model.goal ? model.goal.test.bind(model.goal) : undefined;
  /** Bookkeeping for a new state `id` (`s` is needed only for the goal test). */
  const added = (id: number, s: S | undefined, p: number, a: number, d: number): void => {
    parent.push(p);
    via.push(a);
    depthOf.push(d);
    if (d > maxDepthSeen) maxDepthSeen = d;
    if (goalTest?.(s!)) goalIds.push(id);
  };
  const record = (s: S, p: number, a: number, d: number): number => {
    fingerprint(s, fp);
    const id = seen.add(fp[0], fp[1]);
    if (id >= 0) added(id, s, p, a, d);
    return id;
  };

  const replayer = model.tracer ?? model;
  /** The readable steps to state `id`, replayed through the tracer (or the model itself), and the state reached. */
  const replay = (id: number): { lines: string[]; end: unknown } => {
    const path: number[] = [];
    for (let x = id; x > 0; x = parent.get(x)) path.push(via.get(x));
    path.reverse();
    const lines: string[] = [];
    let s = replayer.initial();
    for (const ai of path) {
      const a = replayer.actions(s)[ai];
      const n = replayer.apply(s, a);
      lines.push(replayer.describe(s, a, n));
      s = n;
    }
    return { lines, end: s };
  };
  const finish = (lines: string[], end: unknown): string[] => {
    if (replayer.summarize) lines.push(`state: ${replayer.summarize(end)}`);
    return lines;
  };
  const disagree = (what: string): never => {
    throw new Error(`${model.name}: ${what} on the model but not on its tracer (the two models disagree)`);
  };
  /** A state invariant failed at `id`: the trace, and the tracer's own reason (confirmed). */
  const stateViolation = (inv: Invariant<S>, id: number, terminal: boolean, why: string): Violation => {
    const { lines, end } = replay(id);
    let message = why;
    if (model.tracer) {
      const lists = [model.tracer.invariants, ...(terminal && model.tracer.terminalInvariants ? [model.tracer.terminalInvariants] : [])];
      const same = lists.flat().find((x) => x.id === inv.id);
      const again = same ? same.check(end) : null;
      if (again === null) return disagree(`${inv.id} fails at state ${id}`);
      message = again;
    }
    return { invariant: inv.id, message, depth: depthOf.get(id), trace: finish(lines, end) };
  };
  /** Action `ai` from state `id` threw `e`: the trace ending with the step that threw (confirmed). */
  const stepViolation = (id: number, ai: number, e: InvariantViolation): Violation => {
    const { lines, end } = replay(id);
    const a = replayer.actions(end)[ai];
    let message = e.message;
    if (model.tracer) {
      let again: unknown = null;
      try {
        model.tracer.apply(end, a);
      } catch (x) {
        again = x;
      }
      if (!(again instanceof InvariantViolation) || again.invariant !== e.invariant) return disagree(`step ${ai} from state ${id} throws ${e.invariant}`);
      message = again.message;
    }
    lines.push(replayer.describe(end, a, end) + `  !! ${message}`);
    return { invariant: e.invariant, message, depth: depthOf.get(id) + 1, trace: finish(lines, end) };
  };

  const always = [model.invariants];
  const atEnd = model.terminalInvariants ? [model.invariants, model.terminalInvariants] : always;
  const checkState = (s: S, id: number, terminal: boolean): void => {
    for (const list of terminal ? atEnd : always)
      for (const inv of list) {
        const why = inv.check(s);
        if (why !== null) {
          violations.push(stateViolation(inv, id, terminal, why));
          return;
        }
      }
  };

  const s0 = model.initial();
  record(s0, -1, -1, 0);
  const done = () => violations.length >= maxViolations;
  let frontierLeft: boolean;

  if (mode === 'bfs') {
    const packing = model.packing;
    const queue: Queue<S> = packing ? new PackedQueue(packing) : new ObjectQueue<S>();
    const into = packing?.applyInto && packing.fingerprint ? packing : null;
    const buf = new Int32Array(into ? 1 << 16 : 0);
    queue.push(0, 0, s0);
    while (!done() && queue.size > 0) {
      const state = queue.shift();
      const id = queue.id;
      const depth = queue.depth;
      const actions = model.actions(state);
      checkState(state, id, actions.length === 0);
      if (actions.length === 0) terminalStates++;
      if (done()) break;
      if (depth >= maxDepth && actions.length > 0) {
        depthCut = true;
        continue;
      }
      for (let ai = 0; ai < actions.length; ai++) {
        let n: S | undefined;
        let len = 0;
        try {
          if (into) len = into.applyInto!(state, actions[ai], buf);
          else n = model.apply(state, actions[ai]);
        } catch (e) {
          if (!(e instanceof InvariantViolation)) throw e;
          violations.push(stepViolation(id, ai, e));
          break;
        }
        transitions++;
        let nid: number;
        if (into) {
          into.fingerprint!(buf, len, fp);
          nid = seen.add(fp[0], fp[1]);
          if (nid >= 0) {
            if (goalTest) n = into.state(buf, 0, len);
            added(nid, n, id, ai, depth + 1);
          }
        } else nid = record(n!, id, ai, depth + 1);
        if (edgesFrom) {
          edgesFrom.push(id);
          edgesTo!.push(nid >= 0 ? nid : -1 - nid);
        }
        if (nid >= 0) {
          if (seen.size >= maxStates) {
            limitedBy = 'maxStates';
            break;
          }
          if (opts.onProgress && seen.size % progressEvery === 0) opts.onProgress({ states: seen.size, transitions, depth: maxDepthSeen, frontier: queue.size });
          if (into) queue.pushInts(nid, depth + 1, buf, len);
          else queue.push(nid, depth + 1, n!);
        }
      }
      if (limitedBy) break;
    }
    frontierLeft = queue.size > 0;
  } else {
    const frontier: Frame<S, A>[] = [{ id: 0, state: s0, depth: 0 }];
    while (!done()) {
      if (frontier.length === 0) break;
      const frame = frontier[frontier.length - 1];
      if (frame.actions === undefined) {
        frame.actions = model.actions(frame.state);
        frame.next = 0;
        checkState(frame.state, frame.id, frame.actions.length === 0);
        if (frame.actions.length === 0) terminalStates++;
        if (done()) break;
        if (frame.depth >= maxDepth && frame.actions.length > 0) {
          depthCut = true;
          frame.actions = [];
        }
      }
      // one successor per visit
      while (frame.next! < frame.actions.length) {
        const ai = frame.next!++;
        const a = frame.actions[ai];
        let n: S;
        try {
          n = model.apply(frame.state, a);
        } catch (e) {
          if (!(e instanceof InvariantViolation)) throw e;
          violations.push(stepViolation(frame.id, ai, e));
          break;
        }
        transitions++;
        const id = record(n, frame.id, ai, frame.depth + 1);
        if (edgesFrom) {
          edgesFrom.push(frame.id);
          edgesTo!.push(id >= 0 ? id : -1 - id);
        }
        if (id >= 0) {
          if (seen.size >= maxStates) {
            limitedBy = 'maxStates';
            break;
          }
          if (opts.onProgress && seen.size % progressEvery === 0) opts.onProgress({ states: seen.size, transitions, depth: maxDepthSeen, frontier: frontier.length });
          frontier.push({ id, state: n, depth: frame.depth + 1 });
          break;
        }
      }
      if (limitedBy) break;
      if (frame.next! >= frame.actions.length && frontier[frontier.length - 1] === frame) frontier.pop();
    }
    frontierLeft = frontier.length > 0;
  }

  if (!limitedBy && done() && frontierLeft) limitedBy = 'violations';
  if (!limitedBy && depthCut) limitedBy = 'maxDepth';
  const exhaustive = limitedBy === null;

  let livenessChecked = false;
  if (model.goal && exhaustive && violations.length < maxViolations) {
    livenessChecked = true;
    const stuck = firstStateThatCannotReach(seen.size, edgesFrom!, edgesTo!, goalIds);
    if (stuck >= 0) {
      const { lines, end } = replay(stuck);
      violations.push({
        invariant: model.goal.id,
        message: `a reachable state (depth ${depthOf.get(stuck)}) from which no goal state is reachable`,
        depth: depthOf.get(stuck),
        trace: finish(lines, end),
      });
    }
  }

  const bytes = seen.bytes + parent.bytes + via.bytes + depthOf.bytes + (edgesFrom ? edgesFrom.bytes + edgesTo!.bytes : 0);
  return {
    model: model.name,
    mode,
    states: seen.size,
    transitions,
    depth: maxDepthSeen,
    exhaustive,
    limitedBy,
    terminalStates,
    violations,
    bytesPerState: Math.round(bytes / Math.max(1, seen.size)),
    livenessChecked,
  };
}

/** Backward reachability from the goal states; returns the smallest id not reaching one, or -1. */
function firstStateThatCannotReach(n: number, from: IntColumn, to: IntColumn, goals: readonly number[]): number {
  const m = from.length;
  const start = new Int32Array(n + 1);
  for (let e = 0; e < m; e++) start[to.get(e) + 1]++;
  for (let i = 0; i < n; i++) start[i + 1] += start[i];
  const fill = start.slice(0, n);
  const rev = new Int32Array(m);
  for (let e = 0; e < m; e++) rev[fill[to.get(e)]++] = from.get(e);
  const ok = new Uint8Array(n);
  const queue: number[] = [];
  for (const g of goals) if (!ok[g]) {
    ok[g] = 1;
    queue.push(g);
  }
  for (let qi = 0; qi < queue.length; qi++) {
    const x = queue[qi];
    for (let e = start[x]; e < start[x + 1]; e++) {
      const p = rev[e];
      if (!ok[p]) {
        ok[p] = 1;
        queue.push(p);
      }
    }
  }
  // prefer a state with no way out at all (the clearest counterexample: stuck there)
  const outdeg = new Int32Array(n);
  for (let e = 0; e < m; e++) outdeg[from.get(e)]++;
  for (let i = 0; i < n; i++) if (!ok[i] && outdeg[i] === 0) return i;
  for (let i = 0; i < n; i++) if (!ok[i]) return i;
  return -1;
}
