/**
 * SWIM under the project's explorer (core/check/explorer.ts): a few members running the
 * real `step`, every interleaving of deliveries, a bounded number of lost datagrams, at
 * most one crash, and time advanced only to the next requested tick.
 *
 * Abstractions (proofs-notes/swim-model-check.md):
 *  - Randomness is a `choose(n)` input: before each step the member's PRNG state is set to
 *    one of `rngChoices` canonical seeds chosen by the action, so every choice the member
 *    makes from its generator is explored among those seeds, and the PRNG state itself is
 *    not part of the canonical encoding.
 *  - Timely delivery: the clock does not advance while a datagram to a live member is in
 *    flight (the checker may still drop it, within the loss budget). Datagrams are
 *    delivered in any order.
 *  - The encoding is relative: times as offsets from the clock, sequence numbers as
 *    offsets from their owner's counter, so a periodic run folds into a finite graph.
 */
import type { ExplorerModel, Invariant } from '../core/check/explorer';
import { MemberId, SwimEffect, SwimInput, SwimState, createMember, step } from '../core/swim/member';
import { MemberTable, denseAliveTable, lookupPacked, packedIncarnation, packedStatus } from '../core/swim/table';
import { seedPrng } from '../core/prng';
import type { Message, Packet, SwimConfig } from '../spec/swim';

export interface SwimModelOptions {
  readonly members: number;
  readonly config: SwimConfig;
  /** Datagrams the checker may drop over a whole run. */
  readonly maxDrops: number;
  /** Whether one member (the last) may crash. */
  readonly crash: boolean;
  /** Seeds offered for each step's random choices. */
  readonly rngChoices: readonly number[];
}

interface Flight {
  readonly from: MemberId;
  readonly to: MemberId;
  readonly packet: Packet;
}

export interface SwimModelState {
  readonly now: number;
  readonly members: readonly SwimState[];
  readonly crashed: number; // member id, or -1
  readonly drops: number;
  /** Bit i set once a datagram to or from member i was dropped. */
  readonly touched: number;
  readonly flights: readonly Flight[];
}

export type SwimAction =
  | { readonly kind: 'deliver'; readonly index: number; readonly rng: number }
  | { readonly kind: 'drop'; readonly index: number }
  | { readonly kind: 'tick'; readonly member: MemberId; readonly rng: number }
  | { readonly kind: 'crash'; readonly member: MemberId };

/**
 * Small-group config: memberlist's structure with shorter constants so runs fold quickly:
 * gossip every 500 ms, suspicion 2..4 periods, dead members gossiped to for 2 s, push-pull
 * every 4 s (0 turns anti-entropy off, which the checker shows breaks liveness).
 */
export function modelConfig(base: SwimConfig, pushPullIntervalMs = 4000): SwimConfig {
  return { ...base, pushPullIntervalMs, gossipIntervalMs: 500, suspicionMult: 2, suspicionMaxTimeoutMult: 2, gossipToTheDeadMs: 2000 };
}

function nextTickAt(s: SwimState): number {
  return s.phase === 'active' || s.phase === 'leaving' ? s.tickAtMs : Infinity;
}

