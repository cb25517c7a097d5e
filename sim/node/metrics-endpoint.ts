// The simulated pods' own Prometheus endpoints: one node:http server per pod on loopback serving a
// prom-client `http_request_duration_seconds` histogram fed by the simulation in cheap batches.
//
// Addressing: a pod may get its own loopback IP (127.42.x.y, all of 127/8 reaches `lo` on Linux)
// and listen on the SLA's scrape port, exactly like a pod IP + container port; or share 127.0.0.1
// on a dynamic port, which `portFor(podUid)` tells (the pod then must advertise that port).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Histogram, type MetricObjectWithValues, type MetricValueWithName, Registry } from 'prom-client';

export const REQUEST_DURATION_METRIC = 'http_request_duration_seconds';
export const REQUEST_DURATION_BUCKETS_SECONDS: readonly number[] = [
  0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.75, 1, 1.5, 2, 2.5, 5, 10,
];

/**
 * Requests that finished in a step: each duration in seconds; or a count and sum with the
 * distribution as a CDF (seconds → probability) or as per-bucket counts (one per bucket bound,
 * then one for +Inf).
 */
export type RequestBatch =
  | readonly number[]
  | { count: number; sumSeconds: number; cdf: (seconds: number) => number }
  | { count: number; sumSeconds: number; bucketCounts: readonly number[] };

const HELP = 'Duration of HTTP requests in seconds.';

const isDurations = (batch: RequestBatch): batch is readonly number[] => Array.isArray(batch);

/** A histogram whose buckets are filled by whole batches; exported through prom-client's registry. */
class BatchHistogram extends Histogram<string> {
  readonly perBucket = new Float64Array(REQUEST_DURATION_BUCKETS_SECONDS.length + 1);
  total = 0;
  sumSeconds = 0;

  constructor(registry: Registry) {
    super({
      name: REQUEST_DURATION_METRIC,
      help: HELP,
      buckets: [...REQUEST_DURATION_BUCKETS_SECONDS],
      registers: [registry],
    });
  }

  add(batch: RequestBatch): void {
    const bounds = REQUEST_DURATION_BUCKETS_SECONDS;
    if (isDurations(batch)) {
      for (const seconds of batch) {
        let index = bounds.findIndex((le) => seconds <= le);
        if (index < 0) index = bounds.length;
        this.perBucket[index] = (this.perBucket[index] as number) + 1;
        this.sumSeconds += seconds;
      }
      this.total += batch.length;
      return;
    }
    const { count, sumSeconds } = batch;
    if (!Number.isInteger(count) || count < 0)
      throw new RangeError(`request count must be a whole number: ${count}`);
    const perBucket = 'bucketCounts' in batch ? [...batch.bucketCounts] : countsFromCdf(batch.cdf, count);
    if (perBucket.length !== bounds.length + 1 || perBucket.reduce((a, b) => a + b, 0) !== count) {
      throw new RangeError(`bucket counts must be ${bounds.length + 1} numbers adding up to ${count}`);
    }
    perBucket.forEach((n, i) => {
      this.perBucket[i] = (this.perBucket[i] as number) + n;
    });
    this.total += count;
    this.sumSeconds += sumSeconds;
  }

  override async get(): Promise<MetricObjectWithValues<MetricValueWithName<string>>> {
    const name = REQUEST_DURATION_METRIC;
    const values: MetricValueWithName<string>[] = [];
    let cumulative = 0;
    REQUEST_DURATION_BUCKETS_SECONDS.forEach((le, i) => {
      cumulative += this.perBucket[i] as number;
      values.push({ metricName: `${name}_bucket`, labels: { le }, value: cumulative });
    });
    values.push({ metricName: `${name}_bucket`, labels: { le: '+Inf' }, value: this.total });
    values.push({ metricName: `${name}_sum`, labels: {}, value: this.sumSeconds });
    values.push({ metricName: `${name}_count`, labels: {}, value: this.total });
    // prom-client types this plain data with a declared enum and a collect callback it never reads
    const data = { name, help: HELP, type: 'histogram', values, aggregator: 'sum' };
    return data as unknown as MetricObjectWithValues<MetricValueWithName<string>>;
  }

