// What an agent measured of one pod and of its node, in domain units: the hub's model stores these,
// converted once from the wire at the agent server's edge (agentserver/report-decode.ts). Pure types.
import type { ResponseTimeSummary } from '../../../lib/api/statistic.ts';
import type { CapReasonName, ResizeStateName } from '../../../lib/api/types.ts';
import type { Resources } from '../recommender/types.ts';

/** The pod's response-time window from the agent's scrape of its metrics endpoint. */
export interface ResponseTimeSample extends ResponseTimeSummary {
  /** Requests finished in the window. */
  requestCount: number;
  /** Between the two scrapes' own timestamps. */
  windowSeconds: number;
  /** False when there is no window this tick (error says why). */
  valid: boolean;
  error: string;
  /** Set while the pod's metrics endpoint fails (ScrapeTimeout, ...); error has the details. */
  failureReason: string;
}

/** One pod's line of a node report. */
export interface PodSample {
  uid: string;
  namespace: string;
  name: string;
  container: string;
  /** "<namespace>/<name>" of the governing SLA. */
  sla: string;
  /** Average CPU rate over the window, millicores. */
  cpuUsageMilli: number;
  /** Throttled CFS periods over the window, 0..1. */
  cpuThrottledRatio: number;
  memoryWorkingSetBytes: number;
  /** Absent when the agent sent no window at all. */
  responseTime?: ResponseTimeSample;
  /** What the kubelet applied; zero CPU means the container has not started yet. */
  enacted: Resources;
  /** The allocation the pod is held to below desired (0 = not capped); capReason says why. */
  capped: Resources;
  capReason: CapReasonName | 'None';
  resizeState: ResizeStateName;
  /** The kubelet's or the resize request's message, when the agent sent one. */
  resizeMessage?: string;
  ready: boolean;
  /** The container's restart count; lastTerminationOom stays true until the next termination. */
  restartCount: number;
  lastTerminationOom: boolean;
  /** False when the cgroup read failed this tick. */
  usageValid: boolean;
}

/** One node report: the node's full snapshot of the pods it tracks. */
export interface NodeSample {
  nodeName: string;
  sequence: number;
  agentVersion: string;
  allocatable: Resources | null;
  /** Requests of non-terminated pods kosmos does not track. */
  untrackedRequests: Resources | null;
  /** Since the previous tick's start; rates come from each pod's own window. */
  windowSeconds: number;
  pods: PodSample[];
}
