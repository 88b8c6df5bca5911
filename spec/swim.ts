/**
 * SWIM/Lifeguard wire protocol and configuration (ANCHORS.md "SWIM and Lifeguard").
 *
 * - `SwimConfig`: one validated config object, units last in names, defaults =
 *   hashicorp/memberlist's LAN configuration.
 * - Messages and packets as io-ts codecs. A datagram is a compound packet (1..255
 *   messages) whose binary encoding must fit `udpBufferBytes` (1,400 by default);
 *   piggybacked updates are added only while the budget allows (`messageBytes`).
 * - A push-pull (anti-entropy) exchange is a stream packet carrying a whole member table;
 *   memberlist sends it over TCP, so it has no datagram budget.
 *
 * Binary encoding (all integers unsigned LEB128 varints, "v"):
 *   datagram := 0xC5 count:u8 message*          message := type:u8 field*
 *   ping 1: seq:v target:v      pingReq 2: seq:v target:v nack:u8     ack 3: seq:v
 *   nack 4: seq:v               alive 5: member:v inc:v               suspect 6: member:v inc:v from:v
 *   dead 7: member:v inc:v from:v                left 8: member:v inc:v
 *   suspectCheck 9: seq:v member:v inc:v        suspectCheckReply 10: seq:v member:v still:u8
 *   stream := 0xC6 flags:u8(bit0 join, bit1 reply) from:v count:v (member:v packed:v)*
 *     where packed = incarnation*4 + status (alive 0, suspect 1, dead 2, left 3)
 */
import * as t from 'io-ts';
import { Either, isLeft, left, right } from 'fp-ts/Either';
import { DecodeError, decodeWith, intRange } from './decode';
import {
  INCARNATION_MAX,
  INDEX_MAX,
  MemberTable,
  STATUSES,
  Status,
  memberAtSlot,
  lookupPacked,
  put,
  EMPTY_TABLE,
} from '../core/swim/table';

// ------------------------------------------------------------------ configuration

const Ms = (name: string) => intRange(name, 1, 3_600_000);

const SwimConfigFields = t.type(
  {
    /** Protocol period (memberlist ProbeInterval). */
    probeIntervalMs: Ms('probeIntervalMs'),
    /** Direct-ack wait before indirect probes (memberlist ProbeTimeout). */
    probeTimeoutMs: Ms('probeTimeoutMs'),
    /** K: members asked to ping-req a target (memberlist IndirectChecks). */
    indirectChecks: intRange('indirectChecks', 0, 16),
    /** suspicionTimeout = suspicionMult * max(1, log10(n)) * probeInterval. */
    suspicionMult: intRange('suspicionMult', 1, 100),
    /** Lifeguard: the suspicion timeout starts at this multiple of the minimum. */
    suspicionMaxTimeoutMult: intRange('suspicionMaxTimeoutMult', 1, 100),
    /** Members gossiped to per gossip interval (memberlist GossipNodes). */
    gossipNodes: intRange('gossipNodes', 0, 16),
    gossipIntervalMs: Ms('gossipIntervalMs'),
    /** retransmitLimit = retransmitMult * ceil(log10(n + 1)). */
    retransmitMult: intRange('retransmitMult', 1, 100),
    /** Lifeguard local health: probe interval and timeout scale up to this multiple. */
    awarenessMaxMult: intRange('awarenessMaxMult', 1, 64),
    /** Anti-entropy period (0 = off); scaled up for large groups like memberlist. */
    pushPullIntervalMs: intRange('pushPullIntervalMs', 0, 86_400_000),
    /** Dead members still receive gossip this long, so a live one hears it and refutes (memberlist GossipToTheDeadTime). */
    gossipToTheDeadMs: intRange('gossipToTheDeadMs', 0, 3_600_000),
    /** Datagram budget for a compound packet (memberlist UDPBufferSize). */
    udpBufferBytes: intRange('udpBufferBytes', 64, 65_507),
    /** Lifeguard local health awareness (LHA). */
    localHealthOn: t.boolean,
    /** Lifeguard dynamic suspicion timeout (confirmations shorten it). */
    dynamicSuspicionOn: t.boolean,
    /** Lifeguard buddy system: a suspect is told when it is probed. */
    buddyOn: t.boolean,
    /** Lifeguard nacks from indirect probers. */
    nacksOn: t.boolean,
    /** DAOS rule: re-contact the accuser before declaring a suspect dead. */
    confirmWithAccuserOn: t.boolean,
    /**
     * Refutation (a member raises its incarnation when suspected). Always true in use;
     * false only plants a bug so the model checker can show that it finds one.
     */
    refuteOn: t.boolean,
  },
  'SwimConfig',
);

