/**
 * Deterministic SWIM simulator: N members running the real `step` (core/swim/member.ts)
 * on simulated time, one event heap, every random choice drawn from one seeded `Rng`
 * (FoundationDB/VOPR style, ANCHORS.md "Deterministic simulation"). A seed replays a run
 * exactly. Pure: no clock, no I/O; the caller measures wall time.
 *
 * Network model: per-link latency = base(a) + base(b) + Exp(jitterMeanMs), where each
 * member's base is uniform in [latencyMinMs/2, latencyMaxMs/2] (a per-link distribution
 * without an N^2 table); each datagram is lost with probability `loss` (push-pull streams
 * are reliable, as TCP); partitions drop everything across the cut; crashed members
 * receive nothing and do nothing. Slow members handle each received datagram late (an
 * extra delay uniform in [slowDelayMaxMs/2, slowDelayMaxMs], never overtaking an earlier
 * one) while their timers fire on time: the CPU-starved member of the Lifeguard paper,
 * whose receive handler lags behind its timers.
 *
 * Crashes happen just before a protocol-period boundary (the members start in phase
 * unless `phase: 'random'`), so first-detection time counts protocol periods as the SWIM
 * paper does (e/(e-1) expected with no loss).
 */
import { Rng } from '../prng';
import type { Packet, SwimConfig } from '../../spec/swim';
import { packetBytes } from '../../spec/swim';
import { MemberId, MemberEvent, SwimInput, SwimState, createMember, step } from './member';
import { EMPTY_TABLE, denseAliveTable } from './table';
import { EventHeap } from './heap';

export interface SimOptions {
  readonly members: number;
  readonly periods: number;
  readonly seed: number;
  readonly config: SwimConfig;
  /** Probability that a datagram is lost. */
  readonly loss: number;
  /** Fraction of members that are slow (at least one when > 0). */
  readonly slowFraction: number;
  /** A slow member handles each datagram between half this and this late, in arrival order. */
  readonly slowDelayMaxMs: number;
  /** Members that crash (crash-stop), spread over the run at period boundaries. */
  readonly crashes: number;
  /** Members that are not in the initial view and join later through one seed. */
  readonly joins: number;
  /** Members that leave gracefully, at random times in [20%, 50%] of the run. */
  readonly leaves?: number;
  readonly latencyMinMs: number;
  readonly latencyMaxMs: number;
  readonly jitterMeanMs: number;
  /** 'aligned': every member starts at 0; 'random': start offsets uniform in one period. */
  readonly phase: 'aligned' | 'random';
  /** Split off the first `fraction` of members from `startPeriod` to `endPeriod`. */
  readonly partition?: { readonly fraction: number; readonly startPeriod: number; readonly endPeriod: number };
  /** Observe every member event (at = the member that changed its view). */
  readonly onMemberEvent?: (at: number, e: MemberEvent, nowMs: number) => void;
  /** Called at every period boundary with the period number (the caller prints progress). */
  readonly onPeriod?: (period: number) => void;
}

export const DEFAULT_SIM: Omit<SimOptions, 'members' | 'periods' | 'seed' | 'config'> = {
  loss: 0,
  slowFraction: 0,
  slowDelayMaxMs: 10_000,
  crashes: 0,
  joins: 0,
  latencyMinMs: 1,
  latencyMaxMs: 10,
  jitterMeanMs: 1,
  phase: 'aligned',
};

export interface Summary {
  readonly mean: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  readonly count: number;
}

