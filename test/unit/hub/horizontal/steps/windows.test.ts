import { describe, expect, it } from 'vitest';
import { conditionWindows, stabilizing } from '../../../../../hub/src/horizontal/steps/windows.ts';

describe('conditionWindows (how long each condition has held)', () => {
  it.each([
    {
      name: 'capped starts now',
      state: {},
      capped: true,
      fit: 5,
      out: {
        cappedSinceSeconds: 100,
        fitsFewer: false,
        fitsFewerSinceSeconds: undefined,
        fitsFewerMaxNeeded: undefined,
      },
    },
    {
      name: 'capped goes on',
      state: { cappedSinceSeconds: 80 },
      capped: true,
      fit: 2,
      out: {
        cappedSinceSeconds: 80,
        fitsFewer: false,
        fitsFewerSinceSeconds: undefined,
        fitsFewerMaxNeeded: undefined,
      },
    },
    {
      name: 'fits fewer starts now',
      state: { cappedSinceSeconds: 80 },
      capped: false,
      fit: 2,
      out: {
        cappedSinceSeconds: undefined,
        fitsFewer: true,
        fitsFewerSinceSeconds: 100,
        fitsFewerMaxNeeded: 2,
      },
    },
    {
      name: 'fits fewer remembers the most needed',
      state: { fitsFewerSinceSeconds: 10, fitsFewerMaxNeeded: 3 },
      capped: false,
      fit: 2,
      out: {
        cappedSinceSeconds: undefined,
        fitsFewer: true,
        fitsFewerSinceSeconds: 10,
        fitsFewerMaxNeeded: 3,
      },
    },
    {
      name: 'needing as many as now ends it',
      state: { fitsFewerSinceSeconds: 10, fitsFewerMaxNeeded: 3 },
      capped: false,
      fit: 4,
      out: {
        cappedSinceSeconds: undefined,
        fitsFewer: false,
        fitsFewerSinceSeconds: undefined,
        fitsFewerMaxNeeded: undefined,
      },
    },
  ])('$name', ({ state, capped, fit, out }) => {
    const r = conditionWindows(state, 100, { capped, neededToFitFewer: fit, currentReplicas: 4 });
    expect(r).toEqual({ ...out, sinceLastChangeSeconds: undefined });
  });

  it.each([
    { last: undefined, since: undefined, stabilizing: false },
    { last: 80, since: 20, stabilizing: true },
    { last: 70, since: 30, stabilizing: false },
  ])(
    'last change at $last: $since s ago, stabilizing (30 s) $stabilizing',
    ({ last, since, stabilizing: s }) => {
      const r = conditionWindows({ lastChangeSeconds: last }, 100, {
        capped: false,
        neededToFitFewer: 4,
        currentReplicas: 4,
      });
      expect(r.sinceLastChangeSeconds).toBe(since);
      expect(stabilizing(r.sinceLastChangeSeconds, 30)).toBe(s);
    },
  );
});
