/**
 * Lease fencing on real sockets (core/chain/lease.ts, proofs-notes/lease-fencing.md): a
 * storage node and a manager in this process on 127.0.0.1, the in-memory config store.
 * While the manager answers heartbeats the node serves; once the manager is gone, the
 * node's grant runs out and it answers clients TargetOffline (counted as fenced) instead
 * of serving with a routing table nobody vouches for; a new manager brings service back.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ClusterSpec, DEFAULT_TIMINGS } from '../../../spec/runtime';
import { freeUdpPort, ringLayout } from '../../../adapters/cli/cluster';
import { freePort } from '../../../adapters/config/etcd-server';
import { Running, connectClient, runManager, runStorageNode } from '../../../adapters/runtime/process';
import { ChainrepClient, ClientError } from '../../../adapters/runtime/client';
import { StorageNode } from '../../../adapters/runtime/storage-node';

jest.setTimeout(60_000);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function eventually<T>(what: string, timeoutMs: number, f: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await f();
    } catch (e) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${(e as Error).message}`);
      await sleep(100);
    }
  }
}

let dir: string;
let spec: ClusterSpec;
let manager: Running | undefined;
let node: (Running & { node: StorageNode }) | undefined;
let client: ChainrepClient | undefined;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chainrep-lease-'));
  const proc = async (id: number) => ({ id, host: '127.0.0.1', tcp: await freePort(), udp: await freeUdpPort() });
  spec = {
    format: 1,
    name: 'lease-test',
    dir,
    etcd: null,
    swimKey: '00'.repeat(32),
    chunkSizeBytes: 4096,
    dirtyRead: '3fs',
    fsync: 'never',
    timings: { ...DEFAULT_TIMINGS, heartbeatMs: 100, leaseMs: 1000, checkIntervalMs: 100 },
    nodes: [await proc(1)],
    managers: [await proc(1)],
    layout: ringLayout(1, 1),
  };
  manager = await runManager(spec, 1);
  node = await runStorageNode(spec, 1);
  client = await connectClient(spec, 1, { config: { opDeadlineMs: 1500, requestTimeoutMs: 300 } });
});

afterAll(async () => {
  await client?.close();
  await node?.close();
  await manager?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('the node serves under a lease, fences clients once the manager is gone, and serves again under a new manager', async () => {
  const data = Uint8Array.of(1, 2, 3, 4);
  await eventually('a first write', 10_000, () => client!.write('k', 0, data));
  expect([...(await client!.read('k', 0, 4)).data]).toEqual([...data]);
  // (requests before the node's first grant were fenced; none while the lease holds)
  const before = node!.node.ctr.fenced;
  expect([...(await client!.read('k', 0, 4)).data]).toEqual([...data]);
  expect(node!.node.ctr.fenced).toBe(before);

  await manager!.close();
  manager = undefined;
  // the grant (leaseMs - 2 * checkIntervalMs = 800 ms from the last heartbeat) runs out
  await sleep(1200);
  await expect(client!.read('k', 0, 4)).rejects.toBeInstanceOf(ClientError);
  expect(node!.node.ctr.fenced).toBeGreaterThan(before);

  manager = await runManager(spec, 1);
  const back = await eventually('service under the new manager', 15_000, () => client!.read('k', 0, 4));
  expect([...back.data]).toEqual([...data]);
});
