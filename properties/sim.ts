/**
 * fast-check over the whole simulated cluster (core/check/sim.ts): arbitraries for fault
 * schedules, and a model-based test (`fc.commands`) of the client API against a
 * sequential model of registers, running on the simulated cluster with faults.
 *
 * The model, per chunk: `current`, the values a read may return if no indeterminate write
 * took effect (after an acknowledged write: exactly its value), and `maybe`, values of
 * writes that failed or timed out (they may take effect at any later time, once). A read
 * must return a value of current or maybe; it then becomes the one current value (and
 * leaves maybe: a write takes effect at most once). An acknowledged write makes its value
 * the only current one. Operations run one at a time, each to completion, with simulated
 * time passing between them (the faults in the schedule happen meanwhile).
 */
import * as fc from 'fast-check';
import type { ChunkId } from '../spec/ids';
import { FaultEvent, FaultSchedule } from '../spec/sim';
import { ClusterSim, SimOptions } from '../core/check/sim';
import { hexOf } from '../core/craq/history';
import type { CraqMutant } from '../core/craq/mutants';

export const SIM_NODES = 4;
export const SIM_REPLICAS = 3;
/** Fault windows fall inside [0, FAULT_HORIZON_MS). */
export const FAULT_HORIZON_MS = 8000;

const windowArb = fc
  .tuple(fc.integer({ min: 0, max: FAULT_HORIZON_MS - 200 }), fc.integer({ min: 100, max: 3000 }))
  .map(([atMs, len]) => ({ atMs, untilMs: Math.min(FAULT_HORIZON_MS, atMs + len) }));

const hostArb = fc.integer({ min: 0, max: SIM_NODES }); // SIM_NODES = the manager host
const targetArb = fc.integer({ min: 0, max: 2 * SIM_REPLICAS - 1 }); // 2 chains (SIM_MODEL_OPTIONS)
const probArb = fc.integer({ min: 1, max: 40 }).map((x) => x / 100);

/** One fault of any kind the simulator knows. */
export const faultArb: fc.Arbitrary<FaultEvent> = fc.oneof(
  fc.tuple(windowArb, probArb).map(([w, p]): FaultEvent => ({ kind: 'loss', ...w, p })),
  fc.tuple(windowArb, probArb).map(([w, p]): FaultEvent => ({ kind: 'dup', ...w, p })),
  fc.tuple(windowArb, fc.integer({ min: 1, max: 400 })).map(([w, jitterMs]): FaultEvent => ({ kind: 'reorder', ...w, jitterMs })),
  fc
    .tuple(windowArb, fc.uniqueArray(hostArb, { minLength: 1, maxLength: 2 }), fc.constantFrom('halves' as const, 'isolate' as const, 'asymmetric' as const))
    .map(([w, side, shape]): FaultEvent => ({ kind: 'partition', ...w, shape, side: shape === 'halves' ? side.sort((a, b) => a - b) : [side[0]], oneWay: shape === 'asymmetric' })),
  fc.tuple(windowArb, hostArb).map(([w, node]): FaultEvent => ({ kind: 'crash', ...w, node })),
  fc.tuple(windowArb, targetArb).map(([w, target]): FaultEvent => ({ kind: 'diskFail', ...w, target })),
  fc.tuple(windowArb, targetArb).map(([w, target]): FaultEvent => ({ kind: 'torn', ...w, target })),
);

export const scheduleArb: fc.Arbitrary<FaultSchedule> = fc.array(faultArb, { maxLength: 6 }).map((xs) => xs.slice().sort((a, b) => a.atMs - b.atMs));

// ---------------------------------------------------------------- model-based test

export interface RegisterModel {
  readonly current: Map<string, Set<string | null>>;
  readonly maybe: Map<string, Set<string>>;
  readonly log: string[];
}

export interface SimReal {
  readonly sim: ClusterSim;
  readonly chunks: readonly ChunkId[];
}

const OP_MAX_MS = 12_000;

function currentOf(m: RegisterModel, chunk: string): Set<string | null> {
  let s = m.current.get(chunk);
  if (!s) m.current.set(chunk, (s = new Set([null])));
  return s;
}

function maybeOf(m: RegisterModel, chunk: string): Set<string> {
  let s = m.maybe.get(chunk);
  if (!s) m.maybe.set(chunk, (s = new Set()));
  return s;
}

