/**
 * The whole-system explorer (core/check/system-model.ts; proofs-notes/system-check.md):
 * the small 3FS-matrix configurations pass exhaustively with liveness checked, and each
 * planted recovery bug is found with a short readable trace.
 */
import { explore } from '../../../core/check/explorer';
import { DEFAULT_SYSTEM_CONFIG, systemModel, systemReferenceModel } from '../../../core/check/system-model';
import { RECOVERY_MUTANT_NAMES } from '../../../core/chain/recovery';
import { LEASE_MUTANT_NAMES } from '../../../core/chain/lease';
import { LEASE_MUTANT_CONFIGS, RECOVERY_MUTANT_CONFIGS, SYSTEM_CONFIGS, SYSTEM_TEST_BOUNDS, SYSTEM_TEST_CONFIGS } from '../../../properties/system-configs';

describe('whole system: CRAQ + chain manager + recovery sync through crashes and restarts', () => {
  test.each(SYSTEM_TEST_CONFIGS)('%s: exhaustive, every invariant holds, LIVE-SYS-SERVING reachable from every state', (name) => {
    const c = SYSTEM_CONFIGS.find((x) => x.name === name)!;
    const r = c.run({});
    const v = r.violations[0];
    if (v) throw new Error(`${name}: ${v.invariant}: ${v.message}\n${v.trace.join('\n')}`);
    expect(r.exhaustive).toBe(true);
    expect(r.livenessChecked).toBe(true);
    expect(r.states).toBeGreaterThan(10);
  });

  test('the liveness check can fail: a system whose manager never sees a crash (no SWIM) cannot recover', () => {
    // over whole states (the reference model): the filter reads the actions' kinds
    const m = systemReferenceModel({ ...DEFAULT_SYSTEM_CONFIG, replicas: 2, clients: 1, writes: 1, reads: 0, failures: 1 });
    const blind = { ...m, actions: (s: Parameters<typeof m.actions>[0]) => m.actions(s).filter((a) => a.k !== 'detectDown' && a.k !== 'restart') };
    const r = explore(blind, {});
    expect(r.violations.map((x) => x.invariant)).toEqual(['LIVE-SYS-SERVING']);
  });
});

describe('recovery mutants are found by the system explorer (shortest traces)', () => {
  const reached = RECOVERY_MUTANT_NAMES.filter((m) => RECOVERY_MUTANT_CONFIGS[m] !== null);
  test.each(reached)('%s: found in a configuration the correct protocol passes (exhaustively above, or here to a stated bound)', (mutant) => {
    const named = SYSTEM_CONFIGS.find((x) => x.name === RECOVERY_MUTANT_CONFIGS[mutant])!;
    const r = explore(systemModel({ ...named.system, recoveryMutant: mutant }), { maxStates: named.maxStates });
    expect(r.violations.length).toBe(1);
    const v = r.violations[0];
    // readable: every step names what happened and the chain / replica versions after it
    expect(v.trace.every((l) => l.includes('=>') || l.startsWith('state:'))).toBe(true);
    expect(v.trace.some((l) => l.includes('sync'))).toBe(true);
    expect(v.depth).toBeLessThanOrEqual(20);
    if (!SYSTEM_TEST_CONFIGS.includes(named.name)) {
      // too large for an exhaustive run here: breadth-first to the stated bound, past the states the mutant needed
      const bound = SYSTEM_TEST_BOUNDS[named.name];
      expect(bound).toBeGreaterThan(r.states);
      const ok = explore(systemModel(named.system), { maxStates: bound });
      expect(ok.violations).toEqual([]);
      expect(ok.states).toBe(bound);
    }
  });
});

describe('lease fencing (core/chain/lease.ts): a live target cut off from the manager', () => {
  test.each(LEASE_MUTANT_NAMES)('%s: the explorer finds the stale read with a shortest readable trace', (mutant) => {
    const named = SYSTEM_CONFIGS.find((x) => x.name === LEASE_MUTANT_CONFIGS[mutant])!;
    const r = explore(systemModel({ ...named.system, leaseMutant: mutant }), { maxStates: named.maxStates });
    expect(r.violations.map((v) => v.invariant)).toEqual(['INV-LIN']);
    const v = r.violations[0];
    expect(v.trace.some((l) => l.includes('cut off from the manager'))).toBe(true);
    expect(v.trace.some((l) => l.includes('its lease ran out'))).toBe(true);
  });

  test('the fenced protocol passes the same configuration (exhaustive, liveness checked)', () => {
    const named = SYSTEM_CONFIGS.find((x) => x.name === LEASE_MUTANT_CONFIGS.noFence)!;
    const r = explore(systemModel(named.system), { maxStates: named.maxStates });
    expect(r.violations).toEqual([]);
    expect(r.exhaustive).toBe(true);
    expect(r.livenessChecked).toBe(true);
    expect(r.states).toBeGreaterThan(1_000_000);
  });
});
