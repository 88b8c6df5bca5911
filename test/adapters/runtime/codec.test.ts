/**
 * The runtime's wire codec (adapters/runtime/codec.ts): every envelope round-trips, bulk
 * bytes travel as the frame payload (never inside the JSON header), and a bad envelope or
 * message is rejected with an error naming the field (DESIGN.md: decode before core/).
 */
import { isLeft, isRight } from 'fp-ts/Either';
import { NodeMessage, nodeWireCodec } from '../../../adapters/runtime/codec';
import { chainId, chunkId, clientId, nodeId, targetId } from '../../../spec/ids';

const roundTrip = (m: NodeMessage) => {
  const parts = nodeWireCodec.encode(m);
  // the header must survive JSON (it travels as JSON text)
  const header = JSON.parse(JSON.stringify(parts.header)) as unknown;
  return { parts, decoded: nodeWireCodec.decode(header, parts.payload ?? new Uint8Array(0)) };
};

describe('runtime wire codec', () => {
  const data = new Uint8Array([1, 2, 3, 250]);
  const msgs: NodeMessage[] = [
    { ch: 'craq', to: targetId(1001), m: { kind: 'write', client: clientId(7), channel: 0, seq: 3, chain: chainId(1), chainVer: 2, chunk: chunkId('k1'), offset: 0, data } },
    { ch: 'craq', m: { kind: 'writeReply', client: clientId(7), channel: 0, seq: 3, chunk: chunkId('k1'), ok: true, commitVer: 4 } },
    { ch: 'sync', to: targetId(2002), m: { kind: 'syncChunk', from: targetId(2001), chain: chainId(2), chainVer: 5, chunk: chunkId('k2'), commitVer: 3, stampVer: 4, data, checksum: 99 } },
    { ch: 'sync', to: targetId(2002), m: { kind: 'syncStart', from: targetId(2001), chain: chainId(2), chainVer: 5 } },
    { ch: 'ctl', m: { kind: 'heartbeat', node: nodeId(2), routingVersion: 3, targets: [{ target: targetId(1002), localState: 'online', chainVersion: 2 }] } },
    { ch: 'ctl', m: { kind: 'getRouting' } },
    { ch: 'ctl', m: { kind: 'routingUpdate', routing: { version: 2, chains: [{ id: chainId(1), version: 2, targets: [{ target: targetId(1001), node: nodeId(1), state: 'serving' }] }] } } },
  ];

  test('every channel round-trips; bulk bytes ride as the payload', () => {
    for (const m of msgs) {
      const { parts, decoded } = roundTrip(m);
      expect(isRight(decoded)).toBe(true);
      if (isRight(decoded)) expect(decoded.right).toEqual(m);
      expect(JSON.stringify(parts.header)).not.toMatch(/"data"/);
    }
    expect(roundTrip(msgs[0]).parts.payload).toEqual(data);
    expect(roundTrip(msgs[2]).parts.payload).toEqual(data);
  });

  test('bad envelopes and messages are rejected naming the field', () => {
    const bad: [unknown, Uint8Array, RegExp][] = [
      [{ ch: 'nope', m: {} }, new Uint8Array(0), /ch/],
      [{ ch: 'craq', to: -1, m: { kind: 'getRouting' } }, new Uint8Array(0), /^to$/],
      [{ ch: 'craq', to: 1, m: { kind: 'write', client: 7, channel: 0, seq: 'x', chain: 1, chainVer: 2, chunk: 'k', offset: 0 } }, data, /seq/],
      [{ ch: 'sync', to: 1, m: { kind: 'syncStart', from: 1, chain: 1, chainVer: 1 } }, data, /payload/],
      [{ ch: 'sync', m: { kind: 'syncStart', from: 1, chain: 1, chainVer: 1 } }, new Uint8Array(0), /to/],
      [{ ch: 'ctl', m: { kind: 'heartbeat', node: 1, routingVersion: 1, targets: [{ target: 1, localState: 'sleepy', chainVersion: 1 }] } }, new Uint8Array(0), /localState/],
      [{ ch: 'ctl', m: { kind: 'getRouting' } }, data, /payload/],
    ];
    for (const [header, payload, field] of bad) {
      const r = nodeWireCodec.decode(header, payload);
      expect(isLeft(r)).toBe(true);
      if (isLeft(r)) expect({ header, field: r.left.field }).toEqual({ header, field: expect.stringMatching(field) });
    }
  });
});
