/**
 * `chainrep sim`: the whole-cluster deterministic simulator (core/check/sim.ts, issue 7).
 * One seed = one run; a failing run is shrunk to a short fault schedule and printed with
 * the exact command that replays it. `chainrep sim soak --minutes M` runs seeds until the
 * time is up (the wall clock stays here, in the adapter).
 */
import * as fs from 'node:fs';
import * as t from 'io-ts';
import { Command } from 'commander';
import { isLeft } from 'fp-ts/Either';
import { enumArg, intArg, listArg } from '../../spec/cli';
import { FAULT_CLASSES, FaultSchedule, decodeSchedule, describeFault } from '../../spec/sim';
import { CRAQ_MUTANT_NAMES } from '../../core/craq/mutants';
import { DEFAULT_SIM_OPTIONS, SimOptions, SimReport, runSim } from '../../core/check/sim';
import { ShrinkResult, shrinkRun, soak } from '../../core/check/sim-soak';
import { action, boolFlagDefault, CliError, decodeOptions, EXIT_BAD_INPUT, EXIT_FINDING, optional, printJson, progressEnabled, Register } from './common';

const RUN_CODECS = {
  ticks: intArg(1000, 100_000_000),
  settleMs: intArg(0, 100_000_000),
  nodes: intArg(1, 64),
  replicas: intArg(1, 16),
  chains: optional(intArg(1, 256)),
  clients: intArg(1, 64),
  faults: listArg(FAULT_CLASSES),
  dirtyRead: enumArg(['3fs', 'craq'] as const),
  recovery: enumArg(['protocol', 'none'] as const),
  mutant: optional(enumArg(CRAQ_MUTANT_NAMES)),
  json: boolFlagDefault,
};

const RUN_DEFAULTS = {
  ticks: '15000',
  settleMs: '10000',
  nodes: String(DEFAULT_SIM_OPTIONS.nodes),
  replicas: String(DEFAULT_SIM_OPTIONS.replicas),
  clients: String(DEFAULT_SIM_OPTIONS.clients),
  faults: FAULT_CLASSES.join(','),
  dirtyRead: '3fs',
  recovery: 'protocol',
};

type RunFlags = ReturnType<typeof decodeOptions<typeof RUN_CODECS>>;

function simOptions(o: RunFlags): Omit<Partial<SimOptions>, 'seed'> {
  if (o.replicas > o.nodes) throw new CliError(EXIT_BAD_INPUT, `--replicas: must be at most --nodes (${o.nodes}), got ${o.replicas}`);
  return {
    durationMs: o.ticks,
    settleMs: o.settleMs,
    nodes: o.nodes,
    replicas: o.replicas,
    chains: o.chains ?? o.nodes,
    clients: o.clients,
    faults: o.faults,
    dirtyRead: o.dirtyRead,
    recovery: o.recovery,
    ...(o.mutant ? { mutant: o.mutant } : {}),
  };
}

function withRunOptions(cmd: Command): Command {
  return cmd
    .option('--ticks <T>', 'simulated milliseconds of workload (faults in the first 60%)', RUN_DEFAULTS.ticks)
    .option('--settle-ms <ms>', 'fault-free time after the workload before the final reads and checks', RUN_DEFAULTS.settleMs)
    .option('--nodes <N>', 'storage nodes (the manager runs on one more host)', RUN_DEFAULTS.nodes)
    .option('--replicas <K>', 'targets per chain (chain c on nodes c..c+K-1)', RUN_DEFAULTS.replicas)
    .option('--chains <C>', 'chains (default: one per node)')
    .option('--clients <M>', 'clients issuing reads and writes', RUN_DEFAULTS.clients)
    .option('--faults <list>', `fault classes (${FAULT_CLASSES.join(',')}; empty for none)`, RUN_DEFAULTS.faults)
    .option('--dirty-read <3fs|craq>', 'dirty-read policy of the targets', RUN_DEFAULTS.dirtyRead)
    .option('--recovery <protocol|none>', 'recovery sync: the real protocol, or none (syncing targets stay syncing)', RUN_DEFAULTS.recovery)
    .option('--mutant <name>', `plant a CRAQ bug (${CRAQ_MUTANT_NAMES.join(', ')}) to see the checkers catch it`)
    .option('--json', 'print one JSON object');
}

const fmtH = (ms: number) => (ms / 3_600_000).toFixed(3);

