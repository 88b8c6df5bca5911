/**
 * Incarnation precedence: what one member believes about another member's status, and how
 * a message (or the local suspicion timeout) changes it. The hand-written reducer that the
 * member machine runs; `spec/swim-chart.ts` is the readable statechart, and
 * `properties/swim-chart.test.ts` shows the two agree on every status x event and every
 * event sequence to depth 4.
 *
 * Rules (SWIM paper section 4.2 and memberlist state.go):
 *  - unknown: alive(i) adds the member; suspect, dead, left and timeout are ignored
 *    (memberlist ignores news about members it has never heard of).
 *  - alive(j):   alive(i > j) -> alive(i); suspect(i >= j) -> suspect(i);
 *                dead(i >= j) -> dead(i); left(i >= j) -> left(i).
 *  - suspect(j): alive(i > j) -> alive(i); suspect(i > j) -> suspect(i) (a new suspicion);
 *                suspect(i = j) -> a confirmation (Lifeguard); dead(i >= j) -> dead(i);
 *                left(i >= j) -> left(i); timeout(i = j) -> dead(j).
 *  - dead(j), left(j): only alive(i > j) changes them (the member rejoined).
 * Everything else is ignored. Incarnations therefore never decrease (INV-SWIM-INC).
 */
import type { Status } from './table';

export interface Known {
  readonly status: Status;
  readonly incarnation: number;
}

export type StatusEventType = 'alive' | 'suspect' | 'dead' | 'left' | 'timeout';
export const STATUS_EVENT_TYPES: readonly StatusEventType[] = ['alive', 'suspect', 'dead', 'left', 'timeout'];

export interface StatusEvent {
  readonly type: StatusEventType;
  readonly incarnation: number;
}

export type StatusOutcome =
  | { readonly kind: 'applied'; readonly next: Known }
  | { readonly kind: 'confirm' }
  | { readonly kind: 'ignored' };

const IGNORED: StatusOutcome = { kind: 'ignored' };
const CONFIRM: StatusOutcome = { kind: 'confirm' };
const to = (status: Status, incarnation: number): StatusOutcome => ({ kind: 'applied', next: { status, incarnation } });

export function nextStatus(cur: Known | undefined, ev: StatusEvent): StatusOutcome {
  const i = ev.incarnation;
  if (cur === undefined) return ev.type === 'alive' ? to('alive', i) : IGNORED;
  const j = cur.incarnation;
  switch (cur.status) {
    case 'alive':
      if (ev.type === 'alive') return i > j ? to('alive', i) : IGNORED;
      if (ev.type === 'timeout') return IGNORED;
      return i >= j ? to(ev.type, i) : IGNORED;
    case 'suspect':
      switch (ev.type) {
        case 'alive':
          return i > j ? to('alive', i) : IGNORED;
        case 'suspect':
          return i > j ? to('suspect', i) : i === j ? CONFIRM : IGNORED;
        case 'dead':
        case 'left':
          return i >= j ? to(ev.type, i) : IGNORED;
        case 'timeout':
          return i === j ? to('dead', j) : IGNORED;
      }
    // falls through (unreachable: every event type returns above)
    case 'dead':
    case 'left':
      return ev.type === 'alive' && i > j ? to('alive', i) : IGNORED;
  }
}
