/**
 * Executes the chain manager's effects against any ConfigStore (memory now, etcd later) and
 * restores a manager from it. Effects must be executed in order; a `persist` publishes its
 * routing table only after the write succeeded (the durability ordering is in the effect).
 *
 * Fencing: every persist compares the meta key with the revision this adapter last wrote or
 * loaded; if another manager wrote since, the persist fails with FencingError and nothing is
 * published. The caller must then stop this manager (restart it from the store).
 */
import { Either, isLeft, left, right } from 'fp-ts/Either';
import { ConfigStore, ManagerKeys, managerKeys } from '../../core/chain/config-store';
import { ManagerConfig, ManagerEffect, ManagerSetupError, ManagerState, PersistEffect, createManager, restoreManager } from '../../core/chain/manager';
import { ChainLayout, ChainRecord, LeaseGrant, ManagerMeta, ManagerSnapshot } from '../../spec/chain';
import { RoutingTable } from '../../spec/routing';
import { DecodeError, decodeJson } from '../../spec/decode';

export class FencingError extends Error {
  constructor(readonly key: string, readonly expected: number, readonly actual: number) {
    super(`config store: ${key} is at revision ${actual}, this manager expected ${expected} (another manager wrote)`);
    this.name = 'FencingError';
  }
}

export type LoadError = DecodeError | ManagerSetupError;

export const DEFAULT_MANAGER_PREFIX = 'chainrep/manager';

export class ManagerPersistence {
  readonly keys: ManagerKeys;
  private metaRevision = 0;

  constructor(readonly store: ConfigStore, prefix = DEFAULT_MANAGER_PREFIX) {
    this.keys = managerKeys(prefix);
  }

  /** The stored snapshot (undefined for an empty store); remembers the meta revision for fencing. */
  async load(): Promise<Either<LoadError, ManagerSnapshot | undefined>> {
    const meta = await this.store.get(this.keys.meta);
    if (!meta) {
      this.metaRevision = 0;
      return right(undefined);
    }
    const m = decodeJson(ManagerMeta, meta.value);
    if (isLeft(m)) return left({ ...m.left, field: `${this.keys.meta}.${m.left.field}` });
    const rows = await this.store.range(this.keys.chainPrefix);
    const byId = new Map<number, ChainRecord>();
    for (const row of rows) {
      const c = decodeJson(ChainRecord, row.value);
      if (isLeft(c)) return left({ ...c.left, field: `${row.key}.${c.left.field}` });
      byId.set(c.right.id, c.right);
    }
    const chains: ChainRecord[] = [];
    for (const id of m.right.chains) {
      const c = byId.get(id);
      if (!c) return left({ kind: 'ManagerSetupError', message: `missing key ${this.keys.chain(id)}` });
      chains.push(c);
    }
    this.metaRevision = meta.revision;
    return right({ meta: m.right, chains });
  }

  /** Write one persist effect atomically (meta + changed chains), fenced on the meta revision. */
  async persist(e: PersistEffect): Promise<void> {
    const puts = [
      { key: this.keys.meta, value: JSON.stringify(ManagerMeta.encode(e.meta)) },
      ...e.chains.map((c) => ({ key: this.keys.chain(c.id), value: JSON.stringify(ChainRecord.encode(c)) })),
    ];
    const r = await this.store.compareAndPut({ compare: [{ key: this.keys.meta, revision: this.metaRevision }], puts });
    if (!r.ok) throw new FencingError(r.key, r.expected, r.actual);
    this.metaRevision = r.revision;
  }
}

/** Where routing tables and tick requests go once the store has done its part. */
export interface ManagerSinks {
  publish(routing: RoutingTable): void;
  scheduleTick?(atMs: number): void;
  rejected?(input: string, reason: string): void;
  /** Send a lease grant to the node that heartbeated (core/chain/lease.ts). */
  leaseGrant?(grant: LeaseGrant): void;
}

/** Execute effects in order: persist (then publish), publish, scheduleTick, rejected, leaseGrant. */
export async function runManagerEffects(p: ManagerPersistence, effects: readonly ManagerEffect[], sinks: ManagerSinks): Promise<void> {
  for (const e of effects) {
    switch (e.kind) {
      case 'persist':
        await p.persist(e);
        if (e.thenPublish) sinks.publish(e.thenPublish);
        break;
      case 'publish':
        sinks.publish(e.routing);
        break;
      case 'scheduleTick':
        sinks.scheduleTick?.(e.atMs);
        break;
      case 'rejected':
        sinks.rejected?.(e.input, e.reason);
        break;
      case 'leaseGrant':
        sinks.leaseGrant?.(e);
        break;
    }
  }
}

/**
 * Start a manager over a store: restore it if the store holds a snapshot, else create it
 * from `layout` and persist it. Runs the start-up effects.
 */
export async function startManager(
  p: ManagerPersistence,
  config: ManagerConfig,
  layout: ChainLayout,
  nowMs: number,
  sinks: ManagerSinks,
): Promise<Either<LoadError, ManagerState>> {
  const snap = await p.load();
  if (isLeft(snap)) return snap;
  const started = snap.right ? restoreManager(config, snap.right, nowMs) : createManager(config, layout, nowMs);
  if (isLeft(started)) return started;
  const [state, effects] = started.right;
  await runManagerEffects(p, effects, sinks);
  return right(state);
}

