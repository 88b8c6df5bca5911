import { runDemo } from '../../../adapters/cli/craq';
import { buildProgram } from '../../../adapters/cli/main';

describe('chainrep craq demo', () => {
  test('the same seed prints the same run, and every replica ends with the last value', () => {
    const a = runDemo(3, 3, 'craq', 5);
    const b = runDemo(3, 3, 'craq', 5);
    expect(a.lines).toEqual(b.lines);
    const last = a.lines.slice(-3);
    expect(last).toEqual(['  t1: commit v3=13', '  t2: commit v3=13', '  t3: commit v3=13']);
    expect(a.final.history.filter((h) => h.result?.ok)).toHaveLength(6);
  });

  test('the craq policy shows a tail version query on some seed', () => {
    const seen = [1, 2, 3, 4, 5, 6, 7, 8].some((seed) => runDemo(3, 3, 'craq', seed).lines.some((l) => l.includes('versionQuery')));
    expect(seen).toBe(true);
  });

  test('a bad flag exits 2 naming the flag', async () => {
    const errs: string[] = [];
    const spy = jest.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => (errs.push(String(s)), true));
    process.exitCode = 0;
    await buildProgram().parseAsync(['node', 'chainrep', 'craq', 'demo', '--replicas', 'zero']);
    spy.mockRestore();
    expect(process.exitCode).toBe(2);
    expect(errs.join('')).toContain('--replicas');
    process.exitCode = 0;
  });
});
