import { fileURLToPath } from 'node:url';
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_VERSION, GROUP, PODSCALE_PLURAL, SLA_PLURAL, VERSION } from '../../../../lib/api/types.ts';
import { type Cluster, rejection, startCluster, statusOf, waitFor } from './helpers.ts';

const crdDir = fileURLToPath(new URL('../../../../deploy/crds', import.meta.url));
const merge = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch);
const strategic = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.StrategicMergePatch);

function sla(name: string, replicas: { min?: number; max: number } = { min: 1, max: 10 }) {
  return {
    apiVersion: API_VERSION,
    kind: 'ServiceLevelAgreement',
    metadata: { name },
    spec: {
      targetRef: { kind: 'Deployment', name: 'web' },
      objective: { responseTime: '200ms' },
      metrics: { scrape: { port: 8080, metric: 'http_request_duration_seconds' } },
      resources: { min: { cpu: '100m', memory: '64Mi' }, max: { cpu: '2', memory: '512Mi' } },
      replicas,
    },
  };
}

interface Obj {
  metadata: { name: string; uid: string; resourceVersion: string; generation?: number };
  spec: Record<string, unknown> & { targetRef?: { apiVersion?: string } };
  status?: Record<string, unknown>;
}

describe('custom resources from deploy/crds with schema and CEL validation', () => {
  let c: Cluster;
  const ns = 'default';
  const slaPath = { group: GROUP, version: VERSION, namespace: ns, plural: SLA_PLURAL };
  beforeAll(async () => {
    c = await startCluster({ crdDir, nodes: 0 });
  });
  afterAll(async () => {
    await c.server.stop();
  });

  it('serves the CRD group in discovery with its short names and status subresource', async () => {
    const res = await fetch(`${c.server.url}/apis/${GROUP}/${VERSION}`);
    const doc = (await res.json()) as { resources: { name: string; shortNames?: string[] }[] };
    expect(doc.resources.find((r) => r.name === SLA_PLURAL)?.shortNames).toEqual(['sla']);
    expect(doc.resources.map((r) => r.name)).toContain(`${SLA_PLURAL}/status`);
    const crd = await c.kc
      .makeApiClient(k8s.ApiextensionsV1Api)
      .readCustomResourceDefinition({ name: `${SLA_PLURAL}.${GROUP}` });
    await waitFor(
      async () => {
        const x = await c.kc
          .makeApiClient(k8s.ApiextensionsV1Api)
          .readCustomResourceDefinition({ name: crd.metadata!.name! });
        return x.status?.conditions?.some((cond) => cond.type === 'Established' && cond.status === 'True');
      },
      3000,
      'Established',
    );
  });

  it('creates a valid SLA with schema defaults applied', async () => {
    const created = (await c.custom.createNamespacedCustomObject({ ...slaPath, body: sla('ok') })) as Obj;
    expect(created.metadata.uid).toBeTruthy();
    expect(created.spec.targetRef?.apiVersion).toBe('apps/v1');
    const listed = (await c.custom.listNamespacedCustomObject(slaPath)) as { items: Obj[] };
    expect(listed.items.map((i) => i.metadata.name)).toEqual(['ok']);
  });

  it('renders a Table with the CRD printer columns for kubectl get', async () => {
    const res = await fetch(`${c.server.url}/apis/${GROUP}/${VERSION}/namespaces/${ns}/${SLA_PLURAL}`, {
      headers: { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json' },
    });
    const table = (await res.json()) as {
      kind: string;
      columnDefinitions: { name: string }[];
      rows: { cells: unknown[] }[];
    };
    expect(table.kind).toBe('Table');
    expect(table.columnDefinitions.map((d) => d.name).slice(0, 3)).toEqual(['Name', 'Target', 'Objective']);
    expect(table.rows[0]?.cells.slice(0, 3)).toEqual(['ok', 'web', '200ms']);
  });

  it("rejects an invalid SLA with 422 carrying the CEL rule's message and field", async () => {
    const err = await rejection(
      c.custom.createNamespacedCustomObject({ ...slaPath, body: sla('bad', { min: 5, max: 2 }) }),
    );
    expect(err.code).toBe(422);
    const status = statusOf(err);
    expect(status.reason).toBe('Invalid');
    expect(status.message).toContain('replicas.min must be less than or equal to replicas.max');
    expect(status.details?.causes?.[0]?.field).toBe('spec.replicas.min');
  });

  it('rejects a schema violation with 422 naming the field', async () => {
    const body = sla('enum');
    (body.spec.objective as Record<string, string>)['statistic'] = 'p42';
    const err = await rejection(c.custom.createNamespacedCustomObject({ ...slaPath, body }));
    expect(err.code).toBe(422);
    expect(statusOf(err).details?.causes?.map((x) => x.field)).toContain('spec.objective.statistic');
  });

  it('updates status only through the status subresource', async () => {
    const withStatus = (await c.custom.patchNamespacedCustomObjectStatus(
      { ...slaPath, name: 'ok', body: { status: { replicas: 3 } } },
      merge,
    )) as Obj;
    expect(withStatus.status).toEqual({ replicas: 3 });
    expect(withStatus.metadata.generation).toBe(1);
    const viaMain = (await c.custom.patchNamespacedCustomObject(
      { ...slaPath, name: 'ok', body: { spec: { container: 'web' }, status: { replicas: 99 } } },
      merge,
    )) as Obj;
    expect(viaMain.status).toEqual({ replicas: 3 });
    expect(viaMain.metadata.generation).toBe(2);
  });

  it('refuses strategic merge patches on custom resources with 415', async () => {
    const err = await rejection(
      c.custom.patchNamespacedCustomObject({ ...slaPath, name: 'ok', body: { spec: {} } }, strategic),
    );
    expect(err.code).toBe(415);
  });

  it('runs transition rules on update (podRef is immutable) and deletes PodScales with their SLA', async () => {
    const owner = (await c.custom.getNamespacedCustomObject({ ...slaPath, name: 'ok' })) as Obj;
    const psPath = { group: GROUP, version: VERSION, namespace: ns, plural: PODSCALE_PLURAL };
    await c.custom.createNamespacedCustomObject({
      ...psPath,
      body: {
        apiVersion: API_VERSION,
        kind: 'PodScale',
        metadata: {
          name: 'web-abc',
          ownerReferences: [
            {
              apiVersion: API_VERSION,
              kind: 'ServiceLevelAgreement',
              name: 'ok',
              uid: owner.metadata.uid,
              controller: true,
            },
          ],
        },
        spec: {
          podRef: { name: 'web-abc', uid: 'u1' },
          slaRef: { name: 'ok' },
          container: 'web',
          desired: { cpu: '250m' },
        },
      },
    });
    const err = await rejection(
      c.custom.patchNamespacedCustomObject(
        { ...psPath, name: 'web-abc', body: { spec: { podRef: { uid: 'u2' } } } },
        merge,
      ),
    );
    expect(err.code).toBe(422);
    expect(statusOf(err).message).toContain('podRef is immutable');
    await c.custom.deleteNamespacedCustomObject({ ...slaPath, name: 'ok' });
    await waitFor(
      async () =>
        ((await c.custom.listNamespacedCustomObject(psPath)) as { items: unknown[] }).items.length === 0,
      3000,
      'PodScale collected',
    );
  });

  it('selects PodScales by spec.nodeName, as each node agent watches them', async () => {
    const psPath = { group: GROUP, version: VERSION, namespace: ns, plural: PODSCALE_PLURAL };
    for (const [name, nodeName] of [
      ['on-n1', 'n1'],
      ['on-n2', 'n2'],
    ] as const) {
      await c.custom.createNamespacedCustomObject({
        ...psPath,
        body: {
          apiVersion: API_VERSION,
          kind: 'PodScale',
          metadata: { name },
          spec: {
            podRef: { name, uid: `uid-${name}` },
            slaRef: { name: 'none' },
            container: 'web',
            nodeName,
            desired: { cpu: '250m' },
          },
        },
      });
    }
    const mine = (await c.custom.listClusterCustomObject({
      group: GROUP,
      version: VERSION,
      plural: PODSCALE_PLURAL,
      fieldSelector: 'spec.nodeName=n1',
    })) as { items: Obj[] };
    expect(mine.items.map((o) => o.metadata.name)).toEqual(['on-n1']);
    // A field the CRD does not declare selectable is refused, as the real API server does.
    const err = await rejection(
      c.custom.listClusterCustomObject({
        group: GROUP,
        version: VERSION,
        plural: PODSCALE_PLURAL,
        fieldSelector: 'spec.container=web',
      }),
    );
    expect(err.code).toBe(400);
  });

  it('serves a CRD created through the API', async () => {
    // Raw POST: client-node's serializer drops x-kubernetes-validations from nested schemas.
    const res = await fetch(`${c.server.url}/apis/apiextensions.k8s.io/v1/customresourcedefinitions`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        apiVersion: 'apiextensions.k8s.io/v1',
        kind: 'CustomResourceDefinition',
        metadata: { name: 'widgets.example.com' },
        spec: {
          group: 'example.com',
          scope: 'Cluster',
          names: { plural: 'widgets', singular: 'widget', kind: 'Widget' },
          versions: [
            {
              name: 'v1',
              served: true,
              storage: true,
              schema: {
                openAPIV3Schema: {
                  type: 'object',
                  properties: {
                    spec: {
                      type: 'object',
                      properties: { size: { type: 'integer' } },
                      'x-kubernetes-validations': [
                        { rule: 'self.size < 10', message: 'size must be below 10' },
                      ],
                    },
                  },
                },
              },
            },
          ],
        },
      }),
    });
    expect(res.status).toBe(201);
    const w = { group: 'example.com', version: 'v1', plural: 'widgets' };
    await c.custom.createClusterCustomObject({
      ...w,
      body: { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w1' }, spec: { size: 3 } },
    });
    const err = await rejection(
      c.custom.createClusterCustomObject({
        ...w,
        body: { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w2' }, spec: { size: 30 } },
      }),
    );
    expect(statusOf(err).message).toContain('size must be below 10');
  });
});
