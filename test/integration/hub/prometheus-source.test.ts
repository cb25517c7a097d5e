// An SLA whose response time comes from a real Prometheus (Debian's 2.42, started here on loopback):
// Prometheus discovers the embedded cluster's pods (http_sd) and scrapes their real /metrics every
// second; the hub reads them with one query per SLA. A step load raises the enacted CPU and the
// objective is met again; then each way Prometheus can fail sets MetricsAvailable=False with its
// reason, an Event and the failures metric, and the law holds the pods while the load changes.
// Prometheus also scrapes the hub: deploy/prometheus-adapter's rules, expanded as the adapter
// does, give the Pod and Service metrics the hub exports.
// Without a prometheus binary this skips, saying so (and fails under CI, which installs it).
import { createServer as createHttpServer } from 'node:http';
import { createServer, type Server, type Socket } from 'node:net';
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  GROUP,
  PODSCALE_PLURAL,
  type PodScale,
  type ServiceLevelAgreement,
  SLA_PLURAL,
  VERSION,
} from '../../../lib/api/types.ts';
import { parseDurationSeconds } from '../../../lib/duration.ts';
import { kubeClients } from '../../../lib/kube.ts';
import { parseCpuMilli } from '../../../lib/quantity.ts';
import { type ApiServer, startApiServer } from '../../../packages/apiserver/index.ts';
import { type PodDiscovery, startPodDiscovery } from '../../../sim/prometheus/pod-discovery.ts';
import {
  freePort,
  prometheusVersion,
  type RunningPrometheus,
  startPrometheus,
} from '../../../sim/prometheus/prometheus-process.ts';
import { waitFor } from '../../support/wait-for.ts';
import {
  type AdapterRule,
  expandMetricsQuery,
  labelFor,
  loadAdapterRules,
  metricName,
} from './adapter-rules.ts';
import { type HubAgentPair, startHubAndAgent } from './pair.ts';
import { PrometheusPods } from './prometheus-pods.ts';
import { webDeployment, webSla } from './web-service.ts';
import { Workload } from './workload.ts';

const NS = 'default';
const NODE = 'node-1';
const METRIC = 'http_request_duration_seconds';
const version = prometheusVersion();
if (!version) {
  const what = 'no prometheus binary on the PATH: the Prometheus-source integration tests are skipped';
  if (process.env['CI']) throw new Error(`${what}; CI must run .ci/install-prometheus first`);
  console.warn(`${what} (install it with: bash .ci/install-prometheus)`);
}

