/**
 * `chainrep lin check FILE [--model register|cas] [--timeout S] [--json]`
 * Reads a JSON-lines history (spec/history.ts), checks it with core/check/lin.ts, prints the
 * verdict. Exit 0 linearizable, 1 illegal, 3 unknown (time limit), 2 bad input.
 * The clock lives here: the core gets a `deadline()` predicate.
 */
import * as fs from 'node:fs';
import { Command } from 'commander';
import { isLeft } from 'fp-ts/Either';
import { floatArg, enumArg, boolFlag } from '../../spec/cli';
import { decodeHistory, encodeOperation, formatHistoryError } from '../../spec/history';
import { LIN_MODELS, LinProgress, LinResult, checkHistory, formatResult } from '../../core/check/lin';
import {
  CliError,
  EXIT_BAD_INPUT,
  EXIT_FINDING,
  EXIT_OK,
  EXIT_UNKNOWN,
  Register,
  action,
  decodeOptions,
  printJson,
  progressEnabled,
} from './common';

const EXAMPLE = `
History file: JSON lines, one operation a line (blank lines ignored):
  {"client":0,"op":"write","key":"x","value":1,"call":10,"return":25}
  {"client":1,"op":"read","key":"x","output":1,"call":12,"return":30}
  {"client":2,"op":"cas","key":"x","expected":1,"value":2,"output":true,"call":31,"return":40}
  {"client":3,"op":"write","key":"y","value":"a","call":35}
Fields: client (integer >= 0), op (write|read|cas), key (string), call and return (numbers,
return >= call; no "return" = the operation never returned and may or may not have taken
effect), value (write/cas: the value written), expected (cas: the value compared), output
(read: the value read, null = never written; cas: true|false; absent when there is no return).
Values are numbers, strings or null. Intervals are closed: an op returning at t and one
called at t are concurrent.

Exit codes: 0 linearizable, 1 not linearizable, 2 bad input, 3 unknown (time limit).

Examples:
  $ chainrep lin check history.jsonl
  $ chainrep lin check --model cas --timeout 10 --json history.jsonl
  $ my-test | chainrep lin check -`;

const codecs = {
  model: enumArg(LIN_MODELS),
  timeout: floatArg(0, 1e7),
  json: boolFlag,
};

function readInput(file: string): string {
  try {
    return fs.readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (e) {
    throw new CliError(EXIT_BAD_INPUT, `cannot read ${file}: ${(e as Error).message}`);
  }
}

function exitCode(r: LinResult): number {
  return r.result === 'ok' ? EXIT_OK : r.result === 'illegal' ? EXIT_FINDING : EXIT_UNKNOWN;
}

/** The `--json` shape (documented in the help text of the CLI contract). */
export function linJson(r: LinResult, seconds: number): Record<string, unknown> {
  return {
    result: r.result,
    model: r.model,
    operations: r.operations,
    keys: r.keys,
    illegalKey: r.result === 'illegal' ? r.key : null,
    minimal: r.result === 'illegal' ? r.minimal.map(encodeOperation) : [],
    minimised: r.result === 'illegal' ? r.minimised : null,
    undecidedKeys: r.result === 'unknown' ? r.undecidedKeys : [],
    steps: r.steps,
    seconds: Math.round(seconds * 1000) / 1000,
  };
}

export const register: Register = (program: Command) => {
  const lin = program
    .command('lin')
    .description('linearizability checker for register / compare-and-set histories (Wing-Gong/Lowe search, memoised, per key)')
    .addHelpText('after', '\nExample:\n  $ chainrep lin check --model cas history.jsonl\n\nSee `chainrep lin check --help` for the file format.');
  lin
    .command('check')
    .description('check that a JSON-lines history is linearizable')
    .argument('<file>', "history file (JSON lines), or '-' for stdin")
    .option('--model <model>', 'sequential specification: register (read/write) or cas (read/write/cas)', 'register')
    .option('--timeout <seconds>', 'give up with "unknown" (exit 3) after this many seconds; 0 = no limit', '60')
    .option('--json', 'print one JSON object: {result, model, operations, keys, illegalKey, minimal, seconds, ...}')
    .addHelpText('after', EXAMPLE)
    .action(
      action((file: string, raw: Record<string, unknown>) => {
        const opts = decodeOptions(codecs, raw);
        const decoded = decodeHistory(readInput(file), opts.model);
        if (isLeft(decoded)) throw new CliError(EXIT_BAD_INPUT, `${file}: ${formatHistoryError(decoded.left)}`);
        const t0 = process.hrtime.bigint();
        const elapsed = () => Number(process.hrtime.bigint() - t0) / 1e9;
        const limit = opts.timeout > 0 ? opts.timeout : Infinity;
        const showProgress = progressEnabled();
        let lastShown = 0;
        const onProgress = (p: LinProgress) => {
          const s = elapsed();
          if (s - lastShown < 1) return;
          lastShown = s;
          process.stderr.write(`\rlin: key ${p.keysDone + 1}/${p.keys}, ${p.steps} steps, ${s.toFixed(0)} s   `);
        };
        const result = checkHistory(decoded.right, {
          model: opts.model,
          deadline: () => elapsed() > limit,
          onProgress: showProgress ? onProgress : undefined,
        });
        const seconds = elapsed();
        if (showProgress && lastShown > 0) process.stderr.write('\r\x1b[K');
        if (opts.json) printJson(linJson(result, seconds));
        else process.stdout.write(`${formatResult(result)}\n(${seconds.toFixed(3)} s, ${result.steps} search steps)\n`);
        return exitCode(result);
      }),
    );
};
