/**
 * One SWIM member with Lifeguard, as a pure machine:
 *   step(config, state, input) -> [state, effects]
 *
 * Time (`nowMs`) and randomness (a xoshiro128** state inside `SwimState`) are inputs;
 * timers are `scheduleTick` effects; nothing here performs I/O. The same `step` runs in the
 * simulator (core/swim/sim.ts), the model checker (properties/swim-model.ts) and any real
 * transport adapter.
 *
 * Protocol (SWIM paper; hashicorp/memberlist; ANCHORS.md "SWIM and Lifeguard"):
 *  - every protocol period, probe the next member of a shuffled round-robin order (a keyed
 *    permutation of slot numbers, re-keyed each round): ping, wait probeTimeout, then
 *    ping-req through K random members (who nack if the target stays silent), and if no
 *    ack arrives by the end of the period, suspect the target;
 *  - suspicion times out into dead; a suspected member refutes by raising its incarnation;
 *  - membership updates piggyback on every datagram within udpBufferBytes, least-sent
 *    first, each sent retransmitMult * ceil(log10(n+1)) times, and are also gossiped to
 *    gossipNodes members every gossipInterval while any are queued;
 *  - push-pull anti-entropy with one random member every pushPullInterval (scaled up for
 *    large groups like memberlist); joining = push-pull with the seeds;
 *  - graceful leave: broadcast `left` at a higher incarnation, stop probing, stop when the
 *    broadcast has been sent its retransmit limit.
 * Lifeguard: local health awareness scales probe interval and timeout by (score + 1) up to
 * awarenessMaxMult; the dynamic suspicion timeout shrinks from max to min with independent
 * confirmations; the buddy system tells a suspect it is suspected when probing it; nacks.
 * DAOS (optional): before a suspicion becomes dead, ask the accuser whether it still holds.
 */
import { InvariantViolation, StepResult } from '../types';
import { PrngState, nextBelow, nextU32, seedPrng } from '../prng';
import type { Message, Packet, PushPull, SwimConfig, Update } from '../../spec/swim';
import { DATAGRAM_HEADER_BYTES, COMPOUND_MAX_MESSAGES, messageBytes } from '../../spec/swim';
import {
  MemberTable,
  Status,
  lookupPacked,
  memberAtSlot,
  packedIncarnation,
  packedStatus,
  pack,
  put,
  trieDiff,
  STATUSES,
} from './table';
import { Known, nextStatus } from './status';
import { permuteIndex } from './permute';

export type MemberId = number;

// ------------------------------------------------------------------ inputs and effects

export type SwimInput =
  /** Start (or join): push-pull with each seed; with no seeds, start from the given table. */
  | { readonly kind: 'join'; readonly seeds: readonly MemberId[]; readonly nowMs: number }
  | { readonly kind: 'tick'; readonly nowMs: number }
  | { readonly kind: 'received'; readonly from: MemberId; readonly packet: Packet; readonly nowMs: number }
  | { readonly kind: 'leave'; readonly nowMs: number };

export interface MemberEvent {
  readonly kind: 'memberEvent';
  readonly member: MemberId;
  readonly previous: Status | 'unknown';
  readonly status: Status;
  readonly incarnation: number;
  /** true when this member originated the change (its probe failed, its timer fired). */
  readonly local: boolean;
}

export type SwimEffect =
  | { readonly kind: 'send'; readonly to: MemberId; readonly packet: Packet }
  | { readonly kind: 'scheduleTick'; readonly atMs: number }
  | MemberEvent
  /** The member finished leaving (its `left` broadcast was sent) and ignores all input now. */
  | { readonly kind: 'stopped' };

// ------------------------------------------------------------------ state

export interface Suspicion {
  readonly member: MemberId;
  readonly incarnation: number;
  readonly startMs: number;
  /** Who raised it (the `from` of the first suspect message, or self). */
  readonly accuser: MemberId;
  /** Distinct independent confirmers (not the accuser), at most k. */
  readonly confirmers: readonly MemberId[];
  readonly k: number;
  readonly minMs: number;
  readonly maxMs: number;
  /** startMs + suspicionTimeoutMs(this), kept in step with the confirmers. */
  readonly deadlineMs: number;
  /** DAOS rule: a re-contact of the accuser in flight. */
  readonly check: { readonly seq: number; readonly deadlineMs: number } | null;
}

export interface Probe {
  readonly target: MemberId;
  readonly seq: number;
  readonly ackDeadlineMs: number;
  readonly endMs: number;
  readonly indirectSent: boolean;
  readonly nacksExpected: number;
  readonly nacks: number;
}

