/**
 * Named model-check configurations (`chainrep check --list-configs`, `--config NAME`), run by
 * the test suite. Each says what it explores and its bounds; `exhaustive` results are
 * complete for those bounds, others report `exhaustive: false` honestly.
 */
import { ExploreOptions, ExploreResult, explore } from '../core/check/explorer';
import { CraqCheckConfig, DEFAULT_CHECK_CONFIG, craqModel } from '../core/check/craq-model';
import { CraqMutant } from '../core/craq/mutants';
import { CHAIN_MANAGER_CONFIGS, chainManagerModel } from './chain-manager-model';
import { SYSTEM_CONFIGS } from './system-configs';

export interface NamedConfig {
  readonly name: string;
  readonly model: 'craq' | 'chain-manager';
  readonly note: string;
  /** States explored at most (the stated bound). */
  readonly maxStates: number;
  run(opts: Omit<ExploreOptions, 'maxStates'> & { maxStates?: number }): ExploreResult;
  /** The CRAQ parameters, for reporting. */
  readonly params?: CraqCheckConfig;
}

function craq(name: string, note: string, over: Partial<CraqCheckConfig>, maxStates: number): NamedConfig {
  const params = { ...DEFAULT_CHECK_CONFIG, ...over };
  return { name, model: 'craq', note, maxStates, params, run: (o) => explore(craqModel(params), { maxStates, ...o }) };
}

export const CHECK_CONFIGS: readonly NamedConfig[] = [
  craq('craq-r3-c2-w2r1', '3 replicas, 2 clients, 2 writes + 1 read each, 3fs dirty reads, no faults', {}, 2_000_000),
  craq('craq-r3-c2-w2r1-craq', 'as craq-r3-c2-w2r1 with the craq policy (tail version query)', { dirtyRead: 'craq' }, 2_000_000),
  craq('craq-r3-c2-w1r2', '3 replicas, 2 clients, 1 write + 2 reads each (reads overlap the other client\'s write)', { writes: 1, reads: 2 }, 2_000_000),
  craq('craq-r3-c2-w1r2-craq', 'as craq-r3-c2-w1r2 with the craq policy', { writes: 1, reads: 2, dirtyRead: 'craq' }, 2_000_000),
  craq('craq-r3-c1-w1r1-crash1', '3 replicas, 1 client, 1 write + 1 read, one crash and restart of any target, 2 timeouts', { clients: 1, writes: 1, reads: 1, crashes: 1, timeouts: 2 }, 2_000_000),
  craq('craq-r3-c2-w1r1-crash1', '3 replicas, 2 clients, 1 write + 1 read each, one crash and restart, 1 timeout (bounded)', { writes: 1, reads: 1, crashes: 1, timeouts: 1 }, 300_000),
  craq('craq-r3-c2-w1r1-drop1', '3 replicas, 2 clients, 1 write + 1 read each, one lost message, 1 timeout (bounded)', { writes: 1, reads: 1, drops: 1, timeouts: 1 }, 300_000),
  craq('craq-r3-c2-w1r1-dup1-craq', '3 replicas, 2 clients, 1 write + 1 read each, one duplicated message, craq policy', { writes: 1, reads: 1, dups: 1, dirtyRead: 'craq' }, 2_000_000),
  craq('craq-r2-c1-w2-pipelined', '2 replicas, 1 client with 2 channels issuing 2 writes at once, then a read', { replicas: 2, clients: 1, writes: 2, reads: 1, channels: 2, pipelined: true }, 2_000_000),
  ...CHAIN_MANAGER_CONFIGS.map(
    (c): NamedConfig => ({ name: c.name, model: 'chain-manager', note: c.note, maxStates: 5_000_000, run: (o) => explore(chainManagerModel(c.options), { maxStates: 5_000_000, ...o }) }),
  ),
  // whole system (issue 6): the 3FS P matrix; model 'system' (the lead widens NamedConfig['model'])
  ...SYSTEM_CONFIGS.map((c): NamedConfig => ({ name: c.name, model: c.model as unknown as NamedConfig['model'], note: c.note, maxStates: c.maxStates, run: c.run })),
];

/** For each CRAQ mutant, the configuration that exposes it (test/core/check/mutants.test.ts). */
export const MUTANT_CONFIGS: Readonly<Record<CraqMutant, Partial<CraqCheckConfig>>> = {
  tailAckBeforeCommit: { clients: 1, writes: 1, reads: 1 },
  commitWithoutAck: { clients: 1, writes: 1, reads: 1, crashes: 1, timeouts: 2 },
  headRepliesBeforeCommit: { clients: 1, writes: 2, reads: 1 },
  ackWithoutCommit: { clients: 1, writes: 1, reads: 1 },
  staleAckedWithoutForward: { clients: 1, writes: 1, reads: 1, crashes: 1, timeouts: 2 },
  readServesPendingAsCommitted: { replicas: 2, writes: 1, reads: 2 },
  craqServesStaleCommitted: { replicas: 2, writes: 1, reads: 2, dirtyRead: 'craq' },
  versionQueryToHead: { replicas: 2, writes: 1, reads: 2, dirtyRead: 'craq' },
  versionReplyIgnored: { replicas: 2, writes: 1, reads: 2, dirtyRead: 'craq' },
  dedupeIgnoresChannel: { replicas: 2, clients: 1, writes: 2, reads: 1, channels: 2, pipelined: true },
  dedupeIgnoresSeq: { clients: 1, writes: 2, reads: 1 },
  lockReleasedBeforeCommit: { clients: 1, writes: 1, reads: 0, dirtyRead: 'craq', liveness: true },
  clientNoRequestTimeout: { replicas: 2, clients: 1, writes: 1, reads: 0, drops: 1 },
};
