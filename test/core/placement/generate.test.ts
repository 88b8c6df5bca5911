import { isLeft, isRight } from 'fp-ts/Either';
import { checkDomains, generateTable, spreadOneImpossible, stepGeneration, startGeneration } from '../../../core/placement/generate';
import { threeFsTargetsPerNode, validateParams } from '../../../core/placement/params';
import { pairStats, positionStats, flatten } from '../../../core/placement/analysis';
import { checkStructure } from '../../../core/placement/search';

const expectStructure = (t: { v: number; k: number; r: number; chains: readonly (readonly number[])[] }) =>
  expect(() => checkStructure(t.v, t.k, t.r, flatten(t))).not.toThrow();

describe('generator: exact designs where a construction applies', () => {
  test.each([
    [7, 3, 3, 'STS'],
    [15, 3, 7, 'STS'],
    [25, 3, 12, 'STS'],
    [13, 4, 4, 'PG(2,3)'],
    [21, 5, 5, 'PG(2,4)'],
    [16, 4, 5, 'AG(2,4)'],
    [25, 5, 6, 'AG(2,5)'],
    [40, 4, 13, 'PG(3,3)'],
    [15, 3, 14, '2 x STS'],
  ])('v=%i k=%i r=%i is a design (%s): every pair count equal, positions balanced', (v, k, r, name) => {
    const res = generateTable({ v, k, r }, { seed: 1 });
    expect(res.status).toBe('exact');
    expect(res.method).toContain(name);
    expectStructure(res.table);
    const ps = pairStats(res.table);
    expect(ps.max - ps.min).toBe(0);
    const pos = positionStats(res.table);
    expect(pos.anyMax - pos.anyMin).toBeLessThanOrEqual(1);
  });
});

describe('generator: near-balanced tables elsewhere', () => {
  // ANCHORS.md "3FS data placement": 3FS's parameter search picks the smallest r with v*r % k == 0 and r(k-1) >= v-1.
  test('3FS picks r = 51 for v=100, k=3 and r = 35 for v=127, k=5 (issue 95)', () => {
    expect(threeFsTargetsPerNode(100, 3)).toBe(51);
    expect(threeFsTargetsPerNode(127, 5)).toBe(35);
    expect(threeFsTargetsPerNode(1000, 3)).toBe(501);
  });

  test.each([
    [100, 3, 51],
    [127, 5, 35],
    [24, 3, 11],
    [30, 4, 10],
  ])('v=%i k=%i r=%i reaches spread 1 (mean fractional: optimal)', (v, k, r) => {
    const res = generateTable({ v, k, r }, { seed: 3 });
    expect(res.status).toBe('near');
    expectStructure(res.table);
    const ps = pairStats(res.table);
    expect(ps.max - ps.min).toBe(1);
    const pos = positionStats(res.table);
    expect([pos.headMax - pos.headMin, pos.tailMax - pos.tailMin]).toEqual([expect.any(Number), expect.any(Number)]);
    expect(pos.headMax - pos.headMin).toBeLessThanOrEqual(1);
    expect(pos.tailMax - pos.tailMin).toBeLessThanOrEqual(1);
  });

  test('same parameters and seed give the same table; another seed may differ', () => {
    const a = generateTable({ v: 30, k: 3, r: 10 }, { seed: 9 });
    const b = generateTable({ v: 30, k: 3, r: 10 }, { seed: 9 });
    expect(JSON.stringify(a.table)).toBe(JSON.stringify(b.table));
  });

  test('the machine result does not depend on how the iterations are chunked', () => {
    const p = { v: 36, k: 3, r: 53 };
    const run = (chunk: number) => {
      let st = startGeneration(p, { seed: 4 });
      for (;;) {
        const [next, eff] = stepGeneration(st, { kind: 'run', iterations: chunk });
        st = next;
        const fin = eff.find((e) => e.kind === 'finished');
        if (fin && fin.kind === 'finished') return JSON.stringify(fin.result.table);
      }
    };
    expect(run(777)).toBe(run(100_000));
  });

  test('chunking does not matter through cyclic restarts and the orbit phase either; an orbit table is a valid near table', () => {
    const p = { v: 24, k: 4, r: 11 }; // Z_24 misses the band; 2 x Z_12 orbits reach it ((24,4,7) is now a point deletion)
    const run = (chunk: number) => {
      let st = startGeneration(p, { seed: 1 });
      const phases = new Set<string>();
      for (;;) {
        const [next, eff] = stepGeneration(st, { kind: 'run', iterations: chunk });
        st = next;
        for (const e of eff) if (e.kind === 'progress') phases.add(e.phase);
        const fin = eff.find((e) => e.kind === 'finished');
        if (fin && fin.kind === 'finished') return { result: fin.result, phases: [...phases].sort() };
      }
    };
    const a = run(5_003);
    const b = run(1_000_000);
    expect(JSON.stringify(a.result)).toBe(JSON.stringify(b.result));
    expect(a.phases).toEqual(['cyclic', 'orbit']);
    expect(a.result.method).toMatch(/^orbits: .* over 2 x Z_12, searched$/);
    expect([a.result.status, a.result.spread]).toEqual(['near', 1]);
    expectStructure(a.result.table);
  });

  test('a stop during the orbit phase returns the cyclic start, valid and marked stopped', () => {
    const p = { v: 24, k: 4, r: 11 };
    let st = startGeneration(p, { seed: 1 });
    for (let i = 0; i < 1000 && st.phase.kind !== 'orbit'; i++) [st] = stepGeneration(st, { kind: 'run', iterations: 50_000 });
    expect(st.phase.kind).toBe('orbit');
    const [, eff] = stepGeneration(st, { kind: 'stop' });
    const fin = eff.find((e) => e.kind === 'finished');
    if (fin?.kind !== 'finished') throw new Error('no result');
    expectStructure(fin.result.table);
    expect(fin.result.stopped).toBe(true);
    expect(fin.result.method).toBe('cyclic start');
  });

  test('a stop input ends the search at once with the best table so far, marked stopped when off the band', () => {
    let st = startGeneration({ v: 40, k: 5, r: 10 }, { seed: 1 });
    [st] = stepGeneration(st, { kind: 'run', iterations: 10 });
    const [, eff] = stepGeneration(st, { kind: 'stop' });
    const fin = eff.find((e) => e.kind === 'finished');
    expect(fin).toBeDefined();
    if (fin?.kind === 'finished') expectStructure(fin.result.table);
  });
});

