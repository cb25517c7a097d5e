// npm run build bundles every image entry point, and each bundle starts: --help exits 0; the hub and
// agent bundles, run as the image runs them, close the scaling loop on an embedded API server.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClusterDriver } from '../../bench/speed/cluster-driver.ts';
import { NodeSim } from '../../bench/speed/node-sim.ts';
import {
  AGENT_ENV,
  AGENT_ENV_FILE,
  AGENT_NODE_OPTIONS,
  AGENT_NODE_OPTIONS_FILE,
  ENTRY_NAMES,
  HUB_NODE_OPTIONS,
  HUB_NODE_OPTIONS_FILE,
  parseEnvFile,
} from '../../build-entries.ts';
import { NODE_NAME_EXTRA } from '../../hub/src/auth/agent-auth.ts';
import {
  GROUP,
  PODSCALE_PLURAL,
  type ServiceLevelAgreement,
  SLA_PLURAL,
  VERSION,
} from '../../lib/api/types.ts';
import { kubeClients, kubeConfigFor } from '../../lib/kube.ts';
import { parseCpuMilli } from '../../lib/quantity.ts';
import { type ApiServer, type RequestRecord, startApiServer } from '../../packages/apiserver/index.ts';
import { createTempCgroupRoot, type TempCgroupRoot } from '../../sim/node/cgroup-root.ts';
import { AGENT_USER, DEPLOY_DIR, HUB_USER, installRbac } from '../support/deploy-rbac.ts';
import { LOOPBACK_HUB_FLAGS } from '../support/hub-flags.ts';
import { ImageProcess } from '../support/image-process.ts';
import { waitFor } from '../support/wait-for.ts';
import { WEB_NAMESPACE, webDeployment, webSla } from './hub/web-service.ts';

const run = promisify(execFile);
const ROOT = resolve(new URL('../..', import.meta.url).pathname);
const out = mkdtempSync(join(tmpdir(), 'kosmos-build-'));

// one build for every test of this file: building takes several seconds
beforeAll(async () => {
  await run(process.execPath, [join(ROOT, 'build.ts'), `--out=${out}`], { timeout: 60_000 });
}, 90_000);
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('npm run build', () => {
  it('bundles the agent, the hub and the CLIs, and each bundle answers --help', async () => {
    const helps = await Promise.all(
      ENTRY_NAMES.map((name) =>
        run(process.execPath, [join(out, `${name}.mjs`), '--help'], { timeout: 30_000 }).then(
          (r) => r.stdout,
        ),
      ),
    );
    for (const [i, help] of helps.entries()) expect(help, ENTRY_NAMES[i]).toMatch(/^Usage: /);
    // the agent as docker-entrypoint.sh starts it: under the V8 limits the build wrote beside it
    const options = readFileSync(join(out, AGENT_NODE_OPTIONS_FILE), 'utf8').trim().split(' ');
    expect(options).toEqual([...AGENT_NODE_OPTIONS]);
    // ... and with the environment it wrote beside them
    expect(parseEnvFile(readFileSync(join(out, AGENT_ENV_FILE), 'utf8'))).toEqual(AGENT_ENV);
    const agentHelp = await run(process.execPath, [...options, join(out, 'agent.mjs'), '--help'], {
      timeout: 30_000,
    });
    expect(agentHelp.stdout).toMatch(/^Usage: kosmos-agent/);
    expect(agentHelp.stdout).toContain('--node-name');
    // the hub as docker-entrypoint.sh starts it: under the V8 options the build wrote beside it
    const hubOptions = readFileSync(join(out, HUB_NODE_OPTIONS_FILE), 'utf8').trim().split(' ');
    expect(hubOptions).toEqual([...HUB_NODE_OPTIONS]);
    const hubHelp = await run(process.execPath, [...hubOptions, join(out, 'hub.mjs'), '--help'], {
      timeout: 30_000,
    });
    expect(hubHelp.stdout).toMatch(/^Usage: /);
    // V8 keeps the source of each bundle: ASCII keeps it at one byte per character
    for (const name of ENTRY_NAMES)
      expect(
        readFileSync(join(out, `${name}.mjs`)).some((b) => b >= 0x80),
        name,
      ).toBe(false);
    // client-node's generated API methods that no source file names are left out; the called stay
    const agent = readFileSync(join(out, 'agent.mjs'), 'latin1');
    for (const called of [
      'patchNamespacedPodResize',
      'listNamespacedPod',
      'patchNamespacedCustomObjectStatus',
    ])
      expect(agent, called).toContain(`${called}WithHttpInfo(`);
    expect(agent).not.toContain('connectDeleteNamespacedPodProxy');
    // ... and of undici, what client-node takes (fetch, Agent, ProxyAgent) without its mock agents
    expect(agent).toContain('ProxyAgent');
    expect(agent).not.toContain('MockAgent');
    expect(readFileSync(join(out, 'hub.mjs'), 'latin1')).toContain(
      'patchNamespacedDeploymentScaleWithHttpInfo(',
    );
    // the bundle finds its .proto files: the call gets as far as the (absent) hub
    const status = await run(process.execPath, [join(out, 'kosmosctl.mjs'), '--hub=127.0.0.1:1', 'status'], {
      timeout: 30_000,
    }).then(
      () => '',
      (err: { stderr: string }) => err.stderr,
    );
    expect(status).toContain('cannot reach the hub');
  }, 90_000);
});

