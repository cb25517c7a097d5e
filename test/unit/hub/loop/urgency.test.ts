import { describe, expect, it } from 'vitest';
import { podSampleFromWire } from '../../../../hub/src/agentserver/report-sample.ts';
import { reportNeedsPlanNow, urgentPod } from '../../../../hub/src/loop/urgency.ts';
import { ClusterModel } from '../../../../hub/src/model/cluster-model.ts';
import type { NodeSample } from '../../../../hub/src/model/pod-sample.ts';
import { RECOMMENDER_DEFAULTS, recommenderConfig } from '../../../../hub/src/recommender/defaults.ts';
import { podReport } from '../fixtures.ts';

const objective = { sloSeconds: 0.2, statistic: 'p95' as const, maxCpuMilli: 4000 };
const t = RECOMMENDER_DEFAULTS.tuning;
const rt = (p95Seconds: number, requestCount = 100) => ({
  requestCount,
  meanSeconds: p95Seconds / 3,
  p50Seconds: p95Seconds / 4,
  p90Seconds: p95Seconds / 1.3,
  p95Seconds,
  p99Seconds: p95Seconds * 1.5,
  windowSeconds: 1,
  valid: true,
  error: '',
  failureReason: '',
});

describe('urgentPod (a report the next pass should not wait for)', () => {
  it.each([
    { name: 'within its objective: no', over: {}, planned: 250, out: false },
    {
      name: 'over its objective on enough requests: yes',
      over: { responseTime: rt(0.3) },
      planned: 250,
      out: true,
    },
    {
      name: 'over its objective on 4 requests: no',
      over: { responseTime: rt(0.3, 4) },
      planned: 250,
      out: false,
    },
    {
      name: 'over it, but a growth is planned already: no',
      over: { responseTime: rt(0.3) },
      planned: 400,
      out: false,
    },
    {
      name: 'over it, but planned at its SLA maximum: no',
      over: { responseTime: rt(0.3), enacted: { cpuMilli: 4000, memoryBytes: 2 ** 27 } },
      planned: 4000,
      out: false,
    },
    {
      name: 'pegged with nothing finished: yes',
      over: { responseTime: rt(0, 0), cpuUsageMilli: 240 },
      planned: 250,
      out: true,
    },
    {
      name: 'nothing finished, not pegged: no',
      over: { responseTime: rt(0, 0), cpuUsageMilli: 100 },
      planned: 250,
      out: false,
    },
    { name: 'no plan yet: no', over: { responseTime: rt(0.3) }, planned: undefined, out: false },
  ])('$name', ({ over, planned, out }) => {
    const pod = podSampleFromWire(podReport({ uid: 'a', ...over }));
    expect(urgentPod(pod, objective, planned, t)).toBe(out);
  });

  it('a pod of an SLA the hub has not planned is never urgent', () => {
    const pod = podSampleFromWire(podReport({ uid: 'a', responseTime: rt(0.3) }));
    expect(urgentPod(pod, undefined, 250, t)).toBe(false);
  });
});

describe('reportNeedsPlanNow (a node report with an urgent pod)', () => {
  const config = recommenderConfig({
    sloSeconds: 0.2,
    minCpuMilli: 100,
    maxCpuMilli: 4000,
    minMemoryBytes: 2 ** 26,
    maxMemoryBytes: 2 ** 31,
  });
  const report = (...pods: NodeSample['pods']): NodeSample => ({
    nodeName: 'n1',
    sequence: 1,
    agentVersion: 'test',
    allocatable: null,
    untrackedRequests: null,
    windowSeconds: 1,
    pods,
  });
  const planned = (model: ClusterModel, uid: string, node: string, sla = 'ns/svc') =>
    model.setPlan(uid, node, { uid, sla, desired: { cpuMilli: 250, memoryBytes: 2 ** 27 } });
  const slow = (uid: string) => podSampleFromWire(podReport({ uid, responseTime: rt(0.3) }));
  const fine = (uid: string) => podSampleFromWire(podReport({ uid, responseTime: rt(0.1) }));
  const slas = (key: string) => (key === 'ns/svc' ? config : undefined);

  it('is urgent when one planned pod of the report is', () => {
    const model = new ClusterModel();
    planned(model, 'a', 'n1');
    planned(model, 'b', 'n1');
    expect(reportNeedsPlanNow(report(fine('a'), slow('b')), model, slas)).toBe(true);
    expect(reportNeedsPlanNow(report(fine('a'), fine('b')), model, slas)).toBe(false);
  });

  it('finds a plan the last pass left on another node', () => {
    const model = new ClusterModel();
    planned(model, 'a', 'n2');
    expect(reportNeedsPlanNow(report(slow('a')), model, slas)).toBe(true);
  });

  it('leaves out pods without a plan or of an SLA not planned yet', () => {
    const model = new ClusterModel();
    planned(model, 'b', 'n1', 'ns/other');
    expect(reportNeedsPlanNow(report(slow('a'), slow('b')), model, slas)).toBe(false);
  });
});
