import { describe, expect, it } from 'vitest';
import { parseSamples } from '../../../../agent/src/metrics/prom-text.ts';
import { hubViewOf } from '../../../../bench/real/hub-view.ts';

const exposition = `# HELP kosmos_service_response_time_seconds x
kosmos_service_response_time_seconds{namespace="bench",sla="web",target_kind="Deployment",target_name="web"} 0.25
kosmos_service_request_rate{namespace="bench",sla="web",target_kind="Deployment",target_name="web"} 40
kosmos_service_desired_replicas{namespace="bench",sla="web",target_kind="Deployment",target_name="web"} 2
kosmos_service_request_rate{namespace="bench",sla="other",target_kind="Deployment",target_name="o"} 9
kosmos_pod_response_time_seconds{namespace="bench",pod="web-b",sla="web",node="node-2"} 0.12
kosmos_pod_cpu_enacted_millicores{namespace="bench",pod="web-b",sla="web",node="node-2"} 300
kosmos_pod_cpu_desired_millicores{namespace="bench",pod="web-a",sla="web",node="node-1"} 700
kosmos_pod_cpu_capped_millicores{namespace="bench",pod="web-a",sla="web",node="node-1"} 100
kosmos_pod_lb_weight{namespace="bench",pod="web-a",sla="web",node="node-1"} 200
kosmos_pod_cpu_usage_millicores{namespace="bench",pod="web-x",sla="other",node="node-1"} 50
kosmos_hub_leader 1
`;

describe('hubViewOf', () => {
  it("reads one SLA's service and pods from the hub's gauges, response times in ms", () => {
    const v = hubViewOf(parseSamples(exposition), 'web');
    expect(v.serviceRtMs).toBeCloseTo(250);
    expect(v.serviceRate).toBe(40);
    expect(v.desiredReplicas).toBe(2);
    expect(v.pods.map((p) => p.pod)).toEqual(['web-a', 'web-b']);
    expect(v.pods[0]).toMatchObject({ desiredMilli: 700, cappedMilli: 100, weight: 200 });
    expect(v.pods[0]!.rtMs).toBeNaN();
    expect(v.pods[1]).toMatchObject({ rtMs: 120, enactedMilli: 300 });
  });

  it('has no response time before the hub has one', () => {
    expect(hubViewOf([], 'web').serviceRtMs).toBeNaN();
  });
});
