// Each simulated pod's /metrics endpoint: a real HTTP server on the pod's own loopback address
// (podIP:port), serving its cumulative response-time histogram in Prometheus text format.
import { createServer, type Server } from 'node:http';
import type { HistogramSnapshot } from '../model/histogram.ts';

export interface PodMetricsServers {
  /** Makes the pod's latest histogram the one its endpoint serves (starts the endpoint if new). */
  publish(uid: string, podIp: string, snapshot: HistogramSnapshot): void;
  remove(uid: string): void;
  closeAll(): Promise<void>;
}

export function histogramExposition(metric: string, s: HistogramSnapshot): string {
  const lines = [
    `# HELP ${metric} Time from request arrival to response, seconds.`,
    `# TYPE ${metric} histogram`,
  ];
  for (const b of s.buckets) {
    const le = Number.isFinite(b.le) ? String(b.le) : '+Inf';
    lines.push(`${metric}_bucket{le="${le}"} ${b.count}`);
  }
  lines.push(`${metric}_sum ${s.sumSeconds}`, `${metric}_count ${s.count}`, '');
  return lines.join('\n');
}

export function createPodMetricsServers(options: {
  port: number;
  path: string;
  metric: string;
}): PodMetricsServers {
  const servers = new Map<string, { server: Server; snapshot: HistogramSnapshot }>();
  const start = (uid: string, podIp: string, snapshot: HistogramSnapshot) => {
    const entry = { server: createServer(), snapshot };
    entry.server.on('request', (req, res) => {
      if (req.url !== options.path) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
      res.end(histogramExposition(options.metric, entry.snapshot));
    });
    entry.server.on('error', () => servers.delete(uid));
    entry.server.listen(options.port, podIp);
    servers.set(uid, entry);
  };
  return {
    publish(uid, podIp, snapshot) {
      const entry = servers.get(uid);
      if (entry) entry.snapshot = snapshot;
      else start(uid, podIp, snapshot);
    },
    remove(uid) {
      servers.get(uid)?.server.close();
      servers.delete(uid);
    },
    async closeAll() {
      await Promise.all(
        [...servers.values()].map(
          (e) =>
            new Promise<void>((resolve) => {
              e.server.closeAllConnections();
              e.server.close(() => resolve());
            }),
        ),
      );
      servers.clear();
    },
  };
}
