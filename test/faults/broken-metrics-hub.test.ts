// What a broken /metrics endpoint looks like from outside, through the real wiring: a real hub and
// agent over gRPC on the embedded API server, the agent's scraper reporting one pod's endpoint as
// timing out (the endpoint behaviours themselves are in broken-metrics.test.ts). The pod's PodScale
// gets MetricsAvailable=False, the Pod one Warning Event, the SLA a MetricsAvailable condition
// counting such pods and a Ready message that does not claim every pod has a signal; kosmosctl says
// "no signal" for the pod and, once no pod has a signal, for the service, never an attainment.
import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MetricsHealth, MetricsScraper, ScrapeTarget } from '../../agent/src/edges.ts';
import { kosmosctl } from '../../hub/src/cli/kosmosctl.ts';
import {
  GROUP,
  PODSCALE_PLURAL,
  type PodScale,
  type ServiceLevelAgreement,
  SLA_PLURAL,
  VERSION,
} from '../../lib/api/types.ts';
import { kubeClients } from '../../lib/kube.ts';
import { type ApiServer, startApiServer } from '../../packages/apiserver/index.ts';
import { type HubAgentPair, startHubAndAgent } from '../integration/hub/pair.ts';
import { WEB_NAMESPACE as NS, webDeployment, webSla } from '../integration/hub/web-service.ts';
import { Workload } from '../integration/hub/workload.ts';
import { waitFor } from '../support/wait-for.ts';

const NODE = 'node-1';
const FAILURE = 'timeout after 2000ms';

/** The workload's scraper, except that pods in `broken` (by uid) time out. */
function partlyBroken(workload: Workload, broken: Set<string>): MetricsScraper {
  const healthy = workload.scraper();
  const since = new Map<string, number>();
  return {
    async scrape(targets: readonly ScrapeTarget[], nowMs: number) {
      const windows = await healthy.scrape(targets, nowMs);
      for (const t of targets) {
        if (!broken.has(t.key)) {
          since.delete(t.key);
          continue;
        }
        if (!since.has(t.key)) since.set(t.key, nowMs);
        windows.set(t.key, {
          ...windows.get(t.key)!,
          valid: false,
          error: FAILURE,
          failureReason: 'ScrapeTimeout',
        });
      }
      return windows;
    },
    health(key: string): MetricsHealth | undefined {
      const at = since.get(key);
      return at === undefined
        ? { state: 'answering' }
        : { state: 'failing', reason: 'ScrapeTimeout', message: FAILURE, sinceMs: at };
    },
  };
}