export interface Relay {
  readonly seq: number;
  readonly origin: MemberId;
  readonly originSeq: number;
  readonly deadlineMs: number;
  readonly nack: boolean;
}

export interface Broadcast {
  readonly update: Update;
  readonly transmits: number;
  readonly id: number;
}

export interface SwimState {
  readonly self: MemberId;
  readonly phase: 'idle' | 'active' | 'leaving' | 'stopped';
  readonly incarnation: number;
  readonly table: MemberTable;
  readonly suspicions: readonly Suspicion[];
  readonly probe: Probe | null;
  readonly relays: readonly Relay[];
  /** Broadcast queue, kept sorted: fewest transmits first, then newest first. */
  readonly queue: readonly Broadcast[];
  /** Lifeguard local health score in [0, awarenessMaxMult - 1]. */
  readonly awareness: number;
  readonly seq: number;
  readonly broadcastId: number;
  /** Probe order: a keyed permutation of [0, size), position pos. */
  readonly order: { readonly key0: number; readonly key1: number; readonly size: number; readonly pos: number };
  readonly nextProbeMs: number;
  readonly nextGossipMs: number;
  readonly nextPushPullMs: number;
  /** The earliest tick already requested (Infinity when none is outstanding). */
  readonly tickAtMs: number;
  /** Members declared dead recently: still gossiped to, so a live one hears it and refutes. */
  readonly recentDead: readonly { readonly member: MemberId; readonly untilMs: number }[];
  readonly rng: PrngState;
}

/**
 * A member that has not started. `table` is its initial view (the simulator passes one
 * shared table of every member); the member's own entry is set alive at `incarnation`.
 */
export function createMember(self: MemberId, seed: number, table: MemberTable, incarnation = 0): SwimState {
  return {
    self,
    phase: 'idle',
    incarnation,
    table: put(table, self, 'alive', incarnation),
    suspicions: [],
    probe: null,
    relays: [],
    queue: [],
    awareness: 0,
    seq: 0,
    broadcastId: 0,
    order: { key0: 0, key1: 0, size: 0, pos: 0 },
    nextProbeMs: Infinity,
    nextGossipMs: Infinity,
    nextPushPullMs: Infinity,
    tickAtMs: Infinity,
    recentDead: [],
    rng: seedPrng(seed),
  };
}

// ------------------------------------------------------------------ formulas

/** memberlist suspicionTimeout: mult * max(1, log10(n)) * interval (scale rounded to ms). */
export function suspicionMinMs(c: SwimConfig, n: number): number {
  const scale = Math.max(1, Math.log10(Math.max(1, n)));
  return Math.floor((c.suspicionMult * Math.floor(scale * 1000) * c.probeIntervalMs) / 1000);
}

/** Lifeguard: max - (max - min) * log(c + 1) / log(k + 1), never below min. */
export function suspicionTimeoutMs(s: Pick<Suspicion, 'k' | 'minMs' | 'maxMs' | 'confirmers'>): number {
  if (s.k < 1) return s.minMs;
  const frac = Math.log(s.confirmers.length + 1) / Math.log(s.k + 1);
  return Math.max(s.minMs, Math.floor(s.maxMs - (s.maxMs - s.minMs) * frac));
}

/** memberlist retransmitLimit: mult * ceil(log10(n + 1)). */
export function retransmitLimit(c: SwimConfig, n: number): number {
  return c.retransmitMult * Math.ceil(Math.log10(n + 1));
}

/** memberlist pushPullScale: beyond 32 members the interval grows with log2(n / 32). */
export function pushPullIntervalMs(c: SwimConfig, n: number): number {
  if (n <= 32) return c.pushPullIntervalMs;
  return c.pushPullIntervalMs * (Math.ceil(Math.log2(n) - Math.log2(32)) + 1);
}

/**
 * A relay nacks when the target has not acked within 80% of the probe timeout, so the nack
 * reaches the prober before its period ends (Lifeguard). memberlist waits the full probe
 * timeout, which with the LAN defaults (timeout = interval / 2) makes every nack race the
 * prober's deadline and charges the prober's health for probing a member that is truly
 * dead (proofs-notes/swim-lifeguard.md).
 */
export function relayNackMs(c: SwimConfig): number {
  return Math.floor(c.probeTimeoutMs * 0.8);
}

function scaled(c: SwimConfig, s: SwimState, ms: number): number {
  return c.localHealthOn ? ms * (s.awareness + 1) : ms;
}

