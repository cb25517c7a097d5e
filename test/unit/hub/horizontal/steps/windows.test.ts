import { describe, expect, it } from 'vitest';
import {
  cappedCount,
  conditionWindows,
  stabilizing,
} from '../../../../../hub/src/horizontal/steps/windows.ts';

const rule = { windowSeconds: 15, drainRate: 1 };

describe('conditionWindows (how long each condition has held)', () => {
  it.each([
    {
      name: 'capped: counted since the last pass',
      state: { cappedSeconds: 3, cappedSeenSeconds: 99, cappedWhenSeen: true },
      capped: true,
      fit: 5,
      out: {
        cappedSeconds: 4,
        fitsFewer: false,
        fitsFewerSinceSeconds: undefined,
        fitsFewerMaxNeeded: undefined,
      },
    },
    {
      name: 'fits fewer starts now',
      state: { cappedSeconds: 3, cappedSeenSeconds: 99, cappedWhenSeen: true },
      capped: false,
      fit: 2,
      out: { cappedSeconds: 3, fitsFewer: true, fitsFewerSinceSeconds: 100, fitsFewerMaxNeeded: 2 },
    },
    {
      name: 'fits fewer remembers the most needed',
      state: { fitsFewerSinceSeconds: 10, fitsFewerMaxNeeded: 3 },
      capped: false,
      fit: 2,
      out: { cappedSeconds: 0, fitsFewer: true, fitsFewerSinceSeconds: 10, fitsFewerMaxNeeded: 3 },
    },
    {
      name: 'needing as many as now ends it',
      state: { fitsFewerSinceSeconds: 10, fitsFewerMaxNeeded: 3 },
      capped: false,
      fit: 4,
      out: {
        cappedSeconds: 0,
        fitsFewer: false,
        fitsFewerSinceSeconds: undefined,
        fitsFewerMaxNeeded: undefined,
      },
    },
  ])('$name', ({ state, capped, fit, out }) => {
    const r = conditionWindows(state, 100, rule, { capped, neededToFitFewer: fit, currentReplicas: 4 });
    expect(r).toEqual({ ...out, sinceLastChangeSeconds: undefined });
  });

  it.each([
    { last: undefined, since: undefined, stabilizing: false },
    { last: 80, since: 20, stabilizing: true },
    { last: 70, since: 30, stabilizing: false },
  ])(
    'last change at $last: $since s ago, stabilizing (30 s) $stabilizing',
    ({ last, since, stabilizing: s }) => {
      const r = conditionWindows({ lastChangeSeconds: last }, 100, rule, {
        capped: false,
        neededToFitFewer: 4,
        currentReplicas: 4,
      });
      expect(r.sinceLastChangeSeconds).toBe(since);
      expect(stabilizing(r.sinceLastChangeSeconds, 30)).toBe(s);
    },
  );
});

describe('cappedCount (capped time toward the scale-up window, drained by uncapped time)', () => {
  it.each([
    { name: 'nothing before the first pass', state: {}, capped: true, out: 0 },
    {
      name: 'capped both ends: the whole interval',
      state: { cappedSeconds: 4, cappedSeenSeconds: 95, cappedWhenSeen: true },
      capped: true,
      out: 9,
    },
    {
      name: 'capped at one end: half adds, half drains',
      state: { cappedSeconds: 4, cappedSeenSeconds: 95, cappedWhenSeen: false },
      capped: true,
      out: 4,
    },
    {
      name: 'uncapped both ends: drains',
      state: { cappedSeconds: 4, cappedSeenSeconds: 97, cappedWhenSeen: false },
      capped: false,
      out: 1,
    },
    {
      name: 'never below 0',
      state: { cappedSeconds: 4, cappedSeenSeconds: 90, cappedWhenSeen: false },
      capped: false,
      out: 0,
    },
    {
      name: 'never above the window',
      state: { cappedSeconds: 14, cappedSeenSeconds: 90, cappedWhenSeen: true },
      capped: true,
      out: 15,
    },
    {
      name: 'a pass at the same time changes nothing',
      state: { cappedSeconds: 7, cappedSeenSeconds: 100, cappedWhenSeen: true },
      capped: false,
      out: 7,
    },
  ])('$name', ({ state, capped, out }) => {
    expect(cappedCount(rule, state, 100, capped)).toBe(out);
  });

  it('drains at the configured rate', () => {
    const state = { cappedSeconds: 10, cappedSeenSeconds: 96, cappedWhenSeen: false };
    expect(cappedCount({ windowSeconds: 15, drainRate: 0.5 }, state, 100, false)).toBe(8);
  });
});
