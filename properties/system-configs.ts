/**
 * The 3FS P test matrix (ANCHORS.md "Formal specs in 3FS": 1 chain, chain length 2-4, 1-3
 * clients, 2 writes each + read-back, 0-3 storage failures with restart; 3FS samples 10
 * schedules per test, 12 tests in 372 s) as named whole-system configurations
 * (core/check/system-model.ts), appended to CHECK_CONFIGS. Each is exhaustive within its
 * event bounds or stops at `maxStates` and says so (`exhaustive: false`); the measured table
 * is in proofs-notes/system-check.md. `SYSTEM_TEST_CONFIGS` are the ones `npm test` runs.
 */
import { ExploreOptions, ExploreResult, explore } from '../core/check/explorer';
import { DEFAULT_SYSTEM_CONFIG, SystemCheckConfig, systemModel } from '../core/check/system-model';
import { RecoveryMutant } from '../core/chain/recovery';
import { LeaseMutant } from '../core/chain/lease';

export interface SystemNamedConfig {
  readonly name: string;
  readonly model: 'system';
  readonly note: string;
  readonly maxStates: number;
  readonly system: SystemCheckConfig;
  run(opts: Omit<ExploreOptions, 'maxStates'> & { maxStates?: number }): ExploreResult;
}

function sys(replicas: number, clients: number, failures: number, maxStates: number, over: Partial<SystemCheckConfig> = {}, suffix = ''): SystemNamedConfig {
  const system: SystemCheckConfig = { ...DEFAULT_SYSTEM_CONFIG, replicas, clients, writes: 2, reads: 1, failures, ...over };
  const name = `sys-r${replicas}-c${clients}-f${failures}${suffix}`;
  const note =
    `${suffix ? 'extra' : '3FS P matrix'}: chain of ${replicas}, ${clients} client${clients > 1 ? 's' : ''} x (${system.writes} writes + ${system.reads} read-back), ` +
    `${failures} target crash${failures === 1 ? '' : 'es'} with restart, manager + recovery sync` +
    (system.earlyTimeouts ? `, ${system.earlyTimeouts} early timeout${system.earlyTimeouts > 1 ? 's' : ''} (a retry racing the original)` : '') +
    (system.suspicions ? `, ${system.suspicions} false suspicion${system.suspicions > 1 ? 's' : ''} (a live target cut off from the manager until its lease runs out)` : '') +
    (system.readPolicy === 'tail' ? ', reads at the tail' : '') +
    (system.lastsrvReturn === 'redrive' ? ', LASTSRV return redrives (no reset)' : '');
  return { name, model: 'system', note, maxStates, system, run: (o) => explore(systemModel(system), { maxStates, ...o }) };
}

/**
 * The 12-test matrix, then extras. Bounds: each exhaustive configuration's bound is above its
 * size (it stops on its own, liveness checked); the bounded ones stop at 10 million states
 * (about 40-60 s and 1-1.5 GB each on the shared machine; depths in proofs-notes/system-check.md).
 */
export const SYSTEM_CONFIGS: readonly SystemNamedConfig[] = [
  sys(2, 1, 0, 2_000_000),
  sys(2, 1, 1, 2_000_000),
  sys(2, 1, 2, 2_000_000),
  sys(2, 2, 1, 50_000_000), // exhaustive: 42.1M states, 1.5-2.5 min, 3.6 GB
  sys(3, 1, 0, 2_000_000),
  sys(3, 1, 1, 2_000_000),
  sys(3, 1, 2, 10_000_000), // exhaustive: 3.2M states
  sys(3, 2, 1, 10_000_000),
  sys(3, 3, 1, 10_000_000),
  sys(4, 1, 1, 2_000_000),
  sys(4, 2, 2, 10_000_000),
  sys(4, 3, 3, 10_000_000),
  sys(2, 1, 1, 2_000_000, { earlyTimeouts: 1, reads: 0 }, '-w2-early1'),
  sys(2, 2, 0, 2_000_000, { writes: 1, suspicions: 1, readPolicy: 'tail', lastsrvReturn: 'redrive' }, '-w1-s1-tail'),
  // a crash, a false suspicion and two retries racing their originals: a synced target becomes
  // head and meets a client's retry of a write it only got through the sync (syncDropsDedupe)
  sys(2, 1, 1, 10_000_000, { writes: 1, reads: 0, suspicions: 1, earlyTimeouts: 2, lastsrvReturn: 'redrive' }, '-w1-s1-early2'),
];

/** Small enough for `npm test` (each exhaustive, a few seconds). */
export const SYSTEM_TEST_CONFIGS: readonly string[] = ['sys-r2-c1-f0', 'sys-r2-c1-f1', 'sys-r3-c1-f0', 'sys-r2-c1-f1-w2-early1'];

/**
 * Mutant configurations too large to run exhaustively in `npm test` (the exhaustive run is
 * `chainrep check --config NAME`, proofs-notes/system-check.md): there the correct protocol
 * runs breadth-first to this many states, more than the mutant search needed.
 */
export const SYSTEM_TEST_BOUNDS: Readonly<Record<string, number>> = {
  // exhaustive: 5,903,598 states, 18 s; the mutant is found after 1,730,984
  'sys-r2-c1-f1-w1-s1-early2': 2_000_000,
  // exhaustive: 3,210,934 states, 29 s; syncDoneIgnoresPending is found after 226,204
  'sys-r3-c1-f2': 300_000,
};

/**
 * For each recovery mutant, the named configuration whose explorer finds it; the correct
 * protocol passes that same configuration in `npm test` (test/core/check/system-model.test.ts:
 * exhaustively, or to its SYSTEM_TEST_BOUNDS bound).
 */
export const RECOVERY_MUTANT_CONFIGS: Readonly<Record<RecoveryMutant, string | null>> = {
  syncSendsOlder: 'sys-r2-c1-f1-w2-early1',
  syncSkipsUncommitted: 'sys-r2-c1-f1',
  // INV-SYS-ONCE sees the retry applied a second time (20 steps, 1.7M states); INV-LIN alone
  // needs a second client's write in between and both read-backs (about 33-38 steps, the
  // scripted scenario test/core/chain/dedupe-sync.test.ts): beyond breadth-first reach
  syncDropsDedupe: 'sys-r2-c1-f1-w1-s1-early2',
  syncDoneIgnoresPending: 'sys-r3-c1-f2',
};

/**
 * For each lease mutant, the named configuration whose explorer finds it (BFS, shortest
 * trace); test/core/check/system-model.test.ts runs it, and the correct protocol over the
 * same configuration to a stated bound.
 */
export const LEASE_MUTANT_CONFIGS: Readonly<Record<LeaseMutant, string>> = {
  noFence: 'sys-r2-c2-f0-w1-s1-tail',
};
