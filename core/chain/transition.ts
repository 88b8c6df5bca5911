/**
 * The hot-path transition table and the chain rebuild (ANCHORS.md "Transition", "Rules").
 *
 * `nextPublic` is the hand-written reducer for one target; spec/chain-chart.ts is its
 * readable specification and properties/chain-chart.test.ts checks they agree exhaustively.
 *
 * `rebuildChain` applies the table to a whole chain. The table's "predecessor" is the
 * target ahead in the REBUILT chain (3FS: "it was the last serving" means no target stays
 * SERVING ahead of it; "the predecessor is serving" means it would be the first target
 * after the SERVING ones). The rebuilt chain is found by placing targets class by class in
 * CHAIN_ORDER (SERVING, LASTSRV, SYNCING, WAITING, OFFLINE), each class scanned in the old
 * chain order, a target being placed in a class when the table, given the target placed
 * last so far as its predecessor, sends it there. Every target's new state therefore equals
 * the table applied with its real predecessor in the new chain. One manager round applies
 * this until nothing changes (at most 3 placements: OFFLINE + online goes to WAITING, then
 * to SYNCING behind a SERVING target), which gives exactly what 3FS's
 * `generateNewChain` (src/mgmtd/service/updateChain.cc) computes in one grouped pass;
 * properties/chain-transition.test.ts checks that against a transcription of it.
 *
 * Pure. Mutants are small deviations guarded by `mutant`, found by the model check.
 */
import { InvariantViolation } from '../types';
import { LocalState, PublicState } from '../../spec/routing';
import { CHAIN_ORDER } from '../../spec/chain';
import type { Pred } from '../../spec/chain-chart';

/** Planted manager bugs (each found by properties/chain-manager.test.ts). */
export const CHAIN_MANAGER_MUTANTS = {
  failedNotMovedToEnd: 'a target that goes offline keeps its place in the chain instead of moving to the end',
  versionNotBumped: 'a chain that changes keeps its chain version (the routing version still moves)',
  twoSyncing: 'a second online target starts syncing behind a syncing one (two SYNCING targets)',
  lastsrvNotKept: 'a LASTSRV target whose local state is offline is demoted to OFFLINE (the chain loses its last copy)',
} as const;
export type ChainManagerMutant = keyof typeof CHAIN_MANAGER_MUTANTS;
export const CHAIN_MANAGER_MUTANT_NAMES = Object.keys(CHAIN_MANAGER_MUTANTS) as ChainManagerMutant[];

/**
 * The table (3FS docs/design_notes.md): next public state from the local state, the
 * current public state and the predecessor's public state in the rebuilt chain.
 */
export function nextPublic(local: LocalState, pub: PublicState, pred: Pred, mutant?: ChainManagerMutant): PublicState {
  switch (local) {
    case 'uptodate':
      return pub === 'waiting' || pub === 'offline' ? 'waiting' : 'serving';
    case 'online':
      if (pub === 'syncing' || pub === 'waiting') {
        const behindServing = pred === 'serving' || (mutant === 'twoSyncing' && pred === 'syncing');
        return behindServing ? 'syncing' : 'waiting';
      }
      return pub === 'offline' ? 'waiting' : 'serving';
    case 'offline':
      if (pub === 'serving') return pred === 'none' ? 'lastsrv' : 'offline';
      if (pub === 'lastsrv') return mutant === 'lastsrvNotKept' ? 'offline' : 'lastsrv';
      return 'offline';
  }
}

/** A transition table: `nextPublic`, or (in properties/) the statechart. */
export type TransitionTable = (local: LocalState, pub: PublicState, pred: Pred, mutant?: ChainManagerMutant) => PublicState;

/** What the rebuild needs of a chain member. */
export interface Slot {
  readonly target: number;
  readonly state: PublicState;
  readonly local: LocalState;
}

/**
 * One placement: the members in their new order with their new public states. Throws
 * InvariantViolation('INV-CHAIN-TABLE') if some member has no consistent place (cannot
 * happen with the table above; checked exhaustively).
 */
export function placeOnce<M extends Slot>(members: readonly M[], mutant?: ChainManagerMutant, table: TransitionTable = nextPublic): M[] {
  const n = members.length;
  const placed = new Array<boolean>(n).fill(false);
  const out: M[] = [];
  for (const cls of CHAIN_ORDER) {
    for (let i = 0; i < n; i++) {
      if (placed[i]) continue;
      const m = members[i];
      const pred: Pred = out.length === 0 ? 'none' : out[out.length - 1].state;
      const s = table(m.local, m.state, pred, mutant);
      if (s !== cls) continue;
      placed[i] = true;
      out.push(s === m.state ? m : { ...m, state: s });
    }
  }
  if (out.length !== n) {
    const lost = members.filter((_, i) => !placed[i]).map((m) => `${m.state}/${m.local}`);
    throw new InvariantViolation('INV-CHAIN-TABLE', `no consistent place for ${lost.join(', ')}`);
  }
  if (mutant === 'failedNotMovedToEnd') return keepOfflineInPlace(members, out);
  return out;
}

/** Mutant failedNotMovedToEnd: members that are now offline go back to their old index. */
function keepOfflineInPlace<M extends Slot>(old: readonly M[], placed: M[]): M[] {
  const offline = new Set<number>();
  for (let i = 0; i < old.length; i++) if (placed.some((p) => p.state === 'offline' && sameMember(p, old[i]))) offline.add(i);
  const rest = placed.filter((p) => p.state !== 'offline');
  const out: M[] = [];
  for (let i = 0; i < old.length; i++) {
    if (offline.has(i)) out.push(placed.find((p) => sameMember(p, old[i]))!);
    else out.push(rest.shift()!);
  }
  return out;
}

const sameMember = (a: Slot, b: Slot) => a.target === b.target;

/** Placements one round may take at most before it is stable (checked exhaustively). */
export const REBUILD_PASSES_MAX = 4;

/** True when placement changed an order or a public state. */
function samePlacement<M extends Slot>(a: readonly M[], b: readonly M[]): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i] && (!sameMember(a[i], b[i]) || a[i].state !== b[i].state)) return false;
  return true;
}

/**
 * One manager round for a chain: place until stable. Returns the input array itself when
 * nothing changed (callers compare by reference).
 */
export function rebuildChain<M extends Slot>(members: readonly M[], mutant?: ChainManagerMutant, table: TransitionTable = nextPublic): readonly M[] {
  let cur: readonly M[] = members;
  for (let pass = 0; pass < REBUILD_PASSES_MAX; pass++) {
    const next = placeOnce(cur, mutant, table);
    if (samePlacement(cur, next)) return cur;
    cur = next;
  }
  throw new InvariantViolation('INV-CHAIN-TABLE', `chain not stable after ${REBUILD_PASSES_MAX} placements: ${cur.map((m) => `${m.target}:${m.state}/${m.local}`).join(' ')}`);
}
