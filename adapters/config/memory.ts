/**
 * The in-memory config store: the embedded default, and the reference the etcd store
 * (adapters/config/etcd.ts) must behave like. Revisions are store-wide and grow by one per
 * successful compareAndPut, as etcd's do; a missing key has revision 0.
 */
import type { CompareAndPut, CompareAndPutResult, ConfigStore, Versioned } from '../../core/chain/config-store';

export class MemoryConfigStore implements ConfigStore {
  private readonly data = new Map<string, Versioned>();
  private rev = 0;

  /** The store-wide revision (0 before the first write). */
  get revision(): number {
    return this.rev;
  }

  get(key: string): Promise<Versioned | undefined> {
    return Promise.resolve(this.data.get(key));
  }

  range(prefix: string): Promise<readonly Versioned[]> {
    const out = [...this.data.values()].filter((v) => v.key.startsWith(prefix));
    out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    return Promise.resolve(out);
  }

  compareAndPut(op: CompareAndPut): Promise<CompareAndPutResult> {
    for (const c of op.compare) {
      const actual = this.data.get(c.key)?.revision ?? 0;
      if (actual !== c.revision) return Promise.resolve({ ok: false, key: c.key, expected: c.revision, actual });
    }
    if (op.puts.length === 0) return Promise.resolve({ ok: true, revision: this.rev });
    this.rev++;
    for (const p of op.puts) this.data.set(p.key, { key: p.key, value: p.value, revision: this.rev });
    return Promise.resolve({ ok: true, revision: this.rev });
  }
}
