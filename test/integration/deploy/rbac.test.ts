// Least privilege, checked by enforcement: the embedded API server runs with RBAC authorization and
// holds deploy/rbac's objects; the real hub and agent run with their own ServiceAccount identities
// through a full scaling cycle (so every request they need is granted), every request each one
// makes is also checked against its role offline, and requests outside the roles are refused.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { parseAgentConfig } from '../../../agent/src/config.ts';
import { type RunningAgent, startAgent } from '../../../agent/src/start.ts';
import { parseHubConfig } from '../../../hub/src/config.ts';
import { type RunningHub, startHub } from '../../../hub/src/hub.ts';
import { GROUP, PODSCALE_PLURAL, SLA_PLURAL, VERSION } from '../../../lib/api/types.ts';
import { kubeClients, kubeConfigFor } from '../../../lib/kube.ts';
import { silentLogger } from '../../../lib/log.ts';
import { type ApiServer, type RequestRecord, startApiServer } from '../../../packages/apiserver/index.ts';
import { findKubectl, kubectlFor } from '../../../packages/apiserver/test/integration/kubectl.ts';
import { AGENT_USER, DEPLOY_DIR, HUB_USER, installRbac } from '../../support/deploy-rbac.ts';
import { waitFor } from '../../support/wait-for.ts';
import { webDeployment, webSla } from '../hub/web-service.ts';
import { Workload } from '../hub/workload.ts';

interface Rule {
  resources: string[];
  verbs: string[];
  namespace?: string;
}

/** Rules granted to a ServiceAccount user by the bindings in deploy/rbac. */
function grantedRules(user: string): Rule[] {
  const docs = ['rbac/agent.yaml', 'rbac/hub.yaml'].flatMap((f) =>
    parseAllDocuments(readFileSync(DEPLOY_DIR + f, 'utf8')).map((d) => d.toJS()),
  );
  const [, , ns, sa] = user.split(':');
  const bindings = docs.filter(
    (d) =>
      (d.kind === 'ClusterRoleBinding' || d.kind === 'RoleBinding') &&
      d.subjects.some(
        (s: { kind: string; name: string; namespace: string }) =>
          s.kind === 'ServiceAccount' && s.name === sa && s.namespace === ns,
      ),
  );
  return bindings.flatMap((b) => {
    const role = docs.find((d) => d.kind === b.roleRef.kind && d.metadata.name === b.roleRef.name);
    const namespace = b.kind === 'RoleBinding' ? b.metadata.namespace : undefined;
    return (role?.rules ?? []).map((r: Rule) => ({ ...r, namespace }));
  });
}

function allowed(rules: Rule[], r: RequestRecord): boolean {
  const resource = r.subresource ? `${r.resource}/${r.subresource}` : r.resource;
  return rules.some(
    (rule) =>
      rule.resources.includes(resource) &&
      rule.verbs.includes(r.verb) &&
      (rule.namespace === undefined || rule.namespace === r.namespace),
  );
}

const deployment = webDeployment(1);

const sla = webSla({
  maxCpu: '500m',
  maxReplicas: 3,
  policy: { horizontal: { scaleUp: { windowSeconds: 1, stabilizationSeconds: 1 } } },
});

