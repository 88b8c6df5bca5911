/**
 * The statechart (spec/swim-chart.ts) against the reducer (core/swim/status.ts), using
 * xstate's pure `transition` API: same status, same incarnation, and a confirmation on
 * exactly the same events.
 */
import { transition } from 'xstate';
import { memberStatusChart, ChartEvent, ChartStatus } from '../spec/swim-chart';
import { Known, StatusEvent, STATUS_EVENT_TYPES, nextStatus } from '../core/swim/status';

export interface Belief {
  readonly status: ChartStatus;
  readonly incarnation: number;
  readonly confirmations: number;
}

export const UNKNOWN: Belief = { status: 'unknown', incarnation: 0, confirmations: 0 };

/** One step of the statechart from an arbitrary belief. */
export function chartStep(b: Belief, ev: StatusEvent): Belief {
  const snap = memberStatusChart.resolveState({ value: b.status, context: { incarnation: b.incarnation, confirmations: b.confirmations } });
  const [next] = transition(memberStatusChart, snap, ev as ChartEvent);
  return { status: next.value as ChartStatus, incarnation: next.context.incarnation, confirmations: next.context.confirmations };
}

/** One step of the reducer, lifted to the same shape. */
export function reducerStep(b: Belief, ev: StatusEvent): Belief {
  const cur: Known | undefined = b.status === 'unknown' ? undefined : { status: b.status, incarnation: b.incarnation };
  const out = nextStatus(cur, ev);
  if (out.kind === 'applied') return { status: out.next.status, incarnation: out.next.incarnation, confirmations: 0 };
  if (out.kind === 'confirm') return { ...b, confirmations: b.confirmations + 1 };
  return b;
}

const same = (a: Belief, b: Belief) => a.status === b.status && a.incarnation === b.incarnation && a.confirmations === b.confirmations;
const show = (b: Belief) => `${b.status}(${b.incarnation},c=${b.confirmations})`;

/** Every event type at incarnations 0..maxInc. */
export function allEvents(maxInc: number): StatusEvent[] {
  const out: StatusEvent[] = [];
  for (const type of STATUS_EVENT_TYPES) for (let i = 0; i <= maxInc; i++) out.push({ type, incarnation: i });
  return out;
}

/** First disagreement on a sequence from `start`, or null. */
export type BeliefStep = (b: Belief, ev: StatusEvent) => Belief;

export function disagreement(start: Belief, events: readonly StatusEvent[], step: BeliefStep = reducerStep): string | null {
  let a = start;
  let b = start;
  for (let k = 0; k < events.length; k++) {
    const e = events[k];
    const na = chartStep(a, e);
    const nb = step(b, e);
    if (!same(na, nb)) return `after ${events.slice(0, k + 1).map((x) => `${x.type}(${x.incarnation})`).join(' ')}: chart ${show(na)}, reducer ${show(nb)}`;
    a = na;
    b = nb;
  }
  return null;
}

/** Every sequence of `depth` events drawn from `events`, from `start`; returns the count checked. */
export function checkAllSequences(start: Belief, events: readonly StatusEvent[], depth: number, step: BeliefStep = reducerStep): { checked: number; failure: string | null } {
  let checked = 0;
  const walk = (a: Belief, b: Belief, path: StatusEvent[]): string | null => {
    if (path.length === depth) {
      checked++;
      return null;
    }
    for (const e of events) {
      const na = chartStep(a, e);
      const nb = step(b, e);
      path.push(e);
      if (!same(na, nb)) return `after ${path.map((x) => `${x.type}(${x.incarnation})`).join(' ')}: chart ${show(na)}, reducer ${show(nb)}`;
      const f = walk(na, nb, path);
      path.pop();
      if (f) return f;
    }
    return null;
  };
  const failure = walk(start, start, []);
  return { checked, failure };
}
