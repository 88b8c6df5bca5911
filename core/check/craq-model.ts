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
  ClusterEvent,
  ClusterState,
  HistoryOp,
  InFlight,
  addressKey,
  crash,
  createCluster,
  deliver,
  drop,
  duplicate,
  fireTimer,
  invoke,
  restart,
  timeoutNode,
} from '../craq/cluster';
import { DEFAULT_TARGET_CONFIG, TargetState } from '../craq/target';
import { ClientState, DEFAULT_CLIENT_CONFIG, OpResult, ReadPolicy } from '../craq/client';
import { CraqMutant } from '../craq/mutants';
import { describeMsg, describeReplica } from '../craq/describe';
import { hexOf, toLinHistory } from '../craq/history';
import { checkHistory } from './lin';
import { ExplorerModel, Invariant } from './explorer';
import { makeCache, replyStr, tagStr } from './encoding';
import { FreshIds, HeadRole, IntPairMap, Interner, ItemTable, TupleHasher } from './intern';
import { RetEvent as BaseRetEvent, historyTable } from './intern-history';
import {
  ComponentKind,
  LinByShape,
  StepMemo,
  clientsDone,
  completions,
  nodeLayout,
  placeholderHistory,
  repeatsEarlier,
  resultStr,
  soloCluster,
  timerMask,
  tuplePacking,
  upMask,
  withAt,
} from './intern-step';

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
    client: { ...DEFAULT_CLIENT_CONFIG, mutant: cfg.mutant, readPolicy: cfg.readPolicy, channels: cfg.channels, opDeadlineMs: Number.MAX_SAFE_INTEGER, requestTimeoutMs: 1, retryBackoffMinMs: 1, retryBackoffMaxMs: 1, notCommitRetryMs: 1 },
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

/** One history entry as the canonical encoding writes it. */
function histEntryStr(h: HistoryOp): string {
  return `${h.client}:${h.op.kind}:${h.call}:${h.ret ?? '-'}:${h.result ? resultStr(h.result) : ''}`;
}

function assembleEncoding(targets: readonly string[], up: string, clients: readonly string[], msgs: readonly string[], timers: readonly string[], hist: string, next: readonly number[], budgets: string): string {
  return canonicalIds([targets.join(' # '), up, clients.join(' # '), msgs.join(' ; '), timers.join(','), hist, next.join(','), budgets].join('\n'));
}