describe('RBAC in deploy/rbac grants every request the hub and agent make', () => {
  let api: ApiServer;
  let hub: RunningHub | undefined;
  let agent: RunningAgent | undefined;
  const records: RequestRecord[] = [];

  beforeAll(async () => {
    api = await startApiServer({
      crdDir: `${DEPLOY_DIR}crds`,
      nodes: [{ name: 'node-1', cpu: '8', memory: '16Gi' }],
      podStartDelayMs: 5,
      resizeDelayMs: 10,
      authorization: 'RBAC',
    });
    api.tokens.register('hub-token', { username: HUB_USER, groups: ['system:serviceaccounts'] });
    api.tokens.register('agent-token', {
      username: AGENT_USER,
      groups: ['system:serviceaccounts'],
      extra: { 'authentication.kubernetes.io/node-name': ['node-1'] },
    });
    api.onRequest((r) => records.push(r));
    const admin = kubeClients(api.kubeConfig());
    await admin.core.createNamespace({ body: { metadata: { name: 'kosmos-system' } } });
    installRbac(api);
    await admin.apps.createNamespacedDeployment({ namespace: 'default', body: deployment });

    const tokenFile = join(mkdtempSync(join(tmpdir(), 'kosmos-rbac-')), 'token');
    writeFileSync(tokenFile, 'agent-token');
    const workload = new Workload(api);
    workload.totalRps = 120; // 1.2 cores of demand: one pod capped at 500m cannot serve it
    hub = await startHub({
      config: parseHubConfig([
        '--grpc-port=0',
        '--status-port=0',
        '--metrics-port=0',
        '--bind-address=127.0.0.1',
        '--period=200ms',
        '--leader-elect=true',
        '--lease-namespace=kosmos-system',
        '--identity=rbac-test',
        // Agents authenticate as in deploy/ (TokenReview); loopback needs no TLS.
        '--agent-auth=tokenreview',
        '--allow-plaintext-token',
      ]),
      log: silentLogger(),
      kc: kubeConfigFor({ server: api.url, token: 'hub-token' }),
      syncTimeoutMs: 10_000,
    });
    agent = await startAgent(
      parseAgentConfig([
        '--node-name=node-1',
        `--hub-address=127.0.0.1:${hub.grpcPort}`,
        `--kube-server=${api.url}`,
        '--kube-token=agent-token',
        `--hub-token-file=${tokenFile}`,
        '--allow-plaintext-token',
        '--tick=200ms',
        '--directive-wait=150ms',
        '--health-port=0',
        '--bind-address=127.0.0.1',
      ]),
      { log: silentLogger(), scraper: workload.scraper(), usageReader: workload.usageReader() },
    );
    await admin.custom.createNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      namespace: 'default',
      plural: SLA_PLURAL,
      body: sla,
    });
    // A full cycle: PodScales created, pods resized in place, the Deployment scaled out, a pod deleted.
    await waitFor(
      'a resize and a scale-out',
      () =>
        records.some((r) => r.subresource === 'resize' && r.code < 300) &&
        records.some((r) => r.subresource === 'scale' && r.verb !== 'get' && r.code < 300),
    );
    const pods = await admin.core.listNamespacedPod({ namespace: 'default' });
    const victim = pods.items[0]!.metadata!;
    await admin.core.deleteNamespacedPod({ namespace: 'default', name: victim.name! });
    await waitFor('the deleted pod’s PodScale removed', async () => {
      const list = (await admin.custom.listNamespacedCustomObject({
        group: GROUP,
        version: VERSION,
        namespace: 'default',
        plural: PODSCALE_PLURAL,
      })) as {
        items: { spec: { podRef: { uid: string } } }[];
      };
      return !list.items.some((ps) => ps.spec.podRef.uid === victim.uid);
    });
  }, 60_000);

  afterAll(async () => {
    await agent?.stop();
    await hub?.stop();
    await api?.stop();
  });

  it.each([
    ['hub', HUB_USER],
    ['agent', AGENT_USER],
  ])('every request of the %s is granted by its role', (_name, user) => {
    const mine = records.filter((r) => r.user === user);
    // enough of its requests to judge: reads, watches and writes (status is written only on change)
    expect(mine.length).toBeGreaterThan(5);
    expect(new Set(mine.map((r) => r.verb)).size).toBeGreaterThan(2);
    const rules = grantedRules(user);
    const denied = [
      ...new Set(
        mine
          .filter((r) => !allowed(rules, r))
          .map(
            (r) =>
              `${r.verb} ${r.resource}${r.subresource ? `/${r.subresource}` : ''} ns=${r.namespace ?? '-'}`,
          ),
      ),
    ];
    expect(denied).toEqual([]);
  });

  it('the agent only resizes and never writes replicas; the hub never resizes', () => {
    const writes = (user: string) =>
      records.filter((r) => r.user === user && !['get', 'list', 'watch'].includes(r.verb));
    expect(writes(AGENT_USER).some((r) => r.subresource === 'resize')).toBe(true);
    expect(writes(AGENT_USER).some((r) => r.subresource === 'scale')).toBe(false);
    expect(writes(HUB_USER).some((r) => r.subresource === 'resize')).toBe(false);
    expect(writes(HUB_USER).some((r) => r.subresource === 'scale')).toBe(true);
  });

  it('the check can fail: a request outside the role is reported', () => {
    const rules = grantedRules(AGENT_USER);
    expect(
      allowed(rules, {
        verb: 'patch',
        resource: 'deployments',
        subresource: 'scale',
        code: 200,
        user: AGENT_USER,
      }),
    ).toBe(false);
    expect(
      allowed(rules, { verb: 'patch', resource: 'pods', subresource: 'resize', code: 200, user: AGENT_USER }),
    ).toBe(true);
  });

  it('no request of the hub or the agent was refused by the server', () => {
    const refused = records.filter((r) => (r.user === HUB_USER || r.user === AGENT_USER) && r.code === 403);
    expect(refused.map((r) => `${r.user} ${r.verb} ${r.resource}/${r.subresource ?? ''}`)).toEqual([]);
  });

  it.each([
    ['agent', 'agent-token', 'patch', 'apis/apps/v1/namespaces/default/deployments/web/scale'],
    ['agent', 'agent-token', 'delete', 'api/v1/namespaces/default/pods/any'],
    ['agent', 'agent-token', 'get', 'api/v1/namespaces/default/secrets'],
    ['hub', 'hub-token', 'patch', 'api/v1/namespaces/default/pods/any/resize'],
    ['hub', 'hub-token', 'delete', 'apis/apps/v1/namespaces/default/deployments/web'],
    ['anonymous', undefined, 'get', 'api/v1/pods'],
  ])('the %s is refused with 403 what its role does not grant: %s %s', async (_who, token, verb, path) => {
    const res = await fetch(`${api.url}/${path}`, {
      method: verb.toUpperCase(),
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        'content-type': 'application/merge-patch+json',
      },
      body: verb === 'patch' ? '{}' : undefined,
    });
    expect(res.status).toBe(403);
    const status = (await res.json()) as { reason: string; message: string };
    expect(status.reason).toBe('Forbidden');
    expect(status.message).toMatch(/is forbidden: User ".*" cannot/);
  });

  it('answers SubjectAccessReviews from the roles it holds', async () => {
    const review = async (user: string, resource: string, subresource: string, verb: string, group = '') => {
      const res = await fetch(`${api.url}/apis/authorization.k8s.io/v1/subjectaccessreviews`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${api.kubeConfig().getCurrentUser()?.token}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify({
          apiVersion: 'authorization.k8s.io/v1',
          kind: 'SubjectAccessReview',
          spec: { user, resourceAttributes: { namespace: 'default', verb, group, resource, subresource } },
        }),
      });
      return ((await res.json()) as { status: { allowed: boolean } }).status.allowed;
    };
    expect(await review(HUB_USER, 'deployments', 'scale', 'patch', 'apps')).toBe(true);
    expect(await review(HUB_USER, 'pods', 'resize', 'patch')).toBe(false);
    expect(await review(AGENT_USER, 'pods', 'resize', 'patch')).toBe(true);
    expect(await review(AGENT_USER, 'deployments', 'scale', 'patch', 'apps')).toBe(false);
  });

  const kubectl = findKubectl();
  it.skipIf(!kubectl)('kubectl auth can-i answers for each identity from deploy/rbac', async () => {
    // kubectl sends tokens only over TLS: a second server, on HTTPS, with the same RBAC objects.
    const tls = new URL('../../fixtures/tls/', import.meta.url).pathname;
    const secure = await startApiServer({
      authorization: 'RBAC',
      tls: { cert: readFileSync(`${tls}hub.crt`), key: readFileSync(`${tls}hub.key`) },
    });
    secure.api.create(secure.resource('', 'namespaces'), { metadata: { name: 'kosmos-system' } });
    installRbac(secure);
    secure.tokens.register('hub-token', { username: HUB_USER });
    secure.tokens.register('agent-token', { username: AGENT_USER });
    const run = kubectlFor(kubectl!, secure.kubeconfigPath);
    const canI = async (token: string, ...what: string[]) =>
      (await run([`--token=${token}`, 'auth', 'can-i', ...what, '-n', 'default'])).stdout.trim();
    onTestFinished(() => secure.stop());
    expect(await canI('agent-token', 'patch', 'pods', '--subresource=resize')).toBe('yes');
    expect(await canI('agent-token', 'patch', 'deployments.apps', '--subresource=scale')).toBe('no');
    expect(await canI('hub-token', 'patch', 'deployments.apps', '--subresource=scale')).toBe('yes');
    expect(await canI('hub-token', 'patch', 'pods', '--subresource=resize')).toBe('no');
  });
});
