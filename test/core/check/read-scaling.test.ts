/**
 * The CRAQ paper's headline in simulation (ANCHORS.md "CRAQ paper"; Terrace and Freedman,
 * ATC 2009): under read-mostly load CRAQ read throughput grows with chain length, up to
 * about chain-length times chain replication (reads only at the tail), and it falls as the
 * write rate rises. Short measurement windows keep this test fast; the full sweep is
 * `npm run bench -- read-scaling` (docs/read-scaling.md).
 */
import { DEFAULT_POINT, ReadPolicyName, measurePoint } from '../../../core/check/read-scaling';

jest.setTimeout(60_000);

const point = (policy: ReadPolicyName, chainLength: number, writeRate: number) =>
  measurePoint({ ...DEFAULT_POINT, warmupMs: 50, measureMs: 150, policy, chainLength, writeRate });

test('chain replication reads are capped by the tail: the same throughput at chain length 3 and 7 (one node, 10,000 reads/s)', () => {
  const a = point('cr', 3, 0);
  const b = point('cr', 7, 0);
  expect(a.readsPerSec).toBeGreaterThan(9000);
  expect(a.readsPerSec).toBeLessThanOrEqual(10_000 * 1.01);
  expect(Math.abs(b.readsPerSec - a.readsPerSec) / a.readsPerSec).toBeLessThan(0.05);
  expect(b.tailUtilization).toBeGreaterThan(0.95);
});

test.each(['craq', 'craq-3fs'] as const)('%s with no writes: reads scale with chain length, at least 0.85 x chain length x chain replication', (policy) => {
  const cr = point('cr', 3, 0).readsPerSec;
  const r3 = point(policy, 3, 0).readsPerSec;
  const r7 = point(policy, 7, 0).readsPerSec;
  expect(r3 / cr).toBeGreaterThan(3 * 0.85);
  expect(r7 / cr).toBeGreaterThan(7 * 0.85);
  expect(r7).toBeGreaterThan(r3 * 2);
});

test('as the write rate rises CRAQ reads fall (dirty chunks), yet stay above chain replication at the same write rate', () => {
  const light = point('craq', 7, 500);
  const heavy = point('craq', 7, 4000);
  const cr = point('cr', 7, 4000);
  expect(heavy.readsPerSec).toBeLessThan(light.readsPerSec);
  expect(heavy.dirtyPerRead).toBeGreaterThan(light.dirtyPerRead);
  expect(heavy.readsPerSec).toBeGreaterThan(cr.readsPerSec);
  expect(heavy.writesPerSec).toBeGreaterThan(1000);
});
