import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as k8s from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import { withApiDeadlines } from '../../../lib/api-deadline.ts';
import { kubeConfigFor } from '../../../lib/kube.ts';
import { reuseDispatchers } from '../../../lib/kube-dispatcher.ts';
import { silentLogger } from '../../../lib/log.ts';

const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((resolve) => s.close(resolve));
  }
});

/** An API server answering every request with an empty pod list, counting TCP connections. */
async function apiServer(): Promise<{ url: string; connections: () => number }> {
  let connections = 0;
  const server = createServer((_req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ apiVersion: 'v1', kind: 'PodList', metadata: {}, items: [] }));
  });
  server.on('connection', () => connections++);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    connections: () => connections,
  };
}

const deadlines = { requestTimeoutMs: 5000, listTimeoutMs: 5000, log: silentLogger() };

describe('reuseDispatchers', () => {
  it('sends sequential API calls over kept-alive connections (one per call without it)', async () => {
    const api = await apiServer();
    const core = withApiDeadlines(kubeConfigFor({ server: api.url }), deadlines).makeApiClient(k8s.CoreV1Api);
    for (let i = 0; i < 10; i++) await core.listNamespacedPod({ namespace: 'default' });
    // a call may start before the previous one's connection is back in the pool: a second one opens
    expect(api.connections()).toBeLessThanOrEqual(2);
  });

  it('builds a new dispatcher when the TLS options change (a rotated certificate)', () => {
    const kc = kubeConfigFor({ server: 'https://127.0.0.1:1' });
    const built: unknown[] = [];
    Object.defineProperty(kc, 'createDispatcher', {
      value: (_cluster: unknown, options: { ca?: Buffer }) => {
        const dispatcher = { ca: options.ca?.toString() };
        built.push(dispatcher);
        return dispatcher;
      },
      configurable: true,
    });
    reuseDispatchers(kc);
    const create = (kc as unknown as { createDispatcher: (c: unknown, o: object) => unknown })
      .createDispatcher;
    const cluster = kc.getCurrentCluster();
    const first = create(cluster, { ca: Buffer.from('ca-1') });
    expect(create(cluster, { ca: Buffer.from('ca-1') })).toBe(first);
    const rotated = create(cluster, { ca: Buffer.from('ca-2') });
    expect(rotated).not.toBe(first);
    expect(create(cluster, { ca: Buffer.from('ca-2') })).toBe(rotated);
    expect(built).toHaveLength(2);
  });
});
