/**
 * The chain manager's config store in etcd v3 (through the `etcd3` client), and leader
 * election on etcd leases, so several manager processes can run and exactly one acts.
 *
 * Store: `get`/`range` are etcd ranges; `compareAndPut` is one etcd txn comparing each
 * key's `mod_revision` (0 for a missing key, as etcd compares it) and putting every key;
 * on failure the txn's else branch reads the compared keys in the same transaction, so the
 * reported actual revision is the one that made it fail. Revisions are etcd's store-wide
 * revisions, as the in-memory store (adapters/config/memory.ts) mimics.
 *
 * Election (etcd's concurrency/election recipe, on lease + txn): each candidate grants a
 * lease of `ttlS` seconds (kept alive by etcd3 every ttl/3), creates `<prefix>/<lease id>`
 * bound to it (txn: create_revision == 0), and leads when its key has the lowest
 * create_revision under the prefix. It polls every `pollMs` until then. A killed leader
 * stops renewing; etcd deletes its key after the TTL and the next candidate leads.
 * Fence = the candidate's key at its mod_revision: it exists exactly while the lease does.
 * A leader also considers itself deposed when no keepalive succeeded for `ttlS` (it may be
 * cut off from etcd; etcd may already have expired it), and when etcd3 reports the lease lost.
 */
import { Etcd3, IOptions, Lease } from 'etcd3';
import type { CompareAndPut, CompareAndPutResult, ConfigStore, Versioned } from '../../core/chain/config-store';
import type { Candidate, Election, Fence, Leadership } from './election';

function versioned(kv: { key: Buffer; value: Buffer; mod_revision: string }): Versioned {
  return { key: kv.key.toString('utf8'), value: kv.value.toString('utf8'), revision: Number(kv.mod_revision) };
}

export function etcdClient(url: string | readonly string[], extra: Partial<IOptions> = {}): Etcd3 {
  return new Etcd3({ hosts: typeof url === 'string' ? url : [...url], dialTimeout: 2000, ...extra });
}

export class EtcdConfigStore implements ConfigStore {
  constructor(readonly client: Etcd3) {}

  async get(key: string): Promise<Versioned | undefined> {
    const r = await this.client.get(key).exec();
    return r.kvs.length > 0 ? versioned(r.kvs[0]) : undefined;
  }

  async range(prefix: string): Promise<readonly Versioned[]> {
    const r = await this.client.getAll().prefix(prefix).sort('Key', 'Ascend').exec();
    return r.kvs.map(versioned);
  }

  async compareAndPut(op: CompareAndPut): Promise<CompareAndPutResult> {
    if (op.compare.length === 0 && op.puts.length === 0) {
      const r = await this.client.get('\0').exec();
      return { ok: true, revision: Number(r.header.revision) };
    }
    // no comparison asked: a txn still needs one, and every key's mod_revision is > -1
    let txn = op.compare.length > 0 ? this.client.if(op.compare[0].key, 'Mod', '==', op.compare[0].revision) : this.client.if('\0', 'Mod', '>', -1);
    for (const c of op.compare.slice(1)) txn = txn.and(c.key, 'Mod', '==', c.revision);
    const r = await txn
      .then(...op.puts.map((p) => this.client.put(p.key).value(p.value)))
      .else(...op.compare.map((c) => this.client.get(c.key)))
      .commit();
    if (r.succeeded) {
      // no puts: nothing changed, the header revision is the store's current one
      return { ok: true, revision: Number(r.header.revision) };
    }
    for (let i = 0; i < op.compare.length; i++) {
      const kvs = r.responses[i]?.response_range?.kvs ?? [];
      const actual = kvs.length > 0 ? Number(kvs[0].mod_revision) : 0;
      if (actual !== op.compare[i].revision) return { ok: false, key: op.compare[i].key, expected: op.compare[i].revision, actual };
    }
    // every compare held when read back: cannot happen in one txn, but never report success
    const c = op.compare[0];
    return { ok: false, key: c.key, expected: c.revision, actual: c.revision };
  }
}

export interface EtcdElectionOptions {
  /** Lease TTL in whole seconds (etcd's minimum is 1.5 election timeouts, rounded up). */
  readonly ttlS: number;
  /** How often a waiting candidate (and a leader, for its own health) checks. */
  readonly pollMs: number;
}

export const DEFAULT_ELECTION_OPTIONS: EtcdElectionOptions = { ttlS: 2, pollMs: 100 };

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export class EtcdElection implements Election {
  readonly opts: EtcdElectionOptions;
  constructor(readonly client: Etcd3, readonly prefix: string, opts: Partial<EtcdElectionOptions> = {}) {
    this.opts = { ...DEFAULT_ELECTION_OPTIONS, ...opts };
  }

  candidate(id: string): Candidate {
    return new EtcdCandidate(this, id);
  }

  async leader(): Promise<string | undefined> {
    const r = await this.client.getAll().prefix(`${this.prefix}/`).sort('Create', 'Ascend').limit(1).exec();
    return r.kvs.length > 0 ? r.kvs[0].value.toString('utf8') : undefined;
  }
}

