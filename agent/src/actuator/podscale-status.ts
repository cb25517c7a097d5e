// PodScale status: a pure builder (actual, capped, conditions) with change detection, and the
// writer edge (merge patch on the status subresource) that only writes when something changed.
import type * as k8s from '@kubernetes/client-node';
import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import {
  condition,
  METRICS_AVAILABLE,
  type MetricsSignal,
  metricsAvailableCondition,
} from '../../../lib/api/conditions.ts';
import { GROUP, PODSCALE_PLURAL, type PodScaleStatus, VERSION } from '../../../lib/api/types.ts';
import { formatCpuMilli, formatMemoryBytes } from '../../../lib/quantity.ts';
import type { MetricsHealth } from '../edges.ts';
import type { Allocation, ResizeStatus } from '../pods/pod-resources.ts';
import type { CapState } from './cap-state.ts';

export interface PodScaleStatusInput {
  enacted: Allocation | undefined;
  cap: CapState | undefined;
  resize: ResizeStatus;
  lastResizeTime: string | undefined;
  nowIso: string;
  /**
   * For pods whose response time the hub reads (SLA metrics.prometheus), what the hub says about it:
   * reason '' when it has the signal. Undefined for scraped pods.
   */
  hubMetrics?: { reason: string; message: string };
  /** The pod's metrics endpoint as the scraper knows it; undefined keeps what the status said. */
  metrics?: MetricsHealth | undefined;
}

/** The hub has not heard from Prometheus about the pod yet: neither True nor False. */
const AWAITING = 'AwaitingPrometheus';

/** The pod's response-time signal: the hub's word for Prometheus-sourced pods, else the scraper's. */
function metricsSignal(input: PodScaleStatusInput): MetricsSignal | undefined {
  const hub = input.hubMetrics;
  if (hub) {
    if (hub.reason === '')
      return {
        state: 'signalling',
        reason: 'MetricsReceived',
        message: 'the hub reads this pod’s response time from Prometheus',
      };
    return { state: hub.reason === AWAITING ? 'awaiting' : 'failing', ...hub };
  }
  const m = input.metrics;
  if (!m) return undefined;
  return m.state === 'failing'
    ? { state: 'failing', reason: m.reason, message: m.message }
    : { state: 'signalling', reason: 'MetricsReceived', message: 'the response-time source answers' };
}

function quantities(a: Allocation): { cpu?: string; memory?: string } {
  return {
    ...(a.cpuMilli > 0 ? { cpu: formatCpuMilli(Math.round(a.cpuMilli)) } : {}),
    ...(a.memoryBytes > 0 ? { memory: formatMemoryBytes(Math.round(a.memoryBytes)) } : {}),
  };
}

export function buildPodScaleStatus(
  prev: PodScaleStatus | undefined,
  input: PodScaleStatusInput,
): PodScaleStatus {
  const { resize, cap, nowIso } = input;
  const enactedOk = resize.state === 'None' && input.enacted !== undefined;
  const conditions = [
    condition(
      prev?.conditions,
      'Enacted',
      enactedOk ? 'True' : 'False',
      enactedOk ? 'Enacted' : input.enacted === undefined ? 'Unknown' : `Resize${resize.state}`,
      enactedOk ? 'the kubelet applied the requested resources' : resize.message,
      nowIso,
    ),
    condition(
      prev?.conditions,
      'Capped',
      cap ? 'True' : 'False',
      cap ? cap.reason : 'NotCapped',
      cap ? cap.message : '',
      nowIso,
    ),
  ];
  const signal = metricsSignal(input);
  if (signal) conditions.push(metricsAvailableCondition(prev?.conditions, signal, nowIso));
  else {
    // health not known this tick (a scrape in flight): the condition stands
    const known = prev?.conditions?.find((c) => c.type === METRICS_AVAILABLE);
    if (known) conditions.push(known);
  }
  const status: PodScaleStatus = { conditions };
  if (input.enacted) status.actual = quantities(input.enacted);
  if (cap) status.capped = { ...quantities(cap.capped), reason: cap.reason, message: cap.message };
  const lastResizeTime = input.lastResizeTime ?? prev?.lastResizeTime;
  if (lastResizeTime) status.lastResizeTime = lastResizeTime;
  return status;
}

const present = (v: unknown) => v !== undefined && v !== '';

/**
 * Same JSON content, where an undefined or empty-string field counts as absent. Walks both values
 * without building anything: it runs for every tracked pod on every tick.
 */
function sameContent(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameContent(a[i], b[i])) return false;
    return true;
  }
  if (!a || !b || typeof a !== 'object' || typeof b !== 'object') return false;
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  let fields = 0;
  for (const key of Object.keys(x)) {
    if (!present(x[key])) continue;
    fields++;
    if (!sameContent(x[key], y[key])) return false;
  }
  for (const key of Object.keys(y)) if (present(y[key])) fields--;
  return fields === 0;
}

/** Same content (key order, empty strings and undefined fields don't count). */
export function sameStatus(a: PodScaleStatus | undefined, b: PodScaleStatus): boolean {
  return sameContent(a ?? {}, b);
}

export interface PodScaleStatusWriter {
  write(namespace: string, name: string, status: PodScaleStatus): Promise<void>;
}

export class KubePodScaleStatusWriter implements PodScaleStatusWriter {
  readonly #custom: k8s.CustomObjectsApi;
  constructor(custom: k8s.CustomObjectsApi) {
    this.#custom = custom;
  }

  async write(namespace: string, name: string, status: PodScaleStatus): Promise<void> {
    // Merge patch: explicit nulls remove what is no longer true (a cap that was lifted).
    const body = { status: { capped: null, actual: null, lastResizeTime: null, ...status } };
    await this.#custom.patchNamespacedCustomObjectStatus(
      { group: GROUP, version: VERSION, namespace, plural: PODSCALE_PLURAL, name, body },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
  }
}
