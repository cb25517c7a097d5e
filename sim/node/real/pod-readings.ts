// What a real pod's cgroups say right now: its enacted CFS quota and its CPU counter, read from the
// kernel for the benchmark's and the demo's samplers (the agent has its own reader).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { KObject } from '../../../packages/apiserver/index.ts';
import type { RealCluster } from './real-cluster.ts';

export interface PodCgroupReading {
  /** The first container's CFS quota, milli-cores (`unlimitedMilli` when it has none). */
  quotaMilli: number;
  /** cpuacct.usage of the first container, ns. */
  usageNs: number;
}

/** Reads each running pod's quota and CPU counter, by pod uid; pods without a cgroup are left out. */
export function podCgroupReadings(
  cluster: RealCluster,
  pods: Iterable<Readonly<KObject>>,
  unlimitedMilli: number,
): Map<string, PodCgroupReading> {
  const out = new Map<string, PodCgroupReading>();
  for (const p of pods) {
    const id = p.status?.containerStatuses?.[0]?.containerID;
    if (p.status?.phase !== 'Running' || !id) continue;
    const ref = { node: p.spec.nodeName, uid: p.metadata.uid!, qosClass: p.status.qosClass ?? 'Burstable' };
    const layout = cluster.tree.layout(ref.node);
    const group = cluster.tree.groupOf(ref, id);
    try {
      const quota = Number(
        readFileSync(path.join(layout.hierarchies.cpu, group, 'cpu.cfs_quota_us'), 'utf8'),
      );
      const usageNs = Number(
        readFileSync(path.join(layout.hierarchies.cpuacct, group, 'cpuacct.usage'), 'utf8'),
      );
      out.set(p.metadata.uid!, { quotaMilli: quota > 0 ? quota / 100 : unlimitedMilli, usageNs });
    } catch {
      // the pod is going away: its cgroup with it
    }
  }
  return out;
}
