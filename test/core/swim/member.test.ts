/**
 * The SWIM member machine, rule by rule (SWIM paper; hashicorp/memberlist; Lifeguard;
 * ANCHORS.md "SWIM and Lifeguard"). One member is driven by hand: inputs in, effects out.
 */
import { DEFAULT_SWIM_CONFIG, Message, Packet, SwimConfig, encodePacket } from '../../../spec/swim';
import { MemberEvent, SwimEffect, SwimInput, SwimState, createMember, relayNackMs, retransmitLimit, step, suspicionMinMs } from '../../../core/swim/member';
import { EMPTY_TABLE, denseAliveTable, lookup, put } from '../../../core/swim/table';

const C = DEFAULT_SWIM_CONFIG;

class Driver {
  s: SwimState;
  out: SwimEffect[] = [];
  constructor(
    readonly c: SwimConfig,
    self: number,
    n: number,
  ) {
    this.s = createMember(self, 7, n > 0 ? denseAliveTable(n) : EMPTY_TABLE);
  }
  feed(i: SwimInput): SwimEffect[] {
    const [s, fx] = step(this.c, this.s, i);
    this.s = s;
    this.out.push(...fx);
    return [...fx];
  }
  recv(from: number, messages: Message[], nowMs: number) {
    return this.feed({ kind: 'received', from, packet: { kind: 'compound', messages }, nowMs });
  }
}

const sends = (fx: SwimEffect[]) => fx.filter((e): e is Extract<SwimEffect, { kind: 'send' }> => e.kind === 'send');
const msgs = (p: Packet) => (p.kind === 'compound' ? p.messages : []);
const events = (fx: SwimEffect[]) => fx.filter((e): e is MemberEvent => e.kind === 'memberEvent');

describe('SWIM member: probing', () => {
  test('round-robin: every other member is probed exactly once per round, in a fresh shuffled order each round', () => {
    const d = new Driver(C, 0, 6);
    d.feed({ kind: 'join', seeds: [], nowMs: 0 });
    const targets: number[] = [];
    for (let t = 1000; t <= 10_000; t += 1000) {
      // answer every ping at once so no one is suspected and the interval stays 1 s
      for (const e of sends(d.feed({ kind: 'tick', nowMs: t }))) for (const m of msgs(e.packet)) if (m.type === 'ping') {
        targets.push(m.target);
        d.recv(m.target, [{ type: 'ack', seq: m.seq }], t + 1);
      }
    }
    expect(targets).toHaveLength(10);
    expect([...targets.slice(0, 5)].sort()).toEqual([1, 2, 3, 4, 5]);
    expect([...targets.slice(5, 10)].sort()).toEqual([1, 2, 3, 4, 5]);
  });

  test('no ack within probeTimeout -> ping-req through K=3 members with nacks; none by the period end -> suspect (local)', () => {
    const d = new Driver(C, 0, 5);
    d.feed({ kind: 'join', seeds: [], nowMs: 0 });
    const ping = sends(d.feed({ kind: 'tick', nowMs: 1000 }))[0];
    const target = (msgs(ping.packet)[0] as { target: number }).target;
    expect(sends(d.feed({ kind: 'tick', nowMs: 1499 }))).toHaveLength(0);
    const reqs = sends(d.feed({ kind: 'tick', nowMs: 1500 }));
    expect(reqs.map((e) => e.to).sort()).toEqual([1, 2, 3, 4].filter((x) => x !== target));
    for (const r of reqs) expect(msgs(r.packet)[0]).toMatchObject({ type: 'pingReq', target, nack: true });
    const ev = events(d.feed({ kind: 'tick', nowMs: 2000 }));
    expect(ev).toContainEqual({ kind: 'memberEvent', member: target, previous: 'alive', status: 'suspect', incarnation: 0, local: true });
    // Lifeguard LHA: 3 nacks expected, none arrived -> awareness +3 -> probe interval x4
    expect(d.s.awareness).toBe(3);
    expect(d.s.nextProbeMs).toBe(2000 + 4 * C.probeIntervalMs);
  });

  test('an ack relayed through a ping-req before the period ends clears the probe and lowers awareness', () => {
    const d = new Driver(C, 0, 5);
    d.feed({ kind: 'join', seeds: [], nowMs: 0 });
    d.s = { ...d.s, awareness: 2 };
    const ping = sends(d.feed({ kind: 'tick', nowMs: 1000 }))[0];
    const seq = (msgs(ping.packet)[0] as { seq: number }).seq;
    d.feed({ kind: 'tick', nowMs: 1500 }); // the ack timeout is not scaled (memberlist); the period is, to 3 s
    d.recv(2, [{ type: 'ack', seq }], 3900);
    expect(d.s.probe).toBeNull();
    expect(d.s.awareness).toBe(1);
    expect(d.s.nextProbeMs).toBe(1000 + 3 * C.probeIntervalMs);
    expect(events(d.feed({ kind: 'tick', nowMs: 4000 }))).toHaveLength(0);
  });

  test('a relay forwards the ping, returns the ack, and nacks when the target stays silent', () => {
    const d = new Driver(C, 1, 5);
    d.feed({ kind: 'join', seeds: [], nowMs: 0 });
    const fwd = sends(d.recv(0, [{ type: 'pingReq', seq: 77, target: 3, nack: true }], 100));
    expect(fwd[0].to).toBe(3);
    const ping = msgs(fwd[0].packet)[0] as { type: string; seq: number };
    expect(ping.type).toBe('ping');
    const back = sends(d.recv(3, [{ type: 'ack', seq: ping.seq }], 110));
    expect(back[0]).toMatchObject({ to: 0 });
    expect(msgs(back[0].packet)[0]).toEqual({ type: 'ack', seq: 77 });
    d.recv(0, [{ type: 'pingReq', seq: 78, target: 4, nack: true }], 200);
    const nack = sends(d.feed({ kind: 'tick', nowMs: 200 + relayNackMs(C) }));
    expect(nack.map((e) => [e.to, msgs(e.packet)[0]])).toContainEqual([0, { type: 'nack', seq: 78 }]);
  });
});

