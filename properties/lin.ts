/**
 * fast-check material for the linearizability checker (core/check/lin.ts):
 * - `bruteForceLinearizable`: the small, obviously-correct specification the clever checker
 *   must agree with (every order respecting real time, over the whole multi-key history, no
 *   memo, no partition, no pruning);
 * - `witnessProblem`: an independent check of the linearisation the checker returns;
 * - arbitraries for histories from a sequential execution and for small random histories;
 * - the properties, as functions, so users can run them against their own settings.
 */
import fc from 'fast-check';
import { LinModelName, LinOperation, LinResult, LinValue, checkHistory, modelNamed, pruneKey, searchLinearization, unexplainedValues } from '../core/check/lin';
import { PlannedOp, historyFromPlan } from '../core/check/lin-gen';

/** The sequential store both checkers implement: the state after `o`, or undefined if impossible.
 * Pending ops: a read checks nothing; a cas succeeds iff the expected value holds. */
function applyOne(store: ReadonlyMap<string, LinValue>, o: LinOperation): Map<string, LinValue> | undefined {
  const cur = store.get(o.key) ?? null;
  const next = new Map(store);
  if (o.op === 'write') next.set(o.key, o.value);
  else if (o.op === 'read') {
    if (o.return !== undefined && o.output !== cur) return undefined;
  } else {
    const succeeds = cur === o.expected;
    if (o.return !== undefined && o.output !== succeeds) return undefined;
    if (succeeds) next.set(o.key, o.value);
  }
  return next;
}

/**
 * Exhaustive search: is there a sequence of all completed operations plus any subset of the
 * pending ones, such that an op `a` comes before `b` whenever `a.return < b.call`, and every
 * output matches the sequential store? Exponential: for histories of up to ~8 operations.
 */
export function bruteForceLinearizable(ops: readonly LinOperation[]): boolean {
  const n = ops.length;
  const placed = new Array<boolean>(n).fill(false);
  const completed = ops.filter((o) => o.return !== undefined).length;
  const rec = (store: ReadonlyMap<string, LinValue>, placedCompleted: number): boolean => {
    if (placedCompleted === completed) return true; // unplaced pending ops: never took effect
    for (let i = 0; i < n; i++) {
      if (placed[i]) continue;
      const o = ops[i];
      let blocked = false;
      for (let j = 0; j < n && !blocked; j++) {
        const p = ops[j];
        if (j !== i && !placed[j] && p.return !== undefined && p.return < o.call) blocked = true;
      }
      if (blocked) continue;
      const next = applyOne(store, o);
      if (next === undefined) continue;
      placed[i] = true;
      const ok = rec(next, placedCompleted + (o.return !== undefined ? 1 : 0));
      placed[i] = false;
      if (ok) return true;
    }
    return false;
  };
  return rec(new Map(), 0);
}

/** Why `res` is not a valid witness for `ops` (undefined if it is). Only for `ok` results. */
export function witnessProblem(ops: readonly LinOperation[], res: LinResult): string | undefined {
  if (res.result !== 'ok') return `expected ok, got ${res.result}`;
  const inWitness = new Set<LinOperation>();
  for (const [key, order] of res.linearization) {
    let store: Map<string, LinValue> | undefined = new Map();
    for (let i = 0; i < order.length; i++) {
      const o = order[i];
      if (o.key !== key) return `witness for ${key} holds an op on ${o.key}`;
      if (!ops.includes(o)) return `witness holds an op not in the history`;
      inWitness.add(o);
      for (let j = i + 1; j < order.length; j++) {
        const later = order[j];
        if (later.return !== undefined && later.return < o.call) return `witness breaks real time at ${key}[${i}]`;
      }
      store = applyOne(store, o);
      if (store === undefined) return `witness step ${key}[${i}] is impossible (${JSON.stringify(o)})`;
    }
  }
  for (const o of ops) if (o.return !== undefined && !inWitness.has(o)) return `completed op missing from witness: ${JSON.stringify(o)}`;
  return undefined;
}

// ---------------------------------------------------------------- arbitraries

export interface PlanOptions {
  readonly model: LinModelName;
  readonly maxOps: number;
  readonly keys: readonly string[];
  readonly clients: number;
  /** Largest slack on either side of a point, in units of the point spacing (10). */
  readonly maxSlack: number;
  /** Chance, in tenths, that an operation never returns. */
  readonly pendingTenths: number;
  /** Every write/cas installs a distinct value (otherwise values repeat, from a small domain). */
  readonly uniqueValues?: boolean;
}

