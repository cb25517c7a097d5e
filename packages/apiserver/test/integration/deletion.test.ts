// Deletion as on a real cluster: a running pod is Terminating (deletionTimestamp, grace period)
// until its kubelet stops it; unscheduled pods and grace period 0 go at once; a foreground
// deletion keeps the owner, with the foregroundDeletion finalizer, until its dependents are gone.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Cluster, pod, startCluster, waitFor } from './helpers.ts';

describe('graceful and foreground deletion', () => {
  let c: Cluster;
  const ns = 'default';
  beforeAll(async () => {
    c = await startCluster({ nodes: [{ name: 'n1', cpu: '4', memory: '8Gi' }], podTerminationDelayMs: 1000 });
  });
  afterAll(async () => c.server.stop());

  const running = (name: string) =>
    waitFor(
      async () => (await c.core.readNamespacedPod({ namespace: ns, name })).status?.phase === 'Running',
      3000,
      `${name} running`,
    );
  const gone = (read: () => Promise<unknown>) =>
    waitFor(
      async () => {
        try {
          await read();
          return false;
        } catch {
          return true;
        }
      },
      5000,
      'object gone',
    );

  it('keeps a running pod Terminating with its grace period until the kubelet has stopped it', async () => {
    await c.core.createNamespacedPod({ namespace: ns, body: pod('graceful', { cpu: '100m' }) });
    await running('graceful');
    const deleted = await c.core.deleteNamespacedPod({ namespace: ns, name: 'graceful' });
    expect(deleted.metadata?.deletionTimestamp).toBeInstanceOf(Date);
    expect(deleted.metadata?.deletionGracePeriodSeconds).toBe(30);
    const terminating = await c.core.readNamespacedPod({ namespace: ns, name: 'graceful' });
    expect(terminating.metadata?.deletionTimestamp).toBeInstanceOf(Date);
    await gone(() => c.core.readNamespacedPod({ namespace: ns, name: 'graceful' }));
  });

  it('deletes at once with gracePeriodSeconds=0, and a shorter grace period shortens a termination', async () => {
    await c.core.createNamespacedPod({ namespace: ns, body: pod('forced', { cpu: '100m' }) });
    await running('forced');
    await c.core.deleteNamespacedPod({ namespace: ns, name: 'forced', gracePeriodSeconds: 5 });
    const shorter = await c.core.deleteNamespacedPod({
      namespace: ns,
      name: 'forced',
      gracePeriodSeconds: 0,
    });
    expect(shorter.metadata?.name).toBe('forced');
    await expect(c.core.readNamespacedPod({ namespace: ns, name: 'forced' })).rejects.toMatchObject({
      code: 404,
    });
  });

  it('deletes an unscheduled pod at once', async () => {
    await c.core.createNamespacedPod({ namespace: ns, body: pod('unschedulable', { cpu: '64' }) });
    await c.core.deleteNamespacedPod({ namespace: ns, name: 'unschedulable' });
    await expect(c.core.readNamespacedPod({ namespace: ns, name: 'unschedulable' })).rejects.toMatchObject({
      code: 404,
    });
  });

  it('deletes a Deployment in the foreground: the owner waits with its finalizer until its pods are gone', async () => {
    const labels = { app: 'fg' };
    await c.apps.createNamespacedDeployment({
      namespace: ns,
      body: {
        metadata: { name: 'fg' },
        spec: {
          replicas: 2,
          selector: { matchLabels: labels },
          template: { metadata: { labels }, spec: { containers: [{ name: 'a', image: 'x' }] } },
        },
      },
    });
    const podsOf = async () =>
      (await c.core.listNamespacedPod({ namespace: ns, labelSelector: 'app=fg' })).items;
    await waitFor(
      async () => (await podsOf()).filter((p) => p.status?.phase === 'Running').length === 2,
      3000,
      '2 pods',
    );
    await c.apps.deleteNamespacedDeployment({ namespace: ns, name: 'fg', propagationPolicy: 'Foreground' });
    const waiting = await c.apps.readNamespacedDeployment({ namespace: ns, name: 'fg' });
    expect(waiting.metadata?.finalizers).toContain('foregroundDeletion');
    expect(waiting.metadata?.deletionTimestamp).toBeInstanceOf(Date);
    await waitFor(
      async () => (await podsOf()).every((p) => p.metadata?.deletionTimestamp),
      3000,
      'pods terminating',
    );
    expect((await c.apps.readNamespacedDeployment({ namespace: ns, name: 'fg' })).metadata?.name).toBe('fg');
    await gone(() => c.apps.readNamespacedDeployment({ namespace: ns, name: 'fg' }));
    expect(await podsOf()).toEqual([]);
    const sets = await c.apps.listNamespacedReplicaSet({ namespace: ns });
    expect(sets.items.filter((rs) => rs.metadata?.name?.startsWith('fg-'))).toEqual([]);
  });
});
