import { Command } from 'commander';
import { enumArg, intArg } from '../../spec/cli';
import { ExploreResult, explore } from '../../core/check/explorer';
import { CraqCheckConfig, DEFAULT_CHECK_CONFIG, craqModel } from '../../core/check/craq-model';
import { CRAQ_MUTANTS, CRAQ_MUTANT_NAMES, CraqMutant } from '../../core/craq/mutants';
import { CHAIN_MANAGER_MUTANTS } from '../../core/chain/transition';
import { LEASE_MUTANTS } from '../../core/chain/lease';
import { RECOVERY_MUTANTS } from '../../core/chain/recovery';
import { CHECK_CONFIGS } from '../../properties/check-configs';
import { CliError, EXIT_BAD_INPUT, action, boolFlagDefault, decodeOptions, optional, printJson, Register } from './common';

function progressPrinter(): ((p: { states: number; transitions: number; depth: number; frontier: number }) => void) | undefined {
  if (!process.stderr.isTTY) return undefined;
  const t0 = Date.now();
  return (p) => {
    const s = (Date.now() - t0) / 1000;
    if (s < 2) return;
    process.stderr.write(`\r${p.states.toLocaleString('en-US')} states, ${Math.round(p.states / s).toLocaleString('en-US')} states/s, depth ${p.depth}, frontier ${p.frontier.toLocaleString('en-US')}   `);
  };
}

export interface CheckReport {
  readonly model: string;
  readonly config: unknown;
  readonly states: number;
  readonly transitions: number;
  readonly depth: number;
  readonly exhaustive: boolean;
  readonly limitedBy: string | null;
  readonly violations: { invariant: string; message: string; trace: readonly string[] }[];
  readonly bytesPerState: number;
  readonly seconds: number;
}

export function report(model: string, config: unknown, r: ExploreResult, seconds: number): CheckReport {
  return {
    model,
    config,
    states: r.states,
    transitions: r.transitions,
    depth: r.depth,
    exhaustive: r.exhaustive,
    limitedBy: r.limitedBy,
    violations: r.violations.map((v) => ({ invariant: v.invariant, message: v.message, trace: v.trace })),
    bytesPerState: r.bytesPerState,
    seconds,
  };
}

export function printReport(rep: CheckReport): void {
  const lines = [
    `model ${rep.model}: ${rep.states.toLocaleString('en-US')} states, ${rep.transitions.toLocaleString('en-US')} transitions, depth ${rep.depth}, ${rep.seconds.toFixed(2)} s`,
    rep.exhaustive ? 'exhaustive: every reachable state within the configured bounds was explored' : `NOT exhaustive: stopped by ${rep.limitedBy}`,
  ];
  if (rep.violations.length === 0) lines.push('no violation');
  for (const v of rep.violations) {
    lines.push(`VIOLATION ${v.invariant}: ${v.message}`, `shortest trace (${v.trace.length} steps):`);
    v.trace.forEach((l, i) => lines.push(`  ${String(i + 1).padStart(3)}. ${l}`));
  }
  process.stdout.write(lines.join('\n') + '\n');
}

const mutantArg = enumArg(CRAQ_MUTANT_NAMES);

