import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_VERSION, GROUP, VERSION } from '../../../lib/api/types.ts';
import { type ApiServer, startApiServer } from '../../../packages/apiserver/index.ts';
import { DEFAULT_CRD_DIR } from '../../support/kosmos-crds.ts';

function sla(name: string, spec: Record<string, unknown> = {}) {
  return {
    apiVersion: API_VERSION,
    kind: 'ServiceLevelAgreement',
    metadata: { name, namespace: 'default' },
    spec: {
      targetRef: { kind: 'Deployment', name: 'web' },
      objective: { responseTime: '200ms' },
      metrics: { scrape: { port: 8080, metric: 'http_request_duration_seconds' } },
      resources: { min: { cpu: '100m' }, max: { cpu: '2' } },
      replicas: { max: 4 },
      unknownField: 'pruned',
      ...spec,
    },
  };
}

describe('kosmos CRDs installed in the embedded API server', () => {
  let server: ApiServer;
  let custom: k8s.CustomObjectsApi;

  beforeAll(async () => {
    server = await startApiServer({ crdDir: DEFAULT_CRD_DIR, nodes: 0 });
    custom = server.kubeConfig().makeApiClient(k8s.CustomObjectsApi);
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('stores a valid SLA pruned and defaulted', async () => {
    const created = (await custom.createNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      namespace: 'default',
      plural: 'servicelevelagreements',
      body: sla('ok'),
    })) as { spec: Record<string, unknown> & { policy: { mode: string }; replicas: { min: number } } };
    expect(created.spec['unknownField']).toBeUndefined();
    expect(created.spec.replicas.min).toBe(1);
    expect(created.spec.policy.mode).toBe('Auto');
  });

  it('rejects an invalid SLA with 422 and a message naming the field', async () => {
    const err = await custom
      .createNamespacedCustomObject({
        group: GROUP,
        version: VERSION,
        namespace: 'default',
        plural: 'servicelevelagreements',
        body: sla('bad', { replicas: { min: 5, max: 2 } }),
      })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(k8s.ApiException);
    const apiErr = err as k8s.ApiException<string>;
    expect(apiErr.code).toBe(422);
    expect(String(apiErr.body)).toContain('replicas.min must be less than or equal to replicas.max');
  });
});
