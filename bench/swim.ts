/**
 * SWIM simulator speed and the anchors (issue 5 items 5 and 8; ANCHORS.md "SWIM and
 * Lifeguard"). Rows:
 *  - baselines measured in the same run: raw event-heap throughput, and a naive
 *    all-to-all heartbeat simulator (every member messages every other member once per
 *    period, the O(n^2) design SWIM replaces), per member-period;
 *  - SWIM with Lifeguard at N = 100 .. 10,000 for 100 periods, 10 crashes each: member-
 *    periods/s (one core: CPU seconds of this process), detection, dissemination, load.
 *    Goal: 10,000 members x 100 periods in under 60 s;
 *  - the log N fit of dissemination time, load per member flat in N, first detection
 *    against e/(e-1), and Lifeguard vs plain SWIM false positives with 10% loss and 1%
 *    slow members on the same seeds.
 * SWIM_BENCH_QUICK=1 stops the speed runs at N = 3,000 (for a quick look);
 * SWIM_BENCH_FULL=1 adds N = 10,000 to the dissemination experiment (30 crashes in 50
 * periods at 10,000 members: several CPU minutes).
 */
import { DEFAULT_SWIM_CONFIG, withLifeguard } from '../spec/swim';
import { DEFAULT_SIM, SimReport, simulate } from '../core/swim/sim';
import { EventHeap } from '../core/swim/heap';
import { Rng } from '../core/prng';
import { BenchModule, BenchRow, now } from './common';

const cpuSeconds = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

function timed<T>(f: () => T): { value: T; wall: number; cpu: number } {
  const c0 = cpuSeconds();
  const t0 = now();
  const value = f();
  return { value, wall: (now() - t0) / 1000, cpu: cpuSeconds() - c0 };
}

/** Events per second through the heap alone: push n events at random times, pop them all. */
function heapRate(n: number): number {
  const rng = new Rng(1);
  const h = new EventHeap<number>();
  const t0 = now();
  for (let i = 0; i < n; i++) h.push(rng.float() * 1e6, i);
  while (h.size > 0) h.pop();
  return (n * 1000) / (now() - t0);
}

/**
 * The naive design: every member sends a heartbeat to every other member each period and
 * suspects anyone silent for 3 periods. Returns member-periods per second.
 */
function naiveHeartbeat(n: number, periods: number): number {
  const lastHeard = new Float64Array(n * n);
  const heap = new EventHeap<number>();
  const rng = new Rng(2);
  const t0 = now();
  let suspicions = 0;
  for (let p = 0; p < periods; p++) {
    const t = p * 1000;
    for (let a = 0; a < n; a++) for (let b = 0; b < n; b++) if (a !== b) heap.push(t + 1 + rng.float() * 9, a * n + b);
    while (heap.size > 0) {
      const x = heap.pop()!;
      lastHeard[(x % n) * n + Math.floor(x / n)] = heap.lastTime;
    }
    for (let i = 0; i < n * n; i++) if (t - lastHeard[i] > 3000 && i % (n + 1) !== 0) suspicions++;
  }
  if (suspicions < 0) throw new Error('unreachable');
  return (n * periods * 1000) / (now() - t0);
}

function run(members: number, periods: number, seed: number, extra: Partial<Parameters<typeof simulate>[0]> = {}) {
  return timed(() => simulate({ ...DEFAULT_SIM, config: DEFAULT_SWIM_CONFIG, members, periods, seed, ...extra }));
}

/** Least squares y = a + b x; returns a, b, r^2. */
export function fit(xs: readonly number[], ys: readonly number[]): { a: number; b: number; r2: number } {
  const n = xs.length;
  const mx = xs.reduce((s, x) => s + x, 0) / n;
  const my = ys.reduce((s, y) => s + y, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (xs[i] - mx) * (ys[i] - my);
    sxx += (xs[i] - mx) ** 2;
    syy += (ys[i] - my) ** 2;
  }
  const b = sxy / sxx;
  return { a: my - b * mx, b, r2: syy === 0 ? 1 : (sxy * sxy) / (sxx * syy) };
}

