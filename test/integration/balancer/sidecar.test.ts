// The sidecar process as deployed, from source and as the image runs it (dist/balancer.mjs, built
// here by build.ts, with the image's environment): it polls the hub, reads pod IPs from the API
// server, sets HAProxy's slots, and exits 0 on SIGTERM.
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { imageCommand } from '../../../build-entries.ts';
import { kubeClients } from '../../../lib/kube.ts';
import { type ApiServer, startApiServer } from '../../../packages/apiserver/index.ts';
import { freePort, type Haproxy, startHaproxy, waitFor } from './harness.ts';
import { type HubState, SLA, startHubState } from './hub-state.ts';

const ROOT = new URL('../../../', import.meta.url).pathname;
const MAIN = join(ROOT, 'hub/src/balancer/main.ts');
const IPS: Record<string, string> = { 'web-1': '10.9.0.1', 'web-2': '10.9.0.2' };

/** How the sidecar is started: node's arguments before its flags, and its environment. */
type Launch = () => { nodeArgs: string[]; env: NodeJS.ProcessEnv };

const bundleDir = mkdtempSync(join(tmpdir(), 'kosmos-balancer-build-'));
afterAll(() => rmSync(bundleDir, { recursive: true, force: true }));

describe.each<[string, Launch]>([
  ['from source', () => ({ nodeArgs: [MAIN], env: process.env })],
  ['as the image runs it (bundled)', () => imageCommand(bundleDir, 'balancer')],
])('balancer sidecar process %s', (how, launch) => {
  let haproxy: Haproxy;
  let hub: HubState;
  let api: ApiServer;
  let core: k8s.CoreV1Api;

  beforeAll(async () => {
    if (how.includes('bundled'))
      await promisify(execFile)(process.execPath, [join(ROOT, 'build.ts'), `--out=${bundleDir}`], {
        timeout: 60_000,
      });
    haproxy = await startHaproxy({ backend: 'web', slots: 2, serverPort: await freePort() });
    hub = await startHubState();
    api = await startApiServer({ podIp: (pod) => IPS[pod.metadata?.name ?? ''] });
    core = kubeClients(api.kubeConfig()).core;
    await core.createNamespace({ body: { metadata: { name: SLA.namespace } } });
  });

  afterAll(async () => {
    await hub?.stop();
    await haproxy?.stop();
    await api?.stop();
  });

  it('weights the HAProxy backend from HubStatus and stops cleanly on SIGTERM', async () => {
    const uids = new Map<string, string>();
    for (const name of Object.keys(IPS)) {
      const pod = await core.createNamespacedPod({
        namespace: SLA.namespace,
        body: { metadata: { name }, spec: { containers: [{ name: 'web', image: 'kosmos:0.1.0' }] } },
      });
      uids.set(name, pod.metadata!.uid!);
    }
    hub.publish({ 'web-1': 1500, 'web-2': 500 }, uids);

    const { nodeArgs, env } = launch();
    const child = spawn(
      process.execPath,
      [
        ...nodeArgs,
        `--hub=${hub.address}`,
        `--haproxy-socket=${haproxy.socketPath}`,
        '--backend=web',
        `--sla=${SLA.namespace}/${SLA.name}`,
        '--port=8080',
        '--interval=100ms',
        `--kube-server=${api.url}`,
        '--log-level=warn',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'], env },
    );
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d));
    child.stderr.on('data', (d: Buffer) => (output += d));
    const exited = once(child, 'exit');
    try {
      const slots = await waitFor(
        'both pods weighted in HAProxy',
        async () => {
          const s = (await haproxy.runtime.servers('web')).filter((x) => x.state === 'active');
          return s.length === 2 ? s : undefined;
        },
        15_000,
      );
      expect(slots.map((s) => [s.address, s.port, s.weight]).sort()).toEqual([
        ['10.9.0.1', 8080, 256],
        ['10.9.0.2', 8080, 85],
      ]);
    } catch (err) {
      child.kill('SIGKILL');
      throw new Error(`${String(err)}\nsidecar output:\n${output}`);
    }
    child.kill('SIGTERM');
    const [code] = await exited;
    expect(code, output).toBe(0);
  });
});
