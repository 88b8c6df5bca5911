/**
 * Linearizability checker: `checkHistory(ops, {model})` -> ok | illegal | unknown.
 *
 * - P-compositionality (Herlihy & Wing): a history is linearizable iff each per-key
 *   sub-history is, so keys are checked separately (smallest first).
 * - Each key: the WGL search with memoisation (./lin-search.ts) and value-flow pruning, after
 *   two reductions that keep the verdict (proofs-notes/linearizability.md): pending reads are
 *   dropped, and so are pending writes whose value nothing could observe.
 * - An illegal key is minimised (ddmin-style chunk removal, then single removals to a
 *   fixpoint) to a set of operations that cannot be linearised while every set obtained by
 *   removing one more operation can, or reads a value nobody in it wrote (1-minimal).
 * - Limits arrive as inputs: a step budget and/or a `deadline()` predicate. Pure: no clock.
 */
import { LinModel, Pruner, SearchLimits, SearchOutcome, hashScalar, searchLinearization } from './lin-search';
import type { LinModelName, LinOperation, LinValue } from './lin-types';

export type { LinModel, Pruner, SearchLimits, SearchOutcome } from './lin-search';
export { searchLinearization } from './lin-search';
export * from './lin-types';

/** Register and CAS share one sequential specification; `register` just forbids cas ops. */
function stepValue(state: LinValue, op: LinOperation): LinValue | undefined {
  const pending = op.return === undefined;
  switch (op.op) {
    case 'write':
      return op.value;
    case 'read':
      // a pending read has no effect and checks nothing: never linearising it is equivalent
      return !pending && op.output === state ? state : undefined;
    case 'cas':
      if (pending) return state === op.expected ? op.value : undefined; // a failed pending cas = omitted
      if (op.output === true) return state === op.expected ? op.value : undefined;
      return state !== op.expected ? state : undefined;
  }
}

const equalValue = (a: LinValue, b: LinValue): boolean => a === b;

/** The value `o` needs the state to hold (a returned read's output, a returned successful
 * cas's expected value), or NO_NEED. */
const NO_NEED = Symbol('none');
function needs(o: LinOperation): LinValue | typeof NO_NEED {
  if (o.return === undefined) return NO_NEED;
  if (o.op === 'read') return o.output ?? null;
  if (o.op === 'cas' && o.output === true) return o.expected;
  return NO_NEED;
}
/** The value `o` may install (a write, a cas that succeeded or never returned), or NO_NEED. */
function installs(o: LinOperation): LinValue | typeof NO_NEED {
  if (o.op === 'write') return o.value;
  if (o.op === 'cas' && (o.return === undefined || o.output === true)) return o.value;
  return NO_NEED;
}

/**
 * Value-flow pruning: a configuration is dead when some unlinearised operation needs a value
 * u (reads it, or cas-es from it successfully) that the state does not hold and no
 * unlinearised operation can install. The state changes only by installing values, so that
 * operation can never be linearised. O(1) per step (counters per value).
 */
export function valueFlowPruner(ops: readonly LinOperation[]): Pruner<LinValue> {
  const ids = new Map<LinValue, number>();
  const idOf = (v: LinValue | typeof NO_NEED): number => {
    if (v === NO_NEED) return -1;
    let id = ids.get(v);
    if (id === undefined) ids.set(v, (id = ids.size));
    return id;
  };
  const need = Int32Array.from(ops, (o) => idOf(needs(o)));
  const inst = Int32Array.from(ops, (o) => idOf(installs(o)));
  const readers = new Int32Array(ids.size);
  const writers = new Int32Array(ids.size);
  let deadValues = 0; // values with readers > 0 and writers === 0
  const change = (i: number, d: number): void => {
    const r = need[i];
    if (r >= 0) {
      const before = readers[r] > 0 && writers[r] === 0;
      readers[r] += d;
      deadValues += (readers[r] > 0 && writers[r] === 0 ? 1 : 0) - (before ? 1 : 0);
    }
    const w = inst[i];
    if (w >= 0) {
      const before = readers[w] > 0 && writers[w] === 0;
      writers[w] += d;
      deadValues += (readers[w] > 0 && writers[w] === 0 ? 1 : 0) - (before ? 1 : 0);
    }
  };
  for (let i = 0; i < ops.length; i++) change(i, +1);
  return {
    take: (i) => change(i, -1),
    restore: (i) => change(i, +1),
    dead: (state) => {
      if (deadValues === 0) return false;
      const s = ids.get(state);
      return deadValues - (s !== undefined && readers[s] > 0 && writers[s] === 0 ? 1 : 0) > 0;
    },
  };
}

