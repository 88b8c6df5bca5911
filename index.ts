/**
 * chainrep public API: one explicit export list. Everything named here is public; anything
 * not named is internal and may change.
 */

// ---- foundations
export { seedPrng, nextU32, nextBelow, nextFloat, shuffled, Rng } from './core/prng';
export type { PrngState } from './core/prng';
export type { StepResult } from './core/types';
export { InvariantViolation } from './core/types';
export { NodeId, TargetId, ChainId, ChunkId, ClientId, nodeId, targetId, chainId, chunkId, clientId } from './spec/ids';
export { decodeWith, intRange, Nat, Bytes } from './spec/decode';
export type { DecodeError } from './spec/decode';
export { PublicState, LocalState, PUBLIC_STATES, LOCAL_STATES, ChainTarget, Chain, RoutingTable, servingTargets, writeTargets, findChain } from './spec/routing';

// ---- CRAQ: messages, target, client, in-memory cluster
export {
  CraqMessage,
  WriteReq,
  WriteReply,
  Forward,
  Ack,
  ReadReq,
  ReadReply,
  VersionQuery,
  VersionReply,
  ErrorCode,
  ERROR_CODES,
  RETRYABLE_CODES,
  isSuccessCode,
  DirtyReadPolicy,
  toTarget,
  toClient,
} from './spec/craq';
export type { Address, TargetMessage, ClientMessage } from './spec/craq';
export { encodeCraqWire, decodeCraqWire } from './spec/wire';
export { step as targetStep, initialTargetState, emptyVolatile, replicaOf, updateVerOf, EMPTY_REPLICA, DEFAULT_TARGET_CONFIG } from './core/craq/target';
export type {
  TargetConfig,
  TargetState,
  TargetInput,
  TargetEffect,
  SendEffect,
  ChunkReplica,
  PendingVersion,
  RetryEntry,
  Durable,
  Volatile,
  WriteResult,
} from './core/craq/target';
export { clientStep, initialClientState, DEFAULT_CLIENT_CONFIG } from './core/craq/client';
export type { ClientConfig, ClientState, ClientInput, ClientEffect, ClientOp, OpResult, ReadPolicy } from './core/craq/client';
export { createCluster, invoke, deliver, drop, duplicate, crash, restart, publishRouting, fireTimer, nextTimerIndex, quiescent, runRandom } from './core/craq/cluster';
export type { ClusterConfig, ClusterState, ClusterEvent, InFlight, HistoryOp } from './core/craq/cluster';
export { checksumOf, applyWrite, readRange } from './core/craq/checksum';
export { toLinHistory } from './core/craq/history';
export { describeMsg, describeEvents } from './core/craq/describe';
export { CRAQ_MUTANTS, CRAQ_MUTANT_NAMES } from './core/craq/mutants';
export type { CraqMutant } from './core/craq/mutants';
export { receiveWire } from './adapters/runtime/inbound';

// ---- model checking and linearizability
export { explore } from './core/check/explorer';
export type { ExplorerModel, ExploreOptions, ExploreResult, ExploreProgress, Invariant, Violation, Packing } from './core/check/explorer';
export { craqModel, craqReferenceModel, DEFAULT_CHECK_CONFIG, encodeCraqState } from './core/check/craq-model';
export type { CraqCheckConfig, CraqModelState, CraqAction, CraqTuple, CraqInternStats } from './core/check/craq-model';
export { Interner, IntPairMap, FreshIds, ItemTable, TupleHasher } from './core/check/intern';
export type { HeadRole } from './core/check/intern';
export { LinVerdicts, precedenceKey } from './core/check/lin-memo';
export type { LinVerdict } from './core/check/lin-memo';
export {
  checkHistory,
  searchLinearization,
  registerModel,
  casModel,
  modelNamed,
  partitionByKey,
  formatResult,
  formatOperations,
  LIN_MODELS,
  LIN_OP_KINDS,
} from './core/check/lin';
export type { LinOperation, LinOperation as Operation, WriteOp, ReadOp, CasOp, LinValue, LinModelName, LinResult, CheckOptions } from './core/check/lin';
export { simulateClients, historyFromPlan } from './core/check/lin-gen';
export { HistoryLine, decodeHistory, encodeOperation } from './spec/history';

