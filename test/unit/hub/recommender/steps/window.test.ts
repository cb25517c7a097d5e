import { describe, expect, it } from 'vitest';
import { recommenderConfig } from '../../../../../hub/src/recommender/defaults.ts';
import { readWindow } from '../../../../../hub/src/recommender/steps/window.ts';
import type { PodSignal } from '../../../../../hub/src/recommender/types.ts';

const config = recommenderConfig(
  { sloSeconds: 0.2, minCpuMilli: 50, maxCpuMilli: 4000, minMemoryBytes: 1, maxMemoryBytes: 2 ** 40 },
  { statistic: 'mean' },
);
const base: PodSignal = {
  periodSeconds: 5,
  enactedCpuMilli: 1000,
  enactedMemoryBytes: 1,
  cpuUsageMilli: 500,
  throttledRatio: 0,
  requestRate: 10,
  requestCount: 50,
  responseTimeSeconds: 0.1,
  memoryWorkingSetBytes: 1,
  oomKilled: false,
};

describe('readWindow (what the law reads off one window)', () => {
  it.each([
    {
      name: 'a steady pod',
      over: {},
      idle: false,
      trains: true,
      cpuBound: false,
      pegged: false,
      violating: false,
    },
    {
      name: 'few requests',
      over: { requestCount: 4 },
      idle: true,
      trains: false,
      cpuBound: false,
      pegged: false,
      violating: false,
    },
    {
      name: 'enough for feedback, not for the model',
      over: { requestCount: 19 },
      idle: false,
      trains: false,
      cpuBound: false,
      pegged: false,
      violating: false,
    },
    {
      name: 'nothing finished',
      over: { responseTimeSeconds: undefined },
      idle: true,
      trains: true,
      cpuBound: false,
      pegged: false,
      violating: false,
    },
    {
      name: 'at 90 % of its quota',
      over: { cpuUsageMilli: 900 },
      idle: false,
      trains: true,
      cpuBound: true,
      pegged: true,
      violating: false,
    },
    {
      name: 'throttled but not pegged',
      over: { throttledRatio: 0.25 },
      idle: false,
      trains: true,
      cpuBound: true,
      pegged: false,
      violating: false,
    },
    {
      name: 'over the aimed-at target (slo / 1.2)',
      over: { responseTimeSeconds: 0.17 },
      idle: false,
      trains: true,
      cpuBound: false,
      pegged: false,
      violating: true,
    },
    {
      name: 'usage unreadable',
      over: { usageValid: false, cpuUsageMilli: 990, throttledRatio: 1 },
      idle: false,
      trains: false,
      cpuBound: false,
      pegged: false,
      violating: false,
    },
  ])('$name', ({ over, idle, trains, cpuBound, pegged, violating }) => {
    const w = readWindow(config, { ...base, ...over });
    expect({
      idle: w.idle,
      trains: w.trains,
      cpuBound: w.cpuBound,
      pegged: w.pegged,
      violating: w.violating,
    }).toEqual({
      idle,
      trains,
      cpuBound,
      pegged,
      violating,
    });
  });

  it.each([
    { over: {}, enacted: 1000, usage: 500, rate: 10, utilization: 0.5 },
    { over: { enactedCpuMilli: 0, cpuUsageMilli: 3 }, enacted: 1, usage: 3, rate: 10, utilization: 3 },
    { over: { cpuUsageMilli: -2, requestRate: -1 }, enacted: 1000, usage: 0, rate: 0, utilization: 0 },
    { over: { usageValid: false }, enacted: 1000, usage: 0, rate: 10, utilization: 0 },
  ])('clamps the operating point: $over', ({ over, enacted, usage, rate, utilization }) => {
    const w = readWindow(config, { ...base, ...over });
    expect([w.enactedCpuMilli, w.usageCpuMilli, w.requestRate, w.utilization]).toEqual([
      enacted,
      usage,
      rate,
      utilization,
    ]);
  });

  it.each([
    { statistic: 'mean', factor: 1 },
    { statistic: 'p90', factor: Math.log(10) },
    { statistic: 'p99', factor: Math.log(100) },
  ] as const)(
    'aims the $statistic at slo / sloMargin, the mean at that / $factor',
    ({ statistic, factor }) => {
      const w = readWindow({ ...config, statistic }, base);
      expect(w.targetResponseSeconds).toBeCloseTo(0.2 / config.tuning.sloMargin, 12);
      expect(w.meanTargetSeconds).toBeCloseTo(0.2 / config.tuning.sloMargin / factor, 12);
    },
  );
});