describe.skipIf(!version)(`SLA response time from a real Prometheus (${version ?? 'missing'})`, () => {
  let api: ApiServer;
  let clients: ReturnType<typeof kubeClients>;
  let workload: Workload;
  let pods: PrometheusPods;
  let discovery: PodDiscovery;
  let frozen: Server;
  let silent: Server;
  let prometheus: RunningPrometheus;
  let pair: HubAgentPair;
  const crd = { group: GROUP, version: VERSION, namespace: NS };

  const readSla = async () =>
    (await clients.custom.getNamespacedCustomObject({
      ...crd,
      plural: SLA_PLURAL,
      name: 'web',
    })) as ServiceLevelAgreement;
  const metricsCondition = async () =>
    (await readSla()).status?.conditions?.find((c) => c.type === 'MetricsAvailable');
  const podScales = async () =>
    (
      (await clients.custom.listNamespacedCustomObject({ ...crd, plural: PODSCALE_PLURAL })) as {
        items: PodScale[];
      }
    ).items;
  const desiredCpu = async () => (await podScales()).map((p) => parseCpuMilli(p.spec.desired.cpu ?? '0'));
  const enactedCpu = async () =>
    (await clients.core.listNamespacedPod({ namespace: NS, labelSelector: 'app=web' })).items
      .filter((p) => p.status?.phase === 'Running')
      .map((p) => parseCpuMilli(p.status?.containerStatuses?.[0]?.resources?.requests?.['cpu'] ?? '0'));
  /** The SLA's working source with `over` applied (null removes a field: a merge patch). */
  const setSource = (over: Record<string, unknown>) =>
    clients.custom.patchNamespacedCustomObject(
      {
        ...crd,
        plural: SLA_PLURAL,
        name: 'web',
        body: {
          spec: {
            metrics: {
              prometheus: {
                url: prometheus.url,
                labelMatchers: 'job="pods"',
                query: null,
                requestRateQuery: null,
                timeout: '1s',
                ...over,
              },
            },
          },
        },
      },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    );
  const failures = async (reason: string) => {
    const m = await pair.hub.metrics.registry
      .getSingleMetric('kosmos_hub_prometheus_query_failures_total')
      ?.get();
    return m?.values.find((v) => v.labels['reason'] === reason)?.value ?? 0;
  };

  beforeAll(async () => {
    let n = 0;
    api = await startApiServer({
      crdDir: 'deploy/crds',
      nodes: [{ name: NODE, cpu: '8', memory: '16Gi' }],
      podStartDelayMs: 5,
      resizeDelayMs: 10,
      // Each pod on its own loopback address, as pod IPs are.
      podIp: () => `127.43.0.${++n}`,
    });
    clients = kubeClients(api.kubeConfig());
    await clients.apps.createNamespacedDeployment({ namespace: NS, body: webDeployment(1) });
    workload = new Workload(api);
    workload.totalRps = 10;
    const port = await freePort();
    pods = new PrometheusPods(api, workload, port);
    pods.start();
    discovery = await startPodDiscovery({ core: clients.core, labelSelector: 'app=web', port });
    // A federation endpoint that stopped: the pods' counters with a timestamp frozen 30 s ago.
    silent = await silentServer();
    frozen = await frozenFederation(() => pods.names(), Date.now() - 30_000);
    pair = await startHubAndAgent(api, workload, NODE);
    prometheus = await startPrometheus({
      scrapeInterval: '1s',
      scrapeConfigs: [
        { job_name: 'pods', http_sd_configs: [{ url: discovery.url, refresh_interval: '1s' }] },
        {
          job_name: 'federate',
          honor_labels: true,
          static_configs: [{ targets: [`127.0.0.1:${(frozen.address() as { port: number }).port}`] }],
        },
        // The hub's PodMetrics/ServiceMetrics carry the namespace and pod they describe: honor_labels.
        {
          job_name: 'kosmos-hub',
          honor_labels: true,
          static_configs: [{ targets: [`127.0.0.1:${pair.hub.metricsPort}`] }],
        },
      ],
    });
    await clients.custom.createNamespacedCustomObject({
      ...crd,
      plural: SLA_PLURAL,
      body: {
        ...webSla({ maxCpu: '2', maxReplicas: 1, policy: { mode: 'Auto' } }),
        spec: {
          ...webSla({ maxCpu: '2', maxReplicas: 1, policy: { mode: 'Auto' } }).spec,
          metrics: {
            prometheus: {
              url: prometheus.url,
              metric: METRIC,
              labelMatchers: 'job="pods"',
              scrapeInterval: '1s',
              window: '3s',
              timeout: '1s',
            },
          },
        },
      },
    });
  }, 30_000);

  afterAll(async () => {
    await pair?.stop();
    await prometheus?.stop();
    await discovery?.close();
    for (const server of [frozen, silent]) {
      if (server) await new Promise((r) => server.close(r));
    }
    await pods?.stop();
    await api?.stop();
  });

  it('a step load raises the enacted CPU and the objective is met again, from Prometheus’s numbers', async () => {
    await waitFor(
      'MetricsAvailable=True on the SLA and its PodScale',
      async () =>
        (await metricsCondition())?.status === 'True' &&
        (await podScales()).every((p) =>
          p.status?.conditions?.some((c) => c.type === 'MetricsAvailable' && c.status === 'True'),
        ),
      15_000,
    );
    const before = Math.max(...(await enactedCpu()));
    workload.totalRps = 60; // 200m serves 20/s: overloaded until the hub grows it past ~750m
    await waitFor(
      'enacted CPU raised for the step and p95 back within 200ms',
      async () => {
        const sla = await readSla();
        const observed = parseDurationSeconds(sla.status?.observedResponseTime ?? '');
        const enacted = Math.max(...(await enactedCpu()));
        return enacted > Math.max(before, 700) && observed !== undefined && observed <= 0.2
          ? true
          : undefined;
      },
      25_000,
    );
  }, 40_000);

  it('each way Prometheus fails sets MetricsAvailable=False with its reason, an Event and the metric, and the pods are held', async () => {
    const closedPort = await freePort();
    const rtWithoutInf =
      'histogram_quantile($quantile, sum by (le, pod) (rate(' +
      `${METRIC}_bucket{namespace="$namespace",pod=~"$pods",job="pods",le!="+Inf"}[$window])))`;
    const federated = 'namespace="$namespace",pod=~"$pods",job="federate"';
    const modes: Array<[string, Record<string, unknown>]> = [
      ['PrometheusNoData', { labelMatchers: 'job="no-such-job"' }],
      ['PrometheusUnreachable', { url: `http://127.0.0.1:${closedPort}` }],
      [
        'PrometheusTimeout',
        { url: `http://127.0.0.1:${(silent.address() as { port: number }).port}`, timeout: '300ms' },
      ],
      ['PrometheusStale', { labelMatchers: 'job="federate"' }],
      ['PrometheusNotANumber', { query: rtWithoutInf }],
      [
        'PrometheusTooManySeries',
        { requestRateQuery: `rate(${METRIC}_bucket{namespace="$namespace",pod=~"$pods"}[$window])` },
      ],
      // Raw queries are checked too, through the selectors they read.
      [
        'PrometheusStale',
        {
          query: `histogram_quantile($quantile, sum by (le, pod) (rate(${METRIC}_bucket{${federated}}[$window])))`,
          requestRateQuery: `sum by (pod) (rate(${METRIC}_count{${federated}}[$window]))`,
        },
      ],
    ];
    let held: number[] | undefined;
    for (const [reason, over] of modes) {
      await setSource(over);
      const c = await waitFor(
        `MetricsAvailable=False ${reason}`,
        async () => {
          const c = await metricsCondition();
          return c?.status === 'False' && c.reason === reason ? c : undefined;
        },
        10_000,
      );
      expect(c.message).toContain('allocations held');
      await waitFor(`a Warning Event ${reason}`, async () =>
        (await clients.events.listNamespacedEvent({ namespace: NS })).items.some(
          (e) => e.reason === reason && e.type === 'Warning' && e.regarding?.kind === 'ServiceLevelAgreement',
        ),
      );
      expect(await failures(reason)).toBeGreaterThan(0);
      await waitFor(`PodScale MetricsAvailable=False ${reason}`, async () =>
        (await podScales()).every((p) =>
          p.status?.conditions?.some(
            (c) => c.type === 'MetricsAvailable' && c.status === 'False' && c.reason === reason,
          ),
        ),
      );
      if (!held) {
        // The load falls to a sixth while the signal is lost: with a signal the law would shrink the pod.
        held = await desiredCpu();
        workload.totalRps = 10;
      }
      for (let i = 0; i < 3; i++) await pair.hub.runOnce();
      expect(await desiredCpu(), `held during ${reason}`).toEqual(held);
    }
    await setSource({});
    await waitFor(
      'MetricsAvailable=True again',
      async () => (await metricsCondition())?.status === 'True',
      10_000,
    );
    // The law has its signal again: the pods' rate is Prometheus's (the load is 10/s now).
    await waitFor('the pods signal Prometheus’s rate again', () => {
      const view = pair.hub.board.services().find((v) => v.sla.name === 'web');
      const rates = view?.pods.map((p) => Number(p.requestRate)) ?? [];
      return rates.length > 0 && rates.every((r) => r > 5 && r < 15);
    });
  }, 60_000);

  it('the prometheus-adapter rules, run on Prometheus, give the PodMetrics and ServiceMetrics the hub reports', async () => {
    // What the hub exported over the last 3 s (Prometheus holds the value of its last scrape).
    const history: Array<Map<string, number>> = [];
    const snapshot = async () => {
      const m = new Map<string, number>();
      for (const metric of await pair.hub.metrics.registry.getMetricsAsJSON()) {
        for (const v of metric.values) {
          const l = v.labels as Record<string, string>;
          const object = metric.name.startsWith('kosmos_pod_') ? l['pod'] : l['sla'];
          if (l['namespace'] && object) m.set(`${metric.name}|${l['namespace']}|${object}`, v.value);
        }
      }
      history.push(m);
      if (history.length > 30) history.shift();
    };
    const sampler = setInterval(() => void snapshot(), 100);
    try {
      const rules = loadAdapterRules();
      const podNames = pods.names();
      const asked: Array<{
        rule: AdapterRule;
        resource: string;
        names: string[];
        object: (l: Record<string, string>) => string;
      }> = [
        { rule: rules[0]!, resource: 'pod', names: podNames, object: (l) => l['pod']! },
        { rule: rules[1]!, resource: 'servicelevelagreements', names: ['web'], object: (l) => l['sla']! },
        { rule: rules[2]!, resource: 'deployments', names: ['web'], object: (l) => l['sla']! },
      ];
      let compared = 0;
      for (const { rule, resource, names, object } of asked) {
        const found = await waitFor(`series of ${rule.seriesQuery}`, async () => {
          const series = await promSeries(prometheus.url, rule.seriesQuery);
          return series.length > 0 ? series : undefined;
        });
        const seriesNames = [...new Set(found.map((s) => s['__name__']!))];
        // The SLA label of each object asked about (for the Deployment rule: the SLA targeting it).
        const slaOf = new Map(found.map((s) => [s[labelFor(rule, resource)]!, object(s)]));
        for (const series of seriesNames) {
          expect(metricName(rule, series), `${series} is exposed under its own name`).toBe(series);
          const query = expandMetricsQuery(rule, series, NS, resource, names);
          await waitFor(`${series} for ${resource} ${names.join(',')} equals the hub's`, async () => {
            const got = await promQuery(prometheus.url, query);
            if (got.length !== names.length) return undefined;
            return got.every(({ metric, value }) => {
              const name = metric[labelFor(rule, resource)]!;
              const key = `${series}|${NS}|${resource === 'pod' ? name : slaOf.get(name)}`;
              return history.some((h) => h.get(key) === Number(value));
            });
          });
          compared++;
        }
      }
      expect(compared).toBeGreaterThan(15);
    } finally {
      clearInterval(sampler);
    }
  }, 30_000);
});