export function swimModel(o: SwimModelOptions): ExplorerModel<SwimModelState, SwimAction> {
  const n = o.members;
  const table = denseAliveTable(n);
  const victim = o.crash ? n - 1 : -1;

  const run = (st: SwimModelState, m: MemberId, input: SwimInput, rng: number): SwimModelState => {
    const before = { ...st.members[m], rng: seedPrng(rng) };
    const [next, fx] = step(o.config, before, input);
    const members = st.members.slice();
    members[m] = next;
    return { ...st, members, flights: [...st.flights, ...sends(m, fx).filter((f) => f.to !== st.crashed)] };
  };

  const sends = (from: MemberId, fx: readonly SwimEffect[]): Flight[] =>
    fx.flatMap((e) => (e.kind === 'send' ? [{ from, to: e.to, packet: e.packet }] : []));

  const initial = (): SwimModelState => {
    let st: SwimModelState = { now: 0, members: Array.from({ length: n }, (_, i) => createMember(i, i + 1, table)), crashed: -1, drops: 0, touched: 0, flights: [] };
    for (let i = 0; i < n; i++) st = run(st, i, { kind: 'join', seeds: [], nowMs: 0 }, o.rngChoices[0]);
    return st;
  };

  const live = (st: SwimModelState, m: MemberId) => m !== st.crashed;

  const actions = (st: SwimModelState): SwimAction[] => {
    const out: SwimAction[] = [];
    let pending = false;
    st.flights.forEach((f, index) => {
      pending = true;
      out.push({ kind: 'deliver', index, rng: o.rngChoices[0] }); // receiving draws no random numbers
      if (st.drops < o.maxDrops && f.packet.kind === 'compound') out.push({ kind: 'drop', index });
    });
    // the crash happens between protocol steps (nothing in flight), at any such point
    if (o.crash && st.crashed < 0 && !pending) out.push({ kind: 'crash', member: victim });
    if (!pending) {
      // timely delivery: time moves only when nothing is in flight to a live member
      let at = Infinity;
      for (let m = 0; m < n; m++) if (live(st, m)) at = Math.min(at, nextTickAt(st.members[m]));
      if (at < Infinity)
        for (let m = 0; m < n; m++)
          if (live(st, m) && nextTickAt(st.members[m]) === at) for (const rng of o.rngChoices) out.push({ kind: 'tick', member: m, rng });
    }
    return out;
  };

  const apply = (st: SwimModelState, a: SwimAction): SwimModelState => {
    switch (a.kind) {
      case 'deliver': {
        const f = st.flights[a.index];
        const rest = { ...st, flights: st.flights.filter((_, i) => i !== a.index) };
        return run(rest, f.to, { kind: 'received', from: f.from, packet: f.packet, nowMs: st.now }, a.rng);
      }
      case 'drop': {
        const f = st.flights[a.index];
        return { ...st, drops: st.drops + 1, touched: st.touched | (1 << f.from) | (1 << f.to), flights: st.flights.filter((_, i) => i !== a.index) };
      }
      case 'crash':
        return { ...st, crashed: a.member, flights: st.flights.filter((f) => f.to !== a.member && f.from !== a.member) };
      case 'tick': {
        const at = nextTickAt(st.members[a.member]);
        return run({ ...st, now: at }, a.member, { kind: 'tick', nowMs: at }, a.rng);
      }
    }
  };

  const invariants: Invariant<SwimModelState>[] = [
    {
      id: 'INV-SWIM-NO-FALSE-DEAD',
      check: (st) => {
        // a member that never crashed and none of whose datagrams was lost is never declared dead
        for (let a = 0; a < n; a++) {
          if (!live(st, a)) continue;
          for (let b = 0; b < n; b++) {
            if (b === a || !live(st, b) || (st.touched & (1 << b)) !== 0) continue;
            const p = lookupPacked(st.members[a].table, b);
            if (p !== 0 && packedStatus(p) === 'dead') return `member ${a} holds live member ${b} dead at ${st.now} ms`;
          }
        }
        return null;
      },
    },
  ];

  // liveness under fairness: from every reachable state, a state is reachable where every
  // live member holds every other live member alive (false suspicions were refuted) and
  // holds the crashed member, if any, dead
  const goal = {
    id: 'LIVE-SWIM-CONVERGE',
    test: (st: SwimModelState) => {
      for (let a = 0; a < n; a++) {
        if (!live(st, a)) continue;
        for (let b = 0; b < n; b++) {
          if (b === a) continue;
          const want = live(st, b) ? 'alive' : 'dead';
          if (packedStatus(lookupPacked(st.members[a].table, b)) !== want) return false;
        }
      }
      return true;
    },
  };

  return {
    name: `swim(${n} members, drops<=${o.maxDrops}, crash=${o.crash}, refute=${o.config.refuteOn})`,
    initial,
    actions,
    apply,
    encode: (st) => encodeState(st),
    invariants,
    goal,
    describe: (before, a, after) => describeAction(before, a, after),
    summarize: (st) => st.members.map((m, i) => `${i}${i === st.crashed ? '(crashed)' : ''}:inc${m.incarnation}[${viewOf(m, n)}]`).join(' '),
  };
}

function viewOf(m: { readonly table: MemberTable } | MemberTable, n: number): string {
  const t = 'table' in m ? m.table : m;
  const out: string[] = [];
  for (let b = 0; b < n; b++) {
    const p = lookupPacked(t, b);
    out.push(p === 0 ? '?' : `${packedStatus(p)[0]}${packedIncarnation(p)}`);
  }
  return out.join(',');
}

const rel = (t: number, now: number) => (t === Infinity ? 'I' : String(t - now));

