/** Client rules: write to the head, read by policy, retries with backoff, routing refresh. */
import { clientId, targetId } from '../../../spec/ids';
import { RoutingTable } from '../../../spec/routing';
import { ClientConfig, ClientEffect, ClientInput, ClientState, DEFAULT_CLIENT_CONFIG, ReadPolicy, clientStep, initialClientState } from '../../../core/craq/client';
import { CHAIN, X, bytes, routing } from './helpers';

const cfgOf = (over: Partial<ClientConfig> = {}): ClientConfig => ({ ...DEFAULT_CLIENT_CONFIG, self: clientId(0), ...over });
function run(cfg: ClientConfig, s: ClientState, ...inputs: ClientInput[]): [ClientState, ClientEffect[]] {
  let cur = s;
  const all: ClientEffect[] = [];
  for (const i of inputs) {
    const [n, e] = clientStep(cfg, cur, i);
    cur = n;
    all.push(...e);
  }
  return [cur, all];
}
const sends = (e: ClientEffect[]) => e.flatMap((x) => (x.kind === 'send' ? [{ to: x.to.id as number, msg: x.msg }] : []));
const writeOp = (nowMs = 0, opId = 1): ClientInput => ({ kind: 'invoke', opId, op: { kind: 'write', chain: CHAIN, chunk: X, offset: 0, data: bytes(1) }, nowMs });
const readOp = (nowMs = 0, opId = 2): ClientInput => ({ kind: 'invoke', opId, op: { kind: 'read', chain: CHAIN, chunk: X, offset: 0, length: 1 }, nowMs });

test('writes go to the head with the chain version, channel and sequence number', () => {
  const cfg = cfgOf();
  const [, e] = run(cfg, initialClientState(cfg, 1, routing(3)), writeOp());
  expect(sends(e)).toEqual([{ to: 1, msg: expect.objectContaining({ kind: 'write', chainVer: 1, channel: 0, seq: 1 }) }]);
});

test.each<[ReadPolicy, number[]]>([
  ['tail', [3, 3, 3, 3, 3, 3]],
  ['roundRobin', [1, 2, 3, 1, 2, 3]],
])('read policy %s picks %j', (readPolicy, expected) => {
  const cfg = cfgOf({ readPolicy });
  let s = initialClientState(cfg, 1, routing(3));
  const picked: number[] = [];
  for (let i = 0; i < 6; i++) {
    const [n, e] = run(cfg, s, readOp(0, i));
    s = n;
    picked.push(sends(e)[0].to);
  }
  expect(picked).toEqual(expected);
});

test('read policy random is seeded: the same seed picks the same replicas, and every replica is used', () => {
  const cfg = cfgOf({ readPolicy: 'random' });
  const picks = (seed: number) => {
    let s = initialClientState(cfg, seed, routing(3));
    const out: number[] = [];
    for (let i = 0; i < 60; i++) {
      const [n, e] = run(cfg, s, readOp(0, i));
      s = n;
      out.push(sends(e)[0].to);
    }
    return out;
  };
  expect(picks(7)).toEqual(picks(7));
  expect(new Set(picks(7))).toEqual(new Set([1, 2, 3]));
});

test('reads only go to serving replicas', () => {
  const table: RoutingTable = { version: 1, chains: [{ id: CHAIN, version: 1, targets: [{ target: targetId(1), node: 1 as never, state: 'serving' }, { target: targetId(2), node: 2 as never, state: 'syncing' }] }] };
  const cfg = cfgOf({ readPolicy: 'roundRobin' });
  let s = initialClientState(cfg, 1, table);
  for (let i = 0; i < 4; i++) {
    const [n, e] = run(cfg, s, readOp(0, i));
    s = n;
    expect(sends(e)[0].to).toBe(1);
  }
});

test('RoutingVersionMismatch: refresh routing, back off, retry with the new version and the same seq', () => {
  const cfg = cfgOf();
  const [s1] = run(cfg, initialClientState(cfg, 1, routing(3)), writeOp());
  const [s2, e2] = run(cfg, s1, { kind: 'received', msg: { kind: 'writeReply', client: clientId(0), channel: 0, seq: 1, chunk: X, ok: false, code: 'RoutingVersionMismatch' }, nowMs: 5 });
  expect(e2).toContainEqual({ kind: 'refreshRouting' });
  expect(e2).toContainEqual({ kind: 'scheduleTick', atMs: 5 + cfg.retryBackoffMinMs });
  const [, e3] = run(cfg, s2, { kind: 'routing', table: routing(3, 2), nowMs: 6 }, { kind: 'tick', nowMs: 100 });
  expect(sends(e3)).toEqual([{ to: 1, msg: expect.objectContaining({ kind: 'write', chainVer: 2, channel: 0, seq: 1 }) }]);
});

test('ChunkNotCommit: the read is retried fast', () => {
  const cfg = cfgOf({ readPolicy: 'tail' });
  const [s1, e1] = run(cfg, initialClientState(cfg, 1, routing(3)), readOp());
  const reqId = (sends(e1)[0].msg as { reqId: number }).reqId;
  const [, e2] = run(cfg, s1, { kind: 'received', msg: { kind: 'readReply', client: clientId(0), reqId, chunk: X, from: targetId(3), ok: false, code: 'ChunkNotCommit' }, nowMs: 10 });
  expect(e2).toContainEqual({ kind: 'scheduleTick', atMs: 10 + cfg.notCommitRetryMs });
});

test('a timed-out attempt is retried with the same seq; past the deadline the op fails with Timeout', () => {
  const cfg = cfgOf({ requestTimeoutMs: 100, opDeadlineMs: 250 });
  const [s1] = run(cfg, initialClientState(cfg, 1, routing(3)), writeOp());
  const [s2, e2] = run(cfg, s1, { kind: 'tick', nowMs: 100 });
  expect(sends(e2)[0].msg).toMatchObject({ kind: 'write', seq: 1 });
  const [s3, e3] = run(cfg, s2, { kind: 'tick', nowMs: 200 }, { kind: 'tick', nowMs: 300 });
  expect(e3).toContainEqual({ kind: 'complete', opId: 1, result: { ok: false, code: 'Timeout' } });
  expect(s3.ops.size).toBe(0);
});

test('writes beyond the channel count wait for a free channel', () => {
  const cfg = cfgOf({ channels: 1 });
  const [s1, e1] = run(cfg, initialClientState(cfg, 1, routing(3)), writeOp(0, 1), writeOp(0, 2));
  expect(sends(e1)).toHaveLength(1);
  const [, e2] = run(cfg, s1, { kind: 'received', msg: { kind: 'writeReply', client: clientId(0), channel: 0, seq: 1, chunk: X, ok: true, commitVer: 1 }, nowMs: 1 });
  expect(e2).toContainEqual({ kind: 'complete', opId: 1, result: { ok: true, kind: 'write', commitVer: 1 } });
  expect(sends(e2)).toEqual([{ to: 1, msg: expect.objectContaining({ channel: 0, seq: 2 }) }]);
});

test('a reply for no waiting operation is ignored explicitly', () => {
  const cfg = cfgOf();
  const [, e] = run(cfg, initialClientState(cfg, 1, routing(3)), { kind: 'received', msg: { kind: 'writeReply', client: clientId(0), channel: 3, seq: 9, chunk: X, ok: true, commitVer: 1 }, nowMs: 0 });
  expect(e).toEqual([expect.objectContaining({ kind: 'ignored' })]);
});
