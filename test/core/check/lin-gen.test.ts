import { historyFromPlan, simulateClients } from '../../../core/check/lin-gen';
import { checkHistory } from '../../../core/check/lin';

describe('lin-gen: histories linearizable by construction', () => {
  test('simulateClients is deterministic per seed, concurrent, has pending ops, and is ok', () => {
    const opts = { operations: 2000, keys: 10, clients: 8, readRatio: 0.5, casRatio: 0.1, pendingRatio: 0.02 };
    const a = simulateClients(7, opts);
    expect(simulateClients(7, opts)).toEqual(a);
    expect(simulateClients(8, opts)).not.toEqual(a);
    expect(a).toHaveLength(2000);
    expect(new Set(a.map((o) => o.key)).size).toBe(10);
    expect(a.filter((o) => o.return === undefined).length).toBeGreaterThan(10);
    // overlap: many operations are called before an earlier-called one returned
    const sorted = a.filter((o) => o.return !== undefined).sort((x, y) => x.call - y.call);
    let overlaps = 0;
    for (let i = 1; i < sorted.length; i++) if (sorted[i].call <= sorted[i - 1].return!) overlaps++;
    expect(overlaps).toBeGreaterThan(1000);
    expect(checkHistory(a, { model: 'cas' }).result).toBe('ok');
  });

  test('a plan whose point lies outside its interval is rejected', () => {
    const bad = { client: 0, op: 'write' as const, key: 'x', value: 1, casExpectsCurrent: true, otherExpected: null, call: 5, point: 4, return: 9, effective: true };
    expect(() => historyFromPlan([bad])).toThrow(RangeError);
  });
});
