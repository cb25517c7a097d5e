// What each write of a real-process run changed, and the run's steady-phase write rate.
import { describe, expect, it } from 'vitest';
import { lastLoadChange, steadyWrites } from '../../../../bench/real/testbed.ts';
import { changedPaths, type WriteRecord, writesByKind } from '../../../../bench/real/write-log.ts';

describe('changedPaths', () => {
  it('names the leaves that moved, conditions by type, transition times left out', () => {
    const before = {
      status: {
        actual: { cpu: '200m', memory: '192Mi' },
        conditions: [
          { type: 'Enacted', status: 'True', reason: 'Enacted', lastTransitionTime: 'a' },
          { type: 'Capped', status: 'False', reason: 'NotCapped' },
        ],
      },
    };
    const after = {
      status: {
        actual: { cpu: '350m', memory: '192Mi' },
        conditions: [
          { type: 'Enacted', status: 'True', reason: 'Enacted', lastTransitionTime: 'b' },
          { type: 'Capped', status: 'True', reason: 'SLABound' },
        ],
        lastResizeTime: 'x',
      },
    };
    expect(changedPaths(before, after).sort()).toEqual([
      'status.actual.cpu',
      'status.conditions[Capped].reason',
      'status.conditions[Capped].status',
      'status.lastResizeTime',
    ]);
    expect(changedPaths(after, structuredClone(after))).toEqual([]);
  });

  it('counts each kind’s writes by the fields they changed, within the window', () => {
    const log: WriteRecord[] = [
      { t: -1, kind: 'patch podscales/status', name: 'a', code: 200, changed: ['status.actual.cpu'] },
      {
        t: 3,
        kind: 'patch podscales/status',
        name: 'a',
        code: 200,
        changed: ['status.actual.cpu', 'status.conditions[Enacted].reason'],
      },
      { t: 4, kind: 'patch podscales/status', name: 'a', code: 200, changed: [] },
      { t: 5, kind: 'patch pods/resize', name: 'p', code: 200, changed: ['spec.containers'] },
    ];
    expect(writesByKind(log, 0, 10)).toEqual({
      'patch podscales/status': {
        writes: 2,
        changed: { 'status.actual.cpu': 1, 'status.conditions[Enacted]': 1, '(nothing)': 1 },
      },
      'patch pods/resize': { writes: 1, changed: { 'spec.containers': 1 } },
    });
  });
});

describe('steadyWrites', () => {
  const step = Array.from({ length: 90 }, (_, t) => (t < 22 ? 8 : 40));
  const seconds = step.map((_, t) => ({ t, pods: t < 30 ? 1 : 2 }));

  it('measures from 20 s after the last load change to the end', () => {
    expect(lastLoadChange(step)).toBe(22);
    const log: WriteRecord[] = [
      { t: 30, kind: 'patch podscales', name: 'a', code: 200, changed: ['spec.desired.cpu'] },
      { t: 50, kind: 'patch pods/resize', name: 'p', code: 200, changed: ['spec.containers'] },
      {
        t: 60,
        kind: 'patch servicelevelagreements/status',
        name: 'w',
        code: 200,
        changed: ['status.requestRate'],
      },
    ];
    const s = steadyWrites(step, seconds, log);
    expect(s).toMatchObject({ fromSeconds: 42, toSeconds: 90, podSeconds: 96, writes: 2 });
    expect('why' in s ? Number.NaN : s.apiWritesPerPodPerMinute).toBeCloseTo(2 / (96 / 60));
  });

  it('says so when the load moves to the end (a trace)', () => {
    const trace = Array.from({ length: 60 }, (_, t) => 20 + 10 * Math.sin(t));
    expect(steadyWrites(trace, seconds.slice(0, 60), [])).toEqual({
      why: expect.stringContaining('no steady phase'),
    });
  });
});
