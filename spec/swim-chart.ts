/**
 * The SWIM member-status lifecycle as an xstate v5 statechart: what one member believes
 * about another, with incarnation precedence as guards (SWIM paper section 4.2,
 * memberlist state.go). This is the readable specification; `core/swim/status.ts`
 * (`nextStatus`) is the reducer that runs, and properties/swim-chart.test.ts shows they
 * agree on every status x event and every event sequence to depth 4.
 *
 *   unknown --alive(i)--> alive(i)
 *   alive(j)   --alive(i>j)--> alive(i)     --suspect(i>=j)--> suspect(i)
 *              --dead(i>=j)--> dead(i)      --left(i>=j)-->    left(i)
 *   suspect(j) --alive(i>j)--> alive(i)     --suspect(i>j)-->  suspect(i)
 *              --suspect(i=j)--> (confirmation, Lifeguard)
 *              --dead(i>=j)--> dead(i)      --left(i>=j)-->    left(i)
 *              --timeout(i=j)--> dead(j)
 *   dead(j), left(j) --alive(i>j)--> alive(i)
 * Every other event is ignored.
 */
import { setup, assign } from 'xstate';

export type ChartEvent =
  | { type: 'alive'; incarnation: number }
  | { type: 'suspect'; incarnation: number }
  | { type: 'dead'; incarnation: number }
  | { type: 'left'; incarnation: number }
  | { type: 'timeout'; incarnation: number };

export interface ChartContext {
  incarnation: number;
  /** Suspect messages at the current incarnation (Lifeguard confirmations). */
  confirmations: number;
}

export const memberStatusChart = setup({
  types: { context: {} as ChartContext, events: {} as ChartEvent },
  guards: {
    newer: ({ context, event }) => event.incarnation > context.incarnation,
    notOlder: ({ context, event }) => event.incarnation >= context.incarnation,
    same: ({ context, event }) => event.incarnation === context.incarnation,
  },
  actions: {
    adopt: assign({ incarnation: ({ event }) => event.incarnation, confirmations: 0 }),
    endSuspicion: assign({ confirmations: 0 }),
    confirm: assign({ confirmations: ({ context }) => context.confirmations + 1 }),
  },
}).createMachine({
  id: 'swimMemberStatus',
  initial: 'unknown',
  context: { incarnation: 0, confirmations: 0 },
  states: {
    unknown: {
      on: { alive: { target: 'alive', actions: 'adopt' } },
    },
    alive: {
      on: {
        alive: { guard: 'newer', target: 'alive', actions: 'adopt' },
        suspect: { guard: 'notOlder', target: 'suspect', actions: 'adopt' },
        dead: { guard: 'notOlder', target: 'dead', actions: 'adopt' },
        left: { guard: 'notOlder', target: 'left', actions: 'adopt' },
      },
    },
    suspect: {
      on: {
        alive: { guard: 'newer', target: 'alive', actions: 'adopt' },
        suspect: [
          { guard: 'newer', target: 'suspect', actions: 'adopt' },
          { guard: 'same', actions: 'confirm' },
        ],
        dead: { guard: 'notOlder', target: 'dead', actions: 'adopt' },
        left: { guard: 'notOlder', target: 'left', actions: 'adopt' },
        timeout: { guard: 'same', target: 'dead', actions: 'endSuspicion' },
      },
    },
    dead: {
      on: { alive: { guard: 'newer', target: 'alive', actions: 'adopt' } },
    },
    left: {
      on: { alive: { guard: 'newer', target: 'alive', actions: 'adopt' } },
    },
  },
});

export type ChartStatus = 'unknown' | 'alive' | 'suspect' | 'dead' | 'left';