describe('generator: says honestly when spread <= 1 cannot exist', () => {
  test.each([
    [8, 4, 2],
    [10, 5, 2],
    [15, 5, 4],
  ])('v=%i k=%i r=%i: the counting bound proves spread <= 1 impossible', (v, k, r) => {
    expect(spreadOneImpossible({ v, k, r })).toMatch(/counting bound/);
    const res = generateTable({ v, k, r }, { seed: 1 });
    expect(res.status).toBe('impossible');
    expectStructure(res.table);
  });
  test('Fisher: 2-(v,k,lambda) needs b >= v; Nandi: no 2-(15,5,2)', () => {
    expect(spreadOneImpossible({ v: 15, k: 5, r: 7 })).toMatch(/Nandi|counting/);
    expect(spreadOneImpossible({ v: 25, k: 3, r: 12 })).toBeUndefined();
  });
});

describe('bad parameters name the constraint', () => {
  test.each([
    [10, 3, 4, 'divisible by replicas'],
    [3, 4, 4, 'replicas <= nodes'],
    [10, 2, 0, 'targets-per-node >= 1'],
    [10.5, 3, 3, 'nodes is an integer'],
    [10, 3, 1.5, 'targets-per-node is an integer'],
    [10, 1, 3, '2 <= replicas'],
  ])('v=%p k=%p r=%p -> %s', (v, k, r, constraint) => {
    const res = validateParams(v, k, r);
    expect(isLeft(res) && res.left.constraint).toContain(constraint);
  });
});

test('generateTable refuses unvalidated parameters with the constraint name', () => {
  expect(() => generateTable({ v: 5, k: 2, r: 1 }, { seed: 1 })).toThrow(/divisible by replicas/);
});

describe('failure domains', () => {
  test('nodes of one domain never share a chain; cross-domain pairs balanced within 1', () => {
    const v = 24;
    const domainOf = Int32Array.from({ length: v }, (_, i) => i % 6);
    const p = { v, k: 3, r: 11 };
    expect(isRight(checkDomains(p, domainOf))).toBe(true);
    const res = generateTable(p, { seed: 2, domainOf });
    expectStructure(res.table);
    for (const c of res.table.chains) expect(new Set(c.map((x) => domainOf[x])).size).toBe(3);
    const ps = pairStats(res.table, domainOf);
    expect(ps.sameDomainShared).toBe(0);
    expect(ps.max - ps.min).toBeLessThanOrEqual(1);
  });
  test('equal-sized domains: the cyclic search forbids same-domain differences (domain = label mod D); v=200, 10 racks', () => {
    const v = 200;
    const domainOf = Int32Array.from({ length: v }, (_, i) => (i * 7) % 10); // racks not in id order
    const res = generateTable({ v, k: 3, r: 102 }, { seed: 1, domainOf });
    expect(res.method).toContain('domains as residues');
    expectStructure(res.table);
    const ps = pairStats(res.table, domainOf);
    expect(ps.sameDomainShared).toBe(0);
    expect(ps.max - ps.min).toBeLessThanOrEqual(1);
    for (const c of res.table.chains) expect(new Set(c.map((x) => domainOf[x])).size).toBe(3);
  });

  test('too few domains, or a domain too large for distinct chains, is refused naming the constraint', () => {
    const few = checkDomains({ v: 6, k: 3, r: 2 }, Int32Array.from([0, 0, 0, 1, 1, 1]));
    expect(isLeft(few) && few.left.constraint).toBe('domains >= replicas');
    const big = checkDomains({ v: 6, k: 3, r: 3 }, Int32Array.from([0, 0, 0, 0, 1, 2]));
    expect(isLeft(big) && big.left.constraint).toBe('domain size * targets-per-node <= chains');
  });
});
