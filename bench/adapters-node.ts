/**
 * One storage target of bench/adapters.ts as a child process: argv = id, dir, fsync.
 * IPC: sends {port, execArgv} once listening; receives {peers} (PeerId -> endpoint) and answers {ok};
 * {stop} closes the transport and the store and exits. Not a benchmark module itself.
 */
import { Endpoint } from '../adapters/transport/types';
import { FsyncPolicy } from '../adapters/store/file';
import { targetId } from '../spec/ids';
import { BENCH_TABLE, BenchTarget } from './adapters';

async function main(): Promise<void> {
  const [id, dir, fsync] = process.argv.slice(2);
  const eps = new Map<string, Endpoint>();
  const t = await BenchTarget.start(targetId(Number(id)), dir, fsync as FsyncPolicy, eps, BENCH_TABLE);
  process.on('message', (m: { peers?: Record<string, Endpoint>; stop?: boolean }) => {
    if (m.peers) {
      for (const [k, v] of Object.entries(m.peers)) eps.set(k, v);
      process.send!({ ok: true });
    }
    if (m.stop) void t.stop().then(() => process.exit(0));
  });
  process.send!({ port: t.t.endpoint!.port, execArgv: process.execArgv });
}

if (require.main === module) void main();
