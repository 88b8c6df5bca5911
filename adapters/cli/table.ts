/**
 * `chainrep table generate|analyze|expand|plot`: balanced chain tables (issue 4).
 * The clock and the files live here; core/placement is pure and seeded. The command
 * functions (`runGenerate`, `runAnalyze`, `runExpand`, `runPlot`) take an injected `TableIo`
 * so tests call them directly.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Command } from 'commander';
import * as t from 'io-ts';
import { isLeft } from 'fp-ts/Either';
import { SingleBar, Presets } from 'cli-progress';
import { intArg, floatArg, enumArg, boolFlag } from '../../spec/cli';
import { parseDomainsText, parseTableText, DecodedTable } from '../../spec/placement';
import { ChainTable, NODES_MAX, TableParams, chainCount, validateParams } from '../../core/placement/params';
import { GenState, GenerateResult, checkDomains, startGeneration, stepGeneration } from '../../core/placement/generate';
import { startExpansion, startRepair, finishExpansion, ExpandResult } from '../../core/placement/expand';
import { Analysis, analyzeWithNaive, metrics } from '../../core/placement/analysis';
import { TABLE_FORMATS, TableFormat, THREE_FS_DEFAULTS, tableCsv, tableJson, tableSvg, threeFsFiles } from './table-output';
import { CliError, EXIT_BAD_INPUT, EXIT_FINDING, EXIT_OK, Register, action, decodeOptions, optional, progressEnabled } from './common';

/** Everything a table command touches outside the process: injected so tests need no disk or TTY. */
export interface TableIo {
  readFile(file: string): string;
  /** write a file, creating its directory */
  writeFile(file: string, content: string): void;
  stdout(s: string): void;
  stderr(s: string): void;
  nowMs(): number;
  /** show a progress bar (stderr is a TTY and not --quiet) */
  progress(quiet: boolean): boolean;
}

export const nodeIo: TableIo = {
  readFile: (file) => fs.readFileSync(file === '-' ? 0 : file, 'utf8'),
  writeFile: (file, content) => {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
  },
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
  nowMs: () => Number(process.hrtime.bigint()) / 1e6,
  progress: (quiet) => progressEnabled(quiet),
};

