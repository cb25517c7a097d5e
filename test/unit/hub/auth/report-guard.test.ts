import { describe, expect, it } from 'vitest';
import { guardReport } from '../../../../hub/src/auth/report-guard.ts';
import { nodeReport, podReport } from '../fixtures.ts';

const placement = (uid: string) => ({ a: 'n1', b: 'n2' })[uid];

describe('guardReport', () => {
  it('refuses a report that names a node other than the authenticated one', () => {
    const r = guardReport('n1', nodeReport('n2', []), placement);
    expect(r.ok).toBe(false);
  });

  it('keeps pods placed on the node and refuses another node’s pod and unknown pods', () => {
    const r = guardReport(
      'n1',
      nodeReport('n1', [podReport({ uid: 'a' }), podReport({ uid: 'b' }), podReport({ uid: 'c' })]),
      placement,
    );
    if (!r.ok) throw new Error(r.reason);
    expect(r.report.pods.map((p) => p.uid)).toEqual(['a']);
    expect(r.refused.map((p) => [p.uid, p.reason, p.placedOn])).toEqual([
      ['b', 'other-node', 'n2'],
      ['c', 'unknown-pod', undefined],
    ]);
  });
});
