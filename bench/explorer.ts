/**
 * Explorer speed: distinct states/s on the CRAQ model (one core) and bytes per stored state,
 * the time of the full issue-3 configuration (3 replicas, 2 clients, 2 writes + 1 read each),
 * next to the same explorer on a trivial model (ANCHORS.md: a hand-written BFS in Node 20 did
 * about 3 x 10^5 states/s on a trivial state). Goal (issue 3): 500,000 distinct states/s.
 */
import { explore, ExplorerModel } from '../core/check/explorer';
import { DEFAULT_CHECK_CONFIG, craqModel } from '../core/check/craq-model';
import { BenchModule, BenchRow, now } from './common';

/** Four counters 0..15: 65,536 states, the trivial baseline. */
const trivial: ExplorerModel<number[], number> = {
  name: 'counters',
  initial: () => [0, 0, 0, 0],
  actions: (s) => [0, 1, 2, 3].filter((i) => s[i] < 15),
  apply: (s, i) => s.map((x, j) => (j === i ? x + 1 : x)),
  encode: (s) => s.join(','),
  invariants: [],
  describe: (_b, i) => `inc ${i}`,
};

export const bench: BenchModule = {
  title: 'explicit-state explorer: CRAQ model vs a trivial model (one core)',
  run(): BenchRow[] {
    const t0 = now();
    const base = explore(trivial, { mode: 'bfs' });
    const baseRate = (base.states * 1000) / (now() - t0);
    const rows: BenchRow[] = [{ name: 'trivial model (4 counters, 65,536 states)', value: baseRate, unit: 'states/s', note: `${base.bytesPerState} B/state` }];
    for (const [name, over] of [
      ['craq r3 c2 w2+r1, 3fs (issue 3 full config)', {}],
      ['craq r3 c2 w2+r1, craq policy', { dirtyRead: 'craq' as const }],
      ['craq r3 c2 w1+r2, craq policy', { writes: 1, reads: 2, dirtyRead: 'craq' as const }],
    ] as const) {
      const t1 = now();
      const r = explore(craqModel({ ...DEFAULT_CHECK_CONFIG, ...over }), { mode: 'bfs', maxStates: 5_000_000 });
      const ms = now() - t1;
      rows.push({
        name,
        value: (r.states * 1000) / ms,
        unit: 'states/s',
        baseline: { name: 'trivial states/s', value: baseRate },
        note: `${r.states.toLocaleString('en-US')} states, ${r.exhaustive ? 'exhaustive' : 'bounded'}, ${(ms / 1000).toFixed(1)} s, ${r.bytesPerState} B/state, ${r.violations.length} violations`,
      });
    }
    return rows;
  },
};
