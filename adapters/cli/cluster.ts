/**
 * `chainrep cluster up|status|down`: a local cluster of real processes on 127.0.0.1
 * (issue 8 item 6). `up` writes the cluster spec (spec/runtime.ts) and a state file with
 * the pids into --dir, starts every storage node and manager as a child process
 * (adapters/runtime/entry.ts), and waits until a manager
 * leads and publishes a routing table. With no --etcd URL, an etcd binary on PATH is
 * started for the cluster (two managers, leader election); without one, a single manager
 * keeps its state in memory.
 *
 * Layout: N chains of K replicas on a ring (chain c = nodes c, c+1, ..., c+K-1 mod N), so
 * every node heads one chain and holds K targets; target id = chain * 1000 + node.
 */
import { ChildProcess, spawn } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as dgram from 'node:dgram';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Command } from 'commander';
import { isLeft } from 'fp-ts/Either';
import { intArg, enumArg } from '../../spec/cli';
import * as t from 'io-ts';
import { ClusterSpec, ClusterState, DEFAULT_TIMINGS, StatusReply } from '../../spec/runtime';
import { decodeJson } from '../../spec/decode';
import { ChainLayout } from '../../spec/chain';
import { chainId, nodeId, targetId } from '../../spec/ids';
import { freePort, findEtcd, startEtcd } from '../config/etcd-server';
import { TcpTransport } from '../transport/tcp';
import { NodeMessage, nodeWireCodec } from '../runtime/codec';
import { resolverOf } from '../runtime/process';
import { action, boolFlagDefault, CliError, decodeOptions, EXIT_BAD_INPUT, EXIT_FINDING, EXIT_OK, optional, printJson, Register } from './common';

export const SPEC_FILE = 'cluster.json';
/**
 * How to start a cluster process: the compiled entry (dist/adapters/runtime/entry.js), or,
 * when running from the TypeScript sources (ts-jest, development), entry.ts through the
 * transpile-only require hook scripts/ts-hook.js.
 */
export function defaultEntry(): { entryJs: string; nodeArgs: string[] } {
  const js = path.join(__dirname, '..', 'runtime', 'entry.js');
  if (fs.existsSync(js)) return { entryJs: js, nodeArgs: [] };
  const root = path.resolve(__dirname, '..', '..');
  return { entryJs: path.join(root, 'adapters', 'runtime', 'entry.ts'), nodeArgs: ['-r', path.join(root, 'scripts', 'ts-hook.js')] };
}
export const STATE_FILE = 'state.json';

export function ringLayout(nodes: number, replicas: number): ChainLayout {
  return Array.from({ length: nodes }, (_, c) => ({
    id: chainId(c + 1),
    targets: Array.from({ length: replicas }, (_, k) => {
      const n = ((c + k) % nodes) + 1;
      return { target: targetId((c + 1) * 1000 + n), node: nodeId(n) };
    }),
  }));
}

/** A UDP port on 127.0.0.1 nobody holds right now (bound, read, released). */
export function freeUdpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = dgram.createSocket('udp4');
    s.once('error', reject);
    s.bind(0, '127.0.0.1', () => {
      const p = s.address().port;
      s.close(() => resolve(p));
    });
  });
}

export interface UpOptions {
  readonly nodes: number;
  readonly replicas: number;
  readonly dir: string;
  /** etcd URL; 'none' = in-memory single manager; undefined = start a local etcd if one is on PATH. */
  readonly etcd?: string;
  readonly managers?: number;
  readonly chunkSizeBytes?: number;
  readonly fsync?: 'always' | 'never';
  readonly timings?: Partial<ClusterSpec['timings']>;
  /** The process entry script (default: defaultEntry()). */
  readonly entryJs?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Extra node arguments before the entry (tests: a TypeScript require hook). */
  readonly nodeArgs?: readonly string[];
  readonly readyTimeoutMs?: number;
}

export function readState(dir: string): ClusterState {
  const file = path.join(dir, STATE_FILE);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new CliError(EXIT_BAD_INPUT, `${file}: ${(e as Error).message}`);
  }
  const s = decodeJson(ClusterState, text);
  if (isLeft(s)) throw new CliError(EXIT_BAD_INPUT, `${file}: field '${s.left.field}': ${s.left.message}`);
  return s.right;
}

