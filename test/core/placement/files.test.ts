import { isLeft, isRight } from 'fp-ts/Either';
import { parseDomainsText, parseTableText } from '../../../spec/placement';
import { generateTable } from '../../../core/placement/generate';
import { metrics } from '../../../core/placement/analysis';
import { tableCsv, tableJson, threeFsFiles, THREE_FS_DEFAULTS } from '../../../adapters/cli/table-output';

const t = generateTable({ v: 7, k: 3, r: 3 }, { seed: 1 }).table;

describe('table files round-trip through spec/placement', () => {
  test('JSON: the issue-4 shape decodes back to the same chains', () => {
    const text = tableJson(t, metrics(t));
    const obj = JSON.parse(text);
    expect(Object.keys(obj)).toEqual(['nodes', 'replicas', 'targetsPerNode', 'chains', 'metrics']);
    expect(Object.keys(obj.metrics)).toEqual(['pairMin', 'pairMax', 'pairMean', 'headMin', 'headMax', 'copysets']);
    const d = parseTableText(text);
    expect(isRight(d) && d.right.chains).toEqual(t.chains);
    expect(isRight(d) && d.right.format).toBe('json');
  });
  test('CSV round-trips', () => {
    const d = parseTableText(tableCsv(t));
    expect(isRight(d) && d.right.chains).toEqual(t.chains);
  });
  test('3FS generated_chains.csv decodes node ids from target ids (ANCHORS.md formula)', () => {
    const files = threeFsFiles(t, THREE_FS_DEFAULTS);
    expect(isRight(files)).toBe(true);
    if (!isRight(files)) return;
    const d = parseTableText(files.right['generated_chains.csv']);
    expect(isRight(d) && d.right.chains).toEqual(t.chains);
    expect(isRight(d) && d.right.format).toBe('3fs');
  });
  test('bad tables name the field', () => {
    const bad = (x: unknown) => {
      const d = parseTableText(JSON.stringify(x));
      return isLeft(d) ? d.left.field : 'ok';
    };
    expect(bad({ nodes: 3, replicas: 2, targetsPerNode: 2, chains: [[0, 1], [1, 2], [2, 2]] })).toBe('chains.2.1');
    expect(bad({ nodes: 3, replicas: 2, targetsPerNode: 2, chains: [[0, 1], [1, 2], [2, 7]] })).toBe('chains.2.1');
    expect(bad({ nodes: 3, replicas: 2, targetsPerNode: 2, chains: [[0, 1], [1, 2]] })).toBe('chains');
    expect(bad({ nodes: 3, replicas: 'x', targetsPerNode: 2, chains: [] })).toBe('replicas');
    const csv = parseTableText('ChainId,NodeId,NodeId\n0,1,x\n');
    expect(isLeft(csv) && csv.left.field).toBe('line 2');
  });
});

describe('3FS output (ANCHORS.md id formulas)', () => {
  test('target and chain ids follow the formulas; create-target lines match gen_chain_table.py', () => {
    const files = threeFsFiles({ v: 3, k: 3, r: 1, chains: [[2, 0, 1]] }, { nodeIdBegin: 10001, disksPerNode: 1, targetIdPrefix: 10, chainIdPrefix: 10 });
    expect(isRight(files)).toBe(true);
    if (!isRight(files)) return;
    // target = ((10*10^6 + 10003)*1000 + 0 + 1)*100 + 0 + 1
    expect(files.right['generated_chains.csv']).toBe('ChainId,TargetId,TargetId,TargetId\n1000100001,1001000300101,1001000100101,1001000200101\n');
    expect(files.right['generated_chain_table.csv']).toBe('ChainId\n1000100001\n');
    expect(files.right['create_target_cmd.txt'].split('\n')[0]).toBe(
      'create-target --node-id 10003 --disk-index 0 --target-id 1001000300101 --chain-id 1000100001  --use-new-chunk-engine',
    );
  });
  test('limits of the 3FS ids are refused by name', () => {
    const big = threeFsFiles({ v: 4, k: 2, r: 100, chains: [] }, THREE_FS_DEFAULTS);
    expect(isLeft(big) && big.left.constraint).toBe('3fs: targets-per-node < 100');
  });
});

describe('domains files', () => {
  test('text, JSON array and JSON object forms agree', () => {
    const a = parseDomainsText('node,domain\n0,r1\n1 r2\n2,r1 # comment\n', 3);
    const b = parseDomainsText('["r1","r2","r1"]', 3);
    const c = parseDomainsText('{"0":"r1","1":"r2","2":"r1"}', 3);
    for (const d of [a, b, c]) expect(isRight(d) && Array.from(d.right.domainOf)).toEqual([0, 1, 0]);
  });
  test('a node listed twice is refused naming the constraint (issue 4, item 9)', () => {
    const d = parseDomainsText('0,a\n1,b\n0,c\n', 2);
    expect(isLeft(d) && d.left.message).toMatch(/duplicate node: node 0 is listed twice/);
    const j = parseDomainsText('{"0":"a","1":"b","0":"c"}', 2);
    expect(isLeft(j) && j.left.message).toMatch(/duplicate node/);
  });
  test('missing and out-of-range nodes are refused', () => {
    const miss = parseDomainsText('0,a\n', 2);
    expect(isLeft(miss) && miss.left.message).toMatch(/node 1 has no domain/);
    const out = parseDomainsText('0,a\n1,b\n5,c\n', 2);
    expect(isLeft(out) && out.left.message).toMatch(/outside/);
  });
});
