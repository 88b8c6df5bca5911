/**
 * `npm run bench -- lin`: the linearizability checker (core/check/lin.ts) on histories of a
 * simulated concurrent register execution: 8 clients, 10 keys, half reads, 1% of operations
 * never return; each half of an operation takes 0..100 time units, think time 0..20 (so about
 * 8 operations are in flight at any time). Baselines, measured in the same run:
 *   - the same WGL search with memoisation switched off;
 *   - the same search without P-compositionality (the whole history as one object whose state
 *     is the tuple of all 10 keys).
 * Histories: `ok` as generated (every write a distinct value); `illegal, values 1..3` = a
 * history whose writes draw from 3 values, with one read's output changed so that it is
 * illegal (repeated values leave many candidate orders: the case memoisation is for);
 * `stale read` = the ok history plus a read of k0's first value after everything.
 */
import { BenchModule, BenchRow, now, rate } from './common';
import { LinModel, LinOperation, LinValue, checkHistory, registerModel, searchLinearization } from '../core/check/lin';
import { mix32 } from '../core/check/lin-search';
import { simulateClients } from '../core/check/lin-gen';
import { Rng } from '../core/prng';

const KEYS = 10;
const NO_MEMO_CAP = 20_000_000; // steps; a capped baseline is reported as a lower bound

function history(n: number, valueDomain?: number): LinOperation[] {
  return simulateClients(20261124 + n, { operations: n, keys: KEYS, clients: 8, readRatio: 0.5, pendingRatio: 0.01, valueDomain });
}

/** Append a read of k0 after everything that returns k0's first written value: stale. */
function withStaleRead(h: LinOperation[]): LinOperation[] {
  const first = h.find((o): o is LinOperation & { op: 'write' } => o.key === 'k0' && o.op === 'write' && o.return !== undefined);
  if (first === undefined) throw new Error('no write on k0');
  const end = Math.max(...h.map((o) => o.return ?? o.call));
  return [...h, { client: 9999, op: 'read', key: 'k0', output: first.value, call: end + 1, return: end + 2 }];
}

/** Change one read's output to another value of the domain, at seeded random places, until
 * the history is illegal (values repeat, so most changes stay explainable). */
function withWrongRead(h: LinOperation[], domain: number): LinOperation[] {
  const rng = new Rng(7);
  for (let tries = 0; tries < 1000; tries++) {
    const i = rng.below(h.length);
    const o = h[i];
    if (o.op !== 'read' || o.return === undefined) continue;
    const v = 1 + ((typeof o.output === 'number' ? o.output : 0) % domain);
    const bad = h.map((x, j) => (j === i ? { ...o, output: v } : x));
    if (checkHistory(bad, { model: 'register', minimise: false }).result === 'illegal') return bad;
  }
  throw new Error('no illegal perturbation found');
}

/** ms per call, averaged over at least `minMs` of repetitions. */
function msPerRun(fn: () => void, minMs = 400): number {
  const r = rate(() => (fn(), 1), minMs);
  return r.ms / r.ops;
}

/** One object holding all keys: the model P-compositionality lets us avoid. */
function wholeHistoryModel(keys: readonly string[]): LinModel<readonly LinValue[]> {
  const index = new Map(keys.map((k, i) => [k, i]));
  return {
    name: 'register (all keys as one object)',
    init: keys.map(() => null),
    step(state, op) {
      const i = index.get(op.key)!;
      const next = registerModel.step(state[i], op);
      if (next === undefined) return undefined;
      if (next === state[i]) return state;
      const copy = state.slice();
      copy[i] = next;
      return copy;
    },
    hash(state) {
      let h = 0x1234567;
      for (const v of state) h = mix32(h ^ registerModel.hash(v));
      return h;
    },
    equal(a, b) {
      for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
      return true;
    },
  };
}

