import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as k8s from '@kubernetes/client-node';
import { KubeConfig, type KubernetesListObject, type V1ConfigMap } from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import { CACHED_POD_FIELDS, type CachedPod } from '../../../lib/cached-pod.ts';
import { type Informer, startInformer } from '../../../lib/informer.ts';
import type { KeepList } from '../../../lib/keep-list.ts';
import { silentLogger } from '../../../lib/log.ts';
import { startApiServer } from '../../../packages/apiserver/index.ts';
import { waitForTruthy as until } from '../../support/wait-for.ts';

type Cm = V1ConfigMap;
const PATH = '/api/v1/namespaces/default/configmaps';

/** A minimal list/watch server for one collection, with history for resume and fault switches. */
async function listWatchServer() {
  let rv = 1;
  const objects = new Map<string, Cm>();
  const history: Array<{ rv: number; type: string; object: Cm }> = [];
  const watchers = new Set<ServerResponse>();
  const state = { failLists: 0, failWatches: 0, lists: 0, watchQueries: [] as URLSearchParams[] };

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname !== PATH) {
      res.writeHead(404).end();
      return;
    }
    if (url.searchParams.get('watch') !== 'true') {
      state.lists++;
      if (state.failLists > 0) {
        state.failLists--;
        res.writeHead(500, { 'Content-Type': 'application/json' }).end('{"kind":"Status","code":500}');
        return;
      }
      const body = {
        kind: 'ConfigMapList',
        metadata: { resourceVersion: String(rv) },
        items: [...objects.values()],
      };
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
      return;
    }
    state.watchQueries.push(url.searchParams);
    if (state.failWatches > 0) {
      state.failWatches--;
      res.writeHead(500).end();
      return;
    }
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.flushHeaders();
    const from = Number(url.searchParams.get('resourceVersion') ?? '0');
    for (const e of history)
      if (e.rv > from) res.write(`${JSON.stringify({ type: e.type, object: e.object })}\n`);
    watchers.add(res);
    res.on('close', () => watchers.delete(res));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const change = (
    type: 'ADDED' | 'MODIFIED' | 'DELETED',
    name: string,
    data?: Record<string, string>,
    silent = false,
  ) => {
    rv++;
    const object: Cm = { metadata: { name, namespace: 'default', resourceVersion: String(rv) }, data };
    if (type === 'DELETED') objects.delete(name);
    else objects.set(name, object);
    if (silent) return;
    history.push({ rv, type, object });
    for (const w of watchers) w.write(`${JSON.stringify({ type, object })}\n`);
  };
  return {
    url,
    state,
    change,
    watcherCount: () => watchers.size,
    dropWatches: () => {
      for (const w of watchers) w.destroy();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const w of watchers) w.destroy();
        server.close(() => resolve());
      }),
  };
}

