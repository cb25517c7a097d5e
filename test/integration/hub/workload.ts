// A simulated service for hub+agent tests: the agent's two sensor edges (usage reader, latency
// scraper) answer from an M/M/1 model of each pod at its enacted CPU, fed by a settable request rate.
import type { UsageReader, UsageResult, UsageTarget } from '../../../agent/src/cgroup/reader.ts';
import type { MetricsScraper, ScrapeTarget } from '../../../agent/src/edges.ts';
import { parseCpuMilli } from '../../../lib/quantity.ts';
import type { ApiServer, KObject } from '../../../packages/apiserver/index.ts';
import type { ResponseTimeWindow } from '../../../proto/gen/kosmos/v1/ResponseTimeWindow.ts';

export class Workload {
  /** Requests per second arriving at the whole service, split evenly over its running pods. */
  totalRps = 20;
  /** CPU time one request needs, millicore-seconds (10 = 10 ms of one core). */
  readonly costMilliSeconds = 10;
  readonly #api: ApiServer;
  readonly #lastScrapeMs = new Map<string, number>();

  constructor(api: ApiServer) {
    this.#api = api;
  }

  #pods(): KObject[] {
    return this.#api.api
      .list(this.#api.resource('', 'pods'), { namespace: 'default', labels: [], fields: [] })
      .filter((p) => p.status?.phase === 'Running' && !p.metadata.deletionTimestamp);
  }

  /** The service's running pods, as the API server holds them now. */
  runningPods(): KObject[] {
    return this.#pods();
  }

  /** CPU the kubelet applied to the pod's first container, millicores. */
  enactedCpuMilli(uid: string): number {
    const pod = this.#pods().find((p) => p.metadata.uid === uid);
    const cpu = pod?.status?.containerStatuses?.[0]?.resources?.requests?.cpu;
    return cpu ? parseCpuMilli(cpu) : 0;
  }

  #perPodRps(): number {
    return this.totalRps / Math.max(1, this.#pods().length);
  }

  usageReader(): UsageReader {
    return {
      sample: async (targets: readonly UsageTarget[]): Promise<UsageResult[]> =>
        targets.map((t) => {
          const enacted = this.enactedCpuMilli(t.uid);
          const demand = this.#perPodRps() * this.costMilliSeconds;
          return {
            key: t.key,
            status: 'ok' as const,
            usage: {
              cpuUsageMilli: Math.min(demand, enacted),
              throttledRatio: demand >= enacted ? 0.5 : 0,
              memoryWorkingSetBytes: 64 * 2 ** 20,
              windowSeconds: 0.2,
            },
          };
        }),
    };
  }

  scraper(): MetricsScraper {
    return {
      scrape: async (targets: readonly ScrapeTarget[], nowMs: number) => {
        const out = new Map<string, ResponseTimeWindow>();
        for (const t of targets) {
          const windowSeconds = Math.max(
            0.05,
            (nowMs - (this.#lastScrapeMs.get(t.key) ?? nowMs - 200)) / 1000,
          );
          this.#lastScrapeMs.set(t.key, nowMs);
          const enacted = this.enactedCpuMilli(t.key);
          const lambda = this.#perPodRps();
          const mu = enacted / this.costMilliSeconds; // requests per second at the enacted CPU
          const mean = lambda < mu * 0.98 ? 1 / (mu - lambda) : 5;
          out.set(t.key, {
            requestCount: Math.round(lambda * windowSeconds),
            meanSeconds: mean,
            p50Seconds: mean * 0.69,
            p90Seconds: mean * 2.3,
            p95Seconds: mean * 3,
            p99Seconds: mean * 4.6,
            windowSeconds,
            valid: true,
          });
        }
        return out;
      },
    };
  }
}
