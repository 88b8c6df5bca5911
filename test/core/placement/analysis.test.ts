import {
  analyzeWithNaive,
  binomBig,
  copysets,
  enumerateLosing,
  lossProbability,
  metrics,
  naiveTable,
  pairStats,
  recoveryTraffic,
} from '../../../core/placement/analysis';
import { generateTable } from '../../../core/placement/generate';
import { Rng } from '../../../core/prng';
import { ChainTable } from '../../../core/placement/params';

/** A random table with b chains of k distinct nodes (not balanced; any r per node). */
function randomChains(v: number, k: number, b: number, seed: number): number[][] {
  const rng = new Rng(seed);
  const out: number[][] = [];
  for (let i = 0; i < b; i++) out.push(rng.shuffle([...Array(v).keys()]).slice(0, k));
  return out;
}

describe('exact data-loss probability (Copysets, ANCHORS.md "Block designs")', () => {
  test('f < k loses nothing; f = k is copysets / C(v,k)', () => {
    const t = generateTable({ v: 9, k: 3, r: 4 }, { seed: 1 }).table; // STS(9): 12 triples
    expect(lossProbability(t, 2)!.losingSets).toBe(0n);
    const p3 = lossProbability(t, 3)!;
    expect(p3.losingSets).toBe(12n);
    expect(p3.allSets).toBe(84n);
    expect(p3.probability).toBeCloseTo(12 / 84, 12);
  });

  // The inclusion-exclusion count for f = k+1 must equal brute-force enumeration.
  test.each([1, 2, 3, 4, 5, 6, 7, 8])('f = k+1 inclusion-exclusion equals enumeration of all failure sets (seed %i)', (seed) => {
    const rng = new Rng(seed);
    const v = 7 + rng.below(6);
    const k = 2 + rng.below(3);
    const chains = randomChains(v, k, 3 + rng.below(3 * v), seed);
    const t = { v, k, r: 0, chains };
    const ie = lossProbability(t, k + 1)!;
    expect({ seed, count: ie.losingSets }).toEqual({ seed, count: enumerateLosing(v, k + 1, copysets(t)) });
    expect(ie.allSets).toBe(binomBig(v, k + 1));
  });

  test('larger f uses direct enumeration when C(v,f) is small', () => {
    const t = { v: 8, k: 2, r: 0, chains: randomChains(8, 2, 6, 3) };
    const p = lossProbability(t, 4)!;
    expect(p.method).toMatch(/enumeration/);
    expect(p.losingSets).toBe(enumerateLosing(8, 4, copysets(t)));
  });
});

describe('naive disjoint-groups layout (3FS README)', () => {
  test('v divisible by k: v/k groups, each pair inside a group shares r chains, others none', () => {
    const t = naiveTable(12, 3, 6) as ChainTable;
    expect(copysets(t).length).toBe(4);
    const ps = pairStats(t);
    expect([ps.min, ps.max]).toEqual([0, 6]);
    const rec = recoveryTraffic(t);
    expect(rec.maxPerPeer).toBe(3); // 3FS formula: shared chains * 1/(k-1) = 6/2
    expect(rec.peersMax).toBe(2);
  });

  test('the balanced table spreads recovery over every peer; the naive one over k-1', () => {
    const t = generateTable({ v: 15, k: 3, r: 7 }, { seed: 1 }).table; // STS(15)
    const both = analyzeWithNaive(t);
    expect(both.table.recovery.maxPerPeer).toBe(0.5);
    expect(both.table.recovery.peersMin).toBe(14);
    expect(both.naive.recovery.maxPerPeer).toBe(3.5);
    expect(both.table.recovery.totalPerFailure).toBe(7); // r chains, each copied once (CR)
    // fewer copysets -> rarer loss at f = k (Cidon et al.)
    expect(both.naive.loss.find((l) => l.f === 3)!.probability).toBeLessThan(both.table.loss.find((l) => l.f === 3)!.probability);
  });
});

describe('metrics', () => {
  test('JSON metrics report pair range, head range and copysets', () => {
    const t = generateTable({ v: 7, k: 3, r: 3 }, { seed: 1 }).table;
    expect(metrics(t)).toEqual({ pairMin: 1, pairMax: 1, pairMean: 1, headMin: 1, headMax: 1, copysets: 7 });
  });
  test('with domains, pair statistics range over cross-domain pairs only', () => {
    const t = { v: 4, k: 2, r: 2, chains: [[0, 2], [1, 3], [0, 3], [1, 2]] };
    const dom = [0, 0, 1, 1];
    expect(pairStats(t, dom)).toEqual({ min: 1, max: 1, mean: 1, pairs: 4, sameDomainShared: 0 });
    expect(pairStats(t).min).toBe(0);
  });
});
