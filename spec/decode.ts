import * as t from 'io-ts';
import { Either, isLeft, left, right } from 'fp-ts/Either';

/** A decoding failure, with the path of the offending field (e.g. `forward.version`). */
export interface DecodeError {
  readonly kind: 'DecodeError';
  readonly field: string;
  readonly message: string;
}

/** The field path of a failure; union-branch indices are dropped (they are not fields). */
function pathOf(ctx: t.Context): string {
  const keys: string[] = [];
  for (let i = 1; i < ctx.length; i++) {
    const parent = ctx[i - 1].type as unknown as { _tag?: string };
    if (ctx[i].key === '' || parent._tag === 'UnionType' || parent._tag === 'IntersectionType') continue;
    keys.push(ctx[i].key);
  }
  return keys.join('.');
}

/** Deepest-first list of failures, each naming its field. */
export function describeErrors(errors: t.Errors): DecodeError[] {
  return errors.map((e) => {
    const field = pathOf(e.context) || '(root)';
    const last = e.context[e.context.length - 1];
    const shown = e.value === undefined ? 'missing' : JSON.stringify(e.value)?.slice(0, 60) ?? String(e.value);
    return {
      kind: 'DecodeError',
      field,
      message: e.message ?? `field '${field}': expected ${last?.type.name ?? '?'}, got ${shown}`,
    };
  });
}

/** Decode with a codec; Left names the first offending field. */
export function decodeWith<A, O>(codec: t.Type<A, O, unknown>, input: unknown): Either<DecodeError, A> {
  const r = codec.decode(input);
  if (isLeft(r)) {
    const errs = describeErrors(r.left);
    // prefer the most specific (longest path) error: unions report one error per branch
    errs.sort((a, b) => b.field.length - a.field.length);
    return left(errs[0] ?? { kind: 'DecodeError', field: '(root)', message: 'invalid' });
  }
  return right(r.right);
}

/** Integer within [min, max] (inclusive). */
export function intRange(name: string, min: number, max: number) {
  return new t.Type<number, number, unknown>(
    name,
    (u): u is number => typeof u === 'number' && Number.isInteger(u) && u >= min && u <= max,
    (u, c) =>
      typeof u === 'number' && Number.isInteger(u) && u >= min && u <= max
        ? t.success(u)
        : t.failure(u, c, `expected an integer in [${min}, ${max}], got ${JSON.stringify(u)}`),
    (a) => a,
  );
}

/** A non-negative safe integer. */
export const Nat = intRange('Nat', 0, Number.MAX_SAFE_INTEGER);
export const Bytes = new t.Type<Uint8Array, Uint8Array, unknown>(
  'Bytes',
  (u): u is Uint8Array => u instanceof Uint8Array,
  (u, c) => (u instanceof Uint8Array ? t.success(u) : t.failure(u, c, 'expected bytes (Uint8Array)')),
  (a) => a,
);
