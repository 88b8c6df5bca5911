/**
 * Scenario driver for the whole system (core/check/system-model.ts, the reference model over
 * whole states: a test reads the state it picks from): a test names the next
 * event ("deliver the forward to t2", "crash t1", "manager: syncDone") and the driver
 * applies it through the real machines, checks every invariant, and records the readable
 * line the explorer prints, so a scenario reads as a transcript (DESIGN.md "Tests people
 * can read").
 */
import { InvariantViolation } from '../../../core/types';
import { SystemAction, SystemCheckConfig, SystemState, systemReferenceModel, systemInvariants, DEFAULT_SYSTEM_CONFIG } from '../../../core/check/system-model';
import { ExplorerModel } from '../../../core/check/explorer';

export class Scenario {
  readonly model: ExplorerModel<SystemState, SystemAction>;
  readonly cfg: SystemCheckConfig;
  s: SystemState;
  readonly lines: string[] = [];

  constructor(over: Partial<SystemCheckConfig>) {
    this.cfg = { ...DEFAULT_SYSTEM_CONFIG, ...over };
    this.model = systemReferenceModel(this.cfg);
    this.s = this.model.initial();
  }

  /** Apply the first enabled action `pick` accepts; throws (naming the step) if none is enabled. */
  act(what: string, pick: (a: SystemAction, s: SystemState) => boolean): this {
    const a = this.model.actions(this.s).find((x) => pick(x, this.s));
    if (!a) throw new Error(`step ${this.lines.length + 1} (${what}): not enabled; state ${this.model.summarize!(this.s)}`);
    const next = this.model.apply(this.s, a);
    this.lines.push(this.model.describe(this.s, a, next).replace(/\s+=>/, '  =>'));
    for (const inv of systemInvariants(this.cfg)) {
      const why = inv.check(next);
      if (why !== null) throw new InvariantViolation(inv.id, `after step ${this.lines.length}: ${why}`);
    }
    this.s = next;
    return this;
  }

  invoke(client: number): this {
    return this.act(`c${client} invokes`, (a) => a.k === 'invoke' && a.client === client);
  }

  /** Deliver the CRAQ message of `kind` from `from` to `to` (t1, c0, ...). */
  deliver(kind: string, from: string, to: string): this {
    const key = (ad: { kind: string; id: number }) => `${ad.kind === 'target' ? 't' : 'c'}${ad.id}`;
    return this.act(`deliver ${kind} ${from}->${to}`, (a, s) => a.k === 'deliver' && s.c.inflight[a.i].msg.kind === kind && key(s.c.inflight[a.i].from) === from && key(s.c.inflight[a.i].to) === to);
  }

  /** Deliver the recovery-sync message of `kind` (syncStart, syncDump, ...). */
  sync(kind: string): this {
    return this.act(`deliver ${kind}`, (a, s) => a.k === 'deliverSync' && s.c.syncInflight[a.i].msg.kind === kind);
  }

  crash(t: number): this {
    return this.act(`crash t${t}`, (a) => a.k === 'crash' && a.t === t - 1);
  }

  restart(t: number): this {
    return this.act(`restart t${t}`, (a) => a.k === 'restart' && a.t === t - 1);
  }

  managerSeesDown(t: number): this {
    return this.act(`manager: t${t} down`, (a) => a.k === 'detectDown' && a.t === t - 1);
  }

  heartbeat(t: number): this {
    return this.act(`t${t} heartbeats`, (a) => a.k === 'heartbeat' && a.t === t - 1);
  }

  syncDone(): this {
    return this.act('manager: syncDone', (a) => a.k === 'syncDone');
  }

  timeout(node: string): this {
    return this.act(`timeout at ${node}`, (a) => a.k === 'timeout' && `${a.node.kind === 'target' ? 't' : 'c'}${a.node.id}` === node);
  }

  /** Deliver messages and fire timers (oldest first) until nothing is left or `maxSteps`. */
  settle(maxSteps = 200): this {
    for (let n = 0; n < maxSteps; n++) {
      const acts = this.model.actions(this.s).filter((a) => a.k === 'deliver' || a.k === 'deliverSync' || a.k === 'syncDone' || a.k === 'timeout');
      if (acts.length === 0) return this;
      const a = JSON.stringify(acts.find((x) => x.k !== 'timeout') ?? acts[0]);
      this.act('settle', (x) => JSON.stringify(x) === a);
    }
    throw new Error(`not settled after ${maxSteps} steps: ${this.model.summarize!(this.s)}`);
  }

  transcript(): string {
    return this.lines.map((l, i) => `${String(i + 1).padStart(3)}. ${l.trimEnd()}`).join('\n') + `\nstate: ${this.model.summarize!(this.s)}\n`;
  }
}