/** Lifeguard LHA: the health score moves by delta within [0, awarenessMaxMult - 1]. */
function addAwareness(c: SwimConfig, s: Draft, delta: number): void {
  if (!c.localHealthOn || delta === 0) return;
  s.awareness = Math.min(c.awarenessMaxMult - 1, Math.max(0, s.awareness + delta));
}

// ------------------------------------------------------------------ step

/**
 * `step` copies the state once and lets the helpers below update that private copy (a
 * draft no one else can see), so a step allocates one state object, not one per field
 * change. The input state is never mutated: `step` is pure to its callers.
 */
type Draft = { -readonly [K in keyof SwimState]: SwimState[K] };

/** A field-by-field copy: one allocation with a fixed shape (faster than a spread in V8). */
function draft(x: SwimState): Draft {
  return {
    self: x.self,
    phase: x.phase,
    incarnation: x.incarnation,
    table: x.table,
    suspicions: x.suspicions,
    probe: x.probe,
    relays: x.relays,
    queue: x.queue,
    awareness: x.awareness,
    seq: x.seq,
    broadcastId: x.broadcastId,
    order: x.order,
    nextProbeMs: x.nextProbeMs,
    nextGossipMs: x.nextGossipMs,
    nextPushPullMs: x.nextPushPullMs,
    tickAtMs: x.tickAtMs,
    recentDead: x.recentDead,
    rng: x.rng,
  };
}

export function step(config: SwimConfig, state: SwimState, input: SwimInput): StepResult<SwimState, SwimEffect> {
  const fx: SwimEffect[] = [];
  if (state.phase === 'stopped') return [state, fx];
  const s = draft(state);
  switch (input.kind) {
    case 'join':
      if (s.phase === 'idle') onJoin(config, s, input.seeds, input.nowMs, fx);
      break;
    case 'tick':
      if (s.phase !== 'idle') onTick(config, s, input.nowMs, fx);
      break;
    case 'received':
      if (s.phase !== 'idle') onReceived(config, s, input.from, input.packet, input.nowMs, fx);
      break;
    case 'leave':
      if (s.phase === 'active') onLeave(config, s, input.nowMs, fx);
      break;
  }
  afterStep(s, input.nowMs, fx);
  assertInvariants(state, s);
  return [s, fx];
}

/** INV-SWIM-INC: a member's own incarnation, and every entry's incarnation, never decrease. */
export function assertInvariants(before: SwimState, after: SwimState): void {
  // plain ifs, not invariant(cond, id, () => ...): this runs on every step, and a closure per call is garbage
  if (after.incarnation < before.incarnation) throw new InvariantViolation('INV-SWIM-INC', `own incarnation ${before.incarnation} -> ${after.incarnation}`);
  if (before.table !== after.table)
    trieDiff(before.table.entries, after.table.entries, (m, a, b) => {
      if (a !== 0 && (b === 0 || packedIncarnation(b) < packedIncarnation(a)))
        throw new InvariantViolation('INV-SWIM-INC', `member ${m}: incarnation ${packedIncarnation(a)} -> ${b === 0 ? 'forgotten' : packedIncarnation(b)}`);
    });
  if (after.awareness < 0) throw new InvariantViolation('INV-SWIM-AWARE', `awareness ${after.awareness}`);
}

function onJoin(c: SwimConfig, s: Draft, seeds: readonly MemberId[], now: number, fx: SwimEffect[]): void {
  s.phase = 'active';
  s.nextProbeMs = now + c.probeIntervalMs;
  // the first push-pull at a random offset within one interval, so a group does not sync in lockstep
  s.nextPushPullMs = c.pushPullIntervalMs > 0 ? now + randomBelow(s, pushPullIntervalMs(c, s.table.liveCount)) : Infinity;
  fx.push({ kind: 'memberEvent', member: s.self, previous: 'unknown', status: 'alive', incarnation: s.incarnation, local: true });
  if (seeds.length > 0) {
    enqueue(c, s, { type: 'alive', member: s.self, incarnation: s.incarnation }, now);
    for (const seed of seeds)
      if (seed !== s.self) fx.push({ kind: 'send', to: seed, packet: { kind: 'pushPull', join: true, reply: false, from: s.self, members: s.table } });
  }
}

function onLeave(c: SwimConfig, s: Draft, now: number, fx: SwimEffect[]): void {
  const inc = s.incarnation + 1;
  s.phase = 'leaving';
  s.incarnation = inc;
  s.table = put(s.table, s.self, 'left', inc);
  s.probe = null;
  s.nextProbeMs = Infinity; // a leaving member only gossips its departure
  s.nextPushPullMs = Infinity;
  fx.push({ kind: 'memberEvent', member: s.self, previous: 'alive', status: 'left', incarnation: inc, local: true });
  enqueue(c, s, { type: 'left', member: s.self, incarnation: inc }, now);
  if (s.table.liveCount === 0) stop(s, fx);
}

