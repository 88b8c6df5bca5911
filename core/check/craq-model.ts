/**
 * The CRAQ in-memory cluster as an explorer model. A state is every target and client
 * machine, the in-flight messages (a multiset: delivery order is free), which nodes have
 * timers armed, the client history, and the fault budgets used. The choices from a state:
 * a client invokes its next operation; deliver any in-flight message; and, within the
 * configured bounds, drop or duplicate a message, crash or restart a target, or fire a
 * node's timers (a timeout: everything pending at that node is due).
 *
 * Time abstraction (proofs-notes/explorer.md): retry totals are unbounded in explorer
 * configurations and a timeout advances the node's clock past every deadline it holds, so
 * behaviour never depends on clock values; the encoding therefore leaves clock fields out,
 * which merges only bisimilar states.
 */
import { chainId, chunkId, ChunkId, targetId } from '../../spec/ids';
import { Address, CraqMessage, DirtyReadPolicy } from '../../spec/craq';
import { RoutingTable } from '../../spec/routing';
import { InvariantViolation } from '../types';
import {
  ClusterConfig,
  ClusterState,
  addressKey,
  crash,
  createCluster,
  deliver,
  drop,
  duplicate,
  fireTimer,
  invoke,
  restart,
} from '../craq/cluster';
import { DEFAULT_TARGET_CONFIG, TargetState } from '../craq/target';
import { ClientState, DEFAULT_CLIENT_CONFIG, ReadPolicy } from '../craq/client';
import { CraqMutant } from '../craq/mutants';
import { describeMsg, describeReplica } from '../craq/describe';
import { hexOf, toLinHistory } from '../craq/history';
import { checkHistory } from './lin';
import { ExplorerModel, Invariant } from './explorer';
import { makeCache, replyStr, tagStr } from './encoding';

export interface CraqCheckConfig {
  readonly replicas: number;
  readonly clients: number;
  /** Writes per client (each writes a distinct value to chunk x). */
  readonly writes: number;
  /** Reads per client, after its writes. */
  readonly reads: number;
  readonly crashes: number;
  readonly drops: number;
  readonly dups: number;
  /** Timer firings allowed in a run (retries after losses and crashes need them). */
  readonly timeouts: number;
  readonly dirtyRead: DirtyReadPolicy;
  readonly readPolicy: ReadPolicy;
  /** Write channels per client (more than 1 lets one client's writes overlap). */
  readonly channels: number;
  /** Clients issue their operations without waiting for the previous one (needs channels > 1 for writes). */
  readonly pipelined: boolean;
  /**
   * Check liveness: from every reachable state, a state where every planned operation has
   * completed and every replica is clean is reachable. Sound only without fault budgets and
   * with the craq policy (a 3fs retry waits for a timer the budget may not allow).
   */
  readonly liveness?: boolean;
  readonly mutant?: CraqMutant;
}

export const DEFAULT_CHECK_CONFIG: CraqCheckConfig = {
  replicas: 3,
  clients: 2,
  writes: 2,
  reads: 1,
  crashes: 0,
  drops: 0,
  dups: 0,
  timeouts: 0,
  dirtyRead: '3fs',
  readPolicy: 'roundRobin',
  channels: 1,
  pipelined: false,
};

export interface CraqModelState {
  readonly c: ClusterState;
  /** Next planned operation per client. */
  readonly next: readonly number[];
  readonly crashes: number;
  readonly drops: number;
  readonly dups: number;
  readonly timeouts: number;
  /** chunk@ver -> bytes of every version any replica committed (INV-CRAQ-3 ledger). */
  readonly ledger: ReadonlyMap<string, string>;
}

export type CraqAction =
  /** A client invokes its next operation; a read names the replica it goes to first. */
  | { readonly k: 'invoke'; readonly client: number; readonly target?: number }
  | { readonly k: 'deliver'; readonly i: number }
  | { readonly k: 'drop'; readonly i: number }
  | { readonly k: 'dup'; readonly i: number }
  | { readonly k: 'crash'; readonly t: number }
  | { readonly k: 'restart'; readonly t: number }
  | { readonly k: 'timeout'; readonly node: Address };

const CHAIN = chainId(1);
const X: ChunkId = chunkId('x');
const FAR_MS = 1e9;