describe('SWIM member: suspicion, refutation, precedence', () => {
  test('a suspected member refutes with incarnation + 1, and the refutation rides on its ack (buddy system)', () => {
    const d = new Driver(C, 1, 5);
    d.feed({ kind: 'join', seeds: [], nowMs: 0 });
    const fx = d.recv(0, [{ type: 'ping', seq: 5, target: 1 }, { type: 'suspect', member: 1, incarnation: 0, from: 0 }], 50);
    const ack = sends(fx)[0];
    expect(ack.to).toBe(0);
    expect(msgs(ack.packet)).toEqual([{ type: 'ack', seq: 5 }, { type: 'alive', member: 1, incarnation: 1 }]);
    expect(d.s.incarnation).toBe(1);
    expect(d.s.awareness).toBe(1); // Lifeguard: having to refute counts against our health
  });

  test('precedence: alive(i) does not clear suspect(i); alive(i+1) does; dead(i) overrides suspect(i)', () => {
    const d = new Driver(C, 0, 5);
    d.feed({ kind: 'join', seeds: [], nowMs: 0 });
    d.recv(1, [{ type: 'suspect', member: 2, incarnation: 0, from: 1 }], 10);
    expect(lookup(d.s.table, 2)).toMatchObject({ status: 'suspect', incarnation: 0 });
    d.recv(1, [{ type: 'alive', member: 2, incarnation: 0 }], 20);
    expect(lookup(d.s.table, 2)?.status).toBe('suspect');
    d.recv(1, [{ type: 'alive', member: 2, incarnation: 1 }], 30);
    expect(lookup(d.s.table, 2)).toMatchObject({ status: 'alive', incarnation: 1 });
    expect(d.s.suspicions).toHaveLength(0);
    d.recv(1, [{ type: 'suspect', member: 3, incarnation: 0, from: 1 }, { type: 'dead', member: 3, incarnation: 0, from: 4 }], 40);
    expect(lookup(d.s.table, 3)?.status).toBe('dead');
    d.recv(1, [{ type: 'suspect', member: 3, incarnation: 0, from: 1 }], 50);
    expect(lookup(d.s.table, 3)?.status).toBe('dead');
  });

  test('suspicion timeout: starts at suspicionMaxTimeoutMult * min and falls to min after k = suspicionMult - 2 independent confirmations (Lifeguard)', () => {
    const d = new Driver(C, 0, 100);
    d.feed({ kind: 'join', seeds: [], nowMs: 0 });
    d.recv(1, [{ type: 'suspect', member: 9, incarnation: 0, from: 1 }], 1000);
    const min = suspicionMinMs(C, 100);
    expect(min).toBe(4 * 2 * 1000); // 4 * log10(100) * 1 s
    expect(d.s.suspicions[0].deadlineMs).toBe(1000 + 6 * min);
    d.recv(2, [{ type: 'suspect', member: 9, incarnation: 0, from: 2 }], 2000);
    const one = d.s.suspicions[0].deadlineMs;
    expect(one).toBeLessThan(1000 + 6 * min);
    expect(one).toBeGreaterThan(1000 + min);
    d.recv(3, [{ type: 'suspect', member: 9, incarnation: 0, from: 3 }], 3000);
    expect(d.s.suspicions[0].deadlineMs).toBe(1000 + min);
    expect(events(d.feed({ kind: 'tick', nowMs: 1000 + min - 1 }))).toHaveLength(0);
    expect(events(d.feed({ kind: 'tick', nowMs: 1000 + min }))).toContainEqual({ kind: 'memberEvent', member: 9, previous: 'suspect', status: 'dead', incarnation: 0, local: true });
  });

  test('plain SWIM (Lifeguard off): the suspicion timeout is the fixed minimum', () => {
    const plain = { ...C, localHealthOn: false, dynamicSuspicionOn: false, buddyOn: false, nacksOn: false };
    const d = new Driver(plain, 0, 100);
    d.feed({ kind: 'join', seeds: [], nowMs: 0 });
    d.recv(1, [{ type: 'suspect', member: 9, incarnation: 0, from: 1 }], 1000);
    expect(d.s.suspicions[0].deadlineMs).toBe(1000 + suspicionMinMs(C, 100));
  });

  test('DAOS rule: at the timeout the accuser is asked first; "no longer suspect" restarts the timer instead of killing', () => {
    const daos = { ...C, confirmWithAccuserOn: true, dynamicSuspicionOn: false };
    const d = new Driver(daos, 0, 10);
    d.feed({ kind: 'join', seeds: [], nowMs: 0 });
    d.recv(4, [{ type: 'suspect', member: 9, incarnation: 0, from: 4 }], 0);
    const min = suspicionMinMs(daos, 10);
    const ask = sends(d.feed({ kind: 'tick', nowMs: min }));
    const check = ask.map((e) => [e.to, msgs(e.packet)[0]]).find(([, m]) => (m as Message).type === 'suspectCheck');
    expect(check?.[0]).toBe(4);
    const seq = (check![1] as { seq: number }).seq;
    d.recv(4, [{ type: 'suspectCheckReply', seq, member: 9, stillSuspect: false }], min + 10);
    expect(lookup(d.s.table, 9)?.status).toBe('suspect');
    expect(d.s.suspicions[0].deadlineMs).toBe(min + 10 + min);
    // asked again at the new deadline; no answer -> dead after probeTimeout
    d.feed({ kind: 'tick', nowMs: 2 * min + 10 });
    expect(events(d.feed({ kind: 'tick', nowMs: 2 * min + 10 + daos.probeTimeoutMs }))).toContainEqual(expect.objectContaining({ member: 9, status: 'dead', local: true }));
  });
});

