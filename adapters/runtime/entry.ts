#!/usr/bin/env node
/**
 * Process entry for one member of a local cluster: `node entry.js node|manager --dir DIR
 * --id N` (started by `chainrep cluster up`). Reads DIR/cluster.json through the ClusterSpec
 * codec, runs the process (adapters/runtime/process.ts) until SIGTERM or SIGINT, then
 * closes it (stores flushed, sockets closed). Exit 2 on bad arguments or a bad spec.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isLeft } from 'fp-ts/Either';
import { ClusterSpec } from '../../spec/runtime';
import { decodeJson } from '../../spec/decode';
import { intArg } from '../../spec/cli';
import { Running, runManager, runStorageNode } from './process';

function fail(msg: string): never {
  process.stderr.write(`chainrep process: ${msg}\n`);
  process.exit(2);
}

async function main(argv: string[]): Promise<void> {
  const [role, ...rest] = argv;
  if (role !== 'node' && role !== 'manager') fail(`role: expected node or manager, got ${JSON.stringify(role)}`);
  const arg = (flag: string) => {
    const i = rest.indexOf(flag);
    return i >= 0 ? rest[i + 1] : undefined;
  };
  const dir = arg('--dir') ?? fail('--dir: required');
  const id = intArg(1, 1_000_000).decode(arg('--id'));
  if (isLeft(id)) fail(`--id: ${id.left[0]?.message ?? 'expected an integer'}`);
  let text = '';
  try {
    text = fs.readFileSync(path.join(dir, 'cluster.json'), 'utf8');
  } catch (e) {
    fail(`${path.join(dir, 'cluster.json')}: ${(e as Error).message}`);
  }
  const spec = decodeJson(ClusterSpec, text);
  if (isLeft(spec)) fail(`cluster.json: field '${spec.left.field}': ${spec.left.message}`);
  const log = (s: string) => process.stdout.write(`${new Date().toISOString()} ${s}\n`);
  const running: Running = role === 'node' ? await runStorageNode(spec.right, id.right, log) : await runManager(spec.right, id.right, log);
  log(`${role} ${id.right} running (pid ${process.pid})`);
  await new Promise<void>((resolve) => {
    process.once('SIGTERM', resolve);
    process.once('SIGINT', resolve);
  });
  log(`${role} ${id.right} stopping`);
  await running.close();
  process.exit(0);
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((e: unknown) => {
    process.stderr.write(`chainrep process: ${(e as Error)?.stack ?? String(e)}\n`);
    process.exit(3);
  });
}
