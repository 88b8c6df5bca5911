/**
 * The whole system as an explorer model (proofs-notes/system-check.md): one chain of CRAQ
 * storage targets (core/craq/target.ts, recovery sync included), clients
 * (core/craq/client.ts) and the chain manager (core/chain/manager.ts), all real machines.
 *
 * Events, in any order:
 *  - a client invokes its next planned operation (its writes, then its read-back);
 *  - a CRAQ message or a recovery-sync message is delivered (reordering is free);
 *  - a target crashes (within the failure budget) and, any time later, restarts;
 *  - the manager decides: SWIM reports a crashed target's node down (`nodeDown`); a live
 *    target whose node the manager holds offline heartbeats `online` (after `nodeUp`); a
 *    predecessor's `syncDone` reaches the manager. Every routing change is published at
 *    once to every live target (a restarting one fetches it) and clients pull it when a
 *    target tells them their version is stale;
 *  - a node's timers fire (forward retries, client retries, sync restarts). A timeout
 *    jumps the node's clock past all its deadlines (time abstraction as in craq-model.ts).
 *    Timeouts are unbounded while no message is in flight (so retries always can happen:
 *    the liveness check needs that), and `earlyTimeouts` more may fire at any moment
 *    (retries racing the original messages).
 *
 * Invariants: INV-CHAIN-STATE (the manager's chain: SERVING or LASTSRV present, order,
 * one SYNCING...), INV-SYS-ACKED (every target the manager lists as SERVING or LASTSRV
 * holds every acknowledged write's version), INV-SYS-PREFIX (along the SERVING targets, a
 * successor never holds a version its predecessor lacks), INV-SYS-MONO (per transition: chain versions
 * at the manager and at every target never go back; each replica's (stamp, commitVer)
 * never goes back), INV-SYS-CONVERGED (once everything is quiet and serving, the live
 * replicas are identical), INV-LIN (the client history is linearizable once every
 * operation returned). Liveness goal LIVE-SYS-SERVING: every planned operation returned,
 * every live target SERVING and clean, nothing in flight.
 */
import { isLeft } from 'fp-ts/Either';
import { ChunkId, chainId, chunkId, nodeId, targetId } from '../../spec/ids';
import { Address, ClientMessage, CraqMessage, DirtyReadPolicy, TargetMessage } from '../../spec/craq';
import { RoutingTable } from '../../spec/routing';
import { SyncMessage } from '../../spec/sync';
import { chainViolation } from '../../spec/chain';
import { InvariantViolation } from '../types';
import { ManagerConfig, ManagerState, chainOf, createManager, encodeManager, routingTable, step as managerStep } from '../chain/manager';
import { ChainManagerMutant } from '../chain/transition';
import { RecoveryMutant } from '../chain/recovery';
import { LeaseMutant, fence } from '../chain/lease';
import {
  ClusterConfig,
  ClusterState,
  addressKey,
  crash,
  createCluster,
  deliver,
  deliverSync,
  invoke,
  publishRouting,
  restart,
  takeManagerReport,
  timeoutNode,
} from '../craq/cluster';
import { DEFAULT_TARGET_CONFIG, TargetState, ChunkReplica } from '../craq/target';
import { ClientState, DEFAULT_CLIENT_CONFIG, ReadPolicy } from '../craq/client';
import { CraqMutant } from '../craq/mutants';
import { describeMsg } from '../craq/describe';
import { hexOf, toLinHistory } from '../craq/history';
import { checkHistory } from './lin';
import { ExplorerModel, Invariant } from './explorer';
import { cached, replyStr, tagStr } from './encoding';

export interface SystemCheckConfig {
  /** Chain length. */
  readonly replicas: number;
  readonly clients: number;
  /** Writes per client (distinct values to chunk x). */
  readonly writes: number;
  /** Reads per client after its writes (read-back). */
  readonly reads: number;
  /** Target crashes in a run (each may be followed by a restart at any time). */
  readonly failures: number;
  /** Timer firings allowed while messages are still in flight. */
  readonly earlyTimeouts: number;
  readonly dirtyRead: DirtyReadPolicy;
  /** What a target back from LASTSRV does with its uncommitted versions (target.ts). */
  readonly lastsrvReturn: 'reset' | 'redrive';
  readonly recoveryMutant?: RecoveryMutant;
  readonly craqMutant?: CraqMutant;
  readonly managerMutant?: ChainManagerMutant;
  /**
   * False suspicions in a run: a live target is cut off from the manager (its lease runs
   * out: it is fenced and hears no routing) while clients and other targets still reach it;
   * the manager may then declare it down, and it heals with a heartbeat (default 0).
   */
  readonly suspicions?: number;
  /** Where clients read (default roundRobin, starting at the head; `tail` reads the tail as CRAQ's basic design does). */
  readonly readPolicy?: ReadPolicy;
  /** Plant the lease bug: a fenced target still serves clients (core/chain/lease.ts). */
  readonly leaseMutant?: LeaseMutant;
  /** Check the liveness goal (default: only when no mutant is planted). */
  readonly liveness?: boolean;
}

