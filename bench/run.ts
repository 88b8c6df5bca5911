/**
 * `npm run bench [-- NAME...]`: runs every bench/*.ts module (each exports `bench: BenchModule`),
 * or only those named. Prints each table; `--json` prints all rows as one JSON object.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BenchModule, BenchRow, printRows } from './common';

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const json = args.includes('--json');
  const only = args.filter((a) => !a.startsWith('--'));
  const files = fs
    .readdirSync(__dirname)
    .filter((f) => f.endsWith('.js') && f !== 'run.js' && f !== 'common.js')
    .sort();
  const all: Record<string, BenchRow[]> = {};
  for (const f of files) {
    const name = f.replace(/\.js$/, '');
    if (only.length > 0 && !only.includes(name)) continue;
    const mod = require(path.join(__dirname, f)) as { bench?: BenchModule };
    if (!mod.bench) continue;
    const rows = await mod.bench.run();
    all[name] = rows;
    if (!json) printRows(`${name}: ${mod.bench.title}`, rows);
  }
  if (json) process.stdout.write(JSON.stringify(all) + '\n');
}

void main();
