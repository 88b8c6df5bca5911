import { createCluster, invoke, runRandom } from '../../../core/craq/cluster';
import { Rng } from '../../../core/prng';
import { CHAIN, X, bytes, clusterConfig } from './helpers';

test('smoke: a write then a read through a 3-replica chain', () => {
  const cfg = clusterConfig(3, 1);
  let s = createCluster(cfg);
  [s] = invoke(cfg, s, 0, { kind: 'write', chain: CHAIN, chunk: X, offset: 0, data: bytes(7, 8) });
  s = runRandom(cfg, s, new Rng(1));
  [s] = invoke(cfg, s, 0, { kind: 'read', chain: CHAIN, chunk: X, offset: 0, length: 2 });
  s = runRandom(cfg, s, new Rng(2));
  expect(s.history.map((h) => h.result)).toEqual([{ ok: true, kind: 'write', commitVer: 1 }, { ok: true, kind: 'read', ver: 1, data: bytes(7, 8), committed: true }]);
});
