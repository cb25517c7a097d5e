import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Cluster, startCluster, waitFor } from './helpers.ts';

interface Seen {
  type: string;
  name: string;
  rv: string;
}

/** Start a raw watch and collect its events until `done`. */
async function collect(
  c: Cluster,
  path: string,
  params: Record<string, string | number | boolean | undefined>,
) {
  const events: Seen[] = [];
  const raw: { type: string; object: k8s.KubernetesObject & { code?: number } }[] = [];
  let ended: unknown = 'open';
  const req = await new k8s.Watch(c.kc).watch(
    path,
    params,
    (type, obj) => {
      raw.push({ type, object: obj });
      events.push({ type, name: obj.metadata?.name ?? '', rv: obj.metadata?.resourceVersion ?? '' });
    },
    (err) => {
      ended = err ?? null;
    },
  );
  return { events, raw, ended: () => ended, abort: () => req.abort() };
}

function configMap(name: string, labels: Record<string, string> = {}): k8s.V1ConfigMap {
  return { metadata: { name, labels }, data: { v: '1' } };
}

describe('watch and informers', () => {
  let c: Cluster;
  beforeAll(async () => {
    c = await startCluster({ bookmarkIntervalMs: 100 });
    await c.core.createNamespace({ body: { metadata: { name: 'w' } } });
  });
  afterAll(async () => {
    await c.server.stop();
  });

  it('resumes from a resourceVersion without missing or repeating events', async () => {
    await c.core.createNamespacedConfigMap({ namespace: 'w', body: configMap('before') });
    const list = await c.core.listNamespacedConfigMap({ namespace: 'w' });
    const rv = list.metadata!.resourceVersion!;
    await c.core.createNamespacedConfigMap({ namespace: 'w', body: configMap('after-1') });
    await c.core.patchNamespacedConfigMap(
      { namespace: 'w', name: 'after-1', body: { data: { v: '2' } } },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    );
    await c.core.deleteNamespacedConfigMap({ namespace: 'w', name: 'before' });
    const w = await collect(c, '/api/v1/namespaces/w/configmaps', { resourceVersion: rv });
    await c.core.createNamespacedConfigMap({ namespace: 'w', body: configMap('after-2') });
    await waitFor(() => w.events.length >= 4, 3000, 'four events');
    w.abort();
    expect(w.events.map((e) => `${e.type} ${e.name}`)).toEqual([
      'ADDED after-1',
      'MODIFIED after-1',
      'DELETED before',
      'ADDED after-2',
    ]);
    const rvs = w.events.map((e) => Number(e.rv));
    expect([...rvs].sort((a, b) => a - b)).toEqual(rvs);
  });

  it('starts with the current state as ADDED events when no resourceVersion is given', async () => {
    await c.core.createNamespace({ body: { metadata: { name: 'w-initial' } } });
    await c.core.createNamespacedConfigMap({ namespace: 'w-initial', body: configMap('one') });
    const w = await collect(c, '/api/v1/namespaces/w-initial/configmaps', {});
    await waitFor(() => w.events.length >= 1, 3000, 'initial event');
    w.abort();
    expect(w.events[0]).toMatchObject({ type: 'ADDED', name: 'one' });
  });

  it('sends a 410 ERROR event for a resourceVersion older than the history', async () => {
    const list = await c.core.listNamespacedConfigMap({ namespace: 'w' });
    await c.core.createNamespacedConfigMap({ namespace: 'w', body: configMap('compacted') });
    c.server.faults.compact();
    const w = await collect(c, '/api/v1/namespaces/w/configmaps', {
      resourceVersion: list.metadata!.resourceVersion,
    });
    await waitFor(() => w.ended() !== 'open', 3000, 'watch end');
    expect(w.raw[0]?.type).toBe('ERROR');
    expect(w.raw[0]?.object).toMatchObject({ kind: 'Status', code: 410, reason: 'Expired' });
  });

  it('sends BOOKMARK events carrying the current resourceVersion when allowed', async () => {
    const list = await c.core.listNamespacedConfigMap({ namespace: 'w' });
    const w = await collect(c, '/api/v1/namespaces/w/configmaps', {
      resourceVersion: list.metadata!.resourceVersion,
      allowWatchBookmarks: true,
    });
    await waitFor(() => w.events.some((e) => e.type === 'BOOKMARK'), 3000, 'bookmark');
    w.abort();
    const bm = w.events.find((e) => e.type === 'BOOKMARK')!;
    expect(Number(bm.rv)).toBeGreaterThanOrEqual(Number(list.metadata!.resourceVersion));
  });

  it('ends the watch after timeoutSeconds', async () => {
    const started = Date.now();
    const w = await collect(c, '/api/v1/namespaces/w/configmaps', { timeoutSeconds: 1 });
    await waitFor(() => w.ended() !== 'open', 4000, 'watch timeout');
    expect(w.ended()).toBeNull();
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });

  it('turns label-selector transitions into ADDED and DELETED events', async () => {
    await c.core.createNamespacedConfigMap({ namespace: 'w', body: configMap('moving', { tier: 'a' }) });
    const list = await c.core.listNamespacedConfigMap({ namespace: 'w', labelSelector: 'tier in (b)' });
    const w = await collect(c, '/api/v1/namespaces/w/configmaps', {
      resourceVersion: list.metadata!.resourceVersion,
      labelSelector: 'tier in (b)',
    });
    const relabel = (tier: string) =>
      c.core.patchNamespacedConfigMap(
        { namespace: 'w', name: 'moving', body: { metadata: { labels: { tier } } } },
        k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.StrategicMergePatch),
      );
    await relabel('b');
    await relabel('c');
    await waitFor(() => w.events.length >= 2, 3000, 'two events');
    w.abort();
    expect(w.events.map((e) => `${e.type} ${e.name}`)).toEqual(['ADDED moving', 'DELETED moving']);
  });

  it('keeps an informer complete across a dropped watch by resuming from its resourceVersion', async () => {
    await c.core.createNamespace({ body: { metadata: { name: 'inf' } } });
    const informer = k8s.makeInformer(c.kc, '/api/v1/namespaces/inf/configmaps', () =>
      c.core.listNamespacedConfigMap({ namespace: 'inf' }),
    );
    const added: string[] = [];
    informer.on('add', (o) => added.push(o.metadata!.name!));
    await informer.start();
    await c.core.createNamespacedConfigMap({ namespace: 'inf', body: configMap('a') });
    await waitFor(() => added.includes('a'), 3000, 'a');
    const listsBefore = c.server.requestCounts().get('list configmaps') ?? 0;
    c.server.faults.delay({ verb: 'watch', resource: 'configmaps', ms: 300, count: 1 });
    expect(c.server.faults.dropWatches({ resource: '/configmaps' })).toBeGreaterThan(0);
    await c.core.createNamespacedConfigMap({ namespace: 'inf', body: configMap('b') });
    await c.core.createNamespacedConfigMap({ namespace: 'inf', body: configMap('c') });
    await waitFor(() => added.includes('b') && added.includes('c'), 5000, 'b and c');
    await informer.stop();
    expect(c.server.requestCounts().get('list configmaps') ?? 0).toBe(listsBefore);
    expect(added).toEqual(['a', 'b', 'c']);
  });

  it('makes an informer relist after 410 Gone and catch up with what it missed', async () => {
    await c.core.createNamespace({ body: { metadata: { name: 'gone' } } });
    await c.core.createNamespacedConfigMap({ namespace: 'gone', body: configMap('x') });
    const informer = k8s.makeInformer(c.kc, '/api/v1/namespaces/gone/configmaps', () =>
      c.core.listNamespacedConfigMap({ namespace: 'gone' }),
    );
    const deleted: string[] = [];
    informer.on('delete', (o) => deleted.push(o.metadata!.name!));
    await informer.start();
    await waitFor(() => informer.list('gone').length === 1, 3000, 'initial list');
    const listsBefore = c.server.requestCounts().get('list configmaps') ?? 0;
    c.server.faults.delay({ verb: 'watch', resource: 'configmaps', ms: 300, count: 1 });
    c.server.faults.dropWatches({ resource: '/configmaps' });
    await c.core.createNamespacedConfigMap({ namespace: 'gone', body: configMap('y') });
    await c.core.deleteNamespacedConfigMap({ namespace: 'gone', name: 'x' });
    c.server.faults.compact();
    await waitFor(
      () =>
        informer
          .list('gone')
          .map((o) => o.metadata!.name)
          .join() === 'y',
      5000,
      'cache equal to the server after relist',
    );
    await informer.stop();
    expect(c.server.requestCounts().get('list configmaps')).toBeGreaterThan(listsBefore);
    expect(deleted).toEqual(['x']);
  });

  it('feeds a ListWatch with a field selector only the pods of its node', async () => {
    await c.core.createNamespace({ body: { metadata: { name: 'fs' } } });
    const path = '/api/v1/pods';
    const lw = new k8s.ListWatch(
      path,
      new k8s.Watch(c.kc),
      () => c.core.listPodForAllNamespaces({ fieldSelector: 'spec.nodeName=node-9' }),
      false,
      undefined,
      'spec.nodeName=node-9',
    );
    await lw.start();
    const mk = (name: string, nodeName?: string) =>
      c.core.createNamespacedPod({
        namespace: 'fs',
        body: {
          metadata: { name },
          spec: {
            ...(nodeName ? { nodeName } : { nodeSelector: { none: 'x' } }),
            containers: [{ name: 'a', image: 'x' }],
          },
        },
      });
    await mk('elsewhere');
    await mk('here', 'node-9');
    await waitFor(() => lw.list().length === 1, 3000, 'one pod');
    await lw.stop();
    expect(lw.list().map((p) => p.metadata?.name)).toEqual(['here']);
  });
});
