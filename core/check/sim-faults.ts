/**
 * Drawing a fault schedule for the whole-cluster simulator, and shrinking one.
 *
 * A schedule is a list of fault windows (spec/sim.ts) drawn up front from its own fork of
 * the run's `Rng`, so the rest of the run (network jitter, workload) draws the same numbers
 * whether the schedule was drawn or given. That is what makes shrinking work: replaying the
 * same seed with a subset of the schedule changes only the faults.
 */
import { Rng } from '../prng';
import { FaultClass, FaultEvent, FaultSchedule } from '../../spec/sim';

export interface ScheduleShape {
  readonly nodes: number;
  readonly targets: number;
  /** Faults start and end inside [0, faultEndMs). */
  readonly faultEndMs: number;
  readonly classes: readonly FaultClass[];
  /** Mean gap between two faults of one class. */
  readonly meanGapMs: number;
}

/** Draw a schedule: for each enabled class, windows at exponential gaps over [0, faultEndMs). */
export function drawSchedule(rng: Rng, shape: ScheduleShape): FaultEvent[] {
  const out: FaultEvent[] = [];
  const end = shape.faultEndMs;
  if (end < 1000) return out;
  const hosts = shape.nodes + 1; // storage nodes + the manager host
  for (const cls of shape.classes) {
    let t = Math.floor(rng.float() * shape.meanGapMs);
    while (t < end - 500) {
      const len = 300 + Math.floor(rng.float() * Math.min(8000, end / 4));
      const atMs = t;
      const untilMs = Math.min(end, atMs + len);
      switch (cls) {
        case 'loss':
          out.push({ kind: 'loss', atMs, untilMs, p: round2(0.02 + 0.28 * rng.float()) });
          break;
        case 'dup':
          out.push({ kind: 'dup', atMs, untilMs, p: round2(0.02 + 0.28 * rng.float()) });
          break;
        case 'reorder':
          out.push({ kind: 'reorder', atMs, untilMs, jitterMs: 5 + rng.below(400) });
          break;
        case 'partition': {
          const shape3 = rng.below(3);
          if (shape3 === 0) {
            const ids = rng.shuffle(Array.from({ length: hosts }, (_, i) => i));
            const side = ids.slice(0, 1 + rng.below(Math.max(1, Math.floor(hosts / 2)))).sort((a, b) => a - b);
            out.push({ kind: 'partition', atMs, untilMs, shape: 'halves', side, oneWay: false });
          } else if (shape3 === 1) {
            out.push({ kind: 'partition', atMs, untilMs, shape: 'isolate', side: [rng.below(hosts)], oneWay: false });
          } else {
            out.push({ kind: 'partition', atMs, untilMs, shape: 'asymmetric', side: [rng.below(hosts)], oneWay: true });
          }
          break;
        }
        case 'crash':
          // node `nodes` is the manager host
          out.push({ kind: 'crash', atMs, untilMs, node: rng.below(hosts) });
          break;
        case 'disk':
          if (rng.chance(0.5)) out.push({ kind: 'diskFail', atMs, untilMs, target: rng.below(shape.targets) });
          else out.push({ kind: 'torn', atMs, untilMs, target: rng.below(shape.targets) });
          break;
      }
      t = untilMs + Math.floor(-shape.meanGapMs * Math.log(1 - rng.float()));
    }
  }
  return out.sort((a, b) => a.atMs - b.atMs || a.kind.localeCompare(b.kind));
}

const round2 = (x: number) => Math.round(x * 100) / 100;

/**
 * Delta debugging (Zeller's ddmin): a 1-minimal sub-schedule on which `fails` still holds
 * (removing any one remaining event makes it pass), within `maxRuns` calls of `fails`.
 * Returns the smallest failing schedule found and whether it is 1-minimal.
 */
export function shrinkSchedule(
  schedule: FaultSchedule,
  fails: (s: FaultSchedule) => boolean,
  maxRuns = 200,
): { readonly schedule: FaultSchedule; readonly runs: number; readonly minimal: boolean } {
  let runs = 0;
  const test = (s: FaultSchedule) => {
    runs++;
    return fails(s);
  };
  let cur = schedule.slice();
  if (cur.length > 0 && runs < maxRuns && test([])) return { schedule: [], runs, minimal: true };
  let n = 2;
  while (cur.length >= 2 && runs < maxRuns) {
    const chunk = Math.ceil(cur.length / n);
    let reduced = false;
    for (let i = 0; i < n && runs < maxRuns; i++) {
      const complement = cur.slice(0, i * chunk).concat(cur.slice((i + 1) * chunk));
      if (complement.length < cur.length && test(complement)) {
        cur = complement;
        n = Math.max(n - 1, 2);
        reduced = true;
        break;
      }
    }
    if (!reduced) {
      if (n >= cur.length) break;
      n = Math.min(cur.length, n * 2);
    }
  }
  // a final pass removing single events proves 1-minimality
  let minimal = runs < maxRuns;
  for (let i = 0; i < cur.length && runs < maxRuns; ) {
    const without = cur.slice(0, i).concat(cur.slice(i + 1));
    if (test(without)) cur = without;
    else i++;
  }
  if (runs >= maxRuns) minimal = false;
  return { schedule: cur, runs, minimal };
}