function stop(s: Draft, fx: SwimEffect[]): void {
  fx.push({ kind: 'stopped' });
  s.phase = 'stopped';
  s.probe = null;
  s.relays = [];
  s.queue = [];
  s.suspicions = [];
  s.nextProbeMs = Infinity;
  s.nextGossipMs = Infinity;
  s.nextPushPullMs = Infinity;
}

// ------------------------------------------------------------------ timers

function onTick(c: SwimConfig, s: Draft, now: number, fx: SwimEffect[]): void {
  if (now >= s.tickAtMs) s.tickAtMs = Infinity;

  // indirect probes we relay: nack when the target stayed silent
  if (s.relays.length > 0 && s.relays.some((r) => r.deadlineMs <= now)) {
    const due = s.relays.filter((r) => r.deadlineMs <= now);
    s.relays = s.relays.filter((r) => r.deadlineMs > now);
    for (const r of due) if (r.nack) sendDatagram(c, s, r.origin, [{ type: 'nack', seq: r.originSeq }], fx);
  }

  // our own probe: ack deadline -> ping-req; end of period -> suspect
  if (s.probe !== null && !s.probe.indirectSent && s.probe.ackDeadlineMs <= now) sendIndirect(c, s, fx);
  if (s.probe !== null && s.probe.endMs <= now) probeFailed(c, s, now, fx);

  if (s.suspicions.length > 0) expireSuspicions(c, s, now, fx);

  if (s.phase === 'active' && s.nextProbeMs <= now) startProbe(c, s, now, fx);
  if (s.nextGossipMs <= now) gossip(c, s, now, fx);
  if (s.phase === 'active' && s.nextPushPullMs <= now) pushPull(c, s, now, fx);
  if (s.recentDead.length > 0 && s.recentDead[0].untilMs <= now) s.recentDead = s.recentDead.filter((d) => d.untilMs > now);
}

/** Request a tick for the earliest deadline if none earlier is outstanding. */
function afterStep(s: Draft, now: number, fx: SwimEffect[]): void {
  if (s.phase === 'idle' || s.phase === 'stopped') return;
  let at = s.nextProbeMs < s.nextGossipMs ? s.nextProbeMs : s.nextGossipMs;
  if (s.nextPushPullMs < at) at = s.nextPushPullMs;
  if (s.probe !== null) {
    const p = s.probe.indirectSent ? s.probe.endMs : s.probe.ackDeadlineMs;
    if (p < at) at = p;
  }
  for (const r of s.relays) if (r.deadlineMs < at) at = r.deadlineMs;
  for (const x of s.suspicions) {
    const d = x.check !== null ? x.check.deadlineMs : x.deadlineMs;
    if (d < at) at = d;
  }
  if (s.recentDead.length > 0 && s.recentDead[0].untilMs < at) at = s.recentDead[0].untilMs;
  if (at === Infinity || at >= s.tickAtMs) return;
  const atMs = at > now ? at : now;
  fx.push({ kind: 'scheduleTick', atMs });
  s.tickAtMs = atMs;
}

// ------------------------------------------------------------------ probing

/** The next member in this round's order that is alive or suspect; a new key each round. */
function nextTarget(s: Draft): MemberId | null {
  let { key0, key1, size, pos } = s.order;
  const t = s.table;
  let found: MemberId | null = null;
  for (let scanned = 0; scanned <= 2 * t.slotCount + 1; scanned++) {
    if (pos >= size) {
      if (t.slotCount <= 1) break;
      let k: number;
      [k, s.rng] = nextU32(s.rng);
      key0 = k;
      [k, s.rng] = nextU32(s.rng);
      key1 = k;
      size = t.slotCount;
      pos = 0;
    }
    const m = memberAtSlot(t, permuteIndex(pos++, size, key0, key1));
    if (m === s.self) continue;
    const st = (lookupPacked(t, m) - 1) % 4;
    if (st === 0 || st === 1) {
      found = m;
      break;
    }
  }
  s.order = { key0, key1, size, pos };
  return found;
}