function loopbackConfig(server: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromClusterAndUser({ name: 'test', server, skipTLSVerify: true }, { name: 'test' });
  return kc;
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup(opts: { resyncMs?: number; staleAfterMs?: number; fieldSelector?: string } = {}) {
  const srv = await listWatchServer();
  cleanups.push(srv.close);
  const events: string[] = [];
  const start = () => {
    const inf: Informer<Cm> = startInformer<Cm>({
      kc: loopbackConfig(srv.url),
      path: PATH,
      listFn: async () => {
        const res = await fetch(`${srv.url}${PATH}`);
        if (!res.ok) throw Object.assign(new Error(`list failed: ${res.status}`), { code: res.status });
        return (await res.json()) as KubernetesListObject<Cm>;
      },
      log: silentLogger(),
      labelSelector: 'app=web',
      fieldSelector: opts.fieldSelector,
      resyncMs: opts.resyncMs ?? 0,
      staleAfterMs: opts.staleAfterMs ?? 0,
      backoff: { initialMs: 20, maxMs: 100 },
    });
    for (const ev of ['add', 'update', 'delete'] as const) {
      inf.on(ev, (o) => events.push(`${ev} ${o.metadata?.name} ${o.data?.['v'] ?? ''}`.trim()));
    }
    cleanups.push(() => inf.stop());
    return inf;
  };
  return { srv, events, start };
}

describe('startInformer', () => {
  it('lists, then delivers add/update/delete and keeps list() and get() current', async () => {
    const { srv, events, start } = await setup();
    srv.change('ADDED', 'a', { v: '1' });
    const inf = start();
    await inf.waitForSync(2000);
    expect(inf.list().map((o) => o.metadata?.name)).toEqual(['a']);
    srv.change('ADDED', 'b', { v: '1' });
    srv.change('MODIFIED', 'a', { v: '2' });
    srv.change('DELETED', 'b');
    await until(() => events.length === 4);
    expect(events).toEqual(['add a 1', 'add b 1', 'update a 2', 'delete b']);
    expect(inf.get('default', 'a')?.data).toEqual({ v: '2' });
    expect(inf.get('default', 'b')).toBeUndefined();
  });

  it('sends label and field selectors on the watch', async () => {
    const { srv, start } = await setup({ fieldSelector: 'spec.nodeName=node-1' });
    await start().waitForSync(2000);
    await until(() => srv.state.watchQueries.length > 0);
    expect(srv.state.watchQueries[0]!.get('fieldSelector')).toBe('spec.nodeName=node-1');
    expect(srv.state.watchQueries[0]!.get('labelSelector')).toBe('app=web');
  });

  it('restarts after a failed watch and resumes from its resourceVersion without duplicate events', async () => {
    const { srv, events, start } = await setup();
    srv.change('ADDED', 'a', { v: '1' });
    const inf = start();
    await inf.waitForSync(2000);
    await until(() => srv.watcherCount() === 1);
    srv.state.failWatches = 2;
    srv.dropWatches();
    srv.change('MODIFIED', 'a', { v: '2' });
    await until(() => srv.watcherCount() === 1);
    srv.change('ADDED', 'c', { v: '1' });
    await until(() => events.length === 3);
    expect(events).toEqual(['add a 1', 'update a 2', 'add c 1']);
    expect(srv.state.lists).toBe(1);
  });

  it('keeps retrying a failing initial list with backoff; waitForSync reports the failure on timeout', async () => {
    const { srv, start } = await setup();
    srv.state.failLists = 3;
    const inf = start();
    await expect(inf.waitForSync(5)).rejects.toThrow(`informer for ${PATH} did not sync within 5 ms`);
    await inf.waitForSync(3000);
    expect(srv.state.lists).toBe(4);
    expect(inf.synced()).toBe(true);
  });

  it('a periodic relist repairs changes the watch never delivered', async () => {
    const { srv, events, start } = await setup({ resyncMs: 100 });
    srv.change('ADDED', 'a', { v: '1' });
    srv.change('ADDED', 'b', { v: '1' });
    const inf = start();
    await inf.waitForSync(2000);
    srv.change('MODIFIED', 'a', { v: '2' }, true);
    srv.change('DELETED', 'b', undefined, true);
    srv.change('ADDED', 'c', { v: '1' }, true);
    await until(() => events.length === 5);
    expect(events.slice(2).sort()).toEqual(['add c 1', 'delete b 1', 'update a 2']);
    expect(
      inf
        .list()
        .map((o) => o.metadata?.name)
        .sort(),
    ).toEqual(['a', 'c']);
  });

  it('relists when the watch has been silent longer than staleAfterMs', async () => {
    const { srv, events, start } = await setup({ staleAfterMs: 150 });
    const inf = start();
    await inf.waitForSync(2000);
    const listsAfterSync = srv.state.lists;
    srv.change('ADDED', 'z', { v: '1' }, true);
    await until(() => events.includes('add z 1'));
    expect(srv.state.lists).toBeGreaterThan(listsAfterSync);
  });

  it('stop() closes the watch connection', async () => {
    const { srv, start } = await setup();
    const inf = start();
    await inf.waitForSync(2000);
    await until(() => srv.watcherCount() === 1);
    await inf.stop();
    await until(() => srv.watcherCount() === 0);
  });
});

describe('startInformer against the embedded API server', () => {
  it('watches only the pods its field selector matches', async () => {
    const server = await startApiServer({ nodes: 2 });
    cleanups.push(() => server.stop());
    const core = server.kubeConfig().makeApiClient(k8s.CoreV1Api);
    const fieldSelector = 'spec.nodeName=node-1';
    const inf = startInformer<k8s.V1Pod>({
      kc: server.kubeConfig(),
      path: '/api/v1/pods',
      listFn: () => core.listPodForAllNamespaces({ fieldSelector }),
      fieldSelector,
      log: silentLogger(),
      backoff: { initialMs: 20, maxMs: 100 },
    });
    cleanups.push(() => inf.stop());
    const added: string[] = [];
    inf.on('add', (p) => added.push(p.metadata!.name!));
    const pod = (name: string, nodeName: string) => ({
      metadata: { name, namespace: 'default' },
      spec: { nodeName, containers: [{ name: 'c', image: 'app' }] },
    });
    await core.createNamespacedPod({ namespace: 'default', body: pod('before', 'node-1') });
    await inf.waitForSync(3000);
    await core.createNamespacedPod({ namespace: 'default', body: pod('other', 'node-2') });
    await core.createNamespacedPod({ namespace: 'default', body: pod('after', 'node-1') });
    await until(() => added.includes('after'));
    expect(added).toEqual(['before', 'after']);
    expect(inf.get('default', 'other')).toBeUndefined();
  });

  /**
   * An informer of every pod (with `retain`, or the default trim) and what its handlers were given:
   * a pod `listed` before it synced, then one `watched` after, and `listed` updated (a label added).
   */
  async function listedAndWatched<T extends k8s.KubernetesObject>(
    retain: KeepList<T> | undefined,
    body: (name: string) => k8s.V1Pod,
  ) {
    const server = await startApiServer({ nodes: 1 });
    cleanups.push(() => server.stop());
    const core = server.kubeConfig().makeApiClient(k8s.CoreV1Api);
    const inf = startInformer<T>({
      kc: server.kubeConfig(),
      path: '/api/v1/pods',
      listFn: () => core.listPodForAllNamespaces() as Promise<k8s.KubernetesListObject<T>>,
      ...(retain ? { retain } : {}),
      log: silentLogger(),
      backoff: { initialMs: 20, maxMs: 100 },
    });
    cleanups.push(() => inf.stop());
    const seen: T[] = [];
    inf.on('add', (p) => seen.push(p));
    inf.on('update', (p) => seen.push(p));
    await core.createNamespacedPod({ namespace: 'default', body: body('listed') });
    await inf.waitForSync(3000);
    await core.createNamespacedPod({ namespace: 'default', body: body('watched') });
    await core.patchNamespacedPod(
      { namespace: 'default', name: 'listed', body: { metadata: { labels: { app: 'web', tier: 'front' } } } },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    );
    await until(() => inf.get('default', 'listed')?.metadata?.labels?.['tier'] === 'front');
    await until(() => inf.get('default', 'watched') !== undefined);
    return { core, inf, seen };
  }

  it('caches listed and watched objects without managedFields, the rest of them as served', async () => {
    const { core, inf, seen } = await listedAndWatched<k8s.V1Pod>(undefined, (name) => ({
      metadata: { name, namespace: 'default', labels: { app: 'web' } },
      spec: { nodeName: 'node-1', containers: [{ name: 'c', image: 'app' }] },
    }));
    for (const name of ['listed', 'watched']) {
      const served = await core.readNamespacedPod({ namespace: 'default', name });
      expect(served.metadata?.managedFields?.length, name).toBeGreaterThan(0);
      const cached = inf.get('default', name)!;
      expect(cached.metadata?.managedFields, name).toBeUndefined();
      expect(cached.metadata?.uid).toBe(served.metadata?.uid);
      expect(cached.spec?.containers[0]?.image).toBe('app');
    }
    expect(seen.length).toBeGreaterThanOrEqual(3);
    for (const p of seen) expect(p.metadata?.managedFields).toBeUndefined();
  });

  it('caches listed and watched pods with only the fields of their keep-list (CachedPod)', async () => {
    const resources = {
      requests: { cpu: '250m', memory: '128Mi' },
      limits: { cpu: '500m', memory: '256Mi' },
    };
    const body = (name: string): k8s.V1Pod => ({
      metadata: {
        name,
        namespace: 'default',
        labels: { app: 'web' },
        annotations: { note: 'x'.repeat(200) },
      },
      spec: {
        nodeName: 'node-1',
        containers: [
          {
            name: 'c',
            image: 'app',
            env: [{ name: 'A', value: 'a' }],
            resources,
            resizePolicy: [{ resourceName: 'cpu', restartPolicy: 'NotRequired' }],
          },
        ],
        tolerations: [{ key: 'k', operator: 'Exists' }],
      },
    });
    const { core, inf, seen } = await listedAndWatched<CachedPod>(CACHED_POD_FIELDS, body);
    for (const name of ['listed', 'watched']) {
      const served = await core.readNamespacedPod({ namespace: 'default', name });
      expect(served.metadata?.annotations?.['note'], name).toHaveLength(200);
      const cached = inf.get('default', name)!;
      expect(cached.metadata).toEqual({
        name,
        namespace: 'default',
        uid: served.metadata?.uid,
        resourceVersion: served.metadata?.resourceVersion,
        labels: served.metadata?.labels,
      });
      expect(cached.spec?.containers).toEqual([
        { name: 'c', resources, resizePolicy: [{ resourceName: 'cpu', restartPolicy: 'NotRequired' }] },
      ]);
      expect(cached.spec?.nodeName).toBe('node-1');
      expect((cached.spec as k8s.V1PodSpec).tolerations, name).toBeUndefined();
      expect(cached.status?.qosClass).toBe(served.status?.qosClass);
      expect(cached.status?.phase).toBe(served.status?.phase);
    }
    await core.deleteNamespacedPod({ namespace: 'default', name: 'watched', gracePeriodSeconds: 0 });
    await until(() => inf.get('default', 'watched') === undefined);
    expect(seen.length).toBeGreaterThanOrEqual(3);
    // what the handlers are given is what the cache keeps
    for (const p of seen) {
      expect((p.metadata as k8s.V1ObjectMeta).annotations).toBeUndefined();
      expect((p.spec!.containers[0] as k8s.V1Container).image).toBeUndefined();
    }
  });
});
