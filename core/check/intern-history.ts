/**
 * Interned client histories, shared by the interned CRAQ model (craq-model.ts) and the
 * interned system model (system-model.ts).
 *
 * A history is interned by (history, event): the history after an event has the event last
 * (its clock is the largest), so different (history, event) pairs give different histories,
 * and equal ones the same: the ids are exactly those of the history encodings. What the
 * search reads of a history is kept per id (parallel columns); its operations are built
 * only when asked for (a linearizability search, a message, `encode`).
 *
 * The two models differ only in what they keep as a history's acknowledged writes (CRAQ: an
 * interned sorted (version, bytes) list; system: the highest version) and in the extra data
 * their return events carry; both are parameters.
 */
import { clientId } from '../../spec/ids';
import { HistoryOp } from '../craq/cluster';
import { OpResult } from '../craq/client';
import { IntPairMap, Interner } from './intern';

/**
 * Per history: what linearizability depends on. Per planned operation p = client *
 * opsPerClient + k, its result as the history encoding writes it (-1 while it has not
 * returned) and the set of operations that had returned when it was called (-1 before it is
 * called) as a bitmask. That is every operation's data and the whole real-time precedence
 * relation (a.ret < b.call iff a had returned when b was called); the times themselves are
 * gone, so interleavings with the same precedence share one verdict.
 */
export interface LinShape {
  readonly result: readonly number[];
  readonly pred: readonly number[];
  /** Operations returned so far (bitmask over p). */
  readonly returned: number;
}

/** A return event: operation `opId` of a client returned `result`. */
export interface RetEvent {
  readonly kind: 'ret';
  readonly client: number;
  readonly opId: number;
  readonly result: OpResult;
  /** The result's id for linearizability shapes. */
  readonly resultId: number;
}

/**
 * A history event, with exactly what the history's canonical encoding records of it: a call
 * by a client (the operation is the client's next planned one; a read's first replica is not
 * recorded), or a return (`R`, which a model may extend).
 */
export type HistEvent<R extends RetEvent = RetEvent> = { readonly kind: 'call'; readonly client: number } | R;

export interface HistoryTableSpec<R extends RetEvent> {
  readonly clients: number;
  readonly opsPerClient: number;
  /** Planned operation k of a client (the operation cluster.invoke records). */
  readonly plannedOp: (client: number, k: number) => HistoryOp['op'];
  /** The empty history's acknowledged writes, and its operations (the cluster's initial history). */
  readonly initialAcked: number;
  readonly initialOps: readonly HistoryOp[];
  /** The acknowledged writes after `e` returns planned operation `p`, which was open. */
  readonly ackedAfter: (acked: number, e: R, p: number) => number;
}

export interface HistoryTable<R extends RetEvent> {
  readonly events: Interner<HistEvent<R>>;
  readonly shapes: Interner<LinShape>;
  /** Per client: the id of its call event. */
  readonly callEvents: readonly number[];
  // per history id
  readonly hParent: readonly number[];
  readonly hEv: readonly number[];
  readonly hClock: readonly number[];
  /** Operations in the history. */
  readonly hLen: readonly number[];
  /** Operations invoked per client (the model's `next`). */
  readonly hNext: readonly (readonly number[])[];
  /** opId -> planned operation p. */
  readonly hPlan: readonly (readonly number[])[];
  readonly hAcked: readonly number[];
  readonly hShape: readonly number[];
  /** The history after event `ev` (the id of the empty history is 0). */
  histStep(hid: number, ev: number): number;
  /** The history's operations, as cluster.invoke and recordReturn build them (a read's first replica left out). */
  opsOf(hid: number): readonly HistoryOp[];
}

