/**
 * Laws for the SWIM member under random faults (DESIGN.md "Tests people can read": same
 * inputs same outputs; invariants preserved; effects well addressed). The simulator runs
 * the real `step`, whose INV-SWIM-* assertions throw on a violation.
 */
import fc from 'fast-check';
import { DEFAULT_SWIM_CONFIG, encodePacket, withLifeguard } from '../spec/swim';
import { DEFAULT_SIM, simulate } from '../core/swim/sim';
import { createMember, step, SwimEffect, SwimState } from '../core/swim/member';
import { denseAliveTable } from '../core/swim/table';

const scenario = fc.record({
  members: fc.integer({ min: 2, max: 30 }),
  periods: fc.integer({ min: 5, max: 40 }),
  seed: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
  loss: fc.constantFrom(0, 0.05, 0.2),
  slowFraction: fc.constantFrom(0, 0.1),
  slowDelayMaxMs: fc.constantFrom(1000, 10_000),
  crashes: fc.integer({ min: 0, max: 3 }),
  joins: fc.integer({ min: 0, max: 3 }),
  leaves: fc.integer({ min: 0, max: 2 }),
  lifeguard: fc.boolean(),
  daos: fc.boolean(),
  phase: fc.constantFrom('aligned' as const, 'random' as const),
  partition: fc.option(fc.record({ fraction: fc.constantFrom(0.3, 0.5), startPeriod: fc.integer({ min: 1, max: 10 }), endPeriod: fc.integer({ min: 11, max: 30 }) }), { nil: undefined }),
});

describe('SWIM laws under random faults (fast-check; the seed is printed on failure)', () => {
  test('every step keeps the invariants, every datagram fits 1,400 bytes and is addressed to a member, and a seed replays exactly', () => {
    fc.assert(
      fc.property(scenario, (sc) => {
        const config = { ...withLifeguard(DEFAULT_SWIM_CONFIG, sc.lifeguard), confirmWithAccuserOn: sc.daos };
        let bad: string | null = null;
        const opts = {
          ...DEFAULT_SIM,
          ...sc,
          config,
          onMemberEvent: (at: number, e: { member: number; incarnation: number }) => {
            if (e.member < 0 || e.member >= sc.members || at < 0 || at >= sc.members) bad = `event about ${e.member} at ${at}`;
          },
        };
        const a = simulate(opts);
        const b = simulate(opts);
        return bad === null && JSON.stringify(a) === JSON.stringify(b);
      }),
      { numRuns: 25 },
    );
  });

  test('datagrams a member sends always encode within the budget and go to known members', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 400 }), fc.integer({ min: 0, max: 1000 }), (n, seed) => {
        let s: SwimState = createMember(0, seed, denseAliveTable(n));
        let ok = true;
        const take = (fx: readonly SwimEffect[]) => {
          for (const e of fx)
            if (e.kind === 'send') {
              if (e.to < 0 || e.to >= n || e.to === 0) ok = false;
              if (e.packet.kind === 'compound') encodePacket(e.packet); // throws past 1,400 bytes
            }
        };
        let [ns, fx] = step(DEFAULT_SWIM_CONFIG, s, { kind: 'join', seeds: [], nowMs: 0 });
        s = ns;
        take(fx);
        // many suspicions queued at once, then a few periods of silence
        for (let m = 1; m < n; m++) {
          [ns, fx] = step(DEFAULT_SWIM_CONFIG, s, { kind: 'received', from: 1, packet: { kind: 'compound', messages: [{ type: 'suspect', member: m, incarnation: 0, from: 1 }] }, nowMs: 10 });
          s = ns;
          take(fx);
        }
        for (let t = 200; t <= 5000; t += 100) {
          [ns, fx] = step(DEFAULT_SWIM_CONFIG, s, { kind: 'tick', nowMs: t });
          s = ns;
          take(fx);
        }
        return ok;
      }),
      { numRuns: 20 },
    );
  });
});
