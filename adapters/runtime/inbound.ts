/**
 * The boundary between untrusted bytes and the pure target machine: decode with the spec/
 * codecs, and only then step. A frame that fails its codec is rejected with an error
 * naming the field, and the target's state is returned unchanged (the node keeps running).
 */
import { isLeft } from 'fp-ts/Either';
import { DecodeError } from '../../spec/decode';
import { decodeCraqWire } from '../../spec/wire';
import { TargetMessage } from '../../spec/craq';
import { TargetConfig, TargetEffect, TargetState, step } from '../../core/craq/target';

const TARGET_KINDS: ReadonlySet<string> = new Set(['write', 'forward', 'ack', 'read', 'versionQuery', 'versionReply']);

export type Inbound =
  | { readonly ok: true; readonly state: TargetState; readonly effects: readonly TargetEffect[] }
  | { readonly ok: false; readonly state: TargetState; readonly error: DecodeError };

export function receiveWire(cfg: TargetConfig, state: TargetState, frame: string, nowMs: number): Inbound {
  const d = decodeCraqWire(frame);
  if (isLeft(d)) return { ok: false, state, error: d.left };
  if (!TARGET_KINDS.has(d.right.kind)) return { ok: false, state, error: { kind: 'DecodeError', field: 'kind', message: `field 'kind': '${d.right.kind}' is not a message a target accepts` } };
  const [next, effects] = step(cfg, state, { kind: 'received', msg: d.right as TargetMessage, nowMs });
  return { ok: true, state: next, effects };
}
