/** Run a CLI action with stdout/stderr captured; returns the exit code and what was printed. */
export interface Captured {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

export async function captureCli(fn: () => Promise<void>): Promise<Captured> {
  const out: string[] = [];
  const err: string[] = [];
  const so = jest.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => (out.push(String(s)), true));
  const se = jest.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => (err.push(String(s)), true));
  try {
    process.exitCode = 0;
    await fn();
    return { code: Number(process.exitCode ?? 0), out: out.join(''), err: err.join('') };
  } finally {
    so.mockRestore();
    se.mockRestore();
    process.exitCode = 0;
  }
}
