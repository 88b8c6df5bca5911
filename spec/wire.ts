/**
 * A self-describing text wire form for CRAQ messages (JSON, bytes as {"$b64": "..."}).
 * Used by the in-process adapters, tests and the CLI; the TCP transport frames these
 * bytes. `decodeCraqWire` is the only way wire bytes become a message: it parses, revives
 * bytes, then runs the io-ts codec, and names the offending field on failure.
 */
import { Either, left } from 'fp-ts/Either';
import { CraqMessage } from './craq';
import { DecodeError, decodeWith } from './decode';

function b64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

export function encodeCraqWire(msg: CraqMessage): string {
  return JSON.stringify(msg, (_k, v) => (v instanceof Uint8Array ? { $b64: b64(v) } : v));
}

const B64 = /^[A-Za-z0-9+/]*={0,2}$/;

export function decodeCraqWire(text: string): Either<DecodeError, CraqMessage> {
  let raw: unknown;
  try {
    raw = JSON.parse(text, (_k, v) => {
      if (v !== null && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 1 && typeof v.$b64 === 'string' && B64.test(v.$b64)) {
        return new Uint8Array(Buffer.from(v.$b64, 'base64'));
      }
      return v;
    });
  } catch (e) {
    return left({ kind: 'DecodeError', field: '(frame)', message: `not JSON: ${(e as Error).message}` });
  }
  return decodeWith(CraqMessage, raw);
}
