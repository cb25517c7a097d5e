// Deterministic discrete-time simulation: steps the workload model over the cluster with no clock
// and no processes, and calls a Controller every period. Same scenario + seed ⇒ same Recording.

import { requestCost, rtOffsetSeconds } from '../model/pod-queue.ts';
import { sampleArrivals, splitArrivals } from '../model/traffic.ts';
import type { Scenario } from '../scenario/types.ts';
import { nodeBurstCapacities, podSpeed } from './burst.ts';
import {
  enactDue,
  newPod,
  requestResize,
  restart,
  retryDeferred,
  type SimNode,
  type SimPod,
  schedule,
  unplace,
} from './cluster.ts';
import type { Controller, ControllerActions, ControllerContext, PodResources } from './controller.ts';
import { buildObservation } from './observation.ts';
import { Recorder, type Recording } from './recorder.ts';
import { coresForRate, newSimService, type SimService } from './sim-service.ts';

export interface RunOptions {
  controller: Controller;
  /** Overrides the scenario's seed. */
  seed?: number;
  /** Overrides the scenario's duration. */
  durationSeconds?: number;
  /** Record per-pod series (default true). */
  recordPods?: boolean;
}

export class DiscreteEngine {
  readonly scenario: Scenario;
  readonly controller: Controller;
  readonly seed: number;
  readonly steps: number;
  readonly stepSeconds: number;
  readonly nodes: SimNode[];
  readonly services: SimService[];
  readonly #recorder: Recorder;
  readonly #podsByName = new Map<string, SimPod>();
  readonly #periodSteps: number;
  #step = 0;
  #lastDecisionStep = 0;

  constructor(scenario: Scenario, options: RunOptions) {
    this.scenario = scenario;
    this.controller = options.controller;
    this.seed = options.seed ?? scenario.seed;
    this.stepSeconds = scenario.stepSeconds;
    this.steps = Math.round((options.durationSeconds ?? scenario.durationSeconds) / this.stepSeconds);
    this.#periodSteps = Math.max(1, Math.round(this.controller.periodSeconds / this.stepSeconds));
    this.nodes = scenario.nodes.map((n) => ({ name: n.name, allocatable: { ...n.allocatable }, pods: [] }));
    this.services = scenario.services.map((s, i) => newSimService(i, s, this.seed));
    this.#recorder = new Recorder(
      {
        scenario: scenario.name,
        controller: this.controller.name,
        seed: this.seed,
        stepSeconds: this.stepSeconds,
        steps: this.steps,
      },
      scenario.services.map((s) => ({
        name: s.name,
        sloSeconds: s.sla.sloSeconds,
        statistic: s.sla.statistic,
      })),
      options.recordPods ?? true,
    );
    for (const service of this.services) {
      for (let i = 0; i < service.target; i++) {
        const pod = this.#createPod(service, 0);
        // Pods present at t = 0 are warm.
        if (pod.node) pod.phase = 'Running';
      }
    }
    this.controller.start?.(this.#context());
  }

  get nowSeconds(): number {
    return this.#step * this.stepSeconds;
  }

  get done(): boolean {
    return this.#step >= this.steps;
  }

  /** Runs every remaining step and returns the recording. */
  run(): Recording {
    while (!this.done) this.step();
    return this.#recorder.result();
  }

  recording(): Recording {
    return this.#recorder.result();
  }

  /** One step: lifecycle at t, workload over [t, t+Δt), record, and a decision when a period ends. */
  step(): void {
    const now = this.nowSeconds;
    const dt = this.stepSeconds;
    this.#lifecycle(now);
    const arrivals = this.services.map((service) => this.#arrive(service, now, dt));
    const burst = nodeBurstCapacities(this.nodes, this.services, dt);
    this.services.forEach((service, i) => {
      this.#stepService(service, now, dt, arrivals[i]!, burst);
    });
    this.#step++;
    if (this.#step % this.#periodSteps === 0) {
      const windowSeconds = (this.#step - this.#lastDecisionStep) * dt;
      this.#lastDecisionStep = this.#step;
      const observation = buildObservation(
        this.nowSeconds,
        windowSeconds,
        dt,
        this.services,
        this.nodes,
        this.scenario.measurement,
      );
      this.#apply(this.controller.decide(observation), this.nowSeconds);
    }
  }

  #context(): ControllerContext {
    const byName = new Map(this.services.map((s) => [s.spec.name, s]));
    const get = (name: string): SimService => {
      const s = byName.get(name);
      if (!s) throw new Error(`unknown service ${name}`);
      return s;
    };
    return {
      stepSeconds: this.stepSeconds,
      durationSeconds: this.steps * this.stepSeconds,
      seed: this.seed,
      services: this.services.map((s) => ({
        name: s.spec.name,
        sla: s.spec.sla,
        template: { ...s.template },
        startupSeconds: s.spec.startupSeconds,
      })),
      nodes: this.nodes.map((n) => ({ name: n.name, allocatable: { ...n.allocatable } })),
      oracle: {
        cpuSecondsPerRequest: (name) => get(name).params.cpuSecondsPerRequest,
        rateAt: (name, t) => get(name).spec.trace.rateAt(t),
        coresForRate: (name, rps, slo, statistic) => coresForRate(get(name).params, rps, slo, statistic),
      },
    };
  }

  #createPod(service: SimService, now: number): SimPod {
    const name = `${service.spec.name}-${service.nextPodIndex++}`;
    const pod = newPod(name, service.index, service.template, service.params, now);
    service.pods.push(pod);
    this.#podsByName.set(name, pod);
    schedule(this.nodes, pod, now, service.spec.startupSeconds);
    return pod;
  }