export function writeState(s: ClusterState): void {
  fs.writeFileSync(path.join(s.spec.dir, STATE_FILE), JSON.stringify(ClusterState.encode(s), null, 2) + '\n');
}

/** Start one cluster process (detached, logs in DIR/logs); returns its pid. */
export function spawnProcess(spec: ClusterSpec, role: 'node' | 'manager', id: number, entryJs?: string, env?: NodeJS.ProcessEnv, nodeArgs?: readonly string[]): number {
  const d = defaultEntry();
  const entry = entryJs ?? d.entryJs;
  const args = nodeArgs ?? (entryJs === undefined ? d.nodeArgs : []);
  const logs = path.join(spec.dir, 'logs');
  fs.mkdirSync(logs, { recursive: true });
  const out = fs.openSync(path.join(logs, `${role}-${id}.log`), 'a');
  const child: ChildProcess = spawn(process.execPath, [...args, entry, role, '--dir', spec.dir, '--id', String(id)], {
    detached: true,
    stdio: ['ignore', out, out],
    env: env ?? process.env,
  });
  fs.closeSync(out);
  child.unref();
  return child.pid!;
}

/** Ask every process for its status (unreachable ones are left out). */
export async function queryStatus(spec: ClusterSpec, timeoutMs = 1000): Promise<StatusReply[]> {
  const t = await TcpTransport.create<NodeMessage>({ self: `client:status-${process.pid}-${Date.now()}`, codec: nodeWireCodec, resolve: resolverOf(spec) });
  try {
    const peers = [...spec.managers.map((m) => `manager:${m.id}`), ...spec.nodes.map((n) => `node:${n.id}`)];
    const replies = await Promise.all(peers.map((p) => t.request(p, { ch: 'ctl', m: { kind: 'getStatus' } }, timeoutMs).catch(() => undefined)));
    return replies.flatMap((r) => (r && r.ch === 'ctl' && r.m.kind === 'status' ? [r.m] : []));
  } finally {
    await t.close();
  }
}

export async function clusterUp(o: UpOptions): Promise<ClusterState> {
  if (o.replicas > o.nodes) throw new CliError(EXIT_BAD_INPUT, `--replicas ${o.replicas} exceeds --nodes ${o.nodes}`);
  const dir = path.resolve(o.dir);
  fs.mkdirSync(dir, { recursive: true });
  if (fs.existsSync(path.join(dir, STATE_FILE))) throw new CliError(EXIT_BAD_INPUT, `--dir ${dir}: a cluster state file exists (run chainrep cluster down first)`);
  const managers = o.managers ?? (o.etcd === 'none' || (o.etcd === undefined && !findEtcd()) ? 1 : 2);
  if (managers > 1 && (o.etcd === 'none' || (o.etcd === undefined && !findEtcd())))
    throw new CliError(EXIT_BAD_INPUT, '--managers > 1 needs etcd (--etcd URL, or an etcd binary on PATH)');
  // everything started so far, stopped again if the cluster does not come up
  const started: number[] = [];
  try {
    let etcdUrl: string | null = null;
    let etcdPid: number | null = null;
    let etcdDataDir: string | null = null;
    if (o.etcd && o.etcd !== 'none') etcdUrl = o.etcd;
    else if (o.etcd === undefined && findEtcd()) {
      etcdDataDir = path.join(dir, 'etcd');
      const server = await startEtcd({ dataDir: etcdDataDir, logFile: path.join(dir, 'etcd.log'), detached: true });
      etcdUrl = server.url;
      etcdPid = server.pid;
      started.push(server.pid);
    }
    const proc = async (id: number) => ({ id, host: '127.0.0.1', tcp: await freePort(), udp: await freeUdpPort() });
    const spec: ClusterSpec = {
      format: 1,
      name: `chainrep-${crypto.randomBytes(4).toString('hex')}`,
      dir,
      etcd: etcdUrl,
      swimKey: crypto.randomBytes(32).toString('hex'),
      chunkSizeBytes: o.chunkSizeBytes ?? 1024 * 1024,
      dirtyRead: '3fs',
      fsync: o.fsync ?? 'always',
      timings: { ...DEFAULT_TIMINGS, ...o.timings },
      nodes: await Promise.all(Array.from({ length: o.nodes }, (_, i) => proc(i + 1))),
      managers: await Promise.all(Array.from({ length: managers }, (_, i) => proc(i + 1))),
      layout: ringLayout(o.nodes, o.replicas),
    };
    fs.writeFileSync(path.join(dir, SPEC_FILE), JSON.stringify(ClusterSpec.encode(spec), null, 2) + '\n');
    const spawned = (role: 'node' | 'manager', id: number) => {
      const pid = spawnProcess(spec, role, id, o.entryJs, o.env, o.nodeArgs);
      started.push(pid);
      return [String(id), pid] as const;
    };
    const state: ClusterState = {
      spec,
      pids: {
        managers: Object.fromEntries(spec.managers.map((m) => spawned('manager', m.id))),
        nodes: Object.fromEntries(spec.nodes.map((n) => spawned('node', n.id))),
        etcd: etcdPid,
      },
      etcdDataDir,
    };
    writeState(state);
    const deadline = Date.now() + (o.readyTimeoutMs ?? 30_000);
    for (;;) {
      const st = await queryStatus(spec);
      const leader = st.find((s) => s.role === 'manager' && s.leader && s.routing);
      const nodes = st.filter((s) => s.role === 'node' && s.routing);
      if (leader && nodes.length === spec.nodes.length) return state;
      if (Date.now() > deadline) throw new CliError(EXIT_FINDING, `cluster not ready after ${o.readyTimeoutMs ?? 30_000} ms (logs kept in ${path.join(dir, 'logs')}); every process it started was stopped`);
      await new Promise((r) => setTimeout(r, 200));
    }
  } catch (e) {
    await stopPids(started);
    fs.rmSync(path.join(dir, STATE_FILE), { force: true });
    throw e;
  }
}

