import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Cluster, pod, rejection, startCluster, statusOf } from './helpers.ts';

describe('core verbs through @kubernetes/client-node', () => {
  let c: Cluster;
  beforeAll(async () => {
    c = await startCluster({ nodes: 2 });
  });
  afterAll(async () => {
    await c.server.stop();
  });

  it('serves the default namespaces and the configured nodes', async () => {
    const ns = await c.core.listNamespace();
    expect(ns.items.map((n) => n.metadata?.name)).toEqual(expect.arrayContaining(['default', 'kube-system']));
    const nodes = await c.core.listNode();
    expect(nodes.items.map((n) => n.metadata?.name)).toEqual(['node-1', 'node-2']);
    expect(nodes.items[0]?.status?.allocatable?.['cpu']).toBe('4');
  });

  it('creates with generateName, uid, creationTimestamp and pod defaults', async () => {
    const created = await c.core.createNamespacedPod({
      namespace: 'default',
      body: {
        metadata: { generateName: 'gen-' },
        spec: {
          containers: [
            { name: 'a', image: 'busybox', resources: { limits: { cpu: '500m', memory: '64Mi' } } },
          ],
        },
      },
    });
    expect(created.metadata?.name).toMatch(/^gen-[a-z0-9]{5}$/);
    expect(created.metadata?.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.metadata?.creationTimestamp).toBeInstanceOf(Date);
    expect(created.metadata?.resourceVersion).toMatch(/^\d+$/);
    expect(created.status?.phase).toBe('Pending');
    expect(created.status?.qosClass).toBe('Guaranteed');
    expect(created.spec?.containers[0]?.resources?.requests).toEqual({ cpu: '500m', memory: '64Mi' });
    expect(created.spec?.containers[0]?.resizePolicy).toEqual([
      { resourceName: 'cpu', restartPolicy: 'NotRequired' },
      { resourceName: 'memory', restartPolicy: 'NotRequired' },
    ]);
  });

  it('rejects a duplicate create with 409 AlreadyExists and a missing object with 404', async () => {
    await c.core.createNamespacedPod({ namespace: 'default', body: pod('dup') });
    const err = await rejection(c.core.createNamespacedPod({ namespace: 'default', body: pod('dup') }));
    expect(err.code).toBe(409);
    expect(statusOf(err).reason).toBe('AlreadyExists');
    const missing = await rejection(c.core.readNamespacedPod({ namespace: 'default', name: 'nope' }));
    expect(missing.code).toBe(404);
    expect(statusOf(missing).message).toBe('pods "nope" not found');
  });

  it('rejects creation in a namespace that does not exist', async () => {
    const err = await rejection(c.core.createNamespacedPod({ namespace: 'ghost', body: pod('p') }));
    expect(err.code).toBe(404);
    expect(statusOf(err).message).toContain('namespaces "ghost" not found');
  });

  it('answers a stale update with 409 Conflict and accepts the fresh one', async () => {
    const svc = await c.core.createNamespacedService({
      namespace: 'default',
      body: { metadata: { name: 'web' }, spec: { selector: { app: 'web' }, ports: [{ port: 80 }] } },
    });
    expect(svc.spec?.clusterIP).toMatch(/^10\.96\./);
    const fresh = await c.core.replaceNamespacedService({
      namespace: 'default',
      name: 'web',
      body: { ...svc, metadata: { ...svc.metadata, labels: { tier: 'front' } } },
    });
    expect(Number(fresh.metadata?.resourceVersion)).toBeGreaterThan(Number(svc.metadata?.resourceVersion));
    const err = await rejection(
      c.core.replaceNamespacedService({
        namespace: 'default',
        name: 'web',
        body: { ...svc, metadata: { ...svc.metadata, labels: { tier: 'back' } } },
      }),
    );
    expect(err.code).toBe(409);
    expect(statusOf(err).reason).toBe('Conflict');
    expect(statusOf(err).message).toContain('the object has been modified');
  });

  it('rejects an invalid pod with 422 naming the field', async () => {
    const err = await rejection(
      c.core.createNamespacedPod({
        namespace: 'default',
        body: { metadata: { name: 'bad' }, spec: { containers: [{ name: 'Bad_Name', image: 'x' }] } },
      }),
    );
    expect(err.code).toBe(422);
    expect(statusOf(err).details?.causes?.[0]?.field).toBe('spec.containers[0].name');
  });

  it('does not let a plain pod update change resources', async () => {
    const p = await c.core.createNamespacedPod({
      namespace: 'default',
      body: pod('immutable', { cpu: '100m' }),
    });
    p.spec!.containers[0]!.resources = { requests: { cpu: '200m' } };
    delete p.metadata!.resourceVersion; // unconditional: the scheduler may have bound it meanwhile
    const err = await rejection(
      c.core.replaceNamespacedPod({ namespace: 'default', name: 'immutable', body: p }),
    );
    expect(err.code).toBe(422);
    expect(statusOf(err).message).toContain('pod updates may not change fields');
  });

  it('holds an object with finalizers until they are removed', async () => {
    await c.core.createNamespacedConfigMap({
      namespace: 'default',
      body: { metadata: { name: 'held', finalizers: ['example.com/hold'] }, data: { a: '1' } },
    });
    await c.core.deleteNamespacedConfigMap({ namespace: 'default', name: 'held' });
    const marked = await c.core.readNamespacedConfigMap({ namespace: 'default', name: 'held' });
    expect(marked.metadata?.deletionTimestamp).toBeInstanceOf(Date);
    await c.core.patchNamespacedConfigMap(
      { namespace: 'default', name: 'held', body: { metadata: { finalizers: null } } },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    );
    const err = await rejection(c.core.readNamespacedConfigMap({ namespace: 'default', name: 'held' }));
    expect(err.code).toBe(404);
  });

  it('serves discovery so clients can find groups and resources', async () => {
    const apis = await c.kc.makeApiClient(k8s.ApisApi).getAPIVersions();
    const names = apis.groups.map((g) => g.name);
    expect(names).toEqual(expect.arrayContaining(['apps', 'coordination.k8s.io', 'authentication.k8s.io']));
    const core = await c.core.getAPIResources();
    const podsResize = core.resources.find((r) => r.name === 'pods/resize');
    expect(podsResize?.verbs).toEqual(['get', 'patch', 'update']);
    const apps = await c.apps.getAPIResources();
    expect(apps.resources.find((r) => r.name === 'deployments')?.shortNames).toEqual(['deploy']);
  });

  it('serves Leases with optimistic concurrency, as a leader elector needs', async () => {
    const lease = await c.coordination.createNamespacedLease({
      namespace: 'kube-system',
      body: { metadata: { name: 'kosmos-hub' }, spec: { holderIdentity: 'a', leaseDurationSeconds: 15 } },
    });
    const taken = await c.coordination.replaceNamespacedLease({
      namespace: 'kube-system',
      name: 'kosmos-hub',
      body: { ...lease, spec: { ...lease.spec, holderIdentity: 'b' } },
    });
    expect(taken.spec?.holderIdentity).toBe('b');
    const lost = await rejection(
      c.coordination.replaceNamespacedLease({
        namespace: 'kube-system',
        name: 'kosmos-hub',
        body: { ...lease, spec: { ...lease.spec, holderIdentity: 'c' } },
      }),
    );
    expect(lost.code).toBe(409);
  });

  it('server-side apply: creates, records managedFields, removes what a manager stops applying, 409 on conflicts', async () => {
    const apply = (data: Record<string, string>, fieldManager: string, force?: boolean) =>
      c.core.patchNamespacedConfigMap(
        {
          namespace: 'default',
          name: 'applied',
          fieldManager,
          force,
          body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'applied' }, data },
        },
        k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.ServerSideApply),
      );
    const created = await apply({ a: '1', b: '1' }, 'alice');
    expect(created.metadata?.managedFields?.map((e) => [e.manager, e.operation])).toEqual([
      ['alice', 'Apply'],
    ]);
    expect((await apply({ c: '1' }, 'bob')).data).toEqual({ a: '1', b: '1', c: '1' });
    expect((await apply({ b: '1' }, 'alice')).data).toEqual({ b: '1', c: '1' });
    const err = await apply({ b: '2' }, 'bob').catch((e: k8s.ApiException<string>) => e);
    expect(err).toBeInstanceOf(k8s.ApiException);
    expect((err as k8s.ApiException<string>).code).toBe(409);
    expect(JSON.parse((err as k8s.ApiException<string>).body).message).toBe(
      'Apply failed with 1 conflict: conflict with "alice" using v1: .data.b',
    );
    expect((await apply({ b: '2', c: '1' }, 'bob', true)).data).toEqual({ b: '2', c: '1' });
    const noManager = await fetch(`${c.server.url}/api/v1/namespaces/default/configmaps/applied`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/apply-patch+yaml' },
      body: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: applied}\n',
    });
    expect(noManager.status).toBe(422);
  });

  it('records Events in both core/v1 and events.k8s.io/v1', async () => {
    await c.core.createNamespacedEvent({
      namespace: 'default',
      body: {
        metadata: { generateName: 'e-' },
        involvedObject: { kind: 'Pod', name: 'x', namespace: 'default' },
        reason: 'Resized',
        message: 'm',
        type: 'Normal',
      },
    });
    const byReason = await c.core.listNamespacedEvent({
      namespace: 'default',
      fieldSelector: 'reason=Resized,involvedObject.name=x',
    });
    expect(byReason.items).toHaveLength(1);
    const ev = k8s.EventsV1Api;
    const events = c.kc.makeApiClient(ev);
    await events.createNamespacedEvent({
      namespace: 'default',
      body: {
        metadata: { name: 'ev2' },
        eventTime: new Date(),
        reason: 'Scaled',
        action: 'Scale',
        reportingController: 'kosmos',
        reportingInstance: 'hub-0',
        type: 'Normal',
      },
    });
    // One store: the core/v1 event is listed through events.k8s.io/v1 too.
    const names = (await events.listNamespacedEvent({ namespace: 'default' })).items.map(
      (e) => e.metadata?.name,
    );
    expect(names).toHaveLength(2);
    expect(names).toContain('ev2');
  });
});
