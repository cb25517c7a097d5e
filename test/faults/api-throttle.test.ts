// The API server answers 429 with Retry-After: N (the embedded server's failNext fault): the writer
// of that object — the agent's pods/resize, the hub's /scale — sends nothing to it for N seconds,
// and says so in its log; other objects are not held.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningAgent } from '../../agent/src/start.ts';
import type { RunningHub } from '../../hub/src/hub.ts';
import { GROUP, SLA_PLURAL, VERSION } from '../../lib/api/types.ts';
import { kubeClients } from '../../lib/kube.ts';
import type { ApiServer, RequestRecord } from '../../packages/apiserver/index.ts';
import { startHubAndAgent } from '../integration/hub/pair.ts';
import { webDeployment, webSla } from '../integration/hub/web-service.ts';
import { Workload } from '../integration/hub/workload.ts';
import { waitFor } from '../support/wait-for.ts';
import { type CapturedLog, captureLog, startFaultApiServer } from './support.ts';

const NS = 'default';
const NODE = 'node-1';
const RETRY_AFTER_S = 2;

describe('429 with Retry-After', () => {
  let api: ApiServer;
  let hub: RunningHub;
  let agent: RunningAgent;
  let workload: Workload;
  let hubLog: CapturedLog;
  let agentLog: CapturedLog;
  const requests: Array<RequestRecord & { atMs: number }> = [];
  const sent = (resource: string, subresource: string) =>
    requests.filter((r) => r.verb === 'patch' && r.resource === resource && r.subresource === subresource);

  beforeAll(async () => {
    api = await startFaultApiServer(NODE);
    api.onRequest((r) => requests.push({ ...r, atMs: Date.now() }));
    const clients = kubeClients(api.kubeConfig());
    await clients.apps.createNamespacedDeployment({ namespace: NS, body: webDeployment(1) });
    workload = new Workload(api);
    workload.totalRps = 20;
    hubLog = captureLog();
    agentLog = captureLog();
    ({ hub, agent } = await startHubAndAgent(api, workload, NODE, [], [], '127.0.0.1', undefined, {
      hubLog: hubLog.log,
      agentLog: agentLog.log,
    }));
    // Both writes the load below causes are refused once, first with 429 and Retry-After: 2.
    api.faults.failNext({
      verb: 'patch',
      resource: 'pods/resize',
      code: 429,
      retryAfterSeconds: RETRY_AFTER_S,
    });
    api.faults.failNext({
      verb: 'patch',
      resource: 'deployments/scale',
      code: 429,
      retryAfterSeconds: RETRY_AFTER_S,
    });
    const sla = webSla({
      maxCpu: '400m',
      maxReplicas: 3,
      policy: {
        mode: 'Auto',
        horizontal: {
          scaleUp: { windowSeconds: 1, stabilizationSeconds: 1 },
          scaleDown: { windowSeconds: 600, stabilizationSeconds: 600 },
        },
      },
    });
    await clients.custom.createNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      namespace: NS,
      plural: SLA_PLURAL,
      body: sla,
    });
    workload.totalRps = 200; // 1000m of demand: resize to the 400m max, then scale out
  });

  afterAll(async () => {
    await agent?.stop();
    await hub?.stop();
    await api?.stop();
  });

  for (const [writer, resource, subresource, log] of [
    ['the agent', 'pods', 'resize', () => agentLog],
    ['the hub', 'deployments', 'scale', () => hubLog],
  ] as const) {
    it(`${writer} sends no ${resource}/${subresource} patch to the object before Retry-After passed`, async () => {
      const [refused, next] = await waitFor(
        `a ${resource}/${subresource} patch after the 429`,
        () => {
          const patches = sent(resource, subresource);
          const i = patches.findIndex((r) => r.code === 429);
          const after = patches.slice(i + 1).find((r) => r.name === patches[i]?.name);
          return i >= 0 && after ? [patches[i]!, after] : undefined;
        },
        15_000,
      );
      expect(next.atMs - refused.atMs).toBeGreaterThanOrEqual(RETRY_AFTER_S * 1000);
      expect(next.code).toBe(200);
      expect(
        log().find('Kubernetes API server throttled the call; requests to this object wait for Retry-After', {
          resource,
          subresource,
          retryAfterMs: RETRY_AFTER_S * 1000,
        }),
      ).toHaveLength(1);
    });
  }
});
