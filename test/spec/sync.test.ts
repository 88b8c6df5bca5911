/** Recovery-sync codecs (spec/sync.ts): round trips and field-naming rejections. */
import * as fc from 'fast-check';
import { isLeft, isRight } from 'fp-ts/Either';
import { SyncMessage } from '../../spec/sync';
import { decodeWith } from '../../spec/decode';

const nat = fc.nat({ max: 2 ** 40 });
const chunk = fc.stringMatching(/^[a-z0-9]{1,8}$/);
const header = { from: nat, chain: nat, chainVer: nat };
const meta = fc.record({ chunk, commitVer: nat, updateVer: nat, chainVer: nat, checksum: nat });

const syncArb: fc.Arbitrary<SyncMessage> = fc.oneof(
  fc.record({ kind: fc.constant('syncStart' as const), ...header }),
  fc.record({ kind: fc.constant('syncDump' as const), ...header, chunks: fc.array(meta, { maxLength: 5 }) }),
  fc.record({ kind: fc.constant('syncRemove' as const), ...header, chunk, commitVer: nat, updateVer: nat }),
  fc.record({ kind: fc.constant('syncChunk' as const), ...header, chunk, commitVer: nat, stampVer: nat, data: fc.uint8Array({ maxLength: 32 }), checksum: nat }),
  fc.record({ kind: fc.constant('syncAck' as const), ...header, chunk, outcome: fc.constantFrom('applied' as const, 'ignoredOlder' as const, 'removed' as const, 'kept' as const, 'badChecksum' as const) }),
) as fc.Arbitrary<SyncMessage>;

describe('recovery sync codecs (ANCHORS.md "Recovery sync")', () => {
  test('decode(encode(x)) = x for every sync message', () => {
    fc.assert(
      fc.property(syncArb, (m) => {
        const d = decodeWith(SyncMessage, SyncMessage.encode(m));
        expect(isRight(d)).toBe(true);
        if (isRight(d)) expect(d.right).toEqual(m);
      }),
      { numRuns: 300 },
    );
  });

  test.each([
    [{ kind: 'syncStart', from: 1, chain: 1, chainVer: -1 }, 'chainVer'],
    [{ kind: 'syncDump', from: 1, chain: 1, chainVer: 1, chunks: [{ chunk: 'x', commitVer: 1, updateVer: 1, chainVer: 1 }] }, 'checksum'],
    [{ kind: 'syncRemove', from: 1, chain: 1, chainVer: 1, chunk: 'x', commitVer: 'one', updateVer: 1 }, 'commitVer'],
    [{ kind: 'syncChunk', from: 1, chain: 1, chainVer: 1, chunk: 'x', commitVer: 1, stampVer: 1, data: [1, 2], checksum: 0 }, 'data'],
    [{ kind: 'syncAck', from: 1, chain: 1, chainVer: 1, chunk: 'x', outcome: 'maybe' }, 'outcome'],
  ])('a bad sync message is rejected naming the field: %#', (raw, field) => {
    const d = decodeWith(SyncMessage, raw);
    expect(isLeft(d)).toBe(true);
    if (isLeft(d)) expect(d.left.field).toContain(field);
  });
});
