import { describe, expect, it } from 'vitest';
import { holdShrink } from '../../../../../hub/src/recommender/steps/shrink-hold.ts';
import type { CpuRule, HeldTarget } from '../../../../../hub/src/recommender/types.ts';

const tuning = { shrinkHoldSeconds: 60 };
const window = { enactedCpuMilli: 1000, periodSeconds: 5, violating: false };
const at = (ageSeconds: number, cpuMilli: number): HeldTarget => ({ ageSeconds, cpuMilli });

describe('holdShrink (directional hysteresis)', () => {
  it.each<{
    name: string;
    recent?: HeldTarget[];
    target: number;
    rule?: CpuRule;
    remember?: number;
    w?: Partial<typeof window>;
    hold?: number;
    out: number;
    outRule: CpuRule;
    heldAt?: number;
  }>([
    {
      name: 'a growth passes at once',
      recent: [at(10, 1500)],
      target: 1400,
      out: 1400,
      outRule: 'feed-forward',
    },
    { name: 'no change passes', recent: [at(10, 1500)], target: 1000, out: 1000, outRule: 'feed-forward' },
    {
      name: 'a lower target is held at the highest of the last 60 s',
      recent: [at(50, 950), at(20, 900)],
      target: 700,
      out: 950,
      outRule: 'shrink-hold',
      heldAt: 950,
    },
    {
      name: 'never above the enacted CPU (a higher target of the hold is not a growth)',
      recent: [at(50, 1300)],
      target: 700,
      out: 1000,
      outRule: 'shrink-hold',
      heldAt: 1000,
    },
    {
      name: 'a target older than the hold no longer counts',
      recent: [at(55, 1300), at(30, 800)],
      target: 700,
      out: 800,
      outRule: 'shrink-hold',
      heldAt: 800,
    },
    {
      name: 'a level that held the whole hold is taken',
      recent: [at(56, 1000)],
      target: 700,
      out: 700,
      outRule: 'feed-forward',
    },
    { name: 'the first window has nothing to hold at', target: 700, out: 700, outRule: 'feed-forward' },
    {
      name: 'no shrink at all while the target response time is missed',
      recent: [at(56, 1000)],
      target: 700,
      w: { violating: true },
      out: 1000,
      outRule: 'shrink-hold',
      heldAt: 1000,
    },
    {
      name: 'a growth while violating passes',
      target: 1600,
      w: { violating: true },
      out: 1600,
      outRule: 'feed-forward',
    },
    {
      name: 'after a backlog drain the floor is the level it was remembered at, not the drain',
      recent: [at(5, 1500)],
      target: 1400,
      w: { enactedCpuMilli: 4000 },
      out: 1500,
      outRule: 'shrink-hold',
      heldAt: 1500,
    },
    {
      name: 'hold 0 turns it off',
      recent: [at(10, 1500)],
      target: 700,
      hold: 0,
      out: 700,
      outRule: 'feed-forward',
    },
  ])('$name', ({ recent, target, rule, remember, w, hold, out, outRule, heldAt }) => {
    const r = holdShrink(
      { shrinkHoldSeconds: hold ?? tuning.shrinkHoldSeconds },
      { ...window, ...w },
      recent,
      { rule: rule ?? 'feed-forward', targetCpuMilli: target },
      remember ?? target,
    );
    expect(r.targetCpuMilli).toBe(out);
    expect(r.rule).toBe(out === target ? (rule ?? 'feed-forward') : outRule);
    expect(r.heldAtCpuMilli).toBe(heldAt);
  });

  it('remembers only targets that can still be the highest, aged by the window', () => {
    const r = holdShrink(
      tuning,
      window,
      [at(50, 1200), at(30, 900), at(10, 800)],
      { rule: 'feed-forward', targetCpuMilli: 850 },
      850,
    );
    expect(r.recentTargets).toEqual([at(55, 1200), at(35, 900), at(0, 850)]);
    const next = holdShrink(
      tuning,
      window,
      r.recentTargets,
      { rule: 'feed-forward', targetCpuMilli: 700 },
      700,
    );
    // 1200 aged out at 60 s: the floor is now the 900 that held
    expect(next.targetCpuMilli).toBe(900);
    expect(next.recentTargets).toEqual([at(40, 900), at(5, 850), at(0, 700)]);
  });

  it('a window is remembered at the level the caller names (a drain at its feed-forward level)', () => {
    const r = holdShrink(tuning, window, undefined, { rule: 'saturated', targetCpuMilli: 4000 }, 1500);
    expect(r.targetCpuMilli).toBe(4000);
    expect(r.recentTargets).toEqual([at(0, 1500)]);
  });

  it('a steady noisy load moves down about once per hold, up at once', () => {
    // targets alternate 1000 ± 40; enacted follows the output
    let enacted = 1000;
    let recent: HeldTarget[] | undefined;
    const moves: number[] = [];
    for (let k = 0; k < 60; k++) {
      const target = k === 10 ? 1300 : 1000 + (k % 2 === 0 ? 40 : -40);
      const r = holdShrink(
        tuning,
        { ...window, enactedCpuMilli: enacted },
        recent,
        { rule: 'feed-forward', targetCpuMilli: target },
        target,
      );
      recent = r.recentTargets;
      if (r.targetCpuMilli !== enacted) moves.push(r.targetCpuMilli);
      enacted = r.targetCpuMilli;
    }
    // up at once to 1040 and to the 1300 spike, down once to 1040 after the spike held 60 s
    expect(moves).toEqual([1040, 1300, 1040]);
  });
});
