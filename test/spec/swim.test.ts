import fc from 'fast-check';
import { isLeft, isRight } from 'fp-ts/Either';
import {
  DEFAULT_SWIM_CONFIG,
  Message,
  Packet,
  PacketTooLarge,
  datagramWithin,
  decodePacket,
  decodeSwimConfig,
  encodePacket,
  packetBytes,
} from '../../spec/swim';
import { decodeWith } from '../../spec/decode';
import { EMPTY_TABLE, denseAliveTable, put, tableEntries } from '../../core/swim/table';

const id = fc.integer({ min: 0, max: 2 ** 30 - 1 });
const seq = fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER });
const inc = fc.integer({ min: 0, max: 2 ** 50 - 1 });
const message: fc.Arbitrary<Message> = fc.oneof(
  fc.record({ type: fc.constant('ping' as const), seq, target: id }),
  fc.record({ type: fc.constant('pingReq' as const), seq, target: id, nack: fc.boolean() }),
  fc.record({ type: fc.constant('ack' as const), seq }),
  fc.record({ type: fc.constant('nack' as const), seq }),
  fc.record({ type: fc.constant('alive' as const), member: id, incarnation: inc }),
  fc.record({ type: fc.constant('suspect' as const), member: id, incarnation: inc, from: id }),
  fc.record({ type: fc.constant('dead' as const), member: id, incarnation: inc, from: id }),
  fc.record({ type: fc.constant('left' as const), member: id, incarnation: inc }),
  fc.record({ type: fc.constant('suspectCheck' as const), seq, member: id, incarnation: inc }),
  fc.record({ type: fc.constant('suspectCheckReply' as const), seq, member: id, stillSuspect: fc.boolean() }),
);

describe('SWIM packets (spec/swim.ts)', () => {
  test('compound datagrams round-trip and packetBytes equals the encoded length (fast-check)', () => {
    fc.assert(
      fc.property(fc.array(message, { minLength: 1, maxLength: 40 }), (messages) => {
        const p: Packet = { kind: 'compound', messages };
        const bytes = encodePacket(p, 65_507);
        const back = decodePacket(bytes, 65_507);
        return bytes.length === packetBytes(p) && isRight(back) && JSON.stringify(back.right) === JSON.stringify(p);
      }),
      { numRuns: 300 },
    );
  });

  test('a datagram over the 1,400-byte budget (memberlist UDPBufferSize) is refused on both sides', () => {
    const messages: Message[] = Array.from({ length: 120 }, (_, i) => ({ type: 'suspect', member: 1_000_000 + i, incarnation: 2 ** 40, from: 1_000_000 }));
    const p: Packet = { kind: 'compound', messages };
    expect(packetBytes(p)).toBeGreaterThan(1400);
    expect(() => encodePacket(p)).toThrow(PacketTooLarge);
    const big = encodePacket(p, 65_507);
    const r = decodePacket(big);
    expect(isLeft(r) && r.left.message).toContain('exceeds 1400');
  });

  test('the io-ts datagram codec enforces the budget and the message count, naming the field', () => {
    const within = datagramWithin(1400);
    const small = { kind: 'compound', messages: [{ type: 'ack', seq: 1 }] };
    expect(isRight(decodeWith(within, small))).toBe(true);
    const big = { kind: 'compound', messages: Array.from({ length: 200 }, (_, i) => ({ type: 'suspect', member: 1_000_000 + i, incarnation: 2 ** 40, from: 2 })) };
    const r = decodeWith(within, big);
    expect(isLeft(r) && r.left).toMatchObject({ field: 'messages' });
    expect(isLeft(r) && r.left.message).toContain('exceeds the 1400-byte');
    const empty = decodeWith(within, { kind: 'compound', messages: [] });
    expect(isLeft(empty) && empty.left.message).toContain('1..255');
    const badField = decodeWith(within, { kind: 'compound', messages: [{ type: 'ping', seq: -1, target: 0 }] });
    expect(isLeft(badField) && badField.left.field).toBe('messages.0.seq');
  });

  test('push-pull streams carry a whole member table and round-trip', () => {
    let t = denseAliveTable(300);
    t = put(put(t, 17, 'suspect', 4), 5000, 'left', 9);
    const p: Packet = { kind: 'pushPull', join: true, reply: false, from: 3, members: t };
    const bytes = encodePacket(p);
    expect(bytes.length).toBe(packetBytes(p));
    const back = decodePacket(bytes);
    if (!isRight(back) || back.right.kind !== 'pushPull') throw new Error('decode failed');
    expect(tableEntries(back.right.members)).toEqual(tableEntries(t));
    expect(back.right.join).toBe(true);
  });

  test('bad bytes name the offending field', () => {
    const ok = encodePacket({ kind: 'compound', messages: [{ type: 'suspect', member: 5, incarnation: 300, from: 2 }] });
    const cut = ok.slice(0, ok.length - 1);
    const r = decodePacket(cut);
    expect(isLeft(r) && r.left.field).toBe('messages.0.from');
    const badType = Uint8Array.of(0xc5, 1, 99);
    expect(isLeft(decodePacket(badType)) && (decodePacket(badType) as { left: { message: string } }).left.message).toContain('unknown message type 99');
    expect(isLeft(decodePacket(Uint8Array.of(0x00))) && (decodePacket(Uint8Array.of(0x00)) as { left: { field: string } }).left.field).toBe('magic');
    const dup = Uint8Array.of(0xc6, 0, 1, 2, 4, 1, 4, 1, 4);
    const d = decodePacket(dup);
    expect(isLeft(d) && d.left.message).toContain('listed twice');
    expect(isRight(decodePacket(encodePacket({ kind: 'pushPull', join: false, reply: true, from: 0, members: EMPTY_TABLE })))).toBe(true);
  });
});

describe('SwimConfig codec', () => {
  test('the memberlist LAN defaults decode (ANCHORS.md)', () => {
    const r = decodeSwimConfig(DEFAULT_SWIM_CONFIG);
    expect(isRight(r)).toBe(true);
    expect(DEFAULT_SWIM_CONFIG).toMatchObject({ probeIntervalMs: 1000, probeTimeoutMs: 500, indirectChecks: 3, suspicionMult: 4, suspicionMaxTimeoutMult: 6, gossipNodes: 3, gossipIntervalMs: 200, retransmitMult: 4, awarenessMaxMult: 8, pushPullIntervalMs: 30_000, udpBufferBytes: 1400 });
  });

  test('a bad field is named; a timeout not below the interval is refused', () => {
    const r1 = decodeSwimConfig({ ...DEFAULT_SWIM_CONFIG, gossipNodes: -1 });
    expect(isLeft(r1) && r1.left.field).toBe('gossipNodes');
    const r2 = decodeSwimConfig({ ...DEFAULT_SWIM_CONFIG, probeTimeoutMs: 1000 });
    expect(isLeft(r2) && r2.left).toMatchObject({ field: 'probeTimeoutMs' });
    const r3 = decodeSwimConfig({ ...DEFAULT_SWIM_CONFIG, refuteOn: 'yes' });
    expect(isLeft(r3) && r3.left.field).toBe('refuteOn');
  });
});
