// Start-up wiring of the agent: kube clients, pod source, cgroup reader, hub link, actuator,
// metrics and health server around one Agent loop. main.ts and the integration tests call it.
import { cpus, totalmem } from 'node:os';
import { CoreV1Api, CustomObjectsApi, EventsV1Api, type KubeConfig } from '@kubernetes/client-node';
import { apiDeadlineOptions, withApiDeadlines } from '../../lib/api-deadline.ts';
import type { BackoffOptions } from '../../lib/backoff.ts';
import { kubeConfigFor } from '../../lib/kube.ts';
import type { Logger } from '../../lib/log.ts';
import { kubeTargetOf } from '../../lib/process-options.ts';
import { TokenBucket } from '../../lib/rate-limit.ts';
import { channelTlsCredentials } from '../../lib/tls.ts';
import { KubePodEventWriter } from './actuator/metrics-events.ts';
import { KubePodScaleStatusWriter } from './actuator/podscale-status.ts';
import { KubeResizer } from './actuator/resizer.ts';
import { Agent } from './agent.ts';
import { detectCgroupLayout } from './cgroup/layout-detect.ts';
import { createCgroupReader } from './cgroup/reader.ts';
import type { AgentConfig } from './config.ts';
import type { MetricsScraper, UsageReader, UsageResult, UsageTarget } from './edges.ts';
import { AgentMetrics } from './health/agent-metrics.ts';
import { type HealthServer, startHealthServer } from './health/health-server.ts';
import { GrpcHubLink } from './hublink/grpc-hub-link.ts';
import { type HubLink, StandaloneHubLink } from './hublink/hub-link.ts';
import { createMetricsScraper, scrapeTiming } from './metrics/metrics-scraper.ts';
import { DEFAULT_SCRAPE_TIMEOUT_MS } from './metrics/scraper.ts';
import { KubePodSource } from './pods/pod-source.ts';

export const AGENT_VERSION = '0.1.0';

export interface StartOptions {
  log: Logger;
  /** Replaces the edges built from the config (tests). */
  scraper?: MetricsScraper;
  usageReader?: UsageReader;
  hubBackoff?: BackoffOptions;
  nodeRefreshMs?: number;
}

export interface RunningAgent {
  agent: Agent;
  metrics: AgentMetrics;
  hub: HubLink;
  health: HealthServer;
  stop(): Promise<void>;
}

/**
 * A UsageReader that detects the cgroup layout when first needed and again after a failure
 * (a node whose kubepods tree appears late is normal), reporting usage invalid meanwhile.
 */
export function lazyCgroupReader(
  root: string,
  log: Logger,
  retryMs = 30_000,
  kubeletCgroupRoot?: string,
): UsageReader {
  let reader: UsageReader | undefined;
  let failedAt = -Infinity;
  let lastError = '';
  return {
    async sample(targets: readonly UsageTarget[], nowMs: number): Promise<UsageResult[]> {
      if (!reader && nowMs - failedAt >= retryMs) {
        try {
          const layout = await detectCgroupLayout({ root, cgroupRoot: kubeletCgroupRoot });
          log.info(
            { root, version: layout.version, driver: layout.driver, kubepods: layout.kubepodsDir },
            'cgroup layout',
          );
          reader = createCgroupReader({ layout, logger: log });
        } catch (err) {
          failedAt = nowMs;
          lastError = (err as Error).message;
          log.warn({ err, root }, 'cgroup layout not found; usage is reported invalid until it is');
        }
      }
      if (!reader) return targets.map((t) => ({ key: t.key, status: 'skipped', reason: lastError }));
      return reader.sample(targets, nowMs);
    },
  };
}

/**
 * Scrapes each pod's cumulative histogram beside the tick (metrics-scraper.ts): a tick waits for its
 * scrapes at most a quarter of its period, windows shorter than half the period are pooled into the next.
 */
export function windowedScraper(
  log: Logger,
  options: {
    tickMs?: number;
    timeoutMs?: number;
    metrics?: AgentMetrics;
    now?: () => number;
    /** Replaces the tick's wait for its scrapes (default a quarter of the tick). */
    waitMs?: number;
  } = {},
): MetricsScraper {
  const tickMs = options.tickMs ?? 1000;
  const timeoutMs = options.timeoutMs ?? DEFAULT_SCRAPE_TIMEOUT_MS;
  const metrics = options.metrics;
  const timing = scrapeTiming(tickMs, timeoutMs);
  return createMetricsScraper({
    logger: log,
    timeoutMs,
    waitMs: options.waitMs ?? timing.waitMs,
    minWindowSeconds: timing.minWindowSeconds,
    ...(options.now ? { now: options.now } : {}),
    ...(metrics ? { onFailure: (reason) => metrics.scrapeFailures.inc({ reason }) } : {}),
  });
}

/** The host's own view (logical CPUs and memory), to sanity-check the Node's allocatable. */
function hostCapacity(): { cpuMilli: number; memoryBytes: number } {
  return { cpuMilli: cpus().length * 1000, memoryBytes: totalmem() };
}

