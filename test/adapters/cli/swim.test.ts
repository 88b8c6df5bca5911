import { main } from '../../../adapters/cli/main';
import { captureCli } from './capture';

// issue 5 item 4: chainrep swim sim, its JSON shape, and the exit-code contract
async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  return captureCli(() => main(['node', 'chainrep', 'swim', 'sim', ...args]));
}

describe('chainrep swim sim', () => {
  test('--json prints exactly the issue-5 shape', async () => {
    const r = await run(['--members', '50', '--periods', '40', '--crash', '3', '--seed', '9', '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(Object.keys(j)).toEqual(['members', 'periods', 'detection', 'disseminationPeriods', 'falsePositives', 'suspicions', 'messagesPerMemberPerPeriod', 'bytesPerMemberPerPeriod', 'seconds']);
    expect(Object.keys(j.detection)).toEqual(['mean', 'p50', 'p99']);
    expect(Object.keys(j.disseminationPeriods)).toEqual(['mean', 'max']);
    expect(j.members).toBe(50);
    expect(j.detection.mean).toBeGreaterThanOrEqual(1);
    expect(j.falsePositives).toBe(0);
  });

  test('the same seed gives the same report (seconds aside)', async () => {
    const a = JSON.parse((await run(['--members', '40', '--periods', '30', '--loss', '0.05', '--crash', '2', '--seed', '4', '--json'])).out);
    const b = JSON.parse((await run(['--members', '40', '--periods', '30', '--loss', '0.05', '--crash', '2', '--seed', '4', '--json'])).out);
    expect({ ...a, seconds: 0 }).toEqual({ ...b, seconds: 0 });
  });

  test('text output names the anchor', async () => {
    const r = await run(['--members', '30', '--periods', '20', '--lifeguard', 'off']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('Lifeguard off');
    expect(r.out).toContain('e/(e-1) = 1.58');
  });

  test.each([
    [['--members', '0', '--periods', '10'], '--members'],
    [['--members', '10', '--periods', '10', '--loss', '1.5'], '--loss'],
    [['--members', '10', '--periods', '10', '--lifeguard', 'maybe'], '--lifeguard'],
    [['--members', '10', '--periods', '10', '--crash', '10'], '--crash'],
    [['--periods', '10'], 'members'],
  ])('bad input %j exits 2 naming %s', async (args, flag) => {
    const r = await run(args);
    expect(r.code).toBe(2);
    expect(r.err).toContain(flag);
  });
});
