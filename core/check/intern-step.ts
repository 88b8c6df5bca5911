/**
 * Component steps of the interned explorer models (core/check/craq-model.ts, system-model.ts;
 * proofs-notes/explorer.md, "Interned states"): the machinery both share around the real
 * machines.
 *
 *  - `nodeLayout`: node numbers (target slots 0..R-1, then clients R..R+C-1) and the order in
 *    which timers fire (by address, as the reference models list them);
 *  - `StepMemo` + `ComponentKind`: a memoised component step. A (component id, input) pair
 *    runs the real machine once, on a cluster holding just that component
 *    (`soloCluster`), and the result (the model's own step record) is kept; a machine's own
 *    assertion is kept as the step's result too (the model's `failed`);
 *  - `completions`: the history events (operation returns) a step produced, interned;
 *  - `LinByShape`: INV-LIN's verdict per linearizability shape (core/check/lin-memo.ts);
 *  - `IntStack`, `repeatsEarlier`: scratch lists of ids and the "identical messages are
 *    interchangeable" rule of the action lists;
 *  - `tuplePacking`: the explorer's packing of int tuples (scratch buffers, one view per
 *    length: no allocation per state).
 *
 * Per-transition paths (`StepMemo.step` on a memo hit, `repeatsEarlier`, `IntStack`, the
 * packing) allocate nothing; closures are made once per model.
 */
import { Address } from '../../spec/craq';
import { clientId } from '../../spec/ids';
import { InvariantViolation } from '../types';
import { ClusterConfig, ClusterEvent, ClusterResult, ClusterState, HistoryOp, addressKey } from '../craq/cluster';
import { ClientOp, OpResult } from '../craq/client';
import { TargetState } from '../craq/target';
import { hexOf, toLinHistory } from '../craq/history';
import { ExplorerModel } from './explorer';
import { IntPairMap, Interner, TupleHasher } from './intern';
import { LinVerdicts } from './lin-memo';
import { HistEvent, HistoryTable, RetEvent } from './intern-history';

// ---------------------------------------------------------------- nodes

/** Node i: target slot i (i < R), else client i - R. */
export interface NodeLayout {
  readonly nodeAddr: readonly Address[];
  readonly nodeOf: (a: Address) => number;
  /** Node numbers in address order (the order the reference models list timeouts in). */
  readonly timerOrder: readonly number[];
}

export function nodeLayout(ccfg: ClusterConfig): NodeLayout {
  const R = ccfg.targets.length;
  const nodeAddr: Address[] = [...ccfg.targets.map((id): Address => ({ kind: 'target', id })), ...Array.from({ length: ccfg.clients }, (_, j): Address => ({ kind: 'client', id: clientId(j) }))];
  const nodeOf = (a: Address): number => (a.kind === 'target' ? ccfg.targets.indexOf(a.id) : R + a.id);
  const timerOrder = nodeAddr.map((_, i) => i).sort((x, y) => (addressKey(nodeAddr[x]) < addressKey(nodeAddr[y]) ? -1 : 1));
  return { nodeAddr, nodeOf, timerOrder };
}

/** The up bitmask of a cluster's targets (bit i: slot i). */
export const upMask = (up: readonly boolean[]): number => up.reduce((m, u, i) => (u ? m | (1 << i) : m), 0);
/** The armed-timer bitmask (bit: node number). */
export const timerMask = (c: ClusterState, nodeOf: (a: Address) => number): number => c.timers.reduce((m, t) => m | (1 << nodeOf(t.node)), 0);

// ---------------------------------------------------------------- one-component clusters

/** A cluster holding one component of interest (the other slots hold `base`'s states, unused), quiet, at `nowMs`. */
export const soloCluster = (base: ClusterState, nowMs: number, patch: Partial<ClusterState>): ClusterState => ({
  ...base,
  nowMs,
  inflight: [],
  syncInflight: [],
  toManager: [],
  timers: [],
  history: [],
  clock: 0,
  ...patch,
});

/** `xs` with `x` at `i` (a copy). */
export function withAt<T>(xs: readonly T[], i: number, x: T): T[] {
  const out = xs.slice();
  out[i] = x;
  return out;
}

