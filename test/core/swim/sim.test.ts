/**
 * The deterministic simulator, and the anchors it is measured against (ANCHORS.md "SWIM
 * and Lifeguard"; figures at larger N in docs/swim.md, produced by bench/swim.ts).
 */
import { DEFAULT_SWIM_CONFIG, withLifeguard } from '../../../spec/swim';
import { DEFAULT_SIM, SimOptions, simulate } from '../../../core/swim/sim';

const sim = (o: Partial<SimOptions> & Pick<SimOptions, 'members' | 'periods' | 'seed'>) =>
  simulate({ ...DEFAULT_SIM, config: DEFAULT_SWIM_CONFIG, ...o });

describe('SWIM simulator', () => {
  test('same seed, same run (every random choice comes from one seeded Rng)', () => {
    const a = sim({ members: 60, periods: 40, seed: 11, crashes: 3, loss: 0.05 });
    const b = sim({ members: 60, periods: 40, seed: 11, crashes: 3, loss: 0.05 });
    expect(b).toEqual(a);
    const c = sim({ members: 60, periods: 40, seed: 12, crashes: 3, loss: 0.05 });
    expect(c.messages).not.toBe(a.messages);
  });

  test('every crash is detected and declared dead by every live member; no false positives without loss (seed 3)', () => {
    const r = sim({ members: 80, periods: 80, seed: 3, crashes: 4 });
    expect(r.detection.count).toBe(4);
    expect(r.undetected + r.undisseminated).toBe(0);
    expect(r.deadEverywhere.count).toBe(4);
    expect(r.falsePositives).toBe(0);
  });

  test('first detection with no loss is within 15% of e/(e-1) = 1.582 periods (SWIM paper section 3.1; seed 1, 30 crashes)', () => {
    const r = sim({ members: 300, periods: 60, seed: 1, crashes: 30 });
    const expected = Math.E / (Math.E - 1);
    expect(r.detection.count).toBe(30);
    expect(Math.abs(r.detection.mean - expected) / expected).toBeLessThan(0.15);
  });

  test('joins through a seed: joiners end up known alive by everyone, no false positives', () => {
    let allAlive = true;
    const r = simulate({
      ...DEFAULT_SIM,
      config: DEFAULT_SWIM_CONFIG,
      members: 40,
      periods: 60,
      seed: 2,
      joins: 5,
      onMemberEvent: (_at, e) => {
        if (e.member >= 35 && e.status !== 'alive') allAlive = false;
      },
    });
    expect(r.joinsCompleted).toBe(5);
    expect(allAlive).toBe(true);
    expect(r.falsePositives).toBe(0);
  });

  test('a 30 s partition: each side declares every member of the other side dead, and nobody on its own side', () => {
    // memberlist alone does not heal a full partition (dead members are neither probed nor
    // push-pulled); Serf's reconnect or a new join does that (docs/swim.md, limitations)
    const deadBy = new Map<number, Set<number>>();
    const r = simulate({
      ...DEFAULT_SIM,
      config: DEFAULT_SWIM_CONFIG,
      members: 30,
      periods: 80,
      seed: 4,
      partition: { fraction: 0.5, startPeriod: 10, endPeriod: 40 },
      onMemberEvent: (at, e) => {
        if (e.status === 'dead') (deadBy.get(e.member) ?? deadBy.set(e.member, new Set()).get(e.member)!).add(at);
      },
    });
    expect(r.falsePositives).toBe(30);
    for (const [m, by] of deadBy) for (const x of by) expect(m < 15).not.toBe(x < 15);
  });

  test('10% loss + 1% slow members: Lifeguard cuts false positives at least 10x against plain SWIM on the same seed (Lifeguard paper; seed 1)', () => {
    const base = { members: 100, periods: 100, seed: 1, loss: 0.1, slowFraction: 0.01 };
    const plain = sim({ ...base, config: withLifeguard(DEFAULT_SWIM_CONFIG, false) });
    const lifeguard = sim({ ...base, config: withLifeguard(DEFAULT_SWIM_CONFIG, true) });
    expect(plain.falsePositives).toBeGreaterThanOrEqual(10);
    expect(lifeguard.falsePositives * 10).toBeLessThanOrEqual(plain.falsePositives);
  });
});

describe('SWIM simulator: graceful leave', () => {
  test('leavers are marked left by every remaining member, stop, and are never counted as false positives (seed 6)', () => {
    const leftBy = new Map<number, number>();
    const r = simulate({
      ...DEFAULT_SIM,
      config: DEFAULT_SWIM_CONFIG,
      members: 40,
      periods: 60,
      seed: 6,
      leaves: 3,
      onMemberEvent: (at, e) => {
        if (e.status === 'left' && e.member !== at) leftBy.set(e.member, (leftBy.get(e.member) ?? 0) + 1);
      },
    });
    expect(r.leavesCompleted).toBe(3);
    expect([...leftBy.values()].every((n) => n >= 36)).toBe(true);
    expect(leftBy.size).toBe(3);
    expect(r.falsePositives).toBe(0);
  });
});
