/**
 * `chainrep load`: a load generator against a local cluster (the state file `chainrep
 * cluster up` wrote). `--concurrency` sequential workers, each its own client process id
 * in the history, write and read `--keys` chunks for `--duration` seconds. Every operation
 * it completes is recorded as a JSON line of `chainrep lin check`'s history format
 * (spec/history.ts): a register = the first REGISTER_BYTES of a chunk as hex; each write
 * writes `--size` bytes at offset 0 whose first bytes are unique (worker, counter); a
 * failed write is recorded without a return (it may have happened); a failed read is left
 * out. Summary (ops, throughput, latency percentiles) on stdout, --json for scripts.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Command } from 'commander';
import * as t from 'io-ts';
import { floatArg, intArg } from '../../spec/cli';
import { ClusterSpec } from '../../spec/runtime';
import { hexOf } from '../../core/craq/history';
import { ChainrepClient, ClientError } from '../runtime/client';
import { connectClient } from '../runtime/process';
import { readState } from './cluster';
import { action, boolFlagDefault, decodeOptions, EXIT_OK, optional, printJson, progressEnabled, Register } from './common';

export const REGISTER_BYTES = 16;

export interface HistoryLine {
  client: number;
  op: 'write' | 'read';
  key: string;
  call: number;
  return?: number;
  value?: string | null;
  output?: string | null;
}

export interface LoadOptions {
  readonly durationMs: number;
  readonly sizeBytes: number;
  readonly readRatio: number;
  readonly keys: number;
  readonly concurrency: number;
  /** Client ids: base + worker (distinct per load run). */
  readonly clientBase: number;
  readonly seed?: number;
  readonly onOp?: (h: HistoryLine) => void;
  /** Stop early when this resolves. */
  readonly stop?: Promise<void>;
}

export interface LoadSummary {
  ops: number;
  writes: number;
  reads: number;
  writeFailures: number;
  readFailures: number;
  failuresByCode: Record<string, number>;
  seconds: number;
  opsPerSecond: number;
  latencyMs: { p50: number; p99: number; max: number };
}

/** The bytes of write `n` of `worker`: unique first 16 bytes, then a filler pattern. */
export function writeBytes(worker: number, n: number, size: number): Uint8Array {
  const b = new Uint8Array(Math.max(size, REGISTER_BYTES));
  const v = new DataView(b.buffer);
  v.setUint32(0, 0xc4a1_0000 | (worker & 0xffff));
  v.setUint32(4, worker >>> 16);
  v.setUint32(8, n);
  v.setUint32(12, (worker * 2654435761 + n) >>> 0);
  for (let i = REGISTER_BYTES; i < b.length; i++) b[i] = (i * 31 + n) & 0xff;
  return b;
}

