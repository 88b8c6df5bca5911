/**
 * SwimNode: the SWIM/Lifeguard member (core/swim/member.ts) on a real UDP socket
 * (adapters/transport/udp.ts: AES-256-GCM, cluster name as AAD) and real timers. Member
 * ids map to endpoints through a static list (the cluster spec); a datagram from an
 * unknown endpoint is dropped and counted. Member events go to `onEvent`.
 */
import { Endpoint } from '../transport/types';
import { Keyring, UdpTransport } from '../transport/udp';
import { MemberEvent, MemberId, SwimEffect, SwimInput, SwimState, createMember, statusOf, step } from '../../core/swim/member';
import { tableFromEntries } from '../../core/swim/table';
import { DEFAULT_SWIM_CONFIG, SwimConfig, decodeSwimConfig } from '../../spec/swim';
import { isLeft } from 'fp-ts/Either';
import { TickTimers, nowMs } from './clock';

export interface SwimNodeOptions {
  readonly self: MemberId;
  /** Every member's UDP endpoint (self included). */
  readonly members: ReadonlyMap<MemberId, Endpoint>;
  readonly cluster: string;
  readonly key: Uint8Array;
  readonly config: SwimConfig;
  /** Own incarnation at start: larger than any earlier run's (a restart refutes its own death). */
  readonly incarnation: number;
  readonly seed: number;
  readonly onEvent?: (e: MemberEvent) => void;
}

/** SWIM timings scaled from one probe interval (memberlist's ratios, short suspicion for a local cluster). */
export function localSwimConfig(probeIntervalMs: number): SwimConfig {
  const c = decodeSwimConfig({
    ...DEFAULT_SWIM_CONFIG,
    probeIntervalMs,
    probeTimeoutMs: Math.max(1, Math.floor(probeIntervalMs / 2)),
    gossipIntervalMs: Math.max(1, Math.floor(probeIntervalMs / 5)),
    suspicionMult: 3,
    suspicionMaxTimeoutMult: 2,
    pushPullIntervalMs: probeIntervalMs * 25,
    gossipToTheDeadMs: probeIntervalMs * 25,
  });
  if (isLeft(c)) throw new Error(`local SWIM config: ${c.left.message}`);
  return c.right;
}

export class SwimNode {
  private state: SwimState;
  private readonly timers: TickTimers;
  private readonly byEndpoint = new Map<string, MemberId>();
  unknownSenders = 0;
  events = 0;

  private constructor(readonly opts: SwimNodeOptions, readonly udp: UdpTransport) {
    const entries = [...opts.members.keys()].map((member) => ({ member, status: 'alive' as const, incarnation: 0 }));
    this.state = createMember(opts.self, opts.seed, tableFromEntries(entries), opts.incarnation);
    for (const [id, ep] of opts.members) this.byEndpoint.set(`${ep.host}:${ep.port}`, id);
    this.timers = new TickTimers((now) => this.input({ kind: 'tick', nowMs: now }));
    udp.onPacket((from, packet) => {
      const id = this.byEndpoint.get(`${from.host}:${from.port}`);
      if (id === undefined) {
        this.unknownSenders++;
        return;
      }
      this.input({ kind: 'received', from: id, packet, nowMs: nowMs() });
    });
  }

  static async start(opts: SwimNodeOptions): Promise<SwimNode> {
    const me = opts.members.get(opts.self);
    if (!me) throw new Error(`SWIM member ${opts.self} has no endpoint`);
    const udp = await UdpTransport.create({ cluster: opts.cluster, keyring: new Keyring([opts.key]), host: me.host, port: me.port, udpBufferBytes: opts.config.udpBufferBytes });
    const node = new SwimNode(opts, udp);
    const seeds = [...opts.members.keys()].filter((m) => m !== opts.self);
    node.input({ kind: 'join', seeds, nowMs: nowMs() });
    return node;
  }

  statusOf(member: MemberId): string {
    return statusOf(this.state, member);
  }

  /** member id -> status, for status reports. */
  view(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const id of this.opts.members.keys()) out[String(id)] = statusOf(this.state, id);
    return out;
  }

  private input(i: SwimInput): void {
    const [next, effects] = step(this.opts.config, this.state, i);
    this.state = next;
    this.run(effects);
  }

  private run(effects: readonly SwimEffect[]): void {
    for (const e of effects) {
      switch (e.kind) {
        case 'send': {
          const ep = this.opts.members.get(e.to);
          if (ep) this.udp.send(ep, e.packet).catch(() => undefined); // UDP: loss is SWIM's business
          break;
        }
        case 'scheduleTick':
          if (Number.isFinite(e.atMs)) this.timers.schedule(e.atMs);
          break;
        case 'memberEvent':
          this.events++;
          this.opts.onEvent?.(e);
          break;
        case 'stopped':
          this.timers.close();
          break;
      }
    }
  }

  async close(): Promise<void> {
    this.timers.close();
    await this.udp.close();
  }
}
