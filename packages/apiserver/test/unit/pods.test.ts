import { describe, expect, it } from 'vitest';
import type { KObject } from '../../object-types.ts';
import { applyPodDefaults, podRequests, qosClass, validatePodUpdate } from '../../pods.ts';

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
      validatePodUpdate(
        resized(old, { requests: { cpu: '2', memory: '1Gi' }, limits: { cpu: '2', memory: '1Gi' } }),
        old,
        'resize',
      ),
    ).toEqual([]);
  });

  it('rejects a resize that changes the QoS class', () => {
    const old = podWith({ limits: { cpu: '1', memory: '1Gi' } });
    const [err] = validatePodUpdate(
      resized(old, { requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } }),
      old,
      'resize',
    );
    expect(err).toMatchObject({
      field: 'spec',
      message: 'Invalid value: "Burstable": Pod QOS Class may not change as a result of resizing',
    });
  });

  it('rejects resources other than cpu and memory, and requests above limits', () => {
    const old = podWith({ requests: { cpu: '1' } });
    expect(
      validatePodUpdate(resized(old, { requests: { cpu: '1', 'nvidia.com/gpu': '1' } }), old, 'resize')[0]
        ?.message,
    ).toContain('only cpu and memory resources are mutable');
    expect(
      validatePodUpdate(resized(old, { requests: { cpu: '2' }, limits: { cpu: '1' } }), old, 'resize')[0]
        ?.message,
    ).toContain('must be less than or equal to cpu limit');
  });

  it('forbids resource changes through a plain update but allows an image change', () => {
    const old = podWith({ requests: { cpu: '1' } });
    expect(validatePodUpdate(resized(old, { requests: { cpu: '2' } }), old, 'main')[0]?.reason).toBe(
      'FieldValueForbidden',
    );
    const image = structuredClone(old);
    image.spec.containers[0].image = 'y';
    expect(validatePodUpdate(image, old, 'main')).toEqual([]);
  });
});
