// Writes a kubeconfig file pointing at the embedded server, for kubectl and other processes.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { stringify } from 'yaml';

/**
 * A client config for the server. client-node 2 refuses http:// URLs unless the cluster has
 * skipTLSVerify set, and an https server here has a certificate of the caller's choosing with no
 * CA to hand: skipTLSVerify is set either way (and in the written file).
 */
export function kubeConfigForServer(server: string, token?: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromClusterAndUser(
    { name: 'kosmos', server, skipTLSVerify: true },
    token ? { name: 'kosmos', token } : { name: 'kosmos' },
  );
  return kc;
}

export function kubeconfigYaml(server: string, token?: string, namespace = 'default'): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name: 'kosmos',
        cluster: { server, 'insecure-skip-tls-verify': true },
      },
    ],
    users: [{ name: 'kosmos', user: token ? { token } : {} }],
    contexts: [{ name: 'kosmos', context: { cluster: 'kosmos', user: 'kosmos', namespace } }],
    'current-context': 'kosmos',
    preferences: {},
  });
}

/** Write the kubeconfig to `path`, or to a fresh temporary directory; returns the file path. */
export async function writeKubeconfig(server: string, path?: string, token?: string): Promise<string> {
  const file = path ?? join(await mkdtemp(join(tmpdir(), 'kosmos-cluster-')), 'kubeconfig');
  await writeFile(file, kubeconfigYaml(server, token), { mode: 0o600 });
  return file;
}
