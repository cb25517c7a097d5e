import { describe, expect, it } from 'vitest';
import { PodPlacements } from '../../../../hub/src/auth/pod-placements.ts';

describe('PodPlacements', () => {
  it('answers where a pod is placed and forgets removed pods', () => {
    const p = new PodPlacements();
    p.place('a', 'n1');
    expect(p.nodeOf('a')).toBe('n1');
    expect(p.nodeOf('b')).toBeUndefined();
    p.remove('a');
    expect(p.nodeOf('a')).toBeUndefined();
  });

  it('changes a node’s version when a pod is placed on it or leaves it, and only that node’s', () => {
    const p = new PodPlacements();
    p.place('a', 'n1');
    p.place('b', 'n2');
    const n1 = p.version('n1');
    const n2 = p.version('n2');
    p.place('a', 'n1'); // the informer's update of a pod already placed: nothing changes
    expect([p.version('n1'), p.version('n2')]).toEqual([n1, n2]);
    p.place('c', 'n1');
    expect(p.version('n1')).not.toBe(n1);
    expect(p.version('n2')).toBe(n2);
    const n1After = p.version('n1');
    p.place('c', 'n2'); // moved: both nodes change
    expect(p.version('n1')).not.toBe(n1After);
    expect(p.version('n2')).not.toBe(n2);
  });

  it('never hands a node back a version it had: emptied and refilled, the version is new', () => {
    const p = new PodPlacements();
    p.place('a', 'n1');
    const first = p.version('n1');
    p.remove('a');
    expect(p.version('n1')).toBe(0);
    p.place('a', 'n1');
    expect(p.version('n1')).not.toBe(first);
    expect(p.version('n1')).not.toBe(0);
  });
});
