/**
 * SWIM over UDP with AES-256-GCM (ANCHORS.md "SWIM and Lifeguard": a keyring whose first
 * key encrypts and all keys try to decrypt; rotation = add, use, remove). Unauthenticated
 * packets are dropped and counted, never decoded (issue 8 items 2 and 7). 127.0.0.1 only.
 */
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { Keyring, UdpTransport, openDatagram as open, sealDatagram as seal, ENCRYPT_OVERHEAD_BYTES } from '../../../adapters/transport/udp';
import { Endpoint } from '../../../adapters/transport/types';
import { Packet, encodePacket } from '../../../spec/swim';
import { PacketHarness, checkForgeriesRejected, checkPacketDelivery } from '../../../properties/conformance-packet';

const key = () => randomBytes(32);
const ping = (seq: number): Packet => ({ kind: 'compound', messages: [{ type: 'ping', seq, target: 3 }, { type: 'alive', member: 3, incarnation: seq % 100 }] });

async function until(cond: () => boolean, ms = 2000): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 5));
  }
}

async function pair(ka: Keyring, kb: Keyring, clusterA = 'c1', clusterB = 'c1') {
  const a = await UdpTransport.create({ cluster: clusterA, keyring: ka });
  const b = await UdpTransport.create({ cluster: clusterB, keyring: kb });
  const got: { from: Endpoint; p: Packet }[] = [];
  b.onPacket((from, p) => got.push({ from, p }));
  return { a, b, got, close: async () => void (await Promise.all([a.close(), b.close()])) };
}

describe('AES-256-GCM sealing', () => {
  test('seal/open round-trips any plaintext; overhead is version + nonce + tag = 29 bytes', () => {
    const ring = new Keyring([key()]);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 1400 }), (pt) => {
        const d = seal(ring, 'c', pt);
        expect(d.length).toBe(pt.length + ENCRYPT_OVERHEAD_BYTES);
        expect(open(ring, 'c', d)?.equals(Buffer.from(pt))).toBe(true);
      }),
      { numRuns: 100 },
    );
  });

  test('any flipped bit, a wrong key or a wrong cluster name (AAD) fails authentication', () => {
    const ring = new Keyring([key()]);
    const d = seal(ring, 'prod', encodePacket(ping(1)));
    fc.assert(
      fc.property(fc.nat(d.length * 8 - 1), (bit) => {
        const x = Buffer.from(d);
        x[bit >> 3] ^= 1 << (bit & 7);
        expect(open(ring, 'prod', x)).toBeUndefined();
      }),
      { numRuns: 200 },
    );
    expect(open(new Keyring([key()]), 'prod', d)).toBeUndefined();
    expect(open(ring, 'staging', d)).toBeUndefined();
    expect(open(ring, 'prod', d.subarray(0, 20))).toBeUndefined();
  });

  test('keyring rules: add is idempotent, use needs an installed key, the primary cannot be removed, keys are 32 bytes', () => {
    const k1 = key();
    const k2 = key();
    const r = new Keyring([k1]);
    r.add(k2);
    r.add(k2);
    expect(r.all).toHaveLength(2);
    expect(() => r.use(key())).toThrow(/not in the keyring/);
    expect(() => r.remove(k1)).toThrow(/primary/);
    r.use(k2);
    expect(r.primary.equals(k2)).toBe(true);
    r.remove(k1);
    expect(r.all).toHaveLength(1);
    expect(() => new Keyring([randomBytes(16)])).toThrow(/32 bytes/);
  });
});

