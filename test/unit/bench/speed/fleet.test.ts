import { describe, expect, it } from 'vitest';
import { buildFleet, nodeReport } from '../../../../bench/speed/fleet.ts';
import { sampleOf } from '../../../../bench/speed/hub-plan.ts';

describe('buildFleet', () => {
  const fleet = buildFleet(10, 6, 5);

  it('gives every node the same number of pods when pods divide evenly', () => {
    expect(fleet.nodePods.map((p) => p.length)).toEqual(Array(10).fill(3));
  });

  it('spreads each SLA over distinct nodes', () => {
    for (const pods of fleet.slaPods) expect(new Set(pods.map((p) => p.node)).size).toBe(5);
  });

  it('indexes the same pods by SLA and by node', () => {
    const bySla = fleet.slaPods
      .flat()
      .map((p) => p.uid)
      .sort();
    const byNode = fleet.nodePods
      .flat()
      .map((p) => p.uid)
      .sort();
    expect(byNode).toEqual(bySla);
  });
});

describe('nodeReport', () => {
  it('reports the node’s pods at their enacted CPU with a valid response-time window', () => {
    const fleet = buildFleet(2, 2, 2);
    const report = nodeReport(fleet, 1, 7, 1, () => 800, 1000);
    expect(report.nodeName).toBe('node-1');
    expect(report.sequence).toBe(7);
    expect(report.pods.map((p) => p.uid)).toEqual(fleet.nodePods[1]?.map((p) => p.uid));
    for (const p of report.pods) {
      expect(p.enacted?.cpuMilli).toBe(800);
      expect(p.responseTime?.valid).toBe(true);
      expect(p.sla).toBe(fleet.slaKeys[fleet.nodePods[1]?.find((x) => x.uid === p.uid)?.sla ?? -1]);
    }
  });
});

describe('sampleOf', () => {
  it('spreads the sample evenly over the nodes', () => {
    expect(sampleOf(10, 5)).toEqual([0, 2, 4, 6, 8]);
  });

  it('takes every node when the sample is 0 or not smaller than the total', () => {
    expect(sampleOf(3, 0)).toEqual([0, 1, 2]);
    expect(sampleOf(3, 5)).toEqual([0, 1, 2]);
  });
});
