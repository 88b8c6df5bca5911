/**
 * Chain-table output formats (pure string builders; the CLI writes them):
 *   json  issue 4 item 6 shape, nodes 0..v-1, chains head to tail
 *   csv   `ChainId,NodeId,...` one row per chain (chain ids 0..b-1)
 *   3fs   generated_chains.csv, generated_chain_table.csv, create_target_cmd.txt with the
 *         3FS id formulas (ANCHORS.md "3FS data placement"):
 *           target = ((prefix*10^6 + node)*1000 + disk + 1)*100 + targetIndex + 1
 *           chain  = (prefix*1000 + disk + 1)*10^5 + chainIndex
 *         chainIndex is 1-based; a node's targetIndex counts its chains in chain order, as
 *         3FS's gen_chain_table.py does; targets are listed head to tail.
 *   svg   pair-count heatmap and per-node recovery-traffic bars
 */
import { Either, left, right } from 'fp-ts/Either';
import { TableLike, TableMetrics, pairCountMatrix, recoveryTraffic } from '../../core/placement/analysis';

export type TableFormat = 'json' | 'csv' | '3fs' | 'svg';
export const TABLE_FORMATS: readonly TableFormat[] = ['json', 'csv', '3fs', 'svg'];

export function tableJson(t: TableLike, m: TableMetrics): string {
  const obj = {
    nodes: t.v,
    replicas: t.k,
    targetsPerNode: t.r,
    chains: t.chains,
    metrics: { pairMin: m.pairMin, pairMax: m.pairMax, pairMean: m.pairMean, headMin: m.headMin, headMax: m.headMax, copysets: m.copysets },
  };
  return JSON.stringify(obj) + '\n';
}

export function tableCsv(t: TableLike): string {
  const lines = [['ChainId', ...Array(t.k).fill('NodeId')].join(',')];
  t.chains.forEach((c, i) => lines.push([i, ...c].join(',')));
  return lines.join('\n') + '\n';
}

export interface ThreeFsOptions {
  /** 3FS node id of node 0 (node i is nodeIdBegin + i) */
  readonly nodeIdBegin: number;
  readonly disksPerNode: number;
  readonly targetIdPrefix: number;
  readonly chainIdPrefix: number;
  /** optional `--chunk-size` values for create-target */
  readonly chunkSizes?: readonly string[];
}

export const THREE_FS_DEFAULTS: ThreeFsOptions = { nodeIdBegin: 10001, disksPerNode: 1, targetIdPrefix: 10, chainIdPrefix: 10 };

/** The limits 3FS's gen_chain_table.py asserts; Left names the one that fails. */
export function threeFsFiles(t: TableLike, o: ThreeFsOptions): Either<{ constraint: string; message: string }, Record<string, string>> {
  const b = t.chains.length;
  const fail = (constraint: string, message: string) => left({ constraint, message });
  if (b >= 100_000) return fail('3fs: chains < 100000', `3FS chain ids hold the chain index in 5 digits; this table has ${b} chains`);
  if (t.r >= 100) return fail('3fs: targets-per-node < 100', `3FS target ids hold the target index in 2 digits; targets-per-node is ${t.r}`);
  if (t.v > 1000) return fail('3fs: nodes <= 1000', `3FS's generator accepts at most 1000 nodes; this table has ${t.v}`);
  if (o.nodeIdBegin < 0 || o.nodeIdBegin + t.v - 1 >= 1_000_000) return fail('3fs: node ids < 1000000', `node ids ${o.nodeIdBegin}..${o.nodeIdBegin + t.v - 1} must be < 1000000`);
  if (o.disksPerNode < 1 || o.disksPerNode >= 1000) return fail('3fs: 1 <= disks-per-node < 1000', `disks-per-node is ${o.disksPerNode}`);
  if (o.targetIdPrefix < 0 || o.targetIdPrefix >= 100) return fail('3fs: target-id-prefix < 100', `target-id-prefix is ${o.targetIdPrefix}`);
  if (o.chainIdPrefix < 0 || o.chainIdPrefix >= 100) return fail('3fs: chain-id-prefix < 100', `chain-id-prefix is ${o.chainIdPrefix}`);
  // a node's target index counts its chains in chain order
  const seen = new Int32Array(t.v);
  const targetIndex = t.chains.map((c) => c.map((x) => seen[x]++));
  const chainsCsv = [['ChainId', ...Array(t.k).fill('TargetId')].join(',')];
  const tableCsv = ['ChainId'];
  const cmds: string[] = [];
  const chunk = o.chunkSizes && o.chunkSizes.length > 0 ? `--chunk-size ${o.chunkSizes.join(' ')}` : '';
  for (let disk = 0; disk < o.disksPerNode; disk++)
    t.chains.forEach((c, i) => {
      const chainId = (o.chainIdPrefix * 1000 + disk + 1) * 100_000 + (i + 1);
      const targets = c.map((x, j) => {
        const node = o.nodeIdBegin + x;
        return { node, id: ((o.targetIdPrefix * 1_000_000 + node) * 1000 + disk + 1) * 100 + targetIndex[i][j] + 1 };
      });
      chainsCsv.push([chainId, ...targets.map((tg) => tg.id)].join(','));
      tableCsv.push(String(chainId));
      for (const tg of targets)
        cmds.push(`create-target --node-id ${tg.node} --disk-index ${disk} --target-id ${tg.id} --chain-id ${chainId} ${chunk} --use-new-chunk-engine`);
    });
  return right({
    'generated_chains.csv': chainsCsv.join('\n') + '\n',
    'generated_chain_table.csv': tableCsv.join('\n') + '\n',
    'create_target_cmd.txt': cmds.join('\n') + '\n',
  });
}

