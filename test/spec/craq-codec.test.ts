import * as fc from 'fast-check';
import { isLeft, isRight } from 'fp-ts/Either';
import { CraqMessage, ERROR_CODES, TargetConfigCodec } from '../../spec/craq';
import { DEFAULT_TARGET_CONFIG } from '../../core/craq/target';
import { decodeCraqWire, encodeCraqWire } from '../../spec/wire';
import { decodeWith } from '../../spec/decode';

const nat = fc.nat({ max: 2 ** 40 });
const bytesArb = fc.uint8Array({ maxLength: 32 });
const chunk = fc.stringMatching(/^[a-z0-9]{1,8}$/);
const code = fc.constantFrom(...ERROR_CODES);

/** Every CRAQ message shape, including every error code. */
export const messageArb: fc.Arbitrary<CraqMessage> = fc.oneof(
  fc.record({ kind: fc.constant('write' as const), client: nat, channel: nat, seq: nat, chain: nat, chainVer: nat, chunk, offset: nat, data: bytesArb }),
  fc.record({ kind: fc.constant('writeReply' as const), client: nat, channel: nat, seq: nat, chunk, ok: fc.constant(true as const), commitVer: nat }),
  fc.record({ kind: fc.constant('writeReply' as const), client: nat, channel: nat, seq: nat, chunk, ok: fc.constant(false as const), code }),
  fc.record({ kind: fc.constant('forward' as const), from: nat, chain: nat, chainVer: nat, chunk, ver: nat, offset: nat, data: bytesArb, full: fc.boolean(), client: nat, channel: nat, seq: nat }),
  fc.record({ kind: fc.constant('ack' as const), from: nat, chain: nat, chainVer: nat, chunk, ver: nat, ok: fc.constant(true as const), sum: nat, code: fc.constantFrom(undefined, 'ChunkStaleUpdate' as const, 'ChunkCommittedUpdate' as const) }),
  fc.record({ kind: fc.constant('ack' as const), from: nat, chain: nat, chainVer: nat, chunk, ver: nat, ok: fc.constant(false as const), code }),
  fc.record({ kind: fc.constant('read' as const), client: nat, reqId: nat, chain: nat, chainVer: nat, chunk, offset: nat, length: nat, relaxed: fc.boolean() }),
  fc.record({ kind: fc.constant('readReply' as const), client: nat, reqId: nat, chunk, from: nat, ok: fc.constant(true as const), ver: nat, data: bytesArb, committed: fc.boolean() }),
  fc.record({ kind: fc.constant('versionQuery' as const), from: nat, qid: nat, chain: nat, chainVer: nat, chunk }),
  fc.record({ kind: fc.constant('versionReply' as const), from: nat, qid: nat, chunk, ok: fc.constant(true as const), commitVer: nat }),
) as fc.Arbitrary<CraqMessage>;

describe('CRAQ codecs', () => {
  test('decode(encode(x)) = x for every message (wire round trip)', () => {
    fc.assert(
      fc.property(messageArb, (m) => {
        const d = decodeCraqWire(encodeCraqWire(m));
        expect(isRight(d)).toBe(true);
        if (isRight(d)) expect(d.right).toEqual(m);
      }),
      { numRuns: 500 },
    );
  });

  test.each([
    [{ kind: 'write', client: 0, channel: 0, seq: 1, chain: 1, chainVer: 1, chunk: 'x', offset: 0 }, 'data'],
    [{ kind: 'write', client: 0, channel: 0, seq: -1, chain: 1, chainVer: 1, chunk: 'x', offset: 0, data: new Uint8Array(1) }, 'seq'],
    [{ kind: 'forward', from: 1, chain: 1, chainVer: 'one', chunk: 'x', ver: 1, offset: 0, data: new Uint8Array(1), full: false, client: 0, channel: 0, seq: 1 }, 'chainVer'],
    [{ kind: 'ack', from: 1, chain: 1, chainVer: 1, chunk: 'x', ver: 1, ok: false, code: 'NoSuchCode' }, 'code'],
    [{ kind: 'read', client: 0, reqId: 1, chain: 1, chainVer: 1, chunk: '', offset: 0, length: 1, relaxed: false }, 'chunk'],
    [{ kind: 'versionQuery', from: 1.5, qid: 1, chain: 1, chainVer: 1, chunk: 'x' }, 'from'],
    // a failure reply with a bad common field: the error names it, not a field of the ok branch
    [{ kind: 'readReply', client: 0, reqId: 'x', chunk: 'x', from: 1, ok: false, code: 'ChunkNotCommit' }, 'reqId'],
    [{ kind: 'ack', from: 1, chain: 1, chainVer: -1, chunk: 'x', ver: 1, ok: false, code: 'RoutingError' }, 'chainVer'],
    [{ kind: 'writeReply', client: 0, channel: 0, seq: 1, chunk: 'x', ok: false, code: 5 }, 'code'],
  ])('a bad message is rejected naming the field: %#', (raw, field) => {
    const d = decodeWith(CraqMessage, raw);
    expect(isLeft(d)).toBe(true);
    if (isLeft(d)) expect(d.left.field).toBe(field);
  });

  test('garbage that is not JSON is rejected as a bad frame', () => {
    const d = decodeCraqWire('{"kind":');
    expect(isLeft(d) && d.left.field).toBe('(frame)');
  });
});

describe('target configuration codec', () => {
  test('the defaults decode, and every configurable field of TargetConfig is covered', () => {
    const d = decodeWith(TargetConfigCodec, DEFAULT_TARGET_CONFIG);
    expect(isRight(d)).toBe(true);
    expect(isRight(decodeWith(TargetConfigCodec, { ...DEFAULT_TARGET_CONFIG, syncRetryMs: 50, lastsrvReturn: 'reset' }))).toBe(true);
  });
  test.each([
    [{ chunkSizeBytes: 0 }, 'chunkSizeBytes'],
    [{ versionQueryTimeoutMs: -1 }, 'versionQueryTimeoutMs'],
    [{ lastsrvReturn: 'drop' }, 'lastsrvReturn'],
  ])('a bad value is rejected naming the field: %j', (over, field) => {
    const d = decodeWith(TargetConfigCodec, { ...DEFAULT_TARGET_CONFIG, ...over });
    expect(isLeft(d) && d.left.field).toBe(field);
  });
});