// ---- chain manager
export { CHAIN_ORDER, ManagerInput, Heartbeat, TargetReport, Tick, NodeDown, NodeUp, SyncDone, RoutingUpdate, ManagerConfigCodec, ChainLayout, ManagerSnapshot } from './spec/chain';
export { targetPublicStateChart } from './spec/chain-chart';
export { nextPublic, rebuildChain, CHAIN_MANAGER_MUTANTS, CHAIN_MANAGER_MUTANT_NAMES } from './core/chain/transition';
export { step as chainManagerStep, createManager, restoreManager, routingTable, snapshotOf } from './core/chain/manager';
export type { ManagerConfig, ManagerState, ManagerEffect } from './core/chain/manager';
export type { ConfigStore } from './core/chain/config-store';
export { MemoryConfigStore } from './adapters/config/memory';

// ---- chain tables (placement)
export { validateParams, chainCount, pairMean, threeFsTargetsPerNode, NODES_MAX } from './core/placement/params';
export type { TableParams, ChainTable, PlacementError } from './core/placement/params';
export { generateTable, startGeneration, stepGeneration, runToEnd, checkDomains, spreadOneImpossible, defaultBudget } from './core/placement/generate';
export type { GenerateResult, GenerateOptions, TableStatus } from './core/placement/generate';
export { findDesign, stsBose, stsSkolem, projectiveGeometry, affineGeometry, hermitianUnital, DIFFERENCE_FAMILIES, unionDesigns, developFamily, isDesign } from './core/placement/designs';
export { OrbitSearch, orbitPlans, developPlan, searchFamily } from './core/placement/familysearch';
export { deletePoint, pointDeletionDesign, pointDeletionTable, searchedNearTable, validSpread } from './core/placement/prebuilt';
export type { NearTableEntry } from './core/placement/prebuilt';
export { SEARCHED_NEAR_TABLES } from './core/placement/near-tables';
export type { FamilyPlan, FamilySlot } from './core/placement/familysearch';
export type { Design, DifferenceFamily } from './core/placement/designs';
export { galoisField, primePower } from './core/placement/gf';
export type { GaloisField } from './core/placement/gf';
export { balancePositions, positionsBalanced, positionCounts } from './core/placement/positions';
export { analyze, analyzeWithNaive, metrics, pairStats, positionStats, recoveryTraffic, copysets, lossProbability, naiveTable, pairCountMatrix } from './core/placement/analysis';
export type { Analysis, TableMetrics, LossProbability } from './core/placement/analysis';
export { expandTable, planExpansion, movedLowerBound, startRepair } from './core/placement/expand';
export { relabelOnto } from './core/placement/relabel';
export type { Relabelling } from './core/placement/relabel';
export type { ExpandResult } from './core/placement/expand';
export { parseTableText, decodeTableJson, parseDomainsText, TableFileCodec, checkTable } from './spec/placement';
export type { DecodedTable, Domains, TableFile } from './spec/placement';
export { tableJson, tableCsv, threeFsFiles, tableSvg, THREE_FS_DEFAULTS, TABLE_FORMATS } from './adapters/cli/table-output';
export type { ThreeFsOptions, TableFormat } from './adapters/cli/table-output';

// ---- adapters: config stores, election, runtime
export { EtcdConfigStore, EtcdElection, etcdClient } from './adapters/config/etcd';
export { startEtcd, ensureEtcd, findEtcd } from './adapters/config/etcd-server';
export { fencedStore } from './adapters/config/election';
export type { Election, Candidate, Leadership, Fence } from './adapters/config/election';
export { MemoryElection } from './adapters/config/memory-election';
export { StorageNode } from './adapters/runtime/storage-node';
export type { StorageNodeOptions } from './adapters/runtime/storage-node';
export { ManagerNode } from './adapters/runtime/manager-node';
export { SwimNode, localSwimConfig } from './adapters/runtime/swim-node';
export { ChainrepClient, ClientError } from './adapters/runtime/client';
export type { ChainrepClientOptions } from './adapters/runtime/client';
export { runLoad } from './adapters/cli/load';
export type { LoadOptions, LoadSummary } from './adapters/cli/load';

