/**
 * Codecs for the chain manager's messages and storage (spec/chain.ts): every value
 * round-trips (decode(encode(x)) = x) and a bad input is rejected naming the field.
 */
import * as t from 'io-ts';
import { isLeft, isRight } from 'fp-ts/Either';
import { decodeWith } from '../../../spec/decode';
import { ChainLayout, ManagerConfigCodec, ManagerInput, ManagerSnapshot, RoutingUpdate } from '../../../spec/chain';

const samples: [string, t.Mixed, unknown][] = [
  ['heartbeat', ManagerInput, { kind: 'heartbeat', node: 3, routingVersion: 9, targets: [{ target: 31, localState: 'online', chainVersion: 4 }] }],
  ['tick', ManagerInput, { kind: 'tick', nowMs: 1234 }],
  ['nodeDown', ManagerInput, { kind: 'nodeDown', node: 2 }],
  ['nodeUp', ManagerInput, { kind: 'nodeUp', node: 2 }],
  ['syncDone', ManagerInput, { kind: 'syncDone', target: 31, chainVersion: 6 }],
  ['routing update', RoutingUpdate, { kind: 'routingUpdate', routing: { version: 2, chains: [{ id: 1, version: 3, targets: [{ target: 11, node: 1, state: 'serving' }, { target: 12, node: 2, state: 'syncing' }] }] } }],
  ['manager config', ManagerConfigCodec, { leaseMs: 10000, checkIntervalMs: 500 }],
  ['layout', ChainLayout, [{ id: 1, targets: [{ target: 11, node: 1 }] }]],
  ['snapshot', ManagerSnapshot, { meta: { format: 1, routingVersion: 2, seq: 5, chains: [1] }, chains: [{ id: 1, version: 3, members: [{ target: 11, node: 1, state: 'lastsrv', local: 'offline' }] }] }],
];

describe('chain manager codecs', () => {
  test.each(samples)('%s round-trips through JSON', (_name, codec, value) => {
    const decoded = decodeWith(codec, JSON.parse(JSON.stringify(value)));
    expect(isRight(decoded)).toBe(true);
    if (isRight(decoded)) expect(codec.encode(decoded.right)).toEqual(value);
  });

  test.each([
    ['a local state that does not exist', ManagerInput, { kind: 'heartbeat', node: 3, routingVersion: 9, targets: [{ target: 31, localState: 'dead', chainVersion: 4 }] }, 'targets.0.localState'],
    ['a negative chain version', ManagerInput, { kind: 'heartbeat', node: 3, routingVersion: 9, targets: [{ target: 31, localState: 'online', chainVersion: -1 }] }, 'targets.0.chainVersion'],
    ['a fractional time', ManagerInput, { kind: 'tick', nowMs: 1.5 }, 'nowMs'],
    ['a public state that does not exist', RoutingUpdate, { kind: 'routingUpdate', routing: { version: 1, chains: [{ id: 1, version: 1, targets: [{ target: 1, node: 1, state: 'zombie' }] }] } }, 'routing.chains.0.targets.0.state'],
    ['a zero lease', ManagerConfigCodec, { leaseMs: 0, checkIntervalMs: 1 }, 'leaseMs'],
    ['an unknown snapshot format', ManagerSnapshot, { meta: { format: 2, routingVersion: 1, seq: 1, chains: [] }, chains: [] }, 'meta.format'],
  ] as [string, t.Mixed, unknown, string][])('rejects %s naming the field', (_name, codec, value, field) => {
    const r = decodeWith(codec, value);
    expect(isLeft(r) && r.left.field).toBe(field);
  });
});
