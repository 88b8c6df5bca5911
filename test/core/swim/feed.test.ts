import { EMPTY_FEED, feedEffects, feedStep, localStateOf } from '../../../core/swim/feed';
import type { MemberEvent } from '../../../core/swim/member';

const ev = (member: number, status: MemberEvent['status'], previous: MemberEvent['previous'] = 'alive'): MemberEvent => ({ kind: 'memberEvent', member, previous, status, incarnation: 0, local: false });

describe('SWIM feeds the chain manager (issue 5 item 7)', () => {
  test('dead or left -> nodeDown once; a suspicion changes nothing; alive after down -> nodeUp once', () => {
    let s = EMPTY_FEED;
    let out;
    [s, out] = feedStep(s, ev(4, 'suspect'), 0);
    expect(out).toEqual([]);
    [s, out] = feedStep(s, ev(4, 'dead', 'suspect'), 0);
    expect(out).toEqual([{ kind: 'nodeDown', node: 4 }]);
    [s, out] = feedStep(s, ev(4, 'dead'), 0);
    expect(out).toEqual([]);
    [s, out] = feedStep(s, ev(4, 'alive', 'dead'), 0);
    expect(out).toEqual([{ kind: 'nodeUp', node: 4 }]);
    [s, out] = feedStep(s, ev(4, 'alive'), 0);
    expect(out).toEqual([]);
    [, out] = feedStep(s, ev(5, 'left'), 0);
    expect(out).toEqual([{ kind: 'nodeDown', node: 5 }]);
  });

  test('events about the local member and non-member effects are ignored', () => {
    const [s, out] = feedEffects(EMPTY_FEED, [ev(0, 'left'), { kind: 'scheduleTick' }, ev(2, 'dead')], 0);
    expect(out).toEqual([{ kind: 'nodeDown', node: 2 }]);
    expect(s.down).toEqual([2]);
  });

  test('local-state view: alive/suspect -> online, dead/left -> offline (spec/routing.ts LocalState)', () => {
    expect(['alive', 'suspect', 'dead', 'left'].map((x) => localStateOf(x as MemberEvent['status']))).toEqual(['online', 'online', 'offline', 'offline']);
  });
});