function summaryLines(r: SimReport): string[] {
  const f = r.faults;
  const lines = [
    `chainrep sim: seed ${r.seed}, ${r.nodes} nodes, ${r.chains} chains x ${r.replicas} replicas, ${(r.simulatedMs / 1000).toFixed(1)} s simulated, ${r.events} events`,
    `  operations   ${r.ops.invoked} invoked (${r.ops.reads} reads, ${r.ops.writes} writes): ${r.ops.ok} ok, ${r.ops.failed} failed, ${r.ops.pending} never returned`,
    `  faults       ${f.scheduled} scheduled: ${f.crashes} crashes / ${f.restarts} restarts, ${f.diskFailures} disk failures, ${f.tornWrites} torn writes (${f.tornDetected} detected), ` +
      `${f.messagesDropped} lost, ${f.messagesDuplicated} duplicated, ${f.messagesDelayed} delayed, ${f.partitionedDrops} cut by partitions, ${f.fenced} client requests fenced (no lease); ${f.syncs} recovery syncs; routing v${r.routingVersion}`,
    `  checks`,
  ];
  for (const c of r.checks) lines.push(`    ${c.status.padEnd(7)} ${c.name}: ${c.status === 'fail' ? '' : c.detail}`);
  for (const c of r.checks.filter((x) => x.status === 'fail')) lines.push('', `FAILED ${c.name}:`, ...c.detail.split('\n').map((l) => '  ' + l));
  return lines;
}

function replayCommand(seed: number, o: RunFlags, schedule: FaultSchedule): string {
  const parts = [`chainrep sim --seed ${seed} --ticks ${o.ticks} --settle-ms ${o.settleMs} --nodes ${o.nodes} --replicas ${o.replicas}`];
  if (o.chains !== undefined) parts.push(`--chains ${o.chains}`);
  parts.push(`--clients ${o.clients} --dirty-read ${o.dirtyRead} --recovery ${o.recovery}`);
  if (o.mutant) parts.push(`--mutant ${o.mutant}`);
  parts.push(`--replay '${JSON.stringify(schedule)}'`);
  return parts.join(' ');
}

function readSchedule(arg: string): FaultSchedule {
  let text = arg;
  if (arg.startsWith('@')) {
    try {
      text = fs.readFileSync(arg.slice(1), 'utf8');
    } catch (e) {
      throw new CliError(EXIT_BAD_INPUT, `--replay: cannot read ${arg.slice(1)}: ${(e as Error).message}`);
    }
  }
  const r = decodeSchedule(text);
  if (isLeft(r)) throw new CliError(EXIT_BAD_INPUT, `--replay: ${r.left.field}: ${r.left.message}`);
  return r.right;
}

