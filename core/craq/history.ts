/**
 * Turn a CRAQ cluster history into the linearizability checker's register operations.
 * A register is a chunk's first `width` bytes; its value is their hex string, or null when
 * the chunk was never written (version 0). A write that failed or never returned may or
 * may not have taken effect, so it is recorded without a return. A failed read had no
 * effect and no output: it is left out.
 */
import { LinOperation } from '../check/lin';
import { HistoryOp } from './cluster';

const HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));

export function hexOf(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += HEX[bytes[i]];
  return s;
}

/** (Objects built field by field, in the order the spreads used to give: model checkers call this per distinct history.) */
export function toLinHistory(history: readonly HistoryOp[]): LinOperation[] {
  const out: LinOperation[] = [];
  for (const h of history) {
    const client = h.client as number;
    const key = h.op.chunk as string;
    const call = h.call;
    if (h.op.kind === 'write') {
      const ret = h.result?.ok ? h.ret : undefined;
      const value = hexOf(h.op.data);
      out.push(ret !== undefined ? { client, key, call, op: 'write', value, return: ret } : { client, key, call, op: 'write', value });
    } else if (h.result === undefined) {
      out.push({ client, key, call, op: 'read' });
    } else if (h.result.ok && h.result.kind === 'read') {
      out.push({ client, key, call, op: 'read', output: h.result.ver === 0 ? null : hexOf(h.result.data), return: h.ret! });
    }
  }
  return out;
}
