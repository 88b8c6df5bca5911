/**
 * Pieces of canonical state encodings shared by explorer models (craq-model.ts,
 * system-model.ts): per-object caches
 * (machine states are immutable, so an encoding never changes), and client tags / reply
 * addresses as short strings.
 */

/**
 * A per-object cache of one encoding: `cache(x, f)` is `f(x)`, computed once per object. Each
 * model makes its own, so two encodings of the same object never share a slot.
 */
export function makeCache(): <T extends object>(x: T, f: (x: T) => string) => string {
  const enc = new WeakMap<object, string>();
  return (x, f) => {
    let s = enc.get(x);
    if (s === undefined) {
      s = f(x);
      enc.set(x, s);
    }
    return s;
  };
}

/** The system model's cache. */
export const cached = makeCache();

export const tagStr = (t: { client: number; channel: number; seq: number }): string => `${t.client}.${t.channel}.${t.seq}`;

export const replyStr = (r: { kind: string; id?: number; tag?: { client: number; channel: number; seq: number } }): string =>
  r.kind === 'client' ? `c${tagStr(r.tag!)}` : `t${r.id}`;