export const register: Register = (program: Command) => {
  const sim = withRunOptions(
    program
      .command('sim')
      .description('whole-cluster deterministic simulation: targets, chain manager fed by SWIM, clients; seeded faults; end-of-run checks')
      .option('--seed <S>', 'the seed (the same seed replays the same run)', '1')
      .option('--replay <schedule>', 'replay this fault schedule (JSON, or @file) instead of drawing one')
      .option('--no-shrink', 'do not shrink a failing run'),
  ).addHelpText(
    'after',
    '\nExamples:\n  chainrep sim --seed 7 --ticks 20000 --faults loss,partition,crash\n' +
      '  chainrep sim --seed 3 --mutant headRepliesBeforeCommit --json\n' +
      '  chainrep sim soak --minutes 5\n' +
      'A failing run prints the failure, a shrunk fault schedule and the command that replays it. Exit 1 on a failed check.\n',
  );
  sim.action(
    action((raw: Record<string, unknown>) => {
      const o = decodeOptions({ ...RUN_CODECS, seed: intArg(0, 2 ** 32 - 1), replay: optional(t.string), shrink: boolOrTrue }, raw, { ...RUN_DEFAULTS, seed: '1' });
      const base = simOptions(o);
      const schedule = o.replay !== undefined ? readSchedule(o.replay) : undefined;
      const opts = { ...base, seed: o.seed, ...(schedule ? { schedule } : {}) };
      const r = runSim(opts);
      let shrunk: ShrinkResult | undefined;
      if (!r.ok && o.shrink && r.schedule.length > 0) {
        if (progressEnabled(o.json)) process.stderr.write(`shrinking a schedule of ${r.schedule.length} faults...\n`);
        shrunk = shrinkRun(opts, r);
      }
      if (o.json) {
        printJson({
          ...r,
          replay: replayCommand(o.seed, o, r.schedule),
          ...(shrunk ? { shrunk: { schedule: shrunk.schedule, runs: shrunk.runs, minimal: shrunk.minimal, failing: shrunk.failing, replay: replayCommand(o.seed, o, shrunk.schedule) } } : {}),
        });
      } else {
        const lines = summaryLines(r);
        if (!r.ok) {
          lines.push('', `fault schedule (${r.schedule.length}):`, ...r.schedule.map((f) => '  ' + describeFault(f)));
          lines.push('', 'replay:', '  ' + replayCommand(o.seed, o, r.schedule));
          if (shrunk) {
            lines.push('', `shrunk to ${shrunk.schedule.length} faults in ${shrunk.runs} replays (${shrunk.minimal ? '1-minimal' : 'stopped at the replay limit'}), still failing ${shrunk.failing.join(', ')}:`);
            lines.push(...shrunk.schedule.map((f) => '  ' + describeFault(f)));
            lines.push('', 'replay the shrunk run:', '  ' + replayCommand(o.seed, o, shrunk.schedule));
          }
        }
        process.stdout.write(lines.join('\n') + '\n');
      }
      return r.ok ? 0 : EXIT_FINDING;
    }),
  );

  // the run options (--ticks, --faults, --json, ...) are sim's: commander parses them on
  // the parent wherever they appear, so soak reads them from there
  sim
    .command('soak')
    .description('run seeds one after another until the time is up; report seeds run, simulated hours and failing seeds (takes every sim run option)')
    .option('--minutes <M>', 'wall-clock minutes to run', '1')
    .option('--seed-start <S>', 'first seed', '1')
    .option('--max-seeds <n>', 'stop after this many seeds even if time remains')
    .addHelpText('after', '\nExamples:\n  npm run soak -- --minutes 10\n  chainrep sim soak --minutes 2 --faults crash,disk --json\n')
    .action(
      action((own: Record<string, unknown>, cmd: Command) => {
        const parent = cmd.parent?.opts() ?? {};
        const raw: Record<string, unknown> = { ...parent, ...own };
        delete raw.seed;
        delete raw.replay;
        delete raw.shrink;
        const o = decodeOptions(
          { ...RUN_CODECS, minutes: intArg(0, 10_000), seedStart: intArg(0, 2 ** 32 - 1), maxSeeds: optional(intArg(1, 100_000_000)) },
          raw,
          { ...RUN_DEFAULTS, minutes: '1', seedStart: '1' },
        );
        const base = simOptions(o);
        const t0 = performance.now();
        const endMs = t0 + o.minutes * 60_000;
        const progress = progressEnabled(o.json);
        const rep = soak(
          base,
          o.seedStart,
          () => performance.now() >= endMs,
          o.maxSeeds,
          progress ? (r) => process.stderr.write(`\rseed ${r.seed}${r.ok ? '' : ' FAILED'}   `) : undefined,
        );
        if (progress) process.stderr.write('\r\x1b[K');
        const seconds = (performance.now() - t0) / 1000;
        if (o.json) {
          printJson({ ...rep, simulatedHours: rep.simulatedMs / 3_600_000, wallSeconds: seconds });
        } else {
          const lines = [
            `chainrep sim soak: ${rep.seeds} seeds (${rep.firstSeed}..${rep.firstSeed + rep.seeds - 1}) in ${seconds.toFixed(1)} s wall, ${fmtH(rep.simulatedMs)} simulated hours`,
            `  ${rep.operations} client operations, ${rep.faultsInjected} faults scheduled, ${rep.unknown} runs with an undecided linearizability search`,
            `  ${rep.failures.length} failing seeds${rep.failures.length > 0 ? ':' : ''}`,
            ...rep.failures.slice(0, 50).map((f) => `    seed ${f.seed}: ${f.checks.join(', ')}   (replay: chainrep sim --seed ${f.seed} --ticks ${o.ticks} --settle-ms ${o.settleMs} --nodes ${o.nodes} --replicas ${o.replicas} --faults ${o.faults.join(',')})`),
          ];
          process.stdout.write(lines.join('\n') + '\n');
        }
        return rep.failures.length === 0 ? 0 : EXIT_FINDING;
      }),
    );
};

/** commander's --no-x flag: true unless negated. */
const boolOrTrue = new t.Type<boolean, boolean, unknown>(
  'flag',
  (u): u is boolean => typeof u === 'boolean',
  (u, c) => (u === undefined || typeof u === 'boolean' ? t.success(u !== false) : t.failure(u, c, 'expected no value')),
  (a) => a,
);
