import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Cluster, rejection, startCluster, statusOf } from './helpers.ts';

const json = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.JsonPatch);
const merge = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch);
const strategic = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.StrategicMergePatch);

describe('list selectors, chunking and patch types', () => {
  let c: Cluster;
  beforeAll(async () => {
    c = await startCluster({ nodes: 0 });
    await c.core.createNamespace({ body: { metadata: { name: 'l' } } });
    const labels: Record<string, Record<string, string>> = {
      a: { app: 'web', tier: 'front' },
      b: { app: 'web', tier: 'back' },
      c: { app: 'db' },
      d: { app: 'cache', canary: 'true' },
    };
    for (const [name, l] of Object.entries(labels)) {
      await c.core.createNamespacedConfigMap({ namespace: 'l', body: { metadata: { name, labels: l } } });
    }
  });
  afterAll(async () => {
    await c.server.stop();
  });

  const names = async (labelSelector?: string, fieldSelector?: string) =>
    (await c.core.listNamespacedConfigMap({ namespace: 'l', labelSelector, fieldSelector })).items.map(
      (i) => i.metadata!.name,
    );

  it.each([
    ['app=web', ['a', 'b']],
    ['app==web,tier!=back', ['a']],
    ['app in (db, cache)', ['c', 'd']],
    ['app notin (web),!canary', ['c']],
    ['canary', ['d']],
    ['tier', ['a', 'b']],
  ])('selects by label selector %s', async (selector, expected) => {
    expect(await names(selector)).toEqual(expected);
  });

  it('selects by metadata.name and metadata.namespace field selectors', async () => {
    expect(await names(undefined, 'metadata.name=c')).toEqual(['c']);
    expect(await names(undefined, 'metadata.name!=c,metadata.namespace=l')).toEqual(['a', 'b', 'd']);
  });

  it('selects pods by spec.nodeName and status.phase and rejects unknown field labels', async () => {
    await c.core.createNamespacedPod({
      namespace: 'l',
      body: { metadata: { name: 'p1' }, spec: { nodeName: 'n1', containers: [{ name: 'a', image: 'x' }] } },
    });
    await c.core.createNamespacedPod({
      namespace: 'l',
      body: { metadata: { name: 'p2' }, spec: { nodeName: 'n2', containers: [{ name: 'a', image: 'x' }] } },
    });
    const onN1 = await c.core.listNamespacedPod({
      namespace: 'l',
      fieldSelector: 'spec.nodeName=n1,status.phase=Pending',
    });
    expect(onN1.items.map((p) => p.metadata!.name)).toEqual(['p1']);
    const err = await rejection(c.core.listNamespacedPod({ namespace: 'l', fieldSelector: 'spec.bogus=1' }));
    expect(err.code).toBe(400);
    expect(statusOf(err).message).toContain('field label not supported');
  });

  it('pages with limit and continue at one resourceVersion', async () => {
    const first = await c.core.listNamespacedConfigMap({ namespace: 'l', limit: 3 });
    expect(first.items.map((i) => i.metadata!.name)).toEqual(['a', 'b', 'c']);
    expect(first.metadata?.remainingItemCount).toBe(1);
    const second = await c.core.listNamespacedConfigMap({
      namespace: 'l',
      limit: 3,
      _continue: first.metadata!._continue,
    });
    expect(second.items.map((i) => i.metadata!.name)).toEqual(['d']);
    expect(second.metadata?._continue).toBeUndefined();
    expect(second.metadata?.resourceVersion).toBe(first.metadata?.resourceVersion);
  });

  it('answers an expired continue token with 410', async () => {
    const first = await c.core.listNamespacedConfigMap({ namespace: 'l', limit: 1 });
    await c.core.createNamespacedConfigMap({ namespace: 'l', body: { metadata: { name: 'z' } } });
    c.server.faults.compact();
    const err = await rejection(
      c.core.listNamespacedConfigMap({ namespace: 'l', limit: 1, _continue: first.metadata!._continue }),
    );
    expect(err.code).toBe(410);
    await c.core.deleteNamespacedConfigMap({ namespace: 'l', name: 'z' });
  });

  it('applies a JSON merge patch (null deletes a key)', async () => {
    const out = await c.core.patchNamespacedConfigMap(
      { namespace: 'l', name: 'a', body: { data: { x: '1', y: '2' }, metadata: { labels: { tier: null } } } },
      merge,
    );
    expect(out.data).toEqual({ x: '1', y: '2' });
    expect(out.metadata?.labels).toEqual({ app: 'web' });
  });

  it('applies a JSON patch and rejects a failed test operation with 422', async () => {
    const out = await c.core.patchNamespacedConfigMap(
      {
        namespace: 'l',
        name: 'b',
        body: [
          { op: 'add', path: '/data', value: { k: 'v' } },
          { op: 'replace', path: '/metadata/labels/tier', value: 'mid' },
        ],
      },
      json,
    );
    expect(out.data).toEqual({ k: 'v' });
    expect(out.metadata?.labels?.['tier']).toBe('mid');
    const err = await rejection(
      c.core.patchNamespacedConfigMap(
        { namespace: 'l', name: 'b', body: [{ op: 'test', path: '/data/k', value: 'other' }] },
        json,
      ),
    );
    expect(err.code).toBe(422);
  });

  it('merges containers by name in a strategic merge patch, where a merge patch replaces the list', async () => {
    const body: k8s.V1Deployment = {
      metadata: { name: 'two' },
      spec: {
        replicas: 0,
        selector: { matchLabels: { app: 'two' } },
        template: {
          metadata: { labels: { app: 'two' } },
          spec: {
            containers: [
              { name: 'main', image: 'main:1', env: [{ name: 'A', value: '1' }] },
              { name: 'side', image: 'side:1' },
            ],
          },
        },
      },
    };
    await c.apps.createNamespacedDeployment({ namespace: 'l', body });
    const patched = await c.apps.patchNamespacedDeployment(
      {
        namespace: 'l',
        name: 'two',
        body: {
          spec: {
            template: {
              spec: { containers: [{ name: 'side', image: 'side:2', env: [{ name: 'B', value: '2' }] }] },
            },
          },
        },
      },
      strategic,
    );
    const containers = patched.spec!.template.spec!.containers;
    expect(containers.map((x) => `${x.name}=${x.image}`)).toEqual(['main=main:1', 'side=side:2']);
    expect(containers[0]!.env).toEqual([{ name: 'A', value: '1' }]);
    const deleted = await c.apps.patchNamespacedDeployment(
      {
        namespace: 'l',
        name: 'two',
        body: { spec: { template: { spec: { containers: [{ name: 'side', $patch: 'delete' }] } } } },
      },
      strategic,
    );
    expect(deleted.spec!.template.spec!.containers.map((x) => x.name)).toEqual(['main']);
    const replaced = await c.apps.patchNamespacedDeployment(
      {
        namespace: 'l',
        name: 'two',
        body: { spec: { template: { spec: { containers: [{ name: 'only', image: 'o:1' }] } } } },
      },
      merge,
    );
    expect(replaced.spec!.template.spec!.containers.map((x) => x.name)).toEqual(['only']);
  });

  it('sends the JSON patch content type when none is given, and rejects an unknown one with 415', async () => {
    const out = await c.core.patchNamespacedConfigMap({
      namespace: 'l',
      name: 'c',
      body: [{ op: 'add', path: '/data', value: { q: '1' } }],
    });
    expect(out.data).toEqual({ q: '1' });
    const res = await fetch(`${c.server.url}/api/v1/namespaces/l/configmaps/c`, {
      method: 'PATCH',
      headers: { 'Content-Type': 'text/plain' },
      body: '{}',
    });
    expect(res.status).toBe(415);
  });

  it('rejects a patch carrying a stale resourceVersion with 409', async () => {
    const cm = await c.core.readNamespacedConfigMap({ namespace: 'l', name: 'd' });
    await c.core.patchNamespacedConfigMap({ namespace: 'l', name: 'd', body: { data: { n: '1' } } }, merge);
    const err = await rejection(
      c.core.patchNamespacedConfigMap(
        {
          namespace: 'l',
          name: 'd',
          body: { metadata: { resourceVersion: cm.metadata!.resourceVersion }, data: { n: '2' } },
        },
        merge,
      ),
    );
    expect(err.code).toBe(409);
  });
});
