/**
 * Node-side lease fencing (core/chain/lease.ts, proofs-notes/lease-fencing.md): grants
 * extend the lease only once the node's routing caught up, leases never shrink, and a
 * node without a lease answers client requests TargetOffline while chain traffic passes.
 */
import { NO_LEASE, applyGrant, fence, leaseValid, onRouting } from '../../../core/chain/lease';
import { LeaseGrant } from '../../../spec/chain';
import { TargetMessage } from '../../../spec/craq';
import { chainId, chunkId, clientId, nodeId, targetId } from '../../../spec/ids';

const grant = (sentAtMs: number, routingVersion: number, validForMs = 800): LeaseGrant => ({ kind: 'leaseGrant', node: nodeId(1), sentAtMs, validForMs, routingVersion });

describe('node lease', () => {
  test('a node starts without a lease', () => {
    expect(leaseValid(NO_LEASE, 0)).toBe(false);
    expect(leaseValid(NO_LEASE, 1000)).toBe(false);
  });

  test('a grant counts from the heartbeat\'s send time, for validForMs, and the lease ends exactly then', () => {
    const l = applyGrant(NO_LEASE, grant(100, 3), 3);
    expect(leaseValid(l, 100)).toBe(true);
    expect(leaseValid(l, 899)).toBe(true);
    expect(leaseValid(l, 900)).toBe(false);
  });

  test('a grant waits for the routing version the manager had; onRouting releases it', () => {
    let l = applyGrant(NO_LEASE, grant(100, 5), 4);
    expect(leaseValid(l, 150)).toBe(false);
    l = onRouting(l, 4);
    expect(leaseValid(l, 150)).toBe(false);
    l = onRouting(l, 5);
    expect(leaseValid(l, 150)).toBe(true);
    expect(l.pending).toBeNull();
  });

  test('leases never shrink: an older grant (reordered) changes nothing', () => {
    const l = applyGrant(NO_LEASE, grant(500, 1), 1);
    expect(applyGrant(l, grant(200, 1), 1)).toBe(l);
    expect(applyGrant(l, grant(200, 9), 1)).toBe(l); // pending but ends earlier than what we hold
  });

  test('a valid lease keeps counting while a newer grant waits for routing', () => {
    let l = applyGrant(NO_LEASE, grant(100, 1), 1); // until 900
    l = applyGrant(l, grant(600, 2), 1); // until 1400, once routing v2 arrives
    expect(leaseValid(l, 850)).toBe(true);
    expect(leaseValid(l, 950)).toBe(false);
    l = onRouting(l, 2);
    expect(leaseValid(l, 950)).toBe(true);
    expect(leaseValid(l, 1400)).toBe(false);
  });
});

describe('fence', () => {
  const self = targetId(7);
  const base = { chain: chainId(1), chainVer: 2, chunk: chunkId('c') };
  test('client writes and reads are answered TargetOffline, naming the request', () => {
    const w: TargetMessage = { kind: 'write', client: clientId(3), channel: 1, seq: 9, ...base, offset: 0, data: Uint8Array.of(1) };
    expect(fence(w, self)).toEqual({ kind: 'reply', msg: { kind: 'writeReply', client: 3, channel: 1, seq: 9, chunk: 'c', ok: false, code: 'TargetOffline' } });
    const r: TargetMessage = { kind: 'read', client: clientId(3), reqId: 4, ...base, offset: 0, length: 1, relaxed: false };
    expect(fence(r, self)).toEqual({ kind: 'reply', msg: { kind: 'readReply', client: 3, reqId: 4, chunk: 'c', from: 7, ok: false, code: 'TargetOffline' } });
  });

  test('version queries are dropped (a read on another replica\'s behalf); chain traffic passes', () => {
    expect(fence({ kind: 'versionQuery', from: targetId(2), qid: 1, ...base }, self)).toEqual({ kind: 'drop' });
    const fwd: TargetMessage = { kind: 'forward', from: targetId(2), ...base, ver: 3, offset: 0, data: Uint8Array.of(1), full: false, client: clientId(1), channel: 0, seq: 1 };
    expect(fence(fwd, self)).toEqual({ kind: 'pass' });
    expect(fence({ kind: 'ack', from: targetId(8), ...base, ver: 3, ok: true, sum: 1 } as TargetMessage, self)).toEqual({ kind: 'pass' });
  });
});
