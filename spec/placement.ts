/**
 * Chain-table files: codecs and parsers. Every byte of a table or domains file passes
 * through here before reaching core/placement; a bad file gets an error naming the field
 * (e.g. `chains.3.1`) or the line.
 *
 * Table JSON (issue 4, item 6):
 *   {"nodes":v,"replicas":k,"targetsPerNode":r,"chains":[[node,...],...],
 *    "metrics":{"pairMin":..,"pairMax":..,"pairMean":..,"headMin":..,"headMax":..,"copysets":..}}
 * nodes numbered 0..v-1, each chain head to tail.
 * Table CSV: header `ChainId,NodeId,...` (k node columns, head first), one row per chain.
 * 3FS `generated_chains.csv`: header `ChainId,TargetId,...`; node = floor(target / 1e5) mod 1e6
 * (ANCHORS.md id formula), renumbered 0..v-1 in increasing node-id order.
 * Domains: JSON array (index = node) or object {"node": "domain"}, or text lines
 * `node,domain` / `node domain` (# comments, optional header `node,domain`).
 */
import * as t from 'io-ts';
import { Either, isLeft, left, right } from 'fp-ts/Either';
import { DecodeError, decodeWith, intRange } from './decode';

const err = (field: string, message: string): DecodeError => ({ kind: 'DecodeError', field, message });

export const NODES_FILE_MAX = 5000;

export const TableMetricsCodec = t.type({
  pairMin: t.number,
  pairMax: t.number,
  pairMean: t.number,
  headMin: t.number,
  headMax: t.number,
  copysets: t.number,
});

export const TableFileCodec = t.intersection([
  t.type({
    nodes: intRange('nodes', 2, NODES_FILE_MAX),
    replicas: intRange('replicas', 2, 32),
    targetsPerNode: intRange('targetsPerNode', 1, 1_000_000),
    chains: t.array(t.array(intRange('node', 0, NODES_FILE_MAX - 1))),
  }),
  t.partial({ metrics: TableMetricsCodec }),
]);
export type TableFile = t.TypeOf<typeof TableFileCodec>;

/** A decoded, structurally valid table (v, k, r, chains head to tail). */
export interface DecodedTable {
  readonly v: number;
  readonly k: number;
  readonly r: number;
  readonly chains: number[][];
}

/** Structure: every chain has k distinct nodes in 0..v-1; every node is in r chains; b = v*r/k. */
export function checkTable(v: number, k: number, r: number, chains: number[][], where = 'chains'): Either<DecodeError, DecodedTable> {
  const held = new Int32Array(v);
  for (let c = 0; c < chains.length; c++) {
    const ch = chains[c];
    if (ch.length !== k) return left(err(`${where}.${c}`, `chain ${c} has ${ch.length} nodes, replicas is ${k}`));
    const seen = new Set<number>();
    for (let j = 0; j < ch.length; j++) {
      const x = ch[j];
      if (!(Number.isInteger(x) && x >= 0 && x < v)) return left(err(`${where}.${c}.${j}`, `node ${x} is outside 0..${v - 1}`));
      if (seen.has(x)) return left(err(`${where}.${c}.${j}`, `chain ${c} holds node ${x} twice`));
      seen.add(x);
      held[x]++;
    }
  }
  for (let x = 0; x < v; x++)
    if (held[x] !== r) return left(err(where, `node ${x} is in ${held[x]} chains, targetsPerNode is ${r}`));
  if (chains.length * k !== v * r) return left(err(where, `${chains.length} chains x ${k} != ${v} nodes x ${r} targets`));
  return right({ v, k, r, chains });
}

export function decodeTableJson(value: unknown): Either<DecodeError, DecodedTable> {
  const d = decodeWith(TableFileCodec, value);
  if (isLeft(d)) return d;
  const f = d.right;
  return checkTable(f.nodes, f.replicas, f.targetsPerNode, f.chains);
}

/** Infer v and r from chains whose nodes are 0..v-1. */
function inferTable(chains: number[][], where: string): Either<DecodeError, DecodedTable> {
  if (chains.length === 0) return left(err(where, 'no chains'));
  const k = chains[0].length;
  let v = 0;
  for (const c of chains) for (const x of c) v = Math.max(v, x + 1);
  const held = new Int32Array(v);
  for (const c of chains) for (const x of c) held[x]++;
  const r = held[0];
  if (v < 2 || k < 2) return left(err(where, `need at least 2 nodes and 2 replicas (got v=${v}, k=${k})`));
  return checkTable(v, k, r, chains, where);
}

const splitCsv = (line: string) => line.split(',').map((s) => s.trim());
const isIntText = (s: string) => /^\d+$/.test(s);

