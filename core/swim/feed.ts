/**
 * Membership feeds the chain manager (issue 5 item 7): SWIM's view changes become the
 * manager's inputs. Pure and decoupled: it speaks only spec types (`NodeDown`/`NodeUp`
 * from spec/chain.ts, `LocalState` from spec/routing.ts), never core/chain.
 *
 * Policy: act on confirmed facts only. A suspicion changes nothing (Lifeguard's point is
 * that suspicions are often wrong); `dead` or `left` -> nodeDown once; `alive` after
 * down (a refutation that reached us late, or a rejoin) -> nodeUp once. Members are node
 * ids (member id = NodeId). The local-state view maps alive/suspect -> online and
 * dead/left -> offline, for adapters that report per-target local state instead.
 */
import type { NodeDown, NodeUp } from '../../spec/chain';
import type { LocalState } from '../../spec/routing';
import type { NodeId } from '../../spec/ids';
import type { MemberEvent } from './member';
import type { Status } from './table';

export type MembershipInput = NodeDown | NodeUp;

/** Which nodes this feed has reported down (sorted, immutable). */
export interface FeedState {
  readonly down: readonly NodeId[];
}

export const EMPTY_FEED: FeedState = { down: [] };

export function localStateOf(status: Status): Extract<LocalState, 'online' | 'offline'> {
  return status === 'alive' || status === 'suspect' ? 'online' : 'offline';
}

/** One member event in, zero or one manager input out. Events about the local member are ignored. */
export function feedStep(s: FeedState, e: MemberEvent, self: number): [FeedState, MembershipInput[]] {
  if (e.member === self) return [s, []];
  const node = e.member as NodeId;
  const isDown = s.down.includes(node);
  if ((e.status === 'dead' || e.status === 'left') && !isDown)
    return [{ down: [...s.down, node].sort((a, b) => a - b) }, [{ kind: 'nodeDown', node }]];
  if (e.status === 'alive' && isDown) return [{ down: s.down.filter((x) => x !== node) }, [{ kind: 'nodeUp', node }]];
  return [s, []];
}

/** Fold a batch of effects from one `step` (non-member effects are skipped). */
export function feedEffects(s: FeedState, effects: readonly { readonly kind: string }[], self: number): [FeedState, MembershipInput[]] {
  const out: MembershipInput[] = [];
  let st = s;
  for (const e of effects) {
    if (e.kind !== 'memberEvent') continue;
    const [n, xs] = feedStep(st, e as MemberEvent, self);
    st = n;
    out.push(...xs);
  }
  return [st, out];
}