/** SIGTERM these processes, SIGKILL the ones still alive after `graceMs`. */
async function stopPids(ps: readonly number[], graceMs = 5000): Promise<void> {
  for (const p of ps) if (alive(p)) process.kill(p, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (ps.some(alive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  for (const p of ps) if (alive(p)) process.kill(p, 'SIGKILL');
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** SIGTERM every process of the state file (SIGKILL after `graceMs`), then remove the state file. */
export async function clusterDown(state: ClusterState, graceMs = 5000): Promise<number[]> {
  const pids = [...Object.values(state.pids.nodes), ...Object.values(state.pids.managers)];
  await stopPids(pids, graceMs);
  if (state.pids.etcd !== null) await stopPids([state.pids.etcd], graceMs);
  fs.rmSync(path.join(state.spec.dir, STATE_FILE), { force: true });
  return state.pids.etcd !== null ? [...pids, state.pids.etcd] : pids;
}

export interface StatusReport {
  readonly name: string;
  readonly etcd: string | null;
  readonly processes: { role: string; id: number; pid: number; tcp: number; udp: number; up: boolean; leader: boolean }[];
  readonly leader: number | null;
  readonly routingVersion: number | null;
  readonly chains: { id: number; version: number; targets: { target: number; node: number; state: string }[] }[];
}

export async function clusterStatus(state: ClusterState): Promise<StatusReport> {
  const spec = state.spec;
  const st = await queryStatus(spec);
  const of = (role: string, id: number) => st.find((s) => s.role === role && s.id === id);
  const leader = st.find((s) => s.role === 'manager' && s.leader && s.routing);
  const routing = leader?.routing ?? st.map((s) => s.routing).reduce((a, b) => (b && (!a || b.version > a.version) ? b : a), null);
  return {
    name: spec.name,
    etcd: spec.etcd,
    processes: [
      ...spec.managers.map((m) => ({ role: 'manager', id: m.id, pid: state.pids.managers[String(m.id)], tcp: m.tcp, udp: m.udp, up: of('manager', m.id) !== undefined, leader: of('manager', m.id)?.leader ?? false })),
      ...spec.nodes.map((n) => ({ role: 'node', id: n.id, pid: state.pids.nodes[String(n.id)], tcp: n.tcp, udp: n.udp, up: of('node', n.id) !== undefined, leader: false })),
    ],
    leader: leader?.id ?? null,
    routingVersion: routing?.version ?? null,
    chains: (routing?.chains ?? []).map((c) => ({ id: c.id, version: c.version, targets: c.targets.map((x) => ({ target: x.target, node: x.node, state: x.state })) })),
  };
}

function statusText(r: StatusReport): string {
  const lines = [`cluster ${r.name}  etcd ${r.etcd ?? '(none: in-memory manager)'}  leader manager ${r.leader ?? '-'}  routing v${r.routingVersion ?? '-'}`];
  for (const p of r.processes) lines.push(`  ${p.role.padEnd(7)} ${String(p.id).padStart(3)}  pid ${String(p.pid).padStart(7)}  tcp 127.0.0.1:${p.tcp}  udp ${p.udp}  ${p.up ? 'up' : 'DOWN'}${p.leader ? '  (leader)' : ''}`);
  for (const c of r.chains) lines.push(`  chain ${c.id} v${c.version}: ${c.targets.map((x) => `${x.target}@node${x.node}:${x.state}`).join(' -> ')}`);
  return lines.join('\n');
}

export const register: Register = (program: Command) => {
  const cluster = program.command('cluster').description('run a local cluster of real processes on 127.0.0.1');
  cluster
    .command('up')
    .description('start storage nodes and managers as processes; print where each is')
    .option('--nodes <n>', 'storage node processes', '3')
    .option('--replicas <k>', 'replicas per chain', '3')
    .option('--dir <dir>', 'cluster directory (spec, state file, data, logs)', './chainrep-cluster')
    .option('--etcd <url>', "etcd client URL ('none' = one in-memory manager; default: start etcd if on PATH)")
    .option('--managers <m>', 'manager processes (more than one needs etcd)')
    .option('--fsync <policy>', 'chunk store fsync policy: always | never', 'always')
    .option('--json', 'machine-readable output')
    .addHelpText('after', '\nExample:\n  chainrep cluster up --nodes 3 --replicas 3 --dir /tmp/c1 --json\n  chainrep cluster status --dir /tmp/c1\n  chainrep cluster down --dir /tmp/c1')
    .action(
      action(async (raw: Record<string, unknown>) => {
        const o = decodeOptions(
          { nodes: intArg(1, 64), replicas: intArg(1, 16), dir: t.string, etcd: optional(t.string), managers: optional(intArg(1, 9)), fsync: enumArg(['always', 'never'] as const), json: boolFlagDefault },
          raw,
        );
        const state = await clusterUp({ nodes: o.nodes, replicas: o.replicas, dir: o.dir, etcd: o.etcd, managers: o.managers, fsync: o.fsync });
        const report = await clusterStatus(state);
        if (o.json) printJson({ dir: state.spec.dir, ...report, etcdPid: state.pids.etcd });
        else process.stdout.write(statusText(report) + `\nstate: ${path.join(state.spec.dir, STATE_FILE)}\n`);
        return EXIT_OK;
      }),
    );
  cluster
    .command('status')
    .description('targets, public states and chain versions as the processes report them')
    .option('--dir <dir>', 'cluster directory', './chainrep-cluster')
    .option('--json', 'machine-readable output')
    .addHelpText('after', '\nExample:\n  chainrep cluster status --dir /tmp/c1 --json')
    .action(
      action(async (raw: Record<string, unknown>) => {
        const o = decodeOptions({ dir: t.string, json: boolFlagDefault }, raw);
        const report = await clusterStatus(readState(o.dir));
        if (o.json) printJson(report);
        else process.stdout.write(statusText(report) + '\n');
        return report.leader === null || report.processes.some((p) => !p.up) ? EXIT_FINDING : EXIT_OK;
      }),
    );
  cluster
    .command('down')
    .description('stop every process of the cluster (SIGTERM, then SIGKILL) and remove the state file')
    .option('--dir <dir>', 'cluster directory', './chainrep-cluster')
    .option('--json', 'machine-readable output')
    .addHelpText('after', '\nExample:\n  chainrep cluster down --dir /tmp/c1')
    .action(
      action(async (raw: Record<string, unknown>) => {
        const o = decodeOptions({ dir: t.string, json: boolFlagDefault }, raw);
        const stopped = await clusterDown(readState(o.dir));
        if (o.json) printJson({ stopped });
        else process.stdout.write(`stopped ${stopped.length} processes: ${stopped.join(' ')}\n`);
        return EXIT_OK;
      }),
    );
};
