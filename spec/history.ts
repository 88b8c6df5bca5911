/**
 * The history file of `chainrep lin check`: JSON lines, one operation a line, blank lines
 * ignored. Field reference (core/check/lin-types.ts has the semantics):
 *
 *   client    non-negative integer               required
 *   op        "write" | "read" | "cas"             required
 *   key       string                               required
 *   call      number (invocation time)             required
 *   return    number >= call (response time)       absent = never returned
 *   value     number | string | null               write: the value written; cas: the new value
 *   expected  number | string | null               cas only: the value compared against
 *   output    read: number | string | null          required once returned (null = never written)
 *             cas: true | false                     required once returned
 *             write: not allowed; never-returned ops: not allowed (the output is unknown)
 *
 * Unknown fields are rejected (a typo like "retrun" must not silently make an op pending).
 */
import * as t from 'io-ts';
import { Either, isLeft, left, right } from 'fp-ts/Either';
import { decodeWith } from './decode';
import type { LinModelName, LinOperation, LinValue } from '../core/check/lin-types';

const finiteNumber = new t.Type<number, number, unknown>(
  'number',
  (u): u is number => typeof u === 'number' && Number.isFinite(u),
  (u, c) => (typeof u === 'number' && Number.isFinite(u) ? t.success(u) : t.failure(u, c, 'expected a number')),
  (a) => a,
);

const clientCodec = new t.Type<number, number, unknown>(
  'client',
  (u): u is number => typeof u === 'number' && Number.isSafeInteger(u) && u >= 0,
  (u, c) => (typeof u === 'number' && Number.isSafeInteger(u) && u >= 0 ? t.success(u) : t.failure(u, c, 'expected a non-negative integer')),
  (a) => a,
);

const opCodec = new t.Type<LinOperation['op'], string, unknown>(
  'op',
  (u): u is LinOperation['op'] => u === 'write' || u === 'read' || u === 'cas',
  (u, c) =>
    u === 'write' || u === 'read' || u === 'cas'
      ? t.success(u)
      : t.failure(u, c, `expected "write", "read" or "cas", got ${JSON.stringify(u)?.slice(0, 40)}`),
  (a) => a,
);

const stringCodec = new t.Type<string, string, unknown>(
  'string',
  (u): u is string => typeof u === 'string',
  (u, c) => (typeof u === 'string' ? t.success(u) : t.failure(u, c, 'expected a string')),
  (a) => a,
);

export const LinValueCodec = new t.Type<LinValue, LinValue, unknown>(
  'value',
  (u): u is LinValue => u === null || typeof u === 'string' || (typeof u === 'number' && Number.isFinite(u)),
  (u, c) =>
    u === null || typeof u === 'string' || (typeof u === 'number' && Number.isFinite(u))
      ? t.success(u)
      : t.failure(u, c, 'expected a number, a string or null'),
  (a) => a,
);

const boolCodec = new t.Type<boolean, boolean, unknown>(
  'boolean',
  (u): u is boolean => typeof u === 'boolean',
  (u, c) => (typeof u === 'boolean' ? t.success(u) : t.failure(u, c, 'expected true or false')),
  (a) => a,
);

const FIELDS = ['client', 'op', 'key', 'call', 'return', 'value', 'expected', 'output'] as const;
type Field = (typeof FIELDS)[number];

/** The encoded (file) form of one operation. */
export interface HistoryLineJson {
  client: number;
  op: string;
  key: string;
  expected?: LinValue;
  value?: LinValue;
  output?: LinValue | boolean;
  call: number;
  return?: number;
}

function isRecord(u: unknown): u is Record<string, unknown> {
  return typeof u === 'object' && u !== null && !Array.isArray(u);
}

