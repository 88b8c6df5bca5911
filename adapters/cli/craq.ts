import { Command } from 'commander';
import { chainId, chunkId, targetId } from '../../spec/ids';
import { DirtyReadPolicy } from '../../spec/craq';
import { enumArg, intArg } from '../../spec/cli';
import { Rng } from '../../core/prng';
import { ClusterConfig, ClusterResult, ClusterState, createCluster, deliver, fireTimer, invoke, nextTimerIndex } from '../../core/craq/cluster';
import { DEFAULT_TARGET_CONFIG } from '../../core/craq/target';
import { DEFAULT_CLIENT_CONFIG } from '../../core/craq/client';
import { describeEvents, describeReplica } from '../../core/craq/describe';
import { hexOf } from '../../core/craq/history';
import { action, boolFlagDefault, decodeOptions, printJson, Register } from './common';

export interface DemoResult {
  readonly lines: string[];
  readonly final: ClusterState;
  readonly cfg: ClusterConfig;
}

/** Run the demo scenario: one client writes N values and reads each back, on a random interleaving. */
export function runDemo(replicas: number, writes: number, dirtyRead: DirtyReadPolicy, seed: number): DemoResult {
  const chain = chainId(1);
  const x = chunkId('x');
  const cfg: ClusterConfig = {
    targets: Array.from({ length: replicas }, (_, i) => targetId(i + 1)),
    routing: { version: 1, chains: [{ id: chain, version: 1, targets: Array.from({ length: replicas }, (_, i) => ({ target: targetId(i + 1), node: (i + 1) as never, state: 'serving' as const })) }] },
    clients: 2,
    target: { ...DEFAULT_TARGET_CONFIG, chunkSizeBytes: 64, dirtyRead },
    client: { ...DEFAULT_CLIENT_CONFIG, readPolicy: 'random' },
    seed,
  };
  const rng = new Rng(seed);
  let s = createCluster(cfg);
  const lines: string[] = [`# ${replicas} replicas t1 (head) .. t${replicas} (tail), dirty-read policy ${dirtyRead}, seed ${seed}`, `# c0 writes ${writes} values to chunk x; c1 reads x concurrently`];
  const plan: ('w' | 'r')[][] = [Array(writes).fill('w'), Array(writes).fill('r')];
  const next = [0, 0];
  let n = 0;
  for (let stepNo = 0; stepNo < 10_000; stepNo++) {
    const moves: (() => ClusterResult)[] = [];
    for (let c = 0; c < 2; c++)
      if (next[c] < plan[c].length && s.clients[c].ops.size === 0)
        moves.push(() => {
          const k = next[c]++;
          const op = plan[c][k] === 'w' ? { kind: 'write' as const, chain, chunk: x, offset: 0, data: Uint8Array.of(0x10 + k + 1) } : { kind: 'read' as const, chain, chunk: x, offset: 0, length: 1 };
          return invoke(cfg, s, c, op);
        });
    for (let i = 0; i < s.inflight.length; i++) moves.push(() => deliver(cfg, s, i));
    if (moves.length === 0) {
      const ti = nextTimerIndex(s);
      if (ti < 0) break;
      moves.push(() => fireTimer(cfg, s, ti));
    }
    const [ns, events] = moves[rng.below(moves.length)]();
    s = ns;
    for (const l of describeEvents(events)) lines.push(`${String(++n).padStart(3)}  ${l}`);
  }
  lines.push('# final replicas:');
  s.targets.forEach((t, i) => lines.push(`  t${i + 1}: ${describeReplica(t.durable.chunks.get(x))}`));
  return { lines, final: s, cfg };
}

export const register: Register = (program: Command) => {
  const craq = program.command('craq').description('CRAQ chain replication on the deterministic in-memory cluster');
  craq
    .command('demo')
    .description('run a small in-memory cluster and print, step by step, what each replica did')
    .option('--replicas <K>', 'chain length', '3')
    .option('--writes <N>', 'values the writer writes (a reader reads as many times)', '3')
    .option('--dirty-read <policy>', 'dirty-read policy: 3fs (ChunkNotCommit, client retries) or craq (tail version query)', '3fs')
    .option('--seed <S>', 'scheduler seed: the same seed prints the same run', '1')
    .option('--json', 'print the run as JSON')
    .addHelpText('after', '\nExample:\n  chainrep craq demo --replicas 3 --writes 2 --dirty-read craq --seed 7\n')
    .action(
      action((raw: Record<string, unknown>) => {
        const o = decodeOptions(
          { replicas: intArg(1, 16), writes: intArg(1, 1000), dirtyRead: enumArg(['3fs', 'craq'] as const), seed: intArg(0, 2 ** 32 - 1), json: boolFlagDefault },
          raw,
        );
        const r = runDemo(o.replicas, o.writes, o.dirtyRead, o.seed);
        if (o.json) {
          printJson({
            replicas: o.replicas,
            writes: o.writes,
            dirtyRead: o.dirtyRead,
            seed: o.seed,
            steps: r.lines.filter((l) => /^\s*\d+ /.test(l)).map((l) => l.trim()),
            history: r.final.history.map((h) => ({ client: h.client, op: h.op.kind, call: h.call, return: h.ret, result: h.result && (h.result.ok ? (h.result.kind === 'write' ? { ok: true, commitVer: h.result.commitVer } : { ok: true, ver: h.result.ver, data: hexOf(h.result.data) }) : h.result) })),
            replicasFinal: r.final.targets.map((t, i) => ({ target: i + 1, chunk: 'x', state: describeReplica(t.durable.chunks.get(chunkId('x'))) })),
          });
        } else {
          process.stdout.write(r.lines.join('\n') + '\n');
        }
        return 0;
      }),
    );
};