function startProbe(c: SwimConfig, s: Draft, now: number, fx: SwimEffect[]): void {
  const interval = scaled(c, s, c.probeIntervalMs);
  s.nextProbeMs = now + interval;
  const target = nextTarget(s);
  if (target === null) return;
  const seq = ++s.seq;
  // memberlist scales the probe interval with awareness but not the ack timeout ("waiting
  // longer does not help UDP through"; the longer period gives indirect acks and nacks time)
  s.probe = { target, seq, ackDeadlineMs: now + c.probeTimeoutMs, endMs: now + interval, indirectSent: false, nacksExpected: 0, nacks: 0 };
  const msgs: Message[] = [{ type: 'ping', seq, target }];
  const p = lookupPacked(s.table, target);
  if (c.buddyOn && packedStatus(p) === 'suspect') msgs.push({ type: 'suspect', member: target, incarnation: packedIncarnation(p), from: s.self });
  sendDatagram(c, s, target, msgs, fx);
}

function sendIndirect(c: SwimConfig, s: Draft, fx: SwimEffect[]): void {
  const probe = s.probe!;
  // memberlist: indirect probers are members we hold alive (not suspect)
  const peers = randomMembers(s, c.indirectChecks, (m, st) => m !== probe.target && st === 0);
  s.probe = { ...probe, indirectSent: true, nacksExpected: c.nacksOn ? peers.length : 0 };
  for (const p of peers) sendDatagram(c, s, p, [{ type: 'pingReq', seq: probe.seq, target: probe.target, nack: c.nacksOn }], fx);
}

function probeFailed(c: SwimConfig, s: Draft, now: number, fx: SwimEffect[]): void {
  const probe = s.probe!;
  s.probe = null;
  // Lifeguard LHA: missing nacks mean *we* are the slow one; with no nack peers, any failure counts
  addAwareness(c, s, probe.nacksExpected > 0 ? Math.max(0, probe.nacksExpected - probe.nacks) : 1);
  const p = lookupPacked(s.table, probe.target);
  if (p === 0) return;
  const st = packedStatus(p);
  if (st !== 'alive' && st !== 'suspect') return;
  applyUpdate(c, s, { type: 'suspect', member: probe.target, incarnation: packedIncarnation(p), from: s.self }, now, fx, true);
}

// ------------------------------------------------------------------ suspicion

function expireSuspicions(c: SwimConfig, s: Draft, now: number, fx: SwimEffect[]): void {
  let due = false;
  for (const x of s.suspicions) if ((x.check !== null ? x.check.deadlineMs : x.deadlineMs) <= now) due = true;
  if (!due) return;
  for (const x of s.suspicions.slice()) {
    if (x.check !== null) {
      if (x.check.deadlineMs <= now) declareDead(c, s, x, now, fx); // the accuser did not answer
      continue;
    }
    if (x.deadlineMs > now) continue;
    if (c.confirmWithAccuserOn && x.accuser !== s.self && isLive(s, x.accuser)) {
      const seq = ++s.seq;
      s.suspicions = s.suspicions.map((y) => (y === x ? { ...x, check: { seq, deadlineMs: now + c.probeTimeoutMs } } : y));
      sendDatagram(c, s, x.accuser, [{ type: 'suspectCheck', seq, member: x.member, incarnation: x.incarnation }], fx);
      continue;
    }
    declareDead(c, s, x, now, fx);
  }
}

function declareDead(c: SwimConfig, s: Draft, x: Suspicion, now: number, fx: SwimEffect[]): void {
  const cur = known(s, x.member);
  const out = cur === undefined ? undefined : nextStatus(cur, { type: 'timeout', incarnation: x.incarnation });
  s.suspicions = s.suspicions.filter((y) => y.member !== x.member);
  if (out === undefined || out.kind !== 'applied') return;
  commit(c, s, x.member, cur, out.next, { type: 'dead', member: x.member, incarnation: x.incarnation, from: s.self }, now, fx, true);
}

function isLive(s: SwimState, m: MemberId): boolean {
  const p = lookupPacked(s.table, m);
  return p !== 0 && (p - 1) % 4 <= 1;
}

function known(s: SwimState, m: MemberId): Known | undefined {
  const p = lookupPacked(s.table, m);
  return p === 0 ? undefined : { status: packedStatus(p), incarnation: packedIncarnation(p) };
}

// ------------------------------------------------------------------ updates

/**
 * Apply one membership update (received, merged, or raised locally). Updates about this
 * member are refuted; others go through the precedence reducer; every change is
 * re-broadcast and reported as a memberEvent.
 */