  #lifecycle(now: number): void {
    const delay = this.scenario.resizeDelaySeconds;
    for (const service of this.services) {
      for (const pod of service.pods) {
        if (pod.phase === 'Pending') schedule(this.nodes, pod, now, service.spec.startupSeconds);
        if (pod.phase === 'Starting' && now + 1e-9 >= pod.readyAtSeconds) pod.phase = 'Running';
        enactDue(pod, now);
      }
    }
    for (const service of this.services) for (const pod of service.pods) retryDeferred(pod, now, delay);
  }

  /** Draws the step's arrivals and splits them over ready pods (into service.split); returns them. */
  #arrive(service: SimService, now: number, dt: number): { arrivals: number; unrouted: number } {
    const rate = service.spec.trace.rateAt(now);
    const arrivals = sampleArrivals(rate, dt, service.spec.arrivals, service.rng);
    const pods = service.pods;
    if (service.split.length < pods.length) service.split = new Float64Array(pods.length * 2);
    return { arrivals, unrouted: splitArrivals(arrivals, pods, isReady, service.split) };
  }

  #stepService(
    service: SimService,
    now: number,
    dt: number,
    { arrivals, unrouted }: { arrivals: number; unrouted: number },
    burst: Map<SimPod, number> | undefined,
  ): void {
    const step = this.#step;
    const pods = service.pods;
    let dropped = unrouted + service.lostSinceStep;
    service.lostSinceStep = 0;
    let completions = 0;
    let usedCores = 0;
    let allocatedCpuMilli = 0;
    let allocatedMemoryBytes = 0;
    let ready = 0;
    const stepRt = service.stepRt;
    stepRt.reset();
    for (let i = 0; i < pods.length; i++) {
      const pod = pods[i]!;
      let podUsed = 0;
      if (pod.phase === 'Running') {
        ready++;
        const capacityCores = burst?.get(pod) ?? pod.enacted.cpuMilli / 1000;
        // Warm-up and a noisy neighbour make the same CPU-seconds do less work.
        const speed = podSpeed(pod, service.params, this.scenario.noisyNeighbour, now);
        const r = pod.queue.step({
          arrivals: service.split[i]!,
          capacityCores: capacityCores * speed,
          dtSeconds: dt,
          ...(service.params.costDrift
            ? { cpuSecondsPerRequest: requestCost(service.params, arrivals / dt) }
            : {}),
        });
        const offset = rtOffsetSeconds(service.params, r, capacityCores);
        const w = pod.window;
        w.arrivals += r.arrivals;
        w.completions += r.completions;
        w.dropped += r.dropped;
        w.usedCpuSeconds += r.usedCpuSeconds / speed;
        w.cfsPeriods += r.cfsPeriods;
        w.throttledPeriods += r.throttledPeriods;
        w.workingSetBytes = r.workingSetBytes;
        if (r.peakWorkingSetBytes > w.peakWorkingSetBytes) w.peakWorkingSetBytes = r.peakWorkingSetBytes;
        w.rt.add(r.completions, r.meanRtSeconds, offset);
        service.window.rt.add(r.completions, r.meanRtSeconds, offset);
        stepRt.add(r.completions, r.meanRtSeconds, offset);
        completions += r.completions;
        dropped += r.dropped;
        podUsed = r.usedCores / speed;
        usedCores += podUsed;
        if (r.peakWorkingSetBytes > pod.enacted.memoryBytes) {
          pod.oomKills++;
          dropped += restart(pod, now + dt, service.spec.startupSeconds);
          this.#recorder.event({
            tSeconds: now,
            kind: 'oom-kill',
            service: service.spec.name,
            pod: pod.name,
          });
        }
      }
      if (pod.node) {
        // A Burstable pod holds its request and whatever it used beyond it (CPU no one else could use).
        const burstable = (service.spec.cpuLimitMilli ?? 0) > pod.enacted.cpuMilli;
        allocatedCpuMilli += burstable
          ? Math.max(pod.enacted.cpuMilli, podUsed * 1000)
          : pod.enacted.cpuMilli;
        allocatedMemoryBytes += pod.enacted.memoryBytes;
      }
      this.#recorder.pod(
        step,
        pod.name,
        service.spec.name,
        pod.desired.cpuMilli,
        pod.enacted.cpuMilli,
        podUsed,
        pod.phase === 'Running',
      );
    }
    service.window.arrivals += arrivals;
    service.window.completions += completions;
    service.window.dropped += dropped;
    this.#recorder.service(step, service.index, {
      offeredRps: arrivals / dt,
      throughputRps: completions / dt,
      droppedRps: dropped / dt,
      rt: stepRt.summary(),
      allocatedCores: allocatedCpuMilli / 1000,
      usedCores,
      allocatedMemoryBytes,
      replicasTarget: service.target,
      replicasExisting: pods.length,
      replicasReady: ready,
    });
  }

  #apply(actions: ControllerActions, now: number): void {
    for (const a of actions.weights ?? []) {
      const pod = this.#podsByName.get(a.pod);
      if (pod) pod.weight = Math.max(0, a.weight);
    }
    for (const a of actions.resizes ?? []) {
      const pod = this.#podsByName.get(a.pod);
      if (!pod) continue;
      const target = sized(pod.desired, a.cpuMilli, a.memoryBytes);
      const pending = pod.pendingResize?.target;
      if (pending ? same(pending, target) : same(pod.enacted, target)) continue;
      requestResize(pod, target, now, this.scenario.resizeDelaySeconds);
      const kind =
        pod.resize === 'Deferred'
          ? 'resize-deferred'
          : pod.resize === 'Infeasible'
            ? 'resize-infeasible'
            : 'resize';
      this.#recorder.event({
        tSeconds: now,
        kind,
        service: this.services[pod.service]!.spec.name,
        pod: pod.name,
        detail: { cpuMilli: target.cpuMilli, memoryBytes: target.memoryBytes },
      });
    }
    for (const a of actions.recreates ?? []) {
      const pod = this.#podsByName.get(a.pod);
      if (!pod) continue;
      const service = this.services[pod.service]!;
      const size = sized(pod.desired, a.cpuMilli, a.memoryBytes);
      service.lostSinceStep += restart(pod, now, service.spec.startupSeconds);
      unplace(pod);
      pod.enacted = { ...size };
      pod.desired = { ...size };
      pod.pendingResize = null;
      pod.resize = 'None';
      schedule(this.nodes, pod, now, service.spec.startupSeconds);
      this.#recorder.event({
        tSeconds: now,
        kind: 'recreate',
        service: service.spec.name,
        pod: pod.name,
        detail: { cpuMilli: size.cpuMilli, memoryBytes: size.memoryBytes },
      });
    }
    for (const a of actions.replicas ?? []) {
      const service = this.services.find((s) => s.spec.name === a.service);
      if (!service) continue;
      if (a.template) service.template = sized(service.template, a.template.cpuMilli, a.template.memoryBytes);
      this.#scale(service, Math.max(0, Math.round(a.replicas)), now);
    }
  }

  #scale(service: SimService, replicas: number, now: number): void {
    const from = service.pods.length;
    service.target = replicas;
    if (replicas === from) return;
    while (service.pods.length < replicas) this.#createPod(service, now);
    if (service.pods.length > replicas) {
      // ReplicaSet order: unscheduled first, then not ready, then the newest.
      const rank = (p: SimPod): number => (p.phase === 'Pending' ? 0 : p.phase === 'Starting' ? 1 : 2);
      const victims = service.pods
        .map((pod, i) => ({ pod, i }))
        .sort((a, b) => rank(a.pod) - rank(b.pod) || b.i - a.i)
        .slice(0, service.pods.length - replicas)
        .map((v) => v.pod);
      for (const pod of victims) {
        unplace(pod);
        this.#podsByName.delete(pod.name);
      }
      service.pods = service.pods.filter((p) => !victims.includes(p));
    }
    this.#recorder.event({
      tSeconds: now,
      kind: 'replicas',
      service: service.spec.name,
      detail: { from, to: replicas },
    });
  }
}

function isReady(pod: SimPod): boolean {
  return pod.phase === 'Running';
}

function sized(base: PodResources, cpuMilli?: number, memoryBytes?: number): PodResources {
  return {
    cpuMilli: Math.max(1, Math.round(cpuMilli ?? base.cpuMilli)),
    memoryBytes: Math.max(1, Math.round(memoryBytes ?? base.memoryBytes)),
  };
}

function same(a: PodResources, b: PodResources): boolean {
  return a.cpuMilli === b.cpuMilli && a.memoryBytes === b.memoryBytes;
}

/** Runs a scenario to its end under a controller and returns the per-step recording. */
export function runDiscrete(scenario: Scenario, options: RunOptions): Recording {
  return new DiscreteEngine(scenario, options).run();
}
