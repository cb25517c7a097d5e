// The agent ↔ hub stream over TLS with the real hub and agent: an agent that trusts the hub's CA
// connects and reports; one that trusts another CA never does.
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kubeClients } from '../../../lib/kube.ts';
import { type ApiServer, startApiServer } from '../../../packages/apiserver/index.ts';
import { waitFor } from '../../support/wait-for.ts';
import { type HubAgentPair, startHubAndAgent } from './pair.ts';
import { WEB_NAMESPACE as NS, webDeployment } from './web-service.ts';
import { Workload } from './workload.ts';

const NODE = 'node-1';
const fixture = (name: string) => fileURLToPath(new URL(`../../fixtures/tls/${name}`, import.meta.url));
const hubTls = [`--tls-cert-file=${fixture('hub.crt')}`, `--tls-key-file=${fixture('hub.key')}`];

describe('agent ↔ hub over TLS', () => {
  let api: ApiServer;
  let workload: Workload;
  let pair: HubAgentPair | undefined;

  beforeAll(async () => {
    api = await startApiServer({ crdDir: 'deploy/crds', nodes: [{ name: NODE, cpu: '4', memory: '16Gi' }] });
    await kubeClients(api.kubeConfig()).apps.createNamespacedDeployment({
      namespace: NS,
      body: webDeployment(1),
    });
    workload = new Workload(api);
  });
  afterAll(async () => {
    await pair?.stop();
    await api?.stop();
  });

  it('connects and reports when the agent verifies the hub with its CA', async () => {
    pair = await startHubAndAgent(
      api,
      workload,
      NODE,
      hubTls,
      [`--hub-ca-file=${fixture('ca.crt')}`],
      'localhost',
    );
    const hub = pair.hub;
    await waitFor('the agent connected over TLS', () => hub.model.node(NODE)?.connected === true, 15_000);
    await waitFor('a report folded', () => hub.model.node(NODE)!.lastReportMs > 0, 15_000);
    expect(pair.agent.hub.state()).toBe('connected');
  });

  it('never connects when the agent trusts another CA', async () => {
    await pair?.stop();
    pair = await startHubAndAgent(
      api,
      workload,
      NODE,
      hubTls,
      [`--hub-ca-file=${fixture('other-ca.crt')}`],
      'localhost',
    );
    await new Promise((r) => setTimeout(r, 2000));
    expect(pair.hub.model.node(NODE)).toBeUndefined();
    expect(pair.agent.hub.state()).not.toBe('connected');
  });
});