// ---- adapters: transports and chunk stores
export { TransportError } from './adapters/transport/types';
export type { MessageTransport, PacketTransport, WireCodec, TransportCounters, Rejection } from './adapters/transport/types';
export { TcpTransport, TCP_DEFAULTS } from './adapters/transport/tcp';
export type { TcpTransportOptions } from './adapters/transport/tcp';
export { craqWireCodec } from './adapters/transport/craq-codec';
export { UdpTransport, Keyring, sealDatagram, openDatagram, ENCRYPT_OVERHEAD_BYTES } from './adapters/transport/udp';
export type { UdpTransportOptions } from './adapters/transport/udp';
export { PersistThenSend, durableFromLoaded } from './adapters/store/types';
export type { ChunkStore, PersistBatch, LoadedState } from './adapters/store/types';
export { FileChunkStore, FILE_STORE_DEFAULTS, StoreCorrupt, StoreClosed } from './adapters/store/file';
export type { FileStoreCounters, FileStoreOptions, FsyncPolicy } from './adapters/store/file';
export { MemoryChunkStore } from './adapters/store/memory';
export { crc32c } from './adapters/store/crc32c';

// ---- whole-cluster simulation and the read-scaling experiment
export { ClusterSim, runSim, DEFAULT_SIM_OPTIONS, SIM_SWIM_CONFIG } from './core/check/sim';
export type { SimOptions, SimReport, CheckOutcome, CheckStatus, FaultCounts, RecoveryMode } from './core/check/sim';
export { shrinkRun, soak, failingChecks } from './core/check/sim-soak';
export type { ShrinkResult, SoakReport } from './core/check/sim-soak';
export { drawSchedule, shrinkSchedule } from './core/check/sim-faults';
export { runChecks, CHECK_NAMES } from './core/check/sim-checks';
export { FaultEvent, FaultSchedule, FAULT_CLASSES, decodeSchedule, describeFault } from './spec/sim';
export type { FaultClass } from './spec/sim';
export { measurePoint, sweep, DEFAULT_POINT, DEFAULT_SERVICE, READ_POLICIES } from './core/check/read-scaling';
export type { ScalingPoint, ScalingResult, ServiceTimes } from './core/check/read-scaling';

// ---- SWIM membership with Lifeguard
export { SwimConfig, DEFAULT_SWIM_CONFIG, withLifeguard, decodeSwimConfig, datagramWithin, PacketTooLarge, encodePacket as encodeSwimPacket, decodePacket as decodeSwimPacket, packetBytes as swimPacketBytes } from './spec/swim';
export type { Message as SwimMessage, Update as SwimUpdate, Datagram as SwimDatagram, PushPull as SwimPushPull, Packet as SwimPacket } from './spec/swim';
export { memberStatusChart } from './spec/swim-chart';
export { step as swimStep, createMember, suspicionMinMs, suspicionTimeoutMs, retransmitLimit, pushPullIntervalMs, relayNackMs, statusOf } from './core/swim/member';
export type { SwimState, SwimInput, SwimEffect, MemberEvent, MemberId } from './core/swim/member';
export { nextStatus as swimNextStatus } from './core/swim/status';
export { EMPTY_TABLE, denseAliveTable, tableFromEntries, tableEntries, lookup as lookupMember } from './core/swim/table';
export type { MemberTable, MemberEntry, Status as SwimStatus } from './core/swim/table';
export { simulate as simulateSwim, DEFAULT_SIM as DEFAULT_SWIM_SIM } from './core/swim/sim';
export type { SimOptions as SwimSimOptions, SimReport as SwimSimReport } from './core/swim/sim';
export { EventHeap } from './core/swim/heap';
export { feedStep, feedEffects, EMPTY_FEED, localStateOf } from './core/swim/feed';
export type { FeedState, MembershipInput } from './core/swim/feed';

// ---- recovery sync and the whole-system model
export { RECOVERY_MUTANTS, RECOVERY_MUTANT_NAMES, planSync, sendReason, compareCommitted } from './core/chain/recovery';
export type { RecoveryMutant, SyncPlan, ReplicaVersions } from './core/chain/recovery';
export { systemModel, systemReferenceModel, DEFAULT_SYSTEM_CONFIG, encodeSystemState } from './core/check/system-model';
export type { SystemCheckConfig, SystemState, SystemAction, SystemTuple, SystemInternStats } from './core/check/system-model';
export { ChunkMeta, SyncStart, SyncDump, SyncRemove, SyncChunk, SyncAck, SyncMessage } from './spec/sync';
