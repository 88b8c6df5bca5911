/**
 * Reusable CRAQ cluster properties: drive the deterministic in-memory cluster through an
 * interleaving chosen by a list of numbers (fast-check shrinks it), and check
 *  - INV-CRAQ-2 committed versions never decrease on any replica (every step);
 *  - INV-CRAQ-3 replicas holding a chunk committed at the same version hold the same bytes (every step);
 *  - INV-CRAQ-4 once nothing is pending, every replica of a chunk holds the same committed bytes;
 *  - INV-CRAQ-6 a read returns bytes some write wrote (or zeros before any), at a version no
 *    older than any write acknowledged before the read began;
 *  - INV-LIN the client history is linearizable (core/check/lin).
 */
import { chainId, chunkId, ChunkId, targetId } from '../spec/ids';
import { RoutingTable } from '../spec/routing';
import { DirtyReadPolicy } from '../spec/craq';
import { Rng } from '../core/prng';
import { ClusterConfig, ClusterState, createCluster, deliver, fireTimer, invoke, nextTimerIndex, quiescent } from '../core/craq/cluster';
import { DEFAULT_TARGET_CONFIG } from '../core/craq/target';
import { DEFAULT_CLIENT_CONFIG, ReadPolicy } from '../core/craq/client';
import { CraqMutant } from '../core/craq/mutants';
import { checkHistory } from '../core/check/lin';
import { hexOf, toLinHistory } from '../core/craq/history';

export type PlannedClientOp = { readonly kind: 'write'; readonly key: number; readonly value: number } | { readonly kind: 'read'; readonly key: number };

export interface CraqScenario {
  readonly replicas: number;
  readonly dirtyRead: DirtyReadPolicy;
  readonly readPolicy: ReadPolicy;
  readonly relaxedRead?: boolean;
  /** Per client, its operations in order (each client is sequential). */
  readonly clients: readonly (readonly PlannedClientOp[])[];
  /** Scheduler choices: each picks the next move among the enabled ones (mod their count). */
  readonly choices: readonly number[];
  readonly seed: number;
  readonly mutant?: CraqMutant;
}

export const REGISTER_WIDTH = 2;
export const KEYS = [chunkId('x'), chunkId('y')];

export function scenarioConfig(sc: CraqScenario): ClusterConfig {
  const chain = chainId(1);
  const routing: RoutingTable = {
    version: 1,
    chains: [{ id: chain, version: 1, targets: Array.from({ length: sc.replicas }, (_, i) => ({ target: targetId(i + 1), node: (i + 1) as never, state: 'serving' as const })) }],
  };
  return {
    targets: Array.from({ length: sc.replicas }, (_, i) => targetId(i + 1)),
    routing,
    clients: sc.clients.length,
    target: { ...DEFAULT_TARGET_CONFIG, chunkSizeBytes: 16, dirtyRead: sc.dirtyRead, mutant: sc.mutant },
    client: { ...DEFAULT_CLIENT_CONFIG, readPolicy: sc.readPolicy, relaxedRead: sc.relaxedRead ?? false, channels: 1 },
    seed: sc.seed,
  };
}

/** The 2-byte register value of planned value v (never all zeros). */
export function valueBytes(v: number): Uint8Array {
  return Uint8Array.of(1 + (v >> 8) % 255, v & 0xff);
}

export interface ScenarioOutcome {
  readonly violations: readonly string[];
  readonly final: ClusterState;
  readonly steps: number;
  /** How often the run hit the interesting paths (so a suite can show it is not vacuous). */
  readonly stats: { readonly versionQueries: number; readonly notCommit: number; readonly queued: number };
}

