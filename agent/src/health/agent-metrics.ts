// The agent's Prometheus metrics, in its own registry: ticks, time per loop step (cgroup read
// among them), resize requests by outcome, PodScale status writes, hub connection state.
import { getHeapSpaceStatistics, getHeapStatistics } from 'node:v8';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { HubState } from '../hublink/hub-link.ts';

/** The tick's four steps (observe, plan, enact, publish) and the parts they are timed in. */
export type LoopStep =
  | 'observe'
  | 'plan'
  | 'enact'
  | 'publish'
  | 'read_pods'
  | 'cgroup_read'
  | 'scrape'
  | 'report'
  | 'arbitrate'
  | 'read_back'
  | 'status_write';

export type ResizeOutcome =
  | 'applied'
  | 'deadband'
  | 'unchanged'
  | 'best_effort'
  | 'recommend_only'
  | 'throttled'
  | 'backoff'
  | 'in_flight'
  | 'not_found'
  | 'conflict'
  | 'rejected'
  | 'error';

const HUB_STATES: HubState[] = ['connecting', 'connected', 'disconnected', 'standalone'];

export class AgentMetrics {
  readonly registry = new Registry();
  readonly ticks = new Counter({
    name: 'kosmos_agent_ticks_total',
    help: 'Control loop ticks by outcome (ok, error).',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  readonly stepSeconds = new Histogram({
    name: 'kosmos_agent_step_duration_seconds',
    help: 'Time spent in each step of one tick (cgroup_read is the cgroup read time).',
    labelNames: ['step'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });
  readonly resizeRequests = new Counter({
    name: 'kosmos_agent_resize_requests_total',
    help: 'Resize decisions by outcome (applied = PATCH pods/resize accepted).',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  readonly statusWrites = new Counter({
    name: 'kosmos_agent_podscale_status_writes_total',
    help: 'PodScale status patches by outcome (written, unchanged, coalescing, in_flight, throttled, error).',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  readonly hubState = new Gauge({
    name: 'kosmos_agent_hub_connection_state',
    help: 'Hub connection state: 1 for the current state, 0 for the others.',
    labelNames: ['state'] as const,
    registers: [this.registry],
  });
  readonly hubReconnects = new Counter({
    name: 'kosmos_agent_hub_disconnects_total',
    help: 'Times the hub stream was lost.',
    registers: [this.registry],
  });
  readonly trackedPods = new Gauge({
    name: 'kosmos_agent_tracked_pods',
    help: 'Pods on this node that kosmos tracks.',
    registers: [this.registry],
  });
  readonly cappedPods = new Gauge({
    name: 'kosmos_agent_capped_pods',
    help: 'Tracked pods whose desired allocation is capped, by reason.',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });

  readonly scrapeFailures = new Counter({
    name: 'kosmos_agent_scrape_failures_total',
    help: 'Pod metrics scrapes that failed, by reason (timeout, connection, http_status, bad_payload, not_a_number, too_large).',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });
  readonly podEvents = new Counter({
    name: 'kosmos_agent_events_total',
    help: 'Kubernetes Events the agent created (or failed to), by reason and outcome.',
    labelNames: ['reason', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly apiCallFailures = new Counter({
    name: 'kosmos_agent_api_call_failures_total',
    help: 'Kubernetes API calls that timed out (reason=timeout) or were throttled with 429 (reason=throttled).',
    labelNames: ['verb', 'resource', 'reason'] as const,
    registers: [this.registry],
  });

  /** Read at scrape time only: nothing is sampled between scrapes. */
  readonly memoryBytes = new Gauge({
    name: 'kosmos_agent_memory_bytes',
    help: "The agent process memory by kind: rss (resident, the node binary's mapped pages among it), heap_total and heap_used (V8 heap), external (memory V8 tracks outside its heap: Buffers and the source text of the bundle and of node's own modules), malloced (V8's malloc: compiler and parser zones).",
    labelNames: ['kind'] as const,
    registers: [this.registry],
    collect() {
      const m = process.memoryUsage();
      this.set({ kind: 'rss' }, m.rss);
      this.set({ kind: 'heap_total' }, m.heapTotal);
      this.set({ kind: 'heap_used' }, m.heapUsed);
      this.set({ kind: 'external' }, m.external);
      this.set({ kind: 'malloced' }, getHeapStatistics().malloced_memory);
    },
  });
  readonly heapSpaceBytes = new Gauge({
    name: 'kosmos_agent_heap_space_bytes',
    help: 'Each V8 heap space (new, old, code, large object, ...): size reserved, used by objects and resident (physical).',
    labelNames: ['space', 'kind'] as const,
    registers: [this.registry],
    collect() {
      for (const s of getHeapSpaceStatistics()) {
        if (s.space_size === 0) continue;
        const space = s.space_name.replace(/_space$/, '');
        this.set({ space, kind: 'size' }, s.space_size);
        this.set({ space, kind: 'used' }, s.space_used_size);
        this.set({ space, kind: 'resident' }, s.physical_space_size);
      }
    },
  });

  setHubState(state: HubState): void {
    for (const s of HUB_STATES) this.hubState.set({ state: s }, s === state ? 1 : 0);
    if (state === 'disconnected') this.hubReconnects.inc();
  }

  /** Runs `fn`, recording its duration under `step`. */
  /** Sets the capped-pods gauge: how many pods are capped for each reason. */
  setCapped(caps: Iterable<{ reason: string }>): void {
    const reasons = new Map<string, number>();
    for (const cap of caps) reasons.set(cap.reason, (reasons.get(cap.reason) ?? 0) + 1);
    this.cappedPods.reset();
    for (const [reason, n] of reasons) this.cappedPods.set({ reason }, n);
  }

  async time<T>(step: LoopStep, fn: () => Promise<T> | T): Promise<T> {
    const end = this.stepSeconds.startTimer({ step });
    try {
      return await fn();
    } finally {
      end();
    }
  }
}