/** io-ts codec for one history line (already JSON-parsed). Errors name the field. */
export const HistoryLine = new t.Type<LinOperation, HistoryLineJson, unknown>(
  'HistoryLine',
  (u): u is LinOperation => isRecord(u) && !isLeft(HistoryLine.validate(u, [])),
  (u, c) => {
    if (!isRecord(u)) return t.failure(u, c, 'expected a JSON object, one operation a line');
    const at = (f: Field, codec: t.Decoder<unknown, unknown>) => t.appendContext(c, f, codec as t.Decoder<unknown, unknown> & t.Any, u[f]);
    const fail = (f: Field, msg: string) => t.failure<LinOperation>(u[f], at(f, stringCodec), msg);
    for (const k of Object.keys(u)) {
      if (!(FIELDS as readonly string[]).includes(k))
        return t.failure(u[k], t.appendContext(c, k, stringCodec, u[k]), `unknown field (known: ${FIELDS.join(', ')})`);
    }
    const req = <A>(f: Field, codec: t.Type<A, unknown, unknown>): t.Validation<A> =>
      u[f] === undefined ? t.failure(u[f], at(f, codec), 'required') : codec.validate(u[f], at(f, codec));
    const opt = <A>(f: Field, codec: t.Type<A, unknown, unknown>): t.Validation<A | undefined> =>
      u[f] === undefined ? t.success(undefined) : codec.validate(u[f], at(f, codec));
    const client = req('client', clientCodec);
    if (isLeft(client)) return client;
    const op = req('op', opCodec);
    if (isLeft(op)) return op;
    const key = req('key', stringCodec);
    if (isLeft(key)) return key;
    const call = req('call', finiteNumber);
    if (isLeft(call)) return call;
    const ret = opt('return', finiteNumber);
    if (isLeft(ret)) return ret;
    if (ret.right !== undefined && ret.right < call.right)
      return fail('return', `is before 'call' (${ret.right} < ${call.right})`);
    const pending = ret.right === undefined;
    const base = { client: client.right, key: key.right, call: call.right, ...(pending ? {} : { return: ret.right }) };
    if (op.right !== 'cas' && u.expected !== undefined) return fail('expected', `only a cas has 'expected'`);
    if (pending && u.output !== undefined) return fail('output', `an operation that never returned (no 'return') has no output`);
    switch (op.right) {
      case 'write': {
        if (u.output !== undefined) return fail('output', 'a write has no output');
        const value = req('value', LinValueCodec);
        if (isLeft(value)) return value;
        return t.success({ op: 'write', ...base, value: value.right });
      }
      case 'read': {
        if (u.value !== undefined) return fail('value', `a read has no 'value'; what it returned is 'output'`);
        if (pending) return t.success({ op: 'read', ...base });
        const output = req('output', LinValueCodec);
        if (isLeft(output)) return output;
        return t.success({ op: 'read', ...base, output: output.right });
      }
      case 'cas': {
        const expected = req('expected', LinValueCodec);
        if (isLeft(expected)) return expected;
        const value = req('value', LinValueCodec);
        if (isLeft(value)) return value;
        if (pending) return t.success({ op: 'cas', ...base, expected: expected.right, value: value.right });
        const output = req('output', boolCodec);
        if (isLeft(output)) return output;
        return t.success({ op: 'cas', ...base, expected: expected.right, value: value.right, output: output.right });
      }
    }
  },
  (o) => encodeOperation(o),
);

/** The file form of an operation, fields in a fixed order. */
export function encodeOperation(o: LinOperation): HistoryLineJson {
  return {
    client: o.client,
    op: o.op,
    key: o.key,
    ...(o.op === 'cas' ? { expected: o.expected } : {}),
    ...(o.op === 'write' || o.op === 'cas' ? { value: o.value } : {}),
    ...(o.op !== 'write' && o.output !== undefined && o.return !== undefined ? { output: o.output } : {}),
    call: o.call,
    ...(o.return !== undefined ? { return: o.return } : {}),
  };
}

export interface HistoryError {
  readonly kind: 'HistoryError';
  /** 1-based line number. */
  readonly line: number;
  /** The offending field, or '(root)' / '(json)'. */
  readonly field: string;
  readonly message: string;
}

/** `line 7: field 'call': expected a number` */
export function formatHistoryError(e: HistoryError): string {
  if (e.field === '(json)' || e.field === '(root)') return `line ${e.line}: ${e.message}`;
  return `line ${e.line}: field '${e.field}': ${e.message}`;
}

/** Strip the "field 'x': " prefix decode.ts puts on default io-ts messages. */
function bareMessage(field: string, message: string): string {
  const prefix = `field '${field}': `;
  return message.startsWith(prefix) ? message.slice(prefix.length) : message;
}

/**
 * Decode a whole history file. With `model: 'register'`, a cas line is an error (it needs
 * `--model cas`). Blank (whitespace-only) lines are skipped; CRLF is accepted.
 */
export function decodeHistory(text: string, model?: LinModelName): Either<HistoryError, LinOperation[]> {
  const ops: LinOperation[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i].trim();
    if (raw === '') continue;
    const line = i + 1;
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch (e) {
      return left({ kind: 'HistoryError', line, field: '(json)', message: `not valid JSON (${(e as Error).message})` });
    }
    const r = decodeWith(HistoryLine, parsed);
    if (isLeft(r)) return left({ kind: 'HistoryError', line, field: r.left.field, message: bareMessage(r.left.field, r.left.message) });
    if (model === 'register' && r.right.op === 'cas')
      return left({ kind: 'HistoryError', line, field: 'op', message: `"cas" needs the cas model (--model cas)` });
    ops.push(r.right);
  }
  return right(ops);
}