export function encodeCraqState(s: CraqModelState): string {
  const c = s.c;
  return assembleEncoding(
    c.targets.map(encodeTarget),
    c.up.map(Number).join(''),
    c.clients.map((x, i) => encodeClient(x, i, c.targets.length)),
    c.inflight.map(encodeMsg).sort(),
    [...new Set(c.timers.map((t) => addressKey(t.node)))].sort(),
    c.history.map(histEntryStr).join(','),
    s.next,
    `${s.crashes}.${s.drops}.${s.dups}.${s.timeouts}`,
  );
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

// ---------------------------------------------------------------- invariants (shared by both models)

/** INV-CRAQ-8 on a history and a ledger of committed versions. */
function lostAckedWrite(history: readonly HistoryOp[], ledger: ReadonlyMap<string, string>): string | null {
  for (const h of history) {
    if (h.op.kind !== 'write' || !h.result?.ok || h.result.kind !== 'write') continue;
    const v = h.result.commitVer;
    const held = ledger.get(`${v}`);
    const wrote = hexOf(h.op.data);
    if (held !== wrote) return `c${h.client}'s write ${wrote} was acknowledged at v${v}, but v${v} holds ${held ?? 'nothing committed'}`;
  }
  return null;
}

/** INV-CRAQ-4 once everything is quiet and complete. */
function replicasDiffer(targets: readonly TargetState[]): string | null {
  const views = targets.map((t) => describeReplica(t.durable.chunks.get(X)));
  const distinct = new Set(views);
  if (distinct.size > 1 || views.some((v) => v.includes('pending'))) return `nothing pending, yet replicas differ: ${views.map((v, i) => `t${i + 1}: ${v}`).join('; ')}`;
  return null;
}

/** INV-CRAQ-7 at a terminal state with no armed timer and every target up. */
function stuckAtEnd(clients: readonly ClientState[], targets: readonly TargetState[]): string | null {
  const stuck = clients.flatMap((c, i) => [...c.ops.values()].map((o) => `c${i} ${o.op.kind} (op ${o.id})`));
  const dirty = targets.flatMap((t, i) => (t.durable.dirty.length > 0 ? [`t${i + 1} dirty`] : []));
  if (stuck.length === 0 && dirty.length === 0) return null;
  return `stuck: nothing left to happen, yet ${[...stuck, ...dirty].join(', ')}`;
}

/** INV-LIN on a history. */
function notLinearizable(history: readonly HistoryOp[]): string | null {
  const r = checkHistory(toLinHistory(history), { model: 'register', stepBudget: 5_000_000 });
  if (r.result !== 'illegal') return null;
  return `history not linearizable:\n${r.minimal.map((o) => `      client ${o.client} ${o.op} ${o.op === 'write' ? o.value : o.op === 'read' ? `-> ${o.output}` : ''} [${o.call}, ${o.return ?? '…'}]`).join('\n')}`;
}

/**
 * Checks across one step of target `i` (thrown as InvariantViolation so the explorer prints
 * the step): INV-CRAQ-2 (`first`), the version the step committed for the INV-CRAQ-3 ledger
 * (`commit`), INV-CRAQ-5 (`last`), in the order they are checked.
 */
function targetStepChecks(i: number, b: TargetState, a: TargetState): { first: InvariantViolation | null; commit: { ver: number; hex: string } | null; last: InvariantViolation | null } {
  const ra = a.durable.chunks.get(X);
  const rb = b.durable.chunks.get(X);
  const first = ra && rb && ra.commitVer < rb.commitVer ? new InvariantViolation('INV-CRAQ-2', `t${i + 1}: committed version went from ${rb.commitVer} to ${ra.commitVer}`) : null;
  const commit = ra && ra.commitVer > 0 && ra !== rb ? { ver: ra.commitVer, hex: hexOf(ra.data) } : null;
  const va = a.volatile.routing?.get(CHAIN)?.version ?? 0;
  const vb = b.volatile.routing?.get(CHAIN)?.version ?? 0;
  const last = a.volatile.routing !== null && va < vb ? new InvariantViolation('INV-CRAQ-5', `t${i + 1}: chain version went from ${vb} to ${va}`) : null;
  return { first, commit, last };
}

const ledgerConflict = (i: number, ver: number, hex: string, known: string) =>
  new InvariantViolation('INV-CRAQ-3', `t${i + 1} committed v${ver} = ${hex}, but another replica committed v${ver} = ${known}`);

// ---------------------------------------------------------------- the reference model

function quiescentComplete(cfg: CraqCheckConfig, s: CraqModelState): boolean {
  const c = s.c;
  return c.inflight.length === 0 && c.up.every((u) => u) && c.clients.every((x) => x.ops.size === 0) && s.next.every((n) => n >= cfg.writes + cfg.reads);
}

export function craqInvariants(cfg: CraqCheckConfig): Invariant<CraqModelState>[] {
  return [
    // no acknowledged write is lost: the version a write was acknowledged with holds its bytes
    { id: 'INV-CRAQ-8', check: (s) => lostAckedWrite(s.c.history, s.ledger) },
    // INV-CRAQ-1 is asserted inside the target's step; here the cluster-wide ones
    { id: 'INV-CRAQ-4', check: (s) => (quiescentComplete(cfg, s) ? replicasDiffer(s.c.targets) : null) },
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
        return stuckAtEnd(s.c.clients, s.c.targets);
      },
    },
    { id: 'INV-LIN', check: (s) => notLinearizable(s.c.history) },
  ];
}

/** Checks across one transition (thrown as InvariantViolation so the explorer prints the step). */
function checkTransition(before: CraqModelState, after: ClusterState, ledger: Map<string, string> | null): Map<string, string> | null {
  for (let i = 0; i < after.targets.length; i++) {
    const a = after.targets[i];
    const b = before.c.targets[i];
    if (a === b) continue;
    const { first, commit, last } = targetStepChecks(i, b, a);
    if (first) throw first;
    if (commit) {
      const key = `${commit.ver}`;
      const known = (ledger ?? before.ledger).get(key);
      if (known === undefined) {
        ledger = ledger ?? new Map(before.ledger);
        ledger.set(key, commit.hex);
      } else if (known !== commit.hex) throw ledgerConflict(i, commit.ver, commit.hex, known);
    }
    if (last) throw last;
  }
  return ledger;
}

/**
 * The reference model: every state is a whole `ClusterState` (plus the model's counters),
 * every successor a whole-cluster step, every fingerprint a hash of `encodeCraqState`. Slow
 * but direct; `craqModel` (the interned model, below) must agree with it state for state
 * (test/core/check/craq-interned.test.ts).
 */
