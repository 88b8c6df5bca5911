import * as t from 'io-ts';

/**
 * Codecs for command-line values. Command lines are untrusted bytes too: every flag is
 * decoded here before it reaches core/. Each codec takes the raw string commander gives.
 */
export function intArg(min: number, max: number = Number.MAX_SAFE_INTEGER) {
  return new t.Type<number, string, unknown>(
    `integer in [${min}, ${max}]`,
    (u): u is number => typeof u === 'number' && Number.isInteger(u) && u >= min && u <= max,
    (u, c) => {
      const s = typeof u === 'number' ? String(u) : u;
      if (typeof s !== 'string' || !/^-?\d+$/.test(s.trim())) return t.failure(u, c, `expected an integer, got ${JSON.stringify(u)}`);
      const n = Number(s);
      if (!Number.isSafeInteger(n) || n < min || n > max) return t.failure(u, c, `expected an integer in [${min}, ${max}], got ${s}`);
      return t.success(n);
    },
    String,
  );
}

export function floatArg(min: number, max: number) {
  return new t.Type<number, string, unknown>(
    `number in [${min}, ${max}]`,
    (u): u is number => typeof u === 'number' && u >= min && u <= max,
    (u, c) => {
      const s = typeof u === 'number' ? String(u) : u;
      if (typeof s !== 'string' || s.trim() === '' || !Number.isFinite(Number(s))) return t.failure(u, c, `expected a number, got ${JSON.stringify(u)}`);
      const n = Number(s);
      if (n < min || n > max) return t.failure(u, c, `expected a number in [${min}, ${max}], got ${s}`);
      return t.success(n);
    },
    String,
  );
}

export function enumArg<V extends string>(values: readonly V[]) {
  return new t.Type<V, string, unknown>(
    values.join('|'),
    (u): u is V => typeof u === 'string' && (values as readonly string[]).includes(u),
    (u, c) =>
      typeof u === 'string' && (values as readonly string[]).includes(u)
        ? t.success(u as V)
        : t.failure(u, c, `expected one of ${values.join(', ')}, got ${JSON.stringify(u)}`),
    String,
  );
}

/** Comma-separated subset of `values` (e.g. --faults loss,dup). Empty string = none. */
export function listArg<V extends string>(values: readonly V[]) {
  return new t.Type<V[], string, unknown>(
    `comma list of ${values.join(',')}`,
    (u): u is V[] => Array.isArray(u),
    (u, c) => {
      if (typeof u !== 'string') return t.failure(u, c, 'expected a comma-separated list');
      const parts = u.split(',').map((x) => x.trim()).filter((x) => x !== '');
      for (const p of parts) if (!(values as readonly string[]).includes(p)) return t.failure(u, c, `unknown item '${p}'; expected any of ${values.join(', ')}`);
      return t.success(parts as V[]);
    },
    (a) => a.join(','),
  );
}

export const boolFlag = new t.Type<boolean, boolean, unknown>(
  'flag',
  (u): u is boolean => typeof u === 'boolean',
  (u, c) => (u === undefined ? t.success(false) : typeof u === 'boolean' ? t.success(u) : t.failure(u, c, 'expected no value')),
  (a) => a,
);

export const onOffArg = enumArg(['on', 'off'] as const);
