import { describe, expect, it } from 'vitest';
import { HORIZONTAL_DEFAULTS } from '../../../../../hub/src/horizontal/defaults.ts';
import {
  removeUnschedulable,
  replicaBounds,
  scaleIn,
  scaleOut,
} from '../../../../../hub/src/horizontal/steps/rules.ts';

// Defaults: scale up after 15 s, 30 s stabilization, +max(4, 100 %); scale down after 180 s, 60 s, −50 %.
const config = HORIZONTAL_DEFAULTS;

describe('replicaBounds', () => {
  it.each([
    {
      current: 0,
      verdict: { kind: 'change', replicas: 1, reason: 'BelowMinimum', target: 1, stepLimit: undefined },
    },
    {
      current: 6,
      verdict: { kind: 'change', replicas: 5, reason: 'AboveMaximum', target: 5, stepLimit: undefined },
    },
    { current: 3, verdict: undefined },
  ])('$current replicas in [1, 5]', ({ current, verdict }) => {
    expect(replicaBounds({ currentReplicas: current, minReplicas: 1, maxReplicas: 5 })).toEqual(verdict);
  });
});

describe('scaleOut (capped)', () => {
  const facts = {
    currentReplicas: 2,
    maxReplicas: 20,
    neededForDemand: 4,
    neededForUnmet: 3,
    unschedulableReplicas: 0,
    nodesAutoscaled: false,
    cappedSeconds: 15,
    sinceLastChangeSeconds: undefined,
  };
  it.each([
    {
      name: 'out to what the demand needs',
      f: {},
      verdict: { kind: 'change', replicas: 4, reason: 'ScaleOut', target: 4, stepLimit: 4 },
    },
    {
      name: 'or what the unmet CPU needs',
      f: { neededForUnmet: 5 },
      verdict: { kind: 'change', replicas: 5, reason: 'ScaleOut', target: 5, stepLimit: 4 },
    },
    {
      name: 'by at most the step limit',
      f: { neededForDemand: 9 },
      verdict: { kind: 'change', replicas: 6, reason: 'ScaleOut', target: 9, stepLimit: 4 },
    },
    {
      name: 'not beyond the maximum',
      f: { maxReplicas: 3 },
      verdict: { kind: 'change', replicas: 3, reason: 'ScaleOut', target: 4, stepLimit: 4 },
    },
    {
      name: 'replicas already coming',
      f: { currentReplicas: 4 },
      verdict: { kind: 'stay', reason: 'ReplicasComing', target: 4 },
    },
    {
      name: 'the scheduler found no room',
      f: { unschedulableReplicas: 1 },
      verdict: { kind: 'stay', reason: 'Unschedulable', target: 4 },
    },
    {
      name: 'unless nodes are autoscaled',
      f: { unschedulableReplicas: 1, nodesAutoscaled: true },
      verdict: { kind: 'change', replicas: 4, reason: 'ScaleOut', target: 4, stepLimit: 4 },
    },
    {
      name: 'at the maximum',
      f: { maxReplicas: 2 },
      verdict: { kind: 'stay', reason: 'AtMaximum', target: 4 },
    },
    {
      name: 'capped for less than the window',
      f: { cappedSeconds: 14 },
      verdict: { kind: 'stay', reason: 'CappedWaitingForWindow', target: 4 },
    },
    {
      name: 'stabilizing after a change',
      f: { sinceLastChangeSeconds: 29 },
      verdict: { kind: 'stay', reason: 'Stabilizing', target: 4 },
    },
  ])('$name', ({ f, verdict }) => {
    expect(scaleOut(config, { ...facts, ...f })).toEqual(verdict);
  });
});

describe('removeUnschedulable', () => {
  const facts = {
    currentReplicas: 4,
    minReplicas: 1,
    unschedulableReplicas: 2,
    nodesAutoscaled: false,
    unschedulableForSeconds: 15,
  };
  it.each([
    {
      name: 'after the scale-up window',
      f: {},
      verdict: {
        kind: 'change',
        replicas: 2,
        reason: 'RemoveUnschedulable',
        target: 2,
        stepLimit: undefined,
      },
    },
    {
      name: 'not below the minimum',
      f: { minReplicas: 3 },
      verdict: {
        kind: 'change',
        replicas: 3,
        reason: 'RemoveUnschedulable',
        target: 3,
        stepLimit: undefined,
      },
    },
    { name: 'not before the window', f: { unschedulableForSeconds: 14 }, verdict: undefined },
    { name: 'not when nodes are autoscaled', f: { nodesAutoscaled: true }, verdict: undefined },
    { name: 'not at the minimum', f: { minReplicas: 4 }, verdict: undefined },
  ])('$name', ({ f, verdict }) => {
    expect(removeUnschedulable(config, { ...facts, ...f })).toEqual(verdict);
  });
});

describe('scaleIn (fits fewer)', () => {
  const facts = {
    currentReplicas: 8,
    readyReplicas: 8,
    minReplicas: 1,
    neededToFitFewer: 2,
    unschedulableReplicas: 0,
    nodesAutoscaled: false,
    fitsFewerForSeconds: 180,
    sinceLastChangeSeconds: undefined,
    fitsFewerMaxNeeded: 3,
  };
  it.each([
    {
      name: 'in to the most needed in the window, by at most half',
      f: {},
      verdict: { kind: 'change', replicas: 4, reason: 'ScaleIn', target: 3, stepLimit: 4 },
    },
    {
      name: 'the whole way when the step allows',
      f: { currentReplicas: 4, readyReplicas: 4 },
      verdict: { kind: 'change', replicas: 3, reason: 'ScaleIn', target: 3, stepLimit: 2 },
    },
    {
      name: 'not below the minimum',
      f: { currentReplicas: 4, readyReplicas: 4, minReplicas: 4 },
      verdict: { kind: 'change', replicas: 4, reason: 'ScaleIn', target: 4, stepLimit: 2 },
    },
    {
      name: 'replicas still starting',
      f: { readyReplicas: 7 },
      verdict: { kind: 'stay', reason: 'ReplicasComing', target: 3 },
    },
    {
      name: 'unschedulable ones are not coming',
      f: { readyReplicas: 7, unschedulableReplicas: 1 },
      verdict: { kind: 'change', replicas: 4, reason: 'ScaleIn', target: 3, stepLimit: 4 },
    },
    {
      name: 'fits fewer for less than the window',
      f: { fitsFewerForSeconds: 179 },
      verdict: { kind: 'stay', reason: 'FitsFewerWaitingForWindow', target: 3 },
    },
    {
      name: 'stabilizing after a change',
      f: { sinceLastChangeSeconds: 59 },
      verdict: { kind: 'stay', reason: 'Stabilizing', target: 3 },
    },
  ])('$name', ({ f, verdict }) => {
    expect(scaleIn(config, { ...facts, ...f })).toEqual(verdict);
  });
});