/** A plan of operations with points 10 apart and random overlaps around them. */
export function arbPlan(o: PlanOptions): fc.Arbitrary<PlannedOp[]> {
  const kinds = o.model === 'cas' ? (['write', 'read', 'cas'] as const) : (['write', 'read'] as const);
  const slack = o.maxSlack * 10;
  const value = fc.oneof(fc.integer({ min: 1, max: 4 }), fc.constantFrom<LinValue>('a', null));
  const item = fc.record({
    client: fc.nat({ max: o.clients - 1 }),
    op: fc.constantFrom(...kinds),
    key: fc.constantFrom(...o.keys),
    value,
    casExpectsCurrent: fc.boolean(),
    otherExpected: value,
    before: fc.nat({ max: slack }),
    after: fc.nat({ max: slack }),
    pending: fc.integer({ min: 0, max: 9 }).map((x) => x < o.pendingTenths),
    effective: fc.boolean(),
  });
  return fc.array(item, { minLength: 1, maxLength: o.maxOps }).map((items) =>
    items.map((it, i) => ({
      client: it.client,
      op: it.op,
      key: it.key,
      value: o.uniqueValues ? i + 1 : it.value,
      casExpectsCurrent: it.casExpectsCurrent,
      otherExpected: it.otherExpected,
      call: 10 * i - it.before,
      point: 10 * i,
      ...(it.pending ? {} : { return: 10 * i + it.after }),
      effective: it.effective,
    })),
  );
}

/** A linearizable history from a sequential execution, shuffled so input order carries no hint. */
export function arbSequentialHistory(o: PlanOptions): fc.Arbitrary<LinOperation[]> {
  return fc.tuple(arbPlan(o), fc.nat()).map(([plan, rot]) => {
    const h = historyFromPlan(plan);
    const k = rot % h.length;
    return h.slice(k).concat(h.slice(0, k)).reverse();
  });
}

/** Small arbitrary histories (mostly illegal): random intervals, random outputs. */
export function arbRandomHistory(model: LinModelName, maxOps: number): fc.Arbitrary<LinOperation[]> {
  const value = fc.constantFrom<LinValue>(null, 1, 2, 3);
  const interval = fc
    .tuple(fc.nat({ max: 40 }), fc.nat({ max: 25 }), fc.integer({ min: 0, max: 9 }))
    .map(([call, len, p]) => (p < 2 ? { call } : { call, return: call + len }));
  const write = fc.record({ client: fc.nat({ max: 3 }), key: fc.constantFrom('x', 'y'), value, iv: interval }).map(
    (r): LinOperation => ({ client: r.client, op: 'write', key: r.key, value: r.value, ...r.iv }),
  );
  const read = fc.record({ client: fc.nat({ max: 3 }), key: fc.constantFrom('x', 'y'), output: value, iv: interval }).map(
    (r): LinOperation => ({ client: r.client, op: 'read', key: r.key, ...r.iv, ...(r.iv.return === undefined ? {} : { output: r.output }) }),
  );
  const cas = fc
    .record({ client: fc.nat({ max: 3 }), key: fc.constantFrom('x', 'y'), expected: value, value, output: fc.boolean(), iv: interval })
    .map((r): LinOperation => ({
      client: r.client,
      op: 'cas',
      key: r.key,
      expected: r.expected,
      value: r.value,
      ...r.iv,
      ...(r.iv.return === undefined ? {} : { output: r.output }),
    }));
  const op = model === 'cas' ? fc.oneof(write, read, cas) : fc.oneof(write, read);
  return fc.array(op, { minLength: 1, maxLength: maxOps });
}

/** Small histories mixing both verdicts: sequential ones (ok), the same with one output
 * perturbed (often illegal), and random ones (mostly illegal). */
export function arbSmallHistory(model: LinModelName, maxOps: number): fc.Arbitrary<LinOperation[]> {
  const plan: PlanOptions = { model, maxOps, keys: ['x', 'y'], clients: 3, maxSlack: 2, pendingTenths: 2 };
  const perturbed = fc.tuple(arbSequentialHistory(plan), fc.nat(), fc.constantFrom<LinValue>(null, 1, 2, 'a')).map(([h, i, v]) => {
    const k = i % h.length;
    const o = h[k];
    if (o.return === undefined) return h;
    const changed: LinOperation = o.op === 'read' ? { ...o, output: v } : o.op === 'cas' ? { ...o, output: !o.output } : { ...o, value: v };
    return h.map((x, j) => (j === k ? changed : x));
  });
  return fc.oneof(arbSequentialHistory(plan), perturbed, arbRandomHistory(model, maxOps));
}

// ---------------------------------------------------------------- properties

/** A history generated from a sequential execution is `ok`, with a valid witness. */
export function propSequentialIsOk(model: LinModelName, plan: Omit<PlanOptions, 'model'>) {
  return fc.property(arbSequentialHistory({ ...plan, model }), (h) => {
    const res = checkHistory(h, { model });
    const problem = witnessProblem(h, res);
    if (problem !== undefined) throw new Error(problem);
  });
}

