import {
  LinOperation,
  LinResult,
  LinValue,
  checkHistory,
  formatOperations,
  formatResult,
  formatTimeline,
  historyProblem,
  pruneKey,
  registerModel,
  searchLinearization,
  unexplainedValues,
} from '../../../core/check/lin';
import { witnessProblem } from '../../../properties/lin';
import { BitSet } from '../../../core/check/lin-search';
import { Rng } from '../../../core/prng';

// Histories in the style of Porcupine's register tests (ANCHORS.md "Linearizability checking").
// Times: closed intervals; a precedes b iff a.return < b.call.
const w = (client: number, value: LinValue, call: number, ret?: number, key = 'x'): LinOperation =>
  ({ client, op: 'write', key, value, call, ...(ret === undefined ? {} : { return: ret }) });
const r = (client: number, output: LinValue, call: number, ret?: number, key = 'x'): LinOperation =>
  ({ client, op: 'read', key, call, ...(ret === undefined ? {} : { return: ret, output }) });
const cas = (client: number, expected: LinValue, value: LinValue, output: boolean | undefined, call: number, ret?: number, key = 'x'): LinOperation =>
  ({ client, op: 'cas', key, expected, value, call, ...(ret === undefined ? {} : { return: ret, output }) });

const verdict = (ops: LinOperation[], model: 'register' | 'cas' = 'register') => checkHistory(ops, { model }).result;

/** The witness of an ok result is checked independently (properties/lin.ts). */
function assertWitness(ops: readonly LinOperation[], res: LinResult): void {
  expect(witnessProblem(ops, res)).toBeUndefined();
}

describe('lin: register model, classic histories', () => {
  test('Porcupine register example 1: reads on both sides of a concurrent write are linearizable', () => {
    const h = [w(0, 100, 0, 100), r(1, 100, 25, 75), r(2, null, 30, 60)];
    const res = checkHistory(h, { model: 'register' });
    expect(res.result).toBe('ok');
    assertWitness(h, res);
  });

  test('Porcupine register example 2: a read of the initial value after a read of the new value is illegal', () => {
    expect(verdict([w(0, 200, 0, 100), r(1, 200, 10, 30), r(2, null, 40, 90)])).toBe('illegal');
  });

  test('stale read: a read that starts after write 2 returned cannot see write 1', () => {
    expect(verdict([w(0, 1, 0, 10), w(0, 2, 20, 30), r(1, 1, 40, 50)])).toBe('illegal');
    expect(verdict([w(0, 1, 0, 10), w(0, 2, 20, 30), r(1, 1, 25, 50)])).toBe('ok'); // overlaps write 2
  });

  test('concurrent writes may be ordered either way, but every reader must agree on one order', () => {
    expect(verdict([w(0, 1, 0, 10), w(1, 2, 5, 15), r(2, 1, 20, 30)])).toBe('ok');
    expect(verdict([w(0, 1, 0, 10), w(1, 2, 5, 15), r(2, 2, 20, 30)])).toBe('ok');
    expect(verdict([w(0, 1, 0, 10), w(1, 2, 5, 15), r(2, 1, 20, 30), r(3, 2, 40, 50)])).toBe('illegal');
    expect(verdict([w(0, 1, 0, 10), w(1, 2, 5, 15), r(2, 1, 20, 30), r(3, 2, 25, 50), r(4, 1, 60, 70)])).toBe('illegal');
  });

  test('a read of a value nobody wrote is illegal; of a never-written key is null', () => {
    expect(verdict([w(0, 1, 0, 10), r(1, 7, 0, 20)])).toBe('illegal');
    expect(verdict([r(1, null, 0, 20)])).toBe('ok');
    expect(verdict([r(1, 1, 0, 20)])).toBe('illegal');
  });

  test('touching intervals are concurrent: a read called when a write returns may miss it', () => {
    expect(verdict([w(0, 1, 0, 10), r(1, null, 10, 20)])).toBe('ok');
    expect(verdict([w(0, 1, 0, 10), r(1, null, 11, 20)])).toBe('illegal');
  });

  test('values compare strictly: 1 and "1" are different values', () => {
    expect(verdict([w(0, 1, 0, 10), r(1, '1', 20, 30)])).toBe('illegal');
    expect(verdict([w(0, 'a', 0, 10), r(1, 'a', 20, 30)])).toBe('ok');
  });

  test('the order of operations in the input array does not matter', () => {
    const h = [w(0, 1, 0, 10), w(1, 2, 5, 15), r(2, 1, 20, 30), r(3, 2, 40, 50)];
    expect(verdict(h.slice().reverse())).toBe('illegal');
    expect(verdict([h[2], h[0], h[1]])).toBe('ok');
  });
});

