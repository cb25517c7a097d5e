import { describe, expect, it } from 'vitest';
import {
  clip,
  DEFAULT_NODE_POD_CAPACITY,
  helloOutOfBounds,
  nodePodCapacity,
  reportOutOfBounds,
} from '../../../../hub/src/auth/report-bounds.ts';
import { nodeReport, podReport } from '../fixtures.ts';

const long = (n: number) => 'x'.repeat(n);

describe('report bounds', () => {
  it.each([
    { capacity: '110', expected: 110 },
    { capacity: '500', expected: 500 },
    { capacity: undefined, expected: DEFAULT_NODE_POD_CAPACITY },
    { capacity: 'lots', expected: DEFAULT_NODE_POD_CAPACITY },
    { capacity: '0', expected: DEFAULT_NODE_POD_CAPACITY },
  ])('a Node with capacity.pods $capacity allows $expected pods per report', ({ capacity, expected }) => {
    expect(nodePodCapacity(capacity)).toBe(expected);
  });

  it('accepts a report of as many pods as the node can run, each string at its limit', () => {
    const pods = Array.from({ length: 110 }, (_, i) =>
      podReport({ uid: `u${i}`, name: long(253), namespace: long(63), resizeMessage: long(1024) }),
    );
    expect(reportOutOfBounds(nodeReport('n1', pods), 110)).toBeUndefined();
  });

  it.each([
    {
      name: 'one pod too many',
      pods: 111,
      over: {},
      reason: /carries 111 pods, node n1 can run at most 110/,
    },
    { name: 'a long name', pods: 1, over: { name: long(254) }, reason: /pod #0 name is 254 characters/ },
    { name: 'a long namespace', pods: 1, over: { namespace: long(64) }, reason: /namespace is 64/ },
    { name: 'a long uid', pods: 1, over: { uid: long(129) }, reason: /uid is 129/ },
    { name: 'a long sla', pods: 1, over: { sla: long(318) }, reason: /sla is 318/ },
    { name: 'a long message', pods: 1, over: { resizeMessage: long(1025) }, reason: /resize_message/ },
  ])('rejects $name', ({ pods, over, reason }) => {
    const report = nodeReport(
      'n1',
      Array.from({ length: pods }, (_, i) => podReport({ uid: `u${i}`, ...over })),
    );
    expect(reportOutOfBounds(report, 110)).toMatch(reason);
  });

  it('refuses a hello with an oversize node name or token', () => {
    const hello = { nodeName: 'n1', protocolVersion: 1, agentVersion: 'v', token: 't' };
    expect(helloOutOfBounds(hello)).toBeUndefined();
    expect(helloOutOfBounds({ ...hello, nodeName: long(254) })).toMatch(/node_name is 254/);
    expect(helloOutOfBounds({ ...hello, token: long(16_385) })).toMatch(/token is 16385/);
  });

  it('clips log strings and says how much was left out', () => {
    expect(clip('short')).toBe('short');
    expect(clip(long(1000), 10)).toBe(`${long(10)}…(+990 chars)`);
  });
});