class EtcdCandidate implements Candidate {
  private lease: Lease | undefined;
  private closed = false;
  private leaseLost: string | undefined;
  private lastKeepaliveMs = 0;
  private endLeadership: ((reason: string) => void) | undefined;

  constructor(private readonly election: EtcdElection, readonly id: string) {}

  async campaign(): Promise<Leadership> {
    const { client, prefix, opts } = this.election;
    if (this.closed) throw new Error(`candidate ${this.id} is closed`);
    const lease = client.lease(opts.ttlS, { autoKeepAlive: true });
    this.lease = lease;
    this.leaseLost = undefined;
    lease.on('lost', (err: Error) => this.onLeaseLost(`lease lost: ${err.message}`));
    lease.on('keepaliveSucceeded', () => (this.lastKeepaliveMs = Date.now()));
    const leaseId = await lease.grant();
    this.lastKeepaliveMs = Date.now();
    const key = `${prefix}/${leaseId}`;
    const created = await client.if(key, 'Create', '==', 0).then(client.put(key).value(this.id).lease(leaseId)).commit();
    if (!created.succeeded) throw new Error(`election key ${key} exists already`);
    const myRev = Number(created.header.revision);
    for (;;) {
      if (this.closed) throw new Error(`candidate ${this.id} closed while campaigning`);
      if (this.leaseLost) throw new Error(`candidate ${this.id}: ${this.leaseLost}`);
      const first = await client.getAll().prefix(`${prefix}/`).sort('Create', 'Ascend').limit(1).exec();
      const head = first.kvs[0];
      if (head === undefined) throw new Error(`candidate ${this.id}: own key ${key} vanished (lease expired)`);
      if (head.key.toString('utf8') === key) {
        if (Number(head.create_revision) !== myRev) throw new Error(`candidate ${this.id}: own key recreated`);
        // closed (resigned, crashed) while the read was in flight: never lead after that
        // (found by the leader-exclusivity conformance suite: campaign, close, stale read)
        if (this.closed) throw new Error(`candidate ${this.id} closed while campaigning`);
        if (this.leaseLost) throw new Error(`candidate ${this.id}: ${this.leaseLost}`);
        return this.lead({ key, revision: Number(head.mod_revision) });
      }
      await sleep(opts.pollMs);
    }
  }

  private lead(fence: Fence): Leadership {
    let leading = true;
    let resolveLost!: (reason: string) => void;
    const lost = new Promise<string>((r) => (resolveLost = r));
    const end = (reason: string) => {
      if (!leading) return;
      leading = false;
      clearTimeout(timer);
      this.endLeadership = undefined;
      resolveLost(reason);
    };
    this.endLeadership = end;
    // self-fencing: no keepalive for a whole TTL means etcd may have expired us already
    // (one re-armed timer, never setInterval)
    const ttlMs = this.election.opts.ttlS * 1000;
    let timer: NodeJS.Timeout;
    const check = () => {
      if (Date.now() - this.lastKeepaliveMs > ttlMs) end(`no keepalive for ${Date.now() - this.lastKeepaliveMs} ms (ttl ${ttlMs} ms)`);
      else if (leading) {
        timer = setTimeout(check, this.election.opts.pollMs);
        timer.unref();
      }
    };
    timer = setTimeout(check, this.election.opts.pollMs);
    timer.unref();
    if (this.leaseLost) end(this.leaseLost);
    return {
      id: this.id,
      fence,
      lost,
      isLeader: () => leading,
      resign: async () => {
        end('resigned');
        await this.dropLease(true);
      },
    };
  }

  private onLeaseLost(reason: string): void {
    this.leaseLost = reason;
    this.endLeadership?.(reason);
  }

  private async dropLease(revoke: boolean): Promise<void> {
    const lease = this.lease;
    this.lease = undefined;
    if (!lease) return;
    if (revoke) await lease.revoke().catch(() => undefined);
    else lease.release();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.endLeadership?.('closed');
    await this.dropLease(true);
  }

  async crash(): Promise<void> {
    // a crash (kill -9): keepalives stop, nothing is revoked, nobody resigns; etcd deletes
    // the key when the lease's TTL runs out and the next candidate leads
    this.closed = true;
    const lease = this.lease;
    this.lease = undefined;
    lease?.release();
    this.endLeadership?.('crashed');
  }
}
