/**
 * The CRAQ client as a pure machine. Writes go to the head of the chain's write path,
 * each on a channel with a sequence number (the target de-duplicates retries per
 * (client, chain, channel)); reads go to a serving replica chosen by policy: `random`
 * (seeded PRNG in state), `roundRobin`, or `tail`. Retries with exponential backoff on
 * RoutingVersionMismatch / RoutingError (after asking for fresh routing), on
 * ChunkNotCommit (fast), and on timeouts; time is an input.
 */
import { ChainId, ChunkId, ClientId, TargetId } from '../../spec/ids';
import { Chain, RoutingTable, findChain, servingTargets, writeTargets } from '../../spec/routing';
import { Address, ClientMessage, CraqMessage, ErrorCode, ReadReply, WriteReply, toTarget } from '../../spec/craq';
import { PrngState, nextBelow, seedPrng } from '../prng';
import { StepResult } from '../types';
import { CraqMutant } from './mutants';

export type ReadPolicy = 'random' | 'roundRobin' | 'tail';

export interface ClientConfig {
  readonly self: ClientId;
  readonly readPolicy: ReadPolicy;
  /** 3fs relaxed read: accept the pending version of a dirty chunk. */
  readonly relaxedRead: boolean;
  /** Writes in flight at once (one channel each). */
  readonly channels: number;
  readonly requestTimeoutMs: number;
  readonly retryBackoffMinMs: number;
  readonly retryBackoffMaxMs: number;
  /** Delay before retrying a ChunkNotCommit read (3FS retries these fast). */
  readonly notCommitRetryMs: number;
  /** Give up on an operation after this long. */
  readonly opDeadlineMs: number;
  /** A planted bug (core/craq/mutants.ts); only `clientNoRequestTimeout` is a client's. */
  readonly mutant?: CraqMutant;
}

export const DEFAULT_CLIENT_CONFIG: Omit<ClientConfig, 'self'> = {
  readPolicy: 'random',
  relaxedRead: false,
  channels: 4,
  requestTimeoutMs: 1000,
  retryBackoffMinMs: 10,
  retryBackoffMaxMs: 1000,
  notCommitRetryMs: 1,
  opDeadlineMs: 60_000,
};

export type ClientOp =
  | { readonly kind: 'write'; readonly chain: ChainId; readonly chunk: ChunkId; readonly offset: number; readonly data: Uint8Array }
  | {
      readonly kind: 'read';
      readonly chain: ChainId;
      readonly chunk: ChunkId;
      readonly offset: number;
      readonly length: number;
      /** Read from this replica first if it is serving (3FS's manual selection); retries follow the policy. */
      readonly target?: TargetId;
    };

export type OpResult =
  | { readonly ok: true; readonly kind: 'write'; readonly commitVer: number }
  | { readonly ok: true; readonly kind: 'read'; readonly ver: number; readonly data: Uint8Array; readonly committed: boolean }
  | { readonly ok: false; readonly code: ErrorCode };

export interface OpState {
  readonly id: number;
  readonly op: ClientOp;
  /** Writes: channel and sequence number (fixed across retries). */
  readonly channel: number;
  readonly seq: number;
  /** Reads: request id of the current attempt (a new one per attempt). */
  readonly reqId: number;
  readonly target: TargetId | undefined;
  readonly attempt: number;
  readonly startedMs: number;
  /** When to act next: the attempt's timeout, or the end of a backoff. */
  readonly wakeMs: number;
  readonly phase: 'sent' | 'backoff' | 'queued';
}

export interface ClientState {
  readonly routing: RoutingTable | null;
  readonly prng: PrngState;
  readonly rr: number;
  readonly nextReqId: number;
  /** Per channel: last sequence number used, and whether a write holds it. */
  readonly seqs: readonly number[];
  readonly busy: readonly boolean[];
  readonly ops: ReadonlyMap<number, OpState>;
}

export type ClientInput =
  | { readonly kind: 'invoke'; readonly opId: number; readonly op: ClientOp; readonly nowMs: number }
  | { readonly kind: 'received'; readonly msg: ClientMessage; readonly nowMs: number }
  | { readonly kind: 'routing'; readonly table: RoutingTable; readonly nowMs: number }
  | { readonly kind: 'tick'; readonly nowMs: number };

