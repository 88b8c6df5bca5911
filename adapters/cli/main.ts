#!/usr/bin/env node
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Command, CommanderError } from 'commander';
import * as t from 'io-ts';
import { isRight } from 'fp-ts/Either';
import { decodeJson } from '../../spec/decode';
import { EXIT_BAD_INPUT } from './common';

const PackageJson = t.type({ name: t.string, version: t.string });
import { register as craq } from './craq';
import { register as check } from './check';
import { register as lin } from './lin';
import { register as table } from './table';
import { register as swim } from './swim';
import { register as cluster } from './cluster';
import { register as load } from './load';
import { register as sim } from './sim';

/** The package version, found by walking up from this file (works from dist/ and from ts-jest). */
function packageVersion(): string {
  let dir = __dirname;
  for (let i = 0; i < 5; i++) {
    const f = path.join(dir, 'package.json');
    if (fs.existsSync(f)) {
      const v = decodeJson(PackageJson, fs.readFileSync(f, 'utf8'));
      if (isRight(v) && v.right.name === 'chainrep') return v.right.version;
    }
    dir = path.dirname(dir);
  }
  return '0.0.0';
}

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('chainrep')
    .description(
      'CRAQ chain replication, chain tables and SWIM membership as pure, model-checked state machines.\n' +
        'Exit codes: 0 ok, 1 a finding (violation, illegal history), 2 bad input, 3 unknown.',
    )
    .version(packageVersion())
    .showHelpAfterError()
    .exitOverride();
  for (const reg of [craq, check, lin, table, swim, cluster, load, sim]) reg(program);
  // every subcommand maps commander's own parse errors to exit 2
  const override = (cmd: Command) => {
    cmd.exitOverride();
    cmd.commands.forEach(override);
  };
  override(program);
  return program;
}

export async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      // help and version exit 0; everything else commander rejects is bad input
      const ok = e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help';
      process.exitCode = ok ? 0 : EXIT_BAD_INPUT;
      return;
    }
    throw e;
  }
}

/**
 * A reader that closes early (`chainrep table generate ... | head`) makes the next write fail
 * with EPIPE; end quietly with the exit code so far, as Unix tools do, instead of a stack trace.
 */
export function endQuietlyOnEpipe(stream: NodeJS.WritableStream, exit: () => void): void {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') exit();
    else throw e;
  });
}

if (require.main === module) {
  endQuietlyOnEpipe(process.stdout, () => process.exit());
  endQuietlyOnEpipe(process.stderr, () => process.exit());
  void main(process.argv);
}
