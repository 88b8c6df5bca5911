/**
 * A transcription of 3FS's chain rebuild, `generateNewChain` in deepseek-ai/3FS
 * src/mgmtd/service/updateChain.cc (read through the code search; see
 * proofs-notes/chain-transition.md), used ONLY as an oracle for
 * properties/chain-manager-table.test.ts. It is 3FS's algorithm, not ours: targets are
 * dispatched in groups by their old public state (SERVING, LASTSRV, SYNCING, WAITING,
 * OFFLINE), the first SERVING target that went offline becomes LASTSRV provisionally and is
 * demoted to OFFLINE at the end if any target is SERVING, and an OFFLINE target that is
 * online goes straight to SYNCING behind a SERVING one when no target is SYNCING yet.
 */
import { PublicState } from '../spec/routing';
import { CHAIN_ORDER } from '../spec/chain';
import type { Slot } from '../core/chain/transition';

export function generateNewChain3fs<M extends Slot>(old: readonly M[]): M[] {
  const out: Record<PublicState, M[]> = { serving: [], lastsrv: [], syncing: [], waiting: [], offline: [] };
  const put = (m: M, s: PublicState) => out[s].push(m.state === s ? m : { ...m, state: s });
  const group = (s: PublicState) => old.filter((m) => m.state === s);
  const live = (m: M) => m.local === 'online' || m.local === 'uptodate';

  for (const m of group('serving')) {
    if (live(m)) put(m, 'serving');
    else if (out.lastsrv.length === 0) put(m, 'lastsrv'); // the first SERVING that went offline
    else put(m, 'offline');
  }
  for (const m of group('lastsrv')) {
    if (out.serving.length === 0) put(m, live(m) ? 'serving' : 'lastsrv');
    else put(m, 'offline');
  }
  for (const m of group('syncing')) {
    if (m.local === 'uptodate') put(m, 'serving');
    else if (m.local === 'online') put(m, out.serving.length > 0 ? 'syncing' : 'waiting');
    else put(m, 'offline');
  }
  for (const m of [...group('waiting'), ...group('offline')]) {
    if (out.serving.length > 0 && out.syncing.length === 0 && m.local === 'online') put(m, 'syncing');
    else if (live(m)) put(m, 'waiting');
    else put(m, 'offline');
  }
  if (out.serving.length > 0) {
    for (const m of out.lastsrv) put(m, 'offline');
    out.lastsrv = [];
  }
  return CHAIN_ORDER.flatMap((s) => out[s]);
}