function encodeMember(st: SwimModelState, s: SwimState, now: number, n: number): string {
  const q = s.queue.map((b) => `${encodeMsg(b.update, 0)}x${b.transmits}`).join(';');
  const su = s.suspicions.map((x) => `${x.member}/${x.incarnation}/${rel(x.startMs, now)}/${x.accuser}/${x.confirmers.join('.')}/${rel(x.deadlineMs, now)}/${x.check ? `${s.seq - x.check.seq}@${rel(x.check.deadlineMs, now)}` : ''}`).join(';');
  const pr = s.probe ? `${s.probe.target}/${s.seq - s.probe.seq}/${rel(s.probe.ackDeadlineMs, now)}/${rel(s.probe.endMs, now)}/${s.probe.indirectSent ? 1 : 0}/${s.probe.nacksExpected}/${s.probe.nacks}` : '-';
  const re = s.relays.map((r) => `${s.seq - r.seq}/${r.origin}/${st.members[r.origin].seq - r.originSeq}/${rel(r.deadlineMs, now)}/${r.nack ? 1 : 0}`).join(';');
  const rd = s.recentDead.map((d) => `${d.member}/${rel(d.untilMs, now)}`).join(';');
  return [s.phase, s.incarnation, viewOf(s, n), su, pr, re, q, s.awareness, `${s.order.key0}.${s.order.key1}.${s.order.size}.${s.order.pos}`, rel(s.nextProbeMs, now), rel(s.nextGossipMs, now), rel(s.nextPushPullMs, now), rel(s.tickAtMs, now), rd].join('|');
}

function encodeMsg(m: Message, seqBase: number): string {
  switch (m.type) {
    case 'ping':
      return `P${seqBase - m.seq}>${m.target}`;
    case 'pingReq':
      return `R${seqBase - m.seq}>${m.target}${m.nack ? 'n' : ''}`;
    case 'ack':
      return `A${seqBase - m.seq}`;
    case 'nack':
      return `N${seqBase - m.seq}`;
    case 'alive':
      return `a${m.member}.${m.incarnation}`;
    case 'suspect':
      return `s${m.member}.${m.incarnation}.${m.from}`;
    case 'dead':
      return `d${m.member}.${m.incarnation}.${m.from}`;
    case 'left':
      return `l${m.member}.${m.incarnation}`;
    case 'suspectCheck':
      return `C${seqBase - m.seq}.${m.member}.${m.incarnation}`;
    case 'suspectCheckReply':
      return `c${seqBase - m.seq}.${m.member}.${m.stillSuspect ? 1 : 0}`;
  }
}

/** Sequence numbers are relative to their owner: the sender of a request, the receiver of a reply. */
function encodeFlight(st: SwimModelState, f: Flight): string {
  if (f.packet.kind !== 'compound') return `${f.from}>${f.to}:pp${f.packet.reply ? 'r' : ''}[${viewOf(f.packet.members, st.members.length)}]`;
  const parts = f.packet.messages.map((m) => {
    const owner = m.type === 'ack' || m.type === 'nack' || m.type === 'suspectCheckReply' ? f.to : f.from;
    return encodeMsg(m, st.members[owner].seq);
  });
  return `${f.from}>${f.to}:${parts.join(',')}`;
}

export function encodeState(st: SwimModelState): string {
  const n = st.members.length;
  const flights = st.flights.map((f) => encodeFlight(st, f)).sort();
  return `${st.crashed}|${st.drops}|${st.touched}#${st.members.map((m, i) => (i === st.crashed ? 'X' : encodeMember(st, m, st.now, n))).join('#')}#${flights.join('&')}`;
}

function describeAction(before: SwimModelState, a: SwimAction, after: SwimModelState): string {
  switch (a.kind) {
    case 'deliver': {
      const f = before.flights[a.index];
      return `t=${before.now} deliver ${encodeFlight(before, f)} (rng ${a.rng}) -> ${a.kind === 'deliver' ? viewOf(after.members[f.to], after.members.length) : ''}`;
    }
    case 'drop':
      return `t=${before.now} drop ${encodeFlight(before, before.flights[a.index])}`;
    case 'crash':
      return `t=${before.now} crash member ${a.member}`;
    case 'tick':
      return `t=${after.now} tick member ${a.member} (rng ${a.rng}) -> inc${after.members[a.member].incarnation} [${viewOf(after.members[a.member], after.members.length)}]`;
  }
}
