import * as fs from 'node:fs';
import { captureCli } from './capture';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../../adapters/cli/main';

// The CLI contract of issue 3: exit 0 ok, 1 illegal, 3 unknown, 2 bad input (line + field).
let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chainrep-lin-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function run(args: string[], content?: string): Promise<{ code: number; out: string; err: string }> {
  const file = path.join(dir, `h${Math.random().toString(36).slice(2)}.jsonl`);
  if (content !== undefined) fs.writeFileSync(file, content);
  return captureCli(() => main(['node', 'chainrep', 'lin', 'check', ...args, ...(content !== undefined ? [file] : [])]));
}

const lines = (...xs: object[]) => xs.map((x) => JSON.stringify(x)).join('\n') + '\n';
const OK = lines(
  { client: 0, op: 'write', key: 'x', value: 1, call: 10, return: 25 },
  { client: 1, op: 'read', key: 'x', output: 1, call: 12, return: 30 },
  { client: 2, op: 'read', key: 'y', output: null, call: 12, return: 30 },
  { client: 3, op: 'write', key: 'y', value: 'a', call: 35 },
);
const STALE = lines(
  { client: 0, op: 'write', key: 'x', value: 1, call: 10, return: 25 },
  { client: 0, op: 'write', key: 'x', value: 2, call: 30, return: 35 },
  { client: 1, op: 'read', key: 'x', output: 1, call: 40, return: 50 },
  { client: 2, op: 'read', key: 'y', output: null, call: 40, return: 50 },
);

describe('chainrep lin check', () => {
  test('a linearizable history exits 0', async () => {
    const r = await run([], OK);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^ok: 4 operations on 2 key\(s\) are linearizable \(model register\)/);
  });

  test('a stale read exits 1 and prints the operations that cannot be ordered, one per line', async () => {
    const r = await run([], STALE);
    expect(r.code).toBe(1);
    expect(r.out).toContain('illegal: key x is not linearizable');
    expect(r.out).toContain(
      '  client 0  write x 1     [10, 25]  |--|\n  client 0  write x 2     [30, 35]        |--|\n  client 1  read  x -> 1  [40, 50]              |--|\n',
    );
  });

  test('--json prints the documented fields', async () => {
    const r = await run(['--json'], STALE);
    expect(r.code).toBe(1);
    const j = JSON.parse(r.out);
    expect(j).toMatchObject({ result: 'illegal', model: 'register', operations: 4, keys: 2, illegalKey: 'x', minimised: true });
    expect(j.minimal).toEqual([
      { client: 0, op: 'write', key: 'x', value: 1, call: 10, return: 25 },
      { client: 0, op: 'write', key: 'x', value: 2, call: 30, return: 35 },
      { client: 1, op: 'read', key: 'x', output: 1, call: 40, return: 50 },
    ]);
    expect(typeof j.seconds).toBe('number');
    const ok = JSON.parse((await run(['--json'], OK)).out);
    expect(ok).toMatchObject({ result: 'ok', illegalKey: null, minimal: [], operations: 4, keys: 2 });
  });

  test('a bad line exits 2 naming the line and the field', async () => {
    const r = await run([], OK + '{"client":0,"op":"write","key":"x","value":2,"call":"abc"}\n');
    expect(r.code).toBe(2);
    expect(r.err).toContain("line 5: field 'call': expected a number");
  });

  test('cas needs --model cas; with it the history is checked', async () => {
    const h = lines(
      { client: 0, op: 'cas', key: 'x', expected: null, value: 1, output: true, call: 0, return: 10 },
      { client: 1, op: 'cas', key: 'x', expected: null, value: 2, output: true, call: 0, return: 10 },
    );
    const reg = await run([], h);
    expect(reg.code).toBe(2);
    expect(reg.err).toContain("line 1: field 'op'");
    const c = await run(['--model', 'cas'], h);
    expect(c.code).toBe(1);
  });

  test('bad flags and missing files exit 2 naming the flag', async () => {
    const m = await run(['--model', 'queue'], OK);
    expect(m.code).toBe(2);
    expect(m.err).toContain('--model');
    const t = await run(['--timeout', '-1'], OK);
    expect(t.code).toBe(2);
    expect(t.err).toContain('--timeout');
    const f = await run([path.join(dir, 'missing.jsonl')]);
    expect(f.code).toBe(2);
    expect(f.err).toContain('cannot read');
  });

  test('a search that outlives --timeout exits 3 (unknown) and names the key', async () => {
    // 16 concurrent writes then a read of a value nobody wrote: memoised, 2^16 x 17 configurations
    // (~1e6 steps, well over 1 ms); the time limit stops it first
    const ops: object[] = [];
    for (let i = 0; i < 16; i++) ops.push({ client: i, op: 'write', key: 'k', value: i, call: 0, return: 100 });
    ops.push({ client: 99, op: 'read', key: 'k', output: 'never', call: 200, return: 300 });
    ops.push({ client: 99, op: 'write', key: 'k', value: 'never', call: 400, return: 500 });
    const r = await run(['--timeout', '0.001', '--json'], lines(...ops));
    expect(r.code).toBe(3);
    expect(JSON.parse(r.out)).toMatchObject({ result: 'unknown', undecidedKeys: ['k'] });
  });
});
