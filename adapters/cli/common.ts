import * as t from 'io-ts';
import { isLeft } from 'fp-ts/Either';
import { Command } from 'commander';

/** Exit codes shared by every subcommand (DESIGN.md "CLI"). */
export const EXIT_OK = 0;
export const EXIT_FINDING = 1;
export const EXIT_BAD_INPUT = 2;
export const EXIT_UNKNOWN = 3;

export class CliError extends Error {
  constructor(readonly code: number, message: string) {
    super(message);
    this.name = 'CliError';
  }
}

/** commander option key (camelCase) -> the flag the user typed. */
function flagName(key: string): string {
  return '--' + key.replace(/[A-Z]/g, (m) => '-' + m.toLowerCase());
}

type Codecs = Record<string, t.Type<any, any, unknown>>;
export type Decoded<C extends Codecs> = { [K in keyof C]: t.TypeOf<C[K]> };

/**
 * Decode commander's raw option values with io-ts codecs. Options absent from `raw` are
 * decoded from `defaults` (as strings, like a user would type). Throws CliError(2) naming
 * the flag on the first failure.
 */
export function decodeOptions<C extends Codecs>(
  codecs: C,
  raw: Record<string, unknown>,
  defaults: Partial<Record<keyof C, string | boolean>> = {},
): Decoded<C> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(codecs)) {
    const value = raw[key] !== undefined ? raw[key] : (defaults as Record<string, unknown>)[key];
    const r = codecs[key].decode(value);
    if (isLeft(r)) {
      const msg = r.left[0]?.message ?? `expected ${codecs[key].name}`;
      throw new CliError(EXIT_BAD_INPUT, `${flagName(key)}: ${value === undefined ? 'required' : msg}`);
    }
    out[key] = r.right;
  }
  return out as Decoded<C>;
}

/** A boolean flag (commander gives true or undefined). */
export const boolFlagDefault = new t.Type<boolean, boolean, unknown>(
  'flag',
  (u): u is boolean => typeof u === 'boolean',
  (u, c) => (u === undefined ? t.success(false) : typeof u === 'boolean' ? t.success(u) : t.failure(u, c, 'expected no value')),
  (a) => a,
);

/** Optional wrapper: undefined stays undefined. */
export function optional<A, O>(codec: t.Type<A, O, unknown>) {
  return new t.Type<A | undefined, O | undefined, unknown>(
    `${codec.name}?`,
    (u): u is A | undefined => u === undefined || codec.is(u),
    (u, c) => (u === undefined ? t.success(undefined) : codec.validate(u, c)),
    (a) => (a === undefined ? undefined : codec.encode(a)),
  );
}

/**
 * Wrap an action so errors map to exit codes: CliError -> its code; anything else -> 3
 * (unknown). The action returns the exit code.
 */
export function action<A extends unknown[]>(fn: (...args: A) => number | Promise<number>) {
  return async (...args: A): Promise<void> => {
    try {
      process.exitCode = await fn(...args);
    } catch (e) {
      if (e instanceof CliError) {
        process.stderr.write(`chainrep: ${e.message}\n`);
        process.exitCode = e.code;
      } else {
        process.stderr.write(`chainrep: internal error: ${(e as Error)?.stack ?? String(e)}\n`);
        process.exitCode = EXIT_UNKNOWN;
      }
    }
  };
}

export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value) + '\n');
}

/** Progress lines go to stderr, and only when stderr is a terminal. */
export function progressEnabled(quiet = false): boolean {
  return !quiet && process.stderr.isTTY === true;
}

/** Every subcommand module exports `register(program)`. */
export type Register = (program: Command) => void;