async function promSeries(url: string, match: string): Promise<Array<Record<string, string>>> {
  const res = await fetch(`${url}/api/v1/series?${new URLSearchParams({ 'match[]': match })}`);
  return ((await res.json()) as { data: Array<Record<string, string>> }).data;
}

async function promQuery(
  url: string,
  query: string,
): Promise<Array<{ metric: Record<string, string>; value: string }>> {
  const res = await fetch(`${url}/api/v1/query`, { method: 'POST', body: new URLSearchParams({ query }) });
  const body = (await res.json()) as {
    data: { result: Array<{ metric: Record<string, string>; value: [number, string] }> };
  };
  return body.data.result.map((r) => ({ metric: r.metric, value: r.value[1] }));
}

/** A scrape target serving each pod's request counter with a fixed, old timestamp (honor_labels). */
async function frozenFederation(names: () => string[], atMs: number): Promise<Server> {
  const server = createHttpServer((_req, res) => {
    res.shouldKeepAlive = false;
    const lines = names().map((pod) => `${METRIC}_count{namespace="${NS}",pod="${pod}"} 100 ${atMs}`);
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(`${lines.join('\n')}\n`);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return server;
}

/** A server that accepts connections and never answers (a Prometheus stuck on a heavy query). */
async function silentServer(): Promise<Server> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  const close = server.close.bind(server);
  server.close = (cb) => {
    for (const socket of sockets) socket.destroy();
    return close(cb);
  };
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return server;
}
