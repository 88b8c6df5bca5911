/**
 * The checkers every simulated run ends with (issue 7 item 3). Each returns pass, fail,
 * skip (not applicable, with the reason) or unknown (the linearizability search ran out of
 * budget). They read the simulator's state after the settle period and the final reads.
 */
import type { ChunkId } from '../../spec/ids';
import { checkHistory, formatResult } from './lin';
import { toLinHistory, hexOf } from '../craq/history';
import { replicaOf } from '../craq/target';
import type { CheckOutcome, ClusterSim } from './sim';

export const CHECK_NAMES = ['invariants', 'linearizable', 'acked writes survive', 'live targets serving', 'replicas converge', 'SWIM views converge'] as const;

const pass = (name: string, detail: string): CheckOutcome => ({ name, status: 'pass', detail });
const fail = (name: string, detail: string): CheckOutcome => ({ name, status: 'fail', detail });
const skip = (name: string, detail: string): CheckOutcome => ({ name, status: 'skip', detail });

export function runChecks(sim: ClusterSim): CheckOutcome[] {
  const out: CheckOutcome[] = [];
  if (sim.violation !== null) {
    out.push(fail('invariants', sim.violation));
    for (const n of CHECK_NAMES.slice(1)) out.push(skip(n, 'the run stopped at an invariant violation'));
    return out;
  }
  out.push(pass('invariants', 'every machine step kept its INV-* assertions'));
  out.push(linearizable(sim));
  out.push(ackedWritesSurvive(sim));
  const serving = liveTargetsServing(sim);
  out.push(serving);
  out.push(replicasConverge(sim));
  out.push(swimConverges(sim));
  return out;
}

/** The client history (with the final reads) is linearizable per chunk (register model). */
function linearizable(sim: ClusterSim): CheckOutcome {
  const ops = toLinHistory(sim.history);
  const r = checkHistory(ops, { model: 'register', stepBudget: sim.o.linStepBudget, minimiseStepBudget: sim.o.linStepBudget });
  const name = 'linearizable';
  if (r.result === 'ok') return pass(name, `${r.operations} operations on ${r.keys} chunks, ${r.steps} search steps`);
  if (r.result === 'unknown') return { name, status: 'unknown', detail: `search budget ran out on chunks ${r.undecidedKeys.join(', ')}` };
  return fail(name, formatResult(r));
}

/**
 * Every acknowledged write is still there: on every running SERVING replica of its chain,
 * the chunk's committed version is at least the write's, and equal versions hold its bytes.
 */
function ackedWritesSurvive(sim: ClusterSim): CheckOutcome {
  const name = 'acked writes survive';
  const best = new Map<ChunkId, { ver: number; data: Uint8Array }>();
  let acked = 0;
  for (const h of sim.history) {
    if (h.op.kind !== 'write' || !h.result?.ok || h.result.kind !== 'write') continue;
    acked++;
    const b = best.get(h.op.chunk);
    if (!b || h.result.commitVer > b.ver) best.set(h.op.chunk, { ver: h.result.commitVer, data: h.op.data });
  }
  const views = sim.targetViews();
  const problems: string[] = [];
  for (const [chunk, b] of best) {
    const chain = sim.chainOf(sim.chunkChain.get(chunk)!);
    const serving = (chain?.targets ?? []).filter((x) => x.state === 'serving').map((x) => views.find((v) => v.id === x.target)!);
    const live = serving.filter((v) => v.running);
    if (live.length === 0) problems.push(`${chunk}: no running SERVING replica holds acknowledged v${b.ver}`);
    for (const v of live) {
      const r = replicaOf(v.state, chunk);
      if (r.commitVer < b.ver) problems.push(`${chunk}: target ${v.id} has committed v${r.commitVer} < acknowledged v${b.ver}`);
      else if (r.commitVer === b.ver && hexOf(r.data.subarray(0, b.data.length)) !== hexOf(b.data))
        problems.push(`${chunk}: target ${v.id} v${b.ver} holds ${hexOf(r.data.subarray(0, b.data.length))}, acknowledged ${hexOf(b.data)}`);
    }
  }
  return problems.length === 0 ? pass(name, `${acked} acknowledged writes; the newest of each chunk is on every serving replica`) : fail(name, problems.slice(0, 8).join('; '));
}

/** After the faults healed, every target runs, is SERVING, and its node has the current routing. */
function liveTargetsServing(sim: ClusterSim): CheckOutcome {
  const name = 'live targets serving';
  const routing = sim.managerRouting();
  const views = sim.targetViews();
  const notServing: string[] = [];
  const problems: string[] = [];
  for (const v of views) {
    const st = routing.chains.find((c) => c.id === v.chain)!.targets.find((x) => x.target === v.id)!.state;
    if (!v.running) problems.push(`target ${v.id} is not running`);
    else if (st !== 'serving') notServing.push(`target ${v.id} is ${st}`);
    else if (v.routingVersion !== routing.version) problems.push(`target ${v.id} has routing v${v.routingVersion}, manager v${routing.version}`);
  }
  if (sim.o.recovery === 'none' && problems.length === 0 && notServing.length > 0)
    return skip(name, `needs recovery sync (run with recovery 'none'): ${notServing.join('; ')}`);
  const all = problems.concat(notServing);
  return all.length === 0 ? pass(name, `${views.length} targets SERVING at routing v${routing.version}`) : fail(name, all.slice(0, 8).join('; '));
}

/** Replicas of each chain hold the same committed bytes and versions, with nothing pending. */
function replicasConverge(sim: ClusterSim): CheckOutcome {
  const name = 'replicas converge';
  const routing = sim.managerRouting();
  const views = sim.targetViews();
  const problems: string[] = [];
  let compared = 0;
  for (const ch of routing.chains) {
    const members = ch.targets.filter((x) => x.state === 'serving').map((x) => views.find((v) => v.id === x.target)!).filter((v) => v.running);
    if (members.length === 0) {
      problems.push(`chain ${ch.id}: no running serving replica`);
      continue;
    }
    for (const chunk of sim.chunks) {
      if (sim.chunkChain.get(chunk) !== ch.id) continue;
      const rs = members.map((v) => ({ id: v.id, r: replicaOf(v.state, chunk) }));
      for (const { id, r } of rs) {
        if (r.pending) problems.push(`${chunk}: target ${id} still has pending v${r.pending.ver}`);
        if (r.commitVer !== rs[0].r.commitVer || hexOf(r.data) !== hexOf(rs[0].r.data))
          problems.push(`${chunk}: target ${id} v${r.commitVer} ${hexOf(r.data)} differs from target ${rs[0].id} v${rs[0].r.commitVer} ${hexOf(rs[0].r.data)}`);
      }
      compared++;
    }
  }
  return problems.length === 0 ? pass(name, `${compared} chunks identical on every serving replica`) : fail(name, problems.slice(0, 8).join('; '));
}

/** Every SWIM member (storage nodes and the manager host) holds every other member alive. */
function swimConverges(sim: ClusterSim): CheckOutcome {
  const name = 'SWIM views converge';
  const views = sim.swimViews();
  const problems = views.filter((v) => v.up && v.notAlive.length > 0).map((v) => `host ${v.host} holds {${v.notAlive.join(',')}} not alive`);
  const down = views.filter((v) => !v.up).map((v) => v.host);
  if (down.length > 0) problems.push(`hosts {${down.join(',')}} still down`);
  return problems.length === 0 ? pass(name, `${views.length} members, each sees all others alive`) : fail(name, problems.join('; '));
}
