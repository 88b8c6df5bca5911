/**
 * Chain manager figures: the hand-written table vs the xstate chart it is checked against,
 * manager steps on a 3,000-target cluster, and the model check's speed.
 * `npm run bench -- chain-manager`.
 */
import { isLeft } from 'fp-ts/Either';
import { BenchModule, BenchRow, now, rate } from './common';
import { nextPublic } from '../core/chain/transition';
import { chartSnapshot, chartStep } from '../spec/chain-chart';
import { LOCAL_STATES, PUBLIC_STATES } from '../spec/routing';
import { ManagerConfig, ManagerState, createManager, step } from '../core/chain/manager';
import { ManagerInput } from '../spec/chain';
import { chainId, nodeId, targetId } from '../spec/ids';
import { explore } from '../core/check/explorer';
import { chainManagerModel } from '../properties/chain-manager-model';

const PREDS = ['none', 'serving', 'waiting'] as const;

function tableRows(): BenchRow[] {
  const snaps = PUBLIC_STATES.map(chartSnapshot);
  let sink = 0;
  for (let i = 0; i < 20_000; i++) if (chartStep(snaps[i % 5], LOCAL_STATES[i % 3], PREDS[i % 3]).value === 'serving') sink++; // warm-up
  const chart = rate(() => {
    for (let i = 0; i < 1000; i++) if (chartStep(snaps[i % 5], LOCAL_STATES[i % 3], PREDS[i % 3]).value === 'serving') sink++;
    return 1000;
  }, 500);
  const reducer = rate(() => {
    for (let i = 0; i < 100_000; i++) if (nextPublic(LOCAL_STATES[i % 3], PUBLIC_STATES[i % 5], PREDS[i % 3]) === 'serving') sink++;
    return 100_000;
  }, 500);
  if (sink < 0) throw new Error('unreachable');
  return [
    { name: 'xstate chart transition (spec/chain-chart.ts)', value: chart.opsPerSec, unit: 'ops/s' },
    { name: 'nextPublic reducer (core/chain/transition.ts)', value: reducer.opsPerSec, unit: 'ops/s', baseline: { name: 'xstate chart', value: chart.opsPerSec } },
  ];
}

function clusterRows(): BenchRow[] {
  const config: ManagerConfig = { leaseMs: 10_000, checkIntervalMs: 1000 };
  const chains = 1000;
  const nodes = 100;
  const layout = Array.from({ length: chains }, (_, c) => ({
    id: chainId(c + 1),
    targets: [0, 1, 2].map((j) => ({ target: targetId(c * 3 + j), node: nodeId((c + j * 37) % nodes) })),
  }));
  const created = createManager(config, layout, 0);
  if (isLeft(created)) throw new Error(created.left.message);
  let s: ManagerState = created.right[0];
  const heartbeats: ManagerInput[] = Array.from({ length: nodes }, (_, n) => ({
    kind: 'heartbeat',
    node: nodeId(n),
    routingVersion: 1,
    targets: s.chains.flatMap((c) => c.members.filter((m) => m.node === n).map((m) => ({ target: m.target, localState: 'uptodate' as const, chainVersion: 1 }))),
  }));
  let i = 0;
  const hb = rate(() => {
    s = step(config, s, heartbeats[i++ % nodes])[0];
    return 1;
  }, 800);
  // a failure and its recovery: node down (30 chains reorder), node up + online report
  // (30 targets to SYNCING), syncDone for each (back to SERVING): 62 steps
  let failures = 0;
  const t0 = now();
  while (now() - t0 < 800) {
    const n = failures++ % nodes;
    s = step(config, s, { kind: 'nodeDown', node: nodeId(n) })[0];
    s = step(config, s, { kind: 'nodeUp', node: nodeId(n) })[0];
    const reports = s.chains.flatMap((c) => c.members.filter((m) => m.node === n).map((m) => ({ target: m.target, localState: 'online' as const, chainVersion: c.version })));
    s = step(config, s, { kind: 'heartbeat', node: nodeId(n), routingVersion: s.routingVersion, targets: reports })[0];
    for (const r of reports) s = step(config, s, { kind: 'syncDone', target: r.target, chainVersion: r.chainVersion + 1 })[0];
  }
  const cycle = (now() - t0) / failures;
  if (s.chains.some((c) => c.members.some((m) => m.state !== 'serving'))) throw new Error('bench: the recovery cycle left a target not serving');
  return [
    { name: `heartbeat step, ${chains * 3} targets, 30 reports per heartbeat`, value: hb.opsPerSec, unit: 'steps/s' },
    { name: 'node failure + return + 30 syncs (62 steps, 90 chain versions)', value: 1000 / cycle, unit: 'cycles/s', note: `routing v${s.routingVersion}` },
  ];
}

function modelRows(): BenchRow[] {
  const t0 = now();
  const r = explore(chainManagerModel({ targets: 3 }));
  const ms = now() - t0;
  return [{ name: `model check manager-3 (${r.states} states, exhaustive ${r.exhaustive})`, value: (r.states * 1000) / ms, unit: 'states/s', note: `${Math.round(ms)} ms` }];
}

export const bench: BenchModule = {
  title: 'chain manager: table vs statechart, manager steps, model check',
  run: () => [...tableRows(), ...clusterRows(), ...modelRows()],
};
