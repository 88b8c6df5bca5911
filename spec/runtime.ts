/**
 * What the runtime's processes say to each other besides CRAQ and sync messages (issue 8
 * items 5-6), and the files they read: control messages between storage nodes, managers,
 * clients and the CLI, and the cluster description `chainrep cluster up` writes (every
 * process decodes its part with these codecs before using it).
 */
import * as t from 'io-ts';
import { ChainLayout, Heartbeat, LeaseGrant, RoutingUpdate, SyncDone } from './chain';
import { RoutingTable } from './routing';
import { Nat, intRange } from './decode';
import { DirtyReadPolicy } from './craq';

const Port = intRange('port', 1, 65_535);
export const HostPort = t.type({ host: t.string, tcp: Port }, 'HostPort');

/** A client asks a manager for the routing table. */
export const GetRouting = t.type({ kind: t.literal('getRouting') }, 'GetRouting');
/** A manager that does not lead answers requests with this. */
export const NotLeader = t.type({ kind: t.literal('notLeader'), manager: Nat }, 'NotLeader');
/** `chainrep cluster status` asks any process for its view. */
export const GetStatus = t.type({ kind: t.literal('getStatus') }, 'GetStatus');
export const StatusReply = t.type(
  {
    kind: t.literal('status'),
    role: t.keyof({ manager: null, node: null }),
    id: Nat,
    pid: Nat,
    leader: t.boolean,
    routing: t.union([RoutingTable, t.null]),
    /** SWIM's view: member id -> status. */
    members: t.record(t.string, t.string),
    /** Inbound frames (TCP) and datagrams (UDP) rejected since start (bad, oversized, unauthenticated). */
    rejected: t.type({ tcp: Nat, udp: Nat }),
  },
  'StatusReply',
);
export type StatusReply = t.TypeOf<typeof StatusReply>;

export const ControlMessage = t.union([Heartbeat, SyncDone, RoutingUpdate, LeaseGrant, GetRouting, NotLeader, GetStatus, StatusReply], 'ControlMessage');
export type ControlMessage = t.TypeOf<typeof ControlMessage>;

/** Timing of a local cluster (limits with units last). */
export const RuntimeTimings = t.type(
  {
    heartbeatMs: intRange('heartbeatMs', 10, 60_000),
    leaseMs: intRange('leaseMs', 100, 600_000),
    checkIntervalMs: intRange('checkIntervalMs', 10, 60_000),
    electionTtlS: intRange('electionTtlS', 1, 600),
    swimProbeIntervalMs: intRange('swimProbeIntervalMs', 20, 60_000),
  },
  'RuntimeTimings',
);
export type RuntimeTimings = t.TypeOf<typeof RuntimeTimings>;

export const DEFAULT_TIMINGS: RuntimeTimings = { heartbeatMs: 300, leaseMs: 3000, checkIntervalMs: 200, electionTtlS: 2, swimProbeIntervalMs: 200 };

/** One process of a local cluster: a storage node (ids 1..N) or a manager (ids 1..M). */
export const ProcessSpec = t.type({ id: Nat, host: t.string, tcp: Port, udp: Port }, 'ProcessSpec');
export type ProcessSpec = t.TypeOf<typeof ProcessSpec>;

/** The cluster description every process reads (written by `chainrep cluster up`). */
export const ClusterSpec = t.type(
  {
    format: t.literal(1),
    name: t.string,
    dir: t.string,
    /** etcd client URL; null = one manager with the in-memory store. */
    etcd: t.union([t.string, t.null]),
    /** 64 hex characters: the SWIM AES-256-GCM key. */
    swimKey: t.refinement(t.string, (s) => /^[0-9a-f]{64}$/.test(s), 'swimKey (64 hex characters)'),
    chunkSizeBytes: intRange('chunkSizeBytes', 1, 64 * 1024 * 1024),
    dirtyRead: DirtyReadPolicy,
    fsync: t.keyof({ always: null, never: null }),
    timings: RuntimeTimings,
    nodes: t.readonlyArray(ProcessSpec),
    managers: t.readonlyArray(ProcessSpec),
    layout: ChainLayout,
  },
  'ClusterSpec',
);
export type ClusterSpec = t.TypeOf<typeof ClusterSpec>;

/** SWIM member ids: storage node n is member n; manager m is member MANAGER_MEMBER_BASE + m. */
export const MANAGER_MEMBER_BASE = 100_000;

/** The state file of a running local cluster: the spec plus the pids. */
export const ClusterState = t.type(
  {
    spec: ClusterSpec,
    pids: t.type({ nodes: t.record(t.string, Nat), managers: t.record(t.string, Nat), etcd: t.union([Nat, t.null]) }),
    etcdDataDir: t.union([t.string, t.null]),
  },
  'ClusterState',
);
export type ClusterState = t.TypeOf<typeof ClusterState>;

export { HostPort as HostPortCodec };
