// The one-node real cluster the real-process tests share: the web Deployment of one pod running the
// sample app with the given resources and arguments, created and waited for until Running.
import type { V1Pod, V1ResourceRequirements } from '@kubernetes/client-node';
import { kubeClients } from '../../../lib/kube.ts';
import { silentLogger } from '../../../lib/log.ts';
import { type RealCluster, startRealCluster } from '../../../sim/node/real/real-cluster.ts';
import { waitFor } from '../../support/wait-for.ts';
import { WEB_NAMESPACE, webDeployment } from '../hub/web-service.ts';

export const REAL_NODE = 'node-1';

export interface RealWeb {
  cluster: RealCluster;
  clients: ReturnType<typeof kubeClients>;
  pod: V1Pod;
}

/** A 1-core node (run quota 1 core) with the web pod Running; the caller stops `cluster`. */
export async function startRealWeb(resources: V1ResourceRequirements, args: string[]): Promise<RealWeb> {
  const cluster = await startRealCluster({
    nodes: [{ name: REAL_NODE, cpu: '1', memory: '4Gi' }],
    totalCpuMilli: 1000,
    log: silentLogger(),
  });
  try {
    const clients = kubeClients(cluster.api.kubeConfig());
    const deployment = webDeployment(1);
    const container = deployment.spec!.template.spec!.containers[0]!;
    container.resources = resources;
    container.args = args;
    await clients.apps.createNamespacedDeployment({ namespace: WEB_NAMESPACE, body: deployment });
    const pod = await waitFor(
      'the web pod Running',
      async () =>
        (await clients.core.listNamespacedPod({ namespace: WEB_NAMESPACE })).items.find(
          (p) => p.status?.phase === 'Running',
        ),
      40_000,
    );
    return { cluster, clients, pod };
  } catch (err) {
    await cluster.stop();
    throw err;
  }
}