export const registerModel: LinModel<LinValue> = {
  name: 'register',
  init: null,
  step: stepValue,
  hash: hashScalar,
  equal: equalValue,
  pruner: valueFlowPruner,
};

export const casModel: LinModel<LinValue> = { ...registerModel, name: 'cas' };

export function modelNamed(name: LinModelName): LinModel<LinValue> {
  return name === 'cas' ? casModel : registerModel;
}

/**
 * The first problem with an in-memory history under `model`, or undefined. The file decoder
 * (spec/history.ts) rejects all of these with a line number; this guards in-process callers.
 */
function isLinValue(v: unknown): v is LinValue {
  return v === null || typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v));
}

export function historyProblem(ops: readonly LinOperation[], model: LinModelName): string | undefined {
  for (let i = 0; i < ops.length; i++) {
    const o = ops[i];
    const at = `operation ${i}`;
    if (!Number.isFinite(o.call)) return `${at}: 'call' must be a finite number`;
    if (o.return !== undefined && !(Number.isFinite(o.return) && o.return >= o.call))
      return `${at}: 'return' must be a finite number >= 'call'`;
    if (typeof o.key !== 'string') return `${at}: 'key' must be a string`;
    switch (o.op) {
      case 'write':
        if (!isLinValue(o.value)) return `${at}: 'value' must be a finite number, a string or null`;
        break;
      case 'read':
        if (o.return !== undefined && !isLinValue(o.output)) return `${at}: a read that returned needs 'output' (a finite number, a string or null)`;
        break;
      case 'cas':
        if (model !== 'cas') return `${at}: 'cas' needs model cas`;
        if (!isLinValue(o.value) || !isLinValue(o.expected)) return `${at}: 'value' and 'expected' must be finite numbers, strings or null`;
        if (o.return !== undefined && typeof o.output !== 'boolean') return `${at}: a cas that returned needs a boolean 'output'`;
        break;
      default:
        return `${at}: unknown op ${JSON.stringify((o as { op: unknown }).op)}`;
    }
  }
  return undefined;
}

/**
 * Drop operations whose presence cannot change the verdict for one key:
 * - pending reads (no effect, nothing to check);
 * - pending writes of a value v that no operation could observe: no read returned v, no cas
 *   expects v, and no cas on the key returned false (the only op that could use "the state
 *   is not u" as evidence). Argument in proofs-notes/linearizability.md.
 */
export function pruneKey(ops: readonly LinOperation[]): LinOperation[] {
  const observed = new Set<LinValue>();
  let failedCas = false;
  for (const o of ops) {
    if (o.op === 'read' && o.return !== undefined) observed.add(o.output ?? null);
    if (o.op === 'cas') {
      observed.add(o.expected);
      if (o.return !== undefined && o.output === false) failedCas = true;
    }
  }
  return ops.filter((o) => {
    if (o.return !== undefined) return true;
    if (o.op === 'read') return false;
    if (o.op === 'write') return failedCas || observed.has(o.value);
    return true;
  });
}

export interface LinProgress {
  readonly keysDone: number;
  readonly keys: number;
  /** Steps so far across keys. */
  readonly steps: number;
}

/** Minimisation runs many searches on sub-histories, some harder than the whole; without a
 * budget from the caller it stops (reporting `minimised: false`) after this many steps. */
export const MINIMISE_STEPS_DEFAULT = 10_000_000;

export interface CheckOptions {
  readonly model: LinModelName;
  /** Total search steps for the verdict (all keys); exhausted -> `unknown`. */
  readonly stepBudget?: number;
  /** Polled during the search; true -> stop with `unknown` (the caller owns the clock). */
  readonly deadline?: () => boolean;
  /** Minimise an illegal key's history (default true). */
  readonly minimise?: boolean;
  /** Steps allowed for the minimisation (default: `stepBudget`, or MINIMISE_STEPS_DEFAULT). */
  readonly minimiseStepBudget?: number;
  /** For measurement only: switch the memo off (default on). */
  readonly memo?: boolean;
  /** For measurement only: switch value-flow pruning off (default on). */
  readonly prune?: boolean;
  readonly onProgress?: (p: LinProgress) => void;
}

