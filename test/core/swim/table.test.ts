import fc from 'fast-check';
import { EMPTY_TABLE, EMPTY_TRIE, denseAliveTable, lookup, put, tableEntries, trieDiff, trieFromArray, trieGet, trieSet } from '../../../core/swim/table';

describe('persistent member table (proofs-notes/swim-table.md)', () => {
  test('a trie behaves like a plain array under random sets (fast-check)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 5000 }), fc.integer({ min: 0, max: 1e6 })), { maxLength: 200 }), (ops) => {
        const ref = new Map<number, number>();
        let t = EMPTY_TRIE;
        for (const [i, v] of ops) {
          t = trieSet(t, i, v);
          ref.set(i, v);
        }
        for (const [i, v] of ref) if (trieGet(t, i) !== v) return false;
        return trieGet(t, 5001) === 0 && trieGet(t, 1 << 29) === 0;
      }),
      { numRuns: 100 },
    );
  });

  test('set never mutates the old version (persistence) and shares untouched subtrees', () => {
    const a = trieFromArray(Array.from({ length: 10_000 }, (_, i) => i + 1));
    const b = trieSet(a, 4321, 7);
    expect(trieGet(a, 4321)).toBe(4322);
    expect(trieGet(b, 4321)).toBe(7);
    const diffs: number[] = [];
    trieDiff(a, b, (i) => diffs.push(i));
    expect(diffs).toEqual([4321]);
  });

  test('trieDiff reports exactly the differing indices, including growth past the old capacity', () => {
    const a = trieFromArray([1, 2, 3]);
    const b = trieSet(trieSet(a, 1, 9), 40_000, 5);
    const seen: [number, number, number][] = [];
    trieDiff(a, b, (i, x, y) => seen.push([i, x, y]));
    expect(seen).toEqual([[1, 2, 9], [40_000, 0, 5]]);
  });

  test('the table keeps slots in first-appearance order and counts live members', () => {
    let t = put(EMPTY_TABLE, 42, 'alive', 0);
    t = put(t, 7, 'suspect', 3);
    t = put(t, 42, 'dead', 1);
    expect(tableEntries(t)).toEqual([
      { member: 42, status: 'dead', incarnation: 1 },
      { member: 7, status: 'suspect', incarnation: 3 },
    ]);
    expect(t.liveCount).toBe(1);
    expect(lookup(t, 8)).toBeUndefined();
  });

  test('10,000 members share one base table: a member that learns one fact copies one path only', () => {
    const base = denseAliveTable(10_000);
    expect(base.liveCount).toBe(10_000);
    const mine = put(base, 9999, 'suspect', 0);
    // the root differs, but all but one child of the root is the same object
    const r0 = base.entries.root as readonly unknown[];
    const r1 = mine.entries.root as readonly unknown[];
    expect(r1.filter((c, i) => c !== r0[i]).length).toBe(1);
  });
});
