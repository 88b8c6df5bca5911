/**
 * Shrinking a failing simulated run, and soaking (many seeds until told to stop). Pure: the
 * caller owns the clock and passes `shouldStop`.
 */
import { FaultSchedule } from '../../spec/sim';
import { SimOptions, SimReport, runSim } from './sim';
import { shrinkSchedule } from './sim-faults';

export interface ShrinkResult {
  /** The failing checks the shrunk schedule must keep failing (by name). */
  readonly failing: readonly string[];
  readonly schedule: FaultSchedule;
  readonly report: SimReport;
  readonly runs: number;
  readonly minimal: boolean;
}

export const failingChecks = (r: SimReport): string[] => r.checks.filter((c) => c.status === 'fail').map((c) => c.name);

/**
 * Delta-debug the fault schedule of a failing run: the same seed replayed with fewer faults
 * must still fail one of the same checks. Every other random draw is unchanged (the
 * schedule has its own PRNG fork), so the result replays with `schedule` alone.
 */
export function shrinkRun(opts: Partial<SimOptions> & Pick<SimOptions, 'seed'>, failed: SimReport, maxRuns = 60): ShrinkResult {
  const failing = failingChecks(failed);
  let last = failed;
  const fails = (s: FaultSchedule) => {
    const r = runSim({ ...opts, schedule: s });
    const still = failingChecks(r).some((n) => failing.includes(n));
    if (still) last = r;
    return still;
  };
  const out = shrinkSchedule(failed.schedule, fails, maxRuns);
  // `last` is the report of the last failing replay, which is the shrunk schedule's
  if (last.schedule !== out.schedule) last = runSim({ ...opts, schedule: out.schedule });
  return { failing, schedule: out.schedule, report: last, runs: out.runs, minimal: out.minimal };
}

export interface SoakReport {
  readonly seeds: number;
  readonly firstSeed: number;
  readonly simulatedMs: number;
  readonly operations: number;
  readonly faultsInjected: number;
  readonly failures: readonly { readonly seed: number; readonly checks: readonly string[] }[];
  /** Runs whose linearizability search ran out of budget. */
  readonly unknown: number;
}

/** Run seeds firstSeed, firstSeed+1, ... until `shouldStop()` (checked between runs) or `maxSeeds`. */
export function soak(
  opts: Omit<Partial<SimOptions>, 'seed' | 'schedule'>,
  firstSeed: number,
  shouldStop: (seedsDone: number) => boolean,
  maxSeeds = Number.MAX_SAFE_INTEGER,
  onRun?: (r: SimReport) => void,
): SoakReport {
  let seeds = 0;
  let simulatedMs = 0;
  let operations = 0;
  let faultsInjected = 0;
  let unknown = 0;
  const failures: { seed: number; checks: string[] }[] = [];
  while (seeds < maxSeeds && !shouldStop(seeds)) {
    const seed = (firstSeed + seeds) >>> 0;
    const r = runSim({ ...opts, seed });
    seeds++;
    simulatedMs += r.simulatedMs;
    operations += r.ops.invoked;
    faultsInjected += r.faults.scheduled;
    if (r.checks.some((c) => c.status === 'unknown')) unknown++;
    if (!r.ok) failures.push({ seed, checks: failingChecks(r) });
    onRun?.(r);
  }
  return { seeds, firstSeed, simulatedMs, operations, faultsInjected, failures, unknown };
}
