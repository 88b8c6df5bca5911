/**
 * `chainrep cluster up|status|down` and `chainrep load` as a user runs them (issue 8 item
 * 6): a 2-node in-memory-manager cluster of real processes, a short load whose history
 * `chainrep lin check` accepts, status with chain versions and public states, down stops
 * every process. Bad flags exit 2 naming the flag. (main.ts registers these commands once
 * the lead wires them; this test builds the same program around the register functions.)
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Command, CommanderError } from 'commander';
import { register as cluster, alive } from '../../../adapters/cli/cluster';
import { register as load } from '../../../adapters/cli/load';
import { register as lin } from '../../../adapters/cli/lin';

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chainrep-cli-cluster-'));
});
afterAll(async () => {
  // never leave processes behind, whatever failed
  if (fs.existsSync(path.join(dir, 'c', 'state.json'))) await run(['cluster', 'down', '--dir', path.join(dir, 'c')]);
  fs.rmSync(dir, { recursive: true, force: true });
});

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const program = new Command().exitOverride();
  for (const r of [cluster, load, lin]) r(program);
  const override = (c: Command) => (c.exitOverride(), c.configureOutput({ writeOut: (s) => void out.push(s), writeErr: (s) => void err.push(s) }), c.commands.forEach(override));
  const out: string[] = [];
  const err: string[] = [];
  override(program);
  const so = jest.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => (out.push(String(s)), true));
  const se = jest.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => (err.push(String(s)), true));
  try {
    process.exitCode = 0;
    try {
      await program.parseAsync(['node', 'chainrep', ...args]);
    } catch (e) {
      if (!(e instanceof CommanderError)) throw e;
      process.exitCode = e.code === 'commander.helpDisplayed' || e.code === 'commander.help' ? 0 : 2;
    }
    return { code: Number(process.exitCode ?? 0), out: out.join(''), err: err.join('') };
  } finally {
    so.mockRestore();
    se.mockRestore();
    process.exitCode = 0;
  }
}

describe('chainrep cluster / load CLI', () => {
  test('--help shows an example for every subcommand', async () => {
    for (const args of [['cluster', 'up'], ['cluster', 'status'], ['cluster', 'down'], ['load']]) {
      const r = await run([...args, '--help']);
      expect(r.code).toBe(0);
      expect(r.out).toMatch(/Example:/);
    }
  });

  test('bad input exits 2 and names the flag', async () => {
    const cases: [string[], RegExp][] = [
      [['cluster', 'up', '--nodes', '0', '--dir', path.join(dir, 'x')], /--nodes/],
      [['cluster', 'up', '--nodes', '3', '--replicas', '4', '--etcd', 'none', '--dir', path.join(dir, 'x')], /--replicas/],
      [['cluster', 'up', '--fsync', 'sometimes', '--dir', path.join(dir, 'x')], /--fsync/],
      [['cluster', 'status', '--dir', path.join(dir, 'missing')], /state\.json/],
      [['load', '--read-ratio', '2', '--dir', path.join(dir, 'missing')], /--read-ratio/],
      [['load', '--duration', 'abc'], /--duration/],
    ];
    for (const [args, flag] of cases) {
      const r = await run(args);
      expect({ args, code: r.code }).toEqual({ args, code: 2 });
      expect(r.err).toMatch(flag);
    }
  });

  test('up, status, load (history accepted by lin check), down', async () => {
    const c = path.join(dir, 'c');
    const up = await run(['cluster', 'up', '--nodes', '2', '--replicas', '2', '--etcd', 'none', '--fsync', 'never', '--dir', c, '--json']);
    expect(up.err).toBe('');
    expect(up.code).toBe(0);
    const u = JSON.parse(up.out) as { processes: { role: string; pid: number; tcp: number; up: boolean }[]; leader: number; chains: { version: number; targets: { state: string }[] }[] };
    expect(u.processes.map((p) => p.role)).toEqual(['manager', 'node', 'node']);
    expect(u.processes.every((p) => p.up && p.pid > 0 && p.tcp > 0)).toBe(true);
    expect(u.leader).toBe(1);
    expect(u.chains).toHaveLength(2);
    expect(u.chains.every((ch) => ch.version === 1 && ch.targets.every((x) => x.state === 'serving'))).toBe(true);

    const st = await run(['cluster', 'status', '--dir', c, '--json']);
    expect(st.code).toBe(0);
    expect((JSON.parse(st.out) as { routingVersion: number }).routingVersion).toBe(1);
    const text = await run(['cluster', 'status', '--dir', c]);
    expect(text.out).toMatch(/chain 1 v1: \d+@node1:serving -> \d+@node2:serving/);

    const hist = path.join(dir, 'history.jsonl');
    const ld = await run(['load', '--dir', c, '--duration', '1.5', '--size', '512', '--keys', '3', '--concurrency', '2', '--history', hist, '--json']);
    expect(ld.code).toBe(0);
    const s = JSON.parse(ld.out) as { ops: number; writes: number; reads: number; historyLines: number };
    expect(s.writes).toBeGreaterThan(0);
    expect(s.reads).toBeGreaterThan(0);
    expect(fs.readFileSync(hist, 'utf8').trim().split('\n')).toHaveLength(s.historyLines);
    const check = await run(['lin', 'check', hist, '--json']);
    expect(check.code).toBe(0);
    expect(JSON.parse(check.out)).toMatchObject({ result: 'ok' });

    const down = await run(['cluster', 'down', '--dir', c, '--json']);
    expect(down.code).toBe(0);
    const stopped = (JSON.parse(down.out) as { stopped: number[] }).stopped;
    expect(stopped).toHaveLength(3);
    expect(stopped.some(alive)).toBe(false);
    expect(fs.existsSync(path.join(c, 'state.json'))).toBe(false);
  }, 90_000);
});