interface LinCommon {
  readonly model: LinModelName;
  /** Operations in the input. */
  readonly operations: number;
  /** Distinct keys in the input. */
  readonly keys: number;
  /** Search steps spent (verdict plus minimisation). */
  readonly steps: number;
}

export type LinResult =
  | (LinCommon & {
      readonly result: 'ok';
      /** A witness: per key, the linearised operations in order (pending ops left out were
       * never linearised: they took no effect). */
      readonly linearization: ReadonlyMap<string, readonly LinOperation[]>;
    })
  | (LinCommon & {
      readonly result: 'illegal';
      readonly key: string;
      /** Operations on that key in the input. */
      readonly keyOperations: number;
      /** Operations that cannot be linearised, ordered by call time. */
      readonly minimal: readonly LinOperation[];
      /** true: removing any one operation of `minimal` gives a linearizable history or one that
       * reads a value no remaining operation wrote (1-minimal among such "closed" subsets);
       * false: the limits stopped the minimisation early. */
      readonly minimised: boolean;
    })
  | (LinCommon & {
      readonly result: 'unknown';
      readonly reason: 'stepBudget' | 'deadline';
      /** Keys whose search hit the limit (every other key is linearizable). */
      readonly undecidedKeys: readonly string[];
    });

/** Operations grouped by key, keys ordered by size then name (small keys decide fast). */
export function partitionByKey(ops: readonly LinOperation[]): [string, LinOperation[]][] {
  const byKey = new Map<string, LinOperation[]>();
  for (const o of ops) {
    const list = byKey.get(o.key);
    if (list === undefined) byKey.set(o.key, [o]);
    else list.push(o);
  }
  return [...byKey.entries()].sort((a, b) => a[1].length - b[1].length || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

/** Check one key's operations (after pruning). */
export function checkKey(ops: readonly LinOperation[], model: LinModel<LinValue>, limits: SearchLimits): SearchOutcome & { readonly ops: readonly LinOperation[] } {
  const pruned = pruneKey(ops);
  return { ...searchLinearization(pruned, model, limits), ops: pruned };
}

/**
 * Check a whole history. Throws RangeError if the history is malformed for the model (see
 * `historyProblem`); that is a caller bug — untrusted input goes through spec/history.ts.
 */
export function checkHistory(ops: readonly LinOperation[], opts: CheckOptions): LinResult {
  const problem = historyProblem(ops, opts.model);
  if (problem !== undefined) throw new RangeError(`checkHistory: ${problem}`);
  const model = modelNamed(opts.model);
  // one object shape for every operation keeps property access in the search monomorphic;
  // results map back to the caller's own objects
  const original = new Map<LinOperation, LinOperation>();
  const uniform = ops.map((o) => {
    const u = uniformShape(o);
    original.set(u, o);
    return u;
  });
  const back = (xs: readonly LinOperation[]) => xs.map((u) => original.get(u)!);
  const parts = partitionByKey(uniform);
  const common = { model: opts.model, operations: ops.length, keys: parts.length };
  const budget = opts.stepBudget ?? Infinity;
  let steps = 0;
  const undecided: string[] = [];
  let reason: 'stepBudget' | 'deadline' = 'stepBudget';
  const linearization = new Map<string, readonly LinOperation[]>();
  for (let k = 0; k < parts.length; k++) {
    const [key, keyOps] = parts[k];
    const base = steps;
    const out = checkKey(keyOps, model, {
      stepBudget: Math.max(0, budget - steps),
      deadline: opts.deadline,
      memo: opts.memo,
      prune: opts.prune,
      onProgress: opts.onProgress && ((s) => opts.onProgress!({ keysDone: k, keys: parts.length, steps: base + s })),
    });
    steps += out.steps;
    if (out.kind === 'illegal') {
      const min = opts.minimise === false
        ? { ops: out.ops, minimised: false, steps: 0 }
        : minimiseIllegal(out.ops, model, {
            stepBudget: opts.minimiseStepBudget ?? opts.stepBudget ?? MINIMISE_STEPS_DEFAULT,
            deadline: opts.deadline,
            memo: opts.memo,
            prune: opts.prune,
          });
      return {
        ...common,
        steps: steps + min.steps,
        result: 'illegal',
        key,
        keyOperations: keyOps.length,
        minimal: back(byCallTime(min.ops)),
        minimised: min.minimised,
      };
    }
    if (out.kind === 'unknown') {
      undecided.push(key);
      reason = out.reason;
    } else {
      linearization.set(key, back(out.order.map((i) => out.ops[i])));
    }
  }
  if (undecided.length > 0) return { ...common, steps, result: 'unknown', reason, undecidedKeys: undecided };
  return { ...common, steps, result: 'ok', linearization };
}

/** The same operation as an object with every field present, in one order (absent = undefined). */
function uniformShape(o: LinOperation): LinOperation {
  const u = {
    client: o.client,
    op: o.op,
    key: o.key,
    value: o.op === 'read' ? undefined : o.value,
    expected: o.op === 'cas' ? o.expected : undefined,
    output: o.op === 'write' ? undefined : o.output,
    call: o.call,
    return: o.return,
  };
  return u as LinOperation;
}

function byCallTime(ops: readonly LinOperation[]): LinOperation[] {
  return ops.slice().sort((a, b) => a.call - b.call || (a.return ?? Infinity) - (b.return ?? Infinity) || a.client - b.client);
}

/**
 * Values some operation observes (a returned read's output, a successful cas's expected
 * value) that no operation in `ops` writes (null, the initial value, is always explained).
 */
export function unexplainedValues(ops: readonly LinOperation[]): Set<LinValue> {
  const seen = new Set<LinValue>();
  const written = new Set<LinValue>([null]);
  for (const o of ops) {
    if (o.op === 'write' || o.op === 'cas') written.add(o.value);
    if (o.return === undefined) continue;
    if (o.op === 'read') seen.add(o.output ?? null);
    if (o.op === 'cas' && o.output === true) seen.add(o.expected);
  }
  for (const v of written) seen.delete(v);
  return seen;
}

/**
 * Shrink an illegal single-key history: remove chunks of halving size while the rest stays
 * illegal, then single operations until none can go. A candidate counts only if it reads no
 * value "out of thin air" that the input did not already (otherwise removing the write of 38
 * would make any read of 38 a trivial, useless explanation). An `unknown` sub-check counts as
 * "not shown illegal" (the operation stays), and marks the result as not minimised.
 */
export function minimiseIllegal(
  ops: readonly LinOperation[],
  model: LinModel<LinValue>,
  limits: { readonly stepBudget?: number; readonly deadline?: () => boolean; readonly memo?: boolean; readonly prune?: boolean },
): { ops: LinOperation[]; minimised: boolean; steps: number } {
  const budget = limits.stepBudget ?? Infinity;
  let steps = 0;
  let exact = true;
  const allowed = unexplainedValues(ops);
  const illegal = (cand: readonly LinOperation[]): boolean => {
    for (const v of unexplainedValues(cand)) if (!allowed.has(v)) return false;
    const out = checkKey(cand, model, { stepBudget: Math.max(0, budget - steps), deadline: limits.deadline, memo: limits.memo, prune: limits.prune });
    steps += out.steps;
    if (out.kind === 'unknown') exact = false;
    return out.kind === 'illegal';
  };
  let cur = ops.slice();
  for (let chunk = cur.length >>> 1; chunk >= 2; chunk >>>= 1) {
    for (let i = 0; i < cur.length; ) {
      const cand = cur.slice(0, i).concat(cur.slice(i + chunk));
      if (illegal(cand)) cur = cand;
      else i += chunk;
    }
  }
  for (let changed = true; changed; ) {
    changed = false;
    for (let i = 0; i < cur.length; ) {
      const cand = cur.slice(0, i).concat(cur.slice(i + 1));
      if (illegal(cand)) {
        cur = cand;
        changed = true;
      } else i++;
    }
  }
  return { ops: cur, minimised: exact, steps };
}

// ---------------------------------------------------------------- printing

function showValue(v: LinValue | boolean | undefined): string {
  return v === undefined ? '?' : JSON.stringify(v);
}

function showKey(k: string): string {
  return /^[A-Za-z0-9_.:/-]+$/.test(k) ? k : JSON.stringify(k);
}

/** The operation part of a line: `write x 1`, `read x -> 1`, `cas x 1 -> 2 : true`. */
export function describeOperation(o: LinOperation): string {
  const pending = o.return === undefined;
  switch (o.op) {
    case 'write':
      return `write ${showKey(o.key)} ${showValue(o.value)}`;
    case 'read':
      return `read  ${showKey(o.key)} -> ${pending ? '?' : showValue(o.output)}`;
    case 'cas':
      return `cas   ${showKey(o.key)} ${showValue(o.expected)} -> ${showValue(o.value)} : ${pending ? '?' : showValue(o.output)}`;
  }
}

/** The interval: `[10, 25]`, or `[10, never returned]`. */
export function describeInterval(o: LinOperation): string {
  return `[${o.call}, ${o.return === undefined ? 'never returned' : o.return}]`;
}

/** At most this many operations get a timeline drawn next to them. */
export const TIMELINE_OPS_MAX = 30;

/**
 * One bar per operation on a shared axis of the distinct call/return times in rank order
 * (order is all that matters for real time; equal times share a column, so touching
 * intervals visibly overlap): `|---|` from call to return, `|--->` for one that never returned.
 */
export function formatTimeline(ops: readonly LinOperation[]): string[] {
  const times = [...new Set(ops.flatMap((o) => (o.return === undefined ? [o.call] : [o.call, o.return])))].sort((a, b) => a - b);
  const col = new Map(times.map((t, i) => [t, i * 3]));
  const width = (times.length - 1) * 3 + 4;
  return ops.map((o) => {
    const a = col.get(o.call)!;
    const b = o.return === undefined ? width : col.get(o.return)!;
    const bar = o.return === undefined ? '|' + '-'.repeat(Math.max(0, b - a - 1)) + '>' : a === b ? '|' : '|' + '-'.repeat(b - a - 1) + '|';
    return (' '.repeat(a) + bar).trimEnd();
  });
}

/** One aligned line per operation: `client 0  write x 1  [10, 25]  |---|` (the timeline only
 * for up to TIMELINE_OPS_MAX operations). */
export function formatOperations(ops: readonly LinOperation[]): string[] {
  const clients = ops.map((o) => `client ${o.client}`);
  const what = ops.map(describeOperation);
  const when = ops.map(describeInterval);
  const cw = Math.max(0, ...clients.map((s) => s.length));
  const ww = Math.max(0, ...what.map((s) => s.length));
  const iw = Math.max(0, ...when.map((s) => s.length));
  const bars = ops.length <= TIMELINE_OPS_MAX ? formatTimeline(ops) : undefined;
  return ops.map((o, i) => {
    const line = `${clients[i].padEnd(cw)}  ${what[i].padEnd(ww)}  ${bars ? when[i].padEnd(iw) + '  ' + bars[i] : when[i]}`;
    return line.trimEnd();
  });
}

/** A readable verdict, several lines, no trailing newline. */
export function formatResult(r: LinResult): string {
  switch (r.result) {
    case 'ok':
      return `ok: ${r.operations} operations on ${r.keys} key(s) are linearizable (model ${r.model})`;
    case 'unknown':
      return (
        `unknown: the ${r.reason === 'deadline' ? 'time limit' : 'step budget'} ran out after ${r.steps} steps; ` +
        `undecided key(s): ${r.undecidedKeys.map(showKey).join(', ')} (every other key is linearizable)`
      );
    case 'illegal': {
      const head =
        `illegal: key ${showKey(r.key)} is not linearizable (model ${r.model}). ` +
        `These ${r.minimal.length} of its ${r.keyOperations} operations cannot be ordered` +
        (r.minimised
          ? ' (minimal: without any one of them the rest can be ordered, or reads a value nobody wrote):'
          : ' (the limit stopped the minimisation: possibly not minimal):');
      return [head, ...formatOperations(r.minimal).map((l) => '  ' + l)].join('\n');
    }
  }
}
