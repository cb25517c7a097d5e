// Pod name → the address the proxy should send to. HubStatus has no pod IPs, so the sidecar reads
// them from the API server (one GET per new pod; an IP is fixed for a pod's life, keyed by UID).
import type * as k8s from '@kubernetes/client-node';
import { apiStatus } from '../../../lib/kube.ts';
import type { PodWeight } from './weight-source.ts';

export interface AddressResolver {
  /** The pod's IP while it can take traffic (Running, Ready), else undefined. */
  addressOf(pod: PodWeight): Promise<string | undefined>;
}

/** Fixed addresses by pod name (a static pool, tests, demos). */
export class StaticAddresses implements AddressResolver {
  readonly #byName: Map<string, string>;
  constructor(byName: Iterable<readonly [string, string]>) {
    this.#byName = new Map(byName);
  }
  set(name: string, address: string): void {
    this.#byName.set(name, address);
  }
  async addressOf(pod: PodWeight): Promise<string | undefined> {
    return this.#byName.get(pod.name);
  }
}

type PodReader = Pick<k8s.CoreV1Api, 'readNamespacedPod'>;

function readyAddress(pod: k8s.V1Pod): string | undefined {
  if (pod.metadata?.deletionTimestamp || pod.status?.phase !== 'Running') return undefined;
  const ready = pod.status.conditions?.find((c) => c.type === 'Ready')?.status === 'True';
  return ready ? pod.status.podIP || undefined : undefined;
}

/** Reads pods from the API server; remembers a Ready pod's IP by UID (readiness later is HAProxy's health check's job). */
export class KubePodAddresses implements AddressResolver {
  readonly #core: PodReader;
  readonly #known = new Map<string, string>();

  constructor(core: PodReader) {
    this.#core = core;
  }

  async addressOf(pod: PodWeight): Promise<string | undefined> {
    const key = pod.uid || `${pod.namespace}/${pod.name}`;
    const cached = this.#known.get(key);
    if (cached) return cached;
    let obj: k8s.V1Pod;
    try {
      obj = await this.#core.readNamespacedPod({ namespace: pod.namespace, name: pod.name });
    } catch (err) {
      if (apiStatus(err) === 404) return undefined;
      throw err;
    }
    if (pod.uid && obj.metadata?.uid !== pod.uid) return undefined;
    const address = readyAddress(obj);
    if (address) this.#known.set(key, address);
    return address;
  }

  /** Forgets pods no longer listed (bounded memory). */
  retain(pods: readonly PodWeight[]): void {
    const keep = new Set(pods.map((p) => p.uid || `${p.namespace}/${p.name}`));
    for (const key of this.#known.keys()) if (!keep.has(key)) this.#known.delete(key);
  }
}