function applyUpdate(c: SwimConfig, s: Draft, u: Update, now: number, fx: SwimEffect[], local: boolean): void {
  if (u.member === s.self) return aboutSelf(c, s, u, now, fx);
  const p = lookupPacked(s.table, u.member);
  // fast path: every rule ignores an older incarnation, and news about an unknown member other than alive
  if (p === 0 ? u.type !== 'alive' : u.incarnation < packedIncarnation(p)) return;
  if (p === pack(u.type, u.incarnation) && u.type !== 'suspect') return;
  const cur: Known | undefined = p === 0 ? undefined : { status: packedStatus(p), incarnation: packedIncarnation(p) };
  const out = nextStatus(cur, { type: u.type, incarnation: u.incarnation });
  if (out.kind === 'ignored') return;
  if (out.kind === 'confirm') return confirm(c, s, u as Extract<Update, { type: 'suspect' }>, now);
  commit(c, s, u.member, cur, out.next, u, now, fx, local);
}

function commit(c: SwimConfig, s: Draft, m: MemberId, cur: Known | undefined, next: Known, u: Update, now: number, fx: SwimEffect[], local: boolean): void {
  s.table = put(s.table, m, next.status, next.incarnation);
  fx.push({ kind: 'memberEvent', member: m, previous: cur?.status ?? 'unknown', status: next.status, incarnation: next.incarnation, local });
  // any change ends an earlier suspicion of m; a suspect starts a new one
  if (s.suspicions.some((x) => x.member === m)) s.suspicions = s.suspicions.filter((x) => x.member !== m);
  if (next.status === 'suspect') {
    const n = s.table.liveCount;
    const minMs = suspicionMinMs(c, n);
    // memberlist: k = suspicionMult - 2 expected confirmations, 0 when the group is too small
    const k = c.dynamicSuspicionOn ? (n - 2 < c.suspicionMult - 2 ? 0 : c.suspicionMult - 2) : 0;
    const accuser = u.type === 'suspect' ? u.from : s.self;
    const maxMs = c.dynamicSuspicionOn ? minMs * c.suspicionMaxTimeoutMult : minMs;
    const deadlineMs = now + suspicionTimeoutMs({ k, minMs, maxMs, confirmers: [] });
    s.suspicions = [...s.suspicions, { member: m, incarnation: next.incarnation, startMs: now, accuser, confirmers: [], k, minMs, maxMs, deadlineMs, check: null }];
  }
  if (next.status === 'dead') s.recentDead = [...s.recentDead, { member: m, untilMs: now + c.gossipToTheDeadMs }];
  if ((next.status === 'dead' || next.status === 'left') && s.probe !== null && s.probe.target === m) s.probe = null;
  enqueue(c, s, u, now);
}

/** Lifeguard: an independent suspect message at the same incarnation shortens the timeout. */
function confirm(c: SwimConfig, s: Draft, u: Extract<Update, { type: 'suspect' }>, now: number): void {
  const x = s.suspicions.find((y) => y.member === u.member);
  if (x === undefined || x.k < 1 || x.confirmers.length >= x.k || u.from === x.accuser || x.confirmers.includes(u.from)) return;
  const confirmers = [...x.confirmers, u.from];
  const nx: Suspicion = { ...x, confirmers, deadlineMs: x.startMs + suspicionTimeoutMs({ ...x, confirmers }) };
  s.suspicions = s.suspicions.map((y) => (y === x ? nx : y));
  enqueue(c, s, u, now); // memberlist re-gossips each new confirmation
}

function aboutSelf(c: SwimConfig, s: Draft, u: Update, now: number, fx: SwimEffect[]): void {
  if (u.type === 'alive' || u.type === 'left') return;
  if (s.phase !== 'active' || u.incarnation < s.incarnation) return;
  if (!c.refuteOn) return; // planted bug for the model checker: never refute
  const inc = u.incarnation + 1;
  s.incarnation = inc;
  s.table = put(s.table, s.self, 'alive', inc);
  addAwareness(c, s, 1); // Lifeguard: having to refute is a sign we are slow
  fx.push({ kind: 'memberEvent', member: s.self, previous: 'alive', status: 'alive', incarnation: inc, local: true });
  enqueue(c, s, { type: 'alive', member: s.self, incarnation: inc }, now);
}

// ------------------------------------------------------------------ receiving

