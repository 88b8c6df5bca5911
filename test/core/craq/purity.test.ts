/**
 * Stepping never mutates its input (house rule: the explorer keeps old states and re-steps
 * them). Random walks through the CRAQ model and the whole-system model (targets, clients,
 * chain manager, recovery sync, crashes, timeouts, every CRAQ mutant): before each move the
 * whole state is deep-frozen (a write to a frozen object throws in strict mode) and
 * snapshotted (Maps and byte arrays cannot be frozen); after the move the old state must
 * snapshot the same, and applying the same move to it again must give the same successor.
 */
import { Rng } from '../../../core/prng';
import { ExplorerModel } from '../../../core/check/explorer';
import { CraqCheckConfig, DEFAULT_CHECK_CONFIG, craqModel } from '../../../core/check/craq-model';
import { DEFAULT_SYSTEM_CONFIG, SystemCheckConfig, systemReferenceModel } from '../../../core/check/system-model';
import { CRAQ_MUTANT_NAMES } from '../../../core/craq/mutants';
import { InvariantViolation } from '../../../core/types';

function deepFreeze(x: unknown, seen: Set<unknown>): void {
  if (x === null || typeof x !== 'object' || seen.has(x)) return;
  seen.add(x);
  if (ArrayBuffer.isView(x)) return; // typed arrays with elements cannot be frozen; the snapshot covers them
  Object.freeze(x);
  if (x instanceof Map) for (const [k, v] of x) (deepFreeze(k, seen), deepFreeze(v, seen));
  if (x instanceof Set) for (const v of x) deepFreeze(v, seen);
  for (const v of Object.values(x)) deepFreeze(v, seen);
}

/** Every reachable field and element (shared objects once, by first-visit number). */
function snapshot(x: unknown, ids = new Map<unknown, number>()): string {
  if (x === null || typeof x !== 'object') return typeof x === 'string' ? JSON.stringify(x) : String(x);
  const id = ids.get(x);
  if (id !== undefined) return `#${id}`;
  ids.set(x, ids.size);
  if (ArrayBuffer.isView(x)) return `bytes(${Array.from(x as Uint8Array).join(',')})`;
  const parts: string[] = [];
  if (x instanceof Map) for (const [k, v] of x) parts.push(`${snapshot(k, ids)}=>${snapshot(v, ids)}`);
  if (x instanceof Set) for (const v of x) parts.push(snapshot(v, ids));
  for (const [k, v] of Object.entries(x)) parts.push(`${k}:${snapshot(v, ids)}`);
  return `${x.constructor?.name ?? ''}{${parts.join(',')}}`;
}

function walk<S, A>(model: ExplorerModel<S, A>, seed: number, walks: number, depth: number): number {
  const rng = new Rng(seed);
  let moves = 0;
  for (let w = 0; w < walks; w++) {
    let s = model.initial();
    for (let d = 0; d < depth; d++) {
      const acts = model.actions(s);
      if (acts.length === 0) break;
      const a = acts[rng.below(acts.length)];
      deepFreeze(s, new Set());
      const before = snapshot(s);
      let next: S;
      try {
        next = model.apply(s, a);
      } catch (e) {
        // a mutant's broken invariant ends the walk; the state it started from must still be intact
        if (!(e instanceof InvariantViolation)) throw e;
        expect(snapshot(s)).toBe(before);
        break;
      }
      expect(snapshot(s)).toBe(before);
      expect(snapshot(model.apply(s, a))).toBe(snapshot(next));
      s = next;
      moves++;
    }
  }
  return moves;
}

describe('stepping does not mutate its input (deep-frozen states, random walks)', () => {
  const craqCases: [string, Partial<CraqCheckConfig>][] = [
    ['3fs, faults', { crashes: 1, drops: 1, dups: 1, timeouts: 3 }],
    ['craq reads, faults', { dirtyRead: 'craq', crashes: 1, drops: 1, dups: 1, timeouts: 3 }],
    ['pipelined, two channels', { pipelined: true, channels: 2, writes: 3, timeouts: 2, dirtyRead: 'craq' }],
  ];
  test.each(craqCases)('CRAQ model: %s', (_name, over) => {
    const moves = walk(craqModel({ ...DEFAULT_CHECK_CONFIG, ...over }), 7, 12, 60);
    expect(moves).toBeGreaterThan(300);
  });

  test('CRAQ model: every mutant', () => {
    for (const mutant of CRAQ_MUTANT_NAMES) {
      walk(craqModel({ ...DEFAULT_CHECK_CONFIG, dirtyRead: mutant.startsWith('craq') || mutant.startsWith('version') ? 'craq' : '3fs', crashes: 1, timeouts: 2, mutant }), 11, 3, 50);
    }
  });

  const systemCases: [string, Partial<SystemCheckConfig>][] = [
    ['LASTSRV reset, 3 replicas', { replicas: 3, failures: 2, earlyTimeouts: 2 }],
    ['redrive, craq reads', { lastsrvReturn: 'redrive', dirtyRead: 'craq', failures: 2, earlyTimeouts: 2 }],
  ];
  // the reference model: its states are the machines' own (the interned model's are ids)
  test.each(systemCases)('system model (manager, recovery sync): %s', (_name, over) => {
    const moves = walk(systemReferenceModel({ ...DEFAULT_SYSTEM_CONFIG, ...over }), 13, 15, 80);
    expect(moves).toBeGreaterThan(300);
  });
});
