import { describe, expect, it } from 'vitest';
import { nodeSampleFromWire } from '../../../../hub/src/agentserver/report-sample.ts';
import { ClusterModel, sameDirective } from '../../../../hub/src/model/cluster-model.ts';
import { podReport, nodeReport as wireReport } from '../fixtures.ts';

/** The model folds what the agent server's edge made of a wire report. */
const nodeReport = (...args: Parameters<typeof wireReport>) => nodeSampleFromWire(wireReport(...args));

describe('ClusterModel', () => {
  it('folds a report as the node’s full snapshot: pods missing from it are dropped', () => {
    const m = new ClusterModel();
    m.connect('n1', 'v', 0);
    m.foldReport(nodeReport('n1', [podReport({ uid: 'a' }), podReport({ uid: 'b' })]), 1000);
    expect(m.observations().map((o) => o.uid)).toEqual(['a', 'b']);
    m.foldReport(nodeReport('n1', [podReport({ uid: 'b' })], 2), 2000);
    expect(m.observations().map((o) => o.uid)).toEqual(['b']);
    expect(m.node('n1')?.sequence).toBe(2);
  });

  it('updates a steady node’s pods in place and still drops a pod a report leaves out, even with a uid named twice', () => {
    const m = new ClusterModel();
    m.foldReport(nodeReport('n1', [podReport({ uid: 'a' }), podReport({ uid: 'b' })]), 1000);
    m.foldReport(nodeReport('n1', [podReport({ uid: 'a' }), podReport({ uid: 'b', name: 'b2' })], 2), 2000);
    expect(m.observations().map((o) => [o.uid, o.name, o.receivedMs])).toEqual([
      ['a', 'a', 2000],
      ['b', 'b2', 2000],
    ]);
    m.foldReport(nodeReport('n1', [podReport({ uid: 'a' }), podReport({ uid: 'a' })], 3), 3000);
    expect(m.observations().map((o) => o.uid)).toEqual(['a']);
    m.foldReport(nodeReport('n1', [podReport({ uid: 'a' }), podReport({ uid: 'c' })], 4), 4000);
    expect(m.observations().map((o) => o.uid)).toEqual(['a', 'c']);
  });

  it('does not drop another node’s pods when folding a report', () => {
    const m = new ClusterModel();
    m.foldReport(nodeReport('n1', [podReport({ uid: 'a' })]), 1);
    m.foldReport(nodeReport('n2', [podReport({ uid: 'b' })]), 1);
    m.foldReport(nodeReport('n1', []), 2);
    expect(m.observations().map((o) => o.uid)).toEqual(['b']);
  });

  it('marks a disconnected node stale and its pods not fresh', () => {
    const m = new ClusterModel();
    m.connect('n1', 'v', 0);
    m.foldReport(nodeReport('n1', [podReport({ uid: 'a' })]), 1);
    expect(m.isFresh('a')).toBe(true);
    m.disconnect('n1');
    expect(m.node('n1')?.stale).toBe(true);
    expect(m.isFresh('a')).toBe(false);
  });

  it.each([
    { lastReportMs: 1000, nowMs: 5000, staleAfterMs: 10_000, stale: false },
    { lastReportMs: 1000, nowMs: 12_000, staleAfterMs: 10_000, stale: true },
  ])('silence of $nowMs - $lastReportMs ms with threshold $staleAfterMs → stale=$stale', (c) => {
    const m = new ClusterModel();
    m.connect('n1', 'v', 0);
    m.foldReport(nodeReport('n1', []), c.lastReportMs);
    expect(m.markSilentStale(c.nowMs, c.staleAfterMs)).toEqual(c.stale ? ['n1'] : []);
    expect(m.node('n1')?.stale).toBe(c.stale);
  });

  it('returns directives only for pods planned on the asked node, and forgets them with the pod', () => {
    const m = new ClusterModel();
    m.setPlan('a', 'n1', { uid: 'a', desired: { cpuMilli: 300 } });
    m.setPlan('b', 'n2', { uid: 'b', desired: { cpuMilli: 400 } });
    expect(m.directivesFor('n1').map((d) => d.uid)).toEqual(['a']);
    m.forgetPod('a');
    expect(m.directivesFor('n1')).toEqual([]);
    expect(m.directivesFor('n2').map((d) => d.uid)).toEqual(['b']);
  });

  it('serves a steady node the list it built; a changed plan, a moved or forgotten pod rebuild it', () => {
    const m = new ClusterModel();
    m.setPlan('a', 'n1', { uid: 'a', desired: { cpuMilli: 300, memoryBytes: 1 } });
    m.setPlan('b', 'n1', { uid: 'b', desired: { cpuMilli: 400, memoryBytes: 1 } });
    const first = m.directivesFor('n1');
    // the same plan again, as a new object: skipped
    m.setPlan('a', 'n1', { uid: 'a', desired: { cpuMilli: 300, memoryBytes: 1 } });
    expect(m.directivesFor('n1')).toBe(first);
    m.setPlan('a', 'n1', { uid: 'a', desired: { cpuMilli: 350, memoryBytes: 1 } });
    const changed = m.directivesFor('n1');
    expect(changed).not.toBe(first);
    expect(changed.map((d) => d.desired?.cpuMilli)).toEqual([350, 400]);
    m.setPlan('b', 'n2', { uid: 'b', desired: { cpuMilli: 400, memoryBytes: 1 } });
    expect(m.directivesFor('n1').map((d) => d.uid)).toEqual(['a']);
    expect(m.directivesFor('n2').map((d) => d.uid)).toEqual(['b']);
    m.forgetPod('a');
    expect(m.directivesFor('n1')).toEqual([]);
  });

  it('keeps a pod that moved to another node (same uid) only under the node that reports it now', () => {
    const m = new ClusterModel();
    m.foldReport(nodeReport('n1', [podReport({ uid: 'a' })]), 1);
    m.setPlan('a', 'n1', { uid: 'a', desired: { cpuMilli: 300 } });
    m.foldReport(nodeReport('n2', [podReport({ uid: 'a' })]), 2);
    m.setPlan('a', 'n2', { uid: 'a', desired: { cpuMilli: 300 } });
    m.foldReport(nodeReport('n1', []), 3);
    expect(m.observation('a')?.node).toBe('n2');
    expect(m.directivesFor('n1')).toEqual([]);
    expect(m.directivesFor('n2').map((d) => d.uid)).toEqual(['a']);
  });

  it('gives each reporting node its allocatable and what it promised: untracked + max(enacted, planned) per pod', () => {
    const m = new ClusterModel();
    m.connect('n1', 'v', 0);
    m.connect('n2', 'v', 0);
    m.connect('n3', 'v', 0);
    const n1 = nodeReport('n1', [
      podReport({ uid: 'a', enacted: { cpuMilli: 800, memoryBytes: 0 } }),
      podReport({ uid: 'b', enacted: { cpuMilli: 900, memoryBytes: 0 } }),
    ]);
    m.foldReport({ ...n1, untrackedRequests: { cpuMilli: 300, memoryBytes: 0 } }, 1);
    m.foldReport(nodeReport('n2', []), 1);
    m.foldReport(nodeReport('n3', [podReport({ uid: 'c' })]), 1);
    m.setPlan('a', 'n1', { uid: 'a', desired: { cpuMilli: 1500 } }); // held back by contention
    m.setPlan('b', 'n1', { uid: 'b', desired: { cpuMilli: 600 } }); // shrinking
    m.setPlan('d', 'n2', { uid: 'd', desired: { cpuMilli: 700 } }); // planned, not reported yet
    m.disconnect('n3');
    expect(m.nodeRoom()).toEqual([
      { allocatableCpuMilli: 4000, requestedCpuMilli: 300 + 1500 + 900 },
      { allocatableCpuMilli: 4000, requestedCpuMilli: 700 },
    ]);
  });

  it('builds a node room again after an enacted size, a plan, the pod set or the allocatable changed, and only then', () => {
    const m = new ClusterModel();
    const report = (enacted: number, uids = ['a'], allocatable = 4000) => ({
      ...nodeReport(
        'n1',
        uids.map((uid) => podReport({ uid, enacted: { cpuMilli: enacted, memoryBytes: 0 } })),
      ),
      allocatable: { cpuMilli: allocatable, memoryBytes: 0 },
    });
    const requested = () => m.nodeRoom().map((r) => r.requestedCpuMilli);
    m.foldReport(report(800), 1);
    m.setPlan('a', 'n1', { uid: 'a', desired: { cpuMilli: 500, memoryBytes: 0 } });
    const first = m.nodeRoom()[0];
    expect(first?.requestedCpuMilli).toBe(800);
    m.foldReport(report(800), 2); // nothing it adds up changed: the same record
    m.setPlan('a', 'n1', { uid: 'a', desired: { cpuMilli: 500, memoryBytes: 0 } });
    expect(m.nodeRoom()[0]).toBe(first);
    m.foldReport(report(600), 3);
    expect(requested()).toEqual([600]);
    m.setPlan('a', 'n1', { uid: 'a', desired: { cpuMilli: 900, memoryBytes: 0 } });
    expect(requested()).toEqual([900]);
    m.foldReport(report(600, ['a', 'b']), 4);
    expect(requested()).toEqual([900 + 600]);
    m.foldReport(report(600, ['b']), 5); // a left the node's report; its plan still promises 900
    expect(requested()).toEqual([600 + 900]);
    m.forgetPod('a');
    expect(requested()).toEqual([600]);
    m.foldReport(report(600, ['b'], 2000), 6);
    expect(m.nodeRoom()).toEqual([{ allocatableCpuMilli: 2000, requestedCpuMilli: 600 }]);
  });
  it('compares directives field by field: a resource field unset on both sides is the same, a set one that moved is not', () => {
    const base = {
      uid: 'a',
      namespace: 'default',
      name: 'a',
      container: 'app',
      sla: 'default/web',
      priority: 0,
      recommendOnly: false,
      desired: { cpuMilli: 300 },
      minimum: { cpuMilli: 100, memoryBytes: 64 },
    };
    expect(sameDirective(base, { ...base, desired: { cpuMilli: 300 } })).toBe(true);
    expect(sameDirective(base, { ...base, desired: { cpuMilli: 301 } })).toBe(false);
    expect(sameDirective(base, { ...base, desired: { cpuMilli: 300, memoryBytes: 1 } })).toBe(false);
    expect(sameDirective(base, { ...base, minimum: { cpuMilli: 100, memoryBytes: 65 } })).toBe(false);
  });
});
