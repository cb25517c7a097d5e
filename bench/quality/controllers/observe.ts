// Small readers over the discrete engine's Observation shared by the baseline adapters.
import type { PodObservation, ServiceObservation } from '../../../sim/discrete/controller.ts';

/** Placed pods (on a node), in observation order. */
export function placedPods(service: ServiceObservation): PodObservation[] {
  return service.pods.filter((p) => p.node !== null);
}

/** Period a controller acts on: true every `periodSeconds` since its first call. */
export class Every {
  readonly periodSeconds: number;
  private next: number | undefined;

  constructor(periodSeconds: number) {
    this.periodSeconds = periodSeconds;
  }

  due(nowSeconds: number): boolean {
    if (this.next === undefined) this.next = nowSeconds;
    if (nowSeconds + 1e-9 < this.next) return false;
    this.next +=
      this.periodSeconds * Math.max(1, Math.floor((nowSeconds - this.next) / this.periodSeconds) + 1);
    return true;
  }
}