export function craqReferenceModel(cfg: CraqCheckConfig): ExplorerModel<CraqModelState, CraqAction> {
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
      return summaryOf(s.c.targets, (i) => s.c.up[i]);
    },
  };
}

// ---------------------------------------------------------------- trace lines (shared by both models)

const at = (ad: Address) => (ad.kind === 'target' ? `t${ad.id}` : `c${ad.id}`);

function versionsOf(targets: readonly TargetState[]): string {
  return targets.map((t, i) => `t${i + 1}:${describeReplica(t.durable.chunks.get(X)).replace('commit ', 'c').replace('pending ', 'p')}`).join(' ');
}

function summaryOf(targets: readonly TargetState[], up: (i: number) => boolean): string {
  return targets.map((t, i) => `t${i + 1}${up(i) ? '' : '(down)'} ${describeReplica(t.durable.chunks.get(X))}`).join(' | ');
}

function invokeLine(cfg: CraqCheckConfig, client: number, k: number, target: number | undefined): string {
  const op = plannedOp(cfg, client, k, target);
  return `c${client} invokes ${op.kind}${op.kind === 'write' ? ' ' + hexOf(op.data) : ` at t${target}`}`;
}

function messageLine(kind: 'deliver' | 'drop' | 'dup', m: InFlight): string {
  const verb = kind === 'deliver' ? 'delivers' : kind === 'drop' ? 'DROPS' : 'DUPLICATES';
  return `${verb} ${at(m.from)}->${at(m.to)} ${describeMsg(m.msg)}`;
}

const stepLine = (what: string, after: readonly TargetState[]) => `${what.padEnd(70)} => ${versionsOf(after)}`;

