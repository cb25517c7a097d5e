// The observe step, shared by the live hub's loop and the discrete-time simulator: what the API and
// the node's agent say of each tracked pod this pass → the control code's PodObservation. Pure.
import type { Statistic } from '../../../lib/api/types.ts';
import type { PodObservation } from '../control/types.ts';
import type { PodSample } from '../model/pod-sample.ts';
import { withPrometheusSample } from '../prometheus/pod-signal.ts';
import type { SlaSamples } from '../prometheus/prometheus-signals.ts';
import type { PodSignal, Resources } from '../recommender/types.ts';
import { enactedResources, missingResponseTime, podSignal } from './signals.ts';

/** A Prometheus-sourced SLA's samples this pass (undefined before the first answer); undefined for scraped SLAs. */
export type HubSamples = { samples: SlaSamples | undefined } | undefined;

/** One tracked pod as the hub sees it this pass: the pod object's facts and its agent's latest sample. */
export interface TrackedPodView {
  /** The pod's uid. */
  key: string;
  name: string;
  /** The pod's Ready condition. */
  ready: boolean;
  /** The scheduler found no node for it. */
  unschedulable: boolean;
  /** What the pod asks for now (the kubelet's status resources, else the spec's requests). */
  specResources: Resources;
  /** Its agent's latest sample, if any. */
  sample?: PodSample;
  /** The window of the report the sample came in (paces a signal without a response-time window). */
  reportWindowSeconds: number;
  /** The sample is new since the last pass and its node is live. */
  fresh: boolean;
}

export interface ObserveOptions {
  statistic: Statistic;
  /** The response time comes from the agent's scrape (metrics.scrape): a pod without a window is held. */
  scraped: boolean;
  hub: HubSamples;
}

const ZERO: Resources = { cpuMilli: 0, memoryBytes: 0 };

/**
 * The pod's observation. A pod not serving yet has no signal to act on (it keeps its allocation until
 * ready), nor has one without a fresh sample, one whose container has not started, or a scraped one
 * whose response-time window is missing (endpoint failing, window too short).
 */
export function observePod(pod: TrackedPodView, o: ObserveOptions): PodObservation {
  const { sample } = pod;
  const hasSignal =
    pod.fresh &&
    pod.ready &&
    sample !== undefined &&
    sample.enacted.cpuMilli > 0 &&
    !(o.scraped && missingResponseTime(sample) !== undefined);
  const signal = hasSignal
    ? signalOf(podSignal(sample, pod.reportWindowSeconds, o.statistic), o.hub, pod.name)
    : undefined;
  return {
    key: pod.key,
    ready: pod.ready,
    enacted: enactedResources(sample, pod.specResources),
    signal,
    capped: sample?.capped ?? ZERO,
    cappedReason: sample?.capReason ?? 'None',
  };
}

/** What one pass observed of a service. */
export interface ServiceObserved {
  pods: PodObservation[];
  readyReplicas: number;
  /** Pods the scheduler could not place. */
  unschedulableReplicas: number;
  /** What the last pod seen before it was ready asks for (a new pod's size, from the template). */
  newPodCpuMilli?: number;
}

export function observeService(pods: readonly TrackedPodView[], o: ObserveOptions): ServiceObserved {
  let unschedulableReplicas = 0;
  let newPodCpuMilli: number | undefined;
  const observations = pods.map((pod) => {
    if (!pod.ready) {
      // A pod not ready yet was never resized: its request is what a new pod asks the scheduler for.
      if (pod.specResources.cpuMilli > 0) newPodCpuMilli = pod.specResources.cpuMilli;
      if (pod.unschedulable) unschedulableReplicas++;
    }
    return observePod(pod, o);
  });
  return {
    pods: observations,
    readyReplicas: observations.filter((p) => p.ready).length,
    unschedulableReplicas,
    ...(newPodCpuMilli !== undefined ? { newPodCpuMilli } : {}),
  };
}

/** The pod's signal: the agent's, with Prometheus's rate and response time for hub-sourced SLAs (none without a sample). */
export function signalOf(signal: PodSignal, hub: HubSamples, pod: string): PodSignal | undefined {
  if (!hub) return signal;
  const sample = hub.samples?.pods.get(pod);
  return sample?.ok ? withPrometheusSample(signal, sample) : undefined;
}
