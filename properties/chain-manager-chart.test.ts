/**
 * The hot-path reducer (core/chain/transition.ts `nextPublic`, and the chain rebuild built
 * on it) against the readable statechart (spec/chain-chart.ts, xstate v5's pure
 * `transition`). ANCHORS.md "Transition"; proofs-notes/chain-transition.md.
 */
import { initialTransition } from 'xstate';
import { LOCAL_STATES, LocalState, PUBLIC_STATES, PublicState } from '../spec/routing';
import { PREDECESSORS, Pred, TargetChartSnapshot, chartNextPublic, chartState, chartStep, targetPublicStateChart } from '../spec/chain-chart';
import { Slot, nextPublic, rebuildChain } from '../core/chain/transition';

describe('target public-state statechart vs the hand-written reducer', () => {
  test('agree on every local x public x predecessor combination (3 x 5 x 6 = 90)', () => {
    let n = 0;
    for (const local of LOCAL_STATES)
      for (const pub of PUBLIC_STATES)
        for (const pred of PREDECESSORS) {
          const want = chartNextPublic(local, pub, pred);
          if (nextPublic(local, pub, pred) !== want) throw new Error(`(${local}, ${pub}, pred ${pred}): reducer ${nextPublic(local, pub, pred)}, chart ${want}`);
          n++;
        }
    expect(n).toBe(90);
  });

  test('the comparison can fail: each table mutant differs from the chart on some combination', () => {
    const differs = (mutant: 'twoSyncing' | 'lastsrvNotKept') =>
      LOCAL_STATES.flatMap((l) => PUBLIC_STATES.flatMap((p) => PREDECESSORS.filter((q) => nextPublic(l, p, q, mutant) !== chartNextPublic(l, p, q)).map((q) => `${l}/${p}/${q}`)));
    expect(differs('twoSyncing')).toEqual(['online/syncing/syncing', 'online/waiting/syncing']);
    expect(differs('lastsrvNotKept')).toEqual(PREDECESSORS.map((q) => `offline/lastsrv/${q}`));
  });

  test('agree on every event sequence of length 6 from the initial state (6^6 sequences, chart snapshots carried along)', () => {
    // Predecessors 'none' and 'serving': the chart's guards test only these two, and the
    // 90-combination test above shows every other predecessor acts as neither.
    const events: [LocalState, Pred][] = [];
    for (const l of LOCAL_STATES) for (const p of ['none', 'serving'] as const) events.push([l, p]);
    const [s0] = initialTransition(targetPublicStateChart);
    expect(chartState(s0)).toBe('serving');
    let leaves = 0;
    const path: string[] = [];
    const walk = (snap: TargetChartSnapshot, mine: PublicState, depth: number): void => {
      if (depth === 6) {
        leaves++;
        return;
      }
      for (const [l, p] of events) {
        const next = chartStep(snap, l, p);
        const ours = nextPublic(l, mine, p);
        path.push(`${l}/${p}`);
        if (chartState(next) !== ours) throw new Error(`after ${path.join(', ')}: chart ${chartState(next)}, reducer ${ours}`);
        walk(next, ours, depth + 1);
        path.pop();
      }
    };
    walk(s0, 'serving', 0);
    expect(leaves).toBe(6 ** 6);
  });

  test('whole-chain rounds driven by the chart equal the reducer on every reachable chain of 3 targets (all sequences, any length)', () => {
    // States: (order, public states, local states). Events: one target reports a local state.
    // Both sides are deterministic, so agreeing on every edge of the reachable graph is
    // agreeing on every event sequence of every length.
    const chartTable = (l: LocalState, p: PublicState, pred: Pred) => chartNextPublic(l, p, pred);
    const key = (ms: readonly Slot[]) => ms.map((m) => `${m.target}${m.state[0]}${m.state[1]}${m.local[1]}`).join('');
    const start: Slot[] = [1, 2, 3].map((target) => ({ target, state: 'serving', local: 'uptodate' }));
    const seen = new Set([key(start)]);
    const queue: Slot[][] = [start];
    let edges = 0;
    while (queue.length > 0) {
      const cur = queue.shift()!;
      for (const target of [1, 2, 3])
        for (const local of LOCAL_STATES) {
          const reported = cur.map((m) => (m.target === target ? { ...m, local } : m));
          const ours = rebuildChain(reported);
          const chart = rebuildChain(reported, undefined, chartTable);
          edges++;
          if (key(ours) !== key(chart)) throw new Error(`t${target} reports ${local} in ${key(cur)}: reducer ${key(ours)}, chart ${key(chart)}`);
          if (!seen.has(key(ours))) {
            seen.add(key(ours));
            queue.push([...ours]);
          }
        }
    }
    console.log(`chart vs reducer: ${seen.size} reachable 3-target chains, ${edges} edges`);
    expect(seen.size).toBeGreaterThan(100);
  });
});
