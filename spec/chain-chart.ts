/**
 * The readable specification of a storage target's PUBLIC state, as an xstate v5
 * statechart: ANCHORS.md "Transition" (3FS docs/design_notes.md, the state-transition
 * table), one row per transition.
 *
 * An event is the target's latest LOCAL state (the trigger) plus the public state of its
 * PREDECESSOR in the rebuilt chain ('none' when it is the new head). Only two facts about
 * the predecessor matter in the table: whether it is SERVING (syncing|waiting + online ->
 * syncing) and whether there is none (serving + offline -> lastsrv: "it was the last
 * serving"). How the chain manager finds the predecessor in the rebuilt chain is in
 * core/chain/transition.ts and proofs-notes/chain-transition.md.
 *
 * This chart is not run in the hot path: core/chain/transition.ts `nextPublic` is, and
 * properties/chain-chart.test.ts checks the two agree on every local x public x
 * predecessor combination and on every event sequence to depth 6.
 */
import { setup, transition } from 'xstate';
import { LocalState, PublicState } from './routing';

/** The public state of the predecessor in the rebuilt chain, or 'none' (the target is the head). */
export type Pred = PublicState | 'none';
export const PREDECESSORS: readonly Pred[] = ['none', 'serving', 'lastsrv', 'syncing', 'waiting', 'offline'];

/** A chart event: the local state reported, and the predecessor's public state. */
export type TargetChartEvent = { readonly type: LocalState; readonly pred: Pred };

export const targetPublicStateChart = setup({
  types: { events: {} as TargetChartEvent },
  guards: {
    predecessorServing: ({ event }) => event.pred === 'serving',
    noPredecessor: ({ event }) => event.pred === 'none',
  },
}).createMachine({
  id: 'targetPublicState',
  // a target of a newly created chain starts serving (3FS: new-born chains)
  initial: 'serving',
  states: {
    serving: {
      description: 'R+W: alive and serving client requests',
      on: {
        uptodate: { target: 'serving' },
        online: { target: 'serving' },
        offline: [
          { guard: 'noPredecessor', target: 'lastsrv', description: 'it was the last serving target' },
          { target: 'offline' },
        ],
      },
    },
    syncing: {
      description: 'W only: alive, recovery from the predecessor in progress',
      on: {
        uptodate: { target: 'serving', description: 'recovery done' },
        online: [{ guard: 'predecessorServing', target: 'syncing' }, { target: 'waiting' }],
        offline: { target: 'offline' },
      },
    },
    waiting: {
      description: 'alive, recovery not started',
      on: {
        uptodate: { target: 'waiting' },
        online: [{ guard: 'predecessorServing', target: 'syncing' }, { target: 'waiting' }],
        offline: { target: 'offline' },
      },
    },
    lastsrv: {
      description: 'down, and it was the last serving target: the chain waits for it',
      on: {
        uptodate: { target: 'serving' },
        online: { target: 'serving' },
        offline: { target: 'lastsrv' },
      },
    },
    offline: {
      description: 'down, or its storage medium failed',
      on: {
        uptodate: { target: 'waiting' },
        online: { target: 'waiting' },
        offline: { target: 'offline' },
      },
    },
  },
});

export type TargetChartSnapshot = ReturnType<typeof targetPublicStateChart.resolveState>;

/** The chart's snapshot resting in public state `s`. */
export function chartSnapshot(s: PublicState): TargetChartSnapshot {
  return targetPublicStateChart.resolveState({ value: s });
}

/** One chart transition with xstate's pure `transition` (no actor, no side effects). */
export function chartStep(snap: TargetChartSnapshot, local: LocalState, pred: Pred): TargetChartSnapshot {
  return transition(targetPublicStateChart, snap, { type: local, pred })[0];
}

/** The public state a chart snapshot rests in. */
export function chartState(snap: TargetChartSnapshot): PublicState {
  return snap.value as PublicState;
}

/** The chart as a transition function: next public state for (local, public, predecessor). */
export function chartNextPublic(local: LocalState, pub: PublicState, pred: Pred): PublicState {
  return chartState(chartStep(chartSnapshot(pub), local, pred));
}