export const DEFAULT_SYSTEM_CONFIG: SystemCheckConfig = {
  replicas: 2,
  clients: 1,
  writes: 2,
  reads: 1,
  failures: 1,
  earlyTimeouts: 0,
  dirtyRead: '3fs',
  lastsrvReturn: 'reset',
};

export interface SystemState {
  readonly c: ClusterState;
  readonly m: ManagerState;
  /** Next planned operation per client. */
  readonly next: readonly number[];
  readonly failures: number;
  readonly early: number;
  /** Per target: cut off from the manager (lease expired: fenced; misses routing publishes). */
  readonly cut: readonly boolean[];
  readonly suspicions: number;
}

export type SystemAction =
  | { readonly k: 'invoke'; readonly client: number }
  | { readonly k: 'deliver'; readonly i: number }
  | { readonly k: 'deliverSync'; readonly i: number }
  | { readonly k: 'crash'; readonly t: number }
  | { readonly k: 'restart'; readonly t: number }
  | { readonly k: 'timeout'; readonly node: Address }
  | { readonly k: 'detectDown'; readonly t: number }
  | { readonly k: 'suspect'; readonly t: number }
  | { readonly k: 'heartbeat'; readonly t: number }
  | { readonly k: 'syncDone' };

const CHAIN = chainId(1);
const X: ChunkId = chunkId('x');
const MANAGER: ManagerConfig = { leaseMs: 1_000_000_000, checkIntervalMs: 1_000_000_000 };

export function systemClusterConfig(cfg: SystemCheckConfig, routing: RoutingTable): ClusterConfig {
  return {
    targets: Array.from({ length: cfg.replicas }, (_, i) => targetId(i + 1)),
    routing,
    clients: cfg.clients,
    target: {
      ...DEFAULT_TARGET_CONFIG,
      chunkSizeBytes: 4,
      dirtyRead: cfg.dirtyRead,
      mutant: cfg.craqMutant,
      forwardRetryTotalMs: Number.MAX_SAFE_INTEGER,
      versionQueryTimeoutMs: 1,
      syncRetryMs: 1,
      lastsrvReturn: cfg.lastsrvReturn,
      recoveryMutant: cfg.recoveryMutant,
    },
    client: { ...DEFAULT_CLIENT_CONFIG, readPolicy: cfg.readPolicy ?? 'roundRobin', channels: 1, opDeadlineMs: Number.MAX_SAFE_INTEGER, requestTimeoutMs: 1, retryBackoffMinMs: 1, retryBackoffMaxMs: 1, notCommitRetryMs: 1 },
    seed: 1,
  };
}

function plannedOp(cfg: SystemCheckConfig, i: number, k: number) {
  if (k < cfg.writes) return { kind: 'write' as const, chain: CHAIN, chunk: X, offset: 0, data: Uint8Array.of(0x10 * (i + 1) + k + 1) };
  return { kind: 'read' as const, chain: CHAIN, chunk: X, offset: 0, length: 1 };
}

// ---------------------------------------------------------------- canonical encoding

const isEmpty = (r: ChunkReplica) => r.commitVer === 0 && r.pending === undefined && r.data.length === 0 && r.chainVer === 0;

function replicaStr(r: ChunkReplica): string {
  return `${r.commitVer}@${r.chainVer}=${hexOf(r.data)}${r.pending ? `+${r.pending.ver}=${hexOf(r.pending.data)}/${tagStr(r.pending.tag)}/${r.pending.full ? 'f' : r.pending.offset}` : ''}`;
}

