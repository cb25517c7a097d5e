// The hub's Prometheus metrics: the seed's PodMetrics and ServiceMetrics (re-published in full from
// each tick's view, so series of departed pods vanish) and the hub's own loop and API-write counters.
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { ServiceView } from '../status/status-board.ts';

const POD_LABELS = ['namespace', 'pod', 'sla', 'node'] as const;
const SERVICE_LABELS = ['namespace', 'sla', 'target_kind', 'target_name'] as const;

export class HubMetrics {
  readonly registry = new Registry();
  readonly #pod: Record<string, Gauge<(typeof POD_LABELS)[number]>>;
  readonly #service: Record<string, Gauge<(typeof SERVICE_LABELS)[number]>>;
  readonly stepSeconds: Histogram<'step'>;
  readonly decisions: Counter<'kind'>;
  readonly reversals: Counter<'namespace' | 'sla'>;
  readonly urgentReports: Counter;
  readonly apiWrites: Counter<'resource' | 'verb' | 'result'>;
  readonly apiCallFailures: Counter<'verb' | 'resource' | 'reason'>;
  readonly refusedPodReports: Counter<'node' | 'reason'>;
  readonly refusedAgents: Counter<'reason'>;
  readonly leader: Gauge;
  readonly agentsConnected: Gauge;
  readonly prometheusQueries: Counter<'outcome'>;
  readonly prometheusQueryFailures: Counter<'reason'>;

