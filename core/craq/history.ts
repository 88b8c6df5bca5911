/**
 * Turn a CRAQ cluster history into the linearizability checker's register operations.
 * A register is a chunk's first `width` bytes; its value is their hex string, or null when
 * the chunk was never written (version 0). A write that failed or never returned may or
 * may not have taken effect, so it is recorded without a return. A failed read had no
 * effect and no output: it is left out.
 */
import { LinOperation } from '../check/lin';
import { HistoryOp } from './cluster';

export function hexOf(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += bytes[i].toString(16).padStart(2, '0');
  return s;
}

export function toLinHistory(history: readonly HistoryOp[]): LinOperation[] {
  const out: LinOperation[] = [];
  for (const h of history) {
    const base = { client: h.client as number, key: h.op.chunk as string, call: h.call };
    if (h.op.kind === 'write') {
      const ret = h.result?.ok ? h.ret : undefined;
      out.push({ ...base, op: 'write', value: hexOf(h.op.data), ...(ret !== undefined ? { return: ret } : {}) });
    } else if (h.result === undefined) {
      out.push({ ...base, op: 'read' });
    } else if (h.result.ok && h.result.kind === 'read') {
      out.push({ ...base, op: 'read', output: h.result.ver === 0 ? null : hexOf(h.result.data), return: h.ret! });
    }
  }
  return out;
}
