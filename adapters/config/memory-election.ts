/**
 * In-process leader election over any ConfigStore (the embedded default, next to
 * MemoryConfigStore): candidates queue in campaign order; the first live one leads. On
 * taking office a leader compare-and-puts `<prefix>/leader` = its id, and that key at that
 * revision is its fence: the end of the term (and the next leader) moves the revision, so
 * every later write fenced by the old term fails at the store. Liveness is in-process (resign, close, crash
 * are calls); across processes use adapters/config/etcd.ts.
 */
import type { ConfigStore } from '../../core/chain/config-store';
import type { Candidate, Election, Leadership } from './election';

interface Entry {
  readonly id: string;
  elect: (l: Leadership) => void;
  fail: (e: Error) => void;
  end?: (reason: string) => void;
}

export class MemoryElection implements Election {
  private readonly queue: Entry[] = [];
  private current: Entry | undefined;
  private busy: Promise<void> = Promise.resolve();

  constructor(readonly store: ConfigStore, readonly prefix = 'chainrep/election') {}

  get leaderKey(): string {
    return `${this.prefix}/leader`;
  }

  candidate(id: string): Candidate {
    let entry: Entry | undefined;
    const leave = async (reason: string) => {
      if (!entry) return;
      const e = entry;
      entry = undefined;
      const i = this.queue.indexOf(e);
      if (i >= 0) this.queue.splice(i, 1);
      e.fail(new Error(`candidate ${id} ${reason}`));
      if (this.current === e) {
        e.end?.(reason);
        await this.vacate(e);
      }
    };
    return {
      id,
      campaign: () =>
        new Promise<Leadership>((resolve, reject) => {
          if (entry) return reject(new Error(`candidate ${id} is campaigning already`));
          entry = { id, elect: resolve, fail: reject };
          this.queue.push(entry);
          void this.advance();
        }),
      close: () => leave('closed'),
      crash: () => leave('crashed'),
    };
  }

  leader(): Promise<string | undefined> {
    return this.busy.then(() => this.current?.id);
  }

  /** A term ended: move the leader key (so the old fence fails even with no successor), then elect. */
  private vacate(e: Entry): Promise<void> {
    // `current` is cleared only after the write, inside the serialised chain, so an election
    // already queued cannot take office before the old fence is dead
    this.busy = this.busy.then(async () => {
      const prev = await this.store.get(this.leaderKey);
      const r = await this.store.compareAndPut({ compare: [{ key: this.leaderKey, revision: prev?.revision ?? 0 }], puts: [{ key: this.leaderKey, value: '' }] });
      if (!r.ok) throw new Error(`memory election: ${this.leaderKey} changed under the election (${r.actual} != ${r.expected})`);
      if (this.current === e) this.current = undefined;
    });
    return this.advance();
  }

  /** Elect the next queued candidate when nobody leads (serialised; re-checks the queue after every await). */
  private advance(): Promise<void> {
    this.busy = this.busy.then(async () => {
      for (;;) {
        if (this.current || this.queue.length === 0) return;
        const e = this.queue[0];
        const prev = await this.store.get(this.leaderKey);
        const r = await this.store.compareAndPut({ compare: [{ key: this.leaderKey, revision: prev?.revision ?? 0 }], puts: [{ key: this.leaderKey, value: e.id }] });
        if (!r.ok) throw new Error(`memory election: ${this.leaderKey} changed under the election (${r.actual} != ${r.expected})`);
        // the candidate left while we wrote: the next head writes again (moving the fence)
        if (this.queue[0] !== e) continue;
        this.current = e;
        let leading = true;
        let resolveLost!: (reason: string) => void;
        const lost = new Promise<string>((res) => (resolveLost = res));
        e.end = (reason) => {
          leading = false;
          resolveLost(reason);
        };
        e.elect({
          id: e.id,
          fence: { key: this.leaderKey, revision: r.revision },
          lost,
          isLeader: () => leading,
          resign: async () => {
            if (this.current !== e) return;
            const i = this.queue.indexOf(e);
            if (i >= 0) this.queue.splice(i, 1);
            e.end?.('resigned');
            await this.vacate(e);
          },
        });
        return;
      }
    });
    return this.busy;
  }
}
