import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kubeConfigForServer } from '../../kubeconfig.ts';
import { type Cluster, pod, rejection, startCluster, statusOf, waitFor } from './helpers.ts';

const strategic = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.StrategicMergePatch);

describe('fault injection and authentication', () => {
  let c: Cluster;
  beforeAll(async () => {
    c = await startCluster();
    await c.core.createNamespacedPod({ namespace: 'default', body: pod('f', { cpu: '100m' }) });
  });
  afterAll(async () => {
    await c.server.stop();
  });

  it('fails the next N matching requests with the given code, then serves normally', async () => {
    c.server.faults.failNext({ verb: 'patch', resource: 'pods/resize', code: 409, count: 2 });
    const resize = () =>
      c.core.patchNamespacedPodResize(
        {
          namespace: 'default',
          name: 'f',
          body: { spec: { containers: [{ name: 'app', resources: { requests: { cpu: '150m' } } }] } },
        },
        strategic,
      );
    expect((await rejection(resize())).code).toBe(409);
    const second = await rejection(resize());
    expect(statusOf(second)).toMatchObject({ kind: 'Status', code: 409, reason: 'Conflict' });
    const ok = await resize();
    expect(ok.spec?.containers[0]?.resources?.requests?.['cpu']).toBe('150m');
  });

  it('injects 429 with Retry-After and 500 on other verbs only', async () => {
    c.server.faults.failNext({ verb: 'list', resource: 'pods', code: 429 });
    c.server.faults.failNext({ verb: 'get', resource: 'pods', code: 500 });
    const res = await fetch(`${c.server.url}/api/v1/namespaces/default/pods`);
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('1');
    await c.core.listNode();
    expect((await rejection(c.core.readNamespacedPod({ namespace: 'default', name: 'f' }))).code).toBe(500);
    expect((await c.core.readNamespacedPod({ namespace: 'default', name: 'f' })).metadata?.name).toBe('f');
  });

  it('delays matching responses', async () => {
    c.server.faults.delay({ verb: 'get', resource: 'nodes', ms: 250, count: 1 });
    const t0 = Date.now();
    await c.core.readNode({ name: 'node-1' });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(240);
    const t1 = Date.now();
    await c.core.readNode({ name: 'node-1' });
    expect(Date.now() - t1).toBeLessThan(240);
  });

  it('drops watches abruptly so the client sees an error', async () => {
    let ended: unknown = 'open';
    await new k8s.Watch(c.kc).watch(
      '/api/v1/pods',
      {},
      () => {},
      (err) => {
        ended = err;
      },
    );
    await waitFor(
      () => c.server.faults.dropWatches({ resource: '/pods', abrupt: true }) > 0,
      3000,
      'a watch to drop',
    );
    await waitFor(() => ended !== 'open', 3000, 'watch ended');
    expect(ended).toBeInstanceOf(Error);
  });

  it('answers TokenReviews for registered tokens with user, groups and node-name extra', async () => {
    c.server.tokens.register('agent-token', {
      username: 'system:serviceaccount:kosmos:agent',
      groups: ['system:serviceaccounts'],
      extra: { 'authentication.kubernetes.io/node-name': ['node-1'] },
    });
    const auth = c.kc.makeApiClient(k8s.AuthenticationV1Api);
    const known = await auth.createTokenReview({ body: { spec: { token: 'agent-token' } } });
    expect(known.status?.authenticated).toBe(true);
    expect(known.status?.user?.username).toBe('system:serviceaccount:kosmos:agent');
    expect(known.status?.user?.extra?.['authentication.kubernetes.io/node-name']).toEqual(['node-1']);
    const unknown = await auth.createTokenReview({ body: { spec: { token: 'nope' } } });
    expect(unknown.status?.authenticated).toBe(false);
  });

  it('authenticates bearer tokens: registered → that user, unknown → 401, none → anonymous', async () => {
    const users: string[] = [];
    c.server.onRequest((r) => users.push(r.user));
    const withToken = kubeConfigForServer(c.server.url, 'agent-token').makeApiClient(k8s.CoreV1Api);
    await withToken.listNode();
    expect(users.at(-1)).toBe('system:serviceaccount:kosmos:agent');
    const bad = kubeConfigForServer(c.server.url, 'forged').makeApiClient(k8s.CoreV1Api);
    expect((await rejection(bad.listNode())).code).toBe(401);
    await c.core.listNode();
    expect(users.at(-1)).toBe('system:anonymous');
  });
});
