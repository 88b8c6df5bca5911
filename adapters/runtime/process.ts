/**
 * One process of a local cluster, wired from the cluster spec (spec/runtime.ts): a storage
 * node (StorageNode + SwimNode + a file chunk store per target) or a manager (ManagerNode +
 * SwimNode + the etcd store and election, or the in-memory ones when the spec has no etcd).
 * `chainrep cluster up` starts these as child processes; tests may start them in process.
 */
import * as path from 'node:path';
import { ClusterSpec, MANAGER_MEMBER_BASE } from '../../spec/runtime';
import { NodeId, TargetId, clientId } from '../../spec/ids';
import { DEFAULT_TARGET_CONFIG } from '../../core/craq/target';
import { Endpoint, PeerId } from '../transport/types';
import { FileChunkStore } from '../store/file';
import { MemoryConfigStore } from '../config/memory';
import { MemoryElection } from '../config/memory-election';
import { EtcdConfigStore, EtcdElection, etcdClient } from '../config/etcd';
import { StorageNode } from './storage-node';
import { ManagerNode } from './manager-node';
import { SwimNode, localSwimConfig } from './swim-node';
import { ChainrepClient, ChainrepClientOptions } from './client';

export function resolverOf(spec: ClusterSpec): (peer: PeerId) => Endpoint | undefined {
  const map = new Map<string, Endpoint>();
  for (const n of spec.nodes) map.set(`node:${n.id}`, { host: n.host, port: n.tcp });
  for (const m of spec.managers) map.set(`manager:${m.id}`, { host: m.host, port: m.tcp });
  return (peer) => map.get(peer);
}

export function nodeOfTargetMap(spec: ClusterSpec): Map<number, NodeId> {
  const m = new Map<number, NodeId>();
  for (const c of spec.layout) for (const t of c.targets) m.set(t.target, t.node);
  return m;
}

function swimMembers(spec: ClusterSpec): Map<number, Endpoint> {
  const m = new Map<number, Endpoint>();
  for (const n of spec.nodes) m.set(n.id, { host: n.host, port: n.udp });
  for (const g of spec.managers) m.set(MANAGER_MEMBER_BASE + g.id, { host: g.host, port: g.udp });
  return m;
}

export interface Running {
  close(): Promise<void>;
}

export async function runStorageNode(spec: ClusterSpec, id: number, log: (s: string) => void = () => undefined): Promise<Running & { node: StorageNode; swim: SwimNode }> {
  const me = spec.nodes.find((n) => n.id === id);
  if (!me) throw new Error(`node ${id} is not in the cluster spec`);
  const targets = spec.layout.flatMap((c) => c.targets.filter((t) => t.node === id).map((t) => ({ target: t.target as TargetId, chain: c.id })));
  let swim: SwimNode | undefined;
  const node = await StorageNode.start({
    node: id as NodeId,
    targets: targets.map((t) => ({ ...t, open: () => FileChunkStore.open({ dir: path.join(spec.dir, `node-${id}`, `target-${t.target}`), fsync: spec.fsync }) })),
    targetConfig: { ...DEFAULT_TARGET_CONFIG, chunkSizeBytes: spec.chunkSizeBytes, dirtyRead: spec.dirtyRead },
    listen: { host: me.host, port: me.tcp },
    resolve: resolverOf(spec),
    nodeOfTarget: nodeOfTargetMap(spec),
    managers: spec.managers.map((m) => `manager:${m.id}`),
    heartbeatMs: spec.timings.heartbeatMs,
    members: () => swim?.view() ?? {},
    udpRejected: () => swim?.udp.counters().rejected ?? 0,
    onFatal: (e) => {
      log(`node ${id}: fatal store error: ${(e as Error)?.message ?? String(e)}`);
      process.exitCode = 1;
    },
  });
  swim = await SwimNode.start({
    self: id,
    members: swimMembers(spec),
    cluster: spec.name,
    key: Buffer.from(spec.swimKey, 'hex'),
    config: localSwimConfig(spec.timings.swimProbeIntervalMs),
    incarnation: Date.now(),
    seed: (id * 2654435761 + Date.now()) >>> 0,
  });
  const s = swim;
  return { node, swim: s, close: async () => (await s.close(), await node.close()) };
}

export async function runManager(spec: ClusterSpec, id: number, log: (s: string) => void = () => undefined): Promise<Running & { manager: ManagerNode; swim: SwimNode }> {
  const me = spec.managers.find((m) => m.id === id);
  if (!me) throw new Error(`manager ${id} is not in the cluster spec`);
  const client = spec.etcd ? etcdClient(spec.etcd) : undefined;
  const store = client ? new EtcdConfigStore(client) : new MemoryConfigStore();
  const election = client ? new EtcdElection(client, `${spec.name}/election`, { ttlS: spec.timings.electionTtlS }) : new MemoryElection(store, `${spec.name}/election`);
  let swim: SwimNode | undefined;
  const manager = await ManagerNode.start({
    id,
    member: MANAGER_MEMBER_BASE + id,
    listen: { host: me.host, port: me.tcp },
    resolve: resolverOf(spec),
    nodes: spec.nodes.map((n) => `node:${n.id}`),
    store,
    election,
    prefix: `${spec.name}/manager`,
    config: { leaseMs: spec.timings.leaseMs, checkIntervalMs: spec.timings.checkIntervalMs },
    layout: spec.layout,
    members: () => swim?.view() ?? {},
    udpRejected: () => swim?.udp.counters().rejected ?? 0,
    log,
  });
  swim = await SwimNode.start({
    self: MANAGER_MEMBER_BASE + id,
    members: swimMembers(spec),
    cluster: spec.name,
    key: Buffer.from(spec.swimKey, 'hex'),
    config: localSwimConfig(spec.timings.swimProbeIntervalMs),
    incarnation: Date.now(),
    seed: (id * 40503 + Date.now()) >>> 0,
    onEvent: (e) => manager.onMemberEvent(e),
  });
  const s = swim;
  return {
    manager,
    swim: s,
    close: async () => {
      await s.close();
      await manager.close();
      client?.close();
    },
  };
}

/** A client of the cluster described by `spec`. */
export function connectClient(spec: ClusterSpec, id: number, extra: Partial<ChainrepClientOptions> = {}, timeoutMs?: number): Promise<ChainrepClient> {
  return ChainrepClient.connect(
    {
      id: clientId(id),
      resolve: resolverOf(spec),
      managers: spec.managers.map((m) => `manager:${m.id}`),
      nodeOfTarget: nodeOfTargetMap(spec),
      ...extra,
    },
    timeoutMs,
  );
}