export type ClientEffect =
  | { readonly kind: 'send'; readonly to: Address; readonly msg: CraqMessage }
  | { readonly kind: 'scheduleTick'; readonly atMs: number }
  | { readonly kind: 'complete'; readonly opId: number; readonly result: OpResult }
  /** Ask whoever owns routing (the manager) for a fresh table; it arrives as a `routing` input. */
  | { readonly kind: 'refreshRouting' }
  | { readonly kind: 'ignored'; readonly reason: string };

export function initialClientState(cfg: ClientConfig, seed: number, routing: RoutingTable | null = null): ClientState {
  return {
    routing,
    prng: seedPrng(seed),
    rr: 0,
    nextReqId: 1,
    seqs: new Array(cfg.channels).fill(0),
    busy: new Array(cfg.channels).fill(false),
    ops: new Map(),
  };
}

interface Ctx {
  readonly cfg: ClientConfig;
  readonly nowMs: number;
  s: ClientState;
  readonly effects: ClientEffect[];
}

export function clientStep(cfg: ClientConfig, state: ClientState, input: ClientInput): StepResult<ClientState, ClientEffect> {
  const c: Ctx = { cfg, nowMs: input.nowMs, s: state, effects: [] };
  switch (input.kind) {
    case 'invoke':
      onInvoke(c, input.opId, input.op);
      break;
    case 'received':
      if (input.msg.kind === 'writeReply') onWriteReply(c, input.msg);
      else onReadReply(c, input.msg);
      break;
    case 'routing':
      if (!c.s.routing || input.table.version >= c.s.routing.version) c.s = { ...c.s, routing: input.table };
      break;
    case 'tick':
      onTick(c);
      break;
  }
  return [c.s, c.effects];
}

function putOp(c: Ctx, op: OpState | undefined, id: number): void {
  const ops = new Map(c.s.ops);
  if (op) ops.set(id, op);
  else ops.delete(id);
  c.s = { ...c.s, ops };
}

function complete(c: Ctx, op: OpState, result: OpResult): void {
  putOp(c, undefined, op.id);
  if (op.op.kind === 'write' && op.phase !== 'queued') {
    const busy = c.s.busy.slice();
    busy[op.channel] = false;
    c.s = { ...c.s, busy };
  }
  c.effects.push({ kind: 'complete', opId: op.id, result });
  if (op.op.kind === 'write') admitQueued(c);
}

function onInvoke(c: Ctx, opId: number, op: ClientOp): void {
  const st: OpState = { id: opId, op, channel: -1, seq: 0, reqId: 0, target: undefined, attempt: 0, startedMs: c.nowMs, wakeMs: c.nowMs, phase: 'queued' };
  putOp(c, st, opId);
  if (op.kind === 'write') admitQueued(c);
  else attempt(c, st);
}

/** Give queued writes a free channel, oldest first. */
function admitQueued(c: Ctx): void {
  for (const op of [...c.s.ops.values()].sort((a, b) => a.id - b.id)) {
    if (op.phase !== 'queued' || op.op.kind !== 'write') continue;
    const ch = c.s.busy.indexOf(false);
    if (ch < 0) return;
    const busy = c.s.busy.slice();
    const seqs = c.s.seqs.slice();
    busy[ch] = true;
    seqs[ch] += 1;
    c.s = { ...c.s, busy, seqs };
    attempt(c, { ...op, channel: ch, seq: seqs[ch], phase: 'backoff' });
  }
}

function chainOf(c: Ctx, id: ChainId): Chain | undefined {
  return c.s.routing ? findChain(c.s.routing, id) : undefined;
}

function pickReadTarget(c: Ctx, chain: Chain): TargetId | undefined {
  const serving = servingTargets(chain);
  if (serving.length === 0) return undefined;
  switch (c.cfg.readPolicy) {
    case 'tail':
      return serving[serving.length - 1].target;
    case 'roundRobin': {
      const t = serving[c.s.rr % serving.length].target;
      c.s = { ...c.s, rr: c.s.rr + 1 };
      return t;
    }
    case 'random': {
      const [i, prng] = nextBelow(c.s.prng, serving.length);
      c.s = { ...c.s, prng };
      return serving[i].target;
    }
  }
}

