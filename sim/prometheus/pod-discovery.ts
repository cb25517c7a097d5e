// Service discovery for a Prometheus scraping the embedded cluster: an http_sd endpoint listing the
// running pods that match a label selector as `<pod IP>:<port>` targets labelled `namespace` and
// `pod` — what kubernetes_sd_configs plus the usual relabelling gives (Debian's Prometheus is built
// without kubernetes_sd). Polled by Prometheus at its refresh_interval.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CoreV1Api } from '@kubernetes/client-node';

export interface PodDiscoveryOptions {
  core: CoreV1Api;
  /** Label selector of the pods to scrape, e.g. "app in (web)". */
  labelSelector: string;
  /** Port of each pod's metrics endpoint. */
  port: number;
  /** Extra labels on every target (e.g. a job-level label). */
  labels?: Record<string, string>;
}

export interface PodDiscovery {
  /** The http_sd URL. */
  url: string;
  close(): Promise<void>;
}

interface TargetGroup {
  targets: string[];
  labels: Record<string, string>;
}

export async function startPodDiscovery(options: PodDiscoveryOptions): Promise<PodDiscovery> {
  const groups = async (): Promise<TargetGroup[]> => {
    const list = await options.core.listPodForAllNamespaces({ labelSelector: options.labelSelector });
    return list.items
      .filter((p) => p.status?.phase === 'Running' && p.status.podIP && !p.metadata?.deletionTimestamp)
      .map((p) => ({
        targets: [`${p.status!.podIP}:${options.port}`],
        labels: { ...options.labels, namespace: p.metadata!.namespace!, pod: p.metadata!.name! },
      }));
  };
  const server: Server = createServer((_req, res) => {
    groups().then(
      (body) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body)),
      (err: Error) => res.writeHead(500).end(`${err.message}\n`),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/targets`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