describe('lin: operations that never returned', () => {
  test('a pending write may take effect: a later read may see it', () => {
    const h = [w(0, 1, 0), r(1, 1, 10, 20)];
    const res = checkHistory(h, { model: 'register' });
    expect(res.result).toBe('ok');
    assertWitness(h, res);
  });

  test('a pending write may never take effect: later reads may see null', () => {
    expect(verdict([w(0, 1, 0), r(1, null, 100, 110)])).toBe('ok');
  });

  test('once a pending write is observed it stays (no other write): null after 1 is illegal', () => {
    expect(verdict([w(0, 1, 0), r(1, 1, 10, 20), r(1, null, 30, 40)])).toBe('illegal');
    expect(verdict([w(0, 1, 0), r(1, null, 5, 8), r(1, 1, 10, 20)])).toBe('ok');
  });

  test('a pending operation cannot take effect before its call', () => {
    expect(verdict([r(1, 1, 0, 5), w(0, 1, 10)])).toBe('illegal');
  });

  test('pending reads are dropped: their (absent) output constrains nothing', () => {
    expect(verdict([w(0, 1, 0, 10), r(1, null, 20), r(2, 1, 30, 40)])).toBe('ok');
  });

  test('a pending write may be linearised after a later write (it returns at +infinity)', () => {
    // client 0 issued write 1 and never heard back; write 2 completed later; read sees 1 last
    expect(verdict([w(0, 1, 0), w(1, 2, 10, 20), r(2, 1, 30, 40)])).toBe('ok');
  });

  test('pruning drops only pending writes nothing could observe', () => {
    const h = [w(0, 1, 0), w(0, 2, 0), r(1, 2, 10, 20), r(2, null, 3)];
    expect(pruneKey(h)).toEqual([w(0, 2, 0), r(1, 2, 10, 20)]);
    // a failed cas could rely on the unobserved write: nothing is pruned then
    const c = [w(0, 1, 0), cas(1, null, 5, false, 10, 20)];
    expect(pruneKey(c)).toEqual(c);
    expect(verdict(c, 'cas')).toBe('ok');
    expect(verdict([cas(1, null, 5, false, 10, 20)], 'cas')).toBe('illegal');
  });
});

