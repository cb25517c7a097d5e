// Hard bounds on what one agent message may carry, so a hostile or broken agent costs the hub a
// bounded amount of memory, CPU and log: pods per report up to the Node's pod capacity, every
// string up to the size Kubernetes itself allows for it. Pure.
import type { Hello__Output } from '../../../proto/gen/kosmos/v1/Hello.ts';

/** The strings of a pod's line a bound applies to: the wire's PodReport and the domain PodSample have them. */
export interface BoundedPod {
  uid: string;
  namespace: string;
  name: string;
  container: string;
  sla: string;
  resizeMessage?: string;
  responseTime?: { error: string } | null;
}

/** A report as bounded: the wire's NodeReport or the domain NodeSample decoded from it. */
export interface BoundedReport {
  nodeName: string;
  agentVersion: string;
  pods: readonly BoundedPod[];
}

/** Pods per report when the Node does not say (status.capacity.pods missing): above the kubelet's 110. */
export const DEFAULT_NODE_POD_CAPACITY = 250;

/** Longest accepted value of each string field, in characters (Kubernetes' own limits where it has one). */
export const STRING_LIMITS = {
  nodeName: 253,
  agentVersion: 64,
  token: 16_384,
  uid: 128,
  namespace: 63,
  name: 253,
  container: 63,
  /** "<namespace>/<name>" of an SLA. */
  sla: 317,
  resizeMessage: 1024,
  responseTimeError: 1024,
} as const;

/** Longest string a log line carries from an agent's message; the rest is counted, not logged. */
export const LOG_STRING_CHARS = 200;

/** `text`, cut to `max` characters with the number of characters left out (for log fields). */
export function clip(text: string, max = LOG_STRING_CHARS): string {
  return text.length <= max ? text : `${text.slice(0, max)}…(+${text.length - max} chars)`;
}

/** The Node's pod capacity from status.capacity.pods, or the default when it is missing or not a count. */
export function nodePodCapacity(capacityPods: string | undefined): number {
  const n = Number(capacityPods);
  return capacityPods !== undefined && Number.isInteger(n) && n > 0 ? n : DEFAULT_NODE_POD_CAPACITY;
}

function tooLong(field: string, value: string, max: number): string | undefined {
  return value.length > max
    ? `${field} is ${value.length} characters, at most ${max} are accepted`
    : undefined;
}

/** Why a hello is refused before any authentication is tried, or undefined when it is within bounds. */
export function helloOutOfBounds(hello: Hello__Output): string | undefined {
  return (
    tooLong('hello node_name', hello.nodeName, STRING_LIMITS.nodeName) ??
    tooLong('hello agent_version', hello.agentVersion, STRING_LIMITS.agentVersion) ??
    tooLong('hello token', hello.token, STRING_LIMITS.token)
  );
}

function podOutOfBounds(pod: BoundedPod, index: number): string | undefined {
  const at = `pod #${index}`;
  return (
    tooLong(`${at} uid`, pod.uid, STRING_LIMITS.uid) ??
    tooLong(`${at} namespace`, pod.namespace, STRING_LIMITS.namespace) ??
    tooLong(`${at} name`, pod.name, STRING_LIMITS.name) ??
    tooLong(`${at} container`, pod.container, STRING_LIMITS.container) ??
    tooLong(`${at} sla`, pod.sla, STRING_LIMITS.sla) ??
    tooLong(`${at} resize_message`, pod.resizeMessage ?? '', STRING_LIMITS.resizeMessage) ??
    tooLong(`${at} response_time.error`, pod.responseTime?.error ?? '', STRING_LIMITS.responseTimeError)
  );
}

/**
 * Why a report is rejected as a whole, or undefined when it is within bounds: more pods than the
 * node can run (`maxPods`, its capacity) or a string longer than its limit.
 */
export function reportOutOfBounds(report: BoundedReport, maxPods: number): string | undefined {
  if (report.pods.length > maxPods) {
    return `report carries ${report.pods.length} pods, node ${clip(report.nodeName, 64)} can run at most ${maxPods} (Node status.capacity.pods)`;
  }
  const top =
    tooLong('report node_name', report.nodeName, STRING_LIMITS.nodeName) ??
    tooLong('report agent_version', report.agentVersion, STRING_LIMITS.agentVersion);
  if (top) return top;
  for (const [i, pod] of report.pods.entries()) {
    const bad = podOutOfBounds(pod, i);
    if (bad) return bad;
  }
  return undefined;
}
