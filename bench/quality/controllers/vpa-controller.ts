// VPA as a contender: every minute the recommender adds one usage sample per running pod to the
// service's decaying histogram; the updater evicts (Recreate) or resizes in place (InPlaceOrRecreate)
// pods outside the bounds; the admission controller gives new pods the target (the template).
import type {
  Controller,
  ControllerActions,
  ControllerContext,
  Observation,
} from '../../../sim/discrete/controller.ts';
import {
  CpuAggregate,
  recommendCpu,
  VPA_DEFAULTS,
  type VpaPod,
  type VpaUpdateMode,
  VpaUpdater,
} from '../../baselines/vpa.ts';
import { Every } from './observe.ts';

/** What the recommender saw before the run: each pod's mean usage per minute (all pods alike). */
export type VpaHistory = { usageCoresPerMinute: readonly number[]; pods: number; requestCores: number };

export class VpaContender implements Controller {
  readonly name: string;
  readonly periodSeconds = VPA_DEFAULTS.recommenderIntervalSeconds;
  private readonly aggregates = new Map<string, CpuAggregate>();
  private readonly updaters = new Map<string, VpaUpdater>();
  private readonly mode: VpaUpdateMode;
  private readonly every = new Every(VPA_DEFAULTS.recommenderIntervalSeconds);
  /** Replicas per service, fixed (VPA does not scale horizontally); the updater needs ≥ 2 to act. */
  private readonly replicas: Map<string, number>;

  /** Usage samples from before the run, per service (the recommender's history: see VpaHistory). */
  private readonly history: ReadonlyMap<string, VpaHistory>;

  constructor(
    mode: VpaUpdateMode,
    replicas: ReadonlyMap<string, number> = new Map(),
    history: ReadonlyMap<string, VpaHistory> = new Map(),
  ) {
    this.mode = mode;
    this.name = mode === 'Recreate' ? 'vpa-recreate' : 'vpa-inplace';
    this.replicas = new Map(replicas);
    this.history = history;
  }

  start(context: ControllerContext): void {
    for (const s of context.services) {
      const aggregate = new CpuAggregate();
      const h = this.history.get(s.name);
      if (h) {
        // One sample per pod per minute, ending at t = 0 (the recommender's checkpoint after a week).
        const first = -h.usageCoresPerMinute.length * 60;
        h.usageCoresPerMinute.forEach((usage, i) => {
          for (let p = 0; p < h.pods; p++) aggregate.addSample(usage, h.requestCores, first + i * 60);
        });
      }
      this.aggregates.set(s.name, aggregate);
      this.updaters.set(s.name, new VpaUpdater(this.mode));
    }
  }

  decide(observation: Observation): ControllerActions {
    const now = observation.nowSeconds;
    const actions: Required<Pick<ControllerActions, 'replicas' | 'resizes' | 'recreates'>> = {
      replicas: [],
      resizes: [],
      recreates: [],
    };
    if (!this.every.due(now)) return {};
    for (const service of observation.services) {
      const aggregate = this.aggregates.get(service.name);
      const updater = this.updaters.get(service.name);
      if (!aggregate || !updater) continue;
      const configured = this.replicas.get(service.name) ?? service.replicas.target;
      for (const p of service.pods) {
        if (p.phase === 'Running' && observation.windowSeconds > 0)
          aggregate.addSample(p.usedCores, p.enacted.cpuMilli / 1000, now);
      }
      if (aggregate.histogram.isEmpty()) {
        if (configured !== service.replicas.target)
          actions.replicas.push({ service: service.name, replicas: configured });
        continue;
      }
      const rec = recommendCpu(aggregate, {
        minAllowedMilli: service.sla.minCpuMilli,
        maxAllowedMilli: service.sla.maxCpuMilli,
      });
      if (configured !== service.replicas.target || rec.targetMilli !== service.template.cpuMilli) {
        actions.replicas.push({
          service: service.name,
          replicas: configured,
          template: { cpuMilli: rec.targetMilli },
        });
      }
      const pods: VpaPod[] = service.pods.map((p) => ({
        name: p.name,
        running: p.phase === 'Running',
        startSeconds: p.createdAtSeconds,
        cpuRequestMilli: p.desired.cpuMilli,
        resize: p.resize,
      }));
      for (const u of updater.plan(now, configured, pods, rec)) {
        if (u.action === 'evict') actions.recreates.push({ pod: u.pod, cpuMilli: u.cpuMilli });
        else actions.resizes.push({ pod: u.pod, cpuMilli: u.cpuMilli });
      }
    }
    return actions;
  }
}