export function clusterConfigFor(cfg: CraqCheckConfig): ClusterConfig {
  const routing: RoutingTable = {
    version: 1,
    chains: [{ id: CHAIN, version: 1, targets: Array.from({ length: cfg.replicas }, (_, i) => ({ target: targetId(i + 1), node: (i + 1) as never, state: 'serving' as const })) }],
  };
  return {
    targets: Array.from({ length: cfg.replicas }, (_, i) => targetId(i + 1)),
    routing,
    clients: cfg.clients,
    target: { ...DEFAULT_TARGET_CONFIG, chunkSizeBytes: 4, dirtyRead: cfg.dirtyRead, mutant: cfg.mutant, forwardRetryTotalMs: Number.MAX_SAFE_INTEGER, versionQueryTimeoutMs: 1 },
    client: { ...DEFAULT_CLIENT_CONFIG, readPolicy: cfg.readPolicy, channels: cfg.channels, opDeadlineMs: Number.MAX_SAFE_INTEGER, requestTimeoutMs: 1, retryBackoffMinMs: 1, retryBackoffMaxMs: 1, notCommitRetryMs: 1 },
    seed: 1,
  };
}

/** Client i's k-th operation: its writes (value 0x10*(i+1)+k+1) then its reads. */
function plannedOp(cfg: CraqCheckConfig, i: number, k: number, target?: number) {
  if (k < cfg.writes) return { kind: 'write' as const, chain: CHAIN, chunk: X, offset: 0, data: Uint8Array.of(0x10 * (i + 1) + k + 1) };
  return { kind: 'read' as const, chain: CHAIN, chunk: X, offset: 0, length: 1, ...(target !== undefined ? { target: targetId(target) } : {}) };
}

// ---------------------------------------------------------------- canonical encoding

const cached = makeCache();

function encodeTarget(t: TargetState): string {
  return cached(t, () => {
    const parts: string[] = [];
    for (const [k, r] of t.durable.chunks.sortedEntries())
      parts.push(`${k}:${r.commitVer}=${hexOf(r.data)}${r.pending ? `+${r.pending.ver}=${hexOf(r.pending.data)}/${tagStr(r.pending.tag)}/${r.pending.full ? 'f' : r.pending.offset}` : ''}`);
    parts.push('|');
    for (const [k, e] of t.durable.retry.sortedEntries()) parts.push(`${k}:${e.seq}@${e.ver}${e.result ? (e.result.ok ? 'ok' : e.result.code) : ''}`);
    parts.push('|', t.volatile.routing === null ? 'R-' : `R${[...t.volatile.routing.values()].map((c) => c.version).join(',')}`);
    for (const [k, l] of [...t.volatile.locks].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
      const a = l.active;
      parts.push(`L${k}:${a ? `${a.ver}/${tagStr(a.tag)}/${a.replyTo.map(replyStr).join(',')}/s${a.successor}` : '-'}[${l.queue.map((q) => `${q.ver ?? 'h'}/${tagStr(q.tag)}/${q.from ? replyStr(q.from) : '-'}`).join(';')}]`);
    }
    for (const [qid, p] of [...t.volatile.reads].sort((a, b) => a[0] - b[0])) parts.push(`P⟨Q:${qid}⟩:${p.client}.⟨R${p.client}:${p.reqId}⟩`);
    return parts.join(' ');
  });
}

function encodeClient(c: ClientState, self: number, replicas: number): string {
  return cached(c, () => {
    const ops = [...c.ops.values()].sort((a, b) => a.id - b.id).map((o) => `${o.id}:${o.phase}:${o.channel}.${o.seq}:${o.op.kind === 'read' && o.reqId > 0 ? `⟨R${self}:${o.reqId}⟩` : '-'}:${o.target ?? '-'}`);
    return `${ops.join(',')}|${c.seqs.join(',')}|${c.busy.map(Number).join('')}|${c.rr % replicas}|${c.prng.join('.')}|${c.routing?.version ?? '-'}`;
  });
}

