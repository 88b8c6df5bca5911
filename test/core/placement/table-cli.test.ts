import { TableIo, runAnalyze, runExpand, runGenerate, runPlot } from '../../../adapters/cli/table';
import { CliError } from '../../../adapters/cli/common';

/** An in-memory TableIo: files in a map, output captured, a fake clock, no TTY. */
function memIo(files: Record<string, string> = {}): TableIo & { out: string[]; err: string[]; files: Record<string, string> } {
  let t = 0;
  const io = {
    files,
    out: [] as string[],
    err: [] as string[],
    readFile: (f: string) => {
      if (!(f in files)) throw new Error('ENOENT');
      return files[f];
    },
    writeFile: (f: string, c: string) => {
      files[f] = c;
    },
    stdout: (s: string) => io.out.push(s),
    stderr: (s: string) => io.err.push(s),
    nowMs: () => (t += 1),
    progress: () => false,
  };
  return io;
}

const gen = (extra: Record<string, unknown>) => ({ nodes: '25', targetsPerNode: '12', replicas: '3', quiet: true, ...extra });

describe('chainrep table generate (command function)', () => {
  test('prints the issue-4 JSON table to stdout; exit 0 for an exact design', async () => {
    const io = memIo();
    expect(await runGenerate(gen({}), io)).toBe(0);
    const obj = JSON.parse(io.out.join(''));
    expect(obj.nodes).toBe(25);
    expect(obj.chains.length).toBe(100);
    expect(obj.metrics).toEqual({ pairMin: 1, pairMax: 1, pairMean: 1, headMin: 4, headMax: 4, copysets: 100 });
  });

  test('same arguments and seed give the same bytes, in every format', async () => {
    for (const format of ['json', 'csv', 'svg']) {
      const a = memIo();
      const b = memIo();
      await runGenerate({ nodes: '30', targetsPerNode: '10', replicas: '3', seed: '7', format, quiet: true }, a);
      await runGenerate({ nodes: '30', targetsPerNode: '10', replicas: '3', seed: '7', format, quiet: true }, b);
      expect(a.out.join('')).toBe(b.out.join(''));
    }
  });

  test('--format 3fs --out writes the three 3FS files', async () => {
    const io = memIo();
    expect(await runGenerate(gen({ format: '3fs', out: 'o', json: true }), io)).toBe(0);
    expect(Object.keys(io.files).sort()).toEqual(['o/create_target_cmd.txt', 'o/generated_chain_table.csv', 'o/generated_chains.csv']);
    const summary = JSON.parse(io.out.join(''));
    expect(summary.status).toBe('exact');
    expect(summary.files.length).toBe(3);
  });

  test.each([
    [{ nodes: '10', targetsPerNode: '4', replicas: '3' }, /divisible by replicas/],
    [{ nodes: '3', targetsPerNode: '4', replicas: '4' }, /replicas <= nodes/],
    [{ nodes: '10', targetsPerNode: '0', replicas: '2' }, /targets-per-node >= 1/],
    [{ nodes: '10.5', targetsPerNode: '3', replicas: '3' }, /--nodes: expected an integer/],
    [{ nodes: '10', targetsPerNode: '3', replicas: '3', format: 'xml' }, /--format/],
    [{ targetsPerNode: '3', replicas: '3' }, /--nodes: required/],
  ])('bad input %p exits 2 naming the constraint', async (raw, msg) => {
    const p = runGenerate({ quiet: true, ...raw }, memIo());
    await expect(p).rejects.toBeInstanceOf(CliError);
    await expect(p).rejects.toMatchObject({ code: 2, message: expect.stringMatching(msg) });
  });

  test('duplicate nodes in the domains file exit 2 naming the constraint', async () => {
    const io = memIo({ 'racks.txt': '0,a\n1,b\n1,c\n2,c\n3,a\n' });
    const p = runGenerate({ nodes: '4', targetsPerNode: '3', replicas: '2', domains: 'racks.txt', quiet: true }, io);
    await expect(p).rejects.toMatchObject({ code: 2, message: expect.stringMatching(/duplicate node: node 1/) });
  });

  test('--domains keeps every chain in distinct domains', async () => {
    const racks = Array.from({ length: 24 }, (_, i) => `${i},rack${i % 6}`).join('\n');
    const io = memIo({ 'racks.txt': racks });
    expect(await runGenerate({ nodes: '24', targetsPerNode: '11', replicas: '3', domains: 'racks.txt', quiet: true }, io)).toBe(0);
    const obj = JSON.parse(io.out.join(''));
    for (const c of obj.chains as number[][]) expect(new Set(c.map((x) => x % 6)).size).toBe(3);
  });

  test('a table that cannot meet the bound exits 1 and says why', async () => {
    const io = memIo();
    expect(await runGenerate({ nodes: '8', targetsPerNode: '2', replicas: '4', json: true }, io)).toBe(1);
    const summary = JSON.parse(io.err.join(''));
    expect(summary.status).toBe('impossible');
    expect(summary.note).toMatch(/counting bound/);
  });
});

describe('chainrep table analyze / expand / plot (command functions)', () => {
  test('analyze prints both layouts side by side; --json has table and naive', async () => {
    const io = memIo();
    await runGenerate(gen({ out: 'd' }), io);
    const file = 'd/chain_table.json';
    const a = memIo(io.files);
    expect(runAnalyze(file, { json: true }, a)).toBe(0);
    const obj = JSON.parse(a.out.join(''));
    expect(obj.table.pairs.max).toBe(1);
    expect(obj.naive.copysets).toBeLessThan(obj.table.copysets);
    expect(obj.table.loss.map((l: { f: number }) => l.f)).toEqual([2, 3, 4]);
    const text = memIo(io.files);
    runAnalyze(file, {}, text);
    expect(text.out.join('')).toMatch(/naive disjoint groups/);
  });

  test('expand reports moved targets against a full regeneration', async () => {
    const io = memIo();
    await runGenerate(gen({ out: 'd' }), io);
    const e = memIo(io.files);
    expect(await runExpand('d/chain_table.json', { addNodes: '6', out: 'g', json: true, quiet: true, iterations: '400000' }, e)).toBe(0);
    const s = JSON.parse(e.out.join(''));
    expect(s.moved).toBeGreaterThanOrEqual(s.movedLowerBound);
    expect(s.moved).toBeLessThan(s.regenerationMoved);
    expect(JSON.parse(e.files['g/chain_table.json']).nodes).toBe(31);
  });

  test('plot writes an SVG with the heatmap and the recovery bars', async () => {
    const io = memIo();
    await runGenerate(gen({ out: 'd' }), io);
    const p = memIo(io.files);
    expect(runPlot('d/chain_table.json', {}, p)).toBe(0);
    const svg = p.out.join('');
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toMatch(/Pair counts/);
    expect(svg).toMatch(/Recovery traffic/);
  });

  test('an unreadable or malformed table exits 2 naming the field', async () => {
    expect(() => runAnalyze('nope.json', {}, memIo())).toThrow(/cannot read table file/);
    const io = memIo({ 't.json': '{"nodes":3,"replicas":2,"targetsPerNode":2,"chains":[[0,1],[1,2],[2,2]]}' });
    expect(() => runAnalyze('t.json', {}, io)).toThrow(/chains\.2\.1/);
  });
});