/** Make one returned read (or, for cas, one successful cas) observe a value nobody wrote: `illegal`. */
export function propNeverWrittenIsIllegal(model: LinModelName, plan: Omit<PlanOptions, 'model'>) {
  return fc.property(arbSequentialHistory({ ...plan, model }), fc.nat(), (h, pick) => {
    const targets = h
      .map((o, i) => [o, i] as const)
      .filter(([o]) => o.return !== undefined && (o.op === 'read' || (o.op === 'cas' && o.output === true)));
    fc.pre(targets.length > 0);
    const [o, i] = targets[pick % targets.length];
    const bogus = 'never-written';
    const mutated: LinOperation = o.op === 'read' ? { ...o, output: bogus } : { ...(o as LinOperation & { op: 'cas' }), expected: bogus };
    const res = checkHistory(h.map((x, j) => (j === i ? mutated : x)), { model });
    if (res.result !== 'illegal') throw new Error(`expected illegal, got ${res.result}`);
    if (res.key !== o.key) throw new Error(`illegal key ${res.key}, mutated ${o.key}`);
    if (checkHistory(res.minimal, { model, minimise: false }).result !== 'illegal') throw new Error('minimal set is not illegal');
    // register, distinct values: a closed subset of a linearizable history is linearizable, so
    // the minimal explanation must be exactly the op that reads a value out of thin air
    if (model === 'register' && plan.uniqueValues && (res.minimal.length !== 1 || res.minimal[0] !== mutated))
      throw new Error(`minimal: ${JSON.stringify(res.minimal)}`);
  });
}

/** Verdict counts seen by `propAgreesWithBruteForce`, so a test can show both sides were exercised. */
export interface VerdictTally {
  ok: number;
  illegal: number;
}

/**
 * The checker agrees with brute force on small histories; an illegal verdict's minimal set is
 * illegal by brute force and 1-minimal (every one-smaller subset is linearizable by brute
 * force or reads a value nobody in it wrote); an ok verdict's witness is valid.
 */
export function propAgreesWithBruteForce(model: LinModelName, maxOps: number, tally?: VerdictTally) {
  return fc.property(arbSmallHistory(model, maxOps), (h) => {
    const res = checkHistory(h, { model });
    const expected = bruteForceLinearizable(h);
    if ((res.result === 'ok') !== expected) throw new Error(`checker says ${res.result}, brute force says ${expected ? 'ok' : 'illegal'}`);
    if (res.result === 'ok') {
      if (tally) tally.ok++;
      const problem = witnessProblem(h, res);
      if (problem !== undefined) throw new Error(problem);
      return;
    }
    if (tally) tally.illegal++;
    if (res.result !== 'illegal') throw new Error(`unexpected ${res.result}`);
    if (bruteForceLinearizable(res.minimal)) throw new Error('minimal set is linearizable');
    if (!res.minimised) throw new Error('minimisation did not finish without limits');
    const allowed = unexplainedValues(h.filter((o) => o.key === res.key));
    for (let i = 0; i < res.minimal.length; i++) {
      const rest = res.minimal.filter((_, j) => j !== i);
      if (!bruteForceLinearizable(rest) && [...unexplainedValues(rest)].every((v) => allowed.has(v)))
        throw new Error(`minimal set is not 1-minimal: dropping ${JSON.stringify(res.minimal[i])} stays illegal`);
    }
  });
}

/**
 * Memoisation (also when the memo is emptied because it is full) and value-flow pruning never
 * change a verdict: on medium histories (too big for brute force) the search agrees with the
 * plain WGL search (no memo, no pruning). Histories
 * where the plain search exceeds `noMemoSteps` are skipped (counted in `tally.skipped`).
 */
export function propMemoAgrees(model: LinModelName, maxOps: number, noMemoSteps: number, tally?: VerdictTally & { skipped: number }) {
  const plan: PlanOptions = { model, maxOps, keys: ['x'], clients: 6, maxSlack: 3, pendingTenths: 1 };
  const perturbed = fc.tuple(arbSequentialHistory(plan), fc.nat(), fc.constantFrom<LinValue>(null, 1, 2, 'a')).map(([h, i, v]) => {
    const k = i % h.length;
    const o = h[k];
    if (o.return === undefined || o.op === 'write') return h;
    const changed: LinOperation = o.op === 'read' ? { ...o, output: v } : { ...o, output: !o.output };
    return h.map((x, j) => (j === k ? changed : x));
  });
  return fc.property(fc.oneof(arbSequentialHistory(plan), { arbitrary: perturbed, weight: 3 }), fc.constantFrom(0, 2000, Infinity), fc.boolean(), (h, memoBytesMax, prune) => {
    const ops = pruneKey(h);
    const m = modelNamed(model);
    const plain = searchLinearization(ops, m, { memo: false, prune: false, stepBudget: noMemoSteps });
    if (plain.kind === 'unknown') {
      if (tally) tally.skipped++;
      return;
    }
    const memo = searchLinearization(ops, m, { memoBytesMax, prune });
    if (memo.kind !== plain.kind)
      throw new Error(`memo (max ${memoBytesMax} bytes, prune ${prune}) says ${memo.kind}, plain search says ${plain.kind}`);
    if (tally) tally[plain.kind === 'ok' ? 'ok' : 'illegal']++;
  });
}
