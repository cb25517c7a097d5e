import { describe, expect, it } from 'vitest';
import type { Observation } from '../../../../sim/discrete/controller.ts';
import { DiscreteEngine, runDiscrete } from '../../../../sim/discrete/engine.ts';
import { recordingHash } from '../../../../sim/discrete/recorder.ts';
import { MI, scenario, scripted, service } from './fixtures.ts';

const idle = () => ({ name: 'static', periodSeconds: 15, decide: () => ({}) });

describe('discrete engine', () => {
  it('reproduces a run bit for bit with the same seed, and differs with another seed', () => {
    const sc = scenario([
      service('web', { traceSpec: { kind: 'sine', meanRps: 60, amplitudeRps: 40, periodSeconds: 300 } }),
      service('api', { replicas: 1, traceSpec: { kind: 'step', fromRps: 20, toRps: 45, atSeconds: 200 } }),
    ]);
    const a = runDiscrete(sc, { controller: idle() });
    const b = runDiscrete(sc, { controller: idle() });
    expect(recordingHash(a)).toBe(recordingHash(b));
    expect(a).toEqual(b);
    const c = runDiscrete(sc, { controller: idle(), seed: 43 });
    expect(recordingHash(c)).not.toBe(recordingHash(a));
  });

  it('gives each ready pod of a static service the M/M/1-PS mean response time (no arrival noise)', () => {
    // 2 pods of 1 core, 60 rps, D = 20 ms: each pod ρ = 30·0.02 = 0.6, mean RT = 0.02/(1−0.6) = 50 ms.
    const sc = scenario([service('web', { arrivals: 'none', traceSpec: { kind: 'steady', rps: 60 } })]);
    const rec = runDiscrete(sc, { controller: idle() });
    const s = rec.services[0]!;
    expect(s.meanRtSeconds[500]).toBeCloseTo(0.05, 6);
    expect(s.p95RtSeconds[500]).toBeCloseTo(0.05 * -Math.log(0.05), 5);
    expect(s.usedCores[500]).toBeCloseTo(1.2, 6);
    expect(s.allocatedCores[500]).toBe(2);
    expect(s.sloViolated[500]).toBe(1); // p95 ≈ 150 ms > 100 ms
  });

  it('places pods on the node with the most free allocatable CPU', () => {
    const sc = scenario([
      service('web', { replicas: 3, resources: { cpuMilli: 1500, memoryBytes: 256 * MI } }),
    ]);
    const engine = new DiscreteEngine(sc, { controller: idle() });
    const perNode = engine.nodes.map((n) => n.pods.map((p) => p.name));
    expect(perNode).toEqual([['web-0', 'web-2'], ['web-1']]);
  });

  it('enacts an in-place resize after the enactment delay and defers one the node cannot fit', () => {
    const sc = scenario([service('web', { replicas: 2 })], {
      nodes: [{ name: 'only', allocatable: { cpuMilli: 3000, memoryBytes: 8192 * MI } }],
    });
    const ctl = scripted(5, (o) =>
      o.nowSeconds === 5
        ? {
            resizes: [
              { pod: 'web-0', cpuMilli: 1800 },
              { pod: 'web-1', cpuMilli: 1500 }, // 1800 + 1500 > 3000: Deferred
            ],
          }
        : o.nowSeconds === 15
          ? { resizes: [{ pod: 'web-0', cpuMilli: 1200 }] } // frees room: the deferred one goes through
          : {},
    );
    runDiscrete(sc, { controller: ctl, durationSeconds: 30 });
    const pod = (o: Observation, name: string) => o.services[0]!.pods.find((p) => p.name === name)!;
    const at = (t: number) => ctl.seen.find((o) => o.nowSeconds === t)!;
    expect(pod(at(10), 'web-0').enacted.cpuMilli).toBe(1800);
    expect(pod(at(10), 'web-1').resize).toBe('Deferred');
    expect(pod(at(10), 'web-1').enacted.cpuMilli).toBe(1000);
    expect(pod(at(25), 'web-0').enacted.cpuMilli).toBe(1200);
    expect(pod(at(25), 'web-1').enacted.cpuMilli).toBe(1500);
    expect(at(25).nodes[0]!.allocated.cpuMilli).toBe(2700);
  });

  it('marks a resize larger than the node Infeasible and leaves the pod as it was', () => {
    const ctl = scripted(5, (o) =>
      o.nowSeconds === 5 ? { resizes: [{ pod: 'web-0', cpuMilli: 9000 }] } : {},
    );
    const rec = runDiscrete(scenario([service('web')]), { controller: ctl, durationSeconds: 20 });
    const last = ctl.seen.at(-1)!.services[0]!.pods[0]!;
    expect(last.resize).toBe('Infeasible');
    expect(last.enacted.cpuMilli).toBe(1000);
    expect(last.desired.cpuMilli).toBe(9000);
    expect(rec.events.some((e) => e.kind === 'resize-infeasible' && e.pod === 'web-0')).toBe(true);
  });

  it('holds an in-place memory decrease below the working set in progress instead of OOM-killing', () => {
    // 100 Mi base + N·1 Mi with N = ρ/(1−ρ) = 1 at 25 rps per 1-core pod: working set ≈ 101 Mi.
    const ctl = scripted(5, (o) =>
      o.nowSeconds === 5 ? { resizes: [{ pod: 'web-0', memoryBytes: 100 * MI }] } : {},
    );
    const rec = runDiscrete(scenario([service('web', { arrivals: 'none' })]), {
      controller: ctl,
      durationSeconds: 20,
    });
    const pod = ctl.seen.at(-1)!.services[0]!.pods[0]!;
    expect(pod.resize).toBe('InProgress');
    expect(pod.enacted.memoryBytes).toBe(512 * MI);
    expect(rec.events.some((e) => e.kind === 'oom-kill')).toBe(false);
  });

  it('creates pods on scale-up that serve nothing until their startup delay has passed', () => {
    const ctl = scripted(10, (o) =>
      o.nowSeconds === 10 ? { replicas: [{ service: 'web', replicas: 4 }] } : {},
    );
    const rec = runDiscrete(scenario([service('web', { startupSeconds: 15 })]), {
      controller: ctl,
      durationSeconds: 60,
    });
    const s = rec.services[0]!;
    expect(s.replicasExisting[11]).toBe(4);
    expect(s.replicasReady[11]).toBe(2);
    expect(s.replicasReady[24]).toBe(2);
    expect(s.replicasReady[25]).toBe(4);
    const newPod = rec.pods.find((p) => p.name === 'web-3')!;
    expect(newPod.firstStep).toBe(10);
    expect(newPod.usedCores.slice(0, 15).every((u) => u === 0)).toBe(true);
    expect(newPod.usedCores[16]).toBeGreaterThan(0);
  });

  it('removes the newest pods on scale-down and records the replica change', () => {
    const ctl = scripted(10, (o) =>
      o.nowSeconds === 20 ? { replicas: [{ service: 'web', replicas: 1 }] } : {},
    );
    const rec = runDiscrete(scenario([service('web', { replicas: 3 })]), {
      controller: ctl,
      durationSeconds: 40,
    });
    expect(ctl.seen.at(-1)!.services[0]!.pods.map((p) => p.name)).toEqual(['web-0']);
    expect(rec.events.filter((e) => e.kind === 'replicas')).toEqual([
      { tSeconds: 20, kind: 'replicas', service: 'web', detail: { from: 3, to: 1 } },
    ]);
  });

  it('recreates a pod with its new size, unready for the startup delay, and counts the restart', () => {
    const ctl = scripted(10, (o) =>
      o.nowSeconds === 10 ? { recreates: [{ pod: 'web-1', cpuMilli: 2000, memoryBytes: 1024 * MI }] } : {},
    );
    const rec = runDiscrete(scenario([service('web', { startupSeconds: 8 })]), {
      controller: ctl,
      durationSeconds: 30,
    });
    const p = rec.pods.find((x) => x.name === 'web-1')!;
    expect(p.ready.slice(10, 18)).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    expect(p.ready[18]).toBe(1);
    expect(p.enactedCpuMilli[12]).toBe(2000);
    const seen = ctl.seen.at(-1)!.services[0]!.pods.find((x) => x.name === 'web-1')!;
    expect(seen.restarts).toBe(1);
    expect(rec.events.map((e) => e.kind)).toContain('recreate');
  });

  it('OOM-kills a pod whose working set exceeds its memory and restarts it', () => {
    // 400 rps on one 1-core pod: the queue fills to the timeout; 100 Mi + N·1 Mi > 150 Mi.
    const sc = scenario([
      service('web', {
        replicas: 1,
        arrivals: 'none',
        resources: { cpuMilli: 1000, memoryBytes: 150 * MI },
        traceSpec: { kind: 'steady', rps: 400 },
      }),
    ]);
    const ctl = scripted(5);
    const rec = runDiscrete(sc, { controller: ctl, durationSeconds: 30 });
    expect(rec.events.some((e) => e.kind === 'oom-kill')).toBe(true);
    expect(ctl.seen.at(-1)!.services[0]!.pods[0]!.oomKills).toBeGreaterThan(0);
    expect(rec.services[0]!.sloViolated.slice(1).every((v) => v === 1)).toBe(true);
  });

  it('splits traffic by load-balancer weights', () => {
    const ctl = scripted(5, (o) =>
      o.nowSeconds === 5
        ? {
            weights: [
              { pod: 'web-0', weight: 3 },
              { pod: 'web-1', weight: 1 },
            ],
          }
        : {},
    );
    runDiscrete(scenario([service('web', { arrivals: 'none' })]), { controller: ctl, durationSeconds: 20 });
    const [p0, p1] = ctl.seen.at(-1)!.services[0]!.pods;
    expect(p0!.requestRate).toBeCloseTo(37.5, 6);
    expect(p1!.requestRate).toBeCloseTo(12.5, 6);
  });

  it('observes rates, usage and response times over the controller period', () => {
    const ctl = scripted(15);
    runDiscrete(scenario([service('web', { arrivals: 'none' })]), { controller: ctl, durationSeconds: 60 });
    expect(ctl.seen.map((o) => o.nowSeconds)).toEqual([15, 30, 45, 60]);
    const o = ctl.seen[2]!;
    expect(o.windowSeconds).toBe(15);
    const svc = o.services[0]!;
    expect(svc.requestRate).toBeCloseTo(50, 6);
    expect(svc.replicas).toEqual({ target: 2, existing: 2, ready: 2 });
    expect(svc.rt!.meanSeconds).toBeCloseTo(0.02 / (1 - 0.5), 4);
    expect(svc.pods[0]!.usedCores).toBeCloseTo(0.5, 4);
    expect(o.nodes.map((n) => n.usedCores)).toEqual([expect.closeTo(0.5, 4), expect.closeTo(0.5, 4)]);
  });

  // How fast is for the benchmarks (bench:quality prints its wall time); here: a whole day completes.
  it('runs a day of trace at 1 s steps with 20 pods', () => {
    const services = [0, 1, 2, 3].map((i) =>
      service(`s${i}`, {
        replicas: 5,
        traceSpec: { kind: 'sine', meanRps: 100, amplitudeRps: 60, periodSeconds: 86_400 },
      }),
    );
    const nodes = [0, 1, 2, 3, 4].map((i) => ({
      name: `n${i}`,
      allocatable: { cpuMilli: 8000, memoryBytes: 32e9 },
    }));
    const rec = runDiscrete(scenario(services, { nodes, durationSeconds: 86_400 }), { controller: idle() });
    expect(rec.steps).toBe(86_400);
  });
});