const NODE = 'node-1';
const NS = WEB_NAMESPACE;
const tls = (name: string) => join(ROOT, 'test/fixtures/tls', name);

// The hub and agent bundles as the image runs them (docker-entrypoint.sh: the V8 options and
// environment the build wrote beside them) with the flags of deploy/ (leader election, agents
// authenticated by TokenReview, TLS on the agent port), each under its own ServiceAccount identity of
// deploy/rbac on an embedded API server that enforces RBAC: every client-node call, informer and gRPC
// path the bundles need must have survived the bundling for the loop to close.
describe('the hub and agent bundles against an API server', () => {
  let api: ApiServer;
  let admin: ReturnType<typeof kubeClients>;
  let dir: string;
  let cgroups: TempCgroupRoot;
  let sim: NodeSim;
  let driver: ClusterDriver;
  let hub: ImageProcess | undefined;
  let agent: ImageProcess | undefined;
  const records: RequestRecord[] = [];
  let ip = 0;

  /** Whether `user` made a request `verb resource[/subresource]` the server answered with success. */
  const succeeded = (user: string, verb: string, resource: string, subresource?: string) =>
    records.some(
      (r) =>
        r.user === user &&
        r.verb === verb &&
        r.resource === resource &&
        r.subresource === subresource &&
        r.code < 300,
    );
  /** An object as the server stores it (read from the store: the test's own reads are no requests). */
  const stored = (group: string, plural: string, namespace: string, name: string) =>
    api.api.tryGet(api.resource(group, plural), namespace, name);
  const storedIn = (group: string, plural: string) =>
    api.api.list(api.resource(group, plural), { namespace: NS, labels: [], fields: [] });
  const lease = () => stored('coordination.k8s.io', 'leases', 'kosmos-system', 'kosmos-hub');
  /** A kubeconfig file for the server with a ServiceAccount's token: what the pod's mount gives it. */
  const kubeconfigFor = (token: string) => {
    const path = join(dir, `kubeconfig-${token}`);
    writeFileSync(path, kubeConfigFor({ server: api.url, token }).exportConfig());
    return path;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kosmos-bundle-e2e-'));
    api = await startApiServer({
      crdDir: `${DEPLOY_DIR}crds`,
      nodes: [{ name: NODE, cpu: '4', memory: '16Gi' }],
      podStartDelayMs: 5,
      resizeDelayMs: 10,
      authorization: 'RBAC',
      // each pod's /metrics on a loopback address of its own (127.44/16: no other test's)
      podIp: () => `127.44.0.${++ip}`,
    });
    api.onRequest((r) => records.push(r));
    api.tokens.register('hub-token', { username: HUB_USER, groups: ['system:serviceaccounts'] });
    api.tokens.register('agent-token', {
      username: AGENT_USER,
      groups: ['system:serviceaccounts'],
      extra: { [NODE_NAME_EXTRA]: [NODE] },
    });
    admin = kubeClients(api.kubeConfig());
    await admin.core.createNamespace({ body: { metadata: { name: 'kosmos-system' } } });
    installRbac(api);
    // the node: each pod's cgroup files and /metrics, its load 600m against at most 500m a pod
    cgroups = await createTempCgroupRoot('kosmos-bundle-e2e-cgroup-');
    sim = await NodeSim.create(cgroups.path);
    driver = new ClusterDriver({
      api,
      sim,
      node: NODE,
      namespace: NS,
      container: 'app',
      port: 8080,
      rpsOf: () => 60,
      costMilliSeconds: 10,
      stepMs: 250,
    });
    driver.start();
    const createSla = (body: ServiceLevelAgreement) =>
      admin.custom.createNamespacedCustomObject({
        group: GROUP,
        version: VERSION,
        namespace: NS,
        plural: SLA_PLURAL,
        body,
      });
    await admin.apps.createNamespacedDeployment({ namespace: NS, body: webDeployment(1) });
    await createSla(
      webSla({
        maxCpu: '500m',
        maxReplicas: 3,
        policy: { horizontal: { scaleUp: { windowSeconds: 1, stabilizationSeconds: 1 } } },
      }),
    );
    // one whose Deployment does not exist: the hub says so in a Warning Event
    const orphan = webSla({ maxCpu: '500m', maxReplicas: 1, policy: undefined });
    orphan.metadata.name = 'orphan';
    orphan.spec.targetRef.name = 'absent';
    await createSla(orphan);
    // and one whose pod serves no metrics on the port it names: the agent's Warning Event on the pod
    const quiet = webDeployment(1);
    quiet.metadata!.name = 'quiet';
    quiet.spec!.selector.matchLabels = { app: 'quiet' };
    quiet.spec!.template.metadata!.labels = { app: 'quiet' };
    await admin.apps.createNamespacedDeployment({ namespace: NS, body: quiet });
    const quietSla = webSla({ maxCpu: '500m', maxReplicas: 1, policy: undefined });
    quietSla.metadata.name = 'quiet';
    quietSla.spec.targetRef.name = 'quiet';
    quietSla.spec.metrics.scrape!.port = 8081;
    await createSla(quietSla);
  });

  afterAll(async () => {
    await agent?.stop(2000);
    await hub?.stop(2000);
    await driver?.stop();
    await sim?.close();
    await api?.stop();
    await cgroups?.remove();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('close the loop as the image runs them: resize in place, scale out, write status, stop cleanly on SIGTERM', async () => {
    const agentTokenFile = join(dir, 'agent-token');
    writeFileSync(agentTokenFile, 'agent-token');
    // deploy/hub/deployment.yaml with components/tls-cert-manager; ports picked by the OS on loopback
    hub = ImageProcess.start(
      out,
      'hub',
      [
        ...LOOPBACK_HUB_FLAGS,
        '--leader-elect=true',
        '--lease-namespace=kosmos-system',
        '--agent-auth=tokenreview',
        `--tls-cert-file=${tls('hub.crt')}`,
        `--tls-key-file=${tls('hub.key')}`,
      ],
      { POD_NAME: 'kosmos-hub-0', KUBECONFIG: kubeconfigFor('hub-token') },
    );
    const started = await hub.waitForLog('hub started', 30_000);
    const { grpcPort, statusPort, metricsPort } = started as unknown as Record<string, number>;
    // deploy/agent/daemonset.yaml with components/tls-cert-manager
    agent = ImageProcess.start(
      out,
      'agent',
      [
        `--hub-address=localhost:${grpcPort}`,
        `--hub-token-file=${agentTokenFile}`,
        `--cgroup-root=${cgroups.path}`,
        '--health-port=0',
        '--bind-address=127.0.0.1',
        `--hub-ca-file=${tls('ca.crt')}`,
      ],
      { NODE_NAME: NODE, KUBECONFIG: kubeconfigFor('agent-token') },
    );
    const { healthPort } = (await agent.waitForLog('agent starting', 30_000)) as unknown as Record<
      string,
      number
    >;
    const logs = () => `hub:\n${hub?.tail()}\nagent:\n${agent?.tail()}`;
    /** waitFor while both processes run; a failure says what they logged last. */
    const until = async (what: string, probe: () => boolean | Promise<boolean>) => {
      const outcome = await waitFor(
        what,
        async () => (!hub?.alive() || !agent?.alive() ? 'exited' : (await probe()) && 'done'),
        60_000,
        250,
      ).catch((err: Error) => err.message);
      if (outcome !== 'done')
        throw new Error(
          `${outcome === 'exited' ? `a process exited waiting for ${what}` : outcome}\n${logs()}`,
        );
    };

    // the hub leads (Lease), admits the agent (TokenReview over TLS) and serves /metrics
    await until('the hub holding the Lease', () => lease()?.spec?.holderIdentity === 'kosmos-hub-0');
    await until('the agent connected', async () =>
      (await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text()).includes(
        'kosmos_hub_agents_connected 1',
      ),
    );
    // a PodScale per pod (hub), resized in place (agent) and enacted by the kubelet
    await until('a pod resized in place above its 200m', () =>
      storedIn('', 'pods').some((p) => {
        if (p.metadata.labels?.['app'] !== 'web') return false;
        const cpu = p.status?.containerStatuses?.[0]?.resources?.limits?.cpu;
        return cpu !== undefined && parseCpuMilli(cpu) > 200;
      }),
    );
    // at 500m a pod still cannot serve its load: the hub adds replicas through /scale
    await until(
      'the Deployment scaled out',
      () => (stored('apps', 'deployments', NS, 'web')?.spec?.replicas ?? 0) > 1,
    );
    await until(
      'the SLA status written',
      () => (stored(GROUP, SLA_PLURAL, NS, 'web')?.status?.podsTracked ?? 0) >= 1,
    );
    await until('the agent writing PodScale status', () =>
      storedIn(GROUP, PODSCALE_PLURAL).some((ps) => ps.status?.actual?.cpu !== undefined),
    );
    expect((await fetch(`http://127.0.0.1:${metricsPort}/readyz`)).status).toBe(200);
    await until(
      'the agent ready',
      async () => (await fetch(`http://127.0.0.1:${healthPort}/readyz`)).status === 200,
    );
    // the status API through the kosmosctl bundle, over the hub's TLS
    const status = await run(
      process.execPath,
      [
        join(out, 'kosmosctl.mjs'),
        `--hub=localhost:${statusPort}`,
        `--ca-file=${tls('ca.crt')}`,
        '-o',
        'json',
        'status',
      ],
      { timeout: 30_000 },
    );
    expect(status.stdout).toContain('"web"');

    // the API calls each made, as the server answered them
    const expected = [
      [HUB_USER, 'create', 'tokenreviews'],
      [HUB_USER, 'create', 'leases'],
      [HUB_USER, 'update', 'leases'],
      [HUB_USER, 'watch', 'pods'],
      [HUB_USER, 'watch', 'servicelevelagreements'],
      [HUB_USER, 'create', 'podscales'],
      [HUB_USER, 'patch', 'podscales'],
      [HUB_USER, 'get', 'deployments', 'scale'],
      [HUB_USER, 'patch', 'deployments', 'scale'],
      [HUB_USER, 'patch', 'servicelevelagreements', 'status'],
      [HUB_USER, 'create', 'events'],
      [AGENT_USER, 'watch', 'pods'],
      [AGENT_USER, 'patch', 'pods', 'resize'],
      [AGENT_USER, 'patch', 'podscales', 'status'],
      [AGENT_USER, 'create', 'events'],
    ] as const;
    const missing = () =>
      expected
        .filter(([user, verb, resource, subresource]) => !succeeded(user, verb, resource, subresource))
        .map((call) => call.join(' '));
    await until('every call made', () => missing().length === 0).catch((err: Error) => {
      throw new Error(`calls never made: ${missing().join(', ')}: ${err.message}`);
    });
    const refused = records.filter((r) => r.code === 403 || r.code >= 500);
    expect(refused.map((r) => `${r.user} ${r.verb} ${r.resource}/${r.subresource ?? ''} ${r.code}`)).toEqual(
      [],
    );

    // both still run, reported no error, and stop cleanly: the hub gives up its Lease
    expect(hub.alive() && agent.alive(), logs()).toBe(true);
    expect(hub.errors(), logs()).toEqual([]);
    expect(agent.errors(), logs()).toEqual([]);
    expect(await agent.stop()).toEqual({ code: 0, signal: null });
    expect(await hub.stop()).toEqual({ code: 0, signal: null });
    expect(lease()?.spec?.holderIdentity).toBe('');
    expect([...hub.otherStdout, ...agent.otherStdout, hub.stderr, agent.stderr].filter(Boolean)).toEqual([]);
  }, 120_000);
});

describe('the sample-app bundle', () => {
  it('serves requests and their latency histogram as the image runs it, and exits 0 on SIGTERM', async () => {
    const port = await new Promise<number>((resolvePort, reject) => {
      const probe = createServer();
      probe.once('error', reject);
      probe.listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as AddressInfo;
        probe.close(() => resolvePort(port));
      });
    });
    const app = ImageProcess.start(out, 'sample-app', [
      `--port=${port}`,
      '--host=127.0.0.1',
      '--cpu-per-request-ms=2',
      '--name=bundle',
    ]);
    try {
      await waitFor(
        'the sample app listening',
        () => (app.otherStdout.some((l) => l.startsWith('sample-app listening on')) ? true : undefined),
        30_000,
      );
      const base = `http://127.0.0.1:${port}`;
      for (let i = 0; i < 3; i++) {
        const res = await fetch(`${base}/work`);
        expect(res.status).toBe(200);
        expect(res.headers.get('x-backend')).toBe('bundle');
        await res.arrayBuffer();
      }
      const metrics = await (await fetch(`${base}/metrics`)).text();
      expect(metrics).toMatch(/^http_request_duration_seconds_bucket\{le="\+Inf"[^}]*\} 3$/m);
      expect(metrics).toMatch(/^http_request_duration_seconds_count(\{[^}]*\})? 3$/m);
    } finally {
      const exit = await app.stop();
      expect(exit, app.tail()).toEqual({ code: 0, signal: null });
    }
    expect(app.stderr).toBe('');
  });
});
