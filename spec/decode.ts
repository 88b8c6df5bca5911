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

/**
 * True when the failure went through a union member whose literal fields (e.g. `ok: true`)
 * contradict the input at that point: that branch was never the one meant, so its errors
 * would name the wrong field.
 */
function throughMismatchedBranch(ctx: t.Context): boolean {
  for (let i = 1; i < ctx.length; i++) {
    const parent = ctx[i - 1].type as unknown as { _tag?: string };
    if (parent._tag !== 'UnionType') continue;
    const member = ctx[i].type as unknown as { _tag?: string; props?: Record<string, { _tag?: string; value?: unknown }> };
    const actual = ctx[i].actual as Record<string, unknown> | undefined;
    if ((member._tag !== 'InterfaceType' && member._tag !== 'StrictType') || !member.props || actual === null || typeof actual !== 'object') continue;
    for (const [k, p] of Object.entries(member.props)) if (p._tag === 'LiteralType' && k in actual && actual[k] !== p.value) return true;
  }
  return false;
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

/** The `kind` literal a codec requires, if it is an object codec tagged by `kind`. */
function kindLiteral(codec: t.Mixed): string | undefined {
  const c = codec as unknown as { _tag?: string; props?: Record<string, t.Mixed>; types?: t.Mixed[]; value?: unknown };
  if ((c._tag === 'InterfaceType' || c._tag === 'StrictType') && c.props?.kind) {
    const k = c.props.kind as unknown as { _tag?: string; value?: unknown };
    return k._tag === 'LiteralType' && typeof k.value === 'string' ? k.value : undefined;
  }
  if (c._tag === 'IntersectionType' && c.types) for (const m of c.types) {
    const k = kindLiteral(m);
    if (k !== undefined) return k;
  }
  return undefined;
}

/**
 * For a union of `kind`-tagged codecs, pick the member the input's `kind` names, so errors
 * name that member's fields (and an unknown kind is reported as field 'kind').
 */
function narrowTagged(codec: t.Mixed, input: unknown): t.Mixed | DecodeError {
  const c = codec as unknown as { _tag?: string; types?: t.Mixed[] };
  if (c._tag !== 'UnionType' || !c.types || input === null || typeof input !== 'object') return codec;
  const kinds = c.types.map(kindLiteral);
  if (kinds.some((k) => k === undefined)) return codec;
  const kind = (input as { kind?: unknown }).kind;
  const members = c.types.filter((_, i) => kinds[i] === kind);
  if (members.length === 0)
    return { kind: 'DecodeError', field: 'kind', message: `field 'kind': expected one of ${[...new Set(kinds)].join(', ')}, got ${JSON.stringify(kind)}` };
  return members.length === 1 ? members[0] : t.union(members as unknown as [t.Mixed, t.Mixed, ...t.Mixed[]]);
}

/** Decode with a codec; Left names the first offending field. */
export function decodeWith<A, O>(codec: t.Type<A, O, unknown>, input: unknown): Either<DecodeError, A> {
  const narrowed = narrowTagged(codec, input);
  if ('kind' in narrowed && (narrowed as DecodeError).kind === 'DecodeError') return left(narrowed as DecodeError);
  const r = (narrowed as t.Mixed).decode(input);
  if (isLeft(r)) {
    const relevant = r.left.filter((e) => !throughMismatchedBranch(e.context));
    const errs = describeErrors(relevant.length > 0 ? relevant : r.left);
    // prefer the most specific (longest path) error: unions report one error per branch
    errs.sort((a, b) => b.field.length - a.field.length);
    return left(errs[0] ?? { kind: 'DecodeError', field: '(root)', message: 'invalid' });
  }
  return right(r.right as A);
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

/**
 * Parse JSON text and decode it with a codec in one step: the only way JSON from a file or a
 * socket becomes a value. A syntax error is reported as field '(json)'.
 */
export function decodeJson<A, O>(codec: t.Type<A, O, unknown>, text: string): Either<DecodeError, A> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    return left({ kind: 'DecodeError', field: '(json)', message: `not JSON: ${(e as Error).message}` });
  }
  return decodeWith(codec, raw);
}