describe('a pod whose metrics endpoint fails, seen from outside', () => {
  let api: ApiServer;
  let pair: HubAgentPair;
  let clients: ReturnType<typeof kubeClients>;
  const broken = new Set<string>();
  const crd = { group: GROUP, version: VERSION, namespace: NS };

  const sla = async () =>
    (await clients.custom.getNamespacedCustomObject({
      ...crd,
      plural: SLA_PLURAL,
      name: 'web',
    })) as ServiceLevelAgreement;
  const podScales = async () =>
    (
      (await clients.custom.listNamespacedCustomObject({ ...crd, plural: PODSCALE_PLURAL })) as {
        items: PodScale[];
      }
    ).items;
  const ctl = async (...args: string[]) => {
    const lines: string[] = [];
    const { program, done } = kosmosctl((l) => lines.push(l));
    program.exitOverride();
    await program.parseAsync(['--hub', `127.0.0.1:${pair.hub.statusPort}`, ...args], { from: 'user' });
    done();
    return lines.join('\n');
  };

  beforeAll(async () => {
    api = await startApiServer({
      crdDir: 'deploy/crds',
      nodes: [{ name: NODE, cpu: '8', memory: '16Gi' }],
      podStartDelayMs: 5,
      resizeDelayMs: 10,
    });
    clients = kubeClients(api.kubeConfig());
    await clients.apps.createNamespacedDeployment({ namespace: NS, body: webDeployment(2) });
    await clients.custom.createNamespacedCustomObject({
      ...crd,
      plural: SLA_PLURAL,
      body: webSla({ maxCpu: '2', maxReplicas: 2, policy: { mode: 'Auto' } }),
    });
    const workload = new Workload(api);
    pair = await startHubAndAgent(api, workload, NODE, [], [], '127.0.0.1', partlyBroken(workload, broken));
  });

  afterAll(async () => {
    await pair?.stop();
    await api?.stop();
  });

  it('shows one failing pod on its PodScale, in an Event, on the SLA and in kosmosctl', async () => {
    const items = await waitFor('2 PodScales', async () => {
      const list = await podScales();
      return list.length === 2 ? list : undefined;
    });
    const [bad, good] = items as [PodScale, PodScale];
    broken.add(bad.spec.podRef.uid!);
    const badPod = bad.spec.podRef.name;

    const condition = await waitFor('the PodScale condition', async () => {
      const ps = (await podScales()).find((p) => p.metadata.name === bad.metadata.name);
      const c = ps?.status?.conditions?.find((x) => x.type === 'MetricsAvailable');
      return c?.status === 'False' ? c : undefined;
    });
    expect(condition).toMatchObject({ reason: 'ScrapeTimeout', message: FAILURE });

    const status = await waitFor('the SLA condition', async () => {
      const s = (await sla()).status;
      return s?.conditions?.find((c) => c.type === 'MetricsAvailable')?.status === 'False' ? s : undefined;
    });
    expect(status.conditions?.find((c) => c.type === 'MetricsAvailable')).toMatchObject({
      reason: 'ScrapeTimeout',
      message: expect.stringContaining(`1/2 pods without response-time signal`),
    });
    expect(status.conditions?.find((c) => c.type === 'MetricsAvailable')?.message).toContain(badPod);
    expect(status.conditions?.find((c) => c.type === 'Ready')).toMatchObject({
      status: 'True',
      message: '2/2 pods reporting, 1 without response-time signal',
    });
    const good2 = (await podScales()).find((p) => p.metadata.name === good.metadata.name);
    expect(good2?.status?.conditions?.find((c) => c.type === 'MetricsAvailable')?.status).toBe('True');

    const service = await waitFor('kosmosctl to show no signal', async () => {
      const text = await ctl('service', `${NS}/web`);
      return text.includes('no signal') ? text : undefined;
    });
    expect(service.split('\n').find((l) => l.startsWith(badPod))).toContain('no signal');
    expect(service).toMatch(/\d+%, 1\/2 no signal/);

    const events = await clients.events.listNamespacedEvent({ namespace: NS });
    const about = events.items.filter((e) => e.regarding?.name === badPod && e.reason === 'ScrapeTimeout');
    expect(about).toHaveLength(1);
    expect(about[0]).toMatchObject({ type: 'Warning', regarding: { kind: 'Pod' } });
  });

  it('says "no signal" for the service, never an attainment, once no pod has a signal', async () => {
    for (const ps of await podScales()) broken.add(ps.spec.podRef.uid!);
    const ready = await waitFor('Ready=False', async () => {
      const c = (await sla()).status?.conditions?.find((x) => x.type === 'Ready');
      return c?.status === 'False' ? c : undefined;
    });
    expect(ready.reason).toBe('NoResponseTimeSignal');
    const text = await waitFor('kosmosctl status without an attainment', async () => {
      const t = await ctl('status');
      const row = t.split('\n').find((l) => l.startsWith(`${NS}/web`));
      return row && !/\d+%/.test(row) ? row : undefined;
    });
    expect(text).toContain('no signal');
  });

  it('keeps one MetricsAvailable on the SLA and each PodScale when the source moves to Prometheus while the scrapes still fail', async () => {
    // The agent's scraper still reports every pod failing; the hub (no Prometheus client here)
    // reports PrometheusNotConfigured: both paths report, one condition each, the hub's.
    await clients.custom.patchNamespacedCustomObject(
      {
        ...crd,
        plural: SLA_PLURAL,
        name: 'web',
        body: {
          spec: { metrics: { scrape: null, prometheus: { metric: 'http_request_duration_seconds' } } },
        },
      },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    const metricsOf = (conditions: { type: string }[] | undefined) =>
      (conditions ?? []).filter((c) => c.type === 'MetricsAvailable');
    const slaConditions = await waitFor('the SLA to say PrometheusNotConfigured', async () => {
      const cs = metricsOf((await sla()).status?.conditions);
      return cs.some((c) => (c as { reason?: string }).reason === 'PrometheusNotConfigured') ? cs : undefined;
    });
    expect(slaConditions).toHaveLength(1);
    const scales = await waitFor('every PodScale to say PrometheusNotConfigured', async () => {
      const list = await podScales();
      const all = list.every((ps) =>
        metricsOf(ps.status?.conditions).some(
          (c) => (c as { reason?: string }).reason === 'PrometheusNotConfigured',
        ),
      );
      return all ? list : undefined;
    });
    for (const ps of scales) {
      expect(metricsOf(ps.status?.conditions)).toEqual([
        expect.objectContaining({ status: 'False', reason: 'PrometheusNotConfigured' }),
      ]);
    }
    expect(metricsOf((await sla()).status?.conditions)).toEqual([
      expect.objectContaining({ status: 'False', reason: 'PrometheusNotConfigured' }),
    ]);
  });
});