  constructor() {
    const r = this.registry;
    const podGauge = (name: string, help: string) =>
      new Gauge({ name: `kosmos_pod_${name}`, help, labelNames: POD_LABELS, registers: [r] });
    const svcGauge = (name: string, help: string) =>
      new Gauge({ name: `kosmos_service_${name}`, help, labelNames: SERVICE_LABELS, registers: [r] });
    this.#pod = {
      rt: podGauge('response_time_seconds', 'Pod response time in the SLA statistic over the last window'),
      rate: podGauge('request_rate', 'Requests per second the pod finished over the last window'),
      usage: podGauge('cpu_usage_millicores', 'CPU used by the SLA container, millicores'),
      cpuDesired: podGauge('cpu_desired_millicores', 'Planned CPU (PodScale desired), millicores'),
      cpuEnacted: podGauge('cpu_enacted_millicores', 'CPU the kubelet applied, millicores'),
      cpuCapped: podGauge('cpu_capped_millicores', 'Desired CPU that could not be enacted, millicores'),
      memDesired: podGauge('memory_desired_bytes', 'Planned memory, bytes'),
      memEnacted: podGauge('memory_enacted_bytes', 'Memory the kubelet applied, bytes'),
      memCapped: podGauge('memory_capped_bytes', 'Desired memory that could not be enacted, bytes'),
      memWorkingSet: podGauge('memory_working_set_bytes', 'Working set of the SLA container, bytes'),
      weight: podGauge('lb_weight', 'Resource-aware load-balancing weight, 1..256'),
    };
    this.#service = {
      rt: svcGauge('response_time_seconds', 'Service response time: per-pod values weighted by requests'),
      rate: svcGauge('request_rate', 'Service throughput, requests per second'),
      replicas: svcGauge('replicas', 'Current replicas of the target'),
      desiredReplicas: svcGauge('desired_replicas', 'Replicas the hub decided'),
      objective: svcGauge('objective_seconds', 'Response-time objective of the SLA'),
      attainment: svcGauge('slo_attainment_ratio', 'Fraction of recent windows within the objective'),
      podsTracked: svcGauge('pods_tracked', 'Pods with a PodScale'),
    };
    this.stepSeconds = new Histogram({
      name: 'kosmos_hub_loop_step_seconds',
      help: 'Duration of each step of the control loop',
      labelNames: ['step'],
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [r],
    });
    this.decisions = new Counter({
      name: 'kosmos_hub_decisions_total',
      help: 'Scaling decisions made',
      labelNames: ['kind'],
      registers: [r],
    });
    this.reversals = new Counter({
      name: 'kosmos_hub_decision_reversals_total',
      help: 'Times a pod’s desired CPU moved back the other way within 30 s of its previous move (flapping)',
      labelNames: ['namespace', 'sla'],
      registers: [r],
    });
    this.urgentReports = new Counter({
      name: 'kosmos_hub_urgent_reports_total',
      help: 'Node reports that pulled the next control pass forward and were answered from it (a pod over its objective or pegged, no growth planned)',
      registers: [r],
    });
    this.apiWrites = new Counter({
      name: 'kosmos_hub_api_writes_total',
      help: 'Writes to the API server',
      labelNames: ['resource', 'verb', 'result'],
      registers: [r],
    });
    this.apiCallFailures = new Counter({
      name: 'kosmos_hub_api_call_failures_total',
      help: 'Kubernetes API calls that timed out (reason=timeout) or were throttled with 429 (reason=throttled)',
      labelNames: ['verb', 'resource', 'reason'],
      registers: [r],
    });
    this.refusedPodReports = new Counter({
      name: 'kosmos_hub_refused_pod_reports_total',
      help: 'Pod reports refused because the pod is not on the reporting node',
      labelNames: ['node', 'reason'],
      registers: [r],
    });
    this.refusedAgents = new Counter({
      name: 'kosmos_hub_refused_agents_total',
      help: 'Agent streams refused or closed: bad-hello, unauthenticated, unknown-node, node-taken, report-out-of-bounds, report-for-other-node',
      labelNames: ['reason'],
      registers: [r],
    });
    this.leader = new Gauge({ name: 'kosmos_hub_leader', help: '1 when this replica leads', registers: [r] });
    this.prometheusQueries = new Counter({
      name: 'kosmos_hub_prometheus_queries_total',
      help: 'Queries to Prometheus for SLAs with metrics.prometheus (one per SLA per refresh), by outcome',
      labelNames: ['outcome'],
      registers: [r],
    });
    this.prometheusQueryFailures = new Counter({
      name: 'kosmos_hub_prometheus_query_failures_total',
      help: 'Prometheus queries that left pods without a signal, by MetricsAvailable reason (a query counts once per reason)',
      labelNames: ['reason'],
      registers: [r],
    });
    this.agentsConnected = new Gauge({
      name: 'kosmos_hub_agents_connected',
      help: 'Agent streams open on this replica',
      registers: [r],
    });
  }

  /** Replaces every Pod and Service series with the given views. */
  publish(views: readonly ServiceView[]): void {
    for (const g of Object.values(this.#pod)) g.reset();
    for (const g of Object.values(this.#service)) g.reset();
    for (const v of views) {
      const [targetKind = '', targetName = ''] = (v.sla.target ?? '').split('/');
      const sl = {
        namespace: v.sla.namespace ?? '',
        sla: v.sla.name ?? '',
        target_kind: targetKind,
        target_name: targetName,
      };
      const s = this.#service;
      if (v.sla.observedSeconds) s.rt!.set(sl, Number(v.sla.observedSeconds));
      s.rate!.set(sl, Number(v.sla.requestRate ?? 0));
      s.replicas!.set(sl, Number(v.sla.replicas ?? 0));
      s.desiredReplicas!.set(sl, Number(v.sla.desiredReplicas ?? 0));
      s.objective!.set(sl, Number(v.sla.objectiveSeconds ?? 0));
      s.attainment!.set(sl, Number(v.sla.sloAttainment ?? 1));
      s.podsTracked!.set(sl, Number(v.sla.podsTracked ?? 0));
      for (const p of v.pods) {
        const pl = {
          namespace: p.namespace ?? '',
          pod: p.name ?? '',
          sla: v.sla.name ?? '',
          node: p.node ?? '',
        };
        const g = this.#pod;
        if (p.responseTimeSeconds) g.rt!.set(pl, Number(p.responseTimeSeconds));
        g.rate!.set(pl, Number(p.requestRate ?? 0));
        g.usage!.set(pl, Number(p.cpuUsageMilli ?? 0));
        g.cpuDesired!.set(pl, Number(p.desired?.cpuMilli ?? 0));
        g.cpuEnacted!.set(pl, Number(p.enacted?.cpuMilli ?? 0));
        g.cpuCapped!.set(pl, Number(p.capped?.cpuMilli ?? 0));
        g.memDesired!.set(pl, Number(p.desired?.memoryBytes ?? 0));
        g.memEnacted!.set(pl, Number(p.enacted?.memoryBytes ?? 0));
        g.memCapped!.set(pl, Number(p.capped?.memoryBytes ?? 0));
        g.memWorkingSet!.set(pl, Number(p.memoryWorkingSetBytes ?? 0));
        g.weight!.set(pl, Number(p.lbWeight ?? 0));
      }
    }
  }
}
