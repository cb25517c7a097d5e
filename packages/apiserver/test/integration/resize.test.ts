import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Cluster, pod, rejection, startCluster, statusOf, waitFor } from './helpers.ts';

const strategic = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.StrategicMergePatch);

function condition(p: k8s.V1Pod, type: string) {
  return p.status?.conditions?.find((x) => x.type === type);
}

describe('in-place pod resize (pods/resize, KEP-1287)', () => {
  let c: Cluster;
  const ns = 'default';
  beforeAll(async () => {
    c = await startCluster({ nodes: [{ name: 'small', cpu: '2', memory: '4Gi' }], resizeDelayMs: 150 });
  });
  afterAll(async () => {
    await c.server.stop();
  });

  const running = (name: string) =>
    waitFor(
      async () => {
        const p = await c.core.readNamespacedPod({ namespace: ns, name });
        return p.status?.phase === 'Running' ? p : undefined;
      },
      3000,
      `${name} running`,
    );

  const resize = (name: string, cpu: string, limitCpu = cpu) =>
    c.core.patchNamespacedPodResize(
      {
        namespace: ns,
        name,
        body: {
          spec: {
            containers: [{ name: 'app', resources: { requests: { cpu }, limits: { cpu: limitCpu } } }],
          },
        },
      },
      strategic,
    );

  it('starts a bound pod Running and Ready with enacted resources in containerStatuses', async () => {
    await c.core.createNamespacedPod({
      namespace: ns,
      body: pod('g', { limits: { cpu: '500m', memory: '256Mi' } }),
    });
    const p = await running('g');
    expect(p.spec?.nodeName).toBe('small');
    expect(p.status?.podIP).toBe('127.0.0.1');
    expect(condition(p, 'Ready')?.status).toBe('True');
    expect(condition(p, 'PodScheduled')?.status).toBe('True');
    expect(p.status?.containerStatuses?.[0]?.resources).toEqual({
      requests: { cpu: '500m', memory: '256Mi' },
      limits: { cpu: '500m', memory: '256Mi' },
    });
  });

  it('enacts a feasible resize: PodResizeInProgress, then containerStatuses show the new size', async () => {
    const seen = new Set<string>();
    const w = await new k8s.Watch(c.kc).watch(
      `/api/v1/namespaces/${ns}/pods`,
      { fieldSelector: 'metadata.name=g' },
      (_t, obj: k8s.V1Pod) => {
        for (const cond of obj.status?.conditions ?? []) seen.add(cond.type);
      },
      () => {},
    );
    const resized = await resize('g', '1');
    expect(resized.spec?.containers[0]?.resources?.requests?.['cpu']).toBe('1');
    expect(resized.metadata?.generation).toBe(2);
    const done = await waitFor(
      async () => {
        const p = await c.core.readNamespacedPod({ namespace: ns, name: 'g' });
        return p.status?.containerStatuses?.[0]?.resources?.requests?.['cpu'] === '1' ? p : undefined;
      },
      3000,
      'resize enacted',
    );
    w.abort();
    expect(seen.has('PodResizeInProgress')).toBe(true);
    expect(condition(done, 'PodResizeInProgress')).toBeUndefined();
    expect(condition(done, 'PodResizePending')).toBeUndefined();
    expect(done.status?.containerStatuses?.[0]?.allocatedResources?.['cpu']).toBe('1');
    expect(done.status?.qosClass).toBe('Guaranteed');
  });

  it('rejects a resize that would change the QoS class with 422', async () => {
    const err = await rejection(resize('g', '250m', '1'));
    expect(err.code).toBe(422);
    expect(statusOf(err).message).toContain('Pod QOS Class may not change as a result of resizing');
  });

  it('drops changes other than resources made through the resize subresource, as kube-apiserver', async () => {
    const before = await c.core.readNamespacedPod({ namespace: ns, name: 'g' });
    const after = await c.core.patchNamespacedPodResize(
      {
        namespace: ns,
        name: 'g',
        body: {
          metadata: { labels: { injected: 'yes' } },
          spec: { containers: [{ name: 'app', image: 'other:2' }] },
        },
      },
      strategic,
    );
    expect(after.spec?.containers[0]?.image).toBe(before.spec?.containers[0]?.image);
    expect(after.metadata?.labels?.['injected']).toBeUndefined();
  });

  it('refuses a resize that removes limits with 422', async () => {
    const err = await rejection(
      c.core.patchNamespacedPodResize(
        {
          namespace: ns,
          name: 'g',
          body: { spec: { containers: [{ name: 'app', resources: { limits: { cpu: null } } }] } },
        },
        strategic,
      ),
    );
    expect(err.code).toBe(422);
    expect(statusOf(err).details?.causes?.[0]?.field).toBe('spec.containers[0].resources.limits[cpu]');
  });

  it('marks a resize larger than the node Infeasible', async () => {
    await resize('g', '8');
    const p = await waitFor(
      async () => {
        const x = await c.core.readNamespacedPod({ namespace: ns, name: 'g' });
        return condition(x, 'PodResizePending') ? x : undefined;
      },
      3000,
      'pending condition',
    );
    expect(condition(p, 'PodResizePending')).toMatchObject({ status: 'True', reason: 'Infeasible' });
    expect(condition(p, 'PodResizePending')?.message).toContain("Node didn't have enough capacity: cpu");
    expect(p.status?.containerStatuses?.[0]?.resources?.requests?.['cpu']).toBe('1');
  });

  it('defers a resize that fits the node but not beside other pods, and enacts it when room frees', async () => {
    await resize('g', '1');
    await waitFor(
      async () => {
        const x = await c.core.readNamespacedPod({ namespace: ns, name: 'g' });
        return !condition(x, 'PodResizePending');
      },
      3000,
      'pending cleared',
    );
    await c.core.createNamespacedPod({
      namespace: ns,
      body: pod('neighbour', { limits: { cpu: '800m', memory: '128Mi' } }),
    });
    await running('neighbour');
    await resize('g', '1500m');
    const deferred = await waitFor(
      async () => {
        const x = await c.core.readNamespacedPod({ namespace: ns, name: 'g' });
        return condition(x, 'PodResizePending')?.reason === 'Deferred' ? x : undefined;
      },
      3000,
      'deferred',
    );
    expect(condition(deferred, 'PodResizePending')?.message).toContain(
      "Node didn't have enough resource: cpu",
    );
    await c.core.deleteNamespacedPod({ namespace: ns, name: 'neighbour' });
    const enacted = await waitFor(
      async () => {
        const x = await c.core.readNamespacedPod({ namespace: ns, name: 'g' });
        return x.status?.containerStatuses?.[0]?.resources?.requests?.['cpu'] === '1500m' ? x : undefined;
      },
      3000,
      'deferred resize enacted',
    );
    expect(condition(enacted, 'PodResizePending')).toBeUndefined();
  });

  it('fails a bound pod that does not fit its node with OutOfcpu instead of starting it', async () => {
    await c.core.createNamespacedPod({
      namespace: ns,
      body: {
        ...pod('too-big', { cpu: '4' }),
        spec: { ...pod('too-big', { cpu: '4' }).spec!, nodeName: 'small' },
      },
    });
    const failed = await waitFor(
      async () => {
        const x = await c.core.readNamespacedPod({ namespace: ns, name: 'too-big' });
        return x.status?.phase === 'Failed' ? x : undefined;
      },
      3000,
      'pod failed',
    );
    expect(failed.status?.reason).toBe('OutOfcpu');
    expect(failed.status?.message).toContain("Node didn't have enough resource: cpu, requested: 4000");
    expect(failed.status?.containerStatuses).toBeUndefined();
  });

  it('starts a pod resized between admission and start at its admitted size; the resize is then judged as one', async () => {
    const ext = await startCluster({
      kubelet: 'external',
      nodes: [{ name: 'two', cpu: '2', memory: '4Gi' }],
    });
    try {
      const bound: string[] = [];
      ext.server.kubelet.on('podBound', (p) => bound.push(p.metadata.name!));
      await ext.core.createNamespacedPod({ namespace: ns, body: pod('early', { cpu: '1' }) });
      await waitFor(() => bound.includes('early'), 3000, 'early admitted');
      await ext.core.patchNamespacedPodResize(
        {
          namespace: ns,
          name: 'early',
          body: { spec: { containers: [{ name: 'app', resources: { requests: { cpu: '8' } } }] } },
        },
        strategic,
      );
      const started = ext.server.kubelet.startPod(ns, 'early');
      expect(started.status.containerStatuses[0].allocatedResources).toEqual({ cpu: '1' });
      expect(started.status.containerStatuses[0].resources.requests).toEqual({ cpu: '1' });
      expect(ext.server.kubelet.admitResize(ns, 'early').outcome).toBe('Infeasible');
      // The kubelet holds the admitted 1 CPU, not the 8 asked for: a second 1-CPU pod bound to the
      // node is admitted (the scheduler, which counts the larger of spec and allocation, would not place it).
      const beside = pod('beside', { cpu: '1' });
      await ext.core.createNamespacedPod({
        namespace: ns,
        body: { ...beside, spec: { ...beside.spec!, nodeName: 'two' } },
      });
      await waitFor(() => bound.includes('beside'), 3000, 'beside admitted');
    } finally {
      await ext.server.stop();
    }
  });

  it('lets an external kubelet decide: nothing is enacted until it calls the node operations', async () => {
    const ext = await startCluster({ kubelet: 'external', nodes: 1 });
    try {
      const bound: string[] = [];
      ext.server.kubelet.on('podBound', (p) => bound.push(p.metadata.name!));
      await ext.core.createNamespacedPod({ namespace: ns, body: pod('e', { cpu: '100m' }) });
      await waitFor(() => bound.includes('e'), 3000, 'podBound');
      expect((await ext.core.readNamespacedPod({ namespace: ns, name: 'e' })).status?.phase).toBe('Pending');
      ext.server.kubelet.startPod(ns, 'e', { podIp: '127.0.0.9' });
      const p = await ext.core.readNamespacedPod({ namespace: ns, name: 'e' });
      expect(p.status?.podIP).toBe('127.0.0.9');
      const requested = new Promise((resolve) => ext.server.kubelet.once('resizeRequested', resolve));
      await ext.core.patchNamespacedPodResize(
        {
          namespace: ns,
          name: 'e',
          body: { spec: { containers: [{ name: 'app', resources: { requests: { cpu: '200m' } } }] } },
        },
        strategic,
      );
      await requested;
      expect(ext.server.kubelet.admitResize(ns, 'e').outcome).toBe('InProgress');
      const done = ext.server.kubelet.completeResize(ns, 'e');
      expect(done.status.containerStatuses[0].resources.requests.cpu).toBe('200m');
    } finally {
      await ext.server.stop();
    }
  });
});
