import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type ServiceRecord, summarize, writeDemoReport } from '../../../../sim/report/demo-report.ts';

function record(): ServiceRecord {
  const samples = [0, 1, 2, 3].map((t) => ({
    t,
    requestRate: 10 * t,
    responseTimeSeconds: [0.1, 0.3, 0.15, undefined][t],
    replicas: t < 2 ? 1 : 2,
  }));
  const pods = new Map([
    [
      'web-a',
      [0, 1, 2, 3].map((t) => ({
        t,
        desiredCpuMilli: 500,
        enactedCpuMilli: t < 2 ? 500 : 1000,
        usageCpuMilli: 400,
        nodeContention: t === 1 || t === 2,
      })),
    ],
  ]);
  return { name: 'web', sloSeconds: 0.2, statistic: 'p95', samples, pods };
}

describe('demo report', () => {
  it('counts SLO violations over samples that have a response time', () => {
    const s = summarize('t', [record()], false).services[0]!;
    expect(s.sloViolationPercent).toBeCloseTo(100 / 3, 5);
  });

  it('integrates enacted CPU into core-seconds and counts resizes and replica changes', () => {
    const s = summarize('t', [record()], false).services[0]!;
    expect(s.coreSecondsAllocated).toBe(2); // 0.5 + 0.5 + 1.0
    expect(s.coreSecondsUsed).toBe(1.2);
    expect(s.resizes).toBe(1);
    expect(s.scaleEvents).toBe(1);
    expect(s.maxReplicas).toBe(2);
  });

  it('counts the pod-seconds a node arbitration capped', () => {
    expect(summarize('t', [record()], false).services[0]!.nodeContentionPodSeconds).toBe(2);
  });

  it('writes index.html that references one SVG per chart, and summary.json', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kosmos-report-'));
    const records = [record()];
    const index = await writeDemoReport(dir, summarize('t', records, true), records);
    const html = readFileSync(index, 'utf8');
    for (const chart of ['web-load.svg', 'web-rt.svg', 'web-cpu.svg', 'web-replicas.svg']) {
      expect(html).toContain(`src="${chart}"`);
      expect(readFileSync(join(dir, chart), 'utf8')).toMatch(/^<svg[^>]*>.*<\/svg>$/s);
    }
    expect(html).toContain('stopped early');
    expect(JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')).services[0].name).toBe('web');
  });
});
