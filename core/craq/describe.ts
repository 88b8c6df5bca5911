/** Short readable renderings of CRAQ messages, replicas and cluster events (demo, traces). */
import { Address, CraqMessage } from '../../spec/craq';
import { ChunkReplica } from './target';
import { ClusterEvent } from './cluster';
import { hexOf } from './history';

export const addr = (a: Address): string => (a.kind === 'target' ? `t${a.id}` : `c${a.id}`);

export function describeMsg(m: CraqMessage): string {
  const err = 'ok' in m && m.ok === false ? ` ${m.code}` : '';
  switch (m.kind) {
    case 'write':
      return `write ${m.chunk}[${m.offset}..+${m.data.length}]=${hexOf(m.data)} (ch${m.channel}#${m.seq}, chainVer ${m.chainVer})`;
    case 'writeReply':
      return m.ok ? `writeReply ok v${m.commitVer} (ch${m.channel}#${m.seq})` : `writeReply${err} (ch${m.channel}#${m.seq})`;
    case 'forward':
      return `forward ${m.chunk} v${m.ver}${m.full ? ' full' : ''} [${m.offset}..+${m.data.length}]=${hexOf(m.data)}`;
    case 'ack':
      return m.ok ? `ack ${m.chunk} v${m.ver}${m.code ? ` (${m.code})` : ''}` : `ack ${m.chunk} v${m.ver}${err}`;
    case 'read':
      return `read ${m.chunk}[${m.offset}..+${m.length}]${m.relaxed ? ' relaxed' : ''} #${m.reqId}`;
    case 'readReply':
      return m.ok ? `readReply #${m.reqId} v${m.ver}=${hexOf(m.data)}${m.committed ? '' : ' (uncommitted)'}` : `readReply #${m.reqId}${err}`;
    case 'versionQuery':
      return `versionQuery ${m.chunk} q${m.qid}`;
    case 'versionReply':
      return m.ok ? `versionReply q${m.qid} committed v${m.commitVer}` : `versionReply q${m.qid}${err}`;
  }
}

export function describeReplica(r: ChunkReplica | undefined): string {
  if (!r) return 'empty';
  const base = `commit v${r.commitVer}=${hexOf(r.data)}`;
  return r.pending ? `${base}, pending v${r.pending.ver}=${hexOf(r.pending.data)}` : base;
}

/** One line per input a node handled, with what it sent. */
export function describeEvents(events: readonly ClusterEvent[]): string[] {
  const lines: string[] = [];
  let cur: string | undefined;
  let sends: string[] = [];
  const flush = () => {
    if (cur !== undefined) lines.push(sends.length ? `${cur}  => ${sends.join('; ')}` : cur);
    cur = undefined;
    sends = [];
  };
  for (const e of events) {
    if ('input' in e) {
      flush();
      const i = e.input;
      const who = addr(e.node).padEnd(3);
      if (i.kind === 'received') cur = `${who} <- ${describeMsg(i.msg)}`;
      else if (i.kind === 'invoke') cur = `${who} invokes ${i.op.kind} ${i.op.chunk}${i.op.kind === 'write' ? `=${hexOf(i.op.data)}` : ''}`;
      else if (i.kind === 'crashed') cur = `${who} CRASHES`;
      else cur = `${who} ${i.kind}`;
    } else if ('effect' in e) {
      const f = e.effect;
      if (f.kind === 'send') sends.push(`${describeMsg(f.msg)} -> ${addr(f.to)}`);
      if (f.kind === 'persist') for (const x of f.thenSend) sends.push(`persist, then ${describeMsg(x.msg)} -> ${addr(x.to)}`);
      if (f.kind === 'complete') sends.push(`op ${f.opId}: ${f.result.ok ? (f.result.kind === 'write' ? `ok v${f.result.commitVer}` : `ok v${f.result.ver}=${hexOf(f.result.data)}`) : f.result.code}`);
      if (f.kind === 'ignored') sends.push(`(ignored: ${f.reason})`);
    } else {
      flush();
      lines.push(`${addr(e.node).padEnd(3)} loses ${describeMsg(e.dropped)} (${e.reason})`);
    }
  }
  flush();
  return lines;
}
