// The latest published view of every SLA and its pods (what kosmosctl and /metrics show), and the
// stream of decisions with a short history. Written by the control loop, read by the status API.
import type { Decision } from '../../../proto/gen/kosmos/v1/Decision.ts';
import type { PodStatus } from '../../../proto/gen/kosmos/v1/PodStatus.ts';
import type { SlaSummary } from '../../../proto/gen/kosmos/v1/SlaSummary.ts';

export interface ServiceView {
  sla: SlaSummary;
  pods: PodStatus[];
}

export type DecisionListener = (d: Decision) => void;

const slaKey = (namespace: string, name: string) => `${namespace}/${name}`;

export class StatusBoard {
  readonly #services = new Map<string, ServiceView>();
  readonly #decisions: Decision[] = [];
  readonly #listeners = new Set<DecisionListener>();
  readonly #historySize: number;

  constructor(historySize = 200) {
    this.#historySize = historySize;
  }

  publishService(view: ServiceView): void {
    this.#services.set(slaKey(view.sla.namespace ?? '', view.sla.name ?? ''), view);
  }

  removeService(namespace: string, name: string): void {
    this.#services.delete(slaKey(namespace, name));
  }

  /** Keeps only the services whose keys are listed ("ns/name"). */
  retainServices(keys: Set<string>): void {
    for (const k of this.#services.keys()) if (!keys.has(k)) this.#services.delete(k);
  }

  services(namespace = ''): ServiceView[] {
    return [...this.#services.values()]
      .filter((v) => !namespace || v.sla.namespace === namespace)
      .sort((a, b) =>
        slaKey(a.sla.namespace!, a.sla.name!).localeCompare(slaKey(b.sla.namespace!, b.sla.name!)),
      );
  }

  service(namespace: string, name: string): ServiceView | undefined {
    return this.#services.get(slaKey(namespace, name));
  }

  pod(namespace: string, name: string): PodStatus | undefined {
    for (const v of this.#services.values()) {
      const p = v.pods.find((x) => x.namespace === namespace && x.name === name);
      if (p) return p;
    }
    return undefined;
  }

  publishDecision(d: Decision): void {
    this.#decisions.push(d);
    if (this.#decisions.length > this.#historySize) this.#decisions.shift();
    for (const l of this.#listeners) l(d);
  }

  recentDecisions(namespace: string, sla: string, limit = 20): Decision[] {
    return this.#decisions.filter((d) => d.namespace === namespace && d.sla === sla).slice(-limit);
  }

  subscribe(listener: DecisionListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}
