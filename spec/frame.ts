/**
 * The TCP frame (adapters/transport/tcp.ts): a length prefix, a small JSON envelope
 * decoded with io-ts, and raw payload bytes (1 MiB payloads are never base64'd).
 *
 *   frame    := frameLen:u32be  headerLen:u32be  header:byte[headerLen]  payload:byte[*]
 *   frameLen  = 4 + headerLen + payload length      (the bytes after the prefix)
 *   header    = UTF-8 JSON of a FrameEnvelope
 *
 * Envelope kinds: `hello` (first frame on a connection: names the sender), `msg`
 * (one-way), `req` (expects a `rep` with the same id on the same connection), `rep`.
 * `m` is the message header, decoded by the transport's WireCodec (for CRAQ: spec/craq.ts
 * with the payload put back as the message's `data`).
 *
 * Which bad frames close the connection: a length prefix above the receiver's
 * maxFrameBytes ('oversized') or below 4 ('badLength'): the stream can no longer be
 * trusted or the frame would have to be buffered. Every other bad frame (header length
 * beyond the frame, bad JSON, a bad envelope, a message failing its codec, a message
 * before hello) is dropped and counted; the frame boundary is known, so the connection
 * keeps serving.
 */
import * as t from 'io-ts';
import { Either, left } from 'fp-ts/Either';
import { DecodeError, Nat, decodeWith } from './decode';

export const FRAME_PREFIX_BYTES = 4;
export const FRAME_HEADER_LEN_BYTES = 4;
/** Default receiver limit: a 64 MiB chunk (TargetConfigCodec's maximum) plus 1 MiB of header. */
export const DEFAULT_MAX_FRAME_BYTES = 65 * 1024 * 1024;

const PEER_RE = /^[A-Za-z0-9_.:-]{1,128}$/;
export const PeerName = new t.Type<string, string, unknown>(
  'PeerName',
  (u): u is string => typeof u === 'string' && PEER_RE.test(u),
  (u, c) => (typeof u === 'string' && PEER_RE.test(u) ? t.success(u) : t.failure(u, c, `expected a peer name matching ${PEER_RE}, got ${JSON.stringify(u)?.slice(0, 40)}`)),
  (a) => a,
);

export const FRAME_VERSION = 1;

export const Hello = t.type({ t: t.literal('hello'), v: t.literal(FRAME_VERSION), from: PeerName }, 'Hello');
export const OneWay = t.type({ t: t.literal('msg'), m: t.unknown }, 'OneWay');
export const Request = t.type({ t: t.literal('req'), id: Nat, m: t.unknown }, 'Request');
export const Reply = t.type({ t: t.literal('rep'), id: Nat, m: t.unknown }, 'Reply');
export const FrameEnvelope = t.union([Hello, OneWay, Request, Reply], 'FrameEnvelope');
export type FrameEnvelope = t.TypeOf<typeof FrameEnvelope>;

const fatalUtf8 = new TextDecoder('utf-8', { fatal: true });

/** Decode a frame's header bytes into an envelope; Left names the field ('(header)' for bad JSON). */
export function decodeEnvelope(header: Uint8Array): Either<DecodeError, FrameEnvelope> {
  let raw: unknown;
  try {
    raw = JSON.parse(fatalUtf8.decode(header));
  } catch (e) {
    return left({ kind: 'DecodeError', field: '(header)', message: `header is not UTF-8 JSON: ${(e as Error).message}` });
  }
  // the envelope is tagged by `t`, not `kind`: pick the member so errors name its fields
  const tag = raw !== null && typeof raw === 'object' ? (raw as { t?: unknown }).t : undefined;
  const codec = tag === 'hello' ? Hello : tag === 'msg' ? OneWay : tag === 'req' ? Request : tag === 'rep' ? Reply : undefined;
  if (codec === undefined) return left({ kind: 'DecodeError', field: 't', message: `field 't': expected one of hello, msg, req, rep, got ${JSON.stringify(tag)?.slice(0, 40) ?? 'missing'}` });
  return decodeWith(codec as t.Type<FrameEnvelope, unknown, unknown>, raw);
}

/** The prefix + header-length bytes and header bytes of a frame (the payload is written separately, uncopied). */
export function encodeFrameHead(env: FrameEnvelope, payloadBytes: number): Buffer {
  const header = Buffer.from(JSON.stringify(env), 'utf8');
  const head = Buffer.allocUnsafe(FRAME_PREFIX_BYTES + FRAME_HEADER_LEN_BYTES + header.length);
  head.writeUInt32BE(FRAME_HEADER_LEN_BYTES + header.length + payloadBytes, 0);
  head.writeUInt32BE(header.length, 4);
  header.copy(head, 8);
  return head;
}
