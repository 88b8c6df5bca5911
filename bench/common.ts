/** Shared benchmark helpers. Benchmarks print ratios against a baseline measured in the same run. */
export interface BenchRow {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  /** Optional baseline measured in the same run, and value/baseline. */
  readonly baseline?: { readonly name: string; readonly value: number };
  readonly note?: string;
}

export interface BenchModule {
  readonly title: string;
  run(): Promise<BenchRow[]> | BenchRow[];
}

export function now(): number {
  return Number(process.hrtime.bigint()) / 1e6; // ms
}

/** Run fn repeatedly for at least minMs; return ops/s given ops per call. */
export function rate(fn: () => number, minMs = 1000): { opsPerSec: number; ms: number; ops: number } {
  const t0 = now();
  let ops = 0;
  let t = t0;
  do {
    ops += fn();
    t = now();
  } while (t - t0 < minMs);
  return { opsPerSec: (ops * 1000) / (t - t0), ms: t - t0, ops };
}

export function fmt(n: number): string {
  if (n >= 100) return Math.round(n).toLocaleString('en-US');
  return n.toPrecision(3);
}

export function printRows(title: string, rows: BenchRow[]): void {
  process.stdout.write(`\n## ${title}\n`);
  for (const r of rows) {
    let line = `  ${r.name.padEnd(52)} ${fmt(r.value).padStart(14)} ${r.unit}`;
    if (r.baseline) line += `   (${fmt(r.baseline.value)} ${r.baseline.name}; ratio ${(r.value / r.baseline.value).toFixed(3)})`;
    if (r.note) line += `   ${r.note}`;
    process.stdout.write(line + '\n');
  }
}
