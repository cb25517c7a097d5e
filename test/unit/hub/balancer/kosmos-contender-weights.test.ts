// The simulated kosmos contender balances with the hub's own weights (hub/src/status/weights.ts):
// ∝ enacted CPU, smoothed, floored; and not at all when weighted balancing is off.
import { describe, expect, it } from 'vitest';
import { computeWeights, MAX_WEIGHT, WEIGHT_DEFAULTS } from '../../../../hub/src/status/weights.ts';
import type { Controller, ControllerActions, Observation } from '../../../../sim/discrete/controller.ts';
import { runDiscrete } from '../../../../sim/discrete/engine.ts';
import { KosmosController } from '../../../../sim/discrete/kosmos-controller.ts';
import type { ServiceScenario } from '../../../../sim/scenario/types.ts';
import { MI, scenario, service } from '../../sim/discrete/fixtures.ts';

/** Three pods held at three replicas, 200 req/s. */
function web(): ServiceScenario {
  const base = service('web', { replicas: 3, traceSpec: { kind: 'steady', rps: 200 } });
  const replicas = { min: 3, max: 3 };
  return {
    ...base,
    sla: { ...base.sla, minReplicas: 3, maxReplicas: 3, spec: { ...base.sla.spec, replicas } },
  };
}

/** One big node and one small: the pod on the small node is held small by the arbiter. */
const uneven = scenario([web()], {
  name: 'uneven',
  description: 'two pods on a 2.9-core node, one on a 1-core node',
  seed: 7,
  durationSeconds: 120,
  nodes: [
    { name: 'big', allocatable: { cpuMilli: 2900, memoryBytes: 8192 * MI } },
    { name: 'small', allocatable: { cpuMilli: 1000, memoryBytes: 8192 * MI } },
  ],
});

function recorded(inner: Controller) {
  const ticks: { obs: Observation; actions: ControllerActions }[] = [];
  const controller: Controller = {
    name: inner.name,
    periodSeconds: inner.periodSeconds,
    start: (ctx) => inner.start?.(ctx),
    decide: (obs) => {
      const actions = inner.decide(obs);
      ticks.push({ obs, actions });
      return actions;
    },
  };
  return { controller, ticks };
}

describe('kosmos contender load-balancer weights', () => {
  it('emits, every tick, the weights the hub computes from the pods enacted CPU (same smoothing and floor)', () => {
    const { controller, ticks } = recorded(new KosmosController());
    runDiscrete(uneven, { controller });
    expect(ticks.length).toBeGreaterThan(10);
    let state = new Map<string, number>();
    for (const { obs, actions } of ticks) {
      const pods = obs.services[0]!.pods;
      const expected = computeWeights(
        state,
        new Map(pods.map((p) => [p.name, p.enacted.cpuMilli])),
        WEIGHT_DEFAULTS,
      );
      state = expected.state;
      expect(new Map((actions.weights ?? []).map((w) => [w.pod, w.weight]))).toEqual(expected.weights);
    }
  });

  it('gives the pod held small on the small node a proportionally smaller weight', () => {
    const { controller, ticks } = recorded(new KosmosController());
    runDiscrete(uneven, { controller });
    const { obs, actions } = ticks.at(-1)!;
    const pods = obs.services[0]!.pods;
    const sizes = pods.map((p) => p.enacted.cpuMilli);
    expect(Math.max(...sizes) / Math.min(...sizes)).toBeGreaterThan(1.3);
    const weights = new Map((actions.weights ?? []).map((w) => [w.pod, w.weight]));
    const largest = pods.reduce((a, b) => (a.enacted.cpuMilli >= b.enacted.cpuMilli ? a : b));
    expect(weights.get(largest.name)).toBe(MAX_WEIGHT);
    for (const p of pods) {
      // Within the EWMA lag of one resize: the weight tracks size relative to the largest.
      expect(weights.get(p.name)! / MAX_WEIGHT).toBeCloseTo(p.enacted.cpuMilli / largest.enacted.cpuMilli, 1);
    }
  });

  it('emits no weights when weighted balancing is off (equal split over ready pods)', () => {
    const { controller, ticks } = recorded(new KosmosController({ weightedBalancing: false }));
    runDiscrete(uneven, { controller });
    expect(ticks.every((t) => (t.actions.weights ?? []).length === 0)).toBe(true);
  });
});