/** The one validated SWIM config object. probeTimeoutMs must be below probeIntervalMs. */
export const SwimConfig = new t.Type<t.TypeOf<typeof SwimConfigFields>, t.OutputOf<typeof SwimConfigFields>, unknown>(
  'SwimConfig',
  (u): u is t.TypeOf<typeof SwimConfigFields> => SwimConfigFields.is(u) && u.probeTimeoutMs < u.probeIntervalMs,
  (u, c) => {
    const r = SwimConfigFields.validate(u, c);
    if (isLeft(r)) return r;
    if (r.right.probeTimeoutMs >= r.right.probeIntervalMs)
      return t.failure(u, t.appendContext(c, 'probeTimeoutMs', SwimConfigFields.props.probeTimeoutMs, r.right.probeTimeoutMs), 'probeTimeoutMs must be below probeIntervalMs');
    return r;
  },
  (a) => SwimConfigFields.encode(a),
);
export type SwimConfig = t.TypeOf<typeof SwimConfig>;

/** hashicorp/memberlist DefaultLANConfig (ANCHORS.md), Lifeguard on. */
export const DEFAULT_SWIM_CONFIG: SwimConfig = {
  probeIntervalMs: 1000,
  probeTimeoutMs: 500,
  indirectChecks: 3,
  suspicionMult: 4,
  suspicionMaxTimeoutMult: 6,
  gossipNodes: 3,
  gossipIntervalMs: 200,
  retransmitMult: 4,
  awarenessMaxMult: 8,
  pushPullIntervalMs: 30_000,
  gossipToTheDeadMs: 30_000,
  udpBufferBytes: 1400,
  localHealthOn: true,
  dynamicSuspicionOn: true,
  buddyOn: true,
  nacksOn: true,
  confirmWithAccuserOn: false,
  refuteOn: true,
};

/** Plain SWIM: the same defaults with every Lifeguard extension off. */
export function withLifeguard(c: SwimConfig, on: boolean): SwimConfig {
  return { ...c, localHealthOn: on, dynamicSuspicionOn: on, buddyOn: on, nacksOn: on };
}

export function decodeSwimConfig(u: unknown): Either<DecodeError, SwimConfig> {
  return decodeWith(SwimConfig, u);
}

// ------------------------------------------------------------------ messages

const MemberIdC = intRange('MemberId', 0, INDEX_MAX);
const Seq = intRange('Seq', 0, Number.MAX_SAFE_INTEGER);
const Incarnation = intRange('Incarnation', 0, INCARNATION_MAX - 1);

export const Ping = t.type({ type: t.literal('ping'), seq: Seq, target: MemberIdC }, 'Ping');
export const PingReq = t.type({ type: t.literal('pingReq'), seq: Seq, target: MemberIdC, nack: t.boolean }, 'PingReq');
export const Ack = t.type({ type: t.literal('ack'), seq: Seq }, 'Ack');
export const Nack = t.type({ type: t.literal('nack'), seq: Seq }, 'Nack');
export const AliveMsg = t.type({ type: t.literal('alive'), member: MemberIdC, incarnation: Incarnation }, 'Alive');
export const SuspectMsg = t.type({ type: t.literal('suspect'), member: MemberIdC, incarnation: Incarnation, from: MemberIdC }, 'Suspect');
export const DeadMsg = t.type({ type: t.literal('dead'), member: MemberIdC, incarnation: Incarnation, from: MemberIdC }, 'Dead');
export const LeftMsg = t.type({ type: t.literal('left'), member: MemberIdC, incarnation: Incarnation }, 'Left');
export const SuspectCheck = t.type({ type: t.literal('suspectCheck'), seq: Seq, member: MemberIdC, incarnation: Incarnation }, 'SuspectCheck');
export const SuspectCheckReply = t.type({ type: t.literal('suspectCheckReply'), seq: Seq, member: MemberIdC, stillSuspect: t.boolean }, 'SuspectCheckReply');