export const bench: BenchModule = {
  title: 'SWIM/Lifeguard simulator: speed (one core) and the SWIM/Lifeguard anchors',
  run(): BenchRow[] {
    const quick = process.env.SWIM_BENCH_QUICK === '1';
    const rows: BenchRow[] = [];
    const heap = heapRate(2_000_000);
    rows.push({ name: 'baseline: event heap push+pop', value: heap, unit: 'events/s' });
    const naive = naiveHeartbeat(300, 5);
    rows.push({ name: 'baseline: naive all-to-all heartbeat, N=300', value: naive, unit: 'member-periods/s', note: 'N-1 messages per member-period, so its cost per member-period grows with N (about 33x this at N=10,000)' });

    const sizes = quick ? [100, 300, 1000, 3000] : [100, 300, 1000, 3000, 10_000];
    const reports: SimReport[] = [];
    for (const n of sizes) {
      const r = run(n, 100, 1, { crashes: 10 });
      reports.push(r.value);
      const mp = n * 100;
      rows.push({
        name: `SWIM+Lifeguard N=${n}, 100 periods, 10 crashes`,
        value: mp / r.cpu,
        unit: 'member-periods/s',
        baseline: { name: 'naive heartbeat member-periods/s at N=300', value: naive },
        note: `${r.cpu.toFixed(1)} s CPU (${r.wall.toFixed(1)} s wall), ${(r.value.events / r.cpu / 1e6).toFixed(2)}M events/s; detection ${r.value.detection.mean.toFixed(2)}, dissemination ${r.value.dissemination.mean.toFixed(2)} periods; ${r.value.messagesPerMemberPerPeriod.toFixed(2)} msgs, ${r.value.bytesPerMemberPerPeriod.toFixed(0)} B /member/period`,
      });
      if (n === 10_000) rows.push({ name: 'goal: 10,000 members x 100 periods (< 60 s on one core)', value: r.cpu, unit: 's CPU', note: r.cpu < 60 ? 'met' : 'NOT met' });
    }

    // dissemination ~ log N: a dedicated run per size, 30 crashes in 50 periods, seed 7
    const disSizes = process.env.SWIM_BENCH_FULL === '1' ? [100, 300, 1000, 3000, 10_000] : [100, 300, 1000, 3000];
    const disReports = disSizes.map((n) => run(n, 50, 7, { crashes: 30 }).value);
    disReports.forEach((r, i) =>
      rows.push({ name: `dissemination, N=${disSizes[i]} (30 crashes, 50 periods)`, value: r.dissemination.mean, unit: 'periods', note: `max ${r.dissemination.max.toFixed(2)}, ${r.dissemination.count} samples; dead everywhere after ${r.deadEverywhere.mean.toFixed(1)} periods` }),
    );
    const dis = disReports.map((r) => r.dissemination.mean);
    const f = fit(disSizes.map((n) => Math.log(n)), dis);
    const lin = fit(disSizes, dis);
    rows.push({ name: 'dissemination = a + b ln N: slope b', value: f.b, unit: 'periods per ln N', note: `a=${f.a.toFixed(2)}, r^2=${f.r2.toFixed(3)} (linear-in-N fit r^2=${lin.r2.toFixed(3)})` });

    // load per member per period: steady state and with crashes
    for (const n of sizes.filter((x) => x <= 3000)) {
      const steady = run(n, 60, 2).value;
      rows.push({ name: `messages/member/period, no failures, N=${n}`, value: steady.messagesPerMemberPerPeriod, unit: 'msgs', note: `${steady.datagramBytesPerMemberPerPeriod.toFixed(1)} datagram B, ${steady.bytesPerMemberPerPeriod.toFixed(1)} B incl. push-pull` });
    }
    reports.forEach((r, i) => rows.push({ name: `messages/member/period, 10 crashes, N=${sizes[i]}`, value: r.messagesPerMemberPerPeriod, unit: 'msgs' }));

    // first detection vs e/(e-1)
    const det = run(1000, 150, 3, { crashes: 60 }).value;
    const e1 = Math.E / (Math.E - 1);
    rows.push({ name: 'first detection, no loss, N=1000, 60 crashes', value: det.detection.mean, unit: 'periods', baseline: { name: 'e/(e-1)', value: e1 }, note: `p50 ${det.detection.p50.toFixed(2)}, p99 ${det.detection.p99.toFixed(2)}, ${det.detection.count} crashes` });

    // Lifeguard vs plain SWIM, 10% loss, 1% slow members, same seeds
    let fpOn = 0;
    let fpOff = 0;
    let susOn = 0;
    let susOff = 0;
    for (const seed of [1, 2, 3]) {
      const base = { loss: 0.1, slowFraction: 0.01 };
      const on = run(200, 300, seed, { ...base, config: withLifeguard(DEFAULT_SWIM_CONFIG, true) }).value;
      const off = run(200, 300, seed, { ...base, config: withLifeguard(DEFAULT_SWIM_CONFIG, false) }).value;
      fpOn += on.falsePositives;
      fpOff += off.falsePositives;
      susOn += on.falseSuspicions;
      susOff += off.falseSuspicions;
    }
    rows.push({ name: 'false positives, plain SWIM (N=200, 300 periods, 3 seeds)', value: fpOff, unit: 'healthy members declared dead', note: `${susOff} false suspicions` });
    rows.push({ name: 'false positives, Lifeguard (same seeds)', value: fpOn, unit: 'healthy members declared dead', baseline: { name: 'plain SWIM', value: Math.max(fpOff, 1) }, note: `${susOn} false suspicions; reduction ${fpOn === 0 ? `> ${fpOff}x (none)` : `${(fpOff / fpOn).toFixed(1)}x`}` });
    return rows;
  },
};
