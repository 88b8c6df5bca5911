/**
 * Transport interfaces: what the runtime (StorageNode, ManagerNode, ChainrepClient,
 * SwimNode) programs against. Implementations: `adapters/transport/tcp.ts` (stream,
 * length-prefixed binary frames over node:net) and `adapters/transport/udp.ts` (SWIM
 * datagrams over node:dgram, AES-256-GCM). Conformance suites for any implementation:
 * `properties/conformance-transport.ts`.
 *
 * Shape rules (so a verbs/RDMA adapter fits later, proofs-notes/rdma.md):
 *  - a message is split by a `WireCodec` into a small decoded-by-io-ts header and an
 *    opaque payload (`Uint8Array`), so a transport can move the payload by any means
 *    (socket bytes here; a one-sided RDMA READ from a registered buffer there) while the
 *    header, the only part that is parsed, always goes through spec/ codecs;
 *  - the payload handed to `onMessage` may alias transport buffers: a receiver that keeps
 *    it beyond the handler's synchronous run must not assume it is private. (The TCP
 *    transport hands out exclusively owned buffers; see tcp.ts for every copy.)
 */
import { Either } from 'fp-ts/Either';
import { DecodeError } from '../../spec/decode';

/** A peer's name on a stream transport: 'target:101', 'client:7', 'manager:1'. */
export type PeerId = string;

export interface Endpoint {
  readonly host: string;
  readonly port: number;
}

/** The two parts a message travels as on a framed transport. */
export interface WireParts {
  /** JSON-able header (small; decoded with io-ts on receipt). */
  readonly header: unknown;
  /** Bulk bytes, sent raw (never base64'd). Empty when the message has none. */
  readonly payload?: Uint8Array;
}

/**
 * Splits messages of type M into header + payload and back. `decode` is the boundary:
 * it must run the spec/ io-ts codec and return Left naming the offending field.
 */
export interface WireCodec<M> {
  encode(msg: M): WireParts;
  decode(header: unknown, payload: Uint8Array): Either<DecodeError, M>;
}

/** Why an inbound frame or packet was rejected (the counters' keys). */
export type RejectReason =
  | 'oversized' // length prefix above maxFrameBytes: the connection is closed
  | 'badLength' // length prefix below the minimum frame: the connection is closed
  | 'badHeaderLength' // header length beyond the frame: frame dropped, connection kept
  | 'badHeaderJson' // header bytes are not UTF-8 JSON: frame dropped
  | 'badEnvelope' // the frame envelope fails its codec (spec/frame.ts): frame dropped
  | 'badMessage' // the message fails its codec (WireCodec.decode): frame dropped
  | 'noHello' // a message before the connection named its peer: frame dropped
  | 'unauthenticated' // UDP: no key in the keyring authenticates the packet: dropped, never decoded
  | 'badPacket'; // UDP: authenticated but fails the SWIM packet codec

export interface Rejection {
  readonly reason: RejectReason;
  /** The offending field (from the codec's DecodeError) or '(frame)'. */
  readonly field: string;
  readonly message: string;
  /** The remote, as far as known: a PeerId, or 'host:port'. */
  readonly remote: string;
  /** True when the rejection closed the connection. */
  readonly closed: boolean;
}

export interface TransportCounters {
  framesIn: number;
  framesOut: number;
  bytesIn: number;
  bytesOut: number;
  /** Every rejected frame/packet, whatever the reason (sum of `rejectedBy`). */
  rejected: number;
  rejectedBy: Partial<Record<RejectReason, number>>;
  /** Connections closed because of a bad frame (oversized, badLength). */
  closedOnBadFrame: number;
  connectsOut: number;
  reconnects: number;
  connectionsIn: number;
  /** request() calls that timed out. */
  timeouts: number;
  /** Times a send waited for 'drain' (socket write buffer above the high-water mark). */
  backpressureWaits: number;
}

export function emptyCounters(): TransportCounters {
  return {
    framesIn: 0,
    framesOut: 0,
    bytesIn: 0,
    bytesOut: 0,
    rejected: 0,
    rejectedBy: {},
    closedOnBadFrame: 0,
    connectsOut: 0,
    reconnects: 0,
    connectionsIn: 0,
    timeouts: 0,
    backpressureWaits: 0,
  };
}

export function countRejection(c: TransportCounters, r: RejectReason): void {
  c.rejected++;
  c.rejectedBy[r] = (c.rejectedBy[r] ?? 0) + 1;
}

/** A decoded inbound message. */
export interface Inbound<M> {
  readonly from: PeerId;
  readonly msg: M;
  /** Present when the sender used `request`: answers on the same connection, correlated by id. */
  readonly reply?: (msg: M) => Promise<void>;
}

/** Errors a transport's promises reject with. */
export class TransportError extends Error {
  constructor(
    readonly code: 'noRoute' | 'timeout' | 'closed' | 'tooLarge' | 'connectFailed' | 'overloaded' | 'badReply',
    message: string,
  ) {
    super(message);
    this.name = 'TransportError';
  }
}

/**
 * A message transport between named peers.
 *  - `send` is one-way; it resolves once the frame is handed to the OS (after waiting for
 *    'drain' when the socket's write buffer is full: backpressure reaches the caller).
 *    Messages from one sender to one peer arrive in send order, or not at all (a broken
 *    connection loses what was in flight; CRAQ retries cover that).
 *  - `request` sends and waits for the peer's `reply`, rejecting with
 *    TransportError('timeout') after `timeoutMs`.
 *  - Peers are reached through `resolve` (PeerId -> Endpoint) or, failing that, over a
 *    connection the peer opened to us (so clients need no listening port).
 *  - Bad inbound frames never reach `onMessage`; they are counted and reported to
 *    `onReject`, and the transport keeps serving.
 */
export interface MessageTransport<M> {
  readonly self: PeerId;
  /** The listening endpoint, if this transport listens. */
  readonly endpoint: Endpoint | undefined;
  send(to: PeerId, msg: M): Promise<void>;
  request(to: PeerId, msg: M, timeoutMs: number): Promise<M>;
  onMessage(handler: (m: Inbound<M>) => void): void;
  onReject(handler: (r: Rejection) => void): void;
  counters(): TransportCounters;
  close(): Promise<void>;
}

/** A datagram transport for SWIM packets (udp.ts): unreliable, unordered, authenticated. */
export interface PacketTransport<P> {
  readonly endpoint: Endpoint;
  /** Fire and forget (UDP); resolves once the OS took the datagram. */
  send(to: Endpoint, packet: P): Promise<void>;
  onPacket(handler: (from: Endpoint, packet: P) => void): void;
  onReject(handler: (r: Rejection) => void): void;
  counters(): TransportCounters;
  close(): Promise<void>;
}
