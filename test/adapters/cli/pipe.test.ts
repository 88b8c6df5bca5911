import { spawn } from 'node:child_process';
import * as path from 'node:path';

const repo = path.resolve(__dirname, '../../..');

/** Run the CLI from source, read the first chunk of stdout, then close our end of the pipe. */
function runAndCloseEarly(args: string[]): Promise<{ code: number | null; stderr: string; got: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-r', path.join(repo, 'scripts/ts-hook.js'), path.join(repo, 'adapters/cli/main.ts'), ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    let got = 0;
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.once('data', (d: Buffer) => {
      got = d.length;
      child.stdout.destroy(); // like `| head -c N`: the reader goes away mid-output
    });
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr, got });
    });
  });
}

describe('chainrep writing into a closed pipe', () => {
  test('table generate | head: exits 0 without a stack trace', async () => {
    // 42,000 chains of JSON (~0.7 MB): far more than a pipe buffer, so writes hit EPIPE
    const r = await runAndCloseEarly(['table', 'generate', '--nodes', '500', '--targets-per-node', '252', '--replicas', '3', '--quiet']);
    expect(r.got).toBeGreaterThan(0);
    expect(r.stderr).not.toMatch(/EPIPE|Unhandled|at /);
    expect(r.code).toBe(0);
  }, 90_000);
});