/** Parse a table file's text: JSON, our CSV or 3FS generated_chains.csv (by its first line). */
export function parseTableText(text: string): Either<DecodeError, DecodedTable & { format: 'json' | 'csv' | '3fs' }> {
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    let value: unknown;
    try {
      value = JSON.parse(trimmed);
    } catch (e) {
      return left(err('(file)', `not valid JSON: ${(e as Error).message}`));
    }
    const d = decodeTableJson(value);
    return isLeft(d) ? d : right({ ...d.right, format: 'json' });
  }
  const lines = trimmed.split(/\r?\n/).filter((l) => l.trim() !== '');
  if (lines.length < 2) return left(err('(file)', 'expected a JSON table, or a CSV header and at least one chain'));
  const header = splitCsv(lines[0]);
  if (header[0] !== 'ChainId' || header.length < 3) return left(err('line 1', `expected a header 'ChainId,NodeId,...' or 'ChainId,TargetId,...', got '${lines[0].slice(0, 60)}'`));
  const kind = header[1];
  if (!header.slice(1).every((h) => h === kind) || (kind !== 'NodeId' && kind !== 'TargetId'))
    return left(err('line 1', `header columns after ChainId must all be NodeId or all TargetId`));
  const rows: number[][] = [];
  for (let i = 1; i < lines.length; i++) {
    const cells = splitCsv(lines[i]);
    if (cells.length !== header.length) return left(err(`line ${i + 1}`, `expected ${header.length} columns, got ${cells.length}`));
    for (let j = 0; j < cells.length; j++) if (!isIntText(cells[j])) return left(err(`line ${i + 1}`, `column ${j + 1}: expected a non-negative integer, got '${cells[j]}'`));
    rows.push(cells.slice(1).map(Number));
  }
  if (kind === 'NodeId') {
    const d = inferTable(rows, 'chains');
    return isLeft(d) ? d : right({ ...d.right, format: 'csv' });
  }
  // 3FS: target -> node id; renumber node ids densely
  const nodeOf = (target: number) => Math.floor(target / 100_000) % 1_000_000;
  const ids = new Set<number>();
  for (const row of rows) for (const tg of row) ids.add(nodeOf(tg));
  const sorted = [...ids].sort((a, b) => a - b);
  const index = new Map(sorted.map((id, i) => [id, i] as const));
  const d = inferTable(rows.map((row) => row.map((tg) => index.get(nodeOf(tg))!)), 'chains');
  return isLeft(d) ? d : right({ ...d.right, format: '3fs' });
}

export interface Domains {
  /** domain index per node (domain names sorted, indexed from 0) */
  readonly domainOf: Int32Array;
  readonly names: readonly string[];
}

const DomainName = t.refinement(t.string, (s) => s.length >= 1 && s.length <= 200, 'domain name');

/**
 * Parse a domains file for nodes 0..v-1. Errors name the constraint: a node listed twice,
 * a node outside 0..v-1, a node missing.
 */
export function parseDomainsText(text: string, v: number): Either<DecodeError, Domains> {
  const pairs: [number, string, string][] = []; // node, domain, where
  const trimmed = text.trim();
  if (trimmed.startsWith('[') || trimmed.startsWith('{')) {
    let value: unknown;
    try {
      value = JSON.parse(trimmed);
    } catch (e) {
      return left(err('domains', `not valid JSON: ${(e as Error).message}`));
    }
    if (Array.isArray(value)) {
      const d = decodeWith(t.array(t.union([DomainName, t.number])), value);
      if (isLeft(d)) return left(err(`domains.${d.left.field}`, d.left.message));
      d.right.forEach((name, i) => pairs.push([i, String(name), `domains.${i}`]));
    } else {
      // JSON.parse keeps only the last of duplicate keys, so scan the text for duplicates first
      const keyRe = /"([^"\\]*)"\s*:/g;
      const seenKeys = new Set<string>();
      for (let m = keyRe.exec(trimmed); m; m = keyRe.exec(trimmed)) {
        if (seenKeys.has(m[1])) return left(err(`domains.${m[1]}`, `duplicate node: node ${m[1]} is listed twice (each node belongs to exactly one domain)`));
        seenKeys.add(m[1]);
      }
      const d = decodeWith(t.record(t.string, t.union([DomainName, t.number])), value);
      if (isLeft(d)) return left(err(`domains.${d.left.field}`, d.left.message));
      for (const [key, name] of Object.entries(d.right)) {
        if (!isIntText(key)) return left(err(`domains.${key}`, `node '${key}' is not a non-negative integer`));
        pairs.push([Number(key), String(name), `domains.${key}`]);
      }
    }
  } else {
    const lines = text.split(/\r?\n/);
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i].replace(/#.*/, '').trim();
      if (line === '') continue;
      const cells = line.split(/[,\s]+/).filter((c) => c !== '');
      if (i === 0 && /^node$/i.test(cells[0] ?? '')) continue; // header
      if (cells.length !== 2) return left(err(`line ${i + 1}`, `expected 'node,domain', got '${line.slice(0, 60)}'`));
      if (!isIntText(cells[0])) return left(err(`line ${i + 1}`, `node '${cells[0]}' is not a non-negative integer`));
      pairs.push([Number(cells[0]), cells[1], `line ${i + 1}`]);
    }
  }
  const byNode = new Map<number, string>();
  for (const [node, name, where] of pairs) {
    if (node >= v) return left(err(where, `node ${node} is outside 0..${v - 1}`));
    if (byNode.has(node)) return left(err(where, `duplicate node: node ${node} is listed twice (each node belongs to exactly one domain)`));
    byNode.set(node, name);
  }
  for (let x = 0; x < v; x++) if (!byNode.has(x)) return left(err('domains', `node ${x} has no domain (every node 0..${v - 1} needs one)`));
  const names = [...new Set(byNode.values())].sort();
  const idx = new Map(names.map((n, i) => [n, i] as const));
  const domainOf = new Int32Array(v);
  for (let x = 0; x < v; x++) domainOf[x] = idx.get(byNode.get(x)!)!;
  return right({ domainOf, names });
}
