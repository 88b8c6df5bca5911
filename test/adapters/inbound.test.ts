import { clientId } from '../../spec/ids';
import { encodeCraqWire } from '../../spec/wire';
import { receiveWire } from '../../adapters/runtime/inbound';
import { DEFAULT_TARGET_CONFIG, TargetConfig, initialTargetState, step } from '../../core/craq/target';
import { targetId } from '../../spec/ids';
import { CHAIN, X, routing } from '../core/craq/helpers';

const cfg: TargetConfig = { ...DEFAULT_TARGET_CONFIG, chunkSizeBytes: 64, self: targetId(1) };
const [ready] = step(cfg, initialTargetState(), { kind: 'routing', table: routing(3), nowMs: 0 });

describe('bad input at the target boundary', () => {
  test.each([
    ['not JSON', '{{', '(frame)'],
    ['missing field', JSON.stringify({ kind: 'write', client: 0, channel: 0, seq: 1, chain: 1, chainVer: 1, chunk: 'x', offset: 0 }), 'data'],
    ['wrong type', JSON.stringify({ kind: 'write', client: 0, channel: 0, seq: 'a', chain: 1, chainVer: 1, chunk: 'x', offset: 0, data: { $b64: 'AQ==' } }), 'seq'],
    ['unknown kind', JSON.stringify({ kind: 'explode' }), 'kind'],
    ['a client-bound message', encodeCraqWire({ kind: 'writeReply', client: clientId(0), channel: 0, seq: 1, chunk: X, ok: true, commitVer: 1 }), 'kind'],
  ])('%s: rejected naming the field, state unchanged', (_name, frame, field) => {
    const r = receiveWire(cfg, ready, frame, 0);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.field).toBe(field);
    expect(r.state).toBe(ready);
  });

  test('the node keeps serving: a good frame after bad ones is processed', () => {
    receiveWire(cfg, ready, '{{', 0);
    const r = receiveWire(cfg, ready, encodeCraqWire({ kind: 'write', client: clientId(0), channel: 0, seq: 1, chain: CHAIN, chainVer: 1, chunk: X, offset: 0, data: Uint8Array.of(5) }), 0);
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.effects.some((e) => e.kind === 'persist')).toBe(true);
  });
});
