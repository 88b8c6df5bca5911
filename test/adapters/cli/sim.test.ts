import { Command, CommanderError } from 'commander';
import { captureCli } from './capture';
import { register } from '../../../adapters/cli/sim';

jest.setTimeout(120_000);

// The CLI contract of issue 7: exit 0 when every check passes, 1 on a failed check (with the
// failure, a shrunk schedule and the replay command), 2 on bad input naming the flag.
async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const program = new Command().name('chainrep').exitOverride();
  register(program);
  const override = (c: Command) => {
    c.exitOverride();
    c.commands.forEach(override);
  };
  override(program);
  return captureCli(async () => {
    try {
      await program.parseAsync(['node', 'chainrep', 'sim', ...args]);
    } catch (e) {
      if (!(e instanceof CommanderError)) throw e;
      process.exitCode = e.code === 'commander.helpDisplayed' ? 0 : 2;
    }
  });
}

const SHORT = ['--ticks', '6000', '--settle-ms', '6000'];

test('a fault-free run passes every check, exit 0; --json gives the report and a replay command', async () => {
  const r = await run(['--seed', '3', ...SHORT, '--faults', '', '--json']);
  expect(r.code).toBe(0);
  const j = JSON.parse(r.out);
  expect(j.ok).toBe(true);
  expect(j.checks.map((c: { status: string }) => c.status)).toEqual(['pass', 'pass', 'pass', 'pass', 'pass', 'pass']);
  expect(j.replay).toContain('--seed 3');
});

test('a failing run (planted bug) exits 1, prints the failure and a shrunk schedule; replaying the printed schedule reproduces it exactly', async () => {
  const r = await run(['--seed', '1', ...SHORT, '--mutant', 'headRepliesBeforeCommit', '--json']);
  expect(r.code).toBe(1);
  const j = JSON.parse(r.out);
  expect(j.ok).toBe(false);
  expect(j.shrunk.schedule.length).toBeLessThanOrEqual(j.schedule.length);
  const again = await run(['--seed', '1', ...SHORT, '--mutant', 'headRepliesBeforeCommit', '--json', '--no-shrink', '--replay', JSON.stringify(j.schedule)]);
  const k = JSON.parse(again.out);
  expect(k.checks).toEqual(j.checks);
  expect(k.events).toBe(j.events);
  const text = await run(['--seed', '1', ...SHORT, '--mutant', 'headRepliesBeforeCommit', '--no-shrink']);
  expect(text.out).toContain('FAILED');
  expect(text.out).toContain('replay:');
});

test('bad input exits 2 naming the flag or the schedule field', async () => {
  expect((await run(['--nodes', '0'])).err).toContain('--nodes');
  expect((await run(['--faults', 'loss,meteor'])).code).toBe(2);
  const bad = await run(['--replay', '[{"kind":"loss","atMs":1,"untilMs":2,"p":7}]']);
  expect(bad.code).toBe(2);
  expect(bad.err).toContain('--replay');
  expect((await run(['--replicas', '6', '--nodes', '5'])).err).toContain('--replicas');
});

test('soak reports seeds run and simulated hours', async () => {
  const r = await run(['soak', '--minutes', '1', '--max-seeds', '3', ...SHORT, '--json']);
  const j = JSON.parse(r.out);
  expect(j.seeds).toBe(3);
  expect(j.simulatedHours).toBeGreaterThan(0);
  expect(r.code).toBe(j.failures.length === 0 ? 0 : 1);
});
