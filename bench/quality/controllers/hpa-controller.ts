// HPA as a contender: every 15 s, per service, the upstream replica calculator on CPU utilization of
// requests (metrics-server style window average) or on the service response time as an Object metric.

import { statisticSeconds } from '../../../lib/api/statistic.ts';
import type {
  Controller,
  ControllerActions,
  ControllerContext,
  Observation,
  ReplicaAction,
  ServiceObservation,
} from '../../../sim/discrete/controller.ts';
import {
  HPA_DEFAULTS,
  type HpaPod,
  type HpaPodMetric,
  objectValueReplicas,
  readyPodCount,
  resourceReplicas,
} from '../../baselines/hpa.ts';
import { HpaController } from '../../baselines/hpa-behavior.ts';
import { Every } from './observe.ts';

/** CPU utilization of requests, or the service's SLA statistic with a `Value` target of SLO × targetFactor (default 1). */
export type HpaMetric =
  | { kind: 'cpu'; targetUtilizationPercent: number }
  | { kind: 'response-time'; targetFactor?: number };

export class HpaContender implements Controller {
  readonly name: string;
  readonly periodSeconds = HPA_DEFAULTS.syncPeriodSeconds;
  readonly metric: HpaMetric;
  private readonly hpas = new Map<string, HpaController>();
  private readonly lastNotReadySeconds = new Map<string, number>();
  private readonly startupSeconds = new Map<string, number>();
  private readonly every = new Every(HPA_DEFAULTS.syncPeriodSeconds);

  constructor(metric: HpaMetric, name?: string) {
    this.metric = metric;
    this.name = name ?? (metric.kind === 'cpu' ? `hpa-cpu${metric.targetUtilizationPercent}` : 'hpa-rt');
  }

  start(context: ControllerContext): void {
    for (const s of context.services) {
      this.hpas.set(
        s.name,
        new HpaController({ minReplicas: s.sla.minReplicas, maxReplicas: s.sla.maxReplicas }),
      );
      this.startupSeconds.set(s.name, s.startupSeconds);
    }
  }

  decide(observation: Observation): ControllerActions {
    const now = observation.nowSeconds;
    for (const s of observation.services) {
      for (const p of s.pods) if (!p.ready) this.lastNotReadySeconds.set(p.name, now);
    }
    if (!this.every.due(now)) return {};
    const replicas: ReplicaAction[] = [];
    for (const service of observation.services) {
      const hpa = this.hpas.get(service.name);
      if (!hpa) continue;
      const current = service.replicas.target;
      const proposal = this.propose(service, current, observation);
      const decision = hpa.reconcile(now, current, proposal === undefined ? [] : [proposal]);
      if (decision.desiredReplicas !== current) {
        replicas.push({ service: service.name, replicas: decision.desiredReplicas });
      }
    }
    return { replicas };
  }

  private propose(service: ServiceObservation, current: number, obs: Observation): number | undefined {
    const pods = this.hpaPods(service);
    if (this.metric.kind === 'response-time') {
      if (!service.rt || service.rt.count <= 0) return undefined;
      const value = statisticSeconds(service.rt, service.sla.statistic);
      return objectValueReplicas({
        currentReplicas: current,
        value,
        target: service.sla.sloSeconds * (this.metric.targetFactor ?? 1),
        readyPods: readyPodCount(pods),
      }).replicas;
    }
    const metrics = new Map<string, HpaPodMetric>();
    for (const p of service.pods) {
      if (p.node === null) continue;
      metrics.set(p.name, {
        valueMilli: Math.round(p.usedCores * 1000),
        timestampSeconds: obs.nowSeconds,
        windowSeconds: obs.windowSeconds,
      });
    }
    try {
      return resourceReplicas({
        currentReplicas: current,
        targetUtilizationPercent: this.metric.targetUtilizationPercent,
        pods,
        metrics,
        nowSeconds: obs.nowSeconds,
      }).replicas;
    } catch {
      // No ready pod with metrics: upstream reports FailedGetResourceMetric and leaves the scale alone.
      return undefined;
    }
  }

  private hpaPods(service: ServiceObservation): HpaPod[] {
    const startup = this.startupSeconds.get(service.name) ?? 0;
    return service.pods.map((p) => {
      if (p.node === null) return { name: p.name, phase: 'Pending', cpuRequestMilli: p.desired.cpuMilli };
      const lastNotReady = this.lastNotReadySeconds.get(p.name) ?? p.createdAtSeconds;
      return {
        name: p.name,
        phase: 'Running',
        ready: {
          status: p.ready,
          lastTransitionSeconds: p.ready
            ? Math.max(p.createdAtSeconds + startup, lastNotReady)
            : lastNotReady,
        },
        startSeconds: p.createdAtSeconds,
        cpuRequestMilli: p.enacted.cpuMilli,
      } satisfies HpaPod;
    });
  }
}
