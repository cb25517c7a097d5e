// The hub with --agent-auth=tokenreview against the embedded API server's TokenReview: the node
// comes from the token's node claim, and reports about another node's pods are refused.
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NODE_NAME_EXTRA } from '../../../hub/src/auth/agent-auth.ts';
import { parseHubConfig } from '../../../hub/src/config.ts';
import { type RunningHub, startHub } from '../../../hub/src/hub.ts';
import { kubeClients } from '../../../lib/kube.ts';
import { silentLogger } from '../../../lib/log.ts';
import { type ApiServer, startApiServer } from '../../../packages/apiserver/index.ts';
import { nodeReport, podReport } from '../../unit/hub/fixtures.ts';
import { connectTestAgent, type TestAgent, waitFor } from '../../unit/hub/test-agent.ts';

describe('agent authentication with TokenReview', () => {
  let api: ApiServer;
  let hub: RunningHub;
  const uids: Record<string, string> = {};
  const agents: TestAgent[] = [];
  const connect = (node: string, token: string) => {
    const a = connectTestAgent(`127.0.0.1:${hub.grpcPort}`, node, token);
    agents.push(a);
    return a;
  };

  beforeAll(async () => {
    api = await startApiServer({ crdDir: 'deploy/crds', nodes: 2, podStartDelayMs: 5 });
    const agentUser = (node: string) => ({
      username: 'system:serviceaccount:kosmos-system:kosmos-agent',
      extra: { [NODE_NAME_EXTRA]: [node] },
    });
    api.tokens.register('token-node-1', agentUser('node-1'));
    api.tokens.register('token-node-2', agentUser('node-2'));
    const { core } = kubeClients(api.kubeConfig());
    for (const [name, node] of [
      ['a', 'node-1'],
      ['b', 'node-2'],
    ] as const) {
      const pod = await core.createNamespacedPod({
        namespace: 'default',
        body: {
          metadata: { name, namespace: 'default' },
          spec: {
            nodeName: node,
            containers: [{ name: 'app', image: 'x', resources: { requests: { cpu: '100m' } } }],
          },
        },
      });
      uids[name] = pod.metadata!.uid!;
    }
    const config = parseHubConfig([
      '--grpc-port=0',
      '--status-port=0',
      '--metrics-port=0',
      '--bind-address=127.0.0.1',
      '--agent-auth=tokenreview',
      '--allow-plaintext-token',
    ]);
    hub = await startHub({ config, log: silentLogger(), kc: api.kubeConfig(), syncTimeoutMs: 10_000 });
  });

  afterAll(async () => {
    for (const a of agents) a.close();
    await hub?.stop();
    await api?.stop();
  });

  it('takes the node from the token and refuses a report about another node’s pod', async () => {
    const agent = connect('', 'token-node-1');
    await waitFor(() => agent.messages.find((m) => m.body === 'welcome'), 5000, 'welcome');
    agent.report(
      nodeReport('node-1', [
        podReport({ uid: uids['a']!, name: 'a' }),
        podReport({ uid: uids['b']!, name: 'b' }),
      ]),
    );
    await waitFor(() => agent.messages.find((m) => m.body === 'directive'), 5000, 'directive');
    expect(hub.model.observation(uids['a']!)?.node).toBe('node-1');
    expect(hub.model.observation(uids['b']!)).toBeUndefined();
    const metrics = await hub.metrics.registry.getSingleMetricAsString(
      'kosmos_hub_refused_pod_reports_total',
    );
    expect(metrics).toContain('node="node-1",reason="other-node"} 1');
  });

  it('closes the stream of an agent whose report names a node other than its token’s', async () => {
    const agent = connect('node-2', 'token-node-2');
    await waitFor(() => agent.messages.find((m) => m.body === 'welcome'), 5000, 'welcome');
    agent.report(nodeReport('node-1', [podReport({ uid: uids['a']!, name: 'a' })]));
    await waitFor(() => agent.status, 5000, 'stream closed');
    expect(agent.status?.code).toBe(grpc.status.PERMISSION_DENIED);
  });

  it.each([
    { name: 'a hello claiming another node than the token', node: 'node-2', token: 'token-node-1' },
    { name: 'no token', node: 'node-1', token: '' },
    { name: 'an unknown token', node: 'node-1', token: 'forged' },
  ])('refuses $name with UNAUTHENTICATED', async (c) => {
    const agent = connect(c.node, c.token);
    await waitFor(() => agent.status, 5000, 'stream closed');
    expect(agent.status?.code).toBe(grpc.status.UNAUTHENTICATED);
    expect(agent.messages).toEqual([]);
  });
});
