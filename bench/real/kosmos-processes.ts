// kosmos as it runs in a cluster, for the real-process benchmark: the hub and one agent per node as
// separate processes over real gRPC, each agent reading its node's real cgroups and scraping the
// real pods; their CPU and peak RSS measured from /proc.
import { join } from 'node:path';
import { ProcessGroup, waitForPort } from '../../sim/demo/processes.ts';
import { freePort } from '../../sim/load/haproxy.ts';
import type { RealCluster } from '../../sim/node/real/real-cluster.ts';
import { processCpuSeconds, processRssBytes } from '../speed/proc-stats.ts';
import type { ProcessFootprint } from './testbed.ts';

const root = new URL('../../', import.meta.url).pathname;

export interface KosmosProcesses {
  statusPort: number;
  /** The hub's Prometheus endpoint (its view of every pod, read by hub-view.ts). */
  metricsPort: number;
  /** Starts measuring; sample() every second for the peak RSS; result() at the end. */
  footprint(): { sample(): void; result(): Promise<ProcessFootprint[]> };
  stop(): Promise<void>;
}

export async function startKosmosProcesses(
  cluster: RealCluster,
  nodes: string[],
  logDir: string,
  /** Further flags for the hub and for each agent (an A/B run of a setting). */
  extra: { hub?: string[]; agent?: string[] } = {},
): Promise<KosmosProcesses> {
  const group = new ProcessGroup(logDir, () => undefined);
  const [grpcPort, statusPort, metricsPort] = [await freePort(), await freePort(), await freePort()];
  const kube = ['--kube-server', cluster.api.url, '--bind-address', '127.0.0.1'];
  const children = [
    group.start({
      name: 'hub',
      script: join(root, 'hub/src/main.ts'),
      args: [
        ...kube,
        '--grpc-port',
        String(grpcPort),
        '--status-port',
        String(statusPort),
        '--metrics-port',
        String(metricsPort),
        '--agent-auth',
        'insecure-none',
        ...(extra.hub ?? []),
      ],
    }),
    ...nodes.map((node) =>
      group.start({
        name: `agent-${node}`,
        script: join(root, 'agent/src/main.ts'),
        args: [
          ...kube,
          '--node-name',
          node,
          '--hub-address',
          `127.0.0.1:${grpcPort}`,
          '--health-port',
          '0',
          ...cluster.agentCgroupFlags(node),
          ...(extra.agent ?? []),
        ],
      }),
    ),
  ];
  // a gRPC client dialling a port nobody listens on yet backs off for up to minutes: wait for the hub
  await waitForPort(statusPort, 120_000, 'the hub (see hub.log)');
  return {
    statusPort,
    metricsPort,
    footprint() {
      const startedAt = performance.now();
      const cpu = (pid: number | undefined) => processCpuSeconds(pid ?? -1).catch(() => Number.NaN);
      const atStart = Promise.all(children.map((c) => cpu(c.process.pid)));
      const maxRss = children.map(() => 0);
      let last = atStart;
      return {
        sample() {
          last = Promise.all(children.map((c) => cpu(c.process.pid)));
          children.forEach((c, i) => {
            void processRssBytes(c.process.pid ?? -1).then(
              (rss) => {
                maxRss[i] = Math.max(maxRss[i]!, rss);
              },
              () => undefined,
            );
          });
        },
        async result() {
          const seconds = (performance.now() - startedAt) / 1000;
          const [a, b] = [await atStart, await last];
          return children.map((c, i) => ({
            name: c.name,
            cpuPercentOfCore: (100 * (b[i]! - a[i]!)) / seconds,
            maxRssMiB: maxRss[i]! / 1024 / 1024,
          }));
        },
      };
    },
    stop: () => group.stopAll(),
  };
}