function run(): BenchRow[] {
  const rows: BenchRow[] = [];
  for (const n of [1000, 10_000]) {
    const label = `${n.toLocaleString('en-US')} ops, ${KEYS} keys`;
    const ok = history(n);
    const okVerdict = checkHistory(ok, { model: 'register' });
    if (okVerdict.result !== 'ok') throw new Error('generated history must be ok');

    // 1. legal history, distinct values: the common case; memo vs no memo
    const okMs = msPerRun(() => checkHistory(ok, { model: 'register' }));
    const okNoMemo = msPerRun(() => checkHistory(ok, { model: 'register', memo: false }));
    rows.push({
      name: `ok, distinct values, ${label}`,
      value: okMs,
      unit: 'ms',
      baseline: { name: 'ms without memo', value: okNoMemo },
      note: `${okVerdict.steps} steps; no backtracking needed, the memo only costs here`,
    });

    // 2. illegal, 3-value domain, one read changed: memoisation is what makes it feasible
    const small = history(n, 3);
    const wrong = withWrongRead(small, 3);
    const wrongVerdict = checkHistory(wrong, { model: 'register', minimise: false });
    const wrongMs = msPerRun(() => checkHistory(wrong, { model: 'register', minimise: false }));
    const t0 = now();
    const nm = checkHistory(wrong, { model: 'register', minimise: false, memo: false, stepBudget: NO_MEMO_CAP });
    const wrongNoMemo = now() - t0;
    const capped = nm.result === 'unknown';
    rows.push({
      name: `illegal, values 1..3, one read changed, ${label}`,
      value: wrongMs,
      unit: 'ms',
      baseline: { name: `ms without memo${capped ? ' (stopped at the step cap: a lower bound)' : ''}`, value: wrongNoMemo },
      note: `${wrongVerdict.steps} steps with memo, ${capped ? '> ' : ''}${nm.steps} without`,
    });
    let minimal = 0;
    const minMs = msPerRun(() => {
      const r = checkHistory(wrong, { model: 'register' });
      minimal = r.result === 'illegal' ? r.minimal.length : -1;
    });
    rows.push({ name: `  the same + minimisation (what the CLI does)`, value: minMs, unit: 'ms', note: `minimal set: ${minimal} ops` });

    // 3. illegal, distinct values, stale read: value-flow pruning vs none
    const stale = withStaleRead(ok);
    const staleVerdict = checkHistory(stale, { model: 'register', minimise: false });
    if (staleVerdict.result !== 'illegal') throw new Error('planted stale read must be illegal');
    const staleMs = msPerRun(() => checkHistory(stale, { model: 'register', minimise: false }));
    const staleNoPrune = msPerRun(() => checkHistory(stale, { model: 'register', minimise: false, prune: false }));
    rows.push({
      name: `illegal, distinct values, stale read, ${label}`,
      value: staleMs,
      unit: 'ms',
      baseline: { name: 'ms without value-flow pruning', value: staleNoPrune },
      note: `${staleVerdict.steps} steps with pruning`,
    });

    // 4. P-compositionality: the legal history as one object (no pruner there, so none here)
    const keys = [...new Set(ok.map((o) => o.key))];
    const okNoPrune = msPerRun(() => checkHistory(ok, { model: 'register', prune: false }));
    const t1 = now();
    const whole = searchLinearization(ok, wholeHistoryModel(keys), { stepBudget: NO_MEMO_CAP });
    const wholeMs = now() - t1;
    rows.push({
      name: `ok, per key vs one object (both unpruned), ${label}`,
      value: okNoPrune,
      unit: 'ms',
      baseline: { name: `ms as one object${whole.kind === 'unknown' ? ' (step cap: lower bound)' : ''}`, value: wholeMs },
      note: `one object: ${whole.steps} steps`,
    });
  }
  // value-flow pruning where it matters: one key, all 8 clients on it
  const busy = simulateClients(99, { operations: 10_000, keys: 1, clients: 8, readRatio: 0.5, pendingRatio: 0.01 });
  const busyVerdict = checkHistory(busy, { model: 'register' });
  const busyMs = msPerRun(() => checkHistory(busy, { model: 'register' }));
  const t3 = now();
  const busyNoPrune = checkHistory(busy, { model: 'register', prune: false });
  const busyNoPruneMs = now() - t3;
  rows.push({
    name: 'ok, 10,000 ops on ONE key (8 clients on it)',
    value: busyMs,
    unit: 'ms',
    baseline: { name: 'ms without value-flow pruning', value: busyNoPruneMs },
    note: `${busyVerdict.steps} steps with pruning, ${busyNoPrune.steps} without`,
  });
  return rows;
}

export const bench: BenchModule = { title: 'linearizability checker (WGL + memo + per-key partition)', run };
