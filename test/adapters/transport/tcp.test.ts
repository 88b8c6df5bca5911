/**
 * The TCP transport against the transport conformance suite (ordering and framing,
 * request/reply, timeouts, bad frames: issue 8 items 1, 7, 10), plus its own rules:
 * reconnect with backoff after the peer restarts, backpressure, frames above the limit
 * refused by the sender, replies to clients without a listening port. 127.0.0.1 only.
 */
import { CraqMessage } from '../../../spec/craq';
import { chainId, chunkId, clientId, targetId } from '../../../spec/ids';
import { craqWireCodec } from '../../../adapters/transport/craq-codec';
import { TcpTransport, TcpTransportOptions } from '../../../adapters/transport/tcp';
import { Endpoint, TransportError } from '../../../adapters/transport/types';
import { TransportHarness, TransportPair, checkArbitrarySplits, checkBadFrames, checkOrderingAndFraming, checkRequestReply, checkRequestTimeout, tcpRawAccess } from '../../../properties/conformance-transport';

const MAX_FRAME = 1 << 20;

async function tcpPair(aOpts: Partial<TcpTransportOptions<CraqMessage>> = {}): Promise<TransportPair & { bEp: Endpoint }> {
  const eps = new Map<string, Endpoint>();
  const b = await TcpTransport.create<CraqMessage>({ self: 'target:2', codec: craqWireCodec, listen: { port: 0 }, resolve: (p) => eps.get(p), maxFrameBytes: MAX_FRAME });
  eps.set('target:2', b.endpoint!);
  const a = await TcpTransport.create<CraqMessage>({ self: 'client:1', codec: craqWireCodec, resolve: (p) => eps.get(p), maxFrameBytes: MAX_FRAME, ...aOpts });
  return { a, b, aName: 'client:1', bName: 'target:2', bEp: b.endpoint!, close: async () => void (await Promise.all([a.close(), b.close()])) };
}

const harness: TransportHarness = {
  name: 'tcp',
  pair: tcpPair,
  raw: tcpRawAccess((p) => (p as TransportPair & { bEp: Endpoint }).bEp, MAX_FRAME),
};

const write = (n: number, seq = 1): CraqMessage => ({ kind: 'write', client: clientId(1), channel: 0, seq, chain: chainId(1), chainVer: 1, chunk: chunkId('c'), offset: 0, data: new Uint8Array(n).fill(7) });

describe('TCP transport conformance (properties/conformance-transport.ts)', () => {
  test('ordering and framing: every message once, in order, byte for byte (payloads 0..300 KB)', async () => {
    await checkOrderingAndFraming(harness, { numRuns: 10 });
  });
  test('request/reply correlation with replies in reverse order', async () => {
    await checkRequestReply(harness, { numRuns: 8 });
  });
  test('an unanswered request times out and is counted', async () => {
    await checkRequestTimeout(harness);
  });
  test('bad frames are rejected naming the field, counted, never delivered; only oversized/short length prefixes close the connection', async () => {
    await checkBadFrames(harness, { numRuns: 5 });
  });
  test('framing survives any split of the byte stream (prefixes and headers straddling reads, 1-byte writes)', async () => {
    await checkArbitrarySplits(harness, { numRuns: 12 });
  });
});

