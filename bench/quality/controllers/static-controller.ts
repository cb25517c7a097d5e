// Static allocation as a contender: sets each service's replicas and pod size once (sized offline for
// the mean load of the run) and holds them.
import type {
  Controller,
  ControllerActions,
  Observation,
  ReplicaAction,
  ResizeAction,
} from '../../../sim/discrete/controller.ts';
import type { StaticSizing } from '../../baselines/static.ts';

export class StaticContender implements Controller {
  readonly name = 'static';
  readonly periodSeconds: number;
  private readonly sizing: ReadonlyMap<string, StaticSizing>;

  constructor(sizing: ReadonlyMap<string, StaticSizing>, periodSeconds = 5) {
    this.sizing = sizing;
    this.periodSeconds = periodSeconds;
  }

  decide(observation: Observation): ControllerActions {
    const replicas: ReplicaAction[] = [];
    const resizes: ResizeAction[] = [];
    for (const service of observation.services) {
      const size = this.sizing.get(service.name);
      if (!size) continue;
      if (service.replicas.target !== size.replicas || service.template.cpuMilli !== size.cpuMilli) {
        replicas.push({
          service: service.name,
          replicas: size.replicas,
          template: { cpuMilli: size.cpuMilli },
        });
      }
      for (const pod of service.pods) {
        if (pod.node !== null && pod.desired.cpuMilli !== size.cpuMilli) {
          resizes.push({ pod: pod.name, cpuMilli: size.cpuMilli });
        }
      }
    }
    return { replicas, resizes };
  }
}
