// --kubernetes-version: /version reports it and the resize rules that differ follow it.
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseKubernetesVersion } from '../../kubernetes-version.ts';
import { type Cluster, startCluster } from './helpers.ts';

const strategic = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.StrategicMergePatch);

describe.each(['1.34', '1.35'] as const)('a %s server', (version) => {
  let c: Cluster;
  beforeAll(async () => {
    c = await startCluster({ kubernetesVersion: version });
    await c.core.createNamespacedPod({
      namespace: 'default',
      body: {
        metadata: { name: 'm' },
        spec: {
          containers: [
            {
              name: 'app',
              image: 'x',
              resources: { requests: { memory: '1Gi' }, limits: { memory: '2Gi' } },
            },
          ],
        },
      },
    });
  });
  afterAll(async () => c?.server.stop());

  it('reports its version', async () => {
    const info = (await (await fetch(`${c.server.url}/version`)).json()) as {
      minor: string;
      gitVersion: string;
    };
    expect([info.minor, info.gitVersion.startsWith(`v${version}.`)]).toEqual([version.split('.')[1], true]);
  });

  it(`${version === '1.35' ? 'allows' : 'refuses'} a memory-limit decrease with resizePolicy NotRequired`, async () => {
    const call = c.core.patchNamespacedPodResize(
      {
        namespace: 'default',
        name: 'm',
        body: { spec: { containers: [{ name: 'app', resources: { limits: { memory: '1536Mi' } } }] } },
      },
      strategic,
    );
    if (version === '1.35')
      expect((await call).spec?.containers[0]?.resources?.limits?.['memory']).toBe('1536Mi');
    else await expect(call).rejects.toMatchObject({ code: 422 });
  });
});

describe('parseKubernetesVersion', () => {
  it.each([
    ['1.33', '1.33'],
    ['v1.34', '1.34'],
    ['1.35.2', '1.35'],
  ])('%s → %s', (text, version) => expect(parseKubernetesVersion(text)).toBe(version));

  it('names the supported versions when refusing one', () => {
    expect(() => parseKubernetesVersion('1.30')).toThrow('supported: 1.33, 1.34, 1.35');
  });
});