describe('TCP transport rules', () => {
  test('a client without a listening port gets replies over the connection it opened (one-way sends both ways)', async () => {
    const p = await tcpPair();
    try {
      const atA: CraqMessage[] = [];
      p.a.onMessage((m) => atA.push(m.msg));
      p.b.onMessage((m) => void p.b.send(m.from, { kind: 'writeReply', client: clientId(1), channel: 0, seq: 1, chunk: chunkId('c'), ok: true, commitVer: 1 }));
      await p.a.send('target:2', write(10));
      for (let i = 0; i < 100 && atA.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
      expect(atA.map((m) => m.kind)).toEqual(['writeReply']);
      await expect(p.b.send('client:99', write(1))).rejects.toMatchObject({ code: 'noRoute' });
    } finally {
      await p.close();
    }
  });

  test('a frame above maxFrameBytes is refused by the sender (tooLarge), nothing is sent', async () => {
    const p = await tcpPair();
    try {
      await expect(p.a.send('target:2', write(MAX_FRAME + 1))).rejects.toMatchObject({ code: 'tooLarge' });
      expect(p.a.counters().framesOut).toBe(1); // the hello only
    } finally {
      await p.close();
    }
  });

  test('reconnect with backoff: after the peer restarts on the same port, sends fail fast then succeed; reconnects counted', async () => {
    const eps = new Map<string, Endpoint>();
    let b = await TcpTransport.create<CraqMessage>({ self: 'target:2', codec: craqWireCodec, listen: { port: 0 } });
    const port = b.endpoint!.port;
    eps.set('target:2', b.endpoint!);
    const a = await TcpTransport.create<CraqMessage>({ self: 'target:1', codec: craqWireCodec, resolve: (x) => eps.get(x), reconnectMinMs: 20, reconnectMaxMs: 200, connectTimeoutMs: 500 });
    try {
      let got = 0;
      b.onMessage(() => got++);
      await a.send('target:2', write(1));
      for (let i = 0; i < 100 && got === 0; i++) await new Promise((r) => setTimeout(r, 10));
      await b.close();
      await new Promise((r) => setTimeout(r, 50));
      // the peer is down: connects fail, each failure doubles the wait (20, 40, 80 ms ...)
      const t0 = Date.now();
      let failures = 0;
      for (let i = 0; i < 3; i++) await a.send('target:2', write(1)).catch((e) => (expect(e).toBeInstanceOf(TransportError), failures++));
      expect(failures).toBe(3);
      expect(Date.now() - t0).toBeGreaterThanOrEqual(20 + 40 - 5);
      b = await TcpTransport.create<CraqMessage>({ self: 'target:2', codec: craqWireCodec, listen: { port } });
      let got2 = 0;
      b.onMessage(() => got2++);
      await a.send('target:2', write(1, 2));
      for (let i = 0; i < 100 && got2 === 0; i++) await new Promise((r) => setTimeout(r, 10));
      expect(got).toBe(1);
      expect(got2).toBe(1);
      expect(a.counters().reconnects).toBe(1);
    } finally {
      await a.close();
      await b.close();
    }
  });

  test('backpressure: with a 256 KiB write buffer, awaited 256 KiB sends wait for drain, and all 32 arrive in order', async () => {
    const p = await tcpPair({ writeBufferBytes: 256 * 1024 });
    try {
      const seqs: number[] = [];
      p.b.onMessage((m) => void (m.msg.kind === 'write' && seqs.push(m.msg.seq)));
      for (let i = 0; i < 32; i++) await p.a.send('target:2', write(256 * 1024, i + 1));
      for (let i = 0; i < 300 && seqs.length < 32; i++) await new Promise((r) => setTimeout(r, 10));
      expect(seqs).toEqual(Array.from({ length: 32 }, (_, i) => i + 1));
      expect(p.a.counters().backpressureWaits).toBeGreaterThan(0);
    } finally {
      await p.close();
    }
  });

  test('a broken connection fails the requests waiting on it at once (closed), not at their timeout', async () => {
    const p = await tcpPair();
    try {
      p.b.onMessage(() => void p.b.close());
      const t0 = Date.now();
      const err = await p.a.request('target:2', { kind: 'versionQuery', from: targetId(1), qid: 1, chain: chainId(1), chainVer: 1, chunk: chunkId('x') }, 5000).catch((e) => e);
      expect(err).toMatchObject({ code: 'closed' });
      expect(Date.now() - t0).toBeLessThan(2000);
    } finally {
      await p.close();
    }
  });
});
