/**
 * Histories that are linearizable by construction: every operation gets a linearisation point
 * inside its [call, return] interval, and outputs are computed by applying the operations in
 * point order to a sequential key-value store. Used by the property suites (with fast-check
 * plans) and by the benchmark (with a seeded client simulation). Pure: randomness arrives as
 * an `Rng` built from a seed by the caller.
 */
import { Rng } from '../prng';
import type { LinOperation, LinValue } from './lin-types';

export interface PlannedOp {
  readonly client: number;
  readonly op: 'write' | 'read' | 'cas';
  readonly key: string;
  /** write/cas: the value installed (ignored for reads). */
  readonly value: LinValue;
  /** cas: compare against the key's value at the point (so it succeeds), or against `otherExpected`. */
  readonly casExpectsCurrent: boolean;
  readonly otherExpected: LinValue;
  /** call <= point <= return. */
  readonly call: number;
  readonly point: number;
  /** Absent: the operation never returned. */
  readonly return?: number;
  /** For an operation that never returned: did it take effect at its point? (Returned ones did.) */
  readonly effective: boolean;
}

/** The history the plan produces, in plan order. Throws if a plan breaks call <= point <= return. */
export function historyFromPlan(plan: readonly PlannedOp[]): LinOperation[] {
  const order = plan.map((_, i) => i).sort((a, b) => plan[a].point - plan[b].point || a - b);
  const store = new Map<string, LinValue>();
  const out: LinOperation[] = new Array(plan.length);
  for (const i of order) {
    const p = plan[i];
    if (!(p.call <= p.point && (p.return === undefined || p.point <= p.return)))
      throw new RangeError(`plan op ${i}: needs call <= point <= return`);
    const returned = p.return !== undefined;
    const applies = returned || p.effective;
    const cur = store.get(p.key) ?? null;
    const base = { client: p.client, key: p.key, call: p.call, ...(returned ? { return: p.return } : {}) };
    switch (p.op) {
      case 'write':
        if (applies) store.set(p.key, p.value);
        out[i] = { ...base, op: 'write', value: p.value };
        break;
      case 'read':
        out[i] = returned ? { ...base, op: 'read', output: cur } : { ...base, op: 'read' };
        break;
      case 'cas': {
        const expected = p.casExpectsCurrent ? cur : p.otherExpected;
        const ok = expected === cur;
        if (applies && ok) store.set(p.key, p.value);
        out[i] = returned ? { ...base, op: 'cas', expected, value: p.value, output: ok } : { ...base, op: 'cas', expected, value: p.value };
        break;
      }
    }
  }
  return out;
}

export interface SimulationOptions {
  readonly operations: number;
  readonly keys: number;
  readonly clients: number;
  /** Fractions of reads and of cas operations (the rest are writes). */
  readonly readRatio: number;
  readonly casRatio?: number;
  /** Chance an operation never returns; its client is then replaced by a fresh client id. */
  readonly pendingRatio?: number;
  /** Latency: each half of an operation (call->point, point->return) takes 0..latency. */
  readonly latency?: number;
  /** Think time between a client's operations: 0..think. */
  readonly think?: number;
  /** Written values are drawn from 1..valueDomain (default: every write a distinct value). */
  readonly valueDomain?: number;
}

/**
 * A concurrent execution: `clients` clients, each issuing one operation at a time on a random
 * key out of `keys`; operations overlap across clients. Written values are unique integers.
 */
export function simulateClients(seed: number, o: SimulationOptions): LinOperation[] {
  const rng = new Rng(seed);
  const latency = o.latency ?? 100;
  const think = o.think ?? 20;
  const clientId = Array.from({ length: o.clients }, (_, c) => c);
  let nextClient = o.clients;
  const free = new Array<number>(o.clients).fill(0); // time each client slot is free again
  const plan: PlannedOp[] = [];
  let nextValue = 1;
  for (let n = 0; n < o.operations; n++) {
    // the slot that becomes free first issues the next operation (a discrete-event loop)
    let c = 0;
    for (let k = 1; k < o.clients; k++) if (free[k] < free[c]) c = k;
    const call = free[c] + rng.below(think + 1);
    const point = call + rng.below(latency + 1);
    const ret = point + rng.below(latency + 1);
    const x = rng.float();
    const op = x < o.readRatio ? 'read' : x < o.readRatio + (o.casRatio ?? 0) ? 'cas' : 'write';
    const pending = rng.chance(o.pendingRatio ?? 0);
    plan.push({
      client: clientId[c],
      op,
      key: `k${rng.below(o.keys)}`,
      value: o.valueDomain === undefined ? nextValue++ : 1 + rng.below(o.valueDomain),
      casExpectsCurrent: rng.chance(0.7),
      otherExpected: rng.below(Math.max(1, nextValue)),
      call,
      point,
      ...(pending ? {} : { return: ret }),
      effective: rng.chance(0.5),
    });
    free[c] = ret;
    if (pending) clientId[c] = nextClient++;
  }
  return historyFromPlan(plan);
}