/** A history of `length` placeholder entries: invoke numbers an operation by the history's length, and reads nothing else of it. */
export const placeholderHistory = (length: number, op: ClientOp): HistoryOp[] => Array.from({ length }, (): HistoryOp => ({ client: clientId(-1), opId: -1, op, call: -1 }));

// ---------------------------------------------------------------- memoised steps

/**
 * One kind of component (targets, clients) of a model: its interned representatives with
 * their slots and clocks, how the real machine takes an input, and what the model keeps of
 * a step (`O`). Made once per model.
 */
export interface ComponentKind<T, O> {
  /** Where the component sits in a cluster. */
  readonly role: T extends TargetState ? 'targets' : 'clients';
  readonly reps: readonly T[];
  readonly slot: readonly number[];
  readonly clock: readonly number[];
  /** The cluster step of input `code` (`aux`: whatever else the input names) on a cluster holding `rep` at `slot`. */
  run(slot: number, rep: T, clock: number, code: number, aux: number): ClusterResult;
  intern(slot: number, x: T, clock: number): number;
  /** The step's record: `comp` is the component after it (interned; the same id when the machine returned the same object). */
  out(slot: number, c: ClusterState, events: readonly ClusterEvent[], comp: number, code: number, before: T, after: T): O;
}

/** The memo of component steps: every distinct (component, input) ran the machine once. */
export class StepMemo<O> {
  /** Step records, indexed by the memo tables' values. */
  readonly outs: O[] = [];
  /** `failed`: the record of a step that hit a machine's own assertion (component `comp` unchanged). */
  constructor(private readonly failed: (comp: number, e: InvariantViolation) => O) {}
  /**
   * The record of component `comp` taking input `input` (its memo key; `code`, `aux`: what
   * `run` reads), when the memo does not hold it yet: callers look `memo` up first (`step`
   * does both when the key is the code itself).
   */
  compute<T>(kind: ComponentKind<T, O>, memo: IntPairMap, comp: number, input: number, code: number, aux: number): O {
    const slot = kind.slot[comp];
    const rep = kind.reps[comp];
    let o: O;
    try {
      const [c, evs] = kind.run(slot, rep, kind.clock[comp], code, aux);
      const after = (c[kind.role] as readonly unknown[])[slot] as T;
      o = kind.out(slot, c, evs, after === rep ? comp : kind.intern(slot, after, c.nowMs), code, rep, after);
    } catch (e) {
      if (!(e instanceof InvariantViolation)) throw e;
      o = this.failed(comp, e);
    }
    memo.set(comp, input, this.outs.length);
    this.outs.push(o);
    return o;
  }

  /** The record of `comp` taking `code` when the code alone is the memo key (no `aux`): a memo probe, else `compute`. */
  step<T>(kind: ComponentKind<T, O>, memo: IntPairMap, comp: number, code: number): O {
    const k = memo.get(comp, code);
    return k >= 0 ? this.outs[k] : this.compute(kind, memo, comp, code, code, 0);
  }
}

// ---------------------------------------------------------------- history events

/** An operation's result as history events and canonical encodings write it (a read's `committed` flag is left out). */
export const resultStr = (r: OpResult): string => (r.ok ? (r.kind === 'read' ? hexOf(r.data) + '@' + r.ver : 'w' + r.commitVer) : r.code);

/** The operation returns among a step's cluster events (client `client`), interned in order; `make` builds a new event. */
export function completions<E extends RetEvent>(
  clusterEvents: readonly ClusterEvent[],
  client: number,
  events: Interner<HistEvent<E>>,
  resultIds: Interner<string>,
  make: (client: number, opId: number, result: OpResult, resultId: number) => E,
): number[] {
  const rets: number[] = [];
  for (const e of clusterEvents)
    if ('effect' in e && e.effect.kind === 'complete') {
      const r = e.effect.result;
      const rs = resultStr(r);
      rets.push(events.intern(`r${client}.${e.effect.opId}.${rs}`, make(client, e.effect.opId, r, resultIds.intern(rs, rs))));
    }
  return rets;
}

