import { describe, expect, it } from 'vitest';
import { resizeRules } from '../../kubernetes-version.ts';
import type { KObject } from '../../object-types.ts';
import { dropNonResizeUpdates, validateResize } from '../../pod-resize.ts';
import { applyPodDefaults, podRequests, qosClass, validatePodUpdate } from '../../pods.ts';

const v135 = resizeRules('1.35');

function podWith(resources: object): KObject {
  const p: KObject = {
    metadata: { name: 'p', generation: 1 },
    spec: { containers: [{ name: 'app', image: 'x', resources }] },
  };
  applyPodDefaults(p);
  return p;
}

describe('QoS class', () => {
  it.each([
    [{}, 'BestEffort'],
    [{ requests: { cpu: '100m' } }, 'Burstable'],
    [{ limits: { cpu: '1', memory: '1Gi' } }, 'Guaranteed'],
    [{ requests: { cpu: '1000m', memory: '1Gi' }, limits: { cpu: '1', memory: '1024Mi' } }, 'Guaranteed'],
    [{ requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } }, 'Burstable'],
  ])('%j → %s', (resources, expected) => {
    expect(qosClass(podWith(resources).spec)).toBe(expected);
  });
});

describe('pod defaults', () => {
  it('copies limits into missing requests and defaults resizePolicy and status', () => {
    const p = podWith({ limits: { cpu: '2', memory: '1Gi' } });
    expect(p.spec.containers[0].resources.requests).toEqual({ cpu: '2', memory: '1Gi' });
    expect(p.spec.containers[0].resizePolicy).toHaveLength(2);
    expect(p.status).toEqual({ phase: 'Pending', qosClass: 'Guaranteed' });
    expect(podRequests(p.spec)).toEqual({ cpuMilli: 2000, memoryBytes: 1024 ** 3 });
  });
});

describe('resize validation', () => {
  const resized = (old: KObject, resources: object): KObject => {
    const next = structuredClone(old);
    next.spec.containers[0].resources = resources;
    return next;
  };

  it('accepts a Guaranteed resize that stays Guaranteed', () => {
    const old = podWith({ limits: { cpu: '1', memory: '1Gi' } });
    expect(
      validateResize(
        resized(old, { requests: { cpu: '2', memory: '1Gi' }, limits: { cpu: '2', memory: '1Gi' } }),
        old,
        v135,
      ),
    ).toEqual([]);
  });

  it('rejects a resize that changes the QoS class', () => {
    const old = podWith({ limits: { cpu: '1', memory: '1Gi' } });
    const [err] = validateResize(
      resized(old, { requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } }),
      old,
      v135,
    );
    expect(err).toMatchObject({
      field: 'spec',
      message: 'Invalid value: "Burstable": Pod QOS Class may not change as a result of resizing',
    });
  });

  it('rejects resources other than cpu and memory, and requests above limits', () => {
    const old = podWith({ requests: { cpu: '1' } });
    expect(
      validateResize(resized(old, { requests: { cpu: '1', 'nvidia.com/gpu': '1' } }), old, v135)[0]?.message,
    ).toContain('only cpu and memory resources are mutable');
    expect(
      validateResize(resized(old, { requests: { cpu: '2' }, limits: { cpu: '1' } }), old, v135)[0]?.message,
    ).toContain('must be less than or equal to cpu limit');
  });

  it('forbids resource changes through a plain update but allows an image change', () => {
    const old = podWith({ requests: { cpu: '1' } });
    expect(validatePodUpdate(resized(old, { requests: { cpu: '2' } }), old)[0]?.reason).toBe(
      'FieldValueForbidden',
    );
    const image = structuredClone(old);
    image.spec.containers[0].image = 'y';
    expect(validatePodUpdate(image, old)).toEqual([]);
  });

  it('a resize keeps the stored pod but for resources and resizePolicy: metadata and image are dropped', () => {
    const old = podWith({ limits: { cpu: '1', memory: '1Gi' } });
    const asked = resized(old, { limits: { cpu: '2', memory: '1Gi' } });
    asked.metadata.labels = { injected: 'yes' };
    asked.spec.containers[0].image = 'other';
    const stored = dropNonResizeUpdates(asked, old);
    expect(stored.metadata.labels).toBeUndefined();
    expect(stored.spec.containers[0].image).toBe('x');
    expect(stored.spec.containers[0].resources.limits.cpu).toBe('2');
  });

  it('refuses removing a limit or a request', () => {
    const old = podWith({ requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '1', memory: '2Gi' } });
    const errs = validateResize(
      resized(old, { requests: { cpu: '500m', memory: '1Gi' }, limits: { memory: '2Gi' } }),
      old,
      v135,
    );
    expect(errs).toEqual([
      {
        field: 'spec.containers[0].resources.limits[cpu]',
        reason: 'FieldValueForbidden',
        message: 'Forbidden: resource removal is not supported',
      },
    ]);
  });

  it.each([
    ['1.33', 'NotRequired', false],
    ['1.34', 'NotRequired', false],
    ['1.35', 'NotRequired', true],
    ['1.33', 'RestartContainer', true],
  ] as const)('memory-limit decrease in %s with policy %s allowed: %s', (version, policy, allowed) => {
    const old = podWith({ requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '1', memory: '2Gi' } });
    old.spec.containers[0].resizePolicy = [
      { resourceName: 'cpu', restartPolicy: 'NotRequired' },
      { resourceName: 'memory', restartPolicy: policy },
    ];
    const errs = validateResize(
      resized(old, { requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '1', memory: '1536Mi' } }),
      old,
      resizeRules(version),
    );
    expect(errs.map((e) => e.message)).toEqual(
      allowed ? [] : ['Forbidden: memory limits cannot be decreased unless resizePolicy is RestartContainer'],
    );
  });
});
