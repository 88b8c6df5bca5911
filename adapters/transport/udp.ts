/**
 * SWIM packets over node:dgram with authenticated encryption (ANCHORS.md "SWIM and
 * Lifeguard": AES-GCM, a keyring whose first key encrypts and all keys try to decrypt;
 * rotation = add key, use key, remove old key).
 *
 *   datagram := version:u8(=1)  nonce:byte[12]  ciphertext  tag:byte[16]
 *   AES-256-GCM, key from the keyring, additional authenticated data = version byte ||
 *   UTF-8 cluster name, plaintext = spec/swim.ts encodePacket(packet)
 *
 * A packet no key authenticates (wrong key, wrong cluster name, tampered, truncated,
 * unknown version) is dropped and counted as 'unauthenticated' and never reaches the
 * packet codec. An authenticated packet that fails decodePacket is counted as 'badPacket'
 * (a peer with the key sent garbage: a bug, not an attack). The socket keeps serving.
 *
 * Size: the plaintext is bounded by the SWIM budget (udpBufferBytes, 1,400 by default,
 * enforced by encodePacket/decodePacket); the datagram on the wire is 29 bytes larger
 * (1,429 at the default, under a 1,472-byte Ethernet MTU payload). Push-pull (whole
 * member tables) is meant for a stream; sent here it must fit one datagram (65,507 bytes).
 */
import * as dgram from 'node:dgram';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { isLeft } from 'fp-ts/Either';
import { DEFAULT_SWIM_CONFIG, Packet, decodePacket, encodePacket } from '../../spec/swim';
import { Endpoint, PacketTransport, RejectReason, Rejection, TransportCounters, TransportError, countRejection, emptyCounters } from './types';

export const UDP_VERSION = 1;
export const NONCE_BYTES = 12;
export const TAG_BYTES = 16;
export const KEY_BYTES = 32;
export const ENCRYPT_OVERHEAD_BYTES = 1 + NONCE_BYTES + TAG_BYTES;
const UDP_MAX_DATAGRAM = 65_507;

/** AES-256 keys; the first (primary) encrypts, every key is tried to decrypt. */
export class Keyring {
  private keys: Buffer[];

  constructor(keys: readonly Uint8Array[]) {
    if (keys.length === 0) throw new RangeError('a keyring needs at least one key');
    this.keys = [];
    for (const k of keys) this.add(k);
  }

  private static check(k: Uint8Array): Buffer {
    if (k.length !== KEY_BYTES) throw new RangeError(`an AES-256 key is ${KEY_BYTES} bytes, got ${k.length}`);
    return Buffer.from(k);
  }

  private indexOf(k: Uint8Array): number {
    const b = Keyring.check(k);
    return this.keys.findIndex((x) => x.equals(b));
  }

  /** Install a key for decryption (rotation step 1). Adding a present key does nothing. */
  add(k: Uint8Array): void {
    if (this.keys.length > 0 && this.indexOf(k) >= 0) return;
    this.keys.push(Keyring.check(k));
  }

  /** Make an installed key the primary (encrypting) key (rotation step 2). */
  use(k: Uint8Array): void {
    const i = this.indexOf(k);
    if (i < 0) throw new RangeError('use: the key is not in the keyring (add it first)');
    const [key] = this.keys.splice(i, 1);
    this.keys.unshift(key);
  }

  /** Remove a key (rotation step 3). The primary key cannot be removed. */
  remove(k: Uint8Array): void {
    const i = this.indexOf(k);
    if (i < 0) throw new RangeError('remove: the key is not in the keyring');
    if (i === 0) throw new RangeError('remove: the primary key cannot be removed (use another key first)');
    this.keys.splice(i, 1);
  }

  get primary(): Buffer {
    return this.keys[0];
  }

  get all(): readonly Buffer[] {
    return this.keys;
  }
}

function aad(cluster: string): Buffer {
  return Buffer.concat([Buffer.from([UDP_VERSION]), Buffer.from(cluster, 'utf8')]);
}

/** Seal a plaintext with the primary key. */
export function sealDatagram(keyring: Keyring, cluster: string, plaintext: Uint8Array): Buffer {
  const nonce = randomBytes(NONCE_BYTES);
  const c = createCipheriv('aes-256-gcm', keyring.primary, nonce);
  c.setAAD(aad(cluster));
  const body = Buffer.concat([c.update(plaintext), c.final()]);
  return Buffer.concat([Buffer.from([UDP_VERSION]), nonce, body, c.getAuthTag()]);
}

