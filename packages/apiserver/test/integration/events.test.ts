import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Json } from '../../object-types.ts';
import { type Cluster, rejection, startCluster, statusOf, waitFor } from './helpers.ts';

const NS = 'ev';

/** An events.k8s.io/v1 Event as the hub writes one, with `overrides` on top. */
function eventV1(name: string, overrides: Record<string, unknown> = {}): k8s.EventsV1Event {
  return {
    metadata: { name },
    eventTime: new Date('2026-01-02T03:04:05.123456Z'),
    reportingController: 'autoscaling.kosmos.dev/hub',
    reportingInstance: 'hub-0',
    action: 'Scale',
    reason: 'Scaled',
    note: 'replicas 2 -> 3',
    type: 'Normal',
    regarding: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', namespace: NS, uid: 'u-1' },
    ...overrides,
  } as k8s.EventsV1Event;
}

/** Raw JSON request (the typed clients drop fields they do not know and reformat times). */
async function raw(c: Cluster, method: string, path: string, body?: unknown) {
  const res = await fetch(`${c.server.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Json };
}

const coreEvents = `/api/v1/namespaces/${NS}/events`;
const v1Events = `/apis/events.k8s.io/v1/namespaces/${NS}/events`;

describe('core/v1 and events.k8s.io/v1 Events are one store', () => {
  let c: Cluster;
  let events: k8s.EventsV1Api;
  beforeAll(async () => {
    c = await startCluster({ nodes: 0 });
    events = c.kc.makeApiClient(k8s.EventsV1Api);
    await c.core.createNamespace({ body: { metadata: { name: NS } } });
  });
  afterAll(async () => {
    await c.server.stop();
  });

  it('serves an events.k8s.io/v1 Event through core/v1 with the fields renamed', async () => {
    const body = { apiVersion: 'events.k8s.io/v1', kind: 'Event', ...eventV1('new-api') };
    body.series = { count: 2, lastObservedTime: '2026-01-02T03:05:00.000001Z' } as never;
    const created = await raw(c, 'POST', v1Events, body);
    expect(created.status).toBe(201);
    const core = await raw(c, 'GET', `${coreEvents}/new-api`);
    expect(core.body).toMatchObject({
      apiVersion: 'v1',
      kind: 'Event',
      involvedObject: { kind: 'Deployment', name: 'web', namespace: NS, uid: 'u-1' },
      message: 'replicas 2 -> 3',
      reason: 'Scaled',
      type: 'Normal',
      action: 'Scale',
      reportingComponent: 'autoscaling.kosmos.dev/hub',
      reportingInstance: 'hub-0',
      eventTime: '2026-01-02T03:04:05.123Z',
      series: { count: 2, lastObservedTime: '2026-01-02T03:05:00.000001Z' },
    });
    for (const v1Only of ['note', 'regarding', 'reportingController'])
      expect(core.body).not.toHaveProperty(v1Only);
    expect(core.body['metadata'].resourceVersion).toBe(created.body['metadata'].resourceVersion);
    const listed = await c.core.listNamespacedEvent({ namespace: NS });
    expect(listed.items.map((e) => e.metadata?.name)).toContain('new-api');
  });

  it('serves a core/v1 Event through events.k8s.io/v1 with the deprecated fields', async () => {
    const created = await raw(c, 'POST', coreEvents, {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: 'old-api' },
      involvedObject: { kind: 'Pod', name: 'web-1', namespace: NS },
      reason: 'Resized',
      message: 'cpu 200m -> 400m',
      type: 'Normal',
      source: { component: 'kubelet', host: 'node-1' },
      count: 3,
      firstTimestamp: '2026-01-02T03:00:00Z',
      lastTimestamp: '2026-01-02T03:04:00Z',
    });
    expect(created.status).toBe(201);
    const got = await raw(c, 'GET', `${v1Events}/old-api`);
    expect(got.body).toMatchObject({
      apiVersion: 'events.k8s.io/v1',
      regarding: { kind: 'Pod', name: 'web-1', namespace: NS },
      note: 'cpu 200m -> 400m',
      deprecatedSource: { component: 'kubelet', host: 'node-1' },
      deprecatedCount: 3,
      deprecatedFirstTimestamp: '2026-01-02T03:00:00Z',
      deprecatedLastTimestamp: '2026-01-02T03:04:00Z',
    });
    for (const coreOnly of ['message', 'involvedObject', 'source', 'count'])
      expect(got.body).not.toHaveProperty(coreOnly);
    const names = (await events.listNamespacedEvent({ namespace: NS })).items.map((e) => e.metadata?.name);
    expect(names).toEqual(expect.arrayContaining(['new-api', 'old-api']));
  });

  it('delivers a write through one API to a watch on the other, in that API’s shape', async () => {
    const list = await c.core.listNamespacedEvent({ namespace: NS });
    const seen: Json[] = [];
    const watch = new k8s.Watch(c.kc);
    const req = await watch.watch(
      coreEvents,
      { resourceVersion: list.metadata?.resourceVersion },
      (type, obj) => seen.push({ type, obj }),
      () => {},
    );
    await events.createNamespacedEvent({ namespace: NS, body: eventV1('watched') });
    await waitFor(() => seen.length >= 1, 3000, 'the ADDED event');
    req.abort();
    expect(seen[0]).toMatchObject({
      type: 'ADDED',
      obj: { apiVersion: 'v1', metadata: { name: 'watched' }, message: 'replicas 2 -> 3' },
    });
  });

  it('selects with each API’s field labels', async () => {
    const byRegarding = await events.listNamespacedEvent({
      namespace: NS,
      fieldSelector: 'regarding.name=web-1,regarding.kind=Pod',
    });
    expect(byRegarding.items.map((e) => e.metadata?.name)).toEqual(['old-api']);
    const byController = await events.listNamespacedEvent({
      namespace: NS,
      fieldSelector: 'reportingController=autoscaling.kosmos.dev/hub',
    });
    expect(byController.items.map((e) => e.metadata?.name).sort()).toEqual(['new-api', 'watched']);
    // `source` is the source component, else the reporting controller (ToSelectableFields).
    const bySource = await c.core.listNamespacedEvent({ namespace: NS, fieldSelector: 'source=kubelet' });
    expect(bySource.items.map((e) => e.metadata?.name)).toEqual(['old-api']);
    const byReporting = await c.core.listNamespacedEvent({
      namespace: NS,
      fieldSelector: 'source=autoscaling.kosmos.dev/hub,involvedObject.name=web',
    });
    expect(byReporting.items.map((e) => e.metadata?.name).sort()).toEqual(['new-api', 'watched']);
    const err = await rejection(
      events.listNamespacedEvent({ namespace: NS, fieldSelector: 'involvedObject.name=x' }),
    );
    expect(err.code).toBe(400);
  });

  it('prints both kinds of Event in the Table kubectl get events asks for', async () => {
    const res = await fetch(`${c.server.url}${coreEvents}`, {
      headers: { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' },
    });
    const table = (await res.json()) as {
      columnDefinitions: { name: string }[];
      rows: { cells: unknown[] }[];
    };
    expect(table.columnDefinitions.map((d) => d.name).slice(0, 4)).toEqual([
      'Last Seen',
      'Type',
      'Reason',
      'Object',
    ]);
    const byName = new Map(table.rows.map((r) => [r.cells[9], r.cells]));
    expect(byName.get('new-api')).toMatchObject({
      1: 'Normal',
      2: 'Scaled',
      3: 'deployment/web',
      5: 'autoscaling.kosmos.dev/hub, hub-0',
      6: 'replicas 2 -> 3',
      8: 2,
    });
    expect(byName.get('old-api')).toMatchObject({ 3: 'pod/web-1', 5: 'kubelet, node-1', 8: 3 });
  });

  const long = (n: number) => 'x'.repeat(n);
  it.each([
    ['type not Normal/Warning', { type: 'Bogus' }, 'type: Invalid value: "": has invalid value: Bogus'],
    ['no reportingController', { reportingController: undefined }, 'reportingController: Required value'],
    ['no reportingInstance', { reportingInstance: undefined }, 'reportingInstance: Required value'],
    ['no action', { action: undefined }, 'action: Required value'],
    ['no eventTime', { eventTime: undefined }, 'eventTime: Required value'],
    [
      'a reason above 128 characters',
      { reason: long(129) },
      'reason: Invalid value: "": can have at most 128 characters',
    ],
    [
      'a note above 1024 characters',
      { note: long(1025) },
      'message: Invalid value: "": can have at most 1024 characters',
    ],
    ['a deprecated count', { deprecatedCount: 2 }, 'count: Invalid value: "": needs to be unset'],
    [
      'a series of one',
      { series: { count: 1, lastObservedTime: new Date() } },
      'series.count: Invalid value: "": should be at least 2',
    ],
    [
      // A cluster-scoped object's events go to `default` (or kube-system).
      'regarding a cluster-scoped object outside default',
      { regarding: { kind: 'Node', name: 'node-1' } },
      'involvedObject.namespace: Invalid value: "": does not match event.namespace',
    ],
  ])('refuses an events.k8s.io/v1 Event with %s (422)', async (_what, overrides, message) => {
    const err = await rejection(
      events.createNamespacedEvent({ namespace: NS, body: eventV1('bad', overrides) }),
    );
    expect(err.code).toBe(422);
    expect(statusOf(err).message).toContain(`Event.events.k8s.io "bad" is invalid`);
    expect(statusOf(err).message).toContain(message);
  });

  it('checks core/v1 Events only as legacy validation does', async () => {
    // core/v1 keeps the lenient rules: any type, no eventTime needed...
    const lenient = await raw(c, 'POST', coreEvents, {
      metadata: { name: 'legacy' },
      involvedObject: { kind: 'Pod', name: 'p', namespace: NS },
      type: 'Custom',
      reason: long(200),
    });
    expect(lenient.status).toBe(201);
    // ...but the involved object's namespace must be the event's...
    const mismatch = await raw(c, 'POST', coreEvents, {
      metadata: { name: 'elsewhere' },
      involvedObject: { kind: 'Pod', name: 'p', namespace: 'other' },
    });
    expect(mismatch.status).toBe(422);
    expect(mismatch.body['message']).toBe(
      'Event "elsewhere" is invalid: involvedObject.namespace: Invalid value: "other": does not match event.namespace',
    );
    // ...and an event with an eventTime must name its reporter and action.
    const newStyle = await raw(c, 'POST', coreEvents, {
      metadata: { name: 'half-new' },
      involvedObject: { kind: 'Pod', name: 'p', namespace: NS },
      eventTime: '2026-01-02T03:04:05.000000Z',
      reason: 'R',
    });
    expect(newStyle.status).toBe(422);
    expect(newStyle.body['details'].causes.map((x: { field: string }) => x.field)).toEqual([
      'reportingController',
      'reportingController',
      'reportingInstance',
      'action',
    ]);
  });

  it('keeps an events.k8s.io/v1 Event immutable through that API, but not through core/v1', async () => {
    await events.createNamespacedEvent({ namespace: NS, body: eventV1('fixed') });
    const merge = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch);
    const err = await rejection(
      events.patchNamespacedEvent({ namespace: NS, name: 'fixed', body: { note: 'changed' } }, merge),
    );
    expect(err.code).toBe(422);
    expect(statusOf(err).message).toContain('message: Invalid value: "changed": field is immutable');
    const series = await events.patchNamespacedEvent(
      { namespace: NS, name: 'fixed', body: { series: { count: 2, lastObservedTime: new Date() } } },
      merge,
    );
    expect(series.series?.count).toBe(2);
    const core = await c.core.patchNamespacedEvent(
      { namespace: NS, name: 'fixed', body: { message: 'changed' } },
      merge,
    );
    expect(core.message).toBe('changed');
    expect((await events.readNamespacedEvent({ namespace: NS, name: 'fixed' })).note).toBe('changed');
  });

  it('deletes through either API', async () => {
    await c.core.deleteNamespacedEvent({ namespace: NS, name: 'new-api' });
    const err = await rejection(events.readNamespacedEvent({ namespace: NS, name: 'new-api' }));
    expect(err.code).toBe(404);
    expect(statusOf(err).message).toBe('events.events.k8s.io "new-api" not found');
  });
});

describe('Events expire after the event TTL (--event-ttl)', () => {
  it('deletes an Event the TTL after its last write, which a watch sees as DELETED', async () => {
    const c = await startCluster({ nodes: 0, eventTtlMs: 200 });
    try {
      const list = await c.core.listNamespacedEvent({ namespace: 'default' });
      const seen: string[] = [];
      const req = await new k8s.Watch(c.kc).watch(
        '/apis/events.k8s.io/v1/namespaces/default/events',
        { resourceVersion: list.metadata?.resourceVersion },
        (type, obj) => seen.push(`${type} ${obj.metadata.name}`),
        () => {},
      );
      const events = c.kc.makeApiClient(k8s.EventsV1Api);
      await events.createNamespacedEvent({
        namespace: 'default',
        body: eventV1('short-lived', { regarding: { kind: 'Node', name: 'node-1' } }),
      });
      await waitFor(() => seen.includes('DELETED short-lived'), 5000, 'the expired event deleted');
      req.abort();
      expect(seen[0]).toBe('ADDED short-lived');
      expect((await events.listNamespacedEvent({ namespace: 'default' })).items).toEqual([]);
    } finally {
      await c.server.stop();
    }
  });
});
