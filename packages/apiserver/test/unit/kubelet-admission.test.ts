import { describe, expect, it } from 'vitest';
import { admitPod, resizeFeasibility } from '../../controllers/kubelet-admission.ts';
import type { KObject } from '../../object-types.ts';

const node: KObject = { metadata: { name: 'n' }, status: { allocatable: { cpu: '2', memory: '4Gi' } } };

function pod(uid: string, cpu: string, opts: { allocatedCpu?: string; phase?: string } = {}): KObject {
  return {
    metadata: { name: uid, uid },
    spec: { nodeName: 'n', containers: [{ name: 'a', resources: { requests: { cpu, memory: '1Gi' } } }] },
    status: {
      phase: opts.phase ?? 'Running',
      ...(opts.allocatedCpu
        ? {
            containerStatuses: [{ name: 'a', allocatedResources: { cpu: opts.allocatedCpu, memory: '1Gi' } }],
          }
        : {}),
    },
  };
}

describe('kubelet pod admission', () => {
  it.each([
    ['fits an empty node', '2', [], true, undefined],
    ['exceeds allocatable', '3', [], false, 'OutOfcpu'],
    ['exceeds what admitted pods leave', '1500m', [pod('b', '1', { allocatedCpu: '1' })], false, 'OutOfcpu'],
    [
      'ignores terminated pods',
      '2',
      [pod('b', '1', { allocatedCpu: '1', phase: 'Succeeded' })],
      true,
      undefined,
    ],
    [
      'counts allocated, not desired, resources',
      '1',
      [pod('b', '1500m', { allocatedCpu: '1' })],
      true,
      undefined,
    ],
  ])('%s', (_what, cpu, admitted, admit, reason) => {
    const decision = admitPod(pod('a', cpu), node, admitted as KObject[]);
    expect(decision.admit).toBe(admit);
    if (!decision.admit) {
      expect(decision.reason).toBe(reason);
      expect(decision.message).toMatch(
        /^Pod was rejected: Node didn't have enough resource: cpu, requested: \d+/,
      );
    }
  });

  it('rejects on memory with OutOfmemory', () => {
    const big: KObject = pod('a', '100m');
    big.spec.containers[0].resources.requests.memory = '5Gi';
    expect(admitPod(big, node, [])).toMatchObject({ admit: false, reason: 'OutOfmemory' });
  });
});

describe('resize feasibility (KEP-1287)', () => {
  it.each([
    ['fits', '1', [pod('b', '1', { allocatedCpu: '1' })], 'InProgress'],
    ['is above allocatable', '3', [], 'Infeasible'],
    [
      'fits the node but not beside admitted pods',
      '1500m',
      [pod('b', '1', { allocatedCpu: '1' })],
      'Deferred',
    ],
  ])('%s', (_what, cpu, admitted, outcome) => {
    const self = pod('a', cpu, { allocatedCpu: '500m' });
    expect(resizeFeasibility(self, node, [self, ...(admitted as KObject[])]).outcome).toBe(outcome);
  });
});