describe('lin: compare-and-set model', () => {
  test('a successful cas needs the expected value and installs the new one', () => {
    expect(verdict([cas(0, null, 1, true, 0, 10), r(1, 1, 20, 30)], 'cas')).toBe('ok');
    expect(verdict([w(0, 3, 0, 5), cas(0, null, 1, true, 10, 20)], 'cas')).toBe('illegal');
  });

  test('a failed cas needs a different value and changes nothing', () => {
    expect(verdict([w(0, 3, 0, 5), cas(1, null, 1, false, 10, 20), r(2, 3, 30, 40)], 'cas')).toBe('ok');
    expect(verdict([w(0, 1, 0, 5), cas(1, 1, 2, false, 10, 20)], 'cas')).toBe('illegal');
  });

  test('two concurrent cas from the same expected value cannot both succeed', () => {
    expect(verdict([cas(0, null, 1, true, 0, 10), cas(1, null, 2, true, 0, 10)], 'cas')).toBe('illegal');
    const h = [cas(0, null, 1, true, 0, 10), cas(1, null, 2, false, 0, 10), r(2, 1, 20, 30)];
    const res = checkHistory(h, { model: 'cas' });
    expect(res.result).toBe('ok');
    assertWitness(h, res);
  });

  test('a pending cas may take effect only where the expected value holds', () => {
    expect(verdict([cas(0, null, 1, undefined, 0), r(1, 1, 10, 20)], 'cas')).toBe('ok');
    expect(verdict([cas(0, 5, 1, undefined, 0), r(1, 1, 10, 20)], 'cas')).toBe('illegal');
    expect(verdict([cas(0, null, 1, undefined, 0), r(1, null, 10, 20)], 'cas')).toBe('ok');
  });

  test('cas under the register model is a caller error', () => {
    expect(historyProblem([cas(0, null, 1, true, 0, 10)], 'register')).toMatch(/needs model cas/);
    expect(() => checkHistory([cas(0, null, 1, true, 0, 10)], { model: 'register' })).toThrow(RangeError);
    expect(() => checkHistory([w(0, 1, 10, 5)], { model: 'register' })).toThrow(/return/);
    expect(() => checkHistory([w(0, undefined as unknown as null, 0, 5)], { model: 'register' })).toThrow(/'value'/);
    expect(() => checkHistory([w(0, NaN, 0, 5)], { model: 'register' })).toThrow(/'value'/);
    expect(() => checkHistory([{ client: 0, op: 'read', key: 'x', call: 0, return: 1 }], { model: 'register' })).toThrow(/output/);
  });
});

/** n concurrent writes, half of 1 and half of 2, then reads 1, 2, 1 in sequence: the third read
 * needs a write of 1 after the read of 2, and every write finished before the reads began.
 * Illegal, and value-flow pruning cannot see it until the writes are all placed. */
function alternations(n: number): LinOperation[] {
  const h: LinOperation[] = [];
  for (let i = 0; i < n; i++) h.push(w(i, 1 + (i % 2), 0, 100));
  h.push(r(20, 1, 200, 210), r(20, 2, 220, 230), r(20, 1, 240, 250));
  return h;
}

