// The example an operator applies (deploy/examples) is accepted by the embedded API server with
// kosmos's CRDs installed, exactly as `kubectl apply -k deploy/examples` would send it.
import { readFileSync } from 'node:fs';
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { type ApiServer, startApiServer } from '../../../packages/apiserver/index.ts';

const deployDir = new URL('../../../deploy/', import.meta.url).pathname;

describe('deploy/examples on the embedded API server', () => {
  let api: ApiServer;
  let client: k8s.KubernetesObjectApi;

  beforeAll(async () => {
    api = await startApiServer({ crdDir: `${deployDir}crds`, nodes: 2 });
    client = k8s.KubernetesObjectApi.makeApiClient(api.kubeConfig());
  });
  afterAll(async () => api?.stop());

  it.each(['sample-app.yaml', 'sample-sla.yaml'])('%s is created as written', async (file) => {
    const objects = parseAllDocuments(readFileSync(`${deployDir}examples/${file}`, 'utf8')).map(
      (d) => d.toJS() as k8s.KubernetesObject,
    );
    for (const obj of objects) {
      const created = await client.create(obj);
      expect(created.metadata?.uid).toBeTruthy();
      const read = await client.read({
        apiVersion: obj.apiVersion,
        kind: obj.kind,
        metadata: { name: obj.metadata!.name!, namespace: obj.metadata?.namespace },
      });
      expect(read.metadata?.name).toBe(obj.metadata?.name);
    }
  });

  it('the example SLA is stored with the CRD defaults filled in', async () => {
    const sla = (await client.read({
      apiVersion: 'autoscaling.kosmos.dev/v1alpha1',
      kind: 'ServiceLevelAgreement',
      metadata: { name: 'web', namespace: 'default' },
    })) as k8s.KubernetesObject & { spec: { policy: { controller: string; arbitration: string } } };
    expect(sla.spec.policy.controller).toBe('kosmos');
    expect(sla.spec.policy.arbitration).toBe('minimum-first');
  });
});
