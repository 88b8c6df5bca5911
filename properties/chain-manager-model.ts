/**
 * The chain manager as an explorer model (core/check/explorer.ts): one chain of 3 or 4
 * targets, each on its own node, driven by every input the manager takes, in every order.
 *
 * Actions: a target's node heartbeats a local state (uptodate | online | offline) at the
 * current chain version; time advances by half a lease (`tick`; a lease not renewed for two
 * ticks expires); SWIM reports a node down or up; the recovery protocol reports `syncDone`
 * for the syncing target; the manager crashes and restarts from what it persisted.
 *
 * The encoding drops what cannot change behaviour here (absolute time: leases are encoded
 * relative to now; chain / routing versions and the persist sequence: reports always carry
 * the current version), so the state space is finite and the search exhaustive. Version
 * rules are checked on every transition instead (INV-CHAIN-VERSION, INV-ROUTING-VERSION).
 *
 * Invariants (spec/chain.ts, proofs-notes/chain-manager.md): INV-CHAIN-SERVING (the
 * all-dead case keeps LASTSRV), INV-CHAIN-LASTSRV, INV-CHAIN-ONE-SYNCING,
 * INV-CHAIN-SYNCING-NEEDS-SERVING, INV-CHAIN-ORDER, INV-CHAIN-VERSION, INV-ROUTING-VERSION,
 * INV-CHAIN-STABLE (a round leaves nothing to do), INV-CHAIN-PERSISTED (the store holds
 * exactly the durable state). Liveness goal: every target SERVING is reachable from every
 * reachable state.
 */
import { isLeft } from 'fp-ts/Either';
import type { ExplorerModel, Invariant } from '../core/check/explorer';
import { InvariantViolation } from '../core/types';
import {
  ManagerConfig,
  ManagerEffect,
  ManagerState,
  applyPersist,
  chainOf,
  createManager,
  encodeManager,
  restoreManager,
  routingTable,
  snapshotOf,
  step,
} from '../core/chain/manager';
import { ChainManagerMutant, rebuildChain } from '../core/chain/transition';
import { ManagerInput, ManagerSnapshot, chainViolation, routingStepViolation } from '../spec/chain';
import { LocalState } from '../spec/routing';
import { chainId, nodeId, targetId } from '../spec/ids';

export interface ChainManagerModelOptions {
  /** Targets in the chain (3 or 4 keep the search small). */
  readonly targets: number;
  readonly mutant?: ChainManagerMutant;
  /** Include manager crash + restart actions (default true). */
  readonly restarts?: boolean;
  /** Include SWIM nodeDown / nodeUp actions (default true). */
  readonly membership?: boolean;
  /** Check the liveness goal (default: only when no mutant). */
  readonly liveness?: boolean;
  /** The manager's own INV-CHAIN-* assertions (default true); off, only the model's invariants see a bug. */
  readonly selfCheck?: boolean;
}

/** Named configurations (for `chainrep check --list-configs`), each exhaustive. */
export const CHAIN_MANAGER_CONFIGS: readonly { readonly name: string; readonly note: string; readonly options: ChainManagerModelOptions }[] = [
  { name: 'manager-3', note: '3 targets; reports, lease ticks, syncDone, SWIM down/up, manager restarts', options: { targets: 3 } },
  { name: 'manager-4', note: '4 targets; reports, lease ticks, syncDone, manager restarts (no SWIM events)', options: { targets: 4, membership: false } },
  { name: 'manager-4-full', note: '4 targets; every input including SWIM down/up (about 170k states)', options: { targets: 4 } },
];

export interface ModelState {
  readonly m: ManagerState;
  /** What the config store holds: every persist effect applied in order. */
  readonly stored: ManagerSnapshot;
}

export type ModelAction =
  | { readonly kind: 'report'; readonly target: number; readonly local: LocalState }
  | { readonly kind: 'tick' }
  | { readonly kind: 'nodeDown' | 'nodeUp'; readonly node: number }
  | { readonly kind: 'syncDone'; readonly target: number }
  | { readonly kind: 'restart' };

const LEASE_MS = 2;
const TICK_MS = 1;

