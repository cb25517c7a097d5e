// The same recorded inputs through the live hub (ControlLoop over in-memory edges: informers, API
// writer, /scale, agent reports folded into its model) and through the simulator's kosmos adapter must
// give the same decisions: desired CPU and memory per pod, replicas, and the agents' resizes — with the
// product's timing on both sides: at each tick the agents scrape, report and enact the directive of the
// hub's previous pass; the hub's pass on the reports directs the next tick.
import type { V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { nodeStep } from '../../../../agent/src/actuator/node-step.ts';
import { defaultNodeStepSettings } from '../../../../agent/src/config.ts';
import { planService } from '../../../../hub/src/control/index.ts';
import type { ScaleClient, ScaleView } from '../../../../hub/src/horizontal/scale-writer.ts';
import { ScaleWriter } from '../../../../hub/src/horizontal/scale-writer.ts';
import { ControlLoop } from '../../../../hub/src/loop/control-loop.ts';
import { policyOf } from '../../../../hub/src/loop/policy-of.ts';
import { HubMetrics } from '../../../../hub/src/metrics/hub-metrics.ts';
import { ClusterModel } from '../../../../hub/src/model/cluster-model.ts';
import type { SlaWriter } from '../../../../hub/src/sla/kube-writer.ts';
import { SlaController } from '../../../../hub/src/sla/sla-controller.ts';
import { StatusBoard } from '../../../../hub/src/status/status-board.ts';
import type { PodScale, ServiceLevelAgreement } from '../../../../lib/api/types.ts';
import type { Informer } from '../../../../lib/informer.ts';
import { KeyedWork } from '../../../../lib/keyed-work.ts';
import { silentLogger } from '../../../../lib/log.ts';
import { TokenBucket } from '../../../../lib/rate-limit.ts';
import type { NodeDirective__Output } from '../../../../proto/gen/kosmos/v1/NodeDirective.ts';
import { AgentScrapes } from '../../../../sim/discrete/agent-scrape.ts';
import type {
  Controller,
  Observation,
  PodObservation,
  PodResources,
  ResizeAction,
} from '../../../../sim/discrete/controller.ts';
import { runDiscrete } from '../../../../sim/discrete/engine.ts';
import {
  agentSample,
  contentionOf,
  KosmosController,
  trackedPod,
} from '../../../../sim/discrete/kosmos-controller.ts';
import { MI, scenario, service } from './fixtures.ts';

/** A recorded run: what the engine showed the controller each period (a load step on contended nodes). */
function record(): Observation[] {
  const sc = scenario(
    [
      service('web', {
        replicas: 3,
        startupSeconds: 5,
        resources: { cpuMilli: 500, memoryBytes: 256 * MI },
        traceSpec: { kind: 'step', fromRps: 20, toRps: 160, atSeconds: 20 },
      }),
    ],
    {
      durationSeconds: 60,
      nodes: [
        { name: 'node-a', allocatable: { cpuMilli: 1500, memoryBytes: 4096 * MI } },
        { name: 'node-b', allocatable: { cpuMilli: 1500, memoryBytes: 4096 * MI } },
      ],
    },
  );
  const seen: Observation[] = [];
  const inner = new KosmosController();
  const recorder: Controller = {
    name: 'recorder',
    periodSeconds: inner.periodSeconds,
    decide: (o) => {
      seen.push(JSON.parse(JSON.stringify(o)) as Observation);
      return inner.decide(o);
    },
  };
  runDiscrete(sc, { controller: recorder });
  return seen;
}

class FakeInformer<T extends { metadata?: { namespace?: string; name?: string } }>
  implements Informer<T & object>
{
  items: T[] = [];
  on(): void {}
  off(): void {}
  list(): T[] {
    return this.items;
  }
  get(namespace: string | undefined, name: string): T | undefined {
    return this.items.find((i) => i.metadata?.namespace === namespace && i.metadata?.name === name);
  }
  synced(): boolean {
    return true;
  }
  async waitForSync(): Promise<void> {}
  async stop(): Promise<void> {}
}

const ZERO = { cpuMilli: 0, memoryBytes: 0 };

/** The pod object the API server would hold for an engine pod. */
function podObject(p: PodObservation): V1Pod {
  const req = { cpu: `${p.desired.cpuMilli}m`, memory: `${p.desired.memoryBytes}` };
  const placed = p.node !== null;
  return {
    metadata: { namespace: 'default', name: p.name, uid: p.name, labels: { app: p.service } },
    spec: {
      ...(placed ? { nodeName: p.node! } : {}),
      containers: [{ name: 'app', image: 'x', resources: { requests: req, limits: req } }],
    },
    status: {
      phase: placed ? 'Running' : 'Pending',
      conditions: [
        { type: 'Ready', status: p.ready ? 'True' : 'False' },
        placed
          ? { type: 'PodScheduled', status: 'True' }
          : { type: 'PodScheduled', status: 'False', reason: 'Unschedulable' },
      ],
      ...(placed && p.enacted.cpuMilli > 0
        ? {
            containerStatuses: [
              {
                name: 'app',
                image: 'x',
                imageID: '',
                ready: p.ready,
                restartCount: 0,
                resources: {
                  requests: { cpu: `${p.enacted.cpuMilli}m`, memory: `${p.enacted.memoryBytes}` },
                },
              },
            ],
          }
        : {}),
    },
  } as V1Pod;
}

interface Decisions {
  desired: Map<string, PodResources>;
  replicas: Map<string, number>;
  resizes: ResizeAction[];
}

/** The live hub over in-memory edges, and the agents (their node step) answering its directives. */
class LiveHub {
  readonly #slas = new FakeInformer<ServiceLevelAgreement>();
  readonly #pods = new FakeInformer<V1Pod>();
  readonly #podScales = new FakeInformer<PodScale>();
  readonly #model = new ClusterModel();
  readonly #board = new StatusBoard();
  readonly #scales = new Map<string, ScaleView>();
  readonly #contention = new Map<string, PodResources>();
  /** The agents' scrape of the pods' metrics (the product's response-time tracker on their histograms). */
  readonly #scrapes = new AgentScrapes(1);
  readonly #loop: ControlLoop;
  #nowMs = 0;
  #sequence = 0;

  constructor() {
    const log = silentLogger();
    const work = new KeyedWork({ limit: 4, log });
    const writer: SlaWriter = {
      createPodScale: async (ps) => {
        this.#podScales.items.push(ps);
        return 'created';
      },
      deletePodScale: async () => 'deleted',
      patchPodScaleSpec: async () => 'patched',
      patchSlaStatus: async () => 'patched',
      event: async () => {},
    };
    const scale: ScaleClient = {
      read: async (_ns, ref) => this.#scales.get(ref.name)!,
      write: async () => {},
    };
    const controller = new SlaController({
      pods: this.#pods,
      podScales: this.#podScales,
      scale,
      writer,
      work,
      log,
      now: () => this.#nowMs,
      targetRefreshMs: 0,
    });
    this.#loop = new ControlLoop({
      slas: this.#slas,
      pods: this.#pods,
      controller,
      model: this.#model,
      planService,
      policyOf,
      writer,
      scaleWriter: new ScaleWriter(scale, new TokenBucket({ qps: 1000, burst: 1000 })),
      work,
      board: this.#board,
      metrics: new HubMetrics(),
      log,
      now: () => this.#nowMs,
      nodeStaleAfterMs: 60_000,
    });
  }

  /** Whether the last node step withheld anything for node contention. */
  contended(): boolean {
    return [...this.#contention.values()].some((c) => c.cpuMilli > 0 || c.memoryBytes > 0);
  }

  async step(o: Observation): Promise<Decisions> {
    this.#nowMs = o.nowSeconds * 1000;
    this.#slas.items = o.services.map((s) => ({
      apiVersion: 'autoscaling.kosmos.dev/v1alpha1',
      kind: 'ServiceLevelAgreement',
      metadata: { namespace: 'default', name: s.name, uid: `sla-${s.name}`, generation: 1 },
      spec: s.sla.spec,
    }));
    for (const s of o.services) {
      this.#scales.set(s.name, {
        specReplicas: s.replicas.target,
        statusReplicas: s.replicas.existing,
        selector: `app=${s.name}`,
      });
    }
    const pods = new Map(o.services.flatMap((s) => s.pods.map((p) => [p.name, p] as const)));
    this.#pods.items = [...pods.values()].map(podObject);
    // Every agent scrapes and reports its node's pods (with what its last node step withheld) ...
    this.#sequence++;
    const windows = this.#scrapes.scrape(o);
    const reports = o.nodes.map((node) => ({
      nodeName: node.name,
      sequence: this.#sequence,
      agentVersion: 'test',
      allocatable: node.allocatable,
      untrackedRequests: ZERO,
      windowSeconds: o.windowSeconds,
      pods: node.pods.map((name) => {
        const p = pods.get(name)!;
        const contention = this.#contention.get(name) ?? ZERO;
        return agentSample(p, {
          windowSeconds: o.windowSeconds,
          responseTime: windows.get(name)!,
          contention,
        });
      }),
    }));
    // ... then takes the newest directive (the hub's last pass) and runs its node step ...
    const resizes = this.#agents(o, pods);
    // ... while the hub folds the reports into its model and plans on them in its next pass.
    for (const report of reports) {
      if (!this.#model.node(report.nodeName)) this.#model.connect(report.nodeName, 'test', this.#nowMs);
      this.#model.foldReport(report, this.#nowMs);
    }
    await this.#loop.runOnce();
    const desired = new Map<string, PodResources>();
    for (const p of pods.values()) {
      const d = this.#model.plan(p.name)?.directive.desired;
      if (d) desired.set(p.name, { cpuMilli: Number(d.cpuMilli), memoryBytes: Number(d.memoryBytes) });
    }
    const replicas = new Map(
      this.#board.services().map((v) => [v.sla.name ?? '', v.sla.desiredReplicas ?? 0]),
    );
    return { desired, replicas, resizes };
  }

  /** Each node's agent: the node step on the hub's directive for the node. */
  #agents(o: Observation, pods: Map<string, PodObservation>): ResizeAction[] {
    const resizes: ResizeAction[] = [];
    for (const node of o.nodes) {
      // The model's directive as the agent receives it (numbers for 64-bit fields, as the loader's).
      const directed = this.#model.directivesFor(node.name) as unknown as NodeDirective__Output['pods'];
      const mine = directed.filter((d) => node.pods.includes(d.uid));
      if (mine.length === 0) continue;
      const untracked = { cpuMilli: 0, memoryBytes: 0 };
      for (const name of node.pods) {
        if (mine.some((d) => d.uid === name)) continue;
        untracked.cpuMilli += pods.get(name)!.desired.cpuMilli;
        untracked.memoryBytes += pods.get(name)!.desired.memoryBytes;
      }
      const step = nodeStep({
        directive: {
          nodeName: node.name,
          inReplyTo: this.#sequence,
          tickPeriodMs: 1000,
          policy: this.#loop.policyFor(node.name) as NodeDirective__Output['policy'],
          reserve: null,
          pods: mine,
        },
        tracked: mine.map((d) => trackedPod(pods.get(d.uid)!)),
        allocatable: node.allocatable,
        untrackedRequests: untracked,
        memoryUsageBytes: new Map(mine.map((d) => [d.uid, pods.get(d.uid)!.workingSetBytes])),
        settings: defaultNodeStepSettings(),
        nowMs: 0,
      });
      for (const g of step.grants.grants) this.#contention.set(g.uid, contentionOf(g));
      for (const { pod, decision } of step.resizes) {
        if (decision.kind !== 'patch') continue;
        const { cpuMilli, memoryBytes } = decision.plan.requested;
        resizes.push({ pod: pod.uid, cpuMilli, memoryBytes });
      }
    }
    return resizes;
  }
}

