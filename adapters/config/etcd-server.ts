/**
 * Start and stop a single-member etcd server on 127.0.0.1 (Debian's `etcd-server` package,
 * or any `etcd` on PATH): a temporary data directory, two free loopback ports, readiness
 * by polling `/health`. Used by the tests of the etcd config store and by
 * `chainrep cluster up` when no `--etcd` URL is given. `scripts/ensure-etcd.sh` installs
 * the binary when it is missing.
 */
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

export interface EtcdServer {
  /** Client URL, e.g. http://127.0.0.1:34567 */
  readonly url: string;
  readonly pid: number;
  readonly dataDir: string;
  /** SIGTERM, wait for exit (SIGKILL after `graceMs`), remove the data dir if we made it. */
  stop(graceMs?: number): Promise<void>;
}

export interface StartEtcdOptions {
  readonly binary?: string;
  /** Data directory; a fresh temporary one (removed on stop) when omitted. */
  readonly dataDir?: string;
  readonly readyTimeoutMs?: number;
  /** Where etcd's own log goes (default: discarded). */
  readonly logFile?: string;
  /** Outlive this process (`chainrep cluster up`): its own process group, not waited for. */
  readonly detached?: boolean;
}

/** A free TCP port on 127.0.0.1 (bind port 0, read it, close). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** The etcd binary on PATH, or undefined. */
export function findEtcd(): string | undefined {
  try {
    const out = execFileSync('sh', ['-c', 'command -v etcd'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return out.length > 0 ? out : undefined;
  } catch {
    return undefined;
  }
}

/** Run scripts/ensure-etcd.sh (installs Debian's etcd-server when etcd is missing); returns the binary. */
export function ensureEtcd(repoRoot: string): string {
  const found = findEtcd();
  if (found) return found;
  execFileSync('bash', [path.join(repoRoot, 'scripts', 'ensure-etcd.sh')], { stdio: ['ignore', 'inherit', 'inherit'] });
  const after = findEtcd();
  if (!after) throw new Error('etcd is still not on PATH after scripts/ensure-etcd.sh');
  return after;
}

function healthy(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get(`${url}/health`, { timeout: 500 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve(res.statusCode === 200 && body.includes('"true"')));
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => {
      req.destroy();
      resolve(false);
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function waitExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const t = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(t);
      resolve(true);
    });
  });
}

/** Start etcd; retries with new ports if a port was taken between probing and binding. */
export async function startEtcd(opts: StartEtcdOptions = {}): Promise<EtcdServer> {
  const binary = opts.binary ?? findEtcd();
  if (!binary) throw new Error('etcd not found on PATH (run scripts/ensure-etcd.sh)');
  let lastError = '';
  for (let attempt = 0; attempt < 3; attempt++) {
    const ownDir = opts.dataDir === undefined;
    const dataDir = opts.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'chainrep-etcd-'));
    const clientPort = await freePort();
    let peerPort = await freePort();
    while (peerPort === clientPort) peerPort = await freePort();
    const url = `http://127.0.0.1:${clientPort}`;
    const peer = `http://127.0.0.1:${peerPort}`;
    const log = opts.logFile ? fs.openSync(opts.logFile, 'a') : 'ignore';
    const child = spawn(
      binary,
      [
        '--name', 'chainrep',
        '--data-dir', dataDir,
        '--listen-client-urls', url,
        '--advertise-client-urls', url,
        '--listen-peer-urls', peer,
        '--initial-advertise-peer-urls', peer,
        '--initial-cluster', `chainrep=${peer}`,
        '--initial-cluster-state', 'new',
        // a lease TTL of 1-2 s must be honoured: etcd's minimum TTL is 1.5 election timeouts
        '--heartbeat-interval', '50',
        '--election-timeout', '500',
      ],
      { stdio: ['ignore', log, log], detached: opts.detached ?? false },
    );
    if (opts.detached) child.unref();
    if (typeof log === 'number') fs.closeSync(log);
    const deadline = Date.now() + (opts.readyTimeoutMs ?? 20_000);
    let exited = false;
    child.once('exit', () => (exited = true));
    while (!exited && Date.now() < deadline) {
      if (await healthy(url)) {
        const server: EtcdServer = {
          url,
          pid: child.pid!,
          dataDir,
          stop: async (graceMs = 5000) => {
            if (!(await waitExit(child, 0))) {
              child.kill('SIGTERM');
              if (!(await waitExit(child, graceMs))) {
                child.kill('SIGKILL');
                await waitExit(child, graceMs);
              }
            }
            if (ownDir) fs.rmSync(dataDir, { recursive: true, force: true });
          },
        };
        return server;
      }
      await sleep(100);
    }
    lastError = exited ? `etcd exited with ${child.exitCode ?? child.signalCode}` : 'etcd not healthy in time';
    if (!exited) {
      child.kill('SIGKILL');
      await waitExit(child, 5000);
    }
    if (ownDir) fs.rmSync(dataDir, { recursive: true, force: true });
  }
  throw new Error(`could not start etcd: ${lastError}`);
}