export const register: Register = (program: Command) => {
  program
    .command('check')
    .description('model-check the CRAQ core (every interleaving within bounds), or run a named configuration')
    .option('--model <m>', 'model: craq', 'craq')
    .option('--replicas <R>', 'chain length', String(DEFAULT_CHECK_CONFIG.replicas))
    .option('--clients <C>', 'clients', String(DEFAULT_CHECK_CONFIG.clients))
    .option('--writes <W>', 'writes per client', String(DEFAULT_CHECK_CONFIG.writes))
    .option('--reads <N>', 'reads per client (after its writes)', String(DEFAULT_CHECK_CONFIG.reads))
    .option('--crashes <F>', 'target crashes (each followed by a restart)', '0')
    .option('--drops <D>', 'messages that may be lost', '0')
    .option('--dups <D>', 'messages that may be duplicated', '0')
    .option('--timeouts <T>', 'timer firings (retries after loss or crash)', '0')
    .option('--dirty-read <policy>', '3fs or craq', '3fs')
    .option('--mutant <name>', 'plant a bug (see --list-mutants)')
    .option('--bfs', 'breadth-first (default; shortest counterexamples)')
    .option('--dfs', 'depth-first')
    .option('--max-states <N>', 'stop after this many states (reported as not exhaustive)', '2000000')
    .option('--max-depth <N>', 'do not expand past this depth (reported as not exhaustive)')
    .option('--config <name>', 'run a named configuration (see --list-configs)')
    .option('--list-mutants', 'print the planted-bug catalogue, one name a line')
    .option('--list-configs', 'print the named configurations')
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      '\nExit: 0 no violation, 1 a violation, 2 bad arguments.\nExamples:\n  chainrep check --model craq --replicas 3 --clients 2 --writes 2 --reads 1\n  chainrep check --mutant versionQueryToHead --writes 1 --reads 2 --dirty-read craq\n  chainrep check --config craq-r3-c2-w2r1 --json\n',
    )
    .action(
      action((raw: Record<string, unknown>) => {
        if (raw.listMutants) {
          const all = { ...CRAQ_MUTANTS, ...CHAIN_MANAGER_MUTANTS, ...RECOVERY_MUTANTS, ...LEASE_MUTANTS };
          if (raw.json) printJson(Object.entries(all).map(([name, description]) => ({ name, description })));
          else process.stdout.write(Object.keys(all).join('\n') + '\n');
          return 0;
        }
        if (raw.listConfigs) {
          if (raw.json) printJson(CHECK_CONFIGS.map((c) => ({ name: c.name, model: c.model, note: c.note, maxStates: c.maxStates })));
          else process.stdout.write(CHECK_CONFIGS.map((c) => `${c.name.padEnd(28)} ${c.model.padEnd(14)} ${c.note}`).join('\n') + '\n');
          return 0;
        }
        if (raw.bfs && raw.dfs) throw new CliError(EXIT_BAD_INPUT, '--bfs and --dfs exclude each other');
        const o = decodeOptions(
          {
            model: enumArg(['craq'] as const),
            replicas: intArg(1, 6),
            clients: intArg(1, 4),
            writes: intArg(0, 4),
            reads: intArg(0, 4),
            crashes: intArg(0, 3),
            drops: intArg(0, 4),
            dups: intArg(0, 4),
            timeouts: intArg(0, 8),
            dirtyRead: enumArg(['3fs', 'craq'] as const),
            mutant: optional(mutantArg),
            maxStates: intArg(1, 1e9),
            maxDepth: optional(intArg(0, 1e6)),
            config: optional(enumArg(CHECK_CONFIGS.map((c) => c.name))),
            json: boolFlagDefault,
          },
          raw,
        );
        const mode = raw.dfs ? 'dfs' : 'bfs';
        const onProgress = progressPrinter();
        const t0 = Date.now();
        let rep: CheckReport;
        if (o.config) {
          const named = CHECK_CONFIGS.find((c) => c.name === o.config)!;
          const r = named.run({ mode, onProgress, progressEvery: 20_000, maxDepth: o.maxDepth });
          rep = report(named.model, { name: named.name, note: named.note, maxStates: named.maxStates, ...(named.params ?? {}) }, r, (Date.now() - t0) / 1000);
        } else {
          const cfg: CraqCheckConfig = {
            ...DEFAULT_CHECK_CONFIG,
            replicas: o.replicas,
            clients: o.clients,
            writes: o.writes,
            reads: o.reads,
            crashes: o.crashes,
            drops: o.drops,
            dups: o.dups,
            timeouts: o.timeouts,
            dirtyRead: o.dirtyRead,
            mutant: o.mutant as CraqMutant | undefined,
          };
          const r = explore(craqModel(cfg), { mode, maxStates: o.maxStates, maxDepth: o.maxDepth, onProgress, progressEvery: 20_000 });
          rep = report('craq', cfg, r, (Date.now() - t0) / 1000);
        }
        if (onProgress) process.stderr.write('\n');
        if (o.json) printJson(rep);
        else printReport(rep);
        return rep.violations.length > 0 ? 1 : 0;
      }),
    );
};
