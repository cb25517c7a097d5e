// kosmos on a real process: one pod of the sample app (10 ms of CPU per request) in a real cgroup at
// 200m, the real hub and agent (real gRPC, the agent's real cgroup reader and scraper). A step of
// open-loop Poisson load from 3 to 30 rps (0.3 cores) overloads the pod; kosmos raises its CFS quota
// in place and the latency the client measures (from each request's scheduled send time) returns
// under the 150 ms p95 objective. Skips only where cgroups are not writable.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { V1Pod } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GROUP, SLA_PLURAL, VERSION } from '../../../lib/api/types.ts';
import { clientFigures } from '../../../sim/load/client-figures.ts';
import { type RequestRecord, runOpenLoop } from '../../../sim/load/open-loop.ts';
import { realCgroupsUnavailable } from '../../../sim/node/real/cgroup-tree.ts';
import type { RealCluster } from '../../../sim/node/real/real-cluster.ts';
import { type HubAgentPair, startHubAndAgent } from '../hub/pair.ts';
import { webSla } from '../hub/web-service.ts';
import { REAL_NODE, type RealWeb, startRealWeb } from './real-web.ts';

const unavailable = realCgroupsUnavailable();
if (unavailable) console.warn(`step-load: skipped, real cgroups are not usable here: ${unavailable}`);
const NS = 'default';
const NODE = REAL_NODE;
const SLO_MS = 200;
const STEP_AT_SECONDS = 5;
const DURATION_SECONDS = 30;
const LOW_RPS = 3;
const HIGH_RPS = 30;

describe.skipIf(unavailable !== undefined)('a step load on one real pod', () => {
  let cluster: RealCluster;
  let pair: HubAgentPair | undefined;
  let pod: V1Pod;
  let records: RequestRecord[];
  const quotaMilli: { t: number; milli: number }[] = [];

  beforeAll(async () => {
    let clients: RealWeb['clients'];
    ({ cluster, clients, pod } = await startRealWeb(
      { requests: { cpu: '200m', memory: '128Mi' }, limits: { cpu: '200m', memory: '128Mi' } },
      ['--cpu-per-request-ms', '10'],
    ));
    const sla = webSla({ maxCpu: '1', maxReplicas: 1, policy: { mode: 'Auto' } });
    sla.spec.objective = { responseTime: `${SLO_MS}ms`, statistic: 'p95' };
    await clients.custom.createNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      namespace: NS,
      plural: SLA_PLURAL,
      body: sla,
    });
    pair = await startHubAndAgent(
      cluster.api,
      undefined,
      NODE,
      ['--period=1s'],
      ['--tick=1s', ...cluster.agentCgroupFlags(NODE)],
    );
    const group = cluster.tree.groupOf(
      { node: NODE, uid: pod.metadata!.uid!, qosClass: 'Guaranteed' },
      pod.status!.containerStatuses![0]!.containerID!,
    );
    const quotaFile = path.join(cluster.tree.layout(NODE).hierarchies.cpu, group, 'cpu.cfs_quota_us');
    const started = performance.now();
    const sampler = setInterval(() => {
      try {
        quotaMilli.push({
          t: (performance.now() - started) / 1000,
          milli: Number(readFileSync(quotaFile, 'utf8')) / 100,
        });
      } catch {
        // the pod went away: nothing to sample
      }
    }, 500);
    records = await runOpenLoop({
      rateAt: (t) => (t < STEP_AT_SECONDS ? LOW_RPS : HIGH_RPS),
      durationSeconds: DURATION_SECONDS,
      target: () => ({ host: pod.status!.podIP!, port: 8080, path: '/work' }),
      seed: 7,
    });
    clearInterval(sampler);
  }, 90_000);

  afterAll(async () => {
    await pair?.stop();
    await cluster?.stop();
  });

  it('raises the pod’s enacted CFS quota in place', () => {
    const beforeStep = quotaMilli.filter((q) => q.t < STEP_AT_SECONDS).map((q) => q.milli);
    expect(beforeStep.length).toBeGreaterThan(0);
    expect(Math.max(...beforeStep)).toBeLessThanOrEqual(200);
    expect(Math.max(...quotaMilli.map((q) => q.milli))).toBeGreaterThanOrEqual(400);
  });

  it('brings the latency the client measures back under the objective', () => {
    const last = clientFigures(records, {
      sloMs: SLO_MS,
      statistic: 'p95',
      durationSeconds: DURATION_SECONDS,
      fromSeconds: DURATION_SECONDS - 10,
      windowSeconds: 10,
    });
    const series = clientFigures(records, {
      sloMs: SLO_MS,
      statistic: 'p95',
      durationSeconds: DURATION_SECONDS,
      windowSeconds: 5,
    });
    const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
    console.info(
      `step-load: last 10 s p95 ${last.windows[0]?.statisticMs.toFixed(0)} ms over ${last.requests} requests, errors ${last.errorsPct.toFixed(1)} %, max quota ${Math.max(...quotaMilli.map((q) => q.milli))}m, load average ${load}; p95 per 5 s: ${series.windows.map((w) => w.statisticMs.toFixed(0)).join(' ')} ms; quota: ${quotaMilli
        .filter((_, i) => i % 4 === 0)
        .map((q) => q.milli)
        .join(' ')}m`,
    );
    expect(last.requests).toBeGreaterThan(200);
    expect(last.errorsPct).toBe(0);
    expect(last.windows[0]!.statisticMs).toBeLessThan(SLO_MS);
  });
});
