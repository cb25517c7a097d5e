// The HPA contender on real pods: every 15 s (the upstream sync period) the upstream replica
// calculator (bench/baselines/hpa.ts) over each pod's CPU, measured from its real cgroup since the
// last sync (what metrics-server would report), then the default behavior — scale-up by at most
// max(100 %, 4 pods) per period, scale-down to the highest recommendation of the last 300 s — written
// through the Deployment's /scale subresource.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as k8s from '@kubernetes/client-node';
import type { kubeClients } from '../../lib/kube.ts';
import type { Logger } from '../../lib/log.ts';
import { parseCpuMilli } from '../../lib/quantity.ts';
import type { KObject } from '../../packages/apiserver/index.ts';
import type { RealCluster } from '../../sim/node/real/real-cluster.ts';
import { HPA_DEFAULTS, type HpaPod, type HpaPodMetric, resourceReplicas } from '../baselines/hpa.ts';

const SCALE_DOWN_STABILIZATION_SECONDS = 300;

export interface HpaDriverOptions {
  cluster: RealCluster;
  clients: ReturnType<typeof kubeClients>;
  namespace: string;
  deployment: string;
  targetUtilizationPercent: number;
  maxReplicas: number;
  log: Logger;
  syncPeriodSeconds?: number;
}

export function startHpaDriver(o: HpaDriverOptions): { stop(): void } {
  const period = o.syncPeriodSeconds ?? HPA_DEFAULTS.syncPeriodSeconds;
  const lastUsage = new Map<string, { ns: number; atSeconds: number }>();
  const recommendations: { atSeconds: number; replicas: number }[] = [];
  const deployments = o.cluster.api.resource('apps', 'deployments');

  const podsNow = () =>
    [...o.cluster.api.api.store.scan('/pods', o.namespace)].filter(
      (p) => p.metadata.labels?.['app'] === o.deployment,
    );

  const usageNs = (p: Readonly<KObject>): number | undefined => {
    const id = p.status?.containerStatuses?.[0]?.containerID;
    if (!id) return undefined;
    const ref = { node: p.spec.nodeName, uid: p.metadata.uid!, qosClass: p.status.qosClass ?? 'Burstable' };
    const file = path.join(
      o.cluster.tree.layout(ref.node).hierarchies.cpuacct,
      o.cluster.tree.groupOf(ref, id),
      'cpuacct.usage',
    );
    try {
      return Number(readFileSync(file, 'utf8'));
    } catch {
      return undefined;
    }
  };

  const sync = async () => {
    const now = Date.now() / 1000;
    const pods: HpaPod[] = [];
    const metrics = new Map<string, HpaPodMetric>();
    for (const p of podsNow()) {
      const ready = (p.status?.conditions ?? []).find((c: { type: string }) => c.type === 'Ready');
      pods.push({
        name: p.metadata.name!,
        phase: p.status?.phase ?? 'Pending',
        deleting: Boolean(p.metadata.deletionTimestamp),
        ready: ready
          ? {
              status: ready.status === 'True',
              lastTransitionSeconds: Date.parse(ready.lastTransitionTime) / 1000,
            }
          : undefined,
        startSeconds: p.status?.startTime ? Date.parse(p.status.startTime) / 1000 : undefined,
        cpuRequestMilli: parseCpuMilli(p.spec.containers[0].resources?.requests?.cpu ?? '0'),
      });
      const ns = usageNs(p);
      if (ns === undefined) continue;
      const prev = lastUsage.get(p.metadata.uid!);
      lastUsage.set(p.metadata.uid!, { ns, atSeconds: now });
      if (prev && now > prev.atSeconds)
        metrics.set(p.metadata.name!, {
          valueMilli: (ns - prev.ns) / 1e6 / (now - prev.atSeconds),
          timestampSeconds: now,
          windowSeconds: now - prev.atSeconds,
        });
    }
    const current = o.cluster.api.api.tryGet(deployments, o.namespace, o.deployment)?.spec?.replicas ?? 1;
    if (metrics.size === 0) return;
    let proposal: number;
    try {
      proposal = resourceReplicas({
        currentReplicas: current,
        targetUtilizationPercent: o.targetUtilizationPercent,
        pods,
        metrics,
        nowSeconds: now,
      }).replicas;
    } catch (err) {
      o.log.info({ err: (err as Error).message }, 'hpa: no proposal this period');
      return;
    }
    recommendations.push({ atSeconds: now, replicas: proposal });
    while (recommendations[0] && recommendations[0].atSeconds < now - SCALE_DOWN_STABILIZATION_SECONDS)
      recommendations.shift();
    const stabilized = Math.max(...recommendations.map((r) => r.replicas));
    const upLimit = Math.max(current * 2, current + 4);
    const wanted = proposal > current ? Math.min(proposal, upLimit) : Math.min(current, stabilized);
    const next = Math.min(o.maxReplicas, Math.max(1, wanted));
    if (next === current) return;
    o.log.info({ from: current, to: next, proposal }, 'hpa: scale');
    await o.clients.apps.patchNamespacedDeploymentScale(
      { name: o.deployment, namespace: o.namespace, body: { spec: { replicas: next } } },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    );
  };
  const timer = setInterval(
    () => void sync().catch((err) => o.log.warn({ err }, 'hpa sync failed')),
    period * 1000,
  );
  void sync();
  return { stop: () => clearInterval(timer) };
}