export function historyTable<R extends RetEvent>(spec: HistoryTableSpec<R>): HistoryTable<R> {
  const { clients: C, opsPerClient, plannedOp, ackedAfter } = spec;
  const events = new Interner<HistEvent<R>>();
  const shapes = new Interner<LinShape>();
  const shapeMemo = new IntPairMap(1 << 10);
  const hMemo = new IntPairMap(1 << 10);
  const callEvents = Array.from({ length: C }, (_, j) => events.intern(`c${j}`, { kind: 'call', client: j }));
  const hParent: number[] = [];
  const hEv: number[] = [];
  const hClock: number[] = [];
  const hLen: number[] = [];
  const hNext: (readonly number[])[] = [];
  const hPlan: (readonly number[])[] = [];
  const hAcked: number[] = [];
  const hShape: number[] = [];
  const hOps: (readonly HistoryOp[] | undefined)[] = [];

  const internShape = (sh: LinShape): number => shapes.intern(`${sh.result.join(',')}|${sh.pred.join(',')}`, sh);
  /** The shape after operation p is called (`result` < 0) or returns with `result`. */
  const shapeStep = (shape: number, p: number, result: number): number => {
    const code = result < 0 ? p : 32 + p + 32 * result;
    let k = shapeMemo.get(shape, code);
    if (k < 0) {
      const sh = shapes.reps[shape];
      const res = sh.result.slice();
      const pred = sh.pred.slice();
      if (result < 0) pred[p] = sh.returned;
      else res[p] = result;
      k = internShape({ result: res, pred, returned: result < 0 ? sh.returned : sh.returned | (1 << p) });
      shapeMemo.set(shape, code, k);
    }
    return k;
  };

  const histStep = (hid: number, ev: number): number => {
    const k = hMemo.get(hid, ev);
    if (k >= 0) return k;
    const e = events.reps[ev];
    const id = hParent.length;
    hParent.push(hid);
    hEv.push(ev);
    hClock.push(hClock[hid] + 1);
    hOps.push(undefined);
    if (e.kind === 'call') {
      // cluster.invoke: the client's next planned operation, numbered by the history's length
      const next = hNext[hid].slice();
      const p = e.client * opsPerClient + next[e.client]++;
      hLen.push(hLen[hid] + 1);
      hNext.push(next);
      hPlan.push([...hPlan[hid], p]);
      hAcked.push(hAcked[hid]);
      hShape.push(shapeStep(hShape[hid], p, -1));
    } else {
      // cluster's recordReturn: the operation takes the result if it belongs to that client and has not returned
      const p = hPlan[hid][e.opId];
      hLen.push(hLen[hid]);
      hNext.push(hNext[hid]);
      hPlan.push(hPlan[hid]);
      const open = p !== undefined && Math.floor(p / opsPerClient) === e.client && ((shapes.reps[hShape[hid]].returned >>> p) & 1) === 0;
      hAcked.push(open ? ackedAfter(hAcked[hid], e, p) : hAcked[hid]);
      hShape.push(open ? shapeStep(hShape[hid], p, e.resultId) : hShape[hid]);
    }
    hMemo.set(hid, ev, id);
    return id;
  };

  const opsOf = (hid: number): readonly HistoryOp[] => {
    const have = hOps[hid];
    if (have !== undefined) return have;
    const parent = hParent[hid];
    const before = opsOf(parent);
    const clock = hClock[parent];
    const e = events.reps[hEv[hid]];
    const ops =
      e.kind === 'call'
        ? [...before, { client: clientId(e.client), opId: before.length, op: plannedOp(e.client, hNext[parent][e.client]), call: clock }]
        : before.map((x) => (x.client === e.client && x.opId === e.opId && x.ret === undefined ? { ...x, ret: clock, result: e.result } : x));
    hOps[hid] = ops;
    return ops;
  };

  // the empty history, id 0
  hParent.push(-1);
  hEv.push(-1);
  hClock.push(0);
  hLen.push(0);
  hNext.push(Array<number>(C).fill(0));
  hPlan.push([]);
  hAcked.push(spec.initialAcked);
  hShape.push(internShape({ result: Array<number>(C * opsPerClient).fill(-1), pred: Array<number>(C * opsPerClient).fill(-1), returned: 0 }));
  hOps.push(spec.initialOps);

  return { events, shapes, callEvents, hParent, hEv, hClock, hLen, hNext, hPlan, hAcked, hShape, histStep, opsOf };
}
