/**
 * `chainrep swim sim`: run the deterministic SWIM/Lifeguard simulator (core/swim/sim.ts)
 * and report detection, dissemination, false positives and load (issue 5 item 4).
 */
import { Command } from 'commander';
import { enumArg, floatArg, intArg, onOffArg } from '../../spec/cli';
import { DEFAULT_SWIM_CONFIG, withLifeguard } from '../../spec/swim';
import { DEFAULT_SIM, SimReport, simulate } from '../../core/swim/sim';
import { action, boolFlagDefault, CliError, decodeOptions, EXIT_BAD_INPUT, printJson, progressEnabled, Register } from './common';

const round = (x: number, d = 3) => (Number.isFinite(x) ? Math.round(x * 10 ** d) / 10 ** d : null);

/** The JSON shape of issue 5 item 4. */
export function simJson(r: SimReport, seconds: number) {
  return {
    members: r.members,
    periods: r.periods,
    detection: { mean: round(r.detection.mean), p50: round(r.detection.p50), p99: round(r.detection.p99) },
    disseminationPeriods: { mean: round(r.dissemination.mean), max: round(r.dissemination.max) },
    falsePositives: r.falsePositives,
    suspicions: r.suspicions,
    messagesPerMemberPerPeriod: round(r.messagesPerMemberPerPeriod),
    bytesPerMemberPerPeriod: round(r.bytesPerMemberPerPeriod, 1),
    seconds: round(seconds, 2),
  };
}

function text(r: SimReport, seconds: number, lifeguard: string, seed: number): string {
  const f = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : '-');
  return [
    `SWIM simulation: ${r.members} members, ${r.periods} protocol periods, Lifeguard ${lifeguard}, seed ${seed}`,
    `  first detection (periods)    mean ${f(r.detection.mean)}  p50 ${f(r.detection.p50)}  p99 ${f(r.detection.p99)}  (${r.detection.count} crashes, ${r.undetected} undetected; SWIM expects e/(e-1) = 1.58)`,
    `  dissemination (periods)      mean ${f(r.dissemination.mean)}  max ${f(r.dissemination.max)}  (${r.undisseminated} not known by all)`,
    `  dead everywhere (periods)    mean ${f(r.deadEverywhere.mean)}  max ${f(r.deadEverywhere.max)}`,
    `  false positives              ${r.falsePositives}  (healthy members declared dead; slow members declared dead: ${r.slowDeclaredDead})`,
    `  suspicions                   ${r.suspicions}  (${r.falseSuspicions} of healthy members; ${r.refutations} refutations)`,
    `  messages / member / period   ${f(r.messagesPerMemberPerPeriod)}`,
    `  bytes / member / period      ${f(r.bytesPerMemberPerPeriod)}  (${f(r.datagramBytesPerMemberPerPeriod)} in datagrams)`,
    `  ${r.events} events in ${seconds.toFixed(2)} s  (${Math.round((r.members * r.periods) / Math.max(seconds, 1e-9))} member-periods/s)`,
  ].join('\n');
}

export const register: Register = (program: Command) => {
  const swim = program.command('swim').description('SWIM membership with Lifeguard: a deterministic simulator of the pure member machine');
  swim
    .command('sim')
    .description('simulate N members for P protocol periods with loss, slow members and crashes; report detection, dissemination, false positives and load')
    .requiredOption('--members <N>', 'group size')
    .requiredOption('--periods <P>', 'protocol periods to simulate (1 period = probe interval, 1000 ms)')
    .option('--loss <p>', 'probability that a datagram is lost', '0')
    .option('--slow <f>', 'fraction of members that handle received datagrams late (between half and all of --slow-delay-ms, in order)', '0')
    .option('--slow-delay-ms <ms>', 'a slow member handles each datagram between half this and this late', String(DEFAULT_SIM.slowDelayMaxMs))
    .option('--crash <c>', 'members that crash, spread over the run at period boundaries', '0')
    .option('--joins <j>', 'members that join later through a seed', '0')
    .option('--lifeguard <on|off>', 'Lifeguard extensions (local health, dynamic suspicion, buddy, nacks)', 'on')
    .option('--phase <aligned|random>', 'members start in phase (paper model) or at random offsets', 'aligned')
    .option('--seed <S>', 'the same seed replays the same run', '1')
    .option('--json', 'print one JSON object')
    .addHelpText(
      'after',
      '\nExamples:\n  chainrep swim sim --members 1000 --periods 100 --crash 10 --seed 7\n' +
        '  chainrep swim sim --members 200 --periods 300 --loss 0.1 --slow 0.01 --lifeguard off --json\n',
    )
    .action(
      action((raw: Record<string, unknown>) => {
        const o = decodeOptions(
          {
            members: intArg(1, 100_000),
            periods: intArg(1, 100_000),
            loss: floatArg(0, 0.99),
            slow: floatArg(0, 1),
            slowDelayMs: intArg(0, 600_000),
            crash: intArg(0, 100_000),
            joins: intArg(0, 100_000),
            lifeguard: onOffArg,
            phase: enumArg(['aligned', 'random'] as const),
            seed: intArg(0, 2 ** 32 - 1),
            json: boolFlagDefault,
          },
          raw,
        );
        if (o.crash >= o.members) throw new CliError(EXIT_BAD_INPUT, `--crash: must be below --members (${o.members}), got ${o.crash}`);
        if (o.joins >= o.members) throw new CliError(EXIT_BAD_INPUT, `--joins: must be below --members (${o.members}), got ${o.joins}`);
        const progress = progressEnabled(o.json);
        const t0 = performance.now();
        const r = simulate({
          ...DEFAULT_SIM,
          members: o.members,
          periods: o.periods,
          seed: o.seed,
          config: withLifeguard(DEFAULT_SWIM_CONFIG, o.lifeguard === 'on'),
          loss: o.loss,
          slowFraction: o.slow,
          slowDelayMaxMs: o.slowDelayMs,
          crashes: o.crash,
          joins: o.joins,
          phase: o.phase,
          onPeriod: progress ? (p) => process.stderr.write(`\rperiod ${p}/${o.periods}`) : undefined,
        });
        const seconds = (performance.now() - t0) / 1000;
        if (progress) process.stderr.write('\r\x1b[K');
        if (o.json) printJson(simJson(r, seconds));
        else process.stdout.write(text(r, seconds, o.lifeguard, o.seed) + '\n');
        return 0;
      }),
    );
};