describe('UDP transport', () => {
  test('packets arrive decoded and equal; the sender is reported', async () => {
    const k = key();
    const t = await pair(new Keyring([k]), new Keyring([k]));
    try {
      for (let i = 0; i < 20; i++) await t.a.send(t.b.endpoint, ping(i));
      await until(() => t.got.length === 20);
      expect(t.got.map((g) => g.p)).toEqual(Array.from({ length: 20 }, (_, i) => ping(i)));
      expect(t.got[0].from.port).toBe(t.a.endpoint.port);
      expect(t.b.counters().rejected).toBe(0);
    } finally {
      await t.close();
    }
  });

  test('unauthenticated packets (wrong key, wrong cluster, plaintext, garbage) are dropped and counted, never decoded; the socket keeps serving', async () => {
    const k = key();
    const t = await pair(new Keyring([k]), new Keyring([k]));
    const stranger = await UdpTransport.create({ cluster: 'c1', keyring: new Keyring([key()]) });
    const otherCluster = await UdpTransport.create({ cluster: 'c2', keyring: new Keyring([k]) });
    try {
      const rejections: string[] = [];
      t.b.onReject((r) => rejections.push(r.reason));
      await stranger.send(t.b.endpoint, ping(1));
      await otherCluster.send(t.b.endpoint, ping(2));
      await t.a.sendRaw(t.b.endpoint, encodePacket(ping(3))); // a valid SWIM packet, unsealed
      await t.a.sendRaw(t.b.endpoint, randomBytes(100));
      await until(() => t.b.counters().rejected === 4);
      expect(t.b.counters().rejectedBy).toEqual({ unauthenticated: 4 });
      expect(rejections).toEqual(['unauthenticated', 'unauthenticated', 'unauthenticated', 'unauthenticated']);
      expect(t.got).toHaveLength(0);
      await t.a.send(t.b.endpoint, ping(4));
      await until(() => t.got.length === 1);
      expect(t.got[0].p).toEqual(ping(4));
    } finally {
      await Promise.all([t.close(), stranger.close(), otherCluster.close()]);
    }
  });

  test('an authenticated packet that fails the SWIM codec is counted as badPacket with the field', async () => {
    const k = key();
    const t = await pair(new Keyring([k]), new Keyring([k]));
    try {
      const fields: string[] = [];
      t.b.onReject((r) => fields.push(`${r.reason}:${r.field}`));
      await t.a.sendRaw(t.b.endpoint, seal(new Keyring([k]), 'c1', Uint8Array.of(0x77, 1, 2)));
      await until(() => t.b.counters().rejected === 1);
      expect(fields).toEqual(['badPacket:magic']);
    } finally {
      await t.close();
    }
  });

  test('rotation without loss: add the new key everywhere, use it, remove the old one; traffic flows at every step', async () => {
    const k1 = key();
    const k2 = key();
    const ra = new Keyring([k1]);
    const rb = new Keyring([k1]);
    const t = await pair(ra, rb);
    try {
      let n = 0;
      const sendBoth = async () => {
        await t.a.send(t.b.endpoint, ping(n++));
        await until(() => t.got.length === n);
      };
      await sendBoth();
      ra.add(k2);
      rb.add(k2);
      await sendBoth();
      ra.use(k2); // a encrypts with k2; b still has k1 primary but tries k2 too
      await sendBoth();
      rb.use(k2);
      ra.remove(k1);
      rb.remove(k1);
      await sendBoth();
      expect(t.b.counters().rejected).toBe(0);
      // a node that only knows the retired key is now locked out
      const old = await UdpTransport.create({ cluster: 'c1', keyring: new Keyring([k1]) });
      await old.send(t.b.endpoint, ping(99));
      await until(() => t.b.counters().rejected === 1);
      await old.close();
      expect(t.got).toHaveLength(n);
    } finally {
      await t.close();
    }
  });
});

describe('PacketTransport conformance (properties/conformance-packet.ts)', () => {
  const k = key();
  const harness: PacketHarness = {
    name: 'udp',
    pair: async () => {
      const a = await UdpTransport.create({ cluster: 'conf', keyring: new Keyring([k]) });
      const b = await UdpTransport.create({ cluster: 'conf', keyring: new Keyring([k]) });
      return { a, b, close: async () => void (await Promise.all([a.close(), b.close()])) };
    },
    forgeries: (p) => {
      const plain = encodePacket(p);
      const good = seal(new Keyring([k]), 'conf', plain);
      const flipped = Buffer.from(good);
      flipped[flipped.length - 20] ^= 1;
      return [
        { name: 'another key', bytes: seal(new Keyring([key()]), 'conf', plain) },
        { name: 'another cluster', bytes: seal(new Keyring([k]), 'other', plain) },
        { name: 'unsealed', bytes: plain },
        { name: 'one bit flipped', bytes: flipped },
        { name: 'truncated', bytes: good.subarray(0, 28) },
      ];
    },
    sendRaw: (pair, to, bytes) => (pair.a as UdpTransport).sendRaw(to, bytes),
  };
  test('authentic datagrams arrive decoded and equal', async () => {
    await checkPacketDelivery(harness, { numRuns: 8 });
  });
  test('forgeries (other key, other cluster, unsealed, tampered, truncated) are counted once each, never delivered; the socket keeps serving', async () => {
    await checkForgeriesRejected(harness, { numRuns: 6 });
  });
});