function pct(xs: number[], p: number): number {
  if (xs.length === 0) return 0;
  const s = xs.slice().sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

/** Run the load with one shared client; each worker is a sequential history client. */
export async function runLoad(client: ChainrepClient, o: LoadOptions): Promise<LoadSummary> {
  const t0 = performance.now();
  const end = t0 + o.durationMs;
  let stopped = false;
  void o.stop?.then(() => (stopped = true));
  const lat: number[] = [];
  const s: LoadSummary = { ops: 0, writes: 0, reads: 0, writeFailures: 0, readFailures: 0, failuresByCode: {}, seconds: 0, opsPerSecond: 0, latencyMs: { p50: 0, p99: 0, max: 0 } };
  let rng = (o.seed ?? 1) >>> 0 || 1;
  const rand = () => {
    // xorshift32 for the op mix only (not protocol randomness)
    rng ^= rng << 13;
    rng >>>= 0;
    rng ^= rng >>> 17;
    rng ^= rng << 5;
    rng >>>= 0;
    return rng / 2 ** 32;
  };
  const worker = async (w: number) => {
    const id = o.clientBase + w;
    let n = 0;
    while (!stopped && performance.now() < end) {
      const key = `k${Math.floor(rand() * o.keys)}`;
      const call = performance.now() - t0;
      if (rand() < o.readRatio) {
        const r = await client.read(key, 0, o.sizeBytes).then((x) => x, (e: unknown) => e as Error);
        const ret = performance.now() - t0;
        if (r instanceof Error) {
          s.readFailures++;
          const code = r instanceof ClientError ? r.code : r.message;
          s.failuresByCode[code] = (s.failuresByCode[code] ?? 0) + 1;
          continue;
        }
        s.reads++;
        lat.push(ret - call);
        o.onOp?.({ client: id, op: 'read', key, call, return: ret, output: r.ver === 0 ? null : hexOf(r.data.subarray(0, REGISTER_BYTES)) });
      } else {
        const bytes = writeBytes(id, n++, o.sizeBytes);
        const r = await client.write(key, 0, bytes).then((x) => x, (e: unknown) => e as Error);
        const ret = performance.now() - t0;
        const value = hexOf(bytes.subarray(0, REGISTER_BYTES));
        if (r instanceof Error) {
          s.writeFailures++;
          const code = r instanceof ClientError ? r.code : r.message;
          s.failuresByCode[code] = (s.failuresByCode[code] ?? 0) + 1;
          o.onOp?.({ client: id, op: 'write', key, call, value });
          continue;
        }
        s.writes++;
        lat.push(ret - call);
        o.onOp?.({ client: id, op: 'write', key, call, return: ret, value });
      }
    }
  };
  await Promise.all(Array.from({ length: o.concurrency }, (_, w) => worker(w)));
  s.ops = s.reads + s.writes;
  s.seconds = (performance.now() - t0) / 1000;
  s.opsPerSecond = s.ops / Math.max(s.seconds, 1e-9);
  s.latencyMs = { p50: pct(lat, 50), p99: pct(lat, 99), max: lat.length ? Math.max(...lat) : 0 };
  return s;
}

export const register: Register = (program: Command) => {
  program
    .command('load')
    .description('generate load against a local cluster and record every completed operation (JSON lines for chainrep lin check)')
    .option('--dir <dir>', 'cluster directory (from chainrep cluster up)', './chainrep-cluster')
    .option('--duration <s>', 'seconds of load', '10')
    .option('--size <bytes>', 'bytes per write and read', '4096')
    .option('--read-ratio <x>', 'fraction of reads in [0, 1]', '0.5')
    .option('--keys <n>', 'distinct chunks', '8')
    .option('--concurrency <n>', 'sequential workers (history clients)', '4')
    .option('--history <file>', 'history output (JSON lines; default DIR/history-<time>.jsonl)')
    .option('--seed <n>', 'seed of the operation mix', '1')
    .option('--json', 'machine-readable summary')
    .addHelpText('after', '\nExample:\n  chainrep load --dir /tmp/c1 --duration 10 --size 4096 --read-ratio 0.7 --json\n  chainrep lin check /tmp/c1/history-*.jsonl')
    .action(
      action(async (raw: Record<string, unknown>) => {
        const o = decodeOptions(
          {
            dir: t.string,
            duration: floatArg(0.1, 86_400),
            size: intArg(1, 64 * 1024 * 1024),
            readRatio: floatArg(0, 1),
            keys: intArg(1, 1_000_000),
            concurrency: intArg(1, 1024),
            history: optional(t.string),
            seed: intArg(0, 2 ** 31 - 1),
            json: boolFlagDefault,
          },
          raw,
        );
        const state = readState(o.dir);
        const spec: ClusterSpec = state.spec;
        const file = o.history ?? path.join(spec.dir, `history-${Date.now()}.jsonl`);
        const out = fs.openSync(file, 'w');
        // history client ids only need to be distinct in this file; the protocol client id must
        // be new to the cluster (targets de-duplicate per (client, chain, channel) by sequence number)
        const clientBase = 1;
        const client = await connectClient(spec, crypto.randomInt(1, 2 ** 31 - 1));
        const progress = progressEnabled(o.json) ? setInterval(() => process.stderr.write('.'), 1000) : undefined;
        let lines = 0;
        try {
          const summary = await runLoad(client, {
            durationMs: o.duration * 1000,
            sizeBytes: Math.min(o.size, spec.chunkSizeBytes),
            readRatio: o.readRatio,
            keys: o.keys,
            concurrency: o.concurrency,
            clientBase,
            seed: o.seed,
            onOp: (h) => {
              fs.writeSync(out, JSON.stringify(h) + '\n');
              lines++;
            },
          });
          if (progress) process.stderr.write('\n');
          if (o.json) printJson({ ...summary, history: file, historyLines: lines });
          else
            process.stdout.write(
              `${summary.ops} ops in ${summary.seconds.toFixed(1)} s (${summary.opsPerSecond.toFixed(0)} ops/s): ${summary.writes} writes, ${summary.reads} reads, ` +
                `${summary.writeFailures + summary.readFailures} failed ${JSON.stringify(summary.failuresByCode)}; latency p50 ${summary.latencyMs.p50.toFixed(1)} ms, p99 ${summary.latencyMs.p99.toFixed(1)} ms\n` +
                `history: ${file} (${lines} lines; check with: chainrep lin check ${file})\n`,
            );
        } finally {
          if (progress) clearInterval(progress);
          fs.closeSync(out);
          await client.close();
        }
        return EXIT_OK;
      }),
    );
};
