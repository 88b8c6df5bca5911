/**
 * CRAQ core throughput (no I/O): committed writes/s and reads/s through a 3-replica chain
 * of pure target machines, messages delivered FIFO by a minimal driver, next to an
 * unreplicated in-memory store (a Map of chunk buffers) measured in the same run.
 * Goal (issue 2): >= 200,000 committed 64-byte writes/s on one core.
 */
import { chainId, chunkId, ChunkId, clientId, targetId } from '../spec/ids';
import { RoutingTable } from '../spec/routing';
import { CraqMessage, TargetMessage } from '../spec/craq';
import { DEFAULT_TARGET_CONFIG, TargetConfig, TargetState, initialTargetState, step } from '../core/craq/target';
import { applyWrite, readRange } from '../core/craq/checksum';
import { BenchModule, BenchRow, rate } from './common';

const CHAIN = chainId(1);
const REPLICAS = 3;
const CHUNKS = 16;

function table(): RoutingTable {
  return { version: 1, chains: [{ id: CHAIN, version: 1, targets: Array.from({ length: REPLICAS }, (_, i) => ({ target: targetId(i + 1), node: (i + 1) as never, state: 'serving' as const })) }] };
}

export class Chain {
  readonly cfgs: TargetConfig[];
  states: TargetState[];
  private seq = 0;
  private readonly chunks: ChunkId[] = Array.from({ length: CHUNKS }, (_, i) => chunkId(`c${i}`));
  constructor(payload: number) {
    this.cfgs = Array.from({ length: REPLICAS }, (_, i) => ({ ...DEFAULT_TARGET_CONFIG, chunkSizeBytes: Math.max(64, payload), self: targetId(i + 1) }));
    this.states = this.cfgs.map((c) => step(c, initialTargetState(), { kind: 'routing', table: table(), nowMs: 0 })[0]);
  }
  /** One write per chunk, delivered to completion; returns committed writes. */
  writeRound(data: Uint8Array): number {
    const q: { to: number; msg: CraqMessage }[] = [];
    for (const chunk of this.chunks) {
      this.seq++;
      q.push({ to: 1, msg: { kind: 'write', client: clientId(0), channel: 0, seq: this.seq, chain: CHAIN, chainVer: 1, chunk, offset: 0, data } });
    }
    let committed = 0;
    for (let i = 0; i < q.length; i++) {
      const { to, msg } = q[i];
      if (to === 0) {
        if (msg.kind === 'writeReply' && msg.ok) committed++;
        continue;
      }
      const [next, effects] = step(this.cfgs[to - 1], this.states[to - 1], { kind: 'received', msg: msg as TargetMessage, nowMs: 0 });
      this.states[to - 1] = next;
      for (const e of effects) {
        if (e.kind === 'send') q.push({ to: e.to.kind === 'client' ? 0 : e.to.id, msg: e.msg });
        else if (e.kind === 'persist') for (const x of e.thenSend) q.push({ to: x.to.kind === 'client' ? 0 : x.to.id, msg: x.msg });
      }
    }
    return committed;
  }
  readRound(length: number): number {
    let ok = 0;
    for (let i = 0; i < CHUNKS; i++) {
      const t = i % REPLICAS;
      const [next, effects] = step(this.cfgs[t], this.states[t], {
        kind: 'received',
        msg: { kind: 'read', client: clientId(0), reqId: i, chain: CHAIN, chainVer: 1, chunk: this.chunks[i], offset: 0, length, relaxed: false },
        nowMs: 0,
      });
      this.states[t] = next;
      const e = effects[0];
      if (e.kind === 'send' && e.msg.kind === 'readReply' && e.msg.ok) ok++;
    }
    return ok;
  }
}

function baseline(payload: number): { writes: number; reads: number } {
  const store = new Map<string, Uint8Array>();
  const data = new Uint8Array(payload).fill(7);
  const keys = Array.from({ length: CHUNKS }, (_, i) => `c${i}`);
  const writes = rate(() => {
    for (const k of keys) store.set(k, applyWrite(store.get(k) ?? new Uint8Array(0), 0, data));
    return keys.length;
  }).opsPerSec;
  const reads = rate(() => {
    let n = 0;
    for (const k of keys) n += readRange(store.get(k)!, 0, payload).length > 0 ? 1 : 0;
    return n;
  }).opsPerSec;
  return { writes, reads };
}

export const bench: BenchModule = {
  title: 'CRAQ core, 3-replica in-memory chain vs unreplicated in-memory store (one core)',
  run(): BenchRow[] {
    const rows: BenchRow[] = [];
    for (const payload of [64, 4096]) {
      const base = baseline(payload);
      const chain = new Chain(payload);
      const data = new Uint8Array(payload).fill(9);
      chain.writeRound(data); // warm
      const w = rate(() => chain.writeRound(data), 1500);
      const r = rate(() => chain.readRound(payload), 1000);
      rows.push({ name: `committed writes/s, ${payload} B`, value: w.opsPerSec, unit: 'ops/s', baseline: { name: 'unreplicated writes/s', value: base.writes } });
      rows.push({ name: `reads/s (clean, any replica), ${payload} B`, value: r.opsPerSec, unit: 'ops/s', baseline: { name: 'unreplicated reads/s', value: base.reads } });
    }
    return rows;
  },
};
