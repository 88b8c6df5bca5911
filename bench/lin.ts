/**
 * `npm run bench -- lin`: the linearizability checker (core/check/lin.ts) on histories of a
 * simulated concurrent register execution: 8 clients, 10 keys, half reads, 1% of operations
 * never return; each half of an operation takes 0..100 time units, think time 0..20 (so about
 * 8 operations are in flight at any time). Baselines, measured in the same run:
 *   - the same WGL search with memoisation switched off;
 *   - the same search without P-compositionality (the whole history as one object whose state
 *     is the tuple of all 10 keys).
 * Histories: `ok` as generated; `illegal` = the same plus one stale read of key k0 at the end.
 */
import { BenchModule, BenchRow, now, rate } from './common';
import { LinModel, LinOperation, LinValue, checkHistory, registerModel, searchLinearization } from '../core/check/lin';
import { mix32 } from '../core/check/lin-search';
import { simulateClients } from '../core/check/lin-gen';

const KEYS = 10;
const NO_MEMO_CAP = 20_000_000; // steps; a capped baseline is reported as a lower bound

function history(n: number): LinOperation[] {
  return simulateClients(20261124 + n, { operations: n, keys: KEYS, clients: 8, readRatio: 0.5, pendingRatio: 0.01 });
}

/** Append a read of k0 after everything that returns k0's first written value: stale. */
function withStaleRead(h: LinOperation[]): LinOperation[] {
  const first = h.find((o): o is LinOperation & { op: 'write' } => o.key === 'k0' && o.op === 'write' && o.return !== undefined);
  if (first === undefined) throw new Error('no write on k0');
  const end = Math.max(...h.map((o) => o.return ?? o.call));
  return [...h, { client: 9999, op: 'read', key: 'k0', output: first.value, call: end + 1, return: end + 2 }];
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
    const ok = history(n);
    const bad = withStaleRead(ok);
    const label = `${n.toLocaleString('en-US')} ops, ${KEYS} keys`;

    // ok history: memo vs no memo
    const okVerdict = checkHistory(ok, { model: 'register' });
    if (okVerdict.result !== 'ok') throw new Error('generated history must be ok');
    const okMemo = msPerRun(() => checkHistory(ok, { model: 'register' }));
    const okNoMemo = msPerRun(() => checkHistory(ok, { model: 'register', memo: false }));
    rows.push({
      name: `ok history, ${label}`,
      value: okMemo,
      unit: 'ms',
      baseline: { name: 'ms without memo', value: okNoMemo },
      note: 'no backtracking needed: the memo only costs here',
    });

    // illegal history: memo vs no memo (capped)
    const verdict = checkHistory(bad, { model: 'register', minimise: false });
    if (verdict.result !== 'illegal') throw new Error('planted stale read must be illegal');
    const badMemo = msPerRun(() => checkHistory(bad, { model: 'register', minimise: false }));
    const t0 = now();
    const nm = checkHistory(bad, { model: 'register', minimise: false, memo: false, stepBudget: NO_MEMO_CAP });
    const badNoMemo = now() - t0;
    const capped = nm.result === 'unknown';
    rows.push({
      name: `illegal (stale read), ${label}`,
      value: badMemo,
      unit: 'ms',
      baseline: { name: `ms without memo${capped ? ' (stopped at the step cap: a lower bound)' : ''}`, value: badNoMemo },
      note: `${verdict.steps} steps with memo, ${capped ? '> ' : ''}${nm.steps} without`,
    });

    // illegal + minimisation (what the CLI does)
    let minimal = 0;
    const minMs = msPerRun(() => {
      const r = checkHistory(bad, { model: 'register' });
      minimal = r.result === 'illegal' ? r.minimal.length : -1;
    });
    rows.push({ name: `illegal + minimisation, ${label}`, value: minMs, unit: 'ms', note: `minimal set: ${minimal} ops` });

    // P-compositionality: the ok history as one object
    const keys = [...new Set(ok.map((o) => o.key))];
    const t1 = now();
    const whole = searchLinearization(ok, wholeHistoryModel(keys), { stepBudget: NO_MEMO_CAP });
    const wholeMs = now() - t1;
    rows.push({
      name: `ok history, per-key partition, ${label}`,
      value: okMemo,
      unit: 'ms',
      baseline: { name: 'ms as one object (no partition)', value: wholeMs },
      note: `${okVerdict.steps} steps per key; as one object ${whole.kind === 'unknown' ? '(stopped at the step cap) ' : ''}${whole.steps} steps`,
    });
  }
  return rows;
}

export const bench: BenchModule = { title: 'linearizability checker (WGL + memo + per-key partition)', run };
