import { describe, expect, it } from 'vitest';
import { PodPlacements } from '../../../../hub/src/auth/pod-placements.ts';
import { guardReport, guardReportSince, type PlacedPods } from '../../../../hub/src/auth/report-guard.ts';
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

describe('guardReportSince', () => {
  function counted(p: PodPlacements) {
    const calls = { n: 0 };
    const placement = (uid: string) => {
      calls.n++;
      return p.nodeOf(uid);
    };
    return { calls, placement };
  }

  it('passes a report naming the same pods at the same placement version without a lookup', () => {
    const p = new PodPlacements();
    p.place('a', 'n1');
    p.place('b', 'n1');
    const { calls, placement } = counted(p);
    const report = nodeReport('n1', [podReport({ uid: 'a' }), podReport({ uid: 'b' })]);
    const first = guardReportSince('n1', report, placement, p.version('n1'), undefined);
    expect(calls.n).toBe(2);
    expect(first.placed).toBeDefined();
    const next = nodeReport('n1', [podReport({ uid: 'a' }), podReport({ uid: 'b' })], 2);
    const second = guardReportSince('n1', next, placement, p.version('n1'), first.placed);
    expect(calls.n).toBe(2);
    expect(second.result).toEqual({ ok: true, report: next, refused: [] });
  });

  it('looks the pods up again once the node’s placement changed, and refuses a pod that left', () => {
    const p = new PodPlacements();
    p.place('a', 'n1');
    p.place('b', 'n1');
    const report = () => nodeReport('n1', [podReport({ uid: 'a' }), podReport({ uid: 'b' })]);
    const first = guardReportSince('n1', report(), p.nodeOf, p.version('n1'), undefined);
    p.place('b', 'n2');
    const second = guardReportSince('n1', report(), p.nodeOf, p.version('n1'), first.placed);
    if (!second.result.ok) throw new Error(second.result.reason);
    expect(second.result.report.pods.map((x) => x.uid)).toEqual(['a']);
    expect(second.result.refused.map((x) => [x.uid, x.placedOn])).toEqual([['b', 'n2']]);
    // nothing to remember from a report with a refused pod
    expect(second.placed).toBeUndefined();
  });

  it('looks the pods up again when the report names other pods, and still refuses another node’s name', () => {
    const p = new PodPlacements();
    p.place('a', 'n1');
    const guard = (node: string, uid: string, last?: PlacedPods) =>
      guardReportSince('n1', nodeReport(node, [podReport({ uid })]), p.nodeOf, p.version('n1'), last);
    const first = guard('n1', 'a');
    const other = guard('n1', 'c', first.placed);
    if (!other.result.ok) throw new Error(other.result.reason);
    expect(other.result.refused.map((x) => [x.uid, x.reason])).toEqual([['c', 'unknown-pod']]);
    const named = guard('n2', 'a', first.placed);
    expect(named.result.ok).toBe(false);
  });
});