/** The kube client config of the --kube-* / --in-cluster flags (lib/kube.ts kubeConfigFor). */
export function agentKubeConfig(config: AgentConfig): KubeConfig {
  return kubeConfigFor(kubeTargetOf(config));
}

export async function startAgent(config: AgentConfig, options: StartOptions): Promise<RunningAgent> {
  const log = options.log.child({ component: 'agent', node: config.nodeName });
  const metrics = new AgentMetrics();
  const kc = withApiDeadlines(
    agentKubeConfig(config),
    apiDeadlineOptions(config, log.child({ component: 'kube' }), (call, reason) =>
      metrics.apiCallFailures.inc({ verb: call.verb, resource: call.resource, reason }),
    ),
  );
  const podSource = new KubePodSource({
    kc,
    nodeName: config.nodeName,
    log: log.child({ component: 'pods' }),
    podScaleNodeFieldSelector: config.podScaleNodeFieldSelector,
    ...(options.nodeRefreshMs ? { nodeRefreshMs: options.nodeRefreshMs } : {}),
  });
  const hubLog = log.child({ component: 'hublink' });
  if (!config.standalone && config.hubTokenFile && !config.hubCaFile) {
    // Only reachable with --allow-plaintext-token (parseAgentConfig refuses it otherwise).
    hubLog.warn(
      { hub: config.hubAddress },
      'the identity token goes to the hub in plaintext (--allow-plaintext-token): serve the hub with --tls-cert-file/--tls-key-file and give the agent --hub-ca-file',
    );
  }
  const hub: HubLink = config.standalone
    ? new StandaloneHubLink((report) => hubLog.info({ report }, 'node report (standalone)'))
    : new GrpcHubLink({
        address: config.hubAddress,
        nodeName: config.nodeName,
        agentVersion: AGENT_VERSION,
        ...(config.hubTokenFile ? { tokenFile: config.hubTokenFile } : {}),
        ...(config.hubCaFile ? { credentials: channelTlsCredentials(config.hubCaFile) } : {}),
        ...(options.hubBackoff ? { backoff: options.hubBackoff } : {}),
        log: hubLog,
        onStateChange: (state) => metrics.setHubState(state),
      });
  metrics.setHubState(hub.state());
  const agent = new Agent({
    nodeName: config.nodeName,
    agentVersion: AGENT_VERSION,
    podSource,
    usageReader:
      options.usageReader ??
      lazyCgroupReader(
        config.cgroupRoot,
        log.child({ component: 'cgroup' }),
        30_000,
        config.kubeletCgroupRoot,
      ),
    scraper:
      options.scraper ??
      windowedScraper(log.child({ component: 'scraper' }), {
        tickMs: config.tickMs,
        timeoutMs: config.scrapeTimeoutMs,
        metrics,
      }),
    hub,
    // only the API groups the agent calls: the bundle leaves the other generated clients out
    resizer: new KubeResizer(kc.makeApiClient(CoreV1Api)),
    statusWriter: new KubePodScaleStatusWriter(kc.makeApiClient(CustomObjectsApi)),
    events: new KubePodEventWriter(kc.makeApiClient(EventsV1Api), config.nodeName),
    limiter: new TokenBucket({ qps: config.writeQps, burst: config.writeBurst }),
    metrics,
    log,
    settings: {
      tickMs: config.tickMs,
      reserve: { cpuMilli: config.reserveCpuMilli, memoryBytes: config.reserveMemoryBytes },
      deadband: {
        percent: config.deadbandPercent,
        cpuMilli: config.deadbandCpuMilli,
        memoryBytes: config.deadbandMemoryBytes,
      },
      // Standalone is report-only: nothing is ever resized because no directive arrives.
      memoryLimitDecrease: config.memoryLimitDecrease,
      directiveWaitMs: config.directiveWaitMs,
      statusMinIntervalMs: config.statusMinIntervalMs,
      resizeRetryMs: { initial: 1000, max: 60_000 },
    },
  });
  const health = await startHealthServer({
    port: config.healthPort,
    host: config.bindAddress,
    registry: metrics.registry,
    health: () => agent.health(),
  });
  log.info(
    {
      healthPort: health.port,
      hub: config.standalone ? 'standalone' : config.hubAddress,
      tickMs: config.tickMs,
    },
    'agent starting',
  );
  await podSource.start();
  const host = hostCapacity();
  const snapshot = await podSource.snapshot();
  const allocatable = snapshot.allocatable;
  if (allocatable && (allocatable.cpuMilli > host.cpuMilli || allocatable.memoryBytes > host.memoryBytes)) {
    log.warn(
      { allocatable, host },
      'Node allocatable exceeds what this host has (simulated node or wrong --node-name?)',
    );
  } else {
    log.info({ allocatable, host }, 'node capacity');
  }
  hub.start();
  agent.start();
  return {
    agent,
    metrics,
    hub,
    health,
    stop: async () => {
      await agent.stop();
      await hub.stop();
      await podSource.stop();
      await health.close();
    },
  };
}
