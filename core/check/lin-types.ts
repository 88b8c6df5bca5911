/**
 * One operation of a concurrent history, as the linearizability checker sees it.
 * Times are plain numbers (any unit, any origin; only their order matters). Intervals are
 * closed: `a` precedes `b` in real time iff `a.return < b.call`; touching intervals are
 * concurrent. An operation without `return` never returned (a timeout, a crash): it may or may
 * not have taken effect, and its output is unknown.
 *
 * Values are JSON scalars: numbers, strings, or null (null is "never written", the initial
 * value of every key). Values compare with `===` (so 1 and "1" differ).
 *
 * File form (one JSON object a line, decoded by spec/history.ts):
 *   {"client":0,"op":"write","key":"x","value":1,"call":10,"return":25}
 *   {"client":1,"op":"read","key":"x","output":1,"call":12,"return":30}
 *   {"client":2,"op":"cas","key":"x","expected":1,"value":2,"output":true,"call":31,"return":40}
 */
export type LinValue = number | string | null;

interface LinOpBase {
  /** Who issued it (informational; the checker does not assume one op per client at a time). */
  readonly client: number;
  /** Partition key: operations on different keys are checked separately. */
  readonly key: string;
  /** Invocation time. */
  readonly call: number;
  /** Response time (>= call); absent when the operation never returned. */
  readonly return?: number;
}

/** Write `value` to `key`. No output. */
export interface WriteOp extends LinOpBase {
  readonly op: 'write';
  readonly value: LinValue;
}

/** Read `key`; `output` is the value returned (null: never written). Required once returned;
 * ignored (and may be absent) for a read that never returned. */
export interface ReadOp extends LinOpBase {
  readonly op: 'read';
  readonly output?: LinValue;
}

/** Compare-and-set (model `cas` only): if the key holds `expected`, set it to `value` and return
 * true; otherwise change nothing and return false. `output` is required once returned. */
export interface CasOp extends LinOpBase {
  readonly op: 'cas';
  readonly expected: LinValue;
  readonly value: LinValue;
  readonly output?: boolean;
}

export type LinOperation = WriteOp | ReadOp | CasOp;
export type LinOpKind = LinOperation['op'];
export const LIN_OP_KINDS: readonly LinOpKind[] = ['write', 'read', 'cas'];

/** The sequential specifications the checker knows. `register`: read/write; `cas`: read/write/cas. */
export type LinModelName = 'register' | 'cas';
export const LIN_MODELS: readonly LinModelName[] = ['register', 'cas'];