describe('lin: P-compositionality and results', () => {
  test('keys are checked separately; the illegal key is named', () => {
    const h = [w(0, 1, 0, 10, 'a'), r(1, 1, 20, 30, 'a'), w(0, 1, 0, 10, 'b'), r(1, null, 20, 30, 'b')];
    const res = checkHistory(h, { model: 'register' });
    expect(res.result).toBe('illegal');
    if (res.result !== 'illegal') return;
    expect(res.key).toBe('b');
    expect(res.keys).toBe(2);
    expect(res.operations).toBe(4);
  });

  test('a value written to one key is not visible on another', () => {
    expect(verdict([w(0, 1, 0, 10, 'a'), r(1, 1, 20, 30, 'b')])).toBe('illegal');
  });

  test('minimisation keeps exactly the operations that cannot be ordered, printed one per line', () => {
    // a long legal history with one stale read planted at the end
    const h: LinOperation[] = [];
    for (let i = 0; i < 40; i++) {
      h.push(w(i % 3, i, i * 10, i * 10 + 4));
      h.push(r((i + 1) % 3, i, i * 10 + 5, i * 10 + 8));
    }
    h.push(r(7, 38, 500, 510)); // 39 was written at [390, 394]: stale
    const res = checkHistory(h, { model: 'register' });
    expect(res.result).toBe('illegal');
    if (res.result !== 'illegal') return;
    expect(res.minimised).toBe(true);
    expect(res.minimal).toEqual([w(2, 38, 380, 384), w(0, 39, 390, 394), r(7, 38, 500, 510)]);
    expect(formatResult(res)).toBe(
      [
        'illegal: key x is not linearizable (model register). These 3 of its 81 operations cannot be ordered (minimal: without any one of them the rest can be ordered, or reads a value nobody wrote):',
        '  client 2  write x 38     [380, 384]  |--|',
        '  client 0  write x 39     [390, 394]        |--|',
        '  client 7  read  x -> 38  [500, 510]              |--|',
      ].join('\n'),
    );
  });

  test('the minimal set is 1-minimal: illegal, and dropping any one op makes it legal or reads a value nobody wrote', () => {
    const h = [w(0, 1, 0, 10), w(1, 2, 5, 15), r(2, 1, 20, 30), r(3, 2, 40, 50), r(4, 2, 41, 52), w(5, 9, 0)];
    const res = checkHistory(h, { model: 'register' });
    if (res.result !== 'illegal') throw new Error('expected illegal');
    expect(verdict([...res.minimal])).toBe('illegal');
    expect(res.minimal).toHaveLength(4); // w1, w2, r1, one r2: the writes explain the reads
    for (let i = 0; i < res.minimal.length; i++) {
      const rest = res.minimal.filter((_, j) => j !== i);
      expect(verdict(rest) === 'ok' || unexplainedValues(rest).size > 0).toBe(true);
    }
  });

  test('a minimisation stopped by its budget says so, and still returns an illegal set', () => {
    const h: LinOperation[] = [];
    for (let i = 0; i < 20; i++) h.push(w(0, i, i * 10, i * 10 + 4), r(1, i, i * 10 + 5, i * 10 + 8));
    h.push(r(7, 3, 500, 510));
    const res = checkHistory(h, { model: 'register', minimiseStepBudget: 10 });
    if (res.result !== 'illegal') throw new Error('expected illegal');
    expect(res.minimised).toBe(false);
    expect(res.minimal.length).toBeGreaterThan(3);
    expect(checkHistory([...res.minimal], { model: 'register', minimise: false }).result).toBe('illegal');
    expect(formatResult(res)).toContain('the limit stopped the minimisation: possibly not minimal');
  });

  test('a read of a value nobody wrote minimises to that read alone', () => {
    const h = [w(0, 1, 0, 10), r(1, 1, 20, 30), r(2, 99, 40, 50), w(0, 2, 60, 70)];
    const res = checkHistory(h, { model: 'register' });
    if (res.result !== 'illegal') throw new Error('expected illegal');
    expect(res.minimal).toEqual([r(2, 99, 40, 50)]);
  });

  test('never-returned operations print as such', () => {
    const res = checkHistory([r(1, 1, 0, 5), w(0, 1, 10), cas(2, 1, 2, undefined, 3)], { model: 'cas' });
    expect(res.result).toBe('illegal');
    expect(formatResult(res)).toContain('client 1  read  x -> 1  [0, 5]                |--|');
    expect(formatResult(res)).toContain('client 0  write x 1     [10, never returned]        |--->');
  });

  test('limits: a step budget or an expired deadline gives unknown, naming the undecided keys', () => {
    // 8 concurrent writes and a read of the last-but-one order: needs real search
    const h: LinOperation[] = [];
    for (let i = 0; i < 8; i++) h.push(w(i, i, 0, 100));
    h.push(r(9, 3, 200, 210), w(9, 8, 220, 230), r(9, 3, 240, 250));
    const budget = checkHistory(h, { model: 'register', stepBudget: 5 });
    expect(budget.result).toBe('unknown');
    if (budget.result === 'unknown') {
      expect(budget.reason).toBe('stepBudget');
      expect(budget.undecidedKeys).toEqual(['x']);
    }
    expect(checkHistory(h, { model: 'register' }).result).toBe('illegal');
    // the deadline is polled every 1024 steps: a hard history without memo runs long enough
    const dl = checkHistory(alternations(12), { model: 'register', memo: false, deadline: () => true });
    expect(dl.result).toBe('unknown');
    if (dl.result === 'unknown') expect(dl.reason).toBe('deadline');
  });

  test('memoisation changes the cost, never the verdict', () => {
    const hard = alternations(7);
    const withMemo = searchLinearization(hard, registerModel);
    const without = searchLinearization(hard, registerModel, { memo: false });
    expect(withMemo.kind).toBe('illegal');
    expect(without.kind).toBe('illegal');
    // without memo every one of the 7! = 5040 orders of the writes is walked; with it, each
    // (subset, last value) once
    expect(without.steps).toBeGreaterThan(5040);
    expect(without.steps).toBeGreaterThan(10 * withMemo.steps);
  });

  test('value-flow pruning cuts a read of a value nobody can still write, without changing verdicts', () => {
    const h: LinOperation[] = [];
    for (let i = 0; i < 10; i++) h.push(w(i, i, 0, 100));
    h.push(r(20, 99, 200, 210)); // nothing writes 99: dead from the start
    expect(searchLinearization(h, registerModel)).toEqual({ kind: 'illegal', steps: 0 });
    const slow = searchLinearization(h, registerModel, { prune: false });
    expect(slow.kind).toBe('illegal');
    expect(slow.steps).toBeGreaterThan(1000); // 2^10 subsets x last value
    // a legal history with heavy overlap: same verdict both ways
    const ok = [...h.slice(0, 10), r(20, 4, 200, 210)];
    expect(searchLinearization(ok, registerModel).kind).toBe('ok');
    expect(searchLinearization(ok, registerModel, { prune: false }).kind).toBe('ok');
  });

  test('emptying the memo when it is full changes the cost, never the verdict', () => {
    const hard: LinOperation[] = [];
    for (let i = 0; i < 7; i++) hard.push(w(i, i, 0, 100));
    const legal = [...hard, r(20, 3, 200, 210)];
    const illegal = [...hard, r(20, 99, 200, 210)];
    for (const memoBytesMax of [0, 500, 5000]) {
      expect(searchLinearization(legal, registerModel, { memoBytesMax }).kind).toBe('ok');
      expect(searchLinearization(illegal, registerModel, { memoBytesMax }).kind).toBe('illegal');
    }
  });

  test('an empty history is ok', () => {
    const res = checkHistory([], { model: 'register' });
    expect(res).toMatchObject({ result: 'ok', operations: 0, keys: 0 });
  });
});