function encodeTarget(t: TargetState): string {
  return cached(t, () => {
    const parts: string[] = [];
    for (const [k, r] of t.durable.chunks.sortedEntries()) if (!isEmpty(r)) parts.push(`${k}:${replicaStr(r)}`);
    parts.push('|');
    for (const [k, e] of t.durable.retry.sortedEntries()) parts.push(`${k}:${e.seq}@${e.ver}${e.result ? (e.result.ok ? 'ok' : e.result.code) : ''}`);
    parts.push('|', t.volatile.routing === null ? 'R-' : `R${[...t.volatile.routing.values()].map((c) => c.version).join(',')}`);
    for (const [k, l] of [...t.volatile.locks].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
      const a = l.active;
      parts.push(`L${k}:${a ? `${a.ver}/${tagStr(a.tag)}/${a.replyTo.map(replyStr).join(',')}/s${a.successor}` : '-'}[${l.queue.map((q) => `${q.ver ?? 'h'}/${tagStr(q.tag)}/${q.from ? replyStr(q.from) : '-'}/${hexOf(q.data)}${q.full ? 'f' : ''}`).join(';')}]`);
    }
    for (const [ch, ss] of t.volatile.syncs) parts.push(`S${ch}:${ss.successor}/${ss.chainVer}/${ss.phase}/${ss.waiting.join(',')}`);
    parts.push(`Q${t.volatile.reads.size}`);
    return parts.join(' ');
  });
}

