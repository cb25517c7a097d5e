// Two hubs on one Lease: exactly one leads; when the leader process is killed (no release), the
// standby takes over once the lease expires. The first hub runs as a real process (main.ts).
import { type ChildProcess, spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseHubConfig } from '../../../hub/src/config.ts';
import { type RunningHub, startHub } from '../../../hub/src/hub.ts';
import { kubeClients } from '../../../lib/kube.ts';
import { silentLogger } from '../../../lib/log.ts';
import { type ApiServer, startApiServer } from '../../../packages/apiserver/index.ts';
import { waitFor } from '../../support/wait-for.ts';

const leaseFlags = [
  '--leader-elect=true',
  '--lease-namespace=default',
  '--lease-name=kosmos-hub',
  '--lease-duration=1',
];

describe('hub leader election', () => {
  let api: ApiServer;
  let first: ChildProcess;
  let second: RunningHub;
  let output = '';
  const lease = () =>
    kubeClients(api.kubeConfig()).coordination.readNamespacedLease({
      name: 'kosmos-hub',
      namespace: 'default',
    });
  const holder = async () => (await lease()).spec?.holderIdentity;

  beforeAll(async () => {
    api = await startApiServer({ crdDir: 'deploy/crds' });
    first = spawn(
      'node_modules/.bin/node',
      [
        'hub/src/main.ts',
        `--kube-server=${api.url}`,
        '--grpc-port=0',
        '--status-port=0',
        '--metrics-port=0',
        '--bind-address=127.0.0.1',
        '--identity=hub-a',
        '--agent-auth=insecure-none',
        ...leaseFlags,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    first.stdout!.on('data', (b: Buffer) => {
      output += b.toString();
    });
    first.stderr!.on('data', (b: Buffer) => {
      output += b.toString();
    });
    await waitFor('hub-a leads', async () => (await holder()) === 'hub-a');
    const config = parseHubConfig([
      '--grpc-port=0',
      '--status-port=0',
      '--metrics-port=0',
      '--bind-address=127.0.0.1',
      '--identity=hub-b',
      '--agent-auth=insecure-none',
      ...leaseFlags,
    ]);
    second = await startHub({ config, log: silentLogger(), kc: api.kubeConfig(), syncTimeoutMs: 10_000 });
  });

  afterAll(async () => {
    if (first.exitCode === null) first.kill('SIGKILL');
    await second?.stop();
    await api?.stop();
  });

  it('one leader: the standby stays standby and says so on /readyz', async () => {
    expect(output).toContain('started leading');
    // hub-a renews twice more while hub-b campaigns: the lease never changes hands.
    const renewals = new Set<string>();
    await waitFor('two renewals by hub-a', async () => {
      const spec = (await lease()).spec;
      if (spec?.holderIdentity !== 'hub-a') throw new Error(`lease moved to ${spec?.holderIdentity}`);
      renewals.add(String(spec.renewTime));
      return renewals.size >= 3;
    });
    expect(await holder()).toBe('hub-a');
    expect(second.isLeader()).toBe(false);
    const ready = await fetch(`http://127.0.0.1:${second.metricsPort}/readyz`);
    expect(ready.status).toBe(503);
  });

  it('kill the leader: the standby takes over after the lease expires', async () => {
    const exited = new Promise((r) => first.once('exit', r));
    first.kill('SIGKILL');
    await exited;
    await waitFor('hub-b leads', () => second.isLeader(), 10_000);
    expect(await holder()).toBe('hub-b');
    const ready = await fetch(`http://127.0.0.1:${second.metricsPort}/readyz`);
    expect(ready.status).toBe(200);
  });
});
