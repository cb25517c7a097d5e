import { describe, expect, it } from 'vitest';
import { cappedCpu } from '../../../../../hub/src/horizontal/steps/capped.ts';
import type { HorizontalPodInput } from '../../../../../hub/src/horizontal/types.ts';

const config = {
  cappedFraction: 0.05,
  scaleDown: { windowSeconds: 180, stabilizationSeconds: 60, maxStepReplicas: 0, maxStepPercent: 50 },
};
const pod = (desired: number, capped: number, nodeCapped?: number): HorizontalPodInput => ({
  desiredCpuMilli: desired,
  enactedCpuMilli: desired - capped,
  cappedCpuMilli: capped,
  nodeCappedCpuMilli: nodeCapped,
  usageCpuMilli: desired - capped,
  cappedReason: capped > 0 ? 'SLABound' : 'None',
  ready: true,
});

describe('cappedCpu (what capped CPU counts for scale-out)', () => {
  it.each([
    {
      name: 'SLA-capped counts whole',
      pods: [pod(1000, 300), pod(1000, 0)],
      extra: {},
      state: {},
      effective: 300,
      capped: true,
    },
    {
      name: 'under cappedFraction of Σ desired is noise',
      pods: [pod(1000, 50), pod(1000, 0)],
      extra: {},
      state: {},
      effective: 50,
      capped: false,
    },
    {
      name: 'negative capped reads as 0',
      pods: [pod(1000, -20)],
      extra: {},
      state: {},
      effective: 0,
      capped: false,
    },
    {
      name: 'node-capped counts up to the room',
      pods: [pod(1000, 600, 600)],
      extra: { scaleOutRoomCpuMilli: 200 },
      state: {},
      effective: 200,
      capped: true,
    },
    {
      name: 'node-capped without a room counts nothing',
      pods: [pod(1000, 600, 600)],
      extra: {},
      state: {},
      effective: 0,
      capped: false,
    },
    {
      name: 'node-capped counts whole when nodes are autoscaled',
      pods: [pod(1000, 600, 600)],
      extra: { nodesAutoscaled: true, unschedulableReplicas: 2 },
      state: {},
      effective: 600,
      capped: true,
    },
    {
      name: 'unschedulable pods: node-capped counts nothing',
      pods: [pod(1000, 600, 400)],
      extra: { scaleOutRoomCpuMilli: 5000, unschedulableReplicas: 1 },
      state: {},
      effective: 200,
      capped: true,
    },
    {
      name: '… nor until noRoomUntil has passed',
      pods: [pod(1000, 600, 400)],
      extra: { scaleOutRoomCpuMilli: 5000 },
      state: { noRoomUntilSeconds: 101 },
      effective: 200,
      capped: true,
    },
    {
      name: '… and again after it',
      pods: [pod(1000, 600, 400)],
      extra: { scaleOutRoomCpuMilli: 5000 },
      state: { noRoomUntilSeconds: 100 },
      effective: 600,
      capped: true,
    },
    {
      name: 'node-capped never exceeds capped',
      pods: [pod(1000, 100, 900)],
      extra: { scaleOutRoomCpuMilli: 5000 },
      state: {},
      effective: 100,
      capped: true,
    },
  ])('$name', ({ pods, extra, state, effective, capped }) => {
    const r = cappedCpu(config, state, { nowSeconds: 100, pods, ...extra });
    expect(r.effectiveCappedCpuMilli).toBe(effective);
    expect(r.capped).toBe(capped);
  });

  it.each([
    {
      name: 'unschedulable now: no room for a scale-down window',
      unschedulable: 2,
      auto: false,
      state: {},
      since: 100,
      until: 280,
    },
    {
      name: 'keeps when they became unschedulable',
      unschedulable: 1,
      auto: false,
      state: { unschedulableSinceSeconds: 40 },
      since: 40,
      until: 280,
    },
    {
      name: 'autoscaled nodes: Pending pods set no no-room window',
      unschedulable: 1,
      auto: true,
      state: {},
      since: 100,
      until: undefined,
    },
    {
      name: 'none unschedulable: the window runs out',
      unschedulable: 0,
      auto: false,
      state: { unschedulableSinceSeconds: 40, noRoomUntilSeconds: 150 },
      since: undefined,
      until: 150,
    },
  ])('$name', ({ unschedulable, auto, state, since, until }) => {
    const r = cappedCpu(config, state, {
      nowSeconds: 100,
      pods: [pod(1000, 0)],
      unschedulableReplicas: unschedulable,
      nodesAutoscaled: auto,
    });
    expect(r.unschedulableSinceSeconds).toBe(since);
    expect(r.noRoomUntilSeconds).toBe(until);
  });
});