/** Run a scenario to quiescence and check every property; violations are readable strings. */
export function runScenario(sc: CraqScenario, maxSteps = 5_000): ScenarioOutcome {
  const cfg = scenarioConfig(sc);
  const chain = chainId(1);
  let s = createCluster(cfg);
  const next = sc.clients.map(() => 0);
  const violations: string[] = [];
  // version -> bytes, per chunk, from every commit any replica makes
  const committedBytes = new Map<string, string>();
  const rng = new Rng(sc.seed);
  let ci = 0;
  let steps = 0;
  const stats = { versionQueries: 0, notCommit: 0, queued: 0 };

  const observe = (before: ClusterState, after: ClusterState): void => {
    for (let t = 0; t < cfg.targets.length; t++) {
      for (const key of KEYS) {
        const b = before.targets[t].durable.chunks.get(key);
        const a = after.targets[t].durable.chunks.get(key);
        if (!a) continue;
        if (b && a.commitVer < b.commitVer) violations.push(`INV-CRAQ-2: target ${t + 1} chunk ${key}: commitVer ${b.commitVer} -> ${a.commitVer}`);
        if (a.commitVer > 0) {
          const k = `${key}@${a.commitVer}`;
          const hex = hexOf(a.data.subarray(0, REGISTER_WIDTH));
          const seen = committedBytes.get(k);
          if (seen === undefined) committedBytes.set(k, hex);
          else if (seen !== hex) violations.push(`INV-CRAQ-3: chunk ${key} v${a.commitVer}: replicas hold ${seen} and ${hex}`);
        }
      }
    }
  };

  while (steps < maxSteps && violations.length === 0) {
    const moves: (() => ClusterState)[] = [];
    sc.clients.forEach((ops, c) => {
      if (next[c] < ops.length && s.clients[c].ops.size === 0) {
        moves.push(() => {
          const p = ops[next[c]++];
          const chunk: ChunkId = KEYS[p.key % KEYS.length];
          const op = p.kind === 'write' ? { kind: 'write' as const, chain, chunk, offset: 0, data: valueBytes(p.value) } : { kind: 'read' as const, chain, chunk, offset: 0, length: REGISTER_WIDTH };
          return invoke(cfg, s, c, op)[0];
        });
      }
    });
    for (let i = 0; i < s.inflight.length; i++)
      moves.push(() => {
        const m = s.inflight[i].msg;
        if (m.kind === 'versionQuery') stats.versionQueries++;
        if ((m.kind === 'readReply' || m.kind === 'writeReply') && !m.ok && m.code === 'ChunkNotCommit') stats.notCommit++;
        return deliver(cfg, s, i)[0];
      });
    if (moves.length === 0) {
      const ti = nextTimerIndex(s);
      if (ti < 0 || quiescent(s)) break;
      moves.push(() => fireTimer(cfg, s, ti)[0]);
    }
    const pick = ci < sc.choices.length ? sc.choices[ci++] : rng.u32();
    const before = s;
    s = moves[pick % moves.length]();
    observe(before, s);
    steps++;
  }
  if (violations.length > 0) return { violations, final: s, steps, stats };

  if (quiescent(s) && next.every((n, c) => n >= sc.clients[c].length)) {
    // INV-CRAQ-4: converged
    for (const key of KEYS) {
      const views = s.targets.map((t, i) => {
        const r = t.durable.chunks.get(key);
        return `${i + 1}:v${r?.commitVer ?? 0}${r?.pending ? '+pending' : ''}=${r ? hexOf(r.data.subarray(0, REGISTER_WIDTH)) : ''}`;
      });
      const distinct = new Set(views.map((v) => v.slice(v.indexOf(':') + 1)));
      if (distinct.size > 1 || views.some((v) => v.includes('pending'))) violations.push(`INV-CRAQ-4: chunk ${key} not converged: ${views.join(' ')}`);
    }
  } else {
    violations.push(`not quiescent after ${steps} steps`);
  }

  // INV-CRAQ-6: reads return written bytes, never older than an acknowledged write
  for (const h of s.history) {
    if (h.op.kind !== 'read' || !h.result?.ok || h.result.kind !== 'read') continue;
    const r = h.result;
    const key = h.op.chunk;
    const expected = r.ver === 0 ? '0000' : committedBytes.get(`${key}@${r.ver}`);
    const got = hexOf(r.data);
    if (r.committed && expected !== got) violations.push(`INV-CRAQ-6: read of ${key} returned ${got} at v${r.ver}, but v${r.ver} holds ${expected ?? 'nothing committed'}`);
    for (const w of s.history) {
      if (w.op.kind !== 'write' || w.op.chunk !== key || !w.result?.ok || w.result.kind !== 'write' || w.ret === undefined) continue;
      if (w.ret < h.call && w.result.commitVer > r.ver && r.committed) violations.push(`INV-CRAQ-6: read of ${key} (call ${h.call}) returned v${r.ver}, older than v${w.result.commitVer} acknowledged at ${w.ret}`);
    }
  }

  // INV-LIN
  const lin = checkHistory(toLinHistory(s.history), { model: 'register', stepBudget: 2_000_000 });
  if (lin.result === 'illegal') violations.push(`INV-LIN: not linearizable on ${lin.key}:\n${lin.minimal.map((o) => '  ' + JSON.stringify(o)).join('\n')}`);
  return { violations, final: s, steps, stats };
}
