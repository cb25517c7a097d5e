// KOSMOS-original as a contender: the PI law per ready pod every 5 s, proportional contention per node,
// and the replica heuristic on the hosting nodes' CPU requests every 15 s.

import { statisticSeconds } from '../../../lib/api/statistic.ts';
import type {
  Controller,
  ControllerActions,
  ControllerContext,
  Observation,
  ReplicaAction,
  ResizeAction,
} from '../../../sim/discrete/controller.ts';
import {
  KOSMOS_HORIZONTAL,
  KOSMOS_PI,
  KosmosOriginalHorizontal,
  kosmosPiStep,
  type PiState,
  proportionalShare,
} from '../../baselines/kosmos-original.ts';
import { Every } from './observe.ts';

export class KosmosOriginalContender implements Controller {
  readonly name = 'kosmos-original';
  readonly periodSeconds = KOSMOS_PI.periodSeconds;
  private readonly pi = new Map<string, PiState>();
  private readonly horizontal = new Map<string, KosmosOriginalHorizontal>();
  private readonly vertical = new Every(KOSMOS_PI.periodSeconds);
  private readonly replicaLoop = new Every(KOSMOS_HORIZONTAL.periodSeconds);

  start(context: ControllerContext): void {
    for (const s of context.services) this.horizontal.set(s.name, new KosmosOriginalHorizontal());
  }

  decide(observation: Observation): ControllerActions {
    const now = observation.nowSeconds;
    const resizes: ResizeAction[] = [];
    const replicas: ReplicaAction[] = [];
    if (this.vertical.due(now)) {
      // Recommender: desired per pod (pods not ready yet keep what they have).
      const desired = new Map<string, number>();
      const enacted = new Map<string, number>();
      for (const service of observation.services) {
        for (const pod of service.pods) {
          if (pod.node === null) continue;
          enacted.set(pod.name, pod.enacted.cpuMilli);
          if (!pod.ready) {
            desired.set(pod.name, pod.enacted.cpuMilli);
            continue;
          }
          const state = this.pi.get(pod.name) ?? { lastError: undefined };
          this.pi.set(pod.name, state);
          const rt = pod.rt && pod.rt.count > 0 ? statisticSeconds(pod.rt, service.sla.statistic) : null;
          const out = kosmosPiStep(state, {
            rtSeconds: rt,
            sloSeconds: service.sla.sloSeconds,
            enactedCpuMilli: pod.enacted.cpuMilli,
            minCpuMilli: service.sla.minCpuMilli,
            maxCpuMilli: service.sla.maxCpuMilli,
          });
          desired.set(pod.name, out.desiredCpuMilli);
        }
      }
      // Contention manager: proportional per node.
      for (const node of observation.nodes) {
        const names = node.pods.filter((n) => desired.has(n));
        const granted = proportionalShare(
          node.allocatable.cpuMilli,
          names.map((n) => desired.get(n)!),
        );
        names.forEach((name, i) => {
          if (granted[i] !== enacted.get(name)) resizes.push({ pod: name, cpuMilli: granted[i]! });
        });
      }
    }
    if (this.replicaLoop.due(now)) {
      for (const service of observation.services) {
        const h = this.horizontal.get(service.name);
        if (!h) continue;
        const hosting = new Set(service.pods.map((p) => p.node).filter((n): n is string => n !== null));
        let requested = 0;
        let allocatable = 0;
        for (const node of observation.nodes) {
          if (!hosting.has(node.name)) continue;
          requested += node.allocated.cpuMilli;
          allocatable += node.allocatable.cpuMilli;
        }
        const next = h.decide({
          nowSeconds: now,
          replicas: service.replicas.target,
          minReplicas: service.sla.minReplicas,
          maxReplicas: service.sla.maxReplicas,
          requestedFraction: allocatable > 0 ? requested / allocatable : 0,
        });
        if (next !== service.replicas.target) replicas.push({ service: service.name, replicas: next });
      }
    }
    return { resizes, replicas };
  }
}
