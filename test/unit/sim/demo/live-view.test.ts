import { describe, expect, it } from 'vitest';
import { type LiveSnapshot, renderLiveView } from '../../../../sim/demo/live-view.ts';

const snapshot: LiveSnapshot = {
  scenario: 'default',
  elapsedSeconds: 30,
  durationSeconds: 120,
  traceSeconds: 1800,
  hub: { processAlive: true, lastAnswerAgoMs: 400, leader: true },
  notes: ['web scaled 2 -> 3'],
  services: [
    {
      name: 'web',
      requestRate: 42.5,
      replicas: 3,
      readyReplicas: 2,
      responseTimeSeconds: 0.25,
      sloSeconds: 0.2,
      statistic: 'p95',
      violationPercent: 12.5,
      pods: [
        {
          name: 'web-abc',
          node: 'node-1',
          ready: true,
          desiredCpuMilli: 1500,
          enactedCpuMilli: 1200,
          cappedCpuMilli: 300,
          usageCpuMilli: 1180,
        },
        { name: 'web-def', node: 'node-2', ready: false, enactedCpuMilli: 250, usageCpuMilli: 0 },
      ],
    },
  ],
};

describe('renderLiveView', () => {
  it('shows per-service load, replicas and RT against the objective', () => {
    const text = renderLiveView(snapshot, false);
    expect(text).toContain('42.5 req/s');
    expect(text).toContain('replicas 2/3');
    expect(text).toContain('p95 250ms / SLO 200ms');
    expect(text).toContain('violations 12.5%');
  });

  it('shows desired, enacted and capped CPU per pod and marks pods still starting', () => {
    const lines = renderLiveView(snapshot, false).split('\n');
    const big = lines.find((l) => l.includes('web-abc'))!;
    expect(big).toMatch(/1\.50\s+1\.20\s+300m\s+1\.18/);
    expect(lines.find((l) => l.includes('web-def'))).toContain('(starting)');
  });

  it('colours a violated objective red only when colour is on', () => {
    expect(renderLiveView(snapshot, true)).toContain('\x1b[31mp95 250ms');
    expect(renderLiveView(snapshot, false)).not.toContain('\x1b[');
  });
});
