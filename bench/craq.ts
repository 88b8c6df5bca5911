/**
 * CRAQ core throughput (no I/O): committed writes/s and reads/s through a 3-replica chain
 * of pure target machines, messages delivered FIFO by a minimal driver, next to an
 * unreplicated in-memory store (a Map of chunk buffers) measured in the same run.
 * Goal (issue 2): >= 200,000 committed 64-byte writes/s on one core.
 *
 * A write counts as committed when its client receives the head's success reply. The head
 * replies only after its own commit, which follows its successor's ack, which follows the
 * successor's commit, and so on from the tail's commit: every replica has committed it.
 * Each round runs until no message is left, so every ack has propagated; after the timed
 * runs `verify` checks that all replicas hold the same committed bytes at the same version
 * for every chunk, with nothing pending and no lock held, and that the versions add up to
 * the writes counted. Rates are per wall-clock second; the note gives the rate per CPU
 * second of this process too (the bench machine is shared).
 */
import { chainId, chunkId, ChunkId, clientId, targetId } from '../spec/ids';
import { RoutingTable } from '../spec/routing';
import { Address, CraqMessage, TargetMessage } from '../spec/craq';
import { DEFAULT_TARGET_CONFIG, TargetConfig, TargetState, initialTargetState, step } from '../core/craq/target';
import { applyWrite, packSum, readRange } from '../core/craq/checksum';
import { BenchModule, BenchRow, fmt, rate } from './common';

const CHAIN = chainId(1);
const REPLICAS = 3;
const CHUNKS = 16;
/** Untimed warm-up before each timed run (chain and baseline alike). */
const WARM_MS = 300;

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
  /** The network: messages in flight, FIFO, as parallel arrays (destination 0 = the client). */
  private readonly qTo: number[] = [];
  private readonly qMsg: CraqMessage[] = [];
  /** Committed writes counted so far (client acks). */
  committed = 0;

  private post(to: Address, msg: CraqMessage): void {
    this.qTo.push(to.kind === 'client' ? 0 : to.id);
    this.qMsg.push(msg);
  }

  /** One write per chunk, delivered to completion; returns committed writes. */
  writeRound(data: Uint8Array): number {
    const qTo = this.qTo;
    const qMsg = this.qMsg;
    qTo.length = 0;
    qMsg.length = 0;
    for (const chunk of this.chunks) {
      this.seq++;
      qTo.push(1);
      qMsg.push({ kind: 'write', client: clientId(0), channel: 0, seq: this.seq, chain: CHAIN, chainVer: 1, chunk, offset: 0, data });
    }
    let committed = 0;
    for (let i = 0; i < qTo.length; i++) {
      const to = qTo[i];
      const msg = qMsg[i];
      if (to === 0) {
        if (msg.kind === 'writeReply' && msg.ok) committed++;
        else throw new Error(`write failed: ${JSON.stringify(msg)}`);
        continue;
      }
      const res = step(this.cfgs[to - 1], this.states[to - 1], { kind: 'received', msg: msg as TargetMessage, nowMs: 0 });
      this.states[to - 1] = res[0];
      const effects = res[1];
      for (let j = 0; j < effects.length; j++) {
        const e = effects[j];
        if (e.kind === 'send') this.post(e.to, e.msg);
        else if (e.kind === 'persist') for (let k = 0; k < e.thenSend.length; k++) this.post(e.thenSend[k].to, e.thenSend[k].msg);
      }
    }
    this.committed += committed;
    return committed;
  }

  /**
   * Every replica holds every chunk committed at the same version with the same bytes and
   * checksum (the bytes last written: `expected`), nothing pending, no lock held; the
   * versions add up to the committed writes.
   */
  verify(expected: Uint8Array): void {
    let versions = 0;
    for (const chunk of this.chunks) {
      const rs = this.states.map((s) => s.durable.chunks.get(chunk));
      const r0 = rs[0];
      if (!r0 || !sameBytes(r0.data, expected)) throw new Error(`${chunk}: not the bytes last written`);
      for (const [i, r] of rs.entries()) {
        if (!r || r.pending || r.commitVer !== r0.commitVer || packSum(r.sum) !== packSum(r0.sum) || !sameBytes(r.data, r0.data))
          throw new Error(`${chunk}: replica ${i + 1} differs from the head (${r?.commitVer} vs ${r0.commitVer}, pending ${r?.pending?.ver})`);
      }
      versions += r0.commitVer;
    }
    for (const [i, s] of this.states.entries()) {
      if (s.durable.dirty.length > 0 || s.volatile.locks.size > 0) throw new Error(`replica ${i + 1}: ${s.durable.dirty.length} dirty chunks, ${s.volatile.locks.size} locks held`);
    }
    if (versions !== this.committed) throw new Error(`committed versions ${versions}, acknowledged writes ${this.committed}`);
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

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** `rate` plus the same ops per CPU second of this process (user + system). */
function rateCpu(fn: () => number, minMs: number): { opsPerSec: number; opsPerCpuSec: number } {
  const u0 = process.cpuUsage();
  const r = rate(fn, minMs);
  const u = process.cpuUsage(u0);
  return { opsPerSec: r.opsPerSec, opsPerCpuSec: r.ops / ((u.user + u.system) / 1e6) };
}

function baseline(payload: number): { writes: number; reads: number } {
  const store = new Map<string, Uint8Array>();
  const data = new Uint8Array(payload).fill(7);
  const keys = Array.from({ length: CHUNKS }, (_, i) => `c${i}`);
  const write = () => {
    for (const k of keys) store.set(k, applyWrite(store.get(k) ?? new Uint8Array(0), 0, data));
    return keys.length;
  };
  const read = () => {
    let n = 0;
    for (const k of keys) n += readRange(store.get(k)!, 0, payload).length > 0 ? 1 : 0;
    return n;
  };
  rate(write, WARM_MS);
  const writes = rate(write).opsPerSec;
  rate(read, WARM_MS);
  const reads = rate(read).opsPerSec;
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
      rate(() => chain.writeRound(data), WARM_MS); // the JIT settles before timing
      const w = rateCpu(() => chain.writeRound(data), 1500);
      chain.verify(data);
      rate(() => chain.readRound(payload), WARM_MS);
      const r = rateCpu(() => chain.readRound(payload), 1000);
      const note = (x: { opsPerCpuSec: number }) => `[${fmt(x.opsPerCpuSec)} per CPU-s]`;
      rows.push({ name: `committed writes/s, ${payload} B`, value: w.opsPerSec, unit: 'ops/s', baseline: { name: 'unreplicated writes/s', value: base.writes }, note: note(w) });
      rows.push({ name: `reads/s (clean, any replica), ${payload} B`, value: r.opsPerSec, unit: 'ops/s', baseline: { name: 'unreplicated reads/s', value: base.reads }, note: note(r) });
    }
    return rows;
  },
};
