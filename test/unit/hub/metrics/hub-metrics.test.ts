import { afterEach, describe, expect, it } from 'vitest';
import { type RunningHttp, startMetricsServer } from '../../../../hub/src/metrics/http-server.ts';
import { HubMetrics } from '../../../../hub/src/metrics/hub-metrics.ts';
import type { ServiceView } from '../../../../hub/src/status/status-board.ts';

const view = (pods: string[]): ServiceView => ({
  sla: {
    namespace: 'default',
    name: 'web',
    target: 'Deployment/web',
    observedSeconds: 0.18,
    requestRate: 50,
    replicas: 2,
    sloAttainment: 0.9,
  },
  pods: pods.map((name) => ({
    namespace: 'default',
    name,
    node: 'n1',
    desired: { cpuMilli: 300, memoryBytes: 1024 },
    enacted: { cpuMilli: 250, memoryBytes: 1024 },
    lbWeight: 200,
  })),
});

let http: RunningHttp | undefined;
afterEach(async () => http?.stop());

describe('HubMetrics', () => {
  it('exposes Pod and Service metrics and drops series of pods that left', async () => {
    const m = new HubMetrics();
    m.publish([view(['web-1', 'web-2'])]);
    let text = await m.registry.metrics();
    expect(text).toContain(
      'kosmos_pod_cpu_desired_millicores{namespace="default",pod="web-1",sla="web",node="n1"} 300',
    );
    expect(text).toContain('kosmos_pod_lb_weight{namespace="default",pod="web-2",sla="web",node="n1"} 200');
    expect(text).toContain(
      'kosmos_service_response_time_seconds{namespace="default",sla="web",target_kind="Deployment",target_name="web"} 0.18',
    );
    expect(text).toContain(
      'kosmos_service_slo_attainment_ratio{namespace="default",sla="web",target_kind="Deployment",target_name="web"} 0.9',
    );
    m.publish([view(['web-1'])]);
    text = await m.registry.metrics();
    expect(text).not.toContain('pod="web-2"');
  });

  it('serves /metrics, /healthz and /readyz over HTTP', async () => {
    const m = new HubMetrics();
    let ready = false;
    http = await startMetricsServer('127.0.0.1', 0, {
      registry: m.registry,
      ready: () => ({ ok: ready, reason: ready ? 'leading' : 'standby' }),
    });
    const base = `http://127.0.0.1:${http.port}`;
    expect((await fetch(`${base}/metrics`)).status).toBe(200);
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect((await fetch(`${base}/readyz`)).status).toBe(503);
    ready = true;
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
  });
});
