/**
 * The whole-cluster simulator's fault schedule (core/check/sim.ts): what a failing run
 * prints and what `chainrep sim --replay` reads back. Every fault is a window
 * [atMs, untilMs) of simulated time; removing an event from the schedule removes that
 * fault, which is what shrinking (delta debugging) does.
 *
 * Hosts: storage nodes are 0..nodes-1, the chain manager is host `nodes`; clients are not
 * hosts (partitions never cut them; loss, duplication and reordering do reach them).
 */
import * as t from 'io-ts';
import { Either, left, right, isLeft } from 'fp-ts/Either';
import { DecodeError, decodeWith } from './decode';
import { Nat } from './decode';

/** Fault classes the CLI accepts in --faults. */
export const FAULT_CLASSES = ['loss', 'dup', 'reorder', 'partition', 'crash', 'disk'] as const;
export type FaultClass = (typeof FAULT_CLASSES)[number];

const Prob = new t.Type<number, number, unknown>(
  'probability',
  (u): u is number => typeof u === 'number' && u >= 0 && u <= 1,
  (u, c) => (typeof u === 'number' && Number.isFinite(u) && u >= 0 && u <= 1 ? t.success(u) : t.failure(u, c, 'expected a probability in [0, 1]')),
  (a) => a,
);

const Window = { atMs: Nat, untilMs: Nat };

/** Every message is lost with probability p. */
export const LossFault = t.type({ kind: t.literal('loss'), ...Window, p: Prob }, 'LossFault');
/** Every message is delivered twice with probability p. */
export const DupFault = t.type({ kind: t.literal('dup'), ...Window, p: Prob }, 'DupFault');
/** Links stop being FIFO: each message gets an extra delay uniform in [0, jitterMs]. */
export const ReorderFault = t.type({ kind: t.literal('reorder'), ...Window, jitterMs: Nat }, 'ReorderFault');
/**
 * A partition: messages between `side` and the other hosts are dropped; `oneWay` drops only
 * messages sent from `side` (asymmetric). `shape` says how it was drawn (for the report).
 */
export const PartitionFault = t.type(
  {
    kind: t.literal('partition'),
    ...Window,
    shape: t.keyof({ halves: null, isolate: null, asymmetric: null }),
    side: t.readonlyArray(Nat),
    oneWay: t.boolean,
  },
  'PartitionFault',
);
/**
 * Host `node` crashes at atMs (volatile state lost) and restarts at untilMs: a storage node
 * (its targets restart from disk), or, when `node` = nodes, the chain manager (it restores
 * from its config store).
 */
export const CrashFault = t.type({ kind: t.literal('crash'), ...Window, node: Nat }, 'CrashFault');
/** The first write of target `target` at or after atMs fails: its disk is offline until untilMs (3FS). */
export const DiskFailFault = t.type({ kind: t.literal('diskFail'), ...Window, target: Nat }, 'DiskFailFault');
/**
 * The first write of target `target` at or after atMs is torn by a power loss: the node
 * crashes mid-write and restarts at untilMs; the target finds the record's checksum wrong
 * and discards it.
 */
export const TornFault = t.type({ kind: t.literal('torn'), ...Window, target: Nat }, 'TornFault');

export const FaultEvent = t.union([LossFault, DupFault, ReorderFault, PartitionFault, CrashFault, DiskFailFault, TornFault], 'FaultEvent');
export type FaultEvent = t.TypeOf<typeof FaultEvent>;
export type FaultKind = FaultEvent['kind'];

export const FaultSchedule = t.readonlyArray(FaultEvent, 'FaultSchedule');
export type FaultSchedule = t.TypeOf<typeof FaultSchedule>;

/** The fault class (CLI name) of an event. */
export function faultClassOf(e: FaultEvent): FaultClass {
  switch (e.kind) {
    case 'diskFail':
    case 'torn':
      return 'disk';
    default:
      return e.kind;
  }
}

/** Decode a schedule (JSON text) and check each window is well formed. */
export function decodeSchedule(text: string): Either<DecodeError, FaultSchedule> {
  let u: unknown;
  try {
    u = JSON.parse(text);
  } catch (e) {
    return left({ kind: 'DecodeError', field: 'schedule', message: `not JSON: ${(e as Error).message}` });
  }
  const r = decodeWith(FaultSchedule, u);
  if (isLeft(r)) return r;
  for (let i = 0; i < r.right.length; i++) {
    const e = r.right[i];
    if (e.untilMs < e.atMs) return left({ kind: 'DecodeError', field: `schedule[${i}].untilMs`, message: `${e.untilMs} is before atMs ${e.atMs}` });
  }
  return right(r.right);
}

/** One line per fault, for reports. */
export function describeFault(e: FaultEvent): string {
  const w = `[${e.atMs}, ${e.untilMs}) ms`;
  switch (e.kind) {
    case 'loss':
      return `loss p=${e.p} ${w}`;
    case 'dup':
      return `duplication p=${e.p} ${w}`;
    case 'reorder':
      return `reorder/delay up to ${e.jitterMs} ms ${w}`;
    case 'partition':
      return `partition (${e.shape}) {${e.side.join(',')}}${e.oneWay ? ' -> rest dropped (one way)' : ' | rest'} ${w}`;
    case 'crash':
      return `crash host ${e.node} ${w}`;
    case 'diskFail':
      return `disk failure on target ${e.target} ${w}`;
    case 'torn':
      return `torn write on target ${e.target} (power loss) ${w}`;
  }
}