export class WriteCommand implements fc.Command<RegisterModel, SimReal> {
  constructor(readonly client: number, readonly chunk: number) {}
  check(): boolean {
    return true;
  }
  run(m: RegisterModel, r: SimReal): void {
    const chunk = r.chunks[this.chunk % r.chunks.length];
    const value = r.sim.nextValue(this.client);
    const hex = hexOf(value);
    const id = r.sim.invoke(this.client, chunk, value);
    const res = r.sim.runUntilComplete(id, OP_MAX_MS);
    if (r.sim.violation) throw new Error(`invariant: ${r.sim.violation}`);
    if (res?.ok) {
      m.current.set(chunk, new Set([hex]));
      m.log.push(`${r.sim.nowMs} ms write ${chunk}=${hex} ok`);
    } else {
      maybeOf(m, chunk).add(hex);
      m.log.push(`${r.sim.nowMs} ms write ${chunk}=${hex} ${res ? res.code : 'no reply'} (may take effect later)`);
    }
  }
  toString(): string {
    return `write(c${this.client}, k${this.chunk})`;
  }
}

export class ReadCommand implements fc.Command<RegisterModel, SimReal> {
  constructor(readonly client: number, readonly chunk: number) {}
  check(): boolean {
    return true;
  }
  run(m: RegisterModel, r: SimReal): void {
    const chunk = r.chunks[this.chunk % r.chunks.length];
    const id = r.sim.invoke(this.client, chunk, null);
    const res = r.sim.runUntilComplete(id, OP_MAX_MS);
    if (r.sim.violation) throw new Error(`invariant: ${r.sim.violation}`);
    if (!res?.ok || res.kind !== 'read') {
      m.log.push(`${r.sim.nowMs} ms read ${chunk} ${res && !res.ok ? res.code : 'no reply'}`);
      return;
    }
    const got = res.ver === 0 ? null : hexOf(res.data);
    const cur = currentOf(m, chunk);
    const maybe = maybeOf(m, chunk);
    m.log.push(`${r.sim.nowMs} ms read ${chunk} -> ${got}`);
    if (!cur.has(got) && !(got !== null && maybe.has(got))) {
      throw new Error(`read ${chunk} returned ${got}; the model allows {${[...cur].join(', ')}} or a failed write's {${[...maybe].join(', ')}}\n${m.log.join('\n')}`);
    }
    m.current.set(chunk, new Set([got]));
    if (got !== null) maybe.delete(got);
  }
  toString(): string {
    return `read(c${this.client}, k${this.chunk})`;
  }
}

export class WaitCommand implements fc.Command<RegisterModel, SimReal> {
  constructor(readonly ms: number) {}
  check(): boolean {
    return true;
  }
  run(m: RegisterModel, r: SimReal): void {
    r.sim.runUntil(r.sim.nowMs + this.ms);
    if (r.sim.violation) throw new Error(`invariant: ${r.sim.violation}`);
    m.log.push(`${r.sim.nowMs} ms (waited ${this.ms} ms)`);
  }
  toString(): string {
    return `wait(${this.ms})`;
  }
}

export const simCommandsArb = (clients: number, chunks: number) =>
  fc.commands(
    [
      fc.tuple(fc.nat(clients - 1), fc.nat(chunks - 1)).map(([c, k]) => new WriteCommand(c, k)),
      fc.tuple(fc.nat(clients - 1), fc.nat(chunks - 1)).map(([c, k]) => new ReadCommand(c, k)),
      fc.integer({ min: 10, max: 2000 }).map((ms) => new WaitCommand(ms)),
    ],
    { maxCommands: 25 },
  );

export const SIM_MODEL_OPTIONS: Partial<SimOptions> = {
  nodes: SIM_NODES,
  replicas: SIM_REPLICAS,
  chains: 2,
  chunksPerChain: 2,
  clients: 2,
  durationMs: FAULT_HORIZON_MS,
};

/** Build the simulated cluster for one model-based run (no background workload). */
export function simReal(seed: number, schedule: FaultSchedule, dirtyRead: '3fs' | 'craq', mutant?: CraqMutant): SimReal {
  const sim = new ClusterSim({ ...SIM_MODEL_OPTIONS, seed, schedule, dirtyRead, ...(mutant ? { mutant } : {}) });
  sim.setWorkEnd(-1);
  sim.runUntil(50); // first routing table delivered
  return { sim, chunks: sim.chunks };
}

export const emptyModel = (): RegisterModel => ({ current: new Map(), maybe: new Map(), log: [] });