export interface SimReport {
  readonly members: number;
  readonly periods: number;
  /** Crash -> first suspicion raised by any member, in protocol periods. */
  readonly detection: Summary;
  /** First suspicion -> every live member holds it as suspect or dead, in periods. */
  readonly dissemination: Summary;
  /** Crash -> every live member holds it as dead, in periods. */
  readonly deadEverywhere: Summary;
  /** Crashed members never detected / never known by everyone before the run ended. */
  readonly undetected: number;
  readonly undisseminated: number;
  /**
   * Healthy members (not crashed, not slow) declared dead: distinct (member, incarnation)
   * pairs that some member declared dead on its own suspicion timeout.
   */
  readonly falsePositives: number;
  /** The same count for slow members (alive but handling datagrams seconds late). */
  readonly slowDeclaredDead: number;
  /** Suspicions originated (any member, crashed or not). */
  readonly suspicions: number;
  /** Suspicions originated about healthy members (not crashed, not slow). */
  readonly falseSuspicions: number;
  readonly refutations: number;
  readonly messages: number;
  readonly bytes: number;
  readonly messagesPerMemberPerPeriod: number;
  readonly bytesPerMemberPerPeriod: number;
  /** Datagrams only (push-pull streams excluded). */
  readonly datagramBytesPerMemberPerPeriod: number;
  readonly joinsCompleted: number;
  /** Members that finished leaving (their `left` broadcast was sent out). */
  readonly leavesCompleted: number;
  readonly events: number;
  /** Members chosen slow, in id order. */
  readonly slowMembers: readonly number[];
}

const TICK = 0;
const DELIVER = 1;
const CRASH = 2;
const JOIN = 3;
const LEAVE = 4;

interface Ev {
  readonly kind: number;
  readonly node: number;
  readonly from: number;
  readonly packet: Packet | null;
}

interface CrashRecord {
  readonly member: number;
  readonly atMs: number;
  firstSuspectMs: number;
  allKnowMs: number;
  allDeadMs: number;
  knows: Uint8Array;
  dead: Uint8Array;
  knowCount: number;
  deadCount: number;
}

