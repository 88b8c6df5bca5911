/**
 * The runtime's one wire codec: every frame between processes is an envelope naming its
 * channel, decoded at the boundary with the spec/ codecs before anything reaches core/:
 *   craq  {ch:'craq', to?, m}  CRAQ message (header; `data` rides as the frame payload,
 *                               adapters/transport/craq-codec.ts); `to` = the target on
 *                               the receiving node (absent for messages to a client)
 *   sync  {ch:'sync', to, m}   recovery sync message (syncChunk's `data` as payload)
 *   ctl   {ch:'ctl', m}        control message (spec/runtime.ts)
 */
import * as t from 'io-ts';
import { isLeft, left, right } from 'fp-ts/Either';
import { CraqMessage } from '../../spec/craq';
import { SyncMessage } from '../../spec/sync';
import { ControlMessage } from '../../spec/runtime';
import { TargetId } from '../../spec/ids';
import { DecodeError, decodeWith } from '../../spec/decode';
import { WireCodec, WireParts } from '../transport/types';
import { craqWireCodec } from '../transport/craq-codec';

export type NodeMessage =
  | { readonly ch: 'craq'; readonly to?: TargetId; readonly m: CraqMessage }
  | { readonly ch: 'sync'; readonly to: TargetId; readonly m: SyncMessage }
  | { readonly ch: 'ctl'; readonly m: ControlMessage };

const Channel = t.keyof({ craq: null, sync: null, ctl: null }, 'channel');
const Envelope = t.type({ ch: Channel, m: t.unknown }, 'Envelope');

const prefixed = (e: DecodeError, p: string): DecodeError => ({ ...e, field: `${p}.${e.field}` });

export const nodeWireCodec: WireCodec<NodeMessage> = {
  encode(msg: NodeMessage): WireParts {
    if (msg.ch === 'craq') {
      const parts = craqWireCodec.encode(msg.m);
      return { header: msg.to === undefined ? { ch: 'craq', m: parts.header } : { ch: 'craq', to: msg.to, m: parts.header }, payload: parts.payload };
    }
    if (msg.ch === 'sync') {
      if (msg.m.kind === 'syncChunk') {
        const { data, ...rest } = msg.m;
        return { header: { ch: 'sync', to: msg.to, m: rest }, payload: data };
      }
      return { header: { ch: 'sync', to: msg.to, m: msg.m } };
    }
    return { header: { ch: 'ctl', m: ControlMessage.encode(msg.m) } };
  },
  decode(header: unknown, payload: Uint8Array) {
    const env = decodeWith(Envelope, header);
    if (isLeft(env)) return env;
    const e = env.right;
    const to = (header as { to?: unknown }).to;
    if ((to !== undefined || e.ch === 'sync') && !TargetId.is(to)) return left({ kind: 'DecodeError', field: 'to', message: `field 'to': expected a target id, got ${JSON.stringify(to)?.slice(0, 40)}` });
    if (e.ch === 'craq') {
      const m = craqWireCodec.decode(e.m, payload);
      if (isLeft(m)) return left(prefixed(m.left, 'm'));
      return right(to === undefined ? { ch: 'craq', m: m.right } : { ch: 'craq', to: to as TargetId, m: m.right });
    }
    if (e.ch === 'sync') {
      const h = e.m as Record<string, unknown> | null;
      const isChunk = h !== null && typeof h === 'object' && h.kind === 'syncChunk';
      if (!isChunk && payload.length > 0) return left({ kind: 'DecodeError', field: '(payload)', message: 'only syncChunk carries a payload' });
      const m = decodeWith(SyncMessage, isChunk ? { ...h, data: payload } : h);
      if (isLeft(m)) return left(prefixed(m.left, 'm'));
      return right({ ch: 'sync', to: to as TargetId, m: m.right });
    }
    if (payload.length > 0) return left({ kind: 'DecodeError', field: '(payload)', message: 'a control message carries no payload' });
    const m = decodeWith(ControlMessage, e.m);
    if (isLeft(m)) return left(prefixed(m.left, 'm'));
    return right({ ch: 'ctl', m: m.right });
  },
};