function onReceived(c: SwimConfig, s: Draft, from: MemberId, packet: Packet, now: number, fx: SwimEffect[]): void {
  if (packet.kind === 'pushPull') return onPushPull(c, s, from, packet, now, fx);
  // membership updates first, so a refutation rides on the ack we send back
  for (const m of packet.messages)
    if (m.type === 'alive' || m.type === 'suspect' || m.type === 'dead' || m.type === 'left') applyUpdate(c, s, m, now, fx, false);
  for (const m of packet.messages) {
    switch (m.type) {
      case 'ping':
        if (m.target === s.self) sendDatagram(c, s, from, [{ type: 'ack', seq: m.seq }], fx);
        break;
      case 'pingReq': {
        if (s.phase !== 'active' || m.target === s.self) break;
        const seq = ++s.seq;
        s.relays = [...s.relays, { seq, origin: from, originSeq: m.seq, deadlineMs: now + relayNackMs(c), nack: m.nack }];
        sendDatagram(c, s, m.target, [{ type: 'ping', seq, target: m.target }], fx);
        break;
      }
      case 'ack':
        if (s.probe !== null && s.probe.seq === m.seq && now < s.probe.endMs) {
          s.probe = null;
          addAwareness(c, s, -1);
        } else {
          const r = s.relays.find((x) => x.seq === m.seq);
          if (r !== undefined) {
            s.relays = s.relays.filter((x) => x !== r);
            sendDatagram(c, s, r.origin, [{ type: 'ack', seq: r.originSeq }], fx);
          }
        }
        break;
      case 'nack':
        if (s.probe !== null && s.probe.seq === m.seq) s.probe = { ...s.probe, nacks: s.probe.nacks + 1 };
        break;
      case 'suspectCheck': {
        const k = known(s, m.member);
        const still = k !== undefined && k.status !== 'alive' ? k.incarnation >= m.incarnation : k !== undefined && k.incarnation <= m.incarnation;
        sendDatagram(c, s, from, [{ type: 'suspectCheckReply', seq: m.seq, member: m.member, stillSuspect: still }], fx);
        break;
      }
      case 'suspectCheckReply': {
        const x = s.suspicions.find((y) => y.member === m.member && y.check !== null && y.check.seq === m.seq);
        if (x === undefined) break;
        if (m.stillSuspect) declareDead(c, s, x, now, fx);
        // the accuser has since heard the member refute: give the refutation a full timeout to arrive
        else s.suspicions = s.suspicions.map((y) => (y === x ? { ...x, check: null, startMs: now, deadlineMs: now + suspicionTimeoutMs(x) } : y));
        break;
      }
      default:
        break;
    }
  }
}

function onPushPull(c: SwimConfig, s: Draft, from: MemberId, p: PushPull, now: number, fx: SwimEffect[]): void {
  if (!p.reply) fx.push({ kind: 'send', to: from, packet: { kind: 'pushPull', join: false, reply: true, from: s.self, members: s.table } });
  // memberlist mergeState: a remote "dead" only makes us suspect (we do not kill on hearsay)
  const updates: Update[] = [];
  trieDiff(s.table.entries, p.members.entries, (m, _mine, theirs) => {
    if (theirs === 0) return;
    const st = packedStatus(theirs);
    const inc = packedIncarnation(theirs);
    if (st === 'alive') updates.push({ type: 'alive', member: m, incarnation: inc });
    else if (st === 'left') updates.push({ type: 'left', member: m, incarnation: inc });
    else updates.push({ type: 'suspect', member: m, incarnation: inc, from: p.from });
  });
  for (const u of updates) applyUpdate(c, s, u, now, fx, false);
}

// ------------------------------------------------------------------ dissemination

function enqueue(c: SwimConfig, s: Draft, u: Update, now: number): void {
  const id = ++s.broadcastId;
  // a newer update about the same member invalidates the queued one (memberlist Invalidates);
  // suspect messages from different accusers are distinct confirmations and coexist
  const rest = s.queue.filter((b) => b.update.member !== u.member || (u.type === 'suspect' && b.update.type === 'suspect' && b.update.from !== u.from));
  s.queue = [{ update: u, transmits: 0, id }, ...rest]; // transmits 0 and newest: it sorts first
  if (s.nextGossipMs === Infinity) s.nextGossipMs = now + c.gossipIntervalMs;
}

const before = (a: Broadcast, b: Broadcast) => a.transmits < b.transmits || (a.transmits === b.transmits && a.id > b.id);

