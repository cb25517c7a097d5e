import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Cluster, rejection, startCluster, waitFor } from './helpers.ts';

const merge = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch);

function deployment(name: string, replicas: number, cpu = '500m'): k8s.V1Deployment {
  return {
    metadata: { name },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          containers: [{ name: 'app', image: 'web:1', resources: { requests: { cpu, memory: '128Mi' } } }],
        },
      },
    },
  };
}

describe('workload controllers, scale and status subresources, garbage collection', () => {
  let c: Cluster;
  const ns = 'apps';
  beforeAll(async () => {
    c = await startCluster({
      nodes: [
        { name: 'n1', cpu: '2', memory: '8Gi' },
        { name: 'n2', cpu: '2', memory: '8Gi' },
      ],
    });
    await c.core.createNamespace({ body: { metadata: { name: ns } } });
  });
  afterAll(async () => {
    await c.server.stop();
  });

  const podsOf = async (app: string) =>
    (await c.core.listNamespacedPod({ namespace: ns, labelSelector: `app=${app}` })).items.filter(
      (p) => !p.metadata?.deletionTimestamp,
    );

  it('creates pods from the template, owned through a ReplicaSet, spread over nodes, Running and Ready', async () => {
    await c.apps.createNamespacedDeployment({ namespace: ns, body: deployment('web', 2) });
    const d = await waitFor(
      async () => {
        const x = await c.apps.readNamespacedDeployment({ namespace: ns, name: 'web' });
        return x.status?.readyReplicas === 2 ? x : undefined;
      },
      3000,
      'two ready replicas',
    );
    expect(d.status?.observedGeneration).toBe(1);
    const pods = await podsOf('web');
    expect(pods).toHaveLength(2);
    const rs = (await c.apps.listNamespacedReplicaSet({ namespace: ns })).items.find(
      (r) => r.metadata?.ownerReferences?.[0]?.uid === d.metadata?.uid,
    );
    expect(rs?.metadata?.name).toMatch(/^web-[a-z0-9]{10}$/);
    for (const p of pods) {
      expect(p.metadata?.name).toMatch(new RegExp(`^${rs!.metadata!.name}-[a-z0-9]{5}$`));
      expect(p.metadata?.ownerReferences?.[0]).toMatchObject({
        kind: 'ReplicaSet',
        controller: true,
        uid: rs!.metadata!.uid,
      });
      expect(p.status?.phase).toBe('Running');
    }
    expect(new Set(pods.map((p) => p.spec?.nodeName))).toEqual(new Set(['n1', 'n2']));
  });

  it('scales through the scale subresource and reports the selector', async () => {
    const scale = await c.apps.readNamespacedDeploymentScale({ namespace: ns, name: 'web' });
    expect(scale.spec?.replicas).toBe(2);
    expect(scale.status?.selector).toBe('app=web');
    const up = await c.apps.patchNamespacedDeploymentScale(
      { namespace: ns, name: 'web', body: { spec: { replicas: 4 } } },
      merge,
    );
    expect(up.spec?.replicas).toBe(4);
    await waitFor(
      async () => (await podsOf('web')).filter((p) => p.status?.phase === 'Running').length === 4,
      3000,
      'four pods',
    );
    const stale = await rejection(
      c.apps.replaceNamespacedDeploymentScale({
        namespace: ns,
        name: 'web',
        body: { ...scale, spec: { replicas: 1 } },
      }),
    );
    expect(stale.code).toBe(409);
    await c.apps.patchNamespacedDeploymentScale(
      { namespace: ns, name: 'web', body: { spec: { replicas: 1 } } },
      merge,
    );
    await waitFor(async () => (await podsOf('web')).length === 1, 3000, 'one pod');
  });

  it('leaves pods Pending and Unschedulable when no node has room', async () => {
    await c.apps.createNamespacedDeployment({ namespace: ns, body: deployment('huge', 1, '3') });
    const p = await waitFor(
      async () => {
        const [x] = await podsOf('huge');
        return x?.status?.conditions?.find((cond) => cond.type === 'PodScheduled')?.reason === 'Unschedulable'
          ? x
          : undefined;
      },
      3000,
      'unschedulable',
    );
    expect(p.status?.phase).toBe('Pending');
    expect(p.status?.conditions?.[0]?.message).toContain('Insufficient cpu');
  });

  it('deleting a Deployment removes its ReplicaSets and pods', async () => {
    await c.apps.deleteNamespacedDeployment({ namespace: ns, name: 'web' });
    await waitFor(async () => (await podsOf('web')).length === 0, 3000, 'pods collected');
    const sets = await c.apps.listNamespacedReplicaSet({ namespace: ns, labelSelector: 'app=web' });
    expect(sets.items).toHaveLength(0);
  });

  it('orphans dependents when asked to', async () => {
    await c.apps.createNamespacedDeployment({ namespace: ns, body: deployment('keep', 1, '100m') });
    await waitFor(async () => (await podsOf('keep')).length === 1, 3000, 'pod');
    await c.apps.deleteNamespacedDeployment({ namespace: ns, name: 'keep', propagationPolicy: 'Orphan' });
    const sets = await c.apps.listNamespacedReplicaSet({ namespace: ns, labelSelector: 'app=keep' });
    expect(sets.items).toHaveLength(1);
    expect(sets.items[0]?.metadata?.ownerReferences).toBeUndefined();
  });

  it('runs a StatefulSet as ordinal pods in order and scales it', async () => {
    await c.apps.createNamespacedStatefulSet({
      namespace: ns,
      body: {
        metadata: { name: 'db' },
        spec: {
          serviceName: 'db',
          replicas: 2,
          selector: { matchLabels: { app: 'db' } },
          template: {
            metadata: { labels: { app: 'db' } },
            spec: { containers: [{ name: 'db', image: 'db:1' }] },
          },
        },
      },
    });
    await waitFor(
      async () => (await podsOf('db')).filter((p) => p.status?.phase === 'Running').length === 2,
      3000,
      'two pods',
    );
    expect((await podsOf('db')).map((p) => p.metadata?.name).sort()).toEqual(['db-0', 'db-1']);
    await c.apps.patchNamespacedStatefulSetScale(
      { namespace: ns, name: 'db', body: { spec: { replicas: 3 } } },
      merge,
    );
    await waitFor(async () => (await podsOf('db')).length === 3, 3000, 'three pods');
    const sts = await waitFor(
      async () => {
        const x = await c.apps.readNamespacedStatefulSet({ namespace: ns, name: 'db' });
        return x.status?.readyReplicas === 3 ? x : undefined;
      },
      3000,
      'three ready',
    );
    expect(sts.status?.replicas).toBe(3);
    await c.apps.patchNamespacedStatefulSetScale(
      { namespace: ns, name: 'db', body: { spec: { replicas: 1 } } },
      merge,
    );
    await waitFor(
      async () => (await podsOf('db')).map((p) => p.metadata?.name).join() === 'db-0',
      3000,
      'db-0 only',
    );
  });

  it('keeps status and spec apart: status writes ignore spec, spec writes ignore status', async () => {
    await c.apps.createNamespacedDeployment({ namespace: ns, body: deployment('split', 0) });
    const d = await c.apps.readNamespacedDeployment({ namespace: ns, name: 'split' });
    const viaStatus = await c.apps.replaceNamespacedDeploymentStatus({
      namespace: ns,
      name: 'split',
      body: {
        ...d,
        metadata: { ...d.metadata, resourceVersion: undefined },
        spec: { ...d.spec!, replicas: 7 },
        status: { ...d.status, collisionCount: 3 },
      },
    });
    expect(viaStatus.spec?.replicas).toBe(0);
    expect(viaStatus.status?.collisionCount).toBe(3);
    const viaMain = await c.apps.patchNamespacedDeployment(
      {
        namespace: ns,
        name: 'split',
        body: { spec: { replicas: 0, paused: true }, status: { collisionCount: 9 } },
      },
      merge,
    );
    expect(viaMain.status?.collisionCount).toBe(3);
    expect(viaMain.metadata?.generation).toBe(2);
  });

  it('removes the contents of a deleted namespace, then the namespace', async () => {
    await c.core.createNamespace({ body: { metadata: { name: 'doomed' } } });
    await c.core.createNamespacedConfigMap({ namespace: 'doomed', body: { metadata: { name: 'x' } } });
    await c.core.deleteNamespace({ name: 'doomed' });
    await waitFor(
      async () => {
        const err = await rejection(c.core.readNamespace({ name: 'doomed' }));
        return err.code === 404;
      },
      3000,
      'namespace gone',
    );
    const left = await c.core.listConfigMapForAllNamespaces({ fieldSelector: 'metadata.namespace=doomed' });
    expect(left.items).toHaveLength(0);
  });
});