function encodeMsg(m: { from: Address; to: Address; msg: CraqMessage }): string {
  return cached(m, () => {
    const msg = m.msg;
    const body = JSON.stringify(msg, (k, v) => {
      if (v instanceof Uint8Array) return hexOf(v);
      if (k === 'reqId' && (msg.kind === 'read' || msg.kind === 'readReply')) return `⟨R${msg.client}:${v}⟩`;
      if (k === 'qid') return `⟨Q:${v}⟩`;
      return v;
    });
    return `${addressKey(m.from)}>${addressKey(m.to)}:${body}`;
  });
}

export function encodeCraqState(s: CraqModelState): string {
  const c = s.c;
  const msgs = c.inflight.map(encodeMsg).sort();
  const timers = [...new Set(c.timers.map((t) => addressKey(t.node)))].sort();
  const hist = c.history.map((h) => `${h.client}:${h.op.kind}:${h.call}:${h.ret ?? '-'}:${h.result ? (h.result.ok ? (h.result.kind === 'read' ? hexOf(h.result.data) + '@' + h.result.ver : 'w' + h.result.commitVer) : h.result.code) : ''}`);
  return canonicalIds([
    c.targets.map(encodeTarget).join(' # '),
    c.up.map(Number).join(''),
    c.clients.map((x, i) => encodeClient(x, i, c.targets.length)).join(' # '),
    msgs.join(' ; '),
    timers.join(','),
    hist.join(','),
    s.next.join(','),
    `${s.crashes}.${s.drops}.${s.dups}.${s.timeouts}`,
  ].join('\n'));
}

const ID_TOKEN = /⟨([RQ]\d*):(\d+)⟩/g;

/**
 * Request ids (per client) and version-query ids are compared only for equality and are
 * always fresh when issued, so renaming them by rank within their namespace keeps every
 * behaviour (a data-independence reduction, proofs-notes/explorer.md): states that differ
 * only in how many ids were used before are merged.
 */
function canonicalIds(s: string): string {
  if (!s.includes('⟨')) return s;
  const byNs = new Map<string, number[]>();
  for (const m of s.matchAll(ID_TOKEN)) {
    const list = byNs.get(m[1]) ?? [];
    list.push(Number(m[2]));
    byNs.set(m[1], list);
  }
  const rank = new Map<string, number>();
  for (const [ns, ids] of byNs) [...new Set(ids)].sort((a, b) => a - b).forEach((id, i) => rank.set(`${ns}:${id}`, i));
  return s.replace(ID_TOKEN, (_t, ns: string, id: string) => `${ns}#${rank.get(`${ns}:${id}`)}`);
}

// ---------------------------------------------------------------- the model

function quiescentComplete(cfg: CraqCheckConfig, s: CraqModelState): boolean {
  const c = s.c;
  return c.inflight.length === 0 && c.up.every((u) => u) && c.clients.every((x) => x.ops.size === 0) && s.next.every((n) => n >= cfg.writes + cfg.reads);
}

export function craqInvariants(cfg: CraqCheckConfig): Invariant<CraqModelState>[] {
  return [
    {
      // no acknowledged write is lost: the version a write was acknowledged with holds its bytes
      id: 'INV-CRAQ-8',
      check: (s) => {
        for (const h of s.c.history) {
          if (h.op.kind !== 'write' || !h.result?.ok || h.result.kind !== 'write') continue;
          const v = h.result.commitVer;
          const held = s.ledger.get(`${v}`);
          const wrote = hexOf(h.op.data);
          if (held !== wrote) return `c${h.client}'s write ${wrote} was acknowledged at v${v}, but v${v} holds ${held ?? 'nothing committed'}`;
        }
        return null;
      },
    },
    {
      // INV-CRAQ-1 is asserted inside the target's step; here the cluster-wide ones
      id: 'INV-CRAQ-4',
      check: (s) => {
        if (!quiescentComplete(cfg, s)) return null;
        const views = s.c.targets.map((t) => describeReplica(t.durable.chunks.get(X)));
        const distinct = new Set(views);
        if (distinct.size > 1 || views.some((v) => v.includes('pending'))) return `nothing pending, yet replicas differ: ${views.map((v, i) => `t${i + 1}: ${v}`).join('; ')}`;
        return null;
      },
    },
  ];
}