/** Take the least-sent updates that fit `budget` bytes; count a transmit; drop exhausted ones. */
function takeBroadcasts(c: SwimConfig, s: Draft, budget: number, maxCount: number): Update[] {
  if (s.queue.length === 0 || maxCount <= 0) return [];
  const limit = retransmitLimit(c, s.table.liveCount);
  const taken: Update[] = [];
  const kept: Broadcast[] = [];
  const sent: Broadcast[] = [];
  let left = budget;
  for (const b of s.queue) {
    const sz = taken.length < maxCount ? messageBytes(b.update) : Infinity;
    if (sz <= left) {
      left -= sz;
      taken.push(b.update);
      if (b.transmits + 1 < limit) sent.push({ update: b.update, transmits: b.transmits + 1, id: b.id });
    } else kept.push(b);
  }
  if (taken.length === 0) return taken;
  if (kept.length === 0) s.queue = sent;
  else {
    // both lists are still sorted (transmits asc, id desc): merge them
    const queue: Broadcast[] = [];
    let i = 0;
    let j = 0;
    while (i < kept.length || j < sent.length) {
      if (j >= sent.length || (i < kept.length && before(kept[i], sent[j]))) queue.push(kept[i++]);
      else queue.push(sent[j++]);
    }
    s.queue = queue;
  }
  return taken;
}

/** Send a datagram: the given messages plus as many queued updates as fit the budget. */
function sendDatagram(c: SwimConfig, s: Draft, to: MemberId, msgs: Message[], fx: SwimEffect[]): void {
  let used = DATAGRAM_HEADER_BYTES;
  for (const m of msgs) used += messageBytes(m);
  if (used > c.udpBufferBytes) throw new InvariantViolation('INV-SWIM-BUDGET', `control messages alone take ${used} bytes`);
  const extra = takeBroadcasts(c, s, c.udpBufferBytes - used, COMPOUND_MAX_MESSAGES - msgs.length);
  fx.push({ kind: 'send', to, packet: { kind: 'compound', messages: extra.length === 0 ? msgs : msgs.concat(extra) } });
  afterSend(s, fx);
}

function afterSend(s: Draft, fx: SwimEffect[]): void {
  if (s.phase === 'leaving' && !s.queue.some((b) => b.update.member === s.self && b.update.type === 'left')) stop(s, fx);
}

function gossip(c: SwimConfig, s: Draft, now: number, fx: SwimEffect[]): void {
  if (s.queue.length === 0) {
    s.nextGossipMs = Infinity;
    return;
  }
  // memberlist: alive and suspect members, and members dead for less than gossipToTheDeadMs
  const peers = randomMembers(s, c.gossipNodes, (m, st) => st <= 1 || (st === 2 && s.recentDead.some((d) => d.member === m)));
  s.nextGossipMs = now + c.gossipIntervalMs;
  for (const p of peers) {
    if (s.phase === 'stopped' || s.queue.length === 0) break;
    const ups = takeBroadcasts(c, s, c.udpBufferBytes - DATAGRAM_HEADER_BYTES, COMPOUND_MAX_MESSAGES);
    if (ups.length === 0) break;
    fx.push({ kind: 'send', to: p, packet: { kind: 'compound', messages: ups } });
    afterSend(s, fx);
  }
  if (s.phase === 'leaving' && peers.length === 0) stop(s, fx);
}

function pushPull(c: SwimConfig, s: Draft, now: number, fx: SwimEffect[]): void {
  const peers = randomMembers(s, 1, (_m, st) => st === 0);
  s.nextPushPullMs = now + pushPullIntervalMs(c, s.table.liveCount);
  if (peers.length === 1) fx.push({ kind: 'send', to: peers[0], packet: { kind: 'pushPull', join: false, reply: false, from: s.self, members: s.table } });
}

// ------------------------------------------------------------------ randomness

function randomBelow(s: Draft, n: number): number {
  let x: number;
  [x, s.rng] = nextBelow(s.rng, Math.max(1, n));
  return x;
}

/**
 * Up to k distinct random members (not self) passing `ok(member, statusCode)`, drawn like
 * memberlist's kRandomNodes: random slots, at most 3 * slotCount tries.
 */
function randomMembers(s: Draft, k: number, ok: (m: MemberId, st: number) => boolean): MemberId[] {
  const out: MemberId[] = [];
  const n = s.table.slotCount;
  if (k <= 0 || n <= 1) return out;
  for (let tries = 0; tries < 3 * n && out.length < k; tries++) {
    let slot: number;
    [slot, s.rng] = nextBelow(s.rng, n);
    const m = memberAtSlot(s.table, slot);
    if (m === s.self || out.includes(m)) continue;
    const p = lookupPacked(s.table, m);
    if (p !== 0 && ok(m, (p - 1) % 4)) out.push(m);
  }
  return out;
}

/** The status this member holds for m, for tests and reports. */
export function statusOf(s: SwimState, m: MemberId): Status | 'unknown' {
  const p = lookupPacked(s.table, m);
  return p === 0 ? 'unknown' : STATUSES[(p - 1) % 4];
}