const anyInt = intArg(Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
const pathArg = new t.Type<string, string, unknown>(
  'path',
  (u): u is string => typeof u === 'string',
  (u, c) => (typeof u === 'string' && u.length > 0 ? t.success(u) : t.failure(u, c, 'expected a non-empty path')),
  (a) => a,
);

const outputCodecs = {
  seed: intArg(0, 0xffffffff),
  domains: optional(pathArg),
  timeLimit: floatArg(0, 1e6),
  iterations: optional(intArg(1, 1e10)),
  format: enumArg(TABLE_FORMATS),
  out: optional(pathArg),
  quiet: boolFlag,
  json: boolFlag,
  nodeIdBegin: intArg(0, 999_999),
  disksPerNode: intArg(1, 999),
  targetIdPrefix: intArg(0, 99),
  chainIdPrefix: intArg(0, 99),
};

const outputDefaults = {
  seed: '1',
  timeLimit: '60',
  format: 'json',
  nodeIdBegin: String(THREE_FS_DEFAULTS.nodeIdBegin),
  disksPerNode: '1',
  targetIdPrefix: '10',
  chainIdPrefix: '10',
} as const;

const generateCodecs = { nodes: anyInt, targetsPerNode: anyInt, replicas: anyInt, ...outputCodecs };


function read(io: TableIo, file: string, what: string): string {
  try {
    return io.readFile(file);
  } catch (e) {
    throw new CliError(EXIT_BAD_INPUT, `cannot read ${what} ${file}: ${(e as Error).message}`);
  }
}

function loadDomains(io: TableIo, file: string | undefined, p: TableParams): Int32Array | undefined {
  if (file === undefined) return undefined;
  const d = parseDomainsText(read(io, file, 'domains file'), p.v);
  if (isLeft(d)) throw new CliError(EXIT_BAD_INPUT, `--domains ${file}: ${d.left.field}: ${d.left.message}`);
  const ok = checkDomains(p, d.right.domainOf);
  if (isLeft(ok)) throw new CliError(EXIT_BAD_INPUT, `--domains ${file}: constraint '${ok.left.constraint}' violated: ${ok.left.message}`);
  return d.right.domainOf;
}

function loadTable(io: TableIo, file: string): DecodedTable {
  const d = parseTableText(read(io, file, 'table file'));
  if (isLeft(d)) throw new CliError(EXIT_BAD_INPUT, `${file}: ${d.left.field}: ${d.left.message}`);
  return d.right;
}

/** Search moves between clock checks and progress updates. */
const CHUNK_MOVES = 20_000;

/** Drive a generation machine: the wall clock decides when to stop; progress after 1 s. */
export async function drive(start: GenState, io: TableIo, timeLimitS: number, quiet: boolean): Promise<GenerateResult> {
  let state = start;
  const t0 = io.nowMs();
  let bar: SingleBar | undefined;
  const show = io.progress(quiet);
  for (;;) {
    const elapsed = io.nowMs() - t0;
    const over = timeLimitS > 0 && elapsed > timeLimitS * 1000;
    const [next, effects] = stepGeneration(state, over ? { kind: 'stop' } : { kind: 'run', iterations: CHUNK_MOVES });
    state = next;
    for (const e of effects) {
      if (e.kind === 'finished') {
        bar?.stop();
        return e.result;
      }
      if (show && !bar && elapsed > 1000) {
        bar = new SingleBar(
          { stream: process.stderr, format: 'table search [{bar}] {percentage}% | {value}/{total} moves | {bad} pairs off the band | {duration}s', hideCursor: true },
          Presets.shades_classic,
        );
        bar.start(e.budget, e.iterations, { bad: e.bad });
      }
      bar?.update(e.iterations, { bad: e.bad });
    }
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

type OutputOptions = ReturnType<typeof decodeOutput>;
function decodeOutput(raw: Record<string, unknown>) {
  return decodeOptions(outputCodecs, raw, outputDefaults);
}

/** Render and emit the table; returns the files written (empty when printed to stdout). */
function emit(io: TableIo, table: ChainTable, o: OutputOptions, domainOf: Int32Array | undefined): string[] {
  const fmt: TableFormat = o.format;
  const m = metrics(table, domainOf);
  let files: Record<string, string>;
  if (fmt === '3fs') {
    const r = threeFsFiles(table, {
      nodeIdBegin: o.nodeIdBegin,
      disksPerNode: o.disksPerNode,
      targetIdPrefix: o.targetIdPrefix,
      chainIdPrefix: o.chainIdPrefix,
    });
    if (isLeft(r)) throw new CliError(EXIT_BAD_INPUT, `--format 3fs: constraint '${r.left.constraint}' violated: ${r.left.message}`);
    files = r.right;
    if (o.out === undefined) throw new CliError(EXIT_BAD_INPUT, '--out: required with --format 3fs (it writes three files)');
  } else {
    const body = fmt === 'json' ? tableJson(table, m) : fmt === 'csv' ? tableCsv(table) : tableSvg(table, domainOf);
    if (o.out === undefined) {
      io.stdout(body);
      return [];
    }
    files = { [`chain_table.${fmt}`]: body };
  }
  const written: string[] = [];
  for (const [name, content] of Object.entries(files)) {
    const file = path.join(o.out, name);
    io.writeFile(file, content);
    written.push(file);
  }
  return written;
}

function report(io: TableIo, o: OutputOptions, summary: Record<string, unknown>, text: string, toStdout: boolean): void {
  if (o.json) (toStdout ? io.stdout : io.stderr)(JSON.stringify(summary) + '\n');
  else if (!o.quiet || toStdout) (toStdout ? io.stdout : io.stderr)(text);
}

function resultSummary(res: GenerateResult, seconds: number, domainOf?: Int32Array) {
  return {
    status: res.status,
    method: res.method,
    note: res.note,
    spread: res.spread,
    iterations: res.iterations,
    stopped: res.stopped,
    seconds: Math.round(seconds * 1000) / 1000,
    metrics: metrics(res.table, domainOf),
  };
}

function resultText(res: GenerateResult, seconds: number, domainOf?: Int32Array): string {
  const m = metrics(res.table, domainOf);
  const t = res.table;
  return (
    `table: v=${t.v} k=${t.k} r=${t.r} b=${t.chains.length}; ${res.method}\n` +
    `status: ${res.status}: ${res.note}\n` +
    `pairs${domainOf ? ' (cross-domain)' : ''}: min ${m.pairMin} max ${m.pairMax} mean ${m.pairMean}; heads ${m.headMin}..${m.headMax}; copysets ${m.copysets}; ${seconds.toFixed(3)} s\n`
  );
}

const exitFor = (res: GenerateResult) => (res.status === 'exact' || res.status === 'near' ? EXIT_OK : EXIT_FINDING);

export async function runGenerate(raw: Record<string, unknown>, io: TableIo = nodeIo): Promise<number> {
  const g = decodeOptions(generateCodecs, raw, outputDefaults);
  const o: OutputOptions = g;
  const pv = validateParams(g.nodes, g.replicas, g.targetsPerNode);
  if (isLeft(pv)) throw new CliError(EXIT_BAD_INPUT, `constraint '${pv.left.constraint}' violated: ${pv.left.message}`);
  const p = pv.right;
  const domainOf = loadDomains(io, o.domains, p);
  const t0 = io.nowMs();
  const res = await drive(startGeneration(p, { seed: o.seed, domainOf, iterationsMax: o.iterations }), io, o.timeLimit, o.quiet);
  const seconds = (io.nowMs() - t0) / 1000;
  const files = emit(io, res.table, o, domainOf);
  report(io, o, { ...resultSummary(res, seconds, domainOf), files }, resultText(res, seconds, domainOf) + files.map((f) => `wrote ${f}\n`).join(''), files.length > 0);
  return exitFor(res);
}

export async function runExpand(file: string, raw: Record<string, unknown>, io: TableIo = nodeIo): Promise<number> {
  const e = decodeOptions({ addNodes: anyInt, skipCompare: boolFlag }, raw);
  const o = decodeOutput(raw);
  const old = loadTable(io, file);
  if (e.addNodes < 1) throw new CliError(EXIT_BAD_INPUT, `constraint 'add-nodes >= 1' violated: --add-nodes is ${e.addNodes}`);
  const n = old.v + e.addNodes;
  if (n > NODES_MAX) throw new CliError(EXIT_BAD_INPUT, `constraint 'nodes <= ${NODES_MAX}' violated: ${n} nodes after expansion`);
  const domainOf = loadDomains(io, o.domains, { v: n, k: old.k, r: old.r });
  const opts = { seed: o.seed, domainOf, iterationsMax: o.iterations };
  const st = startExpansion(old, e.addNodes, opts);
  if (isLeft(st)) throw new CliError(EXIT_BAD_INPUT, `constraint '${st.left.constraint}' violated: ${st.left.message}`);
  const t0 = io.nowMs();
  const first = await drive(st.right, io, o.timeLimit, o.quiet);
  const elapsedS = () => (io.nowMs() - t0) / 1000;
  const rest = () => (o.timeLimit > 0 ? Math.max(1, o.timeLimit - elapsedS()) : 0);
  const isBalanced = (r: GenerateResult) => r.status === 'exact' || r.status === 'near';
  // balance not restored: a repair search at a low price per moved target
  const repaired = isBalanced(first) ? undefined : await drive(startRepair(old, e.addNodes, first, opts), io, rest(), o.quiet);
  const res = first;
  // the full regeneration for v+N: the comparison, and the fallback (relabelled onto the old
  // table) when the search did not restore balance; it gets the rest of the time limit
  const needRegen = !e.skipCompare || !(isBalanced(res) || (repaired !== undefined && isBalanced(repaired)));
  const fresh = needRegen ? await drive(startGeneration({ v: n, k: old.k, r: old.r }, opts), io, rest(), o.quiet) : undefined;
  const full: ExpandResult = finishExpansion(old, e.addNodes, res, { ...opts, compare: !e.skipCompare }, fresh, repaired);
  const seconds = (io.nowMs() - t0) / 1000;
  const files = emit(io, full.table, o, domainOf);
  const moves = {
    moved: full.moved,
    movedLowerBound: full.movedLowerBound,
    regenerationMoved: full.regenerationMoved ?? null,
    relabelledMoved: full.relabelledMoved ?? null,
    searchMoved: full.searchMoved,
    source: full.source,
    existingTargets: old.v * old.r,
  };
  const text =
    resultText(full, seconds, domainOf) +
    `moved targets: ${full.moved} of ${old.v * old.r} existing (lower bound for spread <= 1: ${full.movedLowerBound}); from the ${full.source}` +
    (full.regenerationMoved !== undefined
      ? `; incremental search ${full.searchMoved}, regeneration relabelled ${full.relabelledMoved}, a full regeneration as generated would move ${full.regenerationMoved}\n`
      : '\n') +
    files.map((f) => `wrote ${f}\n`).join('');
  report(io, o, { ...resultSummary(full, seconds, domainOf), ...moves, files }, text, files.length > 0);
  return exitFor(full);
}

const fmtN = (x: number) => (Number.isInteger(x) ? String(x) : x.toFixed(4));
const fmtP = (x: number) => (x === 0 ? '0' : x.toExponential(4));

function analysisRows(a: Analysis): [string, string][] {
  const rows: [string, string][] = [
    ['pair count min / max / mean', `${a.pairs.min} / ${a.pairs.max} / ${fmtN(a.pairs.mean)}`],
    ['recovery per peer max / min (targets)', `${fmtN(a.recovery.maxPerPeer)} / ${fmtN(a.recovery.minPerPeer)}`],
    ['peers sharing a failed node\'s load', `${a.recovery.peersMin}..${a.recovery.peersMax}`],
    ['head count min..max', `${a.positions.headMin}..${a.positions.headMax}`],
    ['tail count min..max', `${a.positions.tailMin}..${a.positions.tailMax}`],
    ['distinct copysets', String(a.copysets)],
  ];
  for (const l of a.loss) rows.push([`P(data loss), ${l.f} nodes fail`, `${fmtP(l.probability)} (${l.losingSets}/${l.allSets})`]);
  return rows;
}

function analysisJson(a: Analysis) {
  return {
    pairs: a.pairs,
    positions: a.positions,
    copysets: a.copysets,
    recovery: { ...a.recovery, perNodeMax: undefined, perNodeMin: undefined },
    loss: a.loss.map((l) => ({ f: l.f, probability: l.probability, losingSets: String(l.losingSets), allSets: String(l.allSets), method: l.method })),
  };
}

export function runAnalyze(file: string, raw: Record<string, unknown>, io: TableIo = nodeIo): number {
  const o = decodeOptions({ domains: optional(pathArg), json: boolFlag }, raw);
  const table = loadTable(io, file);
  const domainOf = loadDomains(io, o.domains, table);
  const both = analyzeWithNaive(table, domainOf);
  if (o.json) {
    io.stdout(JSON.stringify({ nodes: table.v, replicas: table.k, targetsPerNode: table.r, chains: chainCount(table), table: analysisJson(both.table), naive: analysisJson(both.naive), lossMethod: both.table.loss.map((l) => `f=${l.f}: ${l.method}`) }) + '\n');
    return EXIT_OK;
  }
  const a = analysisRows(both.table);
  const b = analysisRows(both.naive);
  const w0 = Math.max(...a.map((r) => r[0].length)) + 2;
  const w1 = Math.max(12, ...a.map((r) => r[1].length)) + 2;
  const lines = [
    `chain table ${file}: v=${table.v} k=${table.k} r=${table.r} b=${chainCount(table)}${domainOf ? ' (pair figures over cross-domain pairs)' : ''}`,
    `${''.padEnd(w0)}${'this table'.padEnd(w1)}naive disjoint groups (3FS README)`,
    ...a.map((r, i) => `${r[0].padEnd(w0)}${r[1].padEnd(w1)}${b[i]?.[1] ?? ''}`),
    `loss probabilities are exact: ${both.table.loss.map((l) => `f=${l.f} ${l.method}`).join('; ')}`,
  ];
  io.stdout(lines.join('\n') + '\n');
  return EXIT_OK;
}

export function runPlot(file: string, raw: Record<string, unknown>, io: TableIo = nodeIo): number {
  const o = decodeOptions({ domains: optional(pathArg), out: optional(pathArg) }, raw);
  const table = loadTable(io, file);
  const domainOf = loadDomains(io, o.domains, table);
  const svg = tableSvg(table, domainOf);
  if (o.out === undefined) io.stdout(svg);
  else {
    const target = o.out.endsWith('.svg') ? o.out : path.join(o.out, 'chain_table.svg');
    io.writeFile(target, svg);
    io.stdout(`wrote ${target}\n`);
  }
  return EXIT_OK;
}

function outputOptions(cmd: Command): Command {
  return cmd
    .option('--seed <n>', 'seed for every random choice (same arguments + seed = same bytes)', '1')
    .option('--domains <file>', 'failure domains: node -> rack (JSON array/object or "node,domain" lines); a chain never holds two nodes of one domain')
    .option('--time-limit <seconds>', 'stop the search after this many seconds (0 = none); a stopped search is not reproducible', '60')
    .option('--iterations <n>', 'search budget in moves (default grows with v*r)')
    .option('--format <format>', 'json | csv | 3fs | svg', 'json')
    .option('--out <dir>', 'write files here (chain_table.<format>, or the three 3FS files) instead of stdout')
    .option('--node-id-begin <id>', '3fs: 3FS node id of node 0', String(THREE_FS_DEFAULTS.nodeIdBegin))
    .option('--disks-per-node <n>', '3fs: disks per node (the table is repeated per disk)', '1')
    .option('--target-id-prefix <n>', '3fs: target id prefix', '10')
    .option('--chain-id-prefix <n>', '3fs: chain id prefix', '10')
    .option('--quiet', 'no progress bar and no summary on stderr')
    .option('--json', 'print the summary as one JSON object');
}

const HELP = `
Exit codes: 0 the table meets the bound (all pair counts equal, or spread 1 when the mean is
fractional), 1 it does not (the status says whether that is proven impossible or the search
stopped first; the table is still written), 2 bad input, 3 internal error.

Examples:
  $ chainrep table generate --nodes 25 --targets-per-node 12 --replicas 3
  $ chainrep table generate --nodes 127 --targets-per-node 35 --replicas 5 --format 3fs --out out/
  $ chainrep table generate --nodes 24 --targets-per-node 11 --replicas 3 --domains racks.txt --format csv
  $ chainrep table analyze out/generated_chains.csv
  $ chainrep table expand table.json --add-nodes 6 --out grown/
  $ chainrep table plot table.json --out heatmap.svg`;

export const register: Register = (program: Command) => {
  const table = program
    .command('table')
    .description('balanced chain tables: block designs, searched near-designs, analysis, expansion, 3FS output')
    .addHelpText('after', HELP);
  outputOptions(
    table
      .command('generate')
      .description('generate a chain table: v nodes, r targets per node, chains of k distinct nodes (b = v*r/k chains)')
      .requiredOption('--nodes <v>', 'number of nodes (numbered 0..v-1)')
      .requiredOption('--targets-per-node <r>', 'chains (targets) per node')
      .requiredOption('--replicas <k>', 'chain length'),
  )
    .addHelpText('after', HELP)
    .action(action((raw: Record<string, unknown>) => runGenerate(raw)));
  table
    .command('analyze')
    .description('pair counts, recovery traffic, head/tail balance, copysets and exact data-loss probabilities, next to the naive layout')
    .argument('<file>', 'table: JSON, CSV (ChainId,NodeId,...) or 3FS generated_chains.csv')
    .option('--domains <file>', 'failure domains (pair figures then range over cross-domain pairs)')
    .option('--json', 'print one JSON object {table, naive, ...}')
    .addHelpText('after', '\nExample:\n  $ chainrep table analyze table.json\n  $ chainrep table analyze --json generated_chains.csv')
    .action(action((file: string, raw: Record<string, unknown>) => runAnalyze(file, raw)));
  outputOptions(
    table
      .command('expand')
      .description('add nodes to a table, moving as few existing targets as possible while restoring balance')
      .argument('<file>', 'table: JSON, CSV or 3FS generated_chains.csv')
      .requiredOption('--add-nodes <n>', 'nodes to add (numbered v..v+n-1)')
      .option('--no-compare', 'skip the full regeneration used for comparison'),
  )
    .addHelpText('after', '\nExample:\n  $ chainrep table expand table.json --add-nodes 6 --format json --out grown/')
    .action(
      action((file: string, raw: Record<string, unknown>) => {
        const { compare, ...rest } = raw;
        return runExpand(file, { ...rest, skipCompare: compare === false });
      }),
    );
  table
    .command('plot')
    .description('SVG: pair-count heatmap and per-peer recovery traffic')
    .argument('<file>', 'table: JSON, CSV or 3FS generated_chains.csv')
    .option('--domains <file>', 'failure domains')
    .option('--out <file>', 'write here (a .svg file, or a directory) instead of stdout')
    .addHelpText('after', '\nExample:\n  $ chainrep table plot table.json --out heatmap.svg')
    .action(action((file: string, raw: Record<string, unknown>) => runPlot(file, raw)));
};