export function craqTerminalInvariants(cfg: CraqCheckConfig): Invariant<CraqModelState>[] {
  return [
    {
      // nothing can happen any more (no message, no armed timer, or no timeout budget left)
      id: 'INV-CRAQ-7',
      check: (s) => {
        if (s.c.timers.length > 0) return null; // a timer is armed: the timeout bound stopped it, not the protocol
        if (!s.c.up.every((u) => u)) return null;
        const stuck = s.c.clients.flatMap((c, i) => [...c.ops.values()].map((o) => `c${i} ${o.op.kind} (op ${o.id})`));
        const dirty = s.c.targets.flatMap((t, i) => (t.durable.dirty.length > 0 ? [`t${i + 1} dirty`] : []));
        if (stuck.length === 0 && dirty.length === 0) return null;
        return `stuck: nothing left to happen, yet ${[...stuck, ...dirty].join(', ')}`;
      },
    },
    {
      id: 'INV-LIN',
      check: (s) => {
        const r = checkHistory(toLinHistory(s.c.history), { model: 'register', stepBudget: 5_000_000 });
        if (r.result !== 'illegal') return null;
        return `history not linearizable:\n${r.minimal.map((o) => `      client ${o.client} ${o.op} ${o.op === 'write' ? o.value : o.op === 'read' ? `-> ${o.output}` : ''} [${o.call}, ${o.return ?? '…'}]`).join('\n')}`;
      },
    },
  ];
}

/** Checks across one transition (thrown as InvariantViolation so the explorer prints the step). */
function checkTransition(before: CraqModelState, after: ClusterState, ledger: Map<string, string> | null): Map<string, string> | null {
  for (let i = 0; i < after.targets.length; i++) {
    const a = after.targets[i];
    const b = before.c.targets[i];
    if (a === b) continue;
    const ra = a.durable.chunks.get(X);
    const rb = b.durable.chunks.get(X);
    if (ra && rb && ra.commitVer < rb.commitVer) throw new InvariantViolation('INV-CRAQ-2', `t${i + 1}: committed version went from ${rb.commitVer} to ${ra.commitVer}`);
    if (ra && ra.commitVer > 0 && ra !== rb) {
      const key = `${ra.commitVer}`;
      const hex = hexOf(ra.data);
      const known = (ledger ?? before.ledger).get(key);
      if (known === undefined) {
        ledger = ledger ?? new Map(before.ledger);
        ledger.set(key, hex);
      } else if (known !== hex) throw new InvariantViolation('INV-CRAQ-3', `t${i + 1} committed v${ra.commitVer} = ${hex}, but another replica committed v${ra.commitVer} = ${known}`);
    }
    const va = a.volatile.routing?.get(CHAIN)?.version ?? 0;
    const vb = b.volatile.routing?.get(CHAIN)?.version ?? 0;
    if (a.volatile.routing !== null && va < vb) throw new InvariantViolation('INV-CRAQ-5', `t${i + 1}: chain version went from ${vb} to ${va}`);
  }
  return ledger;
}

