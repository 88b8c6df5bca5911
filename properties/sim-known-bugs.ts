/**
 * Two bugs in core/craq/target.ts that the whole-cluster simulator found (issue 7), as
 * minimal step-level reproductions. Each returns true while the bug is present, so the
 * soak test knows whether a clean run can be expected (properties/sim.test.ts).
 *
 * B1 (duplicate queued write): a client write that waits behind the chunk lock has no
 * retry-cache entry yet, so the client's retry of it is queued a second time and both
 * copies are applied, as two versions: the write takes effect twice, the second time after
 * later writes (found by `chainrep sim --seed 1`, shrunk to one crash).
 *
 * B2 (stale head commits): a client write queued at the head is started after a routing
 * change removed the target from the write path; `begin` does not re-check that the target
 * is still the head, finds no successor, "commits as the tail" and acknowledges a write no
 * other replica has. The chain later assigns that version to another write; the replicas
 * diverge (found by `chainrep sim --seed 82`).
 */
import { ChainId, ChunkId, ClientId, NodeId, TargetId } from '../spec/ids';
import { RoutingTable } from '../spec/routing';
import { DEFAULT_TARGET_CONFIG, TargetConfig, TargetEffect, TargetState, initialTargetState, step } from '../core/craq/target';
import { WriteReq } from '../spec/craq';
import { packSum } from '../core/craq/checksum';

const cfg: TargetConfig = { ...DEFAULT_TARGET_CONFIG, self: 1 as TargetId };
const chain = 1 as ChainId;
const chunk = 'x' as ChunkId;

function table(version: number, chainVersion: number, states: readonly ['serving' | 'offline', 'serving' | 'offline']): RoutingTable {
  return {
    version,
    chains: [
      {
        id: chain,
        version: chainVersion,
        targets: [
          { target: 1 as TargetId, node: 0 as NodeId, state: states[0] },
          { target: 2 as TargetId, node: 1 as NodeId, state: states[1] },
        ].sort((a, b) => (a.state === b.state ? 0 : a.state === 'serving' ? -1 : 1)),
      },
    ],
  };
}

const write = (client: number, seq: number, byte: number, chainVer = 1): WriteReq => ({
  kind: 'write',
  client: client as ClientId,
  channel: 0,
  seq,
  chain,
  chainVer,
  chunk,
  offset: 0,
  data: new Uint8Array([byte]),
});

function headWithQueuedWrite(): TargetState {
  let s = initialTargetState();
  [s] = step(cfg, s, { kind: 'routing', table: table(1, 1, ['serving', 'serving']), nowMs: 0 });
  [s] = step(cfg, s, { kind: 'received', msg: write(0, 1, 0xaa), nowMs: 1 }); // A: forwarded, holds the lock
  [s] = step(cfg, s, { kind: 'received', msg: write(1, 1, 0xbb), nowMs: 2 }); // B: queued
  return s;
}

/** B1: the retry of a queued client write is queued again. */
export function duplicateQueuedWriteBug(): boolean {
  let s = headWithQueuedWrite();
  [s] = step(cfg, s, { kind: 'received', msg: write(1, 1, 0xbb), nowMs: 3 }); // B's retry
  return (s.volatile.locks.get(chunk)?.queue.length ?? 0) > 1;
}

/**
 * B2: after the head left the write path, its queued client write is committed and
 * acknowledged once the lock frees: by the successor's ack, or when the write holding the
 * lock gives up (forwardRetryTotalMs).
 */
export function staleHeadCommitsBug(): boolean {
  let s = headWithQueuedWrite();
  // the manager moves target 1 to the end (offline); target 2 is now the only writer
  [s] = step(cfg, s, { kind: 'routing', table: table(2, 2, ['offline', 'serving']), nowMs: 4 });
  const pending = s.durable.chunks.get(chunk)?.pending;
  if (!pending) throw new Error('reproduction setup: write A should be pending at the head');
  const ack = { kind: 'ack' as const, from: 2 as TargetId, chain, chainVer: 2, chunk, ver: 1, ok: true as const, sum: packSum(pending.sum), code: undefined };
  const acked = (effects: readonly TargetEffect[]) =>
    effects.flatMap((e) => (e.kind === 'persist' ? e.thenSend : e.kind === 'send' ? [e] : [])).some((e) => e.msg.kind === 'writeReply' && e.msg.client === 1 && e.msg.ok);
  let effects: readonly TargetEffect[];
  [s, effects] = step(cfg, s, { kind: 'received', msg: ack, nowMs: 5 });
  if (acked(effects)) return true;
  [, effects] = step(cfg, s, { kind: 'tick', nowMs: 5 + cfg.forwardRetryTotalMs });
  return acked(effects);
}