const byPod = (r: ResizeAction[]) => [...r].sort((a, b) => a.pod.localeCompare(b.pod));

describe('live hub and simulator adapters on the same recorded inputs', () => {
  const recorded = record();

  it('covers a load step, pods not ready and node contention', () => {
    const rate = (o: Observation) => o.services[0]!.requestRate;
    expect(rate(recorded.at(-1)!)).toBeGreaterThan(4 * rate(recorded[5]!));
    expect(recorded.some((o) => o.services[0]!.pods.some((p) => !p.ready))).toBe(true);
    expect(
      new Set(recorded.flatMap((o) => o.nodes.filter((n) => n.pods.length > 0).map((n) => n.name))).size,
    ).toBe(2);
  });

  it('decides the same desired sizes, replicas and resizes at every period', async () => {
    const sim = new KosmosController();
    sim.start({
      stepSeconds: 1,
      durationSeconds: 60,
      seed: 42,
      services: recorded[0]!.services.map((s) => ({
        name: s.name,
        sla: s.sla,
        template: s.template,
        startupSeconds: 5,
      })),
      nodes: recorded[0]!.nodes.map((n) => ({ name: n.name, allocatable: n.allocatable })),
      oracle: undefined as never,
    });
    const hub = new LiveHub();
    let contended = 0;
    let moved = 0;
    for (const [k, o] of recorded.entries()) {
      const simActions = sim.decide(o);
      const live = await hub.step(o);
      if (k === 0) {
        // the first pass plans, but no agent has had a directive yet: nothing is enacted at that tick
        expect(live.desired.size).toBeGreaterThan(0);
        expect([live.resizes, simActions.resizes]).toEqual([[], []]);
      }
      expect(live.desired, `desired at t=${o.nowSeconds}`).toEqual(new Map(sim.lastPlan()));
      for (const s of o.services) {
        const simReplicas =
          simActions.replicas?.find((r) => r.service === s.name)?.replicas ?? s.replicas.target;
        expect(live.replicas.get(s.name), `replicas at t=${o.nowSeconds}`).toBe(simReplicas);
      }
      expect(byPod(live.resizes), `resizes at t=${o.nowSeconds}`).toEqual(byPod(simActions.resizes ?? []));
      if ((simActions.resizes ?? []).length > 0) moved++;
      if (hub.contended()) contended++;
    }
    expect(moved).toBeGreaterThan(3);
    expect(contended).toBeGreaterThan(0);
    expect(recorded.some((o) => o.services[0]!.replicas.target > 3)).toBe(true);
  });
});