export function chainManagerModel(opts: ChainManagerModelOptions): ExplorerModel<ModelState, ModelAction> {
  const config: ManagerConfig = { leaseMs: LEASE_MS, checkIntervalMs: TICK_MS, mutant: opts.mutant, checkInvariants: opts.selfCheck ?? true };
  const ids = Array.from({ length: opts.targets }, (_, i) => i + 1);
  const layout = [{ id: chainId(1), targets: ids.map((i) => ({ target: targetId(i), node: nodeId(i) })) }];
  const restarts = opts.restarts ?? true;
  const membership = opts.membership ?? true;

  const persistAll = (stored: ManagerSnapshot | undefined, effects: readonly ManagerEffect[]): ManagerSnapshot | undefined => {
    for (const e of effects) if (e.kind === 'persist') stored = applyPersist(stored, e);
    return stored;
  };

  const invariants: Invariant<ModelState>[] = [
    {
      id: 'INV-CHAIN-STATE',
      check: (s) => {
        const v = chainViolation(chainOf(s.m.chains[0]));
        return v ? `${v.invariant}: ${v.message}` : null;
      },
    },
    {
      id: 'INV-CHAIN-STABLE',
      check: (s) => (rebuildChain(s.m.chains[0].members, opts.mutant) === s.m.chains[0].members ? null : `a rebuild would still change ${show(s)}`),
    },
    {
      id: 'INV-CHAIN-PERSISTED',
      check: (s) => sameSnapshot(s.stored, snapshotOf(s.m)),
    },
  ];

  return {
    name: `chain-manager(${opts.targets} targets${opts.mutant ? `, mutant ${opts.mutant}` : ''})`,
    initial() {
      const r = createManager(config, layout, 0);
      if (isLeft(r)) throw new Error(r.left.message);
      const [m, effects] = r.right;
      return { m, stored: persistAll(undefined, effects)! };
    },
    actions(s) {
      const out: ModelAction[] = [];
      const down = new Set<number>(s.m.nodesDown);
      for (const mem of s.m.chains[0].members) {
        if (!down.has(mem.node)) for (const local of ['uptodate', 'online', 'offline'] as const) out.push({ kind: 'report', target: mem.target, local });
        if (mem.state === 'syncing' && mem.local !== 'offline') out.push({ kind: 'syncDone', target: mem.target });
      }
      out.push({ kind: 'tick' });
      if (membership) for (const i of ids) out.push(down.has(i) ? { kind: 'nodeUp', node: i } : { kind: 'nodeDown', node: i });
      if (restarts) out.push({ kind: 'restart' });
      return out;
    },
    apply(s, a) {
      if (a.kind === 'restart') {
        const r = restoreManager(config, s.stored, s.m.nowMs);
        if (isLeft(r)) throw new InvariantViolation('INV-CHAIN-RESTORE', r.left.message);
        const m = r.right[0];
        const v = routingStepViolation(routingTable(s.m), routingTable(m));
        if (v) throw new InvariantViolation(v.invariant, `on restart: ${v.message}`);
        return { m, stored: s.stored };
      }
      const [m, effects] = step(config, s.m, toInput(s.m, a));
      const v = routingStepViolation(routingTable(s.m), routingTable(m));
      if (v) throw new InvariantViolation(v.invariant, v.message);
      return { m, stored: persistAll(s.stored, effects)! };
    },
    encode: (s) => encodeManager(s.m, { versions: false }),
    invariants,
    goal: opts.liveness ?? !opts.mutant ? { id: 'LIVE-ALL-SERVING', test: (s) => s.m.chains[0].members.every((x) => x.state === 'serving') } : undefined,
    describe(before, a, after) {
      const what =
        a.kind === 'report' ? `t${a.target} reports ${a.local}` :
        a.kind === 'tick' ? `tick (now ${before.m.nowMs + TICK_MS})` :
        a.kind === 'syncDone' ? `syncDone t${a.target}` :
        a.kind === 'restart' ? 'manager restarts from the store' :
        `${a.kind} n${a.node}`;
      if (after === before) return what; // the step threw; the explorer appends the violation
      const c0 = before.m.chains[0];
      const c1 = after.m.chains[0];
      const change = c0 === c1 || c0.members === c1.members ? 'chain unchanged' : `chain v${c0.version} -> v${c1.version}`;
      return `${what.padEnd(34)} ${change.padEnd(18)} ${show(after)}  routing v${after.m.routingVersion}`;
    },
    summarize: (s) => show(s),
  };
}

function toInput(m: ManagerState, a: Exclude<ModelAction, { kind: 'restart' }>): ManagerInput {
  switch (a.kind) {
    case 'report':
      return { kind: 'heartbeat', node: nodeId(a.target), routingVersion: m.routingVersion, targets: [{ target: targetId(a.target), localState: a.local, chainVersion: m.chains[0].version }] };
    case 'tick':
      return { kind: 'tick', nowMs: m.nowMs + TICK_MS };
    case 'syncDone':
      return { kind: 'syncDone', target: targetId(a.target), chainVersion: m.chains[0].version };
    case 'nodeDown':
    case 'nodeUp':
      return { kind: a.kind, node: nodeId(a.node) };
  }
}

/** null when the store holds exactly the durable state, else what differs. */
function sameSnapshot(a: ManagerSnapshot, b: ManagerSnapshot): string | null {
  if (a.meta.routingVersion !== b.meta.routingVersion || a.meta.seq !== b.meta.seq)
    return `store meta v${a.meta.routingVersion}/seq ${a.meta.seq}, manager v${b.meta.routingVersion}/seq ${b.meta.seq}`;
  for (let i = 0; i < b.chains.length; i++) {
    const x = a.chains[i];
    const y = b.chains[i];
    const differs =
      x.id !== y.id || x.version !== y.version || x.members.length !== y.members.length ||
      x.members.some((m, j) => m.target !== y.members[j].target || m.node !== y.members[j].node || m.state !== y.members[j].state || m.local !== y.members[j].local);
    if (differs) return `stored chain ${x.id} v${x.version} differs from the manager's v${y.version}`;
  }
  return null;
}

/** `[t1 serving/uptodate, t2 offline/offline ...]` */
function show(s: ModelState): string {
  return `[${s.m.chains[0].members.map((x) => `t${x.target} ${x.state}/${x.local}`).join(', ')}]`;
}