/** Largest heatmap side in cells; larger tables are binned (mean count per bin). */
const HEATMAP_CELLS_MAX = 200;

export function tableSvg(t: TableLike, domainOf?: ArrayLike<number>): string {
  const v = t.v;
  const m = pairCountMatrix(t);
  const bin = Math.ceil(v / HEATMAP_CELLS_MAX);
  const cells = Math.ceil(v / bin);
  const side = 600;
  const cell = side / cells;
  const grid = new Float64Array(cells * cells);
  const area = new Float64Array(cells * cells);
  let max = 0;
  for (let x = 0; x < v; x++)
    for (let y = 0; y < v; y++) {
      if (x === y) continue;
      const i = Math.floor(x / bin) * cells + Math.floor(y / bin);
      grid[i] += m[x * v + y];
      area[i]++;
    }
  for (let i = 0; i < grid.length; i++) {
    if (area[i] > 0) grid[i] /= area[i];
    max = Math.max(max, grid[i]);
  }
  const fmt = (x: number) => (Math.round(x * 100) / 100).toString();
  const out: string[] = [];
  const W = 1320;
  const H = 720;
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`);
  out.push(`<rect width="${W}" height="${H}" fill="white"/>`);
  const binNote = bin > 1 ? `, ${bin}x${bin} nodes per cell (mean)` : '';
  out.push(`<text x="20" y="30" font-size="16">Pair counts: chains shared by nodes i, j (v=${v}, k=${t.k}, r=${t.r}${binNote}); max ${fmt(max)}</text>`);
  out.push(`<g transform="translate(20,50)">`);
  for (let a = 0; a < cells; a++)
    for (let c = 0; c < cells; c++) {
      const i = a * cells + c;
      if (area[i] === 0) continue;
      const level = max === 0 ? 0 : grid[i] / max;
      const shade = Math.round(255 - level * 200);
      out.push(`<rect x="${fmt(c * cell)}" y="${fmt(a * cell)}" width="${fmt(cell)}" height="${fmt(cell)}" fill="rgb(${shade},${shade},255)"><title>${a * bin},${c * bin}: ${fmt(grid[i])}</title></rect>`);
    }
  out.push(`</g>`);
  // recovery traffic bars: per failed node, the most and the least one peer sends
  const rec = recoveryTraffic(t, 'CR', domainOf);
  const top = Math.max(rec.maxPerPeer, 1e-9);
  const bx = 680;
  const bw = 600;
  const bh = 600;
  const barW = bw / v;
  out.push(`<text x="${bx}" y="30" font-size="16">Recovery traffic per peer when node i fails (targets; max dark, min light); bottleneck ${fmt(rec.maxPerPeer)}</text>`);
  out.push(`<g transform="translate(${bx},50)">`);
  out.push(`<line x1="0" y1="${bh}" x2="${bw}" y2="${bh}" stroke="black"/>`);
  for (let x = 0; x < v; x++) {
    const hMax = (rec.perNodeMax[x] / top) * (bh - 10);
    const hMin = (rec.perNodeMin[x] / top) * (bh - 10);
    out.push(`<rect x="${fmt(x * barW)}" y="${fmt(bh - hMax)}" width="${fmt(Math.max(barW * 0.8, 0.5))}" height="${fmt(hMax)}" fill="#336"><title>node ${x}: max ${fmt(rec.perNodeMax[x])}, min ${fmt(rec.perNodeMin[x])}</title></rect>`);
    out.push(`<rect x="${fmt(x * barW)}" y="${fmt(bh - hMin)}" width="${fmt(Math.max(barW * 0.8, 0.5))}" height="${fmt(hMin)}" fill="#99c"/>`);
  }
  out.push(`<text x="0" y="${bh + 20}">node 0</text><text x="${bw - 60}" y="${bh + 20}">node ${v - 1}</text>`);
  out.push(`</g></svg>`);
  return out.join('\n') + '\n';
}
