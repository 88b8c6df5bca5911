import fc from 'fast-check';
import { PMap } from '../../core/pmap';

/** Key pairs whose 32-bit hashes collide (found offline), so collision nodes are exercised. */
const COLLIDING = [
  ['k32728', 'k261234'],
  ['k32729', 'k261235'],
  ['k32724', 'k261238'],
];

const keyArb = fc.oneof(
  fc.constantFrom(...COLLIDING.flat()),
  fc.string({ maxLength: 3 }),
  fc.integer({ min: 0, max: 300 }).map((i) => `c${i}`),
);

type Op = { readonly k: 'set'; readonly key: string; readonly v: number } | { readonly k: 'del'; readonly key: string };
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ k: fc.constant('set' as const), key: keyArb, v: fc.integer({ min: 0, max: 5 }) }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('del' as const), key: keyArb }) },
);

function apply(m: PMap<number>, op: Op, owner?: object): PMap<number> {
  return op.k === 'set' ? m.set(op.key, op.v, owner) : m.delete(op.key, owner);
}

function applyModel(m: Map<string, number>, op: Op): void {
  if (op.k === 'set') m.set(op.key, op.v);
  else m.delete(op.key);
}

function expectSame(p: PMap<number>, m: ReadonlyMap<string, number>): void {
  expect([...p]).toEqual([...m]); // same entries, same (insertion) order
  expect(p.size).toBe(m.size);
  for (const k of m.keys()) {
    expect(p.get(k)).toBe(m.get(k));
    expect(p.has(k)).toBe(true);
  }
  expect(p.sortedEntries()).toEqual([...m].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)));
}

describe('PMap: a persistent HAMT that behaves like an immutable Map', () => {
  test('agrees with Map (entries, insertion order, size, get/has) after any sequence of sets and deletes', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 200 }), fc.array(keyArb, { maxLength: 10 }), (ops, probes) => {
        let p = PMap.empty<number>();
        const m = new Map<string, number>();
        for (const op of ops) {
          p = apply(p, op);
          applyModel(m, op);
        }
        expectSame(p, m);
        for (const k of probes) {
          expect(p.has(k)).toBe(m.has(k));
          expect(p.get(k)).toBe(m.get(k));
        }
      }),
      { numRuns: 300 },
    );
  });

  test('old versions never change: every intermediate map still holds what it held', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 120 }), (ops) => {
        const versions: [PMap<number>, Map<string, number>][] = [];
        let p = PMap.empty<number>();
        const m = new Map<string, number>();
        for (const op of ops) {
          p = apply(p, op);
          applyModel(m, op);
          versions.push([p, new Map(m)]);
        }
        for (const [pv, mv] of versions) expectSame(pv, mv);
      }),
      { numRuns: 200 },
    );
  });

  test('transient edits (one owner per batch) agree with Map and leave every map from an earlier batch unchanged, even frozen ones', () => {
    fc.assert(
      fc.property(fc.array(fc.array(opArb, { maxLength: 12 }), { maxLength: 20 }), (batches) => {
        const versions: [PMap<number>, Map<string, number>][] = [];
        let p = PMap.empty<number>();
        const m = new Map<string, number>();
        for (const batch of batches) {
          const owner = {};
          for (const op of batch) {
            p = apply(p, op, owner);
            applyModel(m, op);
          }
          deepFreeze(p);
          versions.push([p, new Map(m)]);
        }
        for (const [pv, mv] of versions) expectSame(pv, mv);
      }),
      { numRuns: 200 },
    );
  });

  test('set of the value already there returns the same map; delete of an absent key too', () => {
    const a = PMap.empty<number>().set('x', 1).set('y', 2);
    expect(a.set('x', 1)).toBe(a);
    expect(a.delete('z')).toBe(a);
    expect(a.set('x', 3)).not.toBe(a);
    expect(a.get('x')).toBe(1);
  });

  test('a replaced key keeps its place; a deleted key that returns goes to the end', () => {
    const a = PMap.empty<number>().set('a', 1).set('b', 2).set('c', 3).set('a', 9);
    expect([...a.keys()]).toEqual(['a', 'b', 'c']);
    const b = a.delete('a').set('a', 1);
    expect([...b.keys()]).toEqual(['b', 'c', 'a']);
    expect([...b.values()]).toEqual([2, 3, 1]);
    const seen: string[] = [];
    b.forEach((v, k) => seen.push(`${k}=${v}`));
    expect(seen).toEqual(['b=2', 'c=3', 'a=1']);
  });

  test('has() tells a key mapped to undefined from an absent key', () => {
    const a = PMap.empty<number | undefined>().set('u', undefined);
    expect(a.has('u')).toBe(true);
    expect(a.has('v')).toBe(false);
    expect(a.size).toBe(1);
  });

  test('from() builds the map of its entries and is not editable by anyone afterwards', () => {
    const entries: [string, number][] = Array.from({ length: 1000 }, (_, i) => [`k${i}`, i]);
    const a = PMap.from(entries);
    expectSame(a, new Map(entries));
    const b = a.set('k1', -1, {});
    expect(a.get('k1')).toBe(1);
    expect(b.get('k1')).toBe(-1);
  });
});

function deepFreeze(x: unknown, seen = new Set<unknown>()): void {
  if (x === null || typeof x !== 'object' || seen.has(x)) return;
  seen.add(x);
  Object.freeze(x);
  for (const v of Object.values(x as object)) deepFreeze(v, seen);
}

test('the empty string is a key like any other, also as the first key a fresh module hashes (hash cache)', () => {
  jest.isolateModules(() => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const fresh = require('../../core/pmap') as typeof import('../../core/pmap');
    let m = fresh.PMap.empty<number>().set('', 1);
    for (let i = 0; i < 50; i++) m = m.set(`k${i}`, i);
    expect(m.get('')).toBe(1);
  });
  let a = PMap.empty<number>().set('', 1);
  for (let i = 0; i < 50; i++) a = a.set(`k${i}`, i);
  expect(a.get('')).toBe(1);
  expect(a.has('')).toBe(true);
  expect(a.delete('').has('')).toBe(false);
  expect(a.delete('').size).toBe(50);
});