describe('lin: timeline drawing', () => {
  test('bars follow the rank order of times; touching intervals share a column; pending ones run off the end', () => {
    const ops = [w(0, 1, 0, 10), r(1, null, 10, 20), w(3, 2, 5), r(4, 2, 20, 20)];
    expect(formatTimeline(ops)).toEqual(['|-----|', '      |--|', '   |--------->', '         |']);
    expect(formatOperations(ops)[2]).toBe('client 3  write x 2        [5, never returned]     |--------->');
  });
});

describe('lin: the memo bitset keeps canonical markers', () => {
  test('lo is the first non-full word, hi the last non-zero word, the window the words between (random walk)', () => {
    const rng = new Rng(11);
    const n = 200;
    const b = new BitSet(n);
    const ref = new Set<number>();
    for (let step = 0; step < 20000; step++) {
      // bias towards a growing prefix, like the search
      const i = rng.chance(0.7) ? Math.min(n - 1, ref.size + rng.below(8)) : rng.below(n);
      if (ref.has(i)) (b.clear(i), ref.delete(i));
      else (b.set(i), ref.add(i));
      let lo = 0;
      while (lo < b.w.length && [...Array(32).keys()].every((j) => ref.has(lo * 32 + j))) lo++;
      let hi = b.w.length - 1;
      while (hi >= 0 && [...Array(32).keys()].every((j) => !ref.has(hi * 32 + j))) hi--;
      expect([b.lo, b.hi]).toEqual([lo, hi]);
    }
  });
});