  /** The registry prefers this over get() for text output. */
  getForPromString(): Promise<MetricObjectWithValues<MetricValueWithName<string>>> {
    return this.get();
  }
}

/** Whole requests per bucket from a CDF, rounding the cumulative counts so they add up exactly. */
export function countsFromCdf(cdf: (seconds: number) => number, count: number): number[] {
  const counts: number[] = [];
  let previous = 0;
  for (const le of REQUEST_DURATION_BUCKETS_SECONDS) {
    const cumulative = Math.min(count, Math.max(previous, Math.round(count * cdf(le))));
    counts.push(cumulative - previous);
    previous = cumulative;
  }
  counts.push(count - previous);
  return counts;
}

/** The n-th pod's own loopback address, 127.42.0.1 onwards (never .0 or .255). */
export function loopbackAddress(n: number): string {
  return `127.42.${Math.floor(n / 254) % 256}.${1 + (n % 254)}`;
}

export interface PodEndpoint {
  ip: string;
  port: number;
}

export interface MetricsEndpoints {
  /** Starts the pod's server (idempotent): on `ip` (default 127.0.0.1) and `port` (default dynamic). */
  addPod(podUid: string, listen?: { ip?: string; port?: number }): Promise<PodEndpoint>;
  endpointFor(podUid: string): PodEndpoint | undefined;
  portFor(podUid: string): number | undefined;
  observe(podUid: string, batch: RequestBatch): void;
  removePod(podUid: string): Promise<void>;
  close(): Promise<void>;
}

interface PodServer {
  server: Server;
  histogram: BatchHistogram;
  endpoint: PodEndpoint;
}

export function createMetricsEndpoints(options: { path?: string } = {}): MetricsEndpoints {
  const metricsPath = options.path ?? '/metrics';
  const pods = new Map<string, PodServer>();
  const starting = new Map<string, Promise<PodEndpoint>>();

  async function start(podUid: string, listen: { ip?: string; port?: number }): Promise<PodEndpoint> {
    const registry = new Registry();
    const histogram = new BatchHistogram(registry);
    const server = createServer((req, res) => {
      if (req.method !== 'GET' || req.url?.split('?')[0] !== metricsPath) {
        res.writeHead(404).end('not found\n');
        return;
      }
      registry.metrics().then(
        (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text),
        (err: Error) => res.writeHead(500).end(`${err.message}\n`),
      );
    });
    server.keepAliveTimeout = 30_000;
    const ip = listen.ip ?? '127.0.0.1';
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(listen.port ?? 0, ip, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const endpoint = { ip, port: (server.address() as AddressInfo).port };
    pods.set(podUid, { server, histogram, endpoint });
    return endpoint;
  }

  async function stop(pod: PodServer): Promise<void> {
    pod.server.closeAllConnections();
    await new Promise<void>((resolve) => pod.server.close(() => resolve()));
  }

  return {
    addPod(podUid, listen = {}) {
      const existing = pods.get(podUid);
      if (existing) return Promise.resolve(existing.endpoint);
      let pending = starting.get(podUid);
      if (!pending) {
        pending = start(podUid, listen).finally(() => starting.delete(podUid));
        starting.set(podUid, pending);
      }
      return pending;
    },
    endpointFor: (podUid) => pods.get(podUid)?.endpoint,
    portFor: (podUid) => pods.get(podUid)?.endpoint.port,
    observe(podUid, batch) {
      const pod = pods.get(podUid);
      if (!pod) throw new Error(`no metrics endpoint for pod ${podUid}: call addPod first`);
      pod.histogram.add(batch);
    },
    async removePod(podUid) {
      const pod = pods.get(podUid);
      if (!pod) return;
      pods.delete(podUid);
      await stop(pod);
    },
    async close() {
      const all = [...pods.values()];
      pods.clear();
      await Promise.all(all.map(stop));
    },
  };
}
