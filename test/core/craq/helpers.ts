import { chainId, chunkId, targetId } from '../../../spec/ids';
import { RoutingTable } from '../../../spec/routing';
import { ClusterConfig } from '../../../core/craq/cluster';
import { DEFAULT_TARGET_CONFIG, TargetConfig } from '../../../core/craq/target';
import { DEFAULT_CLIENT_CONFIG, ClientConfig } from '../../../core/craq/client';

export const CHAIN = chainId(1);
export const X = chunkId('x');

/** A routing table with one chain of `n` serving targets 1..n (head first). */
export function routing(n: number, version = 1): RoutingTable {
  return {
    version,
    chains: [{ id: CHAIN, version, targets: Array.from({ length: n }, (_, i) => ({ target: targetId(i + 1), node: i + 1 as never, state: 'serving' as const })) }],
  };
}

export function clusterConfig(replicas: number, clients: number, over: Partial<Omit<TargetConfig, 'self'>> = {}, clientOver: Partial<Omit<ClientConfig, 'self'>> = {}, seed = 1): ClusterConfig {
  return {
    targets: Array.from({ length: replicas }, (_, i) => targetId(i + 1)),
    routing: routing(replicas),
    clients,
    target: { ...DEFAULT_TARGET_CONFIG, chunkSizeBytes: 64, ...over },
    client: { ...DEFAULT_CLIENT_CONFIG, ...clientOver },
    seed,
  };
}

export const bytes = (...xs: number[]) => Uint8Array.from(xs);
