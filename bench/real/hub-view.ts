// What the hub believed, second by second, for the real-process benchmark: its own Prometheus
// gauges (the response time and rate the agents scraped and reported, each pod's usage, desired,
// enacted and capped CPU, its balancer weight, the replicas it decided), read from its /metrics
// endpoint, so a run's client-side figures can be set beside the hub's view of the same seconds.
import { parseSamples, type Sample } from '../../agent/src/metrics/prom-text.ts';

export interface HubPodView {
  pod: string;
  /** The SLA statistic the agent scraped over the pod's last window, ms (NaN before any). */
  rtMs: number;
  requestRate: number;
  usageMilli: number;
  desiredMilli: number;
  enactedMilli: number;
  cappedMilli: number;
  weight: number;
}

export interface HubView {
  /** The service's statistic as the hub aggregates it (per-pod values weighted by requests), ms. */
  serviceRtMs: number;
  serviceRate: number;
  desiredReplicas: number;
  pods: HubPodView[];
}

const PREFIX = 'kosmos_pod_';
const POD_FIELDS: Record<string, keyof Omit<HubPodView, 'pod'>> = {
  response_time_seconds: 'rtMs',
  request_rate: 'requestRate',
  cpu_usage_millicores: 'usageMilli',
  cpu_desired_millicores: 'desiredMilli',
  cpu_enacted_millicores: 'enactedMilli',
  cpu_capped_millicores: 'cappedMilli',
  lb_weight: 'weight',
};

/** Pure: the hub's exposition → its view of one SLA's service and pods. */
export function hubViewOf(samples: readonly Sample[], sla: string): HubView {
  const pods = new Map<string, HubPodView>();
  const service = new Map<string, number>();
  for (const s of samples) {
    if (s.labels['sla'] !== sla) continue;
    if (s.name.startsWith('kosmos_service_')) {
      service.set(s.name.slice('kosmos_service_'.length), s.value);
      continue;
    }
    const field = s.name.startsWith(PREFIX) ? POD_FIELDS[s.name.slice(PREFIX.length)] : undefined;
    const name = s.labels['pod'];
    if (!field || !name) continue;
    let pod = pods.get(name);
    if (!pod) {
      pod = {
        pod: name,
        rtMs: Number.NaN,
        requestRate: 0,
        usageMilli: 0,
        desiredMilli: 0,
        enactedMilli: 0,
        cappedMilli: 0,
        weight: 0,
      };
      pods.set(name, pod);
    }
    pod[field] = field === 'rtMs' ? s.value * 1000 : s.value;
  }
  const rt = service.get('response_time_seconds');
  return {
    serviceRtMs: rt === undefined ? Number.NaN : rt * 1000,
    serviceRate: service.get('request_rate') ?? 0,
    desiredReplicas: service.get('desired_replicas') ?? 0,
    pods: [...pods.values()].sort((a, b) => a.pod.localeCompare(b.pod)),
  };
}

/** Reads the hub's /metrics; undefined when it does not answer (a second without a view). */
export async function readHubView(metricsPort: number, sla: string): Promise<HubView | undefined> {
  try {
    const res = await fetch(`http://127.0.0.1:${metricsPort}/metrics`, { signal: AbortSignal.timeout(800) });
    if (!res.ok) return undefined;
    return hubViewOf(parseSamples(await res.text()), sla);
  } catch {
    return undefined;
  }
}
