/**
 * The CRAQ WireCodec: a CraqMessage travels as a JSON header (every field but the bulk
 * `data`) plus the raw `data` bytes as the frame payload, so a 1 MiB write is not
 * base64'd (spec/wire.ts's text form is for tests and the CLI). Decoding puts the payload
 * back as `data` and runs the io-ts codec `CraqMessage`: a bad header is rejected with an
 * error naming the field. No copy: `data` is the payload view the transport handed in.
 */
import { isLeft, left } from 'fp-ts/Either';
import { CraqMessage } from '../../spec/craq';
import { decodeWith } from '../../spec/decode';
import { WireCodec, WireParts } from './types';

/** Kinds whose `data` rides as the payload (readReply only when ok). */
function carriesData(m: { kind?: unknown; ok?: unknown }): boolean {
  return m.kind === 'write' || m.kind === 'forward' || (m.kind === 'readReply' && m.ok === true);
}

export const craqWireCodec: WireCodec<CraqMessage> = {
  encode(msg: CraqMessage): WireParts {
    if (carriesData(msg)) {
      const { data, ...header } = msg as CraqMessage & { data: Uint8Array };
      return { header, payload: data };
    }
    return { header: msg };
  },
  decode(header: unknown, payload: Uint8Array) {
    if (header === null || typeof header !== 'object' || Array.isArray(header))
      return left({ kind: 'DecodeError', field: '(root)', message: 'message header is not an object' });
    const h = header as Record<string, unknown>;
    if ('data' in h) return left({ kind: 'DecodeError', field: 'data', message: "field 'data' must travel as the frame payload, not in the header" });
    if (carriesData(h)) return decodeWith(CraqMessage, { ...h, data: payload });
    const d = decodeWith(CraqMessage, h);
    if (isLeft(d) || payload.length === 0) return d;
    return left({ kind: 'DecodeError', field: '(payload)', message: `a '${String(h.kind)}' message carries no payload, got ${payload.length} bytes` });
  },
};
