/**
 * The whole-system explorer (core/check/system-model.ts; proofs-notes/system-check.md):
 * the small 3FS-matrix configurations pass exhaustively with liveness checked, and each
 * planted recovery bug is found with a short readable trace.
 */
import { explore } from '../../../core/check/explorer';
import { DEFAULT_SYSTEM_CONFIG, systemModel } from '../../../core/check/system-model';
import { RECOVERY_MUTANT_NAMES } from '../../../core/chain/recovery';
import { RECOVERY_MUTANT_CONFIGS, SYSTEM_CONFIGS, SYSTEM_TEST_CONFIGS } from '../../../properties/system-configs';

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
    const m = systemModel({ ...DEFAULT_SYSTEM_CONFIG, replicas: 2, clients: 1, writes: 1, reads: 0, failures: 1 });
    const blind = { ...m, actions: (s: Parameters<typeof m.actions>[0]) => m.actions(s).filter((a) => a.k !== 'detectDown' && a.k !== 'restart') };
    const r = explore(blind, {});
    expect(r.violations.map((x) => x.invariant)).toEqual(['LIVE-SYS-SERVING']);
  });
});

describe('recovery mutants are found by the system explorer (shortest traces)', () => {
  test.each(RECOVERY_MUTANT_NAMES)('%s: found in a configuration the correct protocol passes (npm test runs it above)', (mutant) => {
    const named = SYSTEM_CONFIGS.find((x) => x.name === RECOVERY_MUTANT_CONFIGS[mutant])!;
    expect(SYSTEM_TEST_CONFIGS).toContain(named.name);
    const r = explore(systemModel({ ...named.system, recoveryMutant: mutant }), { maxStates: named.maxStates });
    expect(r.violations.length).toBe(1);
    const v = r.violations[0];
    // readable: every step names what happened and the chain / replica versions after it
    expect(v.trace.every((l) => l.includes('=>') || l.startsWith('state:'))).toBe(true);
    expect(v.trace.some((l) => l.includes('sync'))).toBe(true);
    expect(v.depth).toBeLessThanOrEqual(20);
  });
});
