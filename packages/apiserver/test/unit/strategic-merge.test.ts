import { describe, expect, it } from 'vitest';
import { mergeObject, mergePatch } from '../../strategic-merge.ts';

describe('strategic merge patch', () => {
  const pod = {
    metadata: { labels: { a: '1' }, finalizers: ['x'] },
    spec: {
      containers: [
        { name: 'app', image: 'app:1', ports: [{ containerPort: 80 }], env: [{ name: 'A', value: '1' }] },
        { name: 'side', image: 'side:1' },
      ],
    },
    status: {
      conditions: [
        { type: 'Ready', status: 'False' },
        { type: 'PodScheduled', status: 'True' },
      ],
    },
  };

  it('merges containers by name and keeps the ones not mentioned', () => {
    const out = mergeObject(pod, { spec: { containers: [{ name: 'side', image: 'side:2' }] } });
    expect(out.spec.containers).toEqual([pod.spec.containers[0], { name: 'side', image: 'side:2' }]);
  });

  it('merges nested env by name and container ports by containerPort', () => {
    const out = mergeObject(pod, {
      spec: {
        containers: [
          { name: 'app', env: [{ name: 'B', value: '2' }], ports: [{ containerPort: 80, name: 'http' }] },
        ],
      },
    });
    expect(out.spec.containers[0].env).toEqual([
      { name: 'A', value: '1' },
      { name: 'B', value: '2' },
    ]);
    expect(out.spec.containers[0].ports).toEqual([{ containerPort: 80, name: 'http' }]);
  });

  it('merges conditions by type', () => {
    const out = mergeObject(pod, { status: { conditions: [{ type: 'Ready', status: 'True' }] } });
    expect(out.status.conditions).toEqual([
      { type: 'Ready', status: 'True' },
      { type: 'PodScheduled', status: 'True' },
    ]);
  });

  it('honours $patch: delete and $patch: replace', () => {
    expect(
      mergeObject(pod, { spec: { containers: [{ name: 'side', $patch: 'delete' }] } }).spec.containers,
    ).toHaveLength(1);
    const replaced = mergeObject(pod, {
      spec: { containers: [{ name: 'only', image: 'o' }, { $patch: 'replace' }] },
    });
    expect(replaced.spec.containers).toEqual([{ name: 'only', image: 'o' }]);
  });

  it('unions finalizers and deletes from primitive lists', () => {
    expect(mergeObject(pod, { metadata: { finalizers: ['y'] } }).metadata.finalizers).toEqual(['x', 'y']);
    expect(
      mergeObject(pod, {
        metadata: { $deleteFromPrimitiveList: undefined, '$deleteFromPrimitiveList/finalizers': ['x'] },
      }).metadata.finalizers,
    ).toEqual([]);
  });

  it('removes keys set to null and does not mutate its input', () => {
    const before = structuredClone(pod);
    const out = mergeObject(pod, { metadata: { labels: { a: null, b: '2' } } });
    expect(out.metadata.labels).toEqual({ b: '2' });
    expect(pod).toEqual(before);
  });
});

describe('JSON merge patch (RFC 7386)', () => {
  it('replaces lists and deletes null keys', () => {
    expect(mergePatch({ a: [1, 2], b: { c: 1, d: 2 } }, { a: [3], b: { c: null } })).toEqual({
      a: [3],
      b: { d: 2 },
    });
  });
});
