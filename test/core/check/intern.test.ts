/**
 * The interning layer (core/check/intern.ts), the fingerprint set and the explorer's packed
 * breadth-first path and tracer.
 */
import fc from 'fast-check';
import { FreshIds, IntPairMap, ItemTable, TupleHasher } from '../../../core/check/intern';
import { FingerprintSet, SmallColumn } from '../../../core/check/fingerprint';
import { explore, ExplorerModel } from '../../../core/check/explorer';
import { InvariantViolation } from '../../../core/types';
import { precedenceKey } from '../../../core/check/lin-memo';
import { checkHistory } from '../../../core/check/lin';
import { LinOperation } from '../../../core/check/lin-types';

test('IntPairMap agrees with a Map on random operations (through growth)', () => {
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.nat(50), fc.nat(50), fc.nat(1000)), { maxLength: 3000 }), (ops) => {
      const m = new IntPairMap(4);
      const ref = new Map<string, number>();
      for (const [a, b, v] of ops) {
        m.set(a, b, v);
        ref.set(`${a},${b}`, v);
      }
      for (let a = 0; a <= 50; a += 5) for (let b = 0; b <= 50; b += 3) expect(m.get(a, b)).toBe(ref.get(`${a},${b}`) ?? -1);
      expect(m.size).toBe(ref.size);
    }),
    { numRuns: 30 },
  );
});

test('FingerprintSet: dense ids, duplicates found, through growth', () => {
  const set = new FingerprintSet(4);
  const ids = new Map<string, number>();
  for (let i = 0; i < 20_000; i++) {
    const h = Math.imul(i % 7919, 2654435761) >>> 0;
    const l = (i % 7919) * 3;
    const id = set.add(h, l);
    const key = `${h},${l}`;
    if (ids.has(key)) expect(id).toBe(-1 - ids.get(key)!);
    else {
      expect(id).toBe(ids.size);
      ids.set(key, id);
    }
  }
  expect(set.size).toBe(7919);
});

test('SmallColumn widens when a value needs more bytes', () => {
  const c = new SmallColumn();
  const xs = [0, 255, 3, 256, 70000, 1, 65535];
  for (const x of xs) c.push(x);
  expect(xs.map((_, i) => c.get(i))).toEqual(xs);
});

describe('TupleHasher', () => {
  const fresh = new FreshIds();
  const comps = new ItemTable<string>(fresh);
  const bag = new ItemTable<string>(fresh);
  const hasher = new TupleHasher([comps, 'plain', 'skip'], [bag]);
  const fp = (t: number[]) => {
    const out = new Int32Array(2);
    hasher.fingerprint(t, out);
    return `${out[0]}.${out[1]}`;
  };
  const c = (s: string) => comps.intern(s, s);
  const m = (s: string) => bag.intern(s, s);

  test('ignores the order of the bag and the skipped position', () => {
    expect(fp([c('a'), 7, 1, m('x'), m('y'), m('x')])).toBe(fp([c('a'), 7, 2, m('x'), m('x'), m('y')]));
    expect(fp([c('a'), 7, 1, m('x'), m('y')])).not.toBe(fp([c('a'), 7, 1, m('x'), m('x')]));
    expect(fp([c('a'), 7, 1, m('x')])).not.toBe(fp([c('a'), 8, 1, m('x')]));
    expect(fp([c('a'), 7, 1, m('x')])).not.toBe(fp([c('b'), 7, 1, m('x')]));
    expect(fp([c('a'), 7, 1])).not.toBe(fp([c('a'), 7, 1, m('x')]));
  });

  test('identifies tuples up to an order-preserving renaming of fresh ids, per namespace, across the whole tuple', () => {
    // a client waiting for request 5 with the reply to request 5 in flight ...
    const a = fp([c('wait ⟨R0:5⟩'), 0, 0, m('reply ⟨R0:5⟩'), m('old ⟨R0:2⟩')]);
    // ... is the same state as with 9 and 4 (order kept) ...
    expect(fp([c('wait ⟨R0:9⟩'), 0, 0, m('old ⟨R0:4⟩'), m('reply ⟨R0:9⟩')])).toBe(a);
    // ... but not when the order flips, the correlation breaks, or the namespaces differ
    expect(fp([c('wait ⟨R0:2⟩'), 0, 0, m('reply ⟨R0:2⟩'), m('old ⟨R0:5⟩')])).not.toBe(a);
    expect(fp([c('wait ⟨R0:5⟩'), 0, 0, m('reply ⟨R0:2⟩'), m('old ⟨R0:5⟩')])).not.toBe(a);
    expect(fp([c('wait ⟨R0:5⟩'), 0, 0, m('reply ⟨R1:5⟩'), m('old ⟨R0:2⟩')])).not.toBe(a);
  });
});

