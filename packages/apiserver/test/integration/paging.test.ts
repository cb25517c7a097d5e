import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Cluster, rejection, startCluster, statusOf } from './helpers.ts';

const NS = 'pg';
const HISTORY_MS = 5 * 60_000;

describe('paged lists are one consistent snapshot', () => {
  let c: Cluster;
  let clockMs = Date.now();
  const names = (l: k8s.V1ConfigMapList) => l.items.map((i) => i.metadata!.name);
  const page = (limit: number, _continue?: string, labelSelector?: string) =>
    c.core.listNamespacedConfigMap({ namespace: NS, limit, _continue, labelSelector });

  beforeAll(async () => {
    c = await startCluster({ nodes: 0, watchHistoryMs: HISTORY_MS, historyClock: () => clockMs });
    await c.core.createNamespace({ body: { metadata: { name: NS } } });
    for (const name of ['a', 'b', 'c', 'd', 'e']) {
      await c.core.createNamespacedConfigMap({
        namespace: NS,
        body: { metadata: { name, labels: { set: name < 'c' ? 'first' : 'second' } }, data: { v: '1' } },
      });
    }
  });
  afterAll(async () => {
    await c.server.stop();
  });

  it('serves later pages at the first page’s resourceVersion, whatever changed in between', async () => {
    const first = await page(2);
    expect(names(first)).toEqual(['a', 'b']);
    expect(first.metadata?.remainingItemCount).toBe(3);
    // Between pages: one created after the cursor, one deleted, one changed.
    await c.core.createNamespacedConfigMap({ namespace: NS, body: { metadata: { name: 'bb' } } });
    await c.core.deleteNamespacedConfigMap({ namespace: NS, name: 'd' });
    await c.core.patchNamespacedConfigMap(
      { namespace: NS, name: 'c', body: { data: { v: '2' } } },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    );
    const second = await page(2, first.metadata?._continue);
    expect(names(second)).toEqual(['c', 'd']);
    expect(second.items[0]!.data).toEqual({ v: '1' });
    expect(second.metadata?.remainingItemCount).toBe(1);
    const third = await page(2, second.metadata?._continue);
    expect(names(third)).toEqual(['e']);
    expect(third.metadata?._continue).toBeUndefined();
    expect(third.metadata?.remainingItemCount).toBeUndefined();
    for (const p of [second, third])
      expect(p.metadata?.resourceVersion).toBe(first.metadata?.resourceVersion);
    // A new list sees the changes.
    expect(names(await c.core.listNamespacedConfigMap({ namespace: NS }))).toEqual([
      'a',
      'b',
      'bb',
      'c',
      'e',
    ]);
  });

  it('pages a past resourceVersion exactly when the first page names one', async () => {
    const before = await c.core.listNamespacedConfigMap({ namespace: NS });
    await c.core.createNamespacedConfigMap({ namespace: NS, body: { metadata: { name: 'aa' } } });
    const atBefore = await c.core.listNamespacedConfigMap({
      namespace: NS,
      limit: 10,
      resourceVersion: before.metadata?.resourceVersion,
    });
    expect(names(atBefore)).toEqual(names(before));
    expect(atBefore.metadata?.resourceVersion).toBe(before.metadata?.resourceVersion);
    await c.core.deleteNamespacedConfigMap({ namespace: NS, name: 'aa' });
  });

  it('counts the remaining items only when no selector filters the list (as etcd3)', async () => {
    const selected = await page(1, undefined, 'set=second');
    expect(names(selected)).toEqual(['c']);
    expect(selected.metadata?._continue).toBeDefined();
    expect(selected.metadata?.remainingItemCount).toBeUndefined();
    const rest = await page(5, selected.metadata?._continue, 'set=second');
    expect(names(rest)).toEqual(['e']);
  });

  it('answers a token older than the history window with 410 and a token that continues at the newest state', async () => {
    const first = await page(2);
    await c.core.createNamespacedConfigMap({ namespace: NS, body: { metadata: { name: 'z' } } });
    clockMs += HISTORY_MS + 1000; // the write after the first page is compacted away
    const err = await rejection(page(2, first.metadata?._continue));
    expect(err.code).toBe(410);
    const status = statusOf(err) as ReturnType<typeof statusOf> & { metadata: { continue?: string } };
    expect(status.reason).toBe('Expired');
    expect(status.message).toBe(
      'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.',
    );
    // The inconsistent token resumes after the same key, at the newest state (z shows up).
    const resumed = await page(10, status.metadata.continue);
    expect(names(resumed)).toEqual(['bb', 'c', 'e', 'z']);
    expect(Number(resumed.metadata?.resourceVersion)).toBeGreaterThan(
      Number(first.metadata?.resourceVersion),
    );
  });

  it('refuses a token that is not one (400)', async () => {
    const err = await rejection(page(1, 'not-a-token'));
    expect(err.code).toBe(400);
    expect(statusOf(err).message).toMatch(/^continue key is not valid/);
  });
});