function encodeClient(c: ClientState, replicas: number): string {
  return cached(c, () => {
    const ops = [...c.ops.values()].sort((a, b) => a.id - b.id).map((o) => `${o.id}:${o.phase}:${o.channel}.${o.seq}:${o.op.kind === 'read' && o.reqId > 0 ? `#${o.reqId}` : '-'}:${o.target ?? '-'}`);
    return `${ops.join(',')}|${c.seqs.join(',')}|${c.busy.map(Number).join('')}|${c.rr % replicas}|${c.routing?.version ?? '-'}`;
  });
}

function msgBody(msg: CraqMessage | SyncMessage): string {
  return JSON.stringify(msg, (k, v) => {
    if (v instanceof Uint8Array) return hexOf(v);
    if (k === 'reqId') return `#${v}`;
    if (k === 'qid') return 'q';
    return v;
  });
}

/**
 * Read request ids are compared only for equality and always fresh, so they are renamed by
 * rank per client (the data-independence reduction of craq-model.ts).
 */
function canonicalReqIds(s: string): string {
  const ids = [...new Set([...s.matchAll(/#(\d+)/g)].map((m) => Number(m[1])))].sort((a, b) => a - b);
  if (ids.length === 0) return s;
  const rank = new Map(ids.map((id, i) => [id, i]));
  return s.replace(/#(\d+)/g, (_t, id: string) => `#r${rank.get(Number(id))}`);
}

export function encodeSystemState(s: SystemState): string {
  const c = s.c;
  const msgs = c.inflight.map((m) => cached(m, () => `${addressKey(m.from)}>${addressKey(m.to)}:${msgBody(m.msg)}`)).sort();
  const syncs = c.syncInflight.map((m) => cached(m, () => `t${m.from}>t${m.to}:${msgBody(m.msg)}`)).sort();
  const timers = [...new Set(c.timers.map((t) => addressKey(t.node)))].sort();
  const hist = c.history.map((h) => `${h.client}:${h.op.kind}:${h.call}:${h.ret ?? '-'}:${h.result ? (h.result.ok ? (h.result.kind === 'read' ? hexOf(h.result.data) + '@' + h.result.ver : 'w' + h.result.commitVer) : h.result.code) : ''}`);
  return canonicalReqIds(
    [
      c.targets.map(encodeTarget).join(' # '),
      c.up.map(Number).join(''),
      c.clients.map((x) => encodeClient(x, c.targets.length)).join(' # '),
      msgs.join(' ; '),
      syncs.join(' ; '),
      c.toManager.map((r) => `${r.target}@${r.chainVersion}`).join(','),
      timers.join(','),
      hist.join(','),
      s.next.join(','),
      `${s.failures}.${s.early}.${s.suspicions}.${s.cut.map(Number).join('')}`,
      encodeManager(s.m),
    ].join('\n'),
  );
}

// ---------------------------------------------------------------- helpers

const replicaOfT = (t: TargetState) => t.durable.chunks.get(X);
const memberOf = (s: SystemState, t: number) => s.m.chains[0].members.find((x) => x.target === t + 1)!;
const quiet = (c: ClusterState) => c.inflight.length === 0 && c.syncInflight.length === 0;

function allOpsDone(cfg: SystemCheckConfig, s: SystemState): boolean {
  return s.next.every((n) => n >= cfg.writes + cfg.reads) && s.c.clients.every((x) => x.ops.size === 0);
}

/** LIVE-SYS-SERVING: every planned operation returned, every live target SERVING and clean, nothing in flight. */
export function systemGoal(cfg: SystemCheckConfig, s: SystemState): boolean {
  if (!allOpsDone(cfg, s) || !quiet(s.c) || s.c.toManager.length > 0) return false;
  for (let i = 0; i < cfg.replicas; i++) {
    if (!s.c.up[i]) continue;
    if (memberOf(s, i).state !== 'serving') return false;
    if (s.c.targets[i].durable.dirty.length > 0) return false;
  }
  return true;
}

/**
 * Publish the manager's routing to the cluster when its version moved. Targets cut off from
 * the manager miss it (publishRouting feeds only targets marked up, so they are hidden).
 */
function follow(cfgC: ClusterConfig, c: ClusterState, m: ManagerState, cut: readonly boolean[]): ClusterState {
  if (m.routingVersion === c.routing.version) return c;
  if (!cut.some((x) => x)) return publishRouting(cfgC, c, routingTable(m))[0];
  const [out] = publishRouting(cfgC, { ...c, up: c.up.map((u, i) => u && !cut[i]) }, routingTable(m));
  return { ...out, up: c.up };
}

/** Feed the current routing table to target `t` alone (a cut-off target heals). */
function catchUp(cfgC: ClusterConfig, c: ClusterState, t: number): ClusterState {
  const [out] = publishRouting(cfgC, { ...c, up: c.up.map((u, i) => u && i === t) }, c.routing);
  return { ...out, up: c.up };
}

/** Deliver in-flight message `i` to a fenced target: answer or drop it (core/chain/lease.ts). */
function deliverFenced(c: ClusterState, i: number): ClusterState | null {
  const m = c.inflight[i];
  if (m.to.kind !== 'target') return null;
  const v = fence(m.msg as TargetMessage, m.to.id);
  if (v.kind === 'pass') return null;
  const inflight = c.inflight.filter((_, j) => j !== i);
  if (v.kind === 'drop') return { ...c, inflight };
  const to: Address = { kind: 'client', id: (v.msg as ClientMessage).client };
  return { ...c, inflight: [...inflight, { id: c.nextMsgId, from: m.to, to, msg: v.msg }], nextMsgId: c.nextMsgId + 1 };
}

function checkTransition(before: SystemState, after: SystemState): void {
  const c0 = before.m.chains[0];
  const c1 = after.m.chains[0];
  if (c1.version < c0.version) throw new InvariantViolation('INV-SYS-MONO', `manager chain version went from ${c0.version} to ${c1.version}`);
  for (let i = 0; i < after.c.targets.length; i++) {
    const a = after.c.targets[i];
    const b = before.c.targets[i];
    if (a === b) continue;
    const ra = replicaOfT(a);
    const rb = replicaOfT(b);
    if (ra && rb && (ra.chainVer < rb.chainVer || (ra.chainVer === rb.chainVer && ra.commitVer < rb.commitVer)))
      throw new InvariantViolation('INV-SYS-MONO', `t${i + 1}: chunk x went from v${rb.commitVer} (stamp ${rb.chainVer}) back to v${ra.commitVer} (stamp ${ra.chainVer})`);
    const va = a.volatile.routing?.get(CHAIN)?.version;
    const vb = b.volatile.routing?.get(CHAIN)?.version;
    if (va !== undefined && vb !== undefined && va < vb) throw new InvariantViolation('INV-SYS-MONO', `t${i + 1}: chain version went from ${vb} to ${va}`);
  }
}

// ---------------------------------------------------------------- invariants

export function systemInvariants(cfg: SystemCheckConfig): Invariant<SystemState>[] {
  const linMemo = new Map<string, string | null>();
  return [
    {
      id: 'INV-CHAIN-STATE',
      check: (s) => {
        const v = chainViolation(chainOf(s.m.chains[0]));
        return v ? `${v.invariant}: ${v.message}` : null;
      },
    },
    {
      id: 'INV-SYS-ACKED',
      check: (s) => {
        let acked = 0;
        let who = '';
        for (const h of s.c.history)
          if (h.op.kind === 'write' && h.result?.ok && h.result.kind === 'write' && h.result.commitVer > acked) {
            acked = h.result.commitVer;
            who = `c${h.client}'s write ${hexOf(h.op.data)}`;
          }
        if (acked === 0) return null;
        for (const mem of s.m.chains[0].members) {
          if (mem.state !== 'serving' && mem.state !== 'lastsrv') continue;
          const r = replicaOfT(s.c.targets[mem.target - 1]);
          const have = r?.commitVer ?? 0;
          if (have < acked) return `${who} was acknowledged at v${acked}, but ${mem.state} t${mem.target} has committed only v${have}`;
        }
        return null;
      },
    },
    {
      // CRAQ's chain order: updates flow head to tail, so along the SERVING targets (in chain
      // order) a successor never holds a version its predecessor does not
      id: 'INV-SYS-PREFIX',
      check: (s) => {
        const serving = s.m.chains[0].members.filter((m) => m.state === 'serving');
        for (let i = 1; i < serving.length; i++) {
          const p = replicaOfT(s.c.targets[serving[i - 1].target - 1]);
          const q = replicaOfT(s.c.targets[serving[i].target - 1]);
          const up = p ? (p.pending?.ver ?? p.commitVer) : 0;
          const uq = q ? (q.pending?.ver ?? q.commitVer) : 0;
          if (uq > up) return `serving t${serving[i].target} holds v${uq} (${replicaStrShort(q)}) but its predecessor t${serving[i - 1].target} only v${up} (${replicaStrShort(p)})`;
        }
        return null;
      },
    },
    {
      id: 'INV-SYS-CONVERGED',
      check: (s) => {
        if (!systemGoal(cfg, s)) return null;
        const views = s.c.targets.flatMap((t, i) => (s.c.up[i] ? [`t${i + 1}: ${replicaStrShort(replicaOfT(t))}`] : []));
        const distinct = new Set(views.map((v) => v.slice(v.indexOf(':'))));
        return distinct.size > 1 ? `all serving and quiet, yet replicas differ: ${views.join('; ')}` : null;
      },
    },
    {
      id: 'INV-LIN',
      check: (s) => {
        if (!allOpsDone(cfg, s)) return null;
        const ops = toLinHistory(s.c.history);
        const key = JSON.stringify(ops);
        let why = linMemo.get(key);
        if (why === undefined) {
          const r = checkHistory(ops, { model: 'register', stepBudget: 5_000_000 });
          why =
            r.result !== 'illegal'
              ? null
              : `history not linearizable:\n${r.minimal.map((o) => `      client ${o.client} ${o.op} ${o.op === 'write' ? o.value : o.op === 'read' ? `-> ${o.output}` : ''} [${o.call}, ${o.return ?? '…'}]`).join('\n')}`;
          linMemo.set(key, why);
        }
        return why;
      },
    },
  ];
}

function replicaStrShort(r: ChunkReplica | undefined): string {
  if (!r || isEmpty(r)) return '-';
  return `c${r.commitVer}=${hexOf(r.data)}${r.pending ? ` p${r.pending.ver}=${hexOf(r.pending.data)}` : ''}`;
}

// ---------------------------------------------------------------- the model

export function systemModel(cfg: SystemCheckConfig): ExplorerModel<SystemState, SystemAction> {
  const layout = [{ id: CHAIN, targets: Array.from({ length: cfg.replicas }, (_, i) => ({ target: targetId(i + 1), node: nodeId(i + 1) })) }];
  const mcfg: ManagerConfig = { ...MANAGER, mutant: cfg.managerMutant, checkInvariants: false };
  const created = createManager(mcfg, layout, 0);
  if (isLeft(created)) throw new Error(created.left.message);
  const m0 = created.right[0];
  const ccfg = systemClusterConfig(cfg, routingTable(m0));
  const opsPerClient = cfg.writes + cfg.reads;
  const mutant = cfg.recoveryMutant ?? cfg.craqMutant ?? cfg.managerMutant ?? cfg.leaseMutant;
  const liveness = cfg.liveness ?? mutant === undefined;
  const suspicions = cfg.suspicions ?? 0;

  const manager = (s: SystemState, c: ClusterState, input: Parameters<typeof managerStep>[2]): SystemState => {
    const [m] = managerStep(mcfg, s.m, input);
    return { ...s, c: follow(ccfg, c, m, s.cut), m };
  };

  return {
    name: `system(${cfg.replicas} targets, ${cfg.clients} clients x ${cfg.writes}w+${cfg.reads}r, ${cfg.failures} failures${suspicions ? `, ${suspicions} suspicions` : ''}${mutant ? `, mutant ${mutant}` : ''})`,
    initial: () => ({ c: createCluster(ccfg), m: m0, next: Array(cfg.clients).fill(0), failures: 0, early: 0, cut: Array(cfg.replicas).fill(false), suspicions: 0 }),
    actions(s) {
      const out: SystemAction[] = [];
      const c = s.c;
      for (let i = 0; i < cfg.clients; i++) if (s.next[i] < opsPerClient && c.clients[i].ops.size === 0) out.push({ k: 'invoke', client: i });
      const seen = new Set<string>();
      for (let i = 0; i < c.inflight.length; i++) {
        const m = c.inflight[i];
        const e = `${addressKey(m.from)}>${addressKey(m.to)}:${msgBody(m.msg)}`;
        if (!seen.has(e)) out.push({ k: 'deliver', i });
        seen.add(e);
      }
      for (let i = 0; i < c.syncInflight.length; i++) {
        const m = c.syncInflight[i];
        const e = `s${m.from}>${m.to}:${msgBody(m.msg)}`;
        if (!seen.has(e)) out.push({ k: 'deliverSync', i });
        seen.add(e);
      }
      const downNodes = new Set<number>(s.m.nodesDown);
      for (let t = 0; t < cfg.replicas; t++) {
        if (c.up[t] && s.failures < cfg.failures) out.push({ k: 'crash', t });
        if (!c.up[t]) out.push({ k: 'restart', t });
        const mem = memberOf(s, t);
        if (c.up[t] && !s.cut[t] && mem.local !== 'offline' && s.suspicions < suspicions) out.push({ k: 'suspect', t });
        if ((!c.up[t] || s.cut[t]) && mem.local !== 'offline') out.push({ k: 'detectDown', t });
        if (c.up[t] && (s.cut[t] || mem.local === 'offline' || downNodes.has(mem.node))) out.push({ k: 'heartbeat', t });
      }
      if (c.toManager.length > 0) out.push({ k: 'syncDone' });
      if (quiet(c) || s.early < cfg.earlyTimeouts) {
        const nodes = new Map<string, Address>();
        for (const tm of c.timers) nodes.set(addressKey(tm.node), tm.node);
        for (const k of [...nodes.keys()].sort()) out.push({ k: 'timeout', node: nodes.get(k)! });
      }
      return out;
    },
    apply(s, a) {
      let n: SystemState;
      switch (a.k) {
        case 'invoke': {
          const next = s.next.slice();
          const [c] = invoke(ccfg, s.c, a.client, plannedOp(cfg, a.client, next[a.client]++));
          n = { ...s, c, next };
          break;
        }
        case 'deliver': {
          const m = s.c.inflight[a.i];
          const fenced = cfg.leaseMutant !== 'noFence' && m.to.kind === 'target' && s.cut[targetIndexOf(m.to.id)] ? deliverFenced(s.c, a.i) : null;
          n = { ...s, c: fenced ?? deliver(ccfg, s.c, a.i)[0] };
          break;
        }
        case 'deliverSync':
          n = { ...s, c: deliverSync(ccfg, s.c, a.i)[0] };
          break;
        case 'crash':
          // a crashed node restarts without a lease and fetches the current routing: no longer cut off
          n = { ...s, c: crash(ccfg, s.c, a.t)[0], failures: s.failures + 1, cut: setAt(s.cut, a.t, false) };
          break;
        case 'suspect':
          n = { ...s, cut: setAt(s.cut, a.t, true), suspicions: s.suspicions + 1 };
          break;
        case 'restart':
          n = { ...s, c: restart(ccfg, s.c, a.t)[0] };
          break;
        case 'timeout':
          n = { ...s, c: timeoutNode(ccfg, s.c, a.node)[0], early: quiet(s.c) ? s.early : s.early + 1 };
          break;
        case 'detectDown': {
          // SWIM reports the node down; the manager acts once its leases ran out (abstract time)
          const node = memberOf(s, a.t).node;
          n = manager(manager(s, s.c, { kind: 'nodeDown', node }), s.c, { kind: 'leaseExpired', node });
          break;
        }
        case 'heartbeat': {
          const mem = memberOf(s, a.t);
          // a cut-off target heals: it learns the current routing before its new lease counts
          let s1 = s.cut[a.t] ? { ...s, c: catchUp(ccfg, s.c, a.t), cut: setAt(s.cut, a.t, false) } : s;
          if (s.m.nodesDown.includes(mem.node)) s1 = manager(s1, s1.c, { kind: 'nodeUp', node: mem.node });
          const seen = s1.c.targets[a.t].volatile.routing?.get(CHAIN)?.version ?? 0;
          n = manager(s1, s1.c, {
            kind: 'heartbeat',
            node: mem.node,
            routingVersion: Math.min(s1.c.routing.version, s1.m.routingVersion),
            targets: [{ target: mem.target, localState: 'online', chainVersion: seen }],
          });
          break;
        }
        case 'syncDone': {
          const [c, report] = takeManagerReport(s.c);
          n = manager(s, c, report!);
          break;
        }
      }
      checkTransition(s, n);
      return n;
    },
    encode: encodeSystemState,
    invariants: systemInvariants(cfg),
    goal: liveness ? { id: 'LIVE-SYS-SERVING', test: (s) => systemGoal(cfg, s) } : undefined,
    describe: (before, a, after) => describeSystemStep(before, a, after),
    summarize: (s) => versions(s),
  };
}

function versions(s: SystemState): string {
  const ch = s.m.chains[0];
  const order = ch.members.map((x) => `t${x.target}:${x.state.slice(0, 4).toUpperCase()}`).join(' ');
  const reps = s.c.targets.map((t, i) => `t${i + 1}${s.c.up[i] ? '' : '(down)'} ${replicaStrShort(replicaOfT(t))}`).join(' | ');
  return `chain v${ch.version} [${order}]  ${reps}`;
}

export function describeSyncMsg(m: SyncMessage): string {
  switch (m.kind) {
    case 'syncStart':
      return `syncStart (chain v${m.chainVer})`;
    case 'syncDump':
      return `syncDump [${m.chunks.map((x) => `${x.chunk} c${x.commitVer}${x.updateVer > x.commitVer ? ` u${x.updateVer}` : ''} s${x.chainVer}`).join(', ')}]`;
    case 'syncRemove':
      return `syncRemove ${m.chunk} (if c${m.commitVer} u${m.updateVer})`;
    case 'syncChunk':
      return `syncChunk ${m.chunk} c${m.commitVer}=${hexOf(m.data)} stamp ${m.stampVer}`;
    case 'syncAck':
      return `syncAck ${m.chunk} ${m.outcome}`;
  }
}

const setAt = (xs: readonly boolean[], i: number, v: boolean): readonly boolean[] => (xs[i] === v ? xs : xs.map((x, j) => (j === i ? v : x)));
const targetIndexOf = (id: number): number => id - 1;

export function describeSystemStep(before: SystemState, a: SystemAction, after: SystemState): string {
  const c = before.c;
  const at = (ad: Address) => (ad.kind === 'target' ? `t${ad.id}` : `c${ad.id}`);
  let what: string;
  switch (a.k) {
    case 'invoke': {
      const op = after.c.history[after.c.history.length - 1].op;
      what = `c${a.client} invokes ${op.kind}${op.kind === 'write' ? ' ' + hexOf(op.data) : ''}`;
      break;
    }
    case 'deliver': {
      const m = c.inflight[a.i];
      what = `delivers ${at(m.from)}->${at(m.to)} ${describeMsg(m.msg)}`;
      break;
    }
    case 'deliverSync': {
      const m = c.syncInflight[a.i];
      what = `delivers t${m.from}->t${m.to} ${describeSyncMsg(m.msg)}`;
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
    case 'detectDown':
      what = `manager: SWIM says t${a.t + 1}'s node is down; its lease ran out`;
      break;
    case 'suspect':
      what = `t${a.t + 1} cut off from the manager (lease runs out)`;
      break;
    case 'heartbeat':
      what = `manager: t${a.t + 1} heartbeats online`;
      break;
    case 'syncDone':
      what = `manager: syncDone t${c.toManager[0].target} (chain v${c.toManager[0].chainVersion})`;
      break;
  }
  return `${what.padEnd(66)} => ${versions(after)}`;
}