/** Open a sealed datagram with any key of the ring; undefined when no key authenticates it. */
export function openDatagram(keyring: Keyring, cluster: string, datagram: Uint8Array): Buffer | undefined {
  if (datagram.length < ENCRYPT_OVERHEAD_BYTES || datagram[0] !== UDP_VERSION) return undefined;
  const d = Buffer.from(datagram.buffer, datagram.byteOffset, datagram.byteLength);
  const nonce = d.subarray(1, 1 + NONCE_BYTES);
  const body = d.subarray(1 + NONCE_BYTES, d.length - TAG_BYTES);
  const tag = d.subarray(d.length - TAG_BYTES);
  const a = aad(cluster);
  for (const key of keyring.all) {
    try {
      const dc = createDecipheriv('aes-256-gcm', key, nonce);
      dc.setAAD(a);
      dc.setAuthTag(tag);
      return Buffer.concat([dc.update(body), dc.final()]);
    } catch {
      // authentication failed with this key: try the next
    }
  }
  return undefined;
}

export interface UdpTransportOptions {
  readonly cluster: string;
  readonly keyring: Keyring;
  readonly host?: string;
  readonly port?: number;
  /** The SWIM datagram budget for the plaintext (SwimConfig.udpBufferBytes). */
  readonly udpBufferBytes?: number;
}

export class UdpTransport implements PacketTransport<Packet> {
  private readonly ctr: TransportCounters = emptyCounters();
  private handler: ((from: Endpoint, p: Packet) => void) | undefined;
  private rejectHandler: ((r: Rejection) => void) | undefined;
  private closed = false;

  private constructor(
    private readonly socket: dgram.Socket,
    readonly endpoint: Endpoint,
    private readonly o: UdpTransportOptions,
  ) {
    socket.on('message', (msg, rinfo) => this.onDatagram(msg, { host: rinfo.address, port: rinfo.port }));
    socket.on('error', () => {
      /* send errors surface as rejected sends */
    });
  }

  static async create(o: UdpTransportOptions): Promise<UdpTransport> {
    const socket = dgram.createSocket('udp4');
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(o.port ?? 0, o.host ?? '127.0.0.1', () => {
        socket.off('error', reject);
        resolve();
      });
    });
    const a = socket.address();
    return new UdpTransport(socket, { host: a.address, port: a.port }, o);
  }

  get keyring(): Keyring {
    return this.o.keyring;
  }

  private get budget(): number {
    return this.o.udpBufferBytes ?? DEFAULT_SWIM_CONFIG.udpBufferBytes;
  }

  onPacket(handler: (from: Endpoint, p: Packet) => void): void {
    this.handler = handler;
  }

  onReject(handler: (r: Rejection) => void): void {
    this.rejectHandler = handler;
  }

  counters(): TransportCounters {
    return { ...this.ctr, rejectedBy: { ...this.ctr.rejectedBy } };
  }

  send(to: Endpoint, packet: Packet): Promise<void> {
    if (this.closed) return Promise.reject(new TransportError('closed', 'transport is closed'));
    const plain = encodePacket(packet, this.budget);
    const d = sealDatagram(this.o.keyring, this.o.cluster, plain);
    if (d.length > UDP_MAX_DATAGRAM) return Promise.reject(new TransportError('tooLarge', `datagram of ${d.length} bytes exceeds ${UDP_MAX_DATAGRAM}`));
    return new Promise((resolve, reject) => {
      this.socket.send(d, to.port, to.host, (err) => {
        if (err) return reject(new TransportError('closed', `send to ${to.host}:${to.port}: ${err.message}`));
        this.ctr.framesOut++;
        this.ctr.bytesOut += d.length;
        resolve();
      });
    });
  }

  /** Send raw bytes, unsealed (tests: an attacker's or a misconfigured peer's packet). */
  sendRaw(to: Endpoint, bytes: Uint8Array): Promise<void> {
    return new Promise((resolve, reject) => this.socket.send(bytes, to.port, to.host, (err) => (err ? reject(err) : resolve())));
  }

  private reject(reason: RejectReason, field: string, message: string, from: Endpoint): void {
    countRejection(this.ctr, reason);
    this.rejectHandler?.({ reason, field, message, remote: `${from.host}:${from.port}`, closed: false });
  }

  private onDatagram(d: Buffer, from: Endpoint): void {
    this.ctr.bytesIn += d.length;
    const plain = openDatagram(this.o.keyring, this.o.cluster, d);
    if (plain === undefined) return this.reject('unauthenticated', '(packet)', `${d.length}-byte datagram: no key in the keyring authenticates it for cluster '${this.o.cluster}'`, from);
    const p = decodePacket(plain, this.budget);
    if (isLeft(p)) return this.reject('badPacket', p.left.field, p.left.message, from);
    this.ctr.framesIn++;
    this.handler?.(from, p.right);
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    return new Promise((r) => this.socket.close(() => r()));
  }
}
