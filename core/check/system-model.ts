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
 * never goes back), INV-SYS-ONCE (per transition: a client write is applied once, no replica
 * takes a new version holding the bytes of the one it had committed), INV-SYS-CONVERGED (once everything is quiet and serving, the live
 * replicas are identical), INV-LIN (the client history is linearizable once every
 * operation returned). Liveness goal LIVE-SYS-SERVING: every planned operation returned,
 * every live target SERVING and clean, nothing in flight.
 *
 * Two models of the same state space: `systemReferenceModel` steps whole `SystemState`s and
 * fingerprints `encodeSystemState` strings (direct, slow; scenario tests drive it);
 * `systemModel` steps int tuples of interned components with memoised machine steps
 * (proofs-notes/explorer.md "Interned states"; 25-70x faster on the bounded rows of
 * proofs-notes/system-check.md) and replays every counterexample through the reference.
 */
import { isLeft } from 'fp-ts/Either';
import { ChunkId, NodeId, TargetId, chainId, chunkId, nodeId, targetId } from '../../spec/ids';
import { Address, ClientMessage, CraqMessage, DirtyReadPolicy, TargetMessage } from '../../spec/craq';
import { RoutingTable } from '../../spec/routing';
import { SyncDone, SyncMessage } from '../../spec/sync';
import { chainViolation } from '../../spec/chain';
import { InvariantViolation } from '../types';
import { PMap } from '../pmap';
import { ManagerConfig, ManagerState, chainOf, createManager, encodeManager, routingTable, step as managerStep } from '../chain/manager';
import { ChainManagerMutant } from '../chain/transition';
import { RecoveryMutant } from '../chain/recovery';
import { LeaseMutant, fence } from '../chain/lease';
import {
  ClusterConfig,
  ClusterEvent,
  ClusterState,
  InFlight,
  SyncInFlight,
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
import { ClientState, DEFAULT_CLIENT_CONFIG, OpResult, ReadPolicy } from '../craq/client';
import { CraqMutant } from '../craq/mutants';
import { describeMsg } from '../craq/describe';
import { hexOf, toLinHistory } from '../craq/history';
import { checkHistory } from './lin';
import { ExplorerModel, Invariant } from './explorer';
import { cached, replyStr, tagStr } from './encoding';
import { FreshIds, HeadRole, IntPairMap, Interner, ItemTable, TupleHasher } from './intern';
import { RetEvent, historyTable } from './intern-history';
import {
  ComponentKind,
  IntStack,
  LinByShape,
  StepMemo,
  clientsDone,
  completions,
  nodeLayout,
  placeholderHistory,
  repeatsEarlierBy,
  resultStr,
  soloCluster,
  timerMask,
  tuplePacking,
  upMask,
  withAt,
} from './intern-step';

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
    for (const [ch, ss] of t.volatile.syncs) parts.push(`S${ch}:${ss.successor}/${ss.chainVer}/${ss.phase}/${ss.waiting.join(',')}${ss.drain ? `/D${ss.drain.map(([c, v]) => `${c}@${v}`).join(',')}` : ''}`);
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
  const hist = c.history.map((h) => `${h.client}:${h.op.kind}:${h.call}:${h.ret ?? '-'}:${h.result ? resultStr(h.result) : ''}`);
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

/**
 * Per-transition checks of target `i` (before `b`, after `a`), in the order they are checked:
 * INV-SYS-MONO (the replica's (stamp, commitVer), then its chain version), INV-SYS-ONCE (a
 * client write is applied once: the replica takes no new version, committed or pending,
 * holding the bytes of the version it had committed; every planned write has distinct bytes,
 * so equal bytes at two versions are one write applied twice).
 */
function targetTransition(i: number, b: TargetState, a: TargetState): InvariantViolation | null {
  const ra = replicaOfT(a);
  const rb = replicaOfT(b);
  if (ra && rb && (ra.chainVer < rb.chainVer || (ra.chainVer === rb.chainVer && ra.commitVer < rb.commitVer)))
    return new InvariantViolation('INV-SYS-MONO', `t${i + 1}: chunk x went from v${rb.commitVer} (stamp ${rb.chainVer}) back to v${ra.commitVer} (stamp ${ra.chainVer})`);
  const va = a.volatile.routing?.get(CHAIN)?.version;
  const vb = b.volatile.routing?.get(CHAIN)?.version;
  if (va !== undefined && vb !== undefined && va < vb) return new InvariantViolation('INV-SYS-MONO', `t${i + 1}: chain version went from ${vb} to ${va}`);
  if (ra && rb && rb.commitVer > 0 && ra.commitVer > rb.commitVer && hexOf(ra.data) === hexOf(rb.data))
    return new InvariantViolation('INV-SYS-ONCE', `t${i + 1}: committed v${ra.commitVer} = ${hexOf(ra.data)}, the bytes of its v${rb.commitVer}: one write applied twice`);
  const p = ra?.pending;
  if (ra && p && ra.commitVer > 0 && p.ver > ra.commitVer && hexOf(p.data) === hexOf(ra.data))
    return new InvariantViolation('INV-SYS-ONCE', `t${i + 1}: pending v${p.ver} = ${hexOf(p.data)}, the bytes of its committed v${ra.commitVer}: one write applied twice`);
  return null;
}

function checkTransition(before: SystemState, after: SystemState): void {
  const c0 = before.m.chains[0];
  const c1 = after.m.chains[0];
  if (c1.version < c0.version) throw new InvariantViolation('INV-SYS-MONO', `manager chain version went from ${c0.version} to ${c1.version}`);
  for (let i = 0; i < after.c.targets.length; i++) {
    const a = after.c.targets[i];
    const b = before.c.targets[i];
    if (a === b) continue;
    const e = targetTransition(i, b, a);
    if (e) throw e;
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

/** What the reference and the interned model both start from: the manager, the cluster configuration, the model's name. */
function systemSetup(cfg: SystemCheckConfig): { mcfg: ManagerConfig; m0: ManagerState; ccfg: ClusterConfig; liveness: boolean; name: string } {
  const layout = [{ id: CHAIN, targets: Array.from({ length: cfg.replicas }, (_, i) => ({ target: targetId(i + 1), node: nodeId(i + 1) })) }];
  const mcfg: ManagerConfig = { ...MANAGER, mutant: cfg.managerMutant, checkInvariants: false };
  const created = createManager(mcfg, layout, 0);
  if (isLeft(created)) throw new Error(created.left.message);
  const m0 = created.right[0];
  const ccfg = systemClusterConfig(cfg, routingTable(m0));
  const mutant = cfg.recoveryMutant ?? cfg.craqMutant ?? cfg.managerMutant ?? cfg.leaseMutant;
  const liveness = cfg.liveness ?? mutant === undefined;
  const suspicions = cfg.suspicions ?? 0;
  const name = `system(${cfg.replicas} targets, ${cfg.clients} clients x ${cfg.writes}w+${cfg.reads}r, ${cfg.failures} failures${suspicions ? `, ${suspicions} suspicions` : ''}${mutant ? `, mutant ${mutant}` : ''})`;
  return { mcfg, m0, ccfg, liveness, name };
}

/**
 * The reference model: every state a whole `SystemState` (cluster + manager + counters),
 * every successor a whole-system step, every fingerprint a hash of `encodeSystemState`.
 * Slow but direct; `systemModel` (the interned model, below) explores the same state space
 * (test/core/check/system-interned.test.ts) and replays its counterexamples through this one.
 */
export function systemReferenceModel(cfg: SystemCheckConfig): ExplorerModel<SystemState, SystemAction> {
  const { mcfg, m0, ccfg, liveness, name } = systemSetup(cfg);
  const opsPerClient = cfg.writes + cfg.reads;
  const suspicions = cfg.suspicions ?? 0;

  const manager = (s: SystemState, c: ClusterState, input: Parameters<typeof managerStep>[2]): SystemState => {
    const [m] = managerStep(mcfg, s.m, input);
    return { ...s, c: follow(ccfg, c, m, s.cut), m };
  };

  return {
    name,
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

// ---------------------------------------------------------------- the interned model

/**
 * A state of the interned model: a tuple of small ints. With R targets and C clients:
 * [0, R) target state ids, [R, R+C) client state ids, then the manager state id, the up
 * bitmask, the armed-timer bitmask (bit i: target slot i; bit R+j: client j), the cut bitmask,
 * the history id, the fault budgets spent (failures | early << 8 | suspicions << 16), the
 * id of the syncDone reports waiting for the manager (an ordered list), the id of the
 * routing table clients and restarting targets fetch (payload: the reference leaves it out
 * of its encoding, being the manager's table), the number of CRAQ messages in flight, those
 * message ids in send order, and from there to the end the sync message ids in send order.
 */
export type SystemTuple = ArrayLike<number>;

/** How much the interned model holds (bench and tests). */
export interface SystemInternStats {
  readonly targets: number;
  readonly clients: number;
  readonly managers: number;
  readonly messages: number;
  readonly syncMessages: number;
  readonly histories: number;
  /** Memoised machine steps (each ran the real machine once): targets and clients, and the manager. */
  readonly steps: number;
  readonly managerSteps: number;
  readonly linShapes: number;
  readonly linSearches: number;
}

// inputs of a memoised target or client step: (code & 7) is the kind, code >>> 3 the argument
const K_DELIVER = 0; // a CRAQ message (id)
const K_SYNC = 1; // a sync message (id)
const K_TICK = 2;
const K_CRASH = 3;
const K_RESTART = 4; // the routing table it fetches (id)
const K_ROUTING = 5; // a routing table published to it (id)
const K_INVOKE = 6; // opId << 6 | k (the client's k-th planned operation)
// actions: (a & 15) is the kind, a >>> 4 the argument
const A_INVOKE = 0; // client
const A_DELIVER = 1; // index among the CRAQ messages in flight
const A_DELIVER_SYNC = 2; // index among the sync messages in flight
const A_CRASH = 3; // target slot
const A_RESTART = 4;
const A_TIMEOUT = 5; // node: target slot, or R + client
const A_DETECT = 6;
const A_SUSPECT = 7;
const A_HEARTBEAT = 8;
const A_SYNC_DONE = 9;
// manager inputs: kind | slot << 3 | a << 7 | b << 19
const M_NODE_DOWN = 0;
const M_LEASE_EXPIRED = 1;
const M_NODE_UP = 2;
const M_HEARTBEAT = 3; // a: routing version, b: the chain version the target has seen
const M_SYNC_DONE = 4; // slot: the reporting target, a: its chain version

const EARLY_UNIT = 1 << 8;
const SUSPICION_UNIT = 1 << 16;

/** What one memoised target or client step did. */
interface StepOut {
  readonly comp: number;
  /** CRAQ messages sent, in order. */
  readonly emit: readonly number[];
  /** Sync messages sent, in order. */
  readonly syncEmit: readonly number[];
  /** syncDone reports for the manager, in order. */
  readonly reports: readonly number[];
  /** A timer is armed at the node after the step (setArm) or the step armed one (otherwise). */
  readonly arm: boolean;
  readonly setArm: boolean;
  /** History events (operation returns), in order. */
  readonly rets: readonly number[];
  /** A machine's own assertion. */
  readonly err: InvariantViolation | null;
}

/** What the search reads of a manager state, per id. */
interface ManagerInfo {
  readonly routingVersion: number;
  readonly chainVersion: number;
  /** Per target slot. */
  readonly offline: readonly boolean[];
  readonly node: readonly number[];
  readonly nodeDown: readonly boolean[];
  readonly serving: readonly boolean[];
  /** SERVING targets in chain order (INV-SYS-PREFIX), SERVING or LASTSRV (INV-SYS-ACKED). */
  readonly servingSlots: readonly number[];
  readonly ackSlots: readonly number[];
  readonly chainViolation: string | null;
  /** The routing table it publishes (id). */
  readonly routing: number;
}

/** Fields that only hold clock values or compute deadlines (the time abstraction; proofs-notes/explorer.md). */
const CLOCK_FIELDS = new Set(['nowMs', 'atMs', 'firstSentMs', 'retryAtMs', 'expiresAtMs', 'startedMs', 'wakeMs', 'attempt']);

/**
 * Exact keys: everything a machine state holds except clock fields, as a short string, the
 * interning key of a component, so a representative agrees with every state under its key
 * on every field behaviour reads (its fresh-id counters included). Hash-consed: each
 * distinct sub-object (by content: kind, fields in their own order, map entries in iteration
 * order, which code may depend on) gets a token, and an object's key lists its children's
 * tokens; machine states are immutable and share structure, so a token is computed once per
 * object and a step's new state costs only its new objects. Equal tokens = equal content
 * (an object built in another field order only gets another token: a duplicate
 * representative, never a wrong one).
 */
export class ExactKeys {
  private readonly byObject = new WeakMap<object, string>();
  private readonly tokens = new Map<string, string>();
  key(x: unknown): string {
    switch (typeof x) {
      case 'number':
        return `${x}`;
      case 'string':
        return JSON.stringify(x);
      case 'boolean':
        return x ? 'T' : 'F';
      case 'undefined':
        return 'u';
      case 'object':
        break;
      default:
        throw new Error(`system model: no exact key for a ${typeof x}`);
    }
    if (x === null) return 'n';
    if (x instanceof Uint8Array) return `x${hexOf(x)}`;
    let t = this.byObject.get(x);
    if (t !== undefined) return t;
    let local: string;
    if (Array.isArray(x)) {
      local = '[';
      for (const e of x) local += this.key(e) + ',';
    } else if (x instanceof Map || x instanceof PMap) {
      local = '{';
      for (const [k, v] of (x as ReadonlyMap<unknown, unknown>).entries()) local += this.key(k) + ':' + this.key(v) + ',';
    } else if (ArrayBuffer.isView(x)) local = `v${Array.from(x as unknown as ArrayLike<number>).join('.')}`;
    else if (Object.getPrototypeOf(x) === Object.prototype) {
      local = '(';
      const o = x as Record<string, unknown>;
      for (const f in o) if (!CLOCK_FIELDS.has(f)) local += f + '=' + this.key(o[f]) + ';';
    } else throw new Error(`system model: no exact key for ${Object.prototype.toString.call(x)}`);
    t = this.tokens.get(local);
    if (t === undefined) this.tokens.set(local, (t = `#${this.tokens.size}`));
    this.byObject.set(x, t);
    return t;
  }
}

const hexReplacer = (_k: string, v: unknown) => (v instanceof Uint8Array ? hexOf(v) : v);
const REQ_TOKEN = /#(\d+)/g;
/** A reference encoding with its request ids `#n` as fresh-id tokens (one namespace for all clients, as canonicalReqIds ranks them). */
const tokenised = (s: string): string => (s.includes('#') ? s.replace(REQ_TOKEN, '⟨R:$1⟩') : s);

/**
 * The whole system as an explorer model over interned states (proofs-notes/explorer.md,
 * "Interned states"; the same construction as core/check/craq-model.ts's craqModel): every
 * distinct target, client and manager state, message, sync message, history, report list and
 * routing table gets a small id; a state is a `SystemTuple`. A target or client step, e.g.
 * (target 17, sync message 5) -> (target 23, sync messages [8], a syncDone report), runs the
 * real machine once through cluster.ts's own functions on a cluster holding just that
 * component, and is memoised; a manager step likewise (manager.ts `step`). Components are
 * interned by exact keys (`ExactKeys`: every field but clocks, fresh-id counters included) and
 * fingerprinted by the reference model's own canonical pieces, so the search identifies
 * exactly the states the reference does. The reference (`systemReferenceModel`) is the
 * tracer: counterexamples are replayed and printed through it and must fail there again.
 */
export function systemModel(cfg: SystemCheckConfig): ExplorerModel<SystemTuple, number> & { stats(): SystemInternStats } {
  const R = cfg.replicas;
  const C = cfg.clients;
  const opsPerClient = cfg.writes + cfg.reads;
  if (R + C > 30 || R > 15) throw new Error('system model: at most 15 targets and 30 targets and clients');
  if (C * opsPerClient > 30) throw new Error('system model: at most 30 planned operations in all');
  if ([cfg.failures, cfg.earlyTimeouts, cfg.suspicions ?? 0].some((b) => b > 255)) throw new Error('system model: fault budgets above 255');
  const { mcfg, m0, ccfg, liveness, name } = systemSetup(cfg);
  const suspicionBudget = cfg.suspicions ?? 0;
  const fencing = cfg.leaseMutant !== 'noFence';

  const MG = R + C;
  const UP = MG + 1;
  const TM = MG + 2;
  const CUT = MG + 3;
  const HI = MG + 4;
  const BUD = MG + 5;
  const TOM = MG + 6;
  const ROUT = MG + 7;
  const NM = MG + 8;

  const exact = new ExactKeys();
  const fresh = new FreshIds(/⟨(R):(\d+)⟩/g);
  // targets
  const tgt = new ItemTable<TargetState>(null);
  const tSlot: number[] = [];
  const tClock: number[] = [];
  const tDirty: boolean[] = [];
  /** Chunk x's committed version (-1: no replica), its update version (0: none), the chain version routed (-1: none). */
  const tCommit: number[] = [];
  const tUpd: number[] = [];
  const tRoutVer: number[] = [];
  const tView: string[] = [];
  // clients
  const cli = new ItemTable<ClientState>(fresh);
  const cSlot: number[] = [];
  const cClock: number[] = [];
  const cOps: number[] = [];
  // messages
  const msgs = new ItemTable<InFlight>(fresh);
  const mTo: number[] = [];
  /** Id of the message as the reference's action list tells identical messages apart (qid left out). */
  const mSame: number[] = [];
  const mFence: number[] = [];
  const sames = new Interner<null>();
  const syncs = new ItemTable<SyncInFlight>(null);
  const sTo: number[] = [];
  const sSame: number[] = [];
  const syncSames = new Interner<null>();
  // the manager side
  const mgr = new ItemTable<ManagerState>(null);
  const mInfo: ManagerInfo[] = [];
  const routings = new Interner<RoutingTable>();
  const reports = new Interner<SyncDone>();
  const lists = new Interner<readonly number[]>();
  const pushMemo = new IntPairMap(1 << 6);
  const popMemo: number[] = [];
  // steps (core/check/intern-step.ts)
  // a step that hit a machine's own assertion leaves the component as it was
  const steps = new StepMemo<StepOut>((comp, e) => ({ comp, emit: [], syncEmit: [], reports: [], arm: false, setArm: false, rets: [], err: e }));
  const outs = steps.outs;
  const tMemo = new IntPairMap(1 << 12);
  const cMemo = new IntPairMap(1 << 12);
  const cInputs = new IntPairMap(1 << 8);
  let cInputCount = 0;
  const mMemo = new IntPairMap(1 << 8);
  let managerSteps = 0;
  const monoMemo = new IntPairMap(1 << 8);
  const monoErrs: InvariantViolation[] = [];
  // histories
  const resultIds = new Interner<string>();
  const reference = systemInvariants(cfg);

  const base = createCluster(ccfg);
  const { nodeAddr, nodeOf, timerOrder } = nodeLayout(ccfg);

  const internTarget = (slot: number, t: TargetState, clock: number): number => {
    const key = `${slot}|${exact.key(t)}`;
    const known = tgt.lookup(key);
    if (known !== undefined) return known;
    const id = tgt.intern(key, t, `${slot}|${encodeTarget(t)}`);
    {
      const r = replicaOfT(t);
      tSlot.push(slot);
      tClock.push(clock);
      tDirty.push(t.durable.dirty.length > 0);
      tCommit.push(r ? r.commitVer : -1);
      tUpd.push(r ? (r.pending?.ver ?? r.commitVer) : 0);
      tRoutVer.push(t.volatile.routing?.get(CHAIN)?.version ?? -1);
      tView.push(replicaStrShort(r));
    }
    return id;
  };
  const internClient = (slot: number, c: ClientState, clock: number): number => {
    const key = `${slot}|${exact.key(c)}`;
    const known = cli.lookup(key);
    if (known !== undefined) return known;
    const id = cli.intern(key, c, `${slot}|${tokenised(encodeClient(c, R))}`);
    {
      cSlot.push(slot);
      cClock.push(clock);
      cOps.push(c.ops.size);
    }
    return id;
  };
  const internMsg = (m: InFlight): number => {
    const route = `${addressKey(m.from)}>${addressKey(m.to)}:`;
    const key = route + JSON.stringify(m.msg, hexReplacer);
    const known = msgs.lookup(key);
    if (known !== undefined) return known;
    const id = msgs.intern(key, m, tokenised(route + msgBody(m.msg)));
    {
      mTo.push(nodeOf(m.to));
      mSame.push(sames.intern(route + msgBody(m.msg), null));
      mFence.push(-3);
    }
    return id;
  };
  const internSync = (m: SyncInFlight): number => {
    const key = `${m.from}>${m.to}:${JSON.stringify(m.msg, hexReplacer)}`;
    const known = syncs.lookup(key);
    if (known !== undefined) return known;
    const id = syncs.intern(key, m, `t${m.from}>t${m.to}:${msgBody(m.msg)}`);
    {
      sTo.push(targetIndexOf(m.to));
      sSame.push(syncSames.intern(`s${m.from}>${m.to}:${msgBody(m.msg)}`, null));
    }
    return id;
  };
  const internRouting = (table: RoutingTable): number => routings.intern(JSON.stringify(table), table);
  const internManager = (m: ManagerState): number => {
    const key = exact.key({ ...m, index: null });
    const known = mgr.lookup(key);
    if (known !== undefined) return known;
    const id = mgr.intern(key, m, encodeManager(m));
    {
      const ch = m.chains[0];
      const bySlot = Array.from({ length: R }, (_, t) => ch.members.find((x) => x.target === t + 1)!);
      const v = chainViolation(chainOf(ch));
      mInfo.push({
        routingVersion: m.routingVersion,
        chainVersion: ch.version,
        offline: bySlot.map((x) => x.local === 'offline'),
        node: bySlot.map((x) => x.node),
        nodeDown: bySlot.map((x) => m.nodesDown.includes(x.node)),
        serving: bySlot.map((x) => x.state === 'serving'),
        servingSlots: ch.members.filter((x) => x.state === 'serving').map((x) => x.target - 1),
        ackSlots: ch.members.filter((x) => x.state === 'serving' || x.state === 'lastsrv').map((x) => x.target - 1),
        chainViolation: v ? `${v.invariant}: ${v.message}` : null,
        routing: internRouting(routingTable(m)),
      });
    }
    return id;
  };
  const internList = (xs: readonly number[]): number => lists.intern(xs.join(','), xs);
  const internReport = (r: SyncDone): number => reports.intern(`${r.target}@${r.chainVersion}`, r);
  const listPush = (list: number, report: number): number => {
    let k = pushMemo.get(list, report);
    if (k < 0) pushMemo.set(list, report, (k = internList([...lists.reps[list], report])));
    return k;
  };
  const listPop = (list: number): number => (popMemo[list] ??= internList(lists.reps[list].slice(1)));

  // ------------------------------------------------------------ histories (core/check/intern-history.ts)
  const histories = historyTable({
    clients: C,
    opsPerClient,
    plannedOp: (client, k) => plannedOp(cfg, client, k),
    /** The highest acknowledged write version (INV-SYS-ACKED). */
    initialAcked: 0,
    initialOps: base.history,
    ackedAfter: (acked, e, p) => {
      const r = e.result;
      return p % opsPerClient < cfg.writes && r.ok && r.kind === 'write' ? Math.max(acked, r.commitVer) : acked;
    },
  });
  const { events, shapes, callEvents, hParent, hNext, hLen, hClock, hAcked, histStep, opsOf } = histories;
  const lin = new LinByShape(histories);

  // ------------------------------------------------------------ memoised steps

  const newRet = (client: number, opId: number, result: OpResult, resultId: number): RetEvent => ({ kind: 'ret', client, opId, result, resultId });
  const outOf = (node: number, c: ClusterState, clusterEvents: readonly ClusterEvent[], comp: number, setArm: boolean): StepOut => {
    const rets = completions(clusterEvents, node - R, events, resultIds, newRet);
    return {
      comp,
      emit: c.inflight.map(internMsg),
      syncEmit: c.syncInflight.map(internSync),
      reports: c.toManager.map(internReport),
      arm: c.timers.some((t) => nodeOf(t.node) === node),
      setArm,
      rets,
      err: null,
    };
  };

  const targetKind: ComponentKind<TargetState, StepOut> = {
    role: 'targets',
    reps: tgt.reps,
    slot: tSlot,
    clock: tClock,
    run(slot, rep, clock, code) {
      const node = nodeAddr[slot];
      const targets = withAt(base.targets, slot, rep);
      const up = base.up.slice();
      const arg = code >>> 3;
      switch (code & 7) {
        case K_DELIVER:
          return deliver(ccfg, soloCluster(base, clock, { targets, up, inflight: [msgs.reps[arg]] }), 0);
        case K_SYNC:
          return deliverSync(ccfg, soloCluster(base, clock, { targets, up, syncInflight: [syncs.reps[arg]] }), 0);
        case K_TICK:
          return timeoutNode(ccfg, soloCluster(base, clock, { targets, up, timers: [{ node, atMs: clock }] }), node);
        case K_CRASH:
          return crash(ccfg, soloCluster(base, clock, { targets, up }), slot);
        case K_RESTART:
          up[slot] = false;
          return restart(ccfg, soloCluster(base, clock, { targets, up, routing: routings.reps[arg] }), slot);
        case K_ROUTING:
          return publishRouting(ccfg, soloCluster(base, clock, { targets, up: up.map((_, i) => i === slot) }), routings.reps[arg]);
        default:
          throw new Error(`system model: bad target input ${code}`);
      }
    },
    intern: internTarget,
    out: (slot, c, evs, next, code) => outOf(slot, c, evs, next, (code & 7) === K_TICK || (code & 7) === K_CRASH),
  };
  const targetStep = (comp: number, code: number): StepOut => steps.step(targetKind, tMemo, comp, code);

  const clientKind: ComponentKind<ClientState, StepOut> = {
    role: 'clients',
    reps: cli.reps,
    slot: cSlot,
    clock: cClock,
    run(slot, rep, clock, code, routing) {
      const node = nodeAddr[R + slot];
      const clients = withAt(base.clients, slot, rep);
      const table = routings.reps[routing];
      const arg = code >>> 3;
      switch (code & 7) {
        case K_DELIVER:
          return deliver(ccfg, soloCluster(base, clock, { clients, routing: table, inflight: [msgs.reps[arg]] }), 0);
        case K_TICK:
          return timeoutNode(ccfg, soloCluster(base, clock, { clients, routing: table, timers: [{ node, atMs: clock }] }), node);
        case K_INVOKE: {
          const history = placeholderHistory(arg >>> 6, plannedOp(cfg, 0, 0));
          return invoke(ccfg, soloCluster(base, clock, { clients, routing: table, history }), slot, plannedOp(cfg, slot, arg & 63));
        }
        default:
          throw new Error(`system model: bad client input ${code}`);
      }
    },
    intern: internClient,
    out: (slot, c, evs, next, code) => outOf(R + slot, c, evs, next, (code & 7) === K_TICK),
  };
  /** A client step reads the routing table the cluster serves (a refresh), so the table is part of its input. */
  const clientStep = (comp: number, code: number, routing: number): StepOut => {
    let input = cInputs.get(code, routing);
    if (input < 0) cInputs.set(code, routing, (input = cInputCount++));
    const k = cMemo.get(comp, input);
    return k >= 0 ? outs[k] : steps.compute(clientKind, cMemo, comp, input, code, routing);
  };

  const managerStepOf = (mid: number, code: number): number => {
    let k = mMemo.get(mid, code);
    if (k >= 0) return k;
    const m = mgr.reps[mid];
    const slot = (code >>> 3) & 15;
    const a = (code >>> 7) & 4095;
    const b = code >>> 19;
    const node = mInfo[mid].node[slot] as NodeId;
    let input: Parameters<typeof managerStep>[2];
    switch (code & 7) {
      case M_NODE_DOWN:
        input = { kind: 'nodeDown', node };
        break;
      case M_LEASE_EXPIRED:
        input = { kind: 'leaseExpired', node };
        break;
      case M_NODE_UP:
        input = { kind: 'nodeUp', node };
        break;
      case M_HEARTBEAT:
        input = { kind: 'heartbeat', node, routingVersion: a, targets: [{ target: targetId(slot + 1), localState: 'online', chainVersion: b }] };
        break;
      case M_SYNC_DONE:
        input = { kind: 'syncDone', target: targetId(slot + 1), chainVersion: a };
        break;
      default:
        throw new Error(`system model: bad manager input ${code}`);
    }
    const [after] = managerStep(mcfg, m, input);
    k = after === m ? mid : internManager(after);
    managerSteps++;
    mMemo.set(mid, code, k);
    return k;
  };
  const managerCode = (kind: number, slot: number, a = 0, b = 0): number => {
    if (a > 4095 || b > 4095) throw new Error('system model: a version above 4095');
    return kind | (slot << 3) | (a << 7) | (b << 19);
  };

  /** The per-transition checks of one target (targetTransition on the representatives: they hold the same fields). */
  const targetMono = (b: number, a: number): InvariantViolation | null => {
    let k = monoMemo.get(b, a);
    if (k < 0) {
      const e = targetTransition(tSlot[a], tgt.reps[b], tgt.reps[a]);
      k = e === null ? 0 : monoErrs.push(e);
      monoMemo.set(b, a, k);
    }
    return k === 0 ? null : monoErrs[k - 1];
  };

  // ------------------------------------------------------------ the initial state
  if (base.history.length > 0 || base.clock !== 0 || base.inflight.length > 0 || base.syncInflight.length > 0 || base.toManager.length > 0)
    throw new Error('system model: a fresh cluster is quiet with an empty history');
  const mid0 = internManager(m0);
  const rout0 = internRouting(base.routing);
  if (mInfo[mid0].routing !== rout0) throw new Error('system model: the cluster starts with the manager routing');
  const s0: number[] = [
    ...base.targets.map((t, i) => internTarget(i, t, base.nowMs)),
    ...base.clients.map((c, j) => internClient(j, c, base.nowMs)),
    mid0,
    upMask(base.up),
    timerMask(base, nodeOf),
    0,
    0, // the empty history (historyTable's id 0)
    0,
    internList([]),
    rout0,
    0,
  ];

  const hasher = new TupleHasher(
    [...Array<HeadRole>(R).fill(tgt), ...Array<HeadRole>(C).fill(cli), mgr, 'plain', 'plain', 'plain', 'plain', 'plain', 'plain', 'skip'],
    [msgs, syncs],
  );

  // ------------------------------------------------------------ stepping a tuple
  // scratch: the CRAQ and the sync messages of the state being built
  const cq = new IntStack();
  const sq = new IntStack();
  // the fields of the state being built
  let hist = 0;
  let tom = 0;
  let rout = 0;
  let mid = 0;
  let up = 0;
  let cut = 0;
  let tm = 0;

  const applyOut = (node: number, o: StepOut, out: Int32Array): void => {
    if (o.err) throw o.err;
    out[node] = o.comp;
    const bit = 1 << node;
    if (o.arm) tm |= bit;
    else if (o.setArm) tm &= ~bit;
    for (let i = 0; i < o.emit.length; i++) cq.push(o.emit[i]);
    for (let i = 0; i < o.syncEmit.length; i++) sq.push(o.syncEmit[i]);
    for (let i = 0; i < o.reports.length; i++) tom = listPush(tom, o.reports[i]);
    for (let i = 0; i < o.rets.length; i++) hist = histStep(hist, o.rets[i]);
  };
  /** The manager takes an input; a new routing version is published at once to every live target not cut off (`follow`). */
  const manage = (code: number, out: Int32Array): void => {
    mid = managerStepOf(mid, code);
    const info = mInfo[mid];
    if (info.routingVersion === routings.reps[rout].version) return;
    rout = info.routing;
    for (let i = 0; i < R; i++) if (((up & ~cut) >>> i) & 1) applyOut(i, targetStep(out[i], (rout << 3) | K_ROUTING), out);
  };

  /** The successor's ints, written to `out` from 0; returns its length. */
  const applyInto = (s: SystemTuple, a: number, out: Int32Array): number => {
    for (let i = 0; i < NM; i++) out[i] = s[i];
    const n0 = s[NM];
    cq.n = 0;
    sq.n = 0;
    for (let i = 0; i < n0; i++) cq.push(s[NM + 1 + i]);
    for (let i = NM + 1 + n0; i < s.length; i++) sq.push(s[i]);
    hist = s[HI];
    tom = s[TOM];
    rout = s[ROUT];
    mid = s[MG];
    up = s[UP];
    cut = s[CUT];
    tm = s[TM];
    let bud = s[BUD];
    const arg = a >>> 4;
    switch (a & 15) {
      case A_INVOKE: {
        const k = hNext[hist][arg];
        const o = clientStep(s[R + arg], (((hLen[hist] << 6) | k) << 3) | K_INVOKE, rout);
        hist = histStep(hist, callEvents[arg]);
        applyOut(R + arg, o, out);
        break;
      }
      case A_DELIVER: {
        const m = cq.buf[arg];
        cq.removeAt(arg);
        const node = mTo[m];
        if (node >= R) applyOut(node, clientStep(s[node], (m << 3) | K_DELIVER, rout), out);
        else if (fencing && (cut >>> node) & 1) {
          const f = fenceOf(m);
          if (f >= 0) cq.push(f);
          else if (f === -1) applyOut(node, targetStep(s[node], (m << 3) | K_DELIVER), out);
        } else if ((up >>> node) & 1) applyOut(node, targetStep(s[node], (m << 3) | K_DELIVER), out);
        break;
      }
      case A_DELIVER_SYNC: {
        const m = sq.buf[arg];
        sq.removeAt(arg);
        const node = sTo[m];
        if ((up >>> node) & 1) applyOut(node, targetStep(s[node], (m << 3) | K_SYNC), out);
        break;
      }
      case A_CRASH:
        up &= ~(1 << arg);
        applyOut(arg, targetStep(s[arg], K_CRASH), out);
        cut &= ~(1 << arg);
        bud += 1;
        break;
      case A_RESTART:
        up |= 1 << arg;
        applyOut(arg, targetStep(s[arg], (rout << 3) | K_RESTART), out);
        break;
      case A_TIMEOUT:
        if (n0 > 0 || s.length > NM + 1 + n0) bud += EARLY_UNIT;
        if (arg >= R) applyOut(arg, clientStep(s[arg], K_TICK, rout), out);
        else if ((up >>> arg) & 1) applyOut(arg, targetStep(s[arg], K_TICK), out);
        else tm &= ~(1 << arg);
        break;
      case A_SUSPECT:
        cut |= 1 << arg;
        bud += SUSPICION_UNIT;
        break;
      case A_DETECT:
        // SWIM reports the node down; the manager acts once its leases ran out (abstract time)
        manage(managerCode(M_NODE_DOWN, arg), out);
        manage(managerCode(M_LEASE_EXPIRED, arg), out);
        break;
      case A_HEARTBEAT: {
        if ((cut >>> arg) & 1) {
          // a cut-off target heals: it learns the current routing before its new lease counts
          applyOut(arg, targetStep(out[arg], (rout << 3) | K_ROUTING), out);
          cut &= ~(1 << arg);
        }
        if (mInfo[mid].nodeDown[arg]) manage(managerCode(M_NODE_UP, arg), out);
        const seen = Math.max(0, tRoutVer[out[arg]]);
        manage(managerCode(M_HEARTBEAT, arg, Math.min(routings.reps[rout].version, mInfo[mid].routingVersion), seen), out);
        break;
      }
      case A_SYNC_DONE: {
        const r = reports.reps[lists.reps[tom][0]];
        tom = listPop(tom);
        manage(managerCode(M_SYNC_DONE, r.target - 1, r.chainVersion), out);
        break;
      }
      default:
        throw new Error(`system model: bad action ${a}`);
    }
    // INV-SYS-MONO and INV-SYS-ONCE across the transition (checkTransition)
    if (mInfo[mid].chainVersion < mInfo[s[MG]].chainVersion)
      throw new InvariantViolation('INV-SYS-MONO', `manager chain version went from ${mInfo[s[MG]].chainVersion} to ${mInfo[mid].chainVersion}`);
    for (let i = 0; i < R; i++)
      if (out[i] !== s[i]) {
        const e = targetMono(s[i], out[i]);
        if (e) throw e;
      }
    out[MG] = mid;
    out[UP] = up;
    out[TM] = tm;
    out[CUT] = cut;
    out[HI] = hist;
    out[BUD] = bud;
    out[TOM] = tom;
    out[ROUT] = rout;
    const nC = cq.n;
    const nS = sq.n;
    const len = NM + 1 + nC + nS;
    if (len > out.length) throw new Error('system model: state too large for the buffer');
    out[NM] = nC;
    const cb = cq.buf;
    const sb = sq.buf;
    for (let i = 0; i < nC; i++) out[NM + 1 + i] = cb[i];
    for (let i = 0; i < nS; i++) out[NM + 1 + nC + i] = sb[i];
    return len;
  };
  /** A message to a target cut off from the manager: -1 pass, -2 drop, else the reply (core/chain/lease.ts). */
  const fenceOf = (m: number): number => {
    if (mFence[m] !== -3) return mFence[m];
    const x = msgs.reps[m];
    const v = fence(x.msg as TargetMessage, (x.to as { id: TargetId }).id);
    const f = v.kind === 'pass' ? -1 : v.kind === 'drop' ? -2 : internMsg({ id: 0, from: x.to, to: { kind: 'client', id: (v.msg as ClientMessage).client }, msg: v.msg });
    mFence[m] = f;
    return f;
  };

  // ------------------------------------------------------------ reading a tuple
  const quietT = (s: SystemTuple): boolean => s.length === NM + 1;
  const allDone = (s: SystemTuple): boolean => clientsDone(hNext[s[HI]], opsPerClient, s, R, C, cOps);
  const goal = (s: SystemTuple): boolean => {
    if (!allDone(s) || !quietT(s) || lists.reps[s[TOM]].length > 0) return false;
    const info = mInfo[s[MG]];
    for (let i = 0; i < R; i++) {
      if (!((s[UP] >>> i) & 1)) continue;
      if (!info.serving[i] || tDirty[s[i]]) return false;
    }
    return true;
  };
  /** The concrete state a tuple stands for (representatives; clock fields as the representatives hold them). */
  const concrete = (s: SystemTuple): SystemState => {
    const n0 = s[NM];
    const inflight: InFlight[] = [];
    for (let i = 0; i < n0; i++) inflight.push(msgs.reps[s[NM + 1 + i]]);
    const syncInflight: SyncInFlight[] = [];
    for (let i = NM + 1 + n0; i < s.length; i++) syncInflight.push(syncs.reps[s[i]]);
    const timers: { node: Address; atMs: number }[] = [];
    for (let i = 0; i < R + C; i++) if ((s[TM] >>> i) & 1) timers.push({ node: nodeAddr[i], atMs: 0 });
    const c: ClusterState = {
      nowMs: 0,
      targets: Array.from({ length: R }, (_, i) => tgt.reps[s[i]]),
      up: Array.from({ length: R }, (_, i) => ((s[UP] >>> i) & 1) === 1),
      clients: Array.from({ length: C }, (_, j) => cli.reps[s[R + j]]),
      inflight,
      syncInflight,
      toManager: lists.reps[s[TOM]].map((r) => reports.reps[r]),
      timers,
      routing: routings.reps[s[ROUT]],
      history: opsOf(s[HI]),
      clock: hClock[s[HI]],
      nextMsgId: 0,
    };
    const b = s[BUD];
    return { c, m: mgr.reps[s[MG]], next: hNext[s[HI]], failures: b & 255, early: (b >>> 8) & 255, suspicions: b >>> 16, cut: Array.from({ length: R }, (_, i) => ((s[CUT] >>> i) & 1) === 1) };
  };
  const refAction = (a: number): SystemAction => {
    const arg = a >>> 4;
    switch (a & 15) {
      case A_INVOKE:
        return { k: 'invoke', client: arg };
      case A_DELIVER:
        return { k: 'deliver', i: arg };
      case A_DELIVER_SYNC:
        return { k: 'deliverSync', i: arg };
      case A_CRASH:
        return { k: 'crash', t: arg };
      case A_RESTART:
        return { k: 'restart', t: arg };
      case A_TIMEOUT:
        return { k: 'timeout', node: nodeAddr[arg] };
      case A_DETECT:
        return { k: 'detectDown', t: arg };
      case A_SUSPECT:
        return { k: 'suspect', t: arg };
      case A_HEARTBEAT:
        return { k: 'heartbeat', t: arg };
      default:
        return { k: 'syncDone' };
    }
  };
  /** The reference invariant's own message (the interned check decided it fails). */
  const why = (k: number, s: SystemTuple): string => reference[k].check(concrete(s)) ?? `${reference[k].id}: the interned model and the reference disagree`;

  const invariants: Invariant<SystemTuple>[] = [
    { id: 'INV-CHAIN-STATE', check: (s) => mInfo[s[MG]].chainViolation },
    {
      id: 'INV-SYS-ACKED',
      check: (s) => {
        const acked = hAcked[s[HI]];
        if (acked === 0) return null;
        for (const t of mInfo[s[MG]].ackSlots) if (Math.max(0, tCommit[s[t]]) < acked) return why(1, s);
        return null;
      },
    },
    {
      id: 'INV-SYS-PREFIX',
      check: (s) => {
        const serving = mInfo[s[MG]].servingSlots;
        for (let i = 1; i < serving.length; i++) if (tUpd[s[serving[i]]] > tUpd[s[serving[i - 1]]]) return why(2, s);
        return null;
      },
    },
    {
      id: 'INV-SYS-CONVERGED',
      check: (s) => {
        if (!goal(s)) return null;
        let view: string | null = null;
        for (let i = 0; i < R; i++) {
          if (!((s[UP] >>> i) & 1)) continue;
          const v = tView[s[i]];
          if (view === null) view = v;
          else if (v !== view) return why(3, s);
        }
        return null;
      },
    },
    {
      id: 'INV-LIN',
      check: (s) => (allDone(s) && lin.illegal(s[HI]) ? why(4, s) : null),
    },
  ];
  if (invariants.some((inv, k) => inv.id !== reference[k].id)) throw new Error('system model: invariants out of step with the reference');


  return {
    name,
    initial: () => s0.slice(),
    actions(s) {
      const out: number[] = [];
      const next = hNext[s[HI]];
      for (let j = 0; j < C; j++) if (next[j] < opsPerClient && cOps[s[R + j]] === 0) out.push(A_INVOKE | (j << 4));
      const n0 = s[NM];
      const m0i = NM + 1;
      // identical messages are interchangeable
      for (let i = m0i; i < m0i + n0; i++) if (!repeatsEarlierBy(s, m0i, i, mSame)) out.push(A_DELIVER | ((i - m0i) << 4));
      const s0i = m0i + n0;
      for (let i = s0i; i < s.length; i++) if (!repeatsEarlierBy(s, s0i, i, sSame)) out.push(A_DELIVER_SYNC | ((i - s0i) << 4));
      const info = mInfo[s[MG]];
      const bud = s[BUD];
      const upm = s[UP];
      const cutm = s[CUT];
      for (let t = 0; t < R; t++) {
        const isUp = ((upm >>> t) & 1) === 1;
        const isCut = ((cutm >>> t) & 1) === 1;
        const x = t << 4;
        if (isUp && (bud & 255) < cfg.failures) out.push(A_CRASH | x);
        if (!isUp) out.push(A_RESTART | x);
        if (isUp && !isCut && !info.offline[t] && bud >>> 16 < suspicionBudget) out.push(A_SUSPECT | x);
        if ((!isUp || isCut) && !info.offline[t]) out.push(A_DETECT | x);
        if (isUp && (isCut || info.offline[t] || info.nodeDown[t])) out.push(A_HEARTBEAT | x);
      }
      if (lists.reps[s[TOM]].length > 0) out.push(A_SYNC_DONE);
      if (s[TM] !== 0 && (quietT(s) || ((bud >>> 8) & 255) < cfg.earlyTimeouts)) for (const node of timerOrder) if ((s[TM] >>> node) & 1) out.push(A_TIMEOUT | (node << 4));
      return out;
    },
    ...tuplePacking('system model', applyInto, hasher, (buf, at, len) => buf.slice(at, at + len)),
    encode: (s) => encodeSystemState(concrete(s)),
    invariants,
    goal: liveness ? { id: 'LIVE-SYS-SERVING', test: goal } : undefined,
    describe: (before, a, after) => describeSystemStep(concrete(before), refAction(a), concrete(after)),
    summarize: (s) => versions(concrete(s)),
    // the same choices in the same order over whole systems: traces are replayed through it
    // (real request ids, not a representative's) and every violation is confirmed on it
    tracer: systemReferenceModel(cfg),
    stats: () => ({
      targets: tgt.size,
      clients: cli.size,
      managers: mgr.size,
      messages: msgs.size,
      syncMessages: syncs.size,
      histories: hParent.length,
      steps: outs.length,
      managerSteps,
      linShapes: shapes.size,
      linSearches: lin.searched,
    }),
  };
}
