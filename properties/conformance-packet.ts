/**
 * Conformance suite for PacketTransport implementations carrying SWIM packets
 * (adapters/transport/types.ts; adapters/transport/udp.ts is the project's). Each check is
 * an async function that throws with the fast-check seed.
 *
 * Checks: authentic datagrams arrive decoded and equal (loopback, sent one at a time, so
 * loss would be a bug); forged datagrams (supplied by the harness: wrong key, wrong cluster,
 * unsealed, tampered) are each counted once as rejected, never delivered, and the transport
 * keeps serving.
 */
import fc from 'fast-check';
import { Message, Packet } from '../spec/swim';
import { Endpoint, PacketTransport } from '../adapters/transport/types';
import { ConformanceOptions } from './conformance-store';

export interface PacketPair {
  readonly a: PacketTransport<Packet>;
  readonly b: PacketTransport<Packet>;
  close(): Promise<void>;
}

export interface PacketHarness {
  readonly name: string;
  pair(): Promise<PacketPair>;
  /** Datagrams b must refuse, derived from a valid packet; `send` delivers raw bytes to `to`. */
  forgeries(packet: Packet): { readonly name: string; readonly bytes: Uint8Array }[];
  sendRaw(pair: PacketPair, to: Endpoint, bytes: Uint8Array): Promise<void>;
}

const member = fc.nat(1000);
const inc = fc.nat(1_000_000);
const seq = fc.nat(1_000_000);
const messageArb: fc.Arbitrary<Message> = fc.oneof(
  fc.record({ type: fc.constant('ping' as const), seq, target: member }),
  fc.record({ type: fc.constant('pingReq' as const), seq, target: member, nack: fc.boolean() }),
  fc.record({ type: fc.constant('ack' as const), seq }),
  fc.record({ type: fc.constant('nack' as const), seq }),
  fc.record({ type: fc.constant('alive' as const), member, incarnation: inc }),
  fc.record({ type: fc.constant('suspect' as const), member, incarnation: inc, from: member }),
  fc.record({ type: fc.constant('dead' as const), member, incarnation: inc, from: member }),
  fc.record({ type: fc.constant('left' as const), member, incarnation: inc }),
);
/** Compound datagrams of 1..20 messages (well inside the 1,400-byte budget). */
export const datagramArb: fc.Arbitrary<Packet> = fc.array(messageArb, { minLength: 1, maxLength: 20 }).map((messages) => ({ kind: 'compound' as const, messages }));

async function until(cond: () => boolean, ms: number, what: string): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error(`${what}: timed out after ${ms} ms`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

export async function checkPacketDelivery(h: PacketHarness, o: ConformanceOptions = {}): Promise<void> {
  await fc.assert(
    fc.asyncProperty(fc.array(datagramArb, { minLength: 1, maxLength: 10 }), async (packets) => {
      const p = await h.pair();
      try {
        const got: Packet[] = [];
        p.b.onPacket((_from, pk) => got.push(pk));
        for (let i = 0; i < packets.length; i++) {
          await p.a.send(p.b.endpoint, packets[i]);
          await until(() => got.length === i + 1, 2000, `${h.name}: datagram ${i}`);
        }
        packets.forEach((pk, i) => {
          if (JSON.stringify(got[i]) !== JSON.stringify(pk)) throw new Error(`${h.name}: datagram ${i} arrived as ${JSON.stringify(got[i])}, sent ${JSON.stringify(pk)}`);
        });
      } finally {
        await p.close();
      }
    }),
    { numRuns: o.numRuns ?? 10, ...(o.seed !== undefined ? { seed: o.seed } : {}) },
  );
}

export async function checkForgeriesRejected(h: PacketHarness, o: ConformanceOptions = {}): Promise<void> {
  await fc.assert(
    fc.asyncProperty(datagramArb, async (packet) => {
      const p = await h.pair();
      try {
        const got: Packet[] = [];
        p.b.onPacket((_from, pk) => got.push(pk));
        for (const f of h.forgeries(packet)) {
          const before = p.b.counters().rejected;
          await h.sendRaw(p, p.b.endpoint, f.bytes);
          await until(() => p.b.counters().rejected === before + 1, 2000, `${h.name}: forgery '${f.name}' not counted`);
          if (got.length !== 0) throw new Error(`${h.name}: forgery '${f.name}' was delivered`);
        }
        await p.a.send(p.b.endpoint, packet);
        await until(() => got.length === 1, 2000, `${h.name}: an authentic datagram after the forgeries`);
      } finally {
        await p.close();
      }
    }),
    { numRuns: o.numRuns ?? 8, ...(o.seed !== undefined ? { seed: o.seed } : {}) },
  );
}