export const Message = t.union(
  [Ping, PingReq, Ack, Nack, AliveMsg, SuspectMsg, DeadMsg, LeftMsg, SuspectCheck, SuspectCheckReply],
  'Message',
);
export type Message = t.TypeOf<typeof Message>;
/** Membership updates: the messages that are piggybacked (gossiped). */
export type Update = t.TypeOf<typeof AliveMsg> | t.TypeOf<typeof SuspectMsg> | t.TypeOf<typeof DeadMsg> | t.TypeOf<typeof LeftMsg>;

export const COMPOUND_MAX_MESSAGES = 255;
const DATAGRAM_MAGIC = 0xc5;
const STREAM_MAGIC = 0xc6;

export const Datagram = t.type(
  { kind: t.literal('compound'), messages: t.readonlyArray(Message) },
  'Datagram',
);
export type Datagram = t.TypeOf<typeof Datagram>;

/** The member table inside a push-pull, validated as such (it is built by the decoder). */
const MemberTableC = new t.Type<MemberTable, MemberTable, unknown>(
  'MemberTable',
  (u): u is MemberTable => typeof u === 'object' && u !== null && 'entries' in u && 'slots' in u && typeof (u as MemberTable).slotCount === 'number',
  (u, c) => (typeof u === 'object' && u !== null && 'entries' in u && 'slots' in u ? t.success(u as MemberTable) : t.failure(u, c, 'expected a member table')),
  (a) => a,
);

export const PushPull = t.type(
  { kind: t.literal('pushPull'), join: t.boolean, reply: t.boolean, from: MemberIdC, members: MemberTableC },
  'PushPull',
);
export type PushPull = t.TypeOf<typeof PushPull>;

export const Packet = t.union([Datagram, PushPull], 'Packet');
export type Packet = t.TypeOf<typeof Packet>;

// ------------------------------------------------------------------ sizes

export function varintBytes(v: number): number {
  let n = 1;
  while (v >= 128) {
    v = Math.floor(v / 128);
    n++;
  }
  return n;
}

const TYPE_CODE: Record<Message['type'], number> = {
  ping: 1, pingReq: 2, ack: 3, nack: 4, alive: 5, suspect: 6, dead: 7, left: 8, suspectCheck: 9, suspectCheckReply: 10,
};

/** Encoded bytes of one message inside a compound packet. */
export function messageBytes(m: Message): number {
  switch (m.type) {
    case 'ping':
      return 1 + varintBytes(m.seq) + varintBytes(m.target);
    case 'pingReq':
      return 2 + varintBytes(m.seq) + varintBytes(m.target);
    case 'ack':
    case 'nack':
      return 1 + varintBytes(m.seq);
    case 'alive':
    case 'left':
      return 1 + varintBytes(m.member) + varintBytes(m.incarnation);
    case 'suspect':
    case 'dead':
      return 1 + varintBytes(m.member) + varintBytes(m.incarnation) + varintBytes(m.from);
    case 'suspectCheck':
      return 1 + varintBytes(m.seq) + varintBytes(m.member) + varintBytes(m.incarnation);
    case 'suspectCheckReply':
      return 2 + varintBytes(m.seq) + varintBytes(m.member);
  }
}

/** Compound header bytes (magic + count). */
export const DATAGRAM_HEADER_BYTES = 2;

/** Encoded size of a packet, computed without encoding it (the simulator counts bytes). */
export function packetBytes(p: Packet): number {
  if (p.kind === 'compound') {
    let n = DATAGRAM_HEADER_BYTES;
    for (const m of p.messages) n += messageBytes(m);
    return n;
  }
  let n = 2 + varintBytes(p.from) + varintBytes(p.members.slotCount);
  for (let s = 0; s < p.members.slotCount; s++) {
    const m = memberAtSlot(p.members, s);
    n += varintBytes(m) + varintBytes(lookupPacked(p.members, m) - 1);
  }
  return n;
}

/**
 * A datagram that fits a budget: 1..255 messages and at most `budgetBytes` encoded
 * (memberlist UDPBufferSize, 1,400 by default). Decoding names the offending field.
 */