/** Send the operation's next attempt (or back off when there is nowhere to send it). */
function attempt(c: Ctx, op: OpState): void {
  const chain = chainOf(c, op.op.chain);
  let target: TargetId | undefined;
  if (chain) {
    const o = op.op;
    if (o.kind === 'write') target = writeTargets(chain)[0]?.target;
    else if (op.attempt === 0 && o.target !== undefined && servingTargets(chain).some((x) => x.target === o.target)) target = o.target;
    else target = pickReadTarget(c, chain);
  }
  if (!chain || target === undefined) {
    c.effects.push({ kind: 'refreshRouting' });
    return backoff(c, op, c.cfg.retryBackoffMinMs);
  }
  const wakeMs = c.nowMs + c.cfg.requestTimeoutMs;
  if (op.op.kind === 'write') {
    const o = op.op;
    c.effects.push({
      kind: 'send',
      to: toTarget(target),
      msg: { kind: 'write', client: c.cfg.self, channel: op.channel, seq: op.seq, chain: o.chain, chainVer: chain.version, chunk: o.chunk, offset: o.offset, data: o.data },
    });
    putOp(c, { ...op, target, wakeMs, phase: 'sent' }, op.id);
  } else {
    const o = op.op;
    const reqId = c.s.nextReqId;
    c.s = { ...c.s, nextReqId: reqId + 1 };
    c.effects.push({
      kind: 'send',
      to: toTarget(target),
      msg: { kind: 'read', client: c.cfg.self, reqId, chain: o.chain, chainVer: chain.version, chunk: o.chunk, offset: o.offset, length: o.length, relaxed: c.cfg.relaxedRead },
    });
    putOp(c, { ...op, target, reqId, wakeMs, phase: 'sent' }, op.id);
  }
  if (c.cfg.mutant === 'clientNoRequestTimeout') return;
  c.effects.push({ kind: 'scheduleTick', atMs: wakeMs });
}

function backoff(c: Ctx, op: OpState, delayMs: number): void {
  if (c.nowMs + delayMs - op.startedMs > c.cfg.opDeadlineMs) return complete(c, op, { ok: false, code: 'Timeout' });
  const wakeMs = c.nowMs + delayMs;
  putOp(c, { ...op, attempt: op.attempt + 1, wakeMs, phase: 'backoff' }, op.id);
  c.effects.push({ kind: 'scheduleTick', atMs: wakeMs });
}

function backoffDelay(c: Ctx, op: OpState): number {
  return Math.min(c.cfg.retryBackoffMaxMs, c.cfg.retryBackoffMinMs * 2 ** Math.min(op.attempt, 30));
}

/** What the client does with an error code: retry (after refreshing routing or not) or give up. */
function onError(c: Ctx, op: OpState, code: ErrorCode): void {
  switch (code) {
    case 'RoutingVersionMismatch':
    case 'RoutingError':
    case 'TargetNotReady':
    case 'TargetOffline':
      c.effects.push({ kind: 'refreshRouting' });
      return backoff(c, op, backoffDelay(c, op));
    case 'ChunkNotCommit':
      return backoff(c, op, c.cfg.notCommitRetryMs);
    case 'TargetBusy':
    case 'ChunkAdvanceUpdate':
    case 'Timeout':
      return backoff(c, op, backoffDelay(c, op));
    default:
      return complete(c, op, { ok: false, code });
  }
}

function onWriteReply(c: Ctx, m: WriteReply): void {
  const op = [...c.s.ops.values()].find((o) => o.op.kind === 'write' && o.phase === 'sent' && o.channel === m.channel && o.seq === m.seq);
  if (!op) return void c.effects.push({ kind: 'ignored', reason: `write reply ${m.channel}/${m.seq}: no such write waiting` });
  if (m.ok) return complete(c, op, { ok: true, kind: 'write', commitVer: m.commitVer });
  onError(c, op, m.code);
}

function onReadReply(c: Ctx, m: ReadReply): void {
  const op = [...c.s.ops.values()].find((o) => o.op.kind === 'read' && o.phase === 'sent' && o.reqId === m.reqId);
  if (!op) return void c.effects.push({ kind: 'ignored', reason: `read reply ${m.reqId}: no such read waiting` });
  if (m.ok) return complete(c, op, { ok: true, kind: 'read', ver: m.ver, data: m.data, committed: m.committed });
  onError(c, op, m.code);
}

function onTick(c: Ctx): void {
  for (const op of [...c.s.ops.values()]) {
    if (op.phase === 'queued' || c.nowMs < op.wakeMs) continue;
    if (op.phase === 'sent') {
      // the attempt timed out: retry (same channel and seq for writes)
      if (c.nowMs - op.startedMs >= c.cfg.opDeadlineMs) complete(c, op, { ok: false, code: 'Timeout' });
      else attempt(c, { ...op, attempt: op.attempt + 1 });
    } else {
      attempt(c, op);
    }
  }
}