describe('precedenceKey', () => {
  const op = (client: number, kind: 'write' | 'read', v: string | null, call: number, ret?: number): LinOperation =>
    kind === 'write' ? { client, op: 'write', key: 'x', value: v, call, ...(ret !== undefined ? { return: ret } : {}) } : { client, op: 'read', key: 'x', output: v, call, ...(ret !== undefined ? { return: ret } : {}) };
  test('equal for histories that differ only in times with the same precedence; different otherwise', () => {
    const a = [op(0, 'write', '1', 0, 3), op(1, 'read', '1', 1, 2), op(0, 'read', '1', 4, 5)];
    const b = [op(1, 'read', '1', 10, 20), op(0, 'write', '1', 5, 30), op(0, 'read', '1', 31, 40)];
    expect(precedenceKey(a)).toBe(precedenceKey(b));
    const c = [op(0, 'write', '1', 0, 1), op(1, 'read', '1', 2, 3), op(0, 'read', '1', 4, 5)];
    expect(precedenceKey(c)).not.toBe(precedenceKey(a));
  });
  test('histories with equal keys have equal verdicts (random small histories)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ client: fc.nat(2), read: fc.boolean(), v: fc.constantFrom('1', '2', null), call: fc.nat(20), len: fc.nat(6), pending: fc.boolean() }), { minLength: 1, maxLength: 5 }),
        fc.nat(1000),
        (raw, shift) => {
          const ops = raw.map((r) => op(r.client, r.read ? 'read' : 'write', r.read ? r.v : (r.v ?? '1'), r.call, r.pending && !r.read ? undefined : r.call + r.len));
          // the same history with every time moved by a monotone map: same key, same verdict
          const moved = ops.map((o) => ({ ...o, call: o.call * 3 + shift, ...(o.return !== undefined ? { return: o.return * 3 + shift } : {}) }));
          expect(precedenceKey(moved)).toBe(precedenceKey(ops));
          expect(checkHistory(moved, { model: 'register' }).result).toBe(checkHistory(ops, { model: 'register' }).result);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('explorer with packed states and a tracer', () => {
  type S = number[];
  const counters = (max: number): ExplorerModel<S, number> => ({
    name: 'counters',
    initial: () => [0, 0, 0],
    actions: (s) => [0, 1, 2].filter((i) => s[i] < max),
    apply: (s, i) => s.map((x, j) => (j === i ? x + 1 : x)),
    encode: (s) => s.join(','),
    invariants: [],
    describe: (_b, i, n) => `inc ${i} -> ${n.join(',')}`,
  });
  const packed = (m: ExplorerModel<S, number>): ExplorerModel<S, number> => ({
    ...m,
    packing: {
      ints: (s) => s,
      state: (buf, at, len) => Array.from(buf.subarray(at, at + len)),
      applyInto: (s, i, out) => {
        const n = m.apply(s, i);
        out.set(n);
        return n.length;
      },
      fingerprint: (buf, len, out) => {
        out[0] = 0;
        out[1] = buf[0] * 10_000 + buf[1] * 100 + buf[2];
      },
    },
  });

  test('the packed path visits the same states as the plain one', () => {
    const a = explore(counters(6), {});
    const b = explore(packed(counters(6)), {});
    expect(b.states).toBe(343);
    expect({ ...b, bytesPerState: 0 }).toEqual({ ...a, bytesPerState: 0 });
  });

  test('a violation is confirmed on the tracer and printed through it', () => {
    const bad = (s: S) => (s[0] === 2 && s[1] === 1 ? 'reached 2,1' : null);
    const m: ExplorerModel<S, number> = { ...packed(counters(3)), invariants: [{ id: 'INV-T', check: bad }] };
    const tracer: ExplorerModel<S, number> = { ...counters(3), invariants: [{ id: 'INV-T', check: (s) => (bad(s) ? 'tracer: reached 2,1' : null) }], describe: (_b, i) => `TRACER inc ${i}` };
    const r = explore({ ...m, tracer }, {});
    expect(r.violations[0].message).toBe('tracer: reached 2,1');
    expect(r.violations[0].trace).toEqual(['TRACER inc 0', 'TRACER inc 0', 'TRACER inc 1']);
  });

  test('a model and a tracer that disagree stop the search', () => {
    const m: ExplorerModel<S, number> = { ...packed(counters(3)), invariants: [{ id: 'INV-T', check: (s) => (s[2] === 2 ? 'bad' : null) }] };
    expect(() => explore({ ...m, tracer: counters(3) }, {})).toThrow(/disagree/);
    const throwing: ExplorerModel<S, number> = {
      ...counters(3),
      apply: (s, i) => {
        if (s[0] === 1 && i === 1) throw new InvariantViolation('INV-STEP', 'no');
        return counters(3).apply(s, i);
      },
    };
    expect(() => explore({ ...throwing, tracer: counters(3) }, {})).toThrow(/disagree/);
    const both = explore({ ...throwing, tracer: throwing }, {});
    expect(both.violations[0].invariant).toBe('INV-STEP');
    expect(both.violations[0].trace[both.violations[0].trace.length - 1]).toContain('!! INV-STEP');
  });
});