export function describeCraqStep(cfg: CraqCheckConfig, before: CraqModelState, a: CraqAction, after: CraqModelState): string {
  let what: string;
  switch (a.k) {
    case 'invoke':
      what = invokeLine(cfg, a.client, before.next[a.client], a.target);
      break;
    case 'deliver':
    case 'drop':
    case 'dup':
      what = messageLine(a.k, before.c.inflight[a.i]);
      break;
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
  return stepLine(what, after.c.targets);
}

// ---------------------------------------------------------------- the interned model

/**
 * A state of the interned model: a tuple of small ints. With R replicas and C clients:
 * [0, R) target state ids, [R, R+C) client state ids, then the up bitmask, the armed-timer
 * bitmask (bit i: target slot i; bit R+j: client j), the history id, the fault budgets spent
 * (crashes | drops << 8 | dups << 16 | timeouts << 24), the ledger id (payload: not part of
 * the state's identity, exactly as the reference model leaves the ledger out of its
 * encoding), and from there to the end the in-flight message ids in send order (a multiset:
 * the fingerprint ignores their order).
 */
export type CraqTuple = ArrayLike<number>;

// inputs of a memoised component step: (code & 7) is the kind, code >>> 3 the argument
const K_DELIVER_DOWN = 0; // a message to a target that is down (lost)
const K_DELIVER = 1;
const K_TICK = 2;
const K_CRASH = 3;
const K_RESTART = 4;
const K_INVOKE = 5;
// actions: (a & 7) is the kind, a >>> 3 the argument
const A_INVOKE = 0; // argument: client | target << 8 (target 0: a write)
const A_DELIVER = 1; // argument: index among the in-flight messages
const A_DROP = 2;
const A_DUP = 3;
const A_CRASH = 4; // argument: target slot
const A_RESTART = 5;
const A_TIMEOUT = 6; // argument: node (target slot, or R + client)

const DROP_UNIT = 1 << 8;
const DUP_UNIT = 1 << 16;
const TIMEOUT_UNIT = 1 << 24;

/** What one memoised component step did. */
interface StepOut {
  readonly comp: number;
  /** Messages sent, in order. */
  readonly emit: readonly number[];
  /** A timer is armed at the node after the step (setArm) or the step armed one (otherwise). */
  readonly arm: boolean;
  readonly setArm: boolean;
  /** History events (operation returns), in order. */
  readonly rets: readonly number[];
  /** The version a target step committed, for the ledger (INV-CRAQ-3); -1 for none. */
  readonly commit: number;
  /** A machine assertion or INV-CRAQ-2 (thrown before the ledger check), and INV-CRAQ-5 (after). */
  readonly first: InvariantViolation | null;
  readonly last: InvariantViolation | null;
}

/**
 * A return event (core/check/intern-history.ts), with per planned operation k of the client:
 * the acknowledged (version, bytes) if op k is a write this result acknowledges, else -1
 * (filled lazily). Linearizability shapes (LinShape) are what a history's verdict depends on
 * (core/check/lin-memo.ts).
 */
interface RetEvent extends BaseRetEvent {
  readonly acks: number[];
}

/**
 * The CRAQ cluster as an explorer model over interned states (proofs-notes/explorer.md,
 * "Interned states"). Every distinct target state, client state, message, history and ledger
 * is interned once (by the same canonical encodings the reference model uses); a state is a
 * `CraqTuple`. A component step, e.g. (target state 17, message 5) -> (target state 23,
 * messages sent [8, 9], timer armed), runs the real machine once, through cluster.ts's own
 * `deliver` / `invoke` / `timeoutNode` / `crash` / `restart` on a cluster holding just that
 * component, and is memoised; every later occurrence of the pair is a table lookup. The
 * machines are deterministic and pure, so the memo is exact. Fingerprints hash the int tuple
 * (core/check/intern.ts TupleHasher): the same identification as the reference model's
 * string encoding, up to its message order quirk (see the note).
 */
/** How much the interned model holds: distinct components and memoised steps (bench and tests). */
export interface CraqInternStats {
  readonly targets: number;
  readonly clients: number;
  readonly messages: number;
  readonly histories: number;
  /** Memoised component steps (each ran the real machine once). */
  readonly steps: number;
  /** Distinct linearizability shapes, and searches the checker actually ran. */
  readonly linShapes: number;
  readonly linSearches: number;
}

export function craqModel(cfg: CraqCheckConfig): ExplorerModel<CraqTuple, number> & { stats(): CraqInternStats } {
  const ccfg = clusterConfigFor(cfg);
  const R = cfg.replicas;
  const C = cfg.clients;
  const opsPerClient = cfg.writes + cfg.reads;
  if (R + C > 30) throw new Error('craq model: at most 30 targets and clients');
  if ([cfg.crashes, cfg.drops, cfg.dups, cfg.timeouts].some((b) => b > 127)) throw new Error('craq model: fault budgets above 127');
  if (opsPerClient * C > 1000 || R > 30) throw new Error('craq model: too many operations');
  const UP = R + C;
  const TM = UP + 1;
  const HI = UP + 2;
  const BUD = UP + 3;
  const LED = UP + 4;
  const MSG = UP + 5;
  const ALL_UP = (1 << R) - 1;

  const fresh = new FreshIds(ID_TOKEN);
  const tgt = new ItemTable<TargetState>(fresh);
  const tSlot: number[] = [];
  const tClock: number[] = [];
  const tEnc: string[] = [];
  const tDirty: boolean[] = [];
  const cli = new ItemTable<ClientState>(fresh);
  const cSlot: number[] = [];
  const cClock: number[] = [];
  const cEnc: string[] = [];
  const cOps: number[] = [];
  const msgs = new ItemTable<InFlight>(fresh);
  const mTo: number[] = [];
  const ledgers = new Interner<ReadonlyMap<string, string>>();
  const ackeds = new Interner<readonly { readonly ver: number; readonly hex: string }[]>();
  const ackMemo = new IntPairMap(1 << 6);
  const resultIds = new Interner<string>();
  const commits = new Interner<{ readonly ver: number; readonly hex: string }>();
  const tMemo = new IntPairMap(1 << 12);
  const cMemo = new IntPairMap(1 << 12);
  const lMemo = new IntPairMap(1 << 8);
  const conflicts: string[] = [];
  const inv8: (boolean | undefined)[][] = [];
  if (C * opsPerClient > 30) throw new Error('craq model: at most 30 planned operations in all');

  const hasher = new TupleHasher([...Array<HeadRole>(R).fill(tgt), ...Array<HeadRole>(C).fill(cli), 'plain', 'plain', 'plain', 'plain', 'skip'], [msgs]);

  const base = createCluster(ccfg);
  const { nodeAddr, nodeOf, timerOrder } = nodeLayout(ccfg);

  // A component is interned by its canonical encoding plus its fresh-id counters (request /
  // query ids, restart epoch), which the encoding leaves out: the representative must issue
  // the ids the real machine would (a reused id could match a stale message in flight).
  // Fingerprints see the encoding only, as the reference model does.
  const internTarget = (slot: number, t: TargetState, clock: number): number => {
    const enc = encodeTarget(t);
    const n = tgt.size;
    const id = tgt.intern(`${slot}|${enc}|${t.durable.epoch}.${t.volatile.nextQid}`, t, `${slot}|${enc}`);
    if (id === n) {
      tSlot.push(slot);
      tClock.push(clock);
      tEnc.push(enc);
      tDirty.push(t.durable.dirty.length > 0);
    }
    return id;
  };
  const internClient = (slot: number, c: ClientState, clock: number): number => {
    const enc = encodeClient(c, slot, R);
    const n = cli.size;
    const id = cli.intern(`${slot}|${enc}|${c.nextReqId}`, c, `${slot}|${enc}`);
    if (id === n) {
      cSlot.push(slot);
      cClock.push(clock);
      cEnc.push(enc);
      cOps.push(c.ops.size);
    }
    return id;
  };
  const internMsg = (m: InFlight): number => {
    const n = msgs.size;
    const id = msgs.intern(encodeMsg(m), m);
    if (id === n) mTo.push(nodeOf(m.to));
    return id;
  };
  // ------------------------------------------------------------ histories (core/check/intern-history.ts)
  const ackedWith = (acked: number, commit: number): number => {
    let k = ackMemo.get(acked, commit);
    if (k < 0) {
      const list = [...ackeds.reps[acked], commits.reps[commit]].sort((x, y) => x.ver - y.ver || (x.hex < y.hex ? -1 : x.hex > y.hex ? 1 : 0));
      k = ackeds.intern(list.map((x) => `${x.ver}=${x.hex}`).join(','), list);
      ackMemo.set(acked, commit, k);
    }
    return k;
  };
  const plannedData = (client: number, k: number): Uint8Array => {
    const op = plannedOp(cfg, client, k);
    if (op.kind !== 'write') throw new Error('craq model: not a write');
    return op.data;
  };
  if (base.history.length > 0 || base.clock !== 0) throw new Error('craq model: a fresh cluster has an empty history');
  const histories = historyTable<RetEvent>({
    clients: C,
    opsPerClient,
    plannedOp: (client, k) => plannedOp(cfg, client, k),
    initialAcked: ackeds.intern('', []),
    initialOps: base.history,
    // the acknowledged (version, bytes) of a write result, cached on the event per planned operation
    ackedAfter: (acked, e, p) => {
      const kk = p % opsPerClient;
      let ack = e.acks[kk];
      if (ack === undefined) {
        const r = e.result;
        const hex = kk < cfg.writes && r.ok && r.kind === 'write' ? hexOf(plannedData(e.client, kk)) : undefined;
        ack = e.acks[kk] = hex !== undefined && r.ok && r.kind === 'write' ? commits.intern(`${r.commitVer}=${hex}`, { ver: r.commitVer, hex }) : -1;
      }
      return ack >= 0 ? ackedWith(acked, ack) : acked;
    },
  });
  // hAcked: the acknowledged writes, as an interned sorted (version, bytes) list: all INV-CRAQ-8 reads
  const { events, shapes, callEvents, hParent, hNext, hLen, hAcked, histStep, opsOf } = histories;
  const lin = new LinByShape(histories);

  // ------------------------------------------------------------ memoised component steps (core/check/intern-step.ts)
  if (base.syncInflight.length > 0 || base.toManager.length > 0) throw new Error('craq model: a fresh cluster is quiet');
  // a step that hit a machine's own assertion leaves the component as it was
  const steps = new StepMemo<StepOut>((comp, e) => ({ comp, emit: [], arm: false, setArm: false, rets: [], commit: -1, first: e, last: null }));
  const newRet = (client: number, opId: number, result: OpResult, resultId: number): RetEvent => ({ kind: 'ret', client, opId, result, resultId, acks: [] });

  /** Read off what a component step did from the one-component cluster after it. */
  const outOf = (node: number, c: ClusterState, clusterEvents: readonly ClusterEvent[], comp: number, setArm: boolean, checks: ReturnType<typeof targetStepChecks> | null): StepOut => {
    if (c.syncInflight.length > 0 || c.toManager.length > 0) throw new Error('craq model: recovery sync is not part of this model (static chain)');
    const rets = completions(clusterEvents, node - R, events, resultIds, newRet);
    const cm = checks?.commit;
    return {
      comp,
      emit: c.inflight.map(internMsg),
      arm: c.timers.some((t) => nodeOf(t.node) === node),
      setArm,
      rets,
      commit: cm ? commits.intern(`${cm.ver}=${cm.hex}`, cm) : -1,
      first: checks?.first ?? null,
      last: checks?.last ?? null,
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
      const kind = code & 7;
      switch (kind) {
        case K_DELIVER_DOWN:
        case K_DELIVER:
          up[slot] = kind === K_DELIVER;
          return deliver(ccfg, soloCluster(base, clock, { targets, up, inflight: [msgs.reps[code >>> 3]] }), 0);
        case K_TICK:
          return timeoutNode(ccfg, soloCluster(base, clock, { targets, up, timers: [{ node, atMs: clock }] }), node, FAR_MS);
        case K_CRASH:
          return crash(ccfg, soloCluster(base, clock, { targets, up }), slot);
        case K_RESTART:
          up[slot] = false;
          return restart(ccfg, soloCluster(base, clock, { targets, up }), slot);
        default:
          throw new Error(`craq model: bad target input ${code}`);
      }
    },
    intern: internTarget,
    out: (slot, c, evs, next, code, rep, after) => outOf(slot, c, evs, next, (code & 7) === K_TICK || (code & 7) === K_CRASH, after === rep ? null : targetStepChecks(slot, rep, after)),
  };
  const targetStep = (comp: number, code: number): StepOut => steps.step(targetKind, tMemo, comp, code);

  const clientKind: ComponentKind<ClientState, StepOut> = {
    role: 'clients',
    reps: cli.reps,
    slot: cSlot,
    clock: cClock,
    run(slot, rep, clock, code) {
      const node = nodeAddr[R + slot];
      const clients = withAt(base.clients, slot, rep);
      switch (code & 7) {
        case K_DELIVER:
          return deliver(ccfg, soloCluster(base, clock, { clients, inflight: [msgs.reps[code >>> 3]] }), 0);
        case K_TICK:
          return timeoutNode(ccfg, soloCluster(base, clock, { clients, timers: [{ node, atMs: clock }] }), node, FAR_MS);
        case K_INVOKE: {
          const x = code >>> 3;
          const target = x & 31;
          const kk = (x >>> 5) & 63;
          const opId = x >>> 11;
          const history = placeholderHistory(opId, plannedOp(cfg, 0, 0));
          return invoke(ccfg, soloCluster(base, clock, { clients, history }), slot, plannedOp(cfg, slot, kk, target || undefined));
        }
        default:
          throw new Error(`craq model: bad client input ${code}`);
      }
    },
    intern: internClient,
    out: (slot, c, evs, next, code) => outOf(R + slot, c, evs, next, (code & 7) === K_TICK, null),
  };
  const clientStepOf = (comp: number, code: number): StepOut => steps.step(clientKind, cMemo, comp, code);

  /** The ledger after target `slot` committed `commit` (INV-CRAQ-3 when another replica committed other bytes at that version). */
  const ledgerStep = (lid: number, commit: number, slot: number): number => {
    let k = lMemo.get(lid, commit);
    if (k === -1) {
      const l = ledgers.reps[lid];
      const { ver, hex } = commits.reps[commit];
      const known = l.get(`${ver}`);
      if (known === undefined) {
        const m = new Map(l);
        m.set(`${ver}`, hex);
        k = ledgers.intern([...m].map(([v, x]) => `${v}=${x}`).sort().join(','), m);
      } else if (known === hex) k = lid;
      else {
        k = -2 - conflicts.length;
        conflicts.push(known);
      }
      lMemo.set(lid, commit, k);
    }
    if (k < -1) {
      const { ver, hex } = commits.reps[commit];
      throw ledgerConflict(slot, ver, hex, conflicts[-2 - k]);
    }
    return k;
  };

  const c0 = base;
  const s0: number[] = [
    ...c0.targets.map((t, i) => internTarget(i, t, c0.nowMs)),
    ...c0.clients.map((c, j) => internClient(j, c, c0.nowMs)),
    upMask(c0.up),
    timerMask(c0, nodeOf),
    0, // the empty history (historyTable's id 0)
    0,
    ledgers.intern('', new Map()),
    ...c0.inflight.map(internMsg),
  ];

  const targetsOf = (s: CraqTuple): TargetState[] => {
    const out: TargetState[] = [];
    for (let i = 0; i < R; i++) out.push(tgt.reps[s[i]]);
    return out;
  };
  const clientsOf = (s: CraqTuple): ClientState[] => {
    const out: ClientState[] = [];
    for (let j = 0; j < C; j++) out.push(cli.reps[s[R + j]]);
    return out;
  };
  const tView: string[] = [];
  const viewOf = (t: number): string => (tView[t] ??= describeReplica(tgt.reps[t].durable.chunks.get(X)));
  const allDone = (s: CraqTuple): boolean => clientsDone(hNext[s[HI]], opsPerClient, s, R, C, cOps);

  const invariants: Invariant<CraqTuple>[] = [
    {
      id: 'INV-CRAQ-8',
      check: (s) => {
        // the verdict depends only on the acknowledged (version, bytes) pairs and the ledger
        const acked = hAcked[s[HI]];
        const byLedger = (inv8[acked] ??= []);
        let lost = byLedger[s[LED]];
        if (lost === undefined) {
          const l = ledgers.reps[s[LED]];
          lost = byLedger[s[LED]] = ackeds.reps[acked].some((x) => l.get(`${x.ver}`) !== x.hex);
        }
        return lost ? lostAckedWrite(opsOf(s[HI]), ledgers.reps[s[LED]]) : null;
      },
    },
    {
      id: 'INV-CRAQ-4',
      check: (s) => {
        if (s.length !== MSG || s[UP] !== ALL_UP || !allDone(s)) return null;
        // the verdict depends on the replicas' views only: compare the cached views first
        const v0 = viewOf(s[0]);
        let same = !v0.includes('pending');
        for (let i = 1; i < R && same; i++) same = viewOf(s[i]) === v0;
        return same ? null : replicasDiffer(targetsOf(s));
      },
    },
  ];
  const terminalInvariants: Invariant<CraqTuple>[] = [
    { id: 'INV-CRAQ-7', check: (s) => (s[TM] !== 0 || s[UP] !== ALL_UP ? null : stuckAtEnd(clientsOf(s), targetsOf(s))) },
    {
      id: 'INV-LIN',
      check: (s) => (lin.illegal(s[HI]) ? notLinearizable(opsOf(s[HI])) : null),
    },
  ];

  /** The successor's ints, written to `out` from 0; returns its length. */
  const applyInto = (s: CraqTuple, a: number, out: Int32Array): number => {
    const arg = a >>> 3;
    const L = s.length;
    if (L + 64 > out.length) throw new Error('craq model: state too large for the buffer');
    for (let i = 0; i < L; i++) out[i] = s[i];
    let len = L;
    let o: StepOut;
    let node: number;
    let hist = s[HI];
    switch (a & 7) {
      case A_INVOKE: {
        const j = arg & 255;
        const t = arg >>> 8;
        const k = hNext[hist][j];
        node = R + j;
        o = clientStepOf(s[node], (((((hLen[hist] << 6) | k) << 5) | t) << 3) | K_INVOKE);
        hist = histStep(hist, callEvents[j]);
        break;
      }
      case A_DELIVER: {
        const m = s[MSG + arg];
        node = mTo[m];
        o = node < R ? targetStep(s[node], (m << 3) | ((s[UP] >>> node) & 1 ? K_DELIVER : K_DELIVER_DOWN)) : clientStepOf(s[node], (m << 3) | K_DELIVER);
        out.copyWithin(MSG + arg, MSG + arg + 1, len--);
        break;
      }
      case A_DROP:
        out.copyWithin(MSG + arg, MSG + arg + 1, len--);
        out[BUD] += DROP_UNIT;
        return len;
      case A_DUP:
        out[len++] = s[MSG + arg];
        out[BUD] += DUP_UNIT;
        return len;
      case A_CRASH:
        node = arg;
        o = targetStep(s[node], K_CRASH);
        out[UP] &= ~(1 << node);
        out[BUD] += 1;
        break;
      case A_RESTART:
        node = arg;
        o = targetStep(s[node], K_RESTART);
        out[UP] |= 1 << node;
        break;
      case A_TIMEOUT:
        node = arg;
        o = node < R ? targetStep(s[node], K_TICK) : clientStepOf(s[node], K_TICK);
        out[BUD] += TIMEOUT_UNIT;
        break;
      default:
        throw new Error(`craq model: bad action ${a}`);
    }
    if (o.first) throw o.first;
    out[node] = o.comp;
    const bit = 1 << node;
    if (o.arm) out[TM] |= bit;
    else if (o.setArm) out[TM] &= ~bit;
    for (let i = 0; i < o.rets.length; i++) hist = histStep(hist, o.rets[i]);
    out[HI] = hist;
    if (o.commit >= 0) out[LED] = ledgerStep(s[LED], o.commit, node);
    if (o.last) throw o.last;
    for (let i = 0; i < o.emit.length; i++) out[len++] = o.emit[i];
    return len;
  };

  return {
    name: 'craq',
    initial: () => s0.slice(),
    actions(s) {
      const out: number[] = [];
      const next = hNext[s[HI]];
      for (let j = 0; j < C; j++) {
        if (next[j] >= opsPerClient || (!cfg.pipelined && cOps[s[R + j]] > 0)) continue;
        if (next[j] < cfg.writes) out.push(A_INVOKE | (j << 3));
        else for (let t = 1; t <= R; t++) out.push(A_INVOKE | ((j | (t << 8)) << 3)); // reads may go to any replica
      }
      const bud = s[BUD];
      const canDrop = ((bud >>> 8) & 255) < cfg.drops;
      const canDup = ((bud >>> 16) & 255) < cfg.dups;
      for (let i = MSG; i < s.length; i++) {
        if (repeatsEarlier(s, MSG, i)) continue; // identical messages are interchangeable
        const x = (i - MSG) << 3;
        out.push(A_DELIVER | x);
        if (canDrop) out.push(A_DROP | x);
        if (canDup) out.push(A_DUP | x);
      }
      const up = s[UP];
      const canCrash = (bud & 255) < cfg.crashes;
      for (let t = 0; t < R; t++) {
        if ((up >>> t) & 1) {
          if (canCrash) out.push(A_CRASH | (t << 3));
        } else out.push(A_RESTART | (t << 3));
      }
      if (bud >>> 24 < cfg.timeouts && s[TM] !== 0) for (const node of timerOrder) if ((s[TM] >>> node) & 1) out.push(A_TIMEOUT | (node << 3));
      return out;
    },
    ...tuplePacking('craq model', applyInto, hasher),
    encode(s) {
      const timers: string[] = [];
      for (let i = 0; i < UP; i++) if ((s[TM] >>> i) & 1) timers.push(addressKey(nodeAddr[i]));
      let up = '';
      for (let i = 0; i < R; i++) up += (s[UP] >>> i) & 1;
      const targets: string[] = [];
      for (let i = 0; i < R; i++) targets.push(tEnc[s[i]]);
      const clients: string[] = [];
      for (let j = 0; j < C; j++) clients.push(cEnc[s[R + j]]);
      const inflight: string[] = [];
      for (let i = MSG; i < s.length; i++) inflight.push(msgs.keys[s[i]]);
      const b = s[BUD];
      return assembleEncoding(targets, up, clients, inflight.sort(), timers.sort(), opsOf(s[HI]).map(histEntryStr).join(','), hNext[s[HI]], `${b & 255}.${(b >>> 8) & 255}.${(b >>> 16) & 255}.${b >>> 24}`);
    },
    goal: cfg.liveness
      ? {
          id: 'LIVE-CRAQ',
          test: (s) => {
            if (!allDone(s)) return false;
            for (let i = 0; i < R; i++) if (tDirty[s[i]]) return false;
            return true;
          },
        }
      : undefined,
    invariants,
    terminalInvariants,
    describe(before, a, after) {
      const arg = a >>> 3;
      let what: string;
      switch (a & 7) {
        case A_INVOKE:
          what = invokeLine(cfg, arg & 255, hNext[before[HI]][arg & 255], arg >>> 8 || undefined);
          break;
        case A_DELIVER:
        case A_DROP:
        case A_DUP:
          what = messageLine((a & 7) === A_DELIVER ? 'deliver' : (a & 7) === A_DROP ? 'drop' : 'dup', msgs.reps[before[MSG + arg]]);
          break;
        case A_CRASH:
          what = `CRASH t${arg + 1}`;
          break;
        case A_RESTART:
          what = `RESTART t${arg + 1}`;
          break;
        default:
          what = `timeout at ${at(nodeAddr[arg])}`;
      }
      return stepLine(what, targetsOf(after));
    },
    summarize(s) {
      return summaryOf(targetsOf(s), (i) => ((s[UP] >>> i) & 1) === 1);
    },
    // the same choices in the same order over whole clusters: traces are replayed through it
    // (real request ids, not a representative's) and every violation is confirmed on it
    tracer: craqReferenceModel(cfg),
    stats: () => ({
      targets: tgt.size,
      clients: cli.size,
      messages: msgs.size,
      histories: hParent.length,
      steps: steps.outs.length,
      linShapes: shapes.size,
      linSearches: lin.searched,
    }),
  };
}
