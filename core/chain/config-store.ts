/**
 * The config-store interface the chain manager persists through, and its key layout.
 *
 * The manager itself never touches a store: it emits `persist` effects (core/chain/manager.ts)
 * and an adapter executes them against a `ConfigStore`. The interface is the part of etcd v3
 * the manager needs, so an etcd store is a thin wrapper: keys with a modification revision
 * (`get`, `range` by prefix), and an atomic compare-and-put over several keys (an etcd `txn`
 * comparing `mod_revision` of each compared key, then putting every key). Revision 0 means
 * "the key does not exist" (etcd's mod_revision of a missing key).
 *
 * Fencing: the manager adapter compares the meta key's revision with the revision of its own
 * last write, so a manager that lost its place (another manager wrote since) fails its first
 * persist instead of overwriting a newer table.
 *
 * Layout under a prefix P:  P/meta -> ManagerMeta,  P/chain/<chainId> -> ChainRecord
 * (values are JSON of the spec/chain.ts codecs). One key per chain keeps every value small
 * (etcd's default request limit is 1.5 MiB) and writes only the chains that changed.
 */
import type { ChainId } from '../../spec/ids';

export interface Versioned {
  readonly key: string;
  readonly value: string;
  /** Store-wide revision of the key's last modification (> 0). */
  readonly revision: number;
}

export interface CompareAndPut {
  /** Every key must currently be at this revision (0 = absent) for the puts to happen. */
  readonly compare: readonly { readonly key: string; readonly revision: number }[];
  readonly puts: readonly { readonly key: string; readonly value: string }[];
}

export type CompareAndPutResult =
  | { readonly ok: true; readonly revision: number }
  | { readonly ok: false; readonly key: string; readonly expected: number; readonly actual: number };

export interface ConfigStore {
  get(key: string): Promise<Versioned | undefined>;
  /** Every key starting with `prefix`, sorted by key. */
  range(prefix: string): Promise<readonly Versioned[]>;
  /** Atomically: if every comparison holds, apply every put (all get the same new revision). */
  compareAndPut(op: CompareAndPut): Promise<CompareAndPutResult>;
}

export interface ManagerKeys {
  readonly prefix: string;
  readonly meta: string;
  readonly chainPrefix: string;
  chain(id: ChainId): string;
}

/** The manager's keys under `prefix` (no trailing slash), e.g. 'chainrep/manager'. */
export function managerKeys(prefix: string): ManagerKeys {
  const chainPrefix = `${prefix}/chain/`;
  return { prefix, meta: `${prefix}/meta`, chainPrefix, chain: (id) => `${chainPrefix}${id}` };
}