export function simulate(opts: SimOptions): SimReport {
  const c = opts.config;
  const N = opts.members;
  const T = c.probeIntervalMs;
  const rng = new Rng(opts.seed);
  const endMs = opts.periods * T;
  if (N < 1) throw new RangeError('members must be >= 1');
  const joins = Math.min(opts.joins, Math.max(0, N - 1));
  const initial = N - joins;

  // network
  const base = new Float64Array(N);
  for (let i = 0; i < N; i++) base[i] = (opts.latencyMinMs + rng.float() * (opts.latencyMaxMs - opts.latencyMinMs)) / 2;
  const slow = new Uint8Array(N);
  if (opts.slowFraction > 0) {
    const k = Math.max(1, Math.round(opts.slowFraction * N));
    for (const m of rng.shuffle(Array.from({ length: N }, (_, i) => i)).slice(0, k)) slow[m] = 1;
  }
  const crashed = new Uint8Array(N);
  const active = new Uint8Array(N); // joined and not crashed
  const side = new Uint8Array(N);
  if (opts.partition) for (let i = 0; i < Math.floor(opts.partition.fraction * N); i++) side[i] = 1;
  const partStart = opts.partition ? opts.partition.startPeriod * T : Infinity;
  const partEnd = opts.partition ? opts.partition.endPeriod * T : -Infinity;

  // members: the initial ones share one base table (proofs-notes/swim-table.md)
  const shared = denseAliveTable(initial);
  const states: SwimState[] = new Array(N);
  for (let i = 0; i < N; i++) states[i] = createMember(i, rng.u32(), i < initial ? shared : EMPTY_TABLE);

  const heap = new EventHeap<Ev>();
  for (let i = 0; i < initial; i++) heap.push(opts.phase === 'random' ? Math.floor(rng.float() * T) : 0, { kind: JOIN, node: i, from: -1, packet: null });
  for (let i = initial; i < N; i++) heap.push(Math.floor((0.05 + 0.45 * rng.float()) * endMs), { kind: JOIN, node: i, from: -1, packet: null });

  // crashes: distinct members, just before period boundaries spread over [10%, 60%] of the run
  const crashRecords = new Map<number, CrashRecord>();
  const crashing = new Set<number>();
  const nCrash = Math.min(opts.crashes, Math.max(0, initial - 1));
  if (nCrash > 0) {
    const victims = rng.shuffle(Array.from({ length: initial }, (_, i) => i)).slice(0, nCrash);
    const first = Math.max(2, Math.floor(opts.periods * 0.1));
    const last = Math.max(first, Math.floor(opts.periods * 0.6));
    victims.forEach((m, i) => {
      crashing.add(m);
      const period = first + Math.floor((i * (last - first + 1)) / nCrash);
      heap.push(period * T - 1, { kind: CRASH, node: m, from: -1, packet: null });
    });
  }

  // graceful leaves: members that do not crash
  const departed = new Uint8Array(N);
  const nLeave = Math.min(opts.leaves ?? 0, Math.max(0, initial - nCrash - 1));
  if (nLeave > 0) {
    const candidates = Array.from({ length: initial }, (_, i) => i).filter((i) => !crashing.has(i));
    for (const m of rng.shuffle(candidates).slice(0, nLeave)) heap.push(Math.floor((0.2 + 0.3 * rng.float()) * endMs), { kind: LEAVE, node: m, from: -1, packet: null });
  }

  let messages = 0;
  let bytes = 0;
  let datagramBytes = 0;
  let falsePositives = 0;
  let slowDeclaredDead = 0;
  const declared = new Set<number>();
  let suspicions = 0;
  let falseSuspicions = 0;
  let refutations = 0;
  let joinsCompleted = 0;
  let leavesCompleted = 0;
  let events = 0;
  let liveCount = 0;
  let nextPeriod = 1;

  const onMemberEvent = (at: number, e: MemberEvent, now: number) => {
    opts.onMemberEvent?.(at, e, now);
    if (e.member === at) {
      if (e.local && e.previous === 'alive' && e.status === 'alive') refutations++;
      return;
    }
    if (e.local && e.status === 'suspect') {
      suspicions++;
      if (!crashed[e.member] && !slow[e.member] && !departed[e.member]) falseSuspicions++;
    }
    if (e.local && e.status === 'dead' && !crashed[e.member] && !departed[e.member]) {
      const key = e.member * 2 ** 20 + e.incarnation;
      if (!declared.has(key)) {
        declared.add(key);
        if (slow[e.member]) slowDeclaredDead++;
        else falsePositives++;
      }
    }
    const r = crashRecords.get(e.member);
    if (r === undefined || now < r.atMs) return;
    if (e.local && e.status === 'suspect' && r.firstSuspectMs < 0) r.firstSuspectMs = now;
    const knowsNow = e.status !== 'alive' ? 1 : 0;
    if (r.knows[at] !== knowsNow) {
      r.knows[at] = knowsNow;
      r.knowCount += knowsNow ? 1 : -1;
    }
    const deadNow = e.status === 'dead' ? 1 : 0;
    if (r.dead[at] !== deadNow) {
      r.dead[at] = deadNow;
      r.deadCount += deadNow ? 1 : -1;
    }
    checkAll(r, now);
  };

  const checkAll = (r: CrashRecord, now: number) => {
    if (r.allKnowMs < 0 && r.firstSuspectMs >= 0 && r.knowCount >= liveCount) r.allKnowMs = now;
    if (r.allDeadMs < 0 && r.deadCount >= liveCount) r.allDeadMs = now;
  };

  const handledAt = new Float64Array(N); // slow members: when the last datagram is handled (FIFO)
  const deliverAt = (a: number, b: number, now: number): number => {
    let d = base[a] + base[b];
    if (opts.jitterMeanMs > 0) d += -opts.jitterMeanMs * Math.log(1 - rng.float());
    if (!slow[b]) return now + d;
    const at = Math.max(handledAt[b], now + d + (0.5 + 0.5 * rng.float()) * opts.slowDelayMaxMs);
    handledAt[b] = at;
    return at;
  };

  const run = (node: number, input: SwimInput, now: number) => {
    const [next, effects] = step(c, states[node], input);
    states[node] = next;
    for (const e of effects) {
      switch (e.kind) {
        case 'send': {
          const sz = packetBytes(e.packet);
          messages++;
          bytes += sz;
          if (e.packet.kind === 'compound') {
            datagramBytes += sz;
            if (opts.loss > 0 && rng.chance(opts.loss)) break;
          }
          if (now >= partStart && now < partEnd && side[node] !== side[e.to]) break;
          heap.push(deliverAt(node, e.to, now), { kind: DELIVER, node: e.to, from: node, packet: e.packet });
          break;
        }
        case 'scheduleTick':
          heap.push(e.atMs, { kind: TICK, node, from: -1, packet: null });
          break;
        case 'memberEvent':
          onMemberEvent(node, e, now);
          break;
        case 'stopped':
          leavesCompleted++;
          if (active[node]) liveCount--;
          active[node] = 0;
          break;
      }
    }
  };

  const tickInput = { kind: 'tick' as const, nowMs: 0 };
  for (;;) {
    const t = heap.peekTime();
    if (t >= endMs) break;
    const ev = heap.pop()!;
    const now = heap.lastTime;
    while (opts.onPeriod && now >= nextPeriod * T) opts.onPeriod(nextPeriod++);
    events++;
    const node = ev.node;
    if (crashed[node]) continue;
    switch (ev.kind) {
      case TICK:
        tickInput.nowMs = now; // reused: step never keeps its input
        run(node, tickInput, now);
        break;
      case DELIVER:
        if (now >= partStart && now < partEnd && side[ev.from] !== side[node]) break;
        run(node, { kind: 'received', from: ev.from, packet: ev.packet!, nowMs: now }, now);
        break;
      case JOIN: {
        active[node] = 1;
        liveCount++;
        let seeds: MemberId[] = [];
        if (node >= initial) {
          const live: number[] = [];
          for (let i = 0; i < initial; i++) if (!crashed[i] && i !== node) live.push(i);
          if (live.length > 0) seeds = [rng.pick(live)];
          joinsCompleted++;
        }
        run(node, { kind: 'join', seeds, nowMs: now }, now);
        break;
      }
      case LEAVE:
        departed[node] = 1;
        run(node, { kind: 'leave', nowMs: now }, now);
        break;
      case CRASH: {
        crashed[node] = 1;
        if (active[node]) liveCount--;
        active[node] = 0;
        for (const r of crashRecords.values()) {
          if (r.knows[node]) r.knowCount--;
          if (r.dead[node]) r.deadCount--;
          r.knows[node] = 0;
          r.dead[node] = 0;
        }
        crashRecords.set(node, { member: node, atMs: now, firstSuspectMs: -1, allKnowMs: -1, allDeadMs: -1, knows: new Uint8Array(N), dead: new Uint8Array(N), knowCount: 0, deadCount: 0 });
        for (const r of crashRecords.values()) checkAll(r, now);
        break;
      }
    }
  }

  const det: number[] = [];
  const dis: number[] = [];
  const dead: number[] = [];
  let undetected = 0;
  let undisseminated = 0;
  for (const r of crashRecords.values()) {
    if (r.firstSuspectMs < 0) undetected++;
    else det.push((r.firstSuspectMs - r.atMs) / T);
    if (r.allKnowMs < 0 || r.firstSuspectMs < 0) undisseminated++;
    else dis.push((r.allKnowMs - r.firstSuspectMs) / T);
    if (r.allDeadMs >= 0) dead.push((r.allDeadMs - r.atMs) / T);
  }
  const mp = N * opts.periods;
  return {
    members: N,
    periods: opts.periods,
    detection: summarize(det),
    dissemination: summarize(dis),
    deadEverywhere: summarize(dead),
    undetected,
    undisseminated,
    falsePositives,
    slowDeclaredDead,
    suspicions,
    falseSuspicions,
    refutations,
    messages,
    bytes,
    messagesPerMemberPerPeriod: messages / mp,
    bytesPerMemberPerPeriod: bytes / mp,
    datagramBytesPerMemberPerPeriod: datagramBytes / mp,
    joinsCompleted,
    leavesCompleted,
    events,
    slowMembers: Array.from(slow.keys()).filter((i) => slow[i] === 1),
  };
}

export function summarize(xs: readonly number[]): Summary {
  if (xs.length === 0) return { mean: NaN, p50: NaN, p99: NaN, max: NaN, count: 0 };
  const s = xs.slice().sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))];
  return { mean: s.reduce((a, b) => a + b, 0) / s.length, p50: q(0.5), p99: q(0.99), max: s[s.length - 1], count: s.length };
}
