/**
 * Pieces of canonical state encodings shared by explorer models (system-model.ts; the same
 * shapes as craq-model.ts's private helpers, which can import these): a per-object cache
 * (machine states are immutable, so an encoding never changes), and client tags / reply
 * addresses as short strings.
 */

const encCache = new WeakMap<object, string>();

/** `f(x)`, computed once per object. */
export function cached<T extends object>(x: T, f: (x: T) => string): string {
  let s = encCache.get(x);
  if (s === undefined) {
    s = f(x);
    encCache.set(x, s);
  }
  return s;
}

export const tagStr = (t: { client: number; channel: number; seq: number }): string => `${t.client}.${t.channel}.${t.seq}`;

export const replyStr = (r: { kind: string; id?: number; tag?: { client: number; channel: number; seq: number } }): string =>
  r.kind === 'client' ? `c${tagStr(r.tag!)}` : `t${r.id}`;