export function datagramWithin(budgetBytes: number) {
  return new t.Type<Datagram, Datagram, unknown>(
    `Datagram<=${budgetBytes}B`,
    (u): u is Datagram => Datagram.is(u) && u.messages.length >= 1 && u.messages.length <= COMPOUND_MAX_MESSAGES && packetBytes(u) <= budgetBytes,
    (u, c) => {
      const r = Datagram.validate(u, c);
      if (isLeft(r)) return r;
      const d = r.right;
      if (d.messages.length < 1 || d.messages.length > COMPOUND_MAX_MESSAGES)
        return t.failure(u, t.appendContext(c, 'messages', Datagram.props.messages, d.messages), `a compound holds 1..${COMPOUND_MAX_MESSAGES} messages, got ${d.messages.length}`);
      const n = packetBytes(d);
      if (n > budgetBytes) return t.failure(u, t.appendContext(c, 'messages', Datagram.props.messages, d.messages), `${n} bytes exceeds the ${budgetBytes}-byte datagram budget`);
      return t.success(d);
    },
    (a) => a,
  );
}

// ------------------------------------------------------------------ binary codec

class Writer {
  private buf = new Uint8Array(256);
  len = 0;
  private grow(k: number) {
    if (this.len + k <= this.buf.length) return;
    const b = new Uint8Array(Math.max(this.buf.length * 2, this.len + k));
    b.set(this.buf.subarray(0, this.len));
    this.buf = b;
  }
  u8(x: number) {
    this.grow(1);
    this.buf[this.len++] = x;
  }
  v(x: number) {
    this.grow(8);
    while (x >= 128) {
      this.buf[this.len++] = (x % 128) | 128;
      x = Math.floor(x / 128);
    }
    this.buf[this.len++] = x;
  }
  bytes(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}

export class PacketTooLarge extends Error {
  constructor(readonly bytes: number, readonly budget: number) {
    super(`compound packet of ${bytes} bytes exceeds the ${budget}-byte datagram budget`);
    this.name = 'PacketTooLarge';
  }
}

function writeMessage(w: Writer, m: Message): void {
  w.u8(TYPE_CODE[m.type]);
  switch (m.type) {
    case 'ping':
      w.v(m.seq), w.v(m.target);
      return;
    case 'pingReq':
      w.v(m.seq), w.v(m.target), w.u8(m.nack ? 1 : 0);
      return;
    case 'ack':
    case 'nack':
      w.v(m.seq);
      return;
    case 'alive':
    case 'left':
      w.v(m.member), w.v(m.incarnation);
      return;
    case 'suspect':
    case 'dead':
      w.v(m.member), w.v(m.incarnation), w.v(m.from);
      return;
    case 'suspectCheck':
      w.v(m.seq), w.v(m.member), w.v(m.incarnation);
      return;
    case 'suspectCheckReply':
      w.v(m.seq), w.v(m.member), w.u8(m.stillSuspect ? 1 : 0);
      return;
  }
}

/**
 * Encode a packet. A datagram larger than `budgetBytes` is a bug in the sender (the
 * machine fills packets against the budget), so it throws PacketTooLarge.
 */
export function encodePacket(p: Packet, budgetBytes = DEFAULT_SWIM_CONFIG.udpBufferBytes): Uint8Array {
  const w = new Writer();
  if (p.kind === 'compound') {
    if (p.messages.length < 1 || p.messages.length > COMPOUND_MAX_MESSAGES) throw new RangeError(`compound of ${p.messages.length} messages`);
    w.u8(DATAGRAM_MAGIC);
    w.u8(p.messages.length);
    for (const m of p.messages) writeMessage(w, m);
    if (w.len > budgetBytes) throw new PacketTooLarge(w.len, budgetBytes);
    return w.bytes();
  }
  w.u8(STREAM_MAGIC);
  w.u8((p.join ? 1 : 0) | (p.reply ? 2 : 0));
  w.v(p.from);
  w.v(p.members.slotCount);
  for (let s = 0; s < p.members.slotCount; s++) {
    const m = memberAtSlot(p.members, s);
    w.v(m);
    w.v(lookupPacked(p.members, m) - 1);
  }
  return w.bytes();
}

class Truncated extends Error {
  constructor(readonly field: string) {
    super(field);
  }
}

class Reader {
  pos = 0;
  constructor(private readonly b: Uint8Array) {}
  get done() {
    return this.pos >= this.b.length;
  }
  u8(field: string): number {
    if (this.pos >= this.b.length) throw new Truncated(field);
    return this.b[this.pos++];
  }
  v(field: string): number {
    let x = 0;
    let mul = 1;
    for (let i = 0; i < 8; i++) {
      const c = this.u8(field);
      x += (c & 127) * mul;
      if (c < 128) return x;
      mul *= 128;
    }
    throw new Truncated(`${field} (varint longer than 8 bytes)`);
  }
}

const TYPE_NAME: Record<number, Message['type']> = Object.fromEntries(Object.entries(TYPE_CODE).map(([k, v]) => [v, k])) as Record<number, Message['type']>;

function readMessage(r: Reader, at: string): Record<string, unknown> {
  const code = r.u8(`${at}.type`);
  const type = TYPE_NAME[code];
  if (type === undefined) throw new Truncated(`${at}.type (unknown message type ${code})`);
  const f = (name: string) => r.v(`${at}.${name}`);
  switch (type) {
    case 'ping':
      return { type, seq: f('seq'), target: f('target') };
    case 'pingReq':
      return { type, seq: f('seq'), target: f('target'), nack: r.u8(`${at}.nack`) === 1 };
    case 'ack':
    case 'nack':
      return { type, seq: f('seq') };
    case 'alive':
    case 'left':
      return { type, member: f('member'), incarnation: f('incarnation') };
    case 'suspect':
    case 'dead':
      return { type, member: f('member'), incarnation: f('incarnation'), from: f('from') };
    case 'suspectCheck':
      return { type, seq: f('seq'), member: f('member'), incarnation: f('incarnation') };
    case 'suspectCheckReply':
      return { type, seq: f('seq'), member: f('member'), stillSuspect: r.u8(`${at}.stillSuspect`) === 1 };
  }
}

/** Decode bytes from the network; Left names the offending field. */
export function decodePacket(bytes: Uint8Array, budgetBytes = DEFAULT_SWIM_CONFIG.udpBufferBytes): Either<DecodeError, Packet> {
  const r = new Reader(bytes);
  try {
    const magic = r.u8('magic');
    if (magic === DATAGRAM_MAGIC) {
      if (bytes.length > budgetBytes) return left({ kind: 'DecodeError', field: '(root)', message: `datagram of ${bytes.length} bytes exceeds ${budgetBytes}` });
      const count = r.u8('count');
      const messages: unknown[] = [];
      for (let i = 0; i < count; i++) messages.push(readMessage(r, `messages.${i}`));
      if (!r.done) return left({ kind: 'DecodeError', field: '(root)', message: 'trailing bytes after the last message' });
      return decodeWith(datagramWithin(budgetBytes), { kind: 'compound', messages });
    }
    if (magic === STREAM_MAGIC) {
      const flags = r.u8('flags');
      if (flags > 3) return left({ kind: 'DecodeError', field: 'flags', message: `unknown flag bits ${flags}` });
      const from = r.v('from');
      if (from > INDEX_MAX) return left({ kind: 'DecodeError', field: 'from', message: 'member id out of range' });
      const count = r.v('count');
      let table = EMPTY_TABLE;
      for (let i = 0; i < count; i++) {
        const member = r.v(`members.${i}.member`);
        const packed = r.v(`members.${i}.incarnation`);
        if (member > INDEX_MAX) return left({ kind: 'DecodeError', field: `members.${i}.member`, message: 'member id out of range' });
        if (packed / 4 >= INCARNATION_MAX) return left({ kind: 'DecodeError', field: `members.${i}.incarnation`, message: 'incarnation out of range' });
        if (lookupPacked(table, member) !== 0) return left({ kind: 'DecodeError', field: `members.${i}.member`, message: `member ${member} listed twice` });
        table = put(table, member, STATUSES[packed % 4] as Status, Math.floor(packed / 4));
      }
      if (!r.done) return left({ kind: 'DecodeError', field: '(root)', message: 'trailing bytes after the member list' });
      return right({ kind: 'pushPull', join: (flags & 1) === 1, reply: (flags & 2) === 2, from, members: table });
    }
    return left({ kind: 'DecodeError', field: 'magic', message: `unknown packet magic 0x${magic.toString(16)}` });
  } catch (e) {
    if (e instanceof Truncated) return left({ kind: 'DecodeError', field: e.field.split(' ')[0], message: `truncated or invalid: ${e.field}` });
    throw e;
  }
}