describe('SWIM member: dissemination, join, leave', () => {
  test('each update is sent retransmitMult * ceil(log10(n+1)) times, then dropped from the queue', () => {
    const d = new Driver(C, 0, 50);
    d.feed({ kind: 'join', seeds: [], nowMs: 0 });
    d.recv(1, [{ type: 'alive', member: 7, incarnation: 3 }], 10);
    let sent = 0;
    for (let t = 200; t < 5000; t += 200)
      for (const e of sends(d.feed({ kind: 'tick', nowMs: t }))) for (const m of msgs(e.packet)) if (m.type === 'alive' && m.member === 7) sent++;
    expect(retransmitLimit(C, 50)).toBe(8);
    expect(sent).toBe(8);
    expect(d.s.queue).toHaveLength(0);
  });

  test('piggybacked updates fill a datagram up to the 1,400-byte budget, least-sent first', () => {
    const d = new Driver(C, 0, 3000);
    d.feed({ kind: 'join', seeds: [], nowMs: 0 });
    let remote = denseAliveTable(3000);
    for (let m = 100; m < 1100; m++) remote = put(remote, m, 'alive', 1);
    d.feed({ kind: 'received', from: 5, packet: { kind: 'pushPull', join: false, reply: true, from: 5, members: remote }, nowMs: 10 });
    expect(d.s.queue.length).toBe(1000);
    const fx = sends(d.feed({ kind: 'tick', nowMs: 210 })); // first gossip: 200 ms after the first queued update
    expect(fx.length).toBe(C.gossipNodes);
    for (const e of fx) {
      const bytes = encodePacket(e.packet); // throws PacketTooLarge past 1,400 bytes
      expect(bytes.length).toBeLessThanOrEqual(1400);
      // full: either the byte budget or the compound's 255-message limit is reached
      expect(bytes.length > 1390 || msgs(e.packet).length === 255).toBe(true);
    }
    // the next datagram carries updates not sent yet (fewest transmits first)
    const first = new Set(msgs(fx[0].packet).map((m) => (m as { member: number }).member));
    const second = msgs(fx[1].packet).map((m) => (m as { member: number }).member);
    expect(second.some((m) => first.has(m))).toBe(false);
  });

  test('join through a seed: push-pull both ways, both views converge', () => {
    const seed = new Driver(C, 0, 3);
    seed.feed({ kind: 'join', seeds: [], nowMs: 0 });
    const joiner = new Driver(C, 9, 0);
    const out = sends(joiner.feed({ kind: 'join', seeds: [0], nowMs: 0 }));
    expect(out[0]).toMatchObject({ to: 0, packet: { kind: 'pushPull', join: true } });
    const reply = sends(seed.feed({ kind: 'received', from: 9, packet: out[0].packet, nowMs: 5 })).find((e) => e.packet.kind === 'pushPull')!;
    expect(lookup(seed.s.table, 9)?.status).toBe('alive');
    joiner.feed({ kind: 'received', from: 0, packet: reply.packet, nowMs: 10 });
    expect([0, 1, 2].map((m) => lookup(joiner.s.table, m)?.status)).toEqual(['alive', 'alive', 'alive']);
    expect(joiner.s.table.liveCount).toBe(4);
  });

  test('graceful leave: left at incarnation + 1 is gossiped, then the member stops and ignores input', () => {
    const d = new Driver(C, 0, 4);
    d.feed({ kind: 'join', seeds: [], nowMs: 0 });
    const fx = d.feed({ kind: 'leave', nowMs: 100 });
    expect(events(fx)).toContainEqual({ kind: 'memberEvent', member: 0, previous: 'alive', status: 'left', incarnation: 1, local: true });
    let stopped = false;
    const lefts: number[] = [];
    for (let t = 300; t < 5000 && !stopped; t += 200)
      for (const e of d.feed({ kind: 'tick', nowMs: t })) {
        if (e.kind === 'stopped') stopped = true;
        if (e.kind === 'scheduleTick') expect(e.atMs).toBeGreaterThan(t); // never a tick loop at the same instant
        if (e.kind === 'send') for (const m of msgs(e.packet)) if (m.type === 'left') lefts.push(e.to);
      }
    expect(stopped).toBe(true);
    expect(lefts.length).toBe(retransmitLimit(C, 3));
    expect(d.feed({ kind: 'received', from: 1, packet: { kind: 'compound', messages: [{ type: 'ping', seq: 1, target: 0 }] }, nowMs: 6000 })).toEqual([]);
  });

  test('timers are effects: every step asks for at most one earlier tick, never a repeating timer', () => {
    const d = new Driver(C, 0, 5);
    const fx = d.feed({ kind: 'join', seeds: [], nowMs: 0 });
    expect(fx.filter((e) => e.kind === 'scheduleTick')).toEqual([{ kind: 'scheduleTick', atMs: 1000 }]);
    expect(d.feed({ kind: 'tick', nowMs: 10 }).filter((e) => e.kind === 'scheduleTick')).toEqual([]);
  });
});
