// Clairvoyant contender: reads the true future rate and per-request cost (the engine's oracle) and gives
// each service, ahead of time, the fewest pods and the least CPU per pod the model says meet the SLO.
// It shows what the offline optimum costs when it has to live with pods, nodes and startup delays.
import type {
  Controller,
  ControllerActions,
  ControllerContext,
  Observation,
  ReplicaAction,
  ResizeAction,
  ServiceOracle,
} from '../../../sim/discrete/controller.ts';

export class OracleContender implements Controller {
  readonly name = 'oracle';
  readonly periodSeconds: number;
  /** Extra look-ahead for in-place resizes to be enacted. */
  readonly resizeLeadSeconds: number;
  private oracle: ServiceOracle | undefined;
  private readonly startup = new Map<string, number>();

  constructor(periodSeconds = 5, resizeLeadSeconds = 5) {
    this.periodSeconds = periodSeconds;
    this.resizeLeadSeconds = resizeLeadSeconds;
  }

  start(context: ControllerContext): void {
    this.oracle = context.oracle;
    for (const s of context.services) this.startup.set(s.name, s.startupSeconds);
  }

  decide(observation: Observation): ControllerActions {
    const oracle = this.oracle;
    if (!oracle) return {};
    const now = observation.nowSeconds;
    const replicas: ReplicaAction[] = [];
    const resizes: ResizeAction[] = [];
    for (const service of observation.services) {
      const { sla } = service;
      const peak = (horizon: number): number => {
        let p = 0;
        for (let t = now; t <= now + horizon; t += 1) p = Math.max(p, oracle.rateAt(service.name, t));
        return p;
      };
      const need = (rps: number, pods: number): number =>
        Math.ceil(oracle.coresForRate(service.name, rps / pods, sla.sloSeconds, sla.statistic) * 1000);
      const fewestPods = (rps: number): number => {
        for (let n = Math.max(1, sla.minReplicas); n < sla.maxReplicas; n++)
          if (need(rps, n) <= sla.maxCpuMilli) return n;
        return sla.maxReplicas;
      };
      const horizon = (this.startup.get(service.name) ?? 0) + this.periodSeconds + this.resizeLeadSeconds;
      const target = fewestPods(peak(horizon));
      if (target !== service.replicas.target) replicas.push({ service: service.name, replicas: target });
      const ready = service.pods.filter((p) => p.ready).length;
      const share = peak(this.periodSeconds + this.resizeLeadSeconds);
      const perPod = Math.min(sla.maxCpuMilli, Math.max(sla.minCpuMilli, need(share, Math.max(1, ready))));
      for (const pod of service.pods) {
        if (pod.node !== null && pod.desired.cpuMilli !== perPod)
          resizes.push({ pod: pod.name, cpuMilli: perPod });
      }
    }
    return { replicas, resizes };
  }
}
