/**
 * Leader election for the chain manager, as an interface any config store can offer, plus
 * the fencing wrapper that makes "exactly one acts" hold at the store even when a deposed
 * leader does not know yet that it was deposed (a paused process, a lost lease).
 *
 * A `Leadership` carries a fence: one (key, revision) pair that stays put exactly as long
 * as this leadership lasts (etcd: the candidate's own lease-bound key; memory: the leader
 * key this candidate wrote). `fencedStore` adds that comparison to every compare-and-put,
 * so a write by a leader whose term ended fails atomically (FencingError upstream) instead
 * of overwriting the new leader's table. Checked by properties/conformance-config.ts.
 */
import type { CompareAndPut, CompareAndPutResult, ConfigStore, Versioned } from '../../core/chain/config-store';

export interface Fence {
  readonly key: string;
  readonly revision: number;
}

export interface Leadership {
  /** The candidate id that won. */
  readonly id: string;
  readonly fence: Fence;
  /** Resolves (with a reason) once this leadership is over: resigned, lease lost, store unreachable. */
  readonly lost: Promise<string>;
  /** True until `lost` resolves. */
  isLeader(): boolean;
  /** Step down: the next candidate may be elected at once. */
  resign(): Promise<void>;
}

export interface Candidate {
  readonly id: string;
  /** Resolves when this candidate leads. Rejects if the candidate is closed first. */
  campaign(): Promise<Leadership>;
  /** Leave the election (resigning if leading). */
  close(): Promise<void>;
  /** Test hook: end this candidate's session abruptly, without resigning (as a crash does). */
  crash(): Promise<void>;
}

export interface Election {
  candidate(id: string): Candidate;
  /** The id of the current leader, if any. */
  leader(): Promise<string | undefined>;
}

/** A store whose every compare-and-put also requires `fence` to hold. */
export function fencedStore(store: ConfigStore, fence: () => Fence): ConfigStore {
  return {
    get: (key: string): Promise<Versioned | undefined> => store.get(key),
    range: (prefix: string): Promise<readonly Versioned[]> => store.range(prefix),
    compareAndPut: (op: CompareAndPut): Promise<CompareAndPutResult> =>
      store.compareAndPut({ compare: [fence(), ...op.compare], puts: op.puts }),
  };
}