/** INV-LIN per history: the verdict depends only on the history's linearizability shape, searched once per shape. */
export class LinByShape<R extends RetEvent> {
  private readonly lin = new LinVerdicts({ model: 'register', stepBudget: 5_000_000 });
  private readonly illegalByShape: (boolean | undefined)[] = [];
  constructor(private readonly h: HistoryTable<R>) {}
  illegal(hist: number): boolean {
    const shape = this.h.hShape[hist];
    let illegal = this.illegalByShape[shape];
    if (illegal === undefined) illegal = this.illegalByShape[shape] = this.lin.verdict(toLinHistory(this.h.opsOf(hist))) === 'illegal';
    return illegal;
  }
  /** Searches the checker actually ran. */
  get searched(): number {
    return this.lin.searched;
  }
}

/** Every client invoked its planned operations and has none open (`next`: next planned op per client; clients at tuple positions R..R+C-1). */
export function clientsDone(next: readonly number[], opsPerClient: number, s: ArrayLike<number>, R: number, C: number, openOps: readonly number[]): boolean {
  for (let j = 0; j < C; j++) if (next[j] < opsPerClient || openOps[s[R + j]] > 0) return false;
  return true;
}

// ---------------------------------------------------------------- tuple scratch

/** Whether `s[i]` repeats one of `s[lo..i)` (identical messages are interchangeable: one delivery choice). */
export function repeatsEarlier(s: ArrayLike<number>, lo: number, i: number): boolean {
  const m = s[i];
  for (let j = lo; j < i; j++) if (s[j] === m) return true;
  return false;
}
/** As `repeatsEarlier`, comparing the ids' classes `same[id]`. */
export function repeatsEarlierBy(s: ArrayLike<number>, lo: number, i: number, same: readonly number[]): boolean {
  const e = same[s[i]];
  for (let j = lo; j < i; j++) if (same[s[j]] === e) return true;
  return false;
}

/** A growable list of ints (the messages of the state being built). */
export class IntStack {
  buf = new Int32Array(1 << 10);
  n = 0;
  push(x: number): void {
    if (this.n === this.buf.length) {
      const b = new Int32Array(this.n * 2);
      b.set(this.buf);
      this.buf = b;
    }
    this.buf[this.n++] = x;
  }
  removeAt(i: number): void {
    this.buf.copyWithin(i, i + 1, this.n--);
  }
}

const toArray = (buf: Int32Array, at: number, len: number): number[] => {
  const s: number[] = [];
  for (let i = 0; i < len; i++) s.push(buf[at + i]);
  return s;
};

/**
 * The tuple side of an interned model: `apply` through `applyInto` (one scratch buffer), the
 * fingerprints of `hasher`, and the explorer's packing (`state`: a stored tuple as the
 * model's states, default a plain array; `view`: one Int32Array view per length over one
 * buffer).
 */
export function tuplePacking<A>(
  label: string,
  applyInto: (s: ArrayLike<number>, a: A, out: Int32Array) => number,
  hasher: TupleHasher,
  state: (buf: Int32Array, at: number, len: number) => ArrayLike<number> = toArray,
): Pick<ExplorerModel<ArrayLike<number>, A>, 'apply' | 'fingerprint' | 'packing'> {
  const scratch = new Int32Array(1 << 12);
  const current = new Int32Array(1 << 12);
  const views: Int32Array[] = [];
  return {
    apply: (s, a) => toArray(scratch, 0, applyInto(s, a, scratch)),
    fingerprint: (s, out) => hasher.fingerprint(s, out),
    packing: {
      ints: (s) => s,
      state,
      view(buf, at, len) {
        if (len > current.length) throw new Error(`${label}: state too large for the buffer`);
        const v = (views[len] ??= current.subarray(0, len));
        for (let i = 0; i < len; i++) current[i] = buf[at + i];
        return v;
      },
      applyInto,
      fingerprint: (buf, len, out) => hasher.fingerprint(buf, out, len),
    },
  };
}