export function craqModel(cfg: CraqCheckConfig): ExplorerModel<CraqModelState, CraqAction> {
  const ccfg = clusterConfigFor(cfg);
  const opsPerClient = cfg.writes + cfg.reads;
  return {
    name: 'craq',
    initial: () => ({ c: createCluster(ccfg), next: Array(cfg.clients).fill(0), crashes: 0, drops: 0, dups: 0, timeouts: 0, ledger: new Map() }),
    actions(s) {
      const out: CraqAction[] = [];
      const c = s.c;
      for (let i = 0; i < cfg.clients; i++) {
        if (s.next[i] >= opsPerClient || (!cfg.pipelined && c.clients[i].ops.size > 0)) continue;
        if (s.next[i] < cfg.writes) out.push({ k: 'invoke', client: i });
        else for (let t = 1; t <= cfg.replicas; t++) out.push({ k: 'invoke', client: i, target: t }); // reads may go to any replica
      }
      const seen = new Set<string>();
      for (let i = 0; i < c.inflight.length; i++) {
        const e = encodeMsg(c.inflight[i]);
        if (seen.has(e)) continue; // identical messages are interchangeable
        seen.add(e);
        out.push({ k: 'deliver', i });
        if (s.drops < cfg.drops) out.push({ k: 'drop', i });
        if (s.dups < cfg.dups) out.push({ k: 'dup', i });
      }
      for (let t = 0; t < cfg.replicas; t++) {
        if (c.up[t] && s.crashes < cfg.crashes) out.push({ k: 'crash', t });
        if (!c.up[t]) out.push({ k: 'restart', t });
      }
      if (s.timeouts < cfg.timeouts) {
        const nodes = new Map<string, Address>();
        for (const tm of c.timers) nodes.set(addressKey(tm.node), tm.node);
        for (const k of [...nodes.keys()].sort()) out.push({ k: 'timeout', node: nodes.get(k)! });
      }
      return out;
    },
    apply(s, a) {
      let c: ClusterState;
      let { next, crashes, drops, dups, timeouts } = s;
      switch (a.k) {
        case 'invoke':
          {
            const n = s.next.slice();
            [c] = invoke(ccfg, s.c, a.client, plannedOp(cfg, a.client, n[a.client]++, a.target));
            next = n;
          }
          break;
        case 'deliver':
          [c] = deliver(ccfg, s.c, a.i);
          break;
        case 'drop':
          [c] = drop(s.c, a.i);
          drops++;
          break;
        case 'dup':
          [c] = duplicate(s.c, a.i);
          dups++;
          break;
        case 'crash':
          [c] = crash(ccfg, s.c, a.t);
          crashes++;
          break;
        case 'restart':
          [c] = restart(ccfg, s.c, a.t);
          break;
        case 'timeout': {
          const k = addressKey(a.node);
          const idx = s.c.timers.findIndex((t) => addressKey(t.node) === k);
          // everything pending at that node is due: jump its clock far past every deadline
          const far = { ...s.c, timers: s.c.timers.map((t, j) => (j === idx ? { ...t, atMs: s.c.nowMs + FAR_MS } : t)) };
          [c] = fireTimer(ccfg, far, idx);
          c = { ...c, timers: c.timers.filter((t) => addressKey(t.node) !== k || t.atMs > c.nowMs) };
          timeouts++;
          break;
        }
      }
      const ledger = checkTransition(s, c, null) ?? s.ledger;
      return { c, next, crashes, drops, dups, timeouts, ledger };
    },
    goal: cfg.liveness
      ? { id: 'LIVE-CRAQ', test: (s) => s.next.every((n) => n >= opsPerClient) && s.c.clients.every((x) => x.ops.size === 0) && s.c.targets.every((t) => t.durable.dirty.length === 0) }
      : undefined,
    encode: encodeCraqState,
    invariants: craqInvariants(cfg),
    terminalInvariants: craqTerminalInvariants(cfg),
    describe(before, a, after) {
      return describeCraqStep(cfg, before, a, after);
    },
    summarize(s) {
      return s.c.targets.map((t, i) => `t${i + 1}${s.c.up[i] ? '' : '(down)'} ${describeReplica(t.durable.chunks.get(X))}`).join(' | ');
    },
  };
}

function versions(s: CraqModelState): string {
  return s.c.targets.map((t, i) => `t${i + 1}:${describeReplica(t.durable.chunks.get(X)).replace('commit ', 'c').replace('pending ', 'p')}`).join(' ');
}

export function describeCraqStep(cfg: CraqCheckConfig, before: CraqModelState, a: CraqAction, after: CraqModelState): string {
  const c = before.c;
  const at = (ad: Address) => (ad.kind === 'target' ? `t${ad.id}` : `c${ad.id}`);
  let what: string;
  switch (a.k) {
    case 'invoke': {
      const op = plannedOp(cfg, a.client, before.next[a.client] as number, a.target);
      what = `c${a.client} invokes ${op.kind}${op.kind === 'write' ? ' ' + hexOf(op.data) : ` at t${a.target}`}`;
      break;
    }
    case 'deliver':
    case 'drop':
    case 'dup': {
      const m = c.inflight[a.i];
      const verb = a.k === 'deliver' ? 'delivers' : a.k === 'drop' ? 'DROPS' : 'DUPLICATES';
      what = `${verb} ${at(m.from)}->${at(m.to)} ${describeMsg(m.msg)}`;
      break;
    }
    case 'crash':
      what = `CRASH t${a.t + 1}`;
      break;
    case 'restart':
      what = `RESTART t${a.t + 1}`;
      break;
    case 'timeout':
      what = `timeout at ${at(a.node)}`;
      break;
  }
  return `${what.padEnd(70)} => ${versions(after)}`;
}
