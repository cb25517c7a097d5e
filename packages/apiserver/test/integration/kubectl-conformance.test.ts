// The embedded API server driven by the real kubectl (1.32 on the PATH; 1.33 where a command
// needs it): what the README tells users to run must work as on a real cluster, validation on.
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../../../test/support/wait-for.ts';
import { type ApiServer, startApiServer } from '../../index.ts';
import { findKubectl, type Kubectl, kubectlFor } from './kubectl.ts';

const deployDir = new URL('../../../../deploy/', import.meta.url).pathname;

/** cert-manager's kinds as a cluster with cert-manager installed serves them (schema left open). */
function certManagerCrd(kind: string, plural: string) {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.cert-manager.io` },
    spec: {
      group: 'cert-manager.io',
      scope: 'Namespaced',
      names: { kind, plural, singular: kind.toLowerCase(), listKind: `${kind}List` },
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
        },
      ],
    },
  };
}
const binary = findKubectl();
if (!binary) console.warn('kubectl-conformance: no kubectl on the PATH; the suite is skipped');

describe.skipIf(!binary)('kubectl against the embedded API server', () => {
  let server: ApiServer;
  let kubectl: Kubectl;

  beforeAll(async () => {
    server = await startApiServer({
      crdDir: `${deployDir}crds`,
      crds: [certManagerCrd('Certificate', 'certificates'), certManagerCrd('Issuer', 'issuers')],
      nodes: [{ name: 'node-1', cpu: '4', memory: '8Gi' }],
      podStartDelayMs: 10,
      resizeDelayMs: 10,
    });
    kubectl = kubectlFor(binary!, server.kubeconfigPath);
  });
  afterAll(async () => server?.stop());

  const ok = async (args: string[], stdin?: string) => {
    const r = await kubectl(args, { stdin });
    if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
    return r.stdout;
  };

  it('applies deploy/examples with validation on, then re-applies a change as a patch', async () => {
    const out = await ok(['apply', '-k', `${deployDir}examples`]);
    expect(out).toContain('deployment.apps/web created');
    expect(out).toContain('servicelevelagreement.autoscaling.kosmos.dev/web created');
    const rendered = await ok(['kustomize', `${deployDir}examples`]);
    const changed = rendered.replace(/replicas: \d+/, 'replicas: 3');
    expect(await ok(['apply', '-f', '-'], changed)).toContain('deployment.apps/web configured');
    expect(await ok(['get', 'deploy', 'web', '-o', 'jsonpath={.spec.replicas}'])).toBe('3');
  });

  it('apply --server-side: a second manager conflicts on a field the first owns until --force-conflicts', async () => {
    const cm = (value: string) =>
      `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: owned, namespace: default}\ndata: {mode: "${value}"}\n`;
    await ok(['apply', '--server-side', '--field-manager=alice', '-f', '-'], cm('a'));
    const refused = await kubectl(['apply', '--server-side', '--field-manager=bob', '-f', '-'], {
      stdin: cm('b'),
    });
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain(
      'Apply failed with 1 conflict: conflict with "alice" using v1: .data.mode',
    );
    await ok(['apply', '--server-side', '--field-manager=bob', '--force-conflicts', '-f', '-'], cm('b'));
    expect(await ok(['get', 'cm', 'owned', '-o', 'jsonpath={.data.mode}'])).toBe('b');
    const managers = await ok([
      'get',
      'cm',
      'owned',
      '--show-managed-fields',
      '-o',
      'jsonpath={.metadata.managedFields[*].manager}',
    ]);
    expect(managers).toBe('bob');
  });

  it('refuses unknown fields under the default --validate=strict and warns under --validate=warn', async () => {
    const manifest =
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: extra, namespace: default}\nbogus: 1\n';
    const strict = await kubectl(['apply', '-f', '-'], { stdin: manifest });
    expect(strict.code).not.toBe(0);
    expect(strict.stderr).toContain('strict decoding error: unknown field "bogus"');
    const warn = await kubectl(['apply', '--validate=warn', '-f', '-'], { stdin: manifest });
    expect(warn.code).toBe(0);
    expect(warn.stderr).toContain('Warning: unknown field "bogus"');
  });

  it('explains sla.spec from the CRD schema', async () => {
    const out = await ok(['explain', 'sla.spec']);
    expect(out).toContain('KIND:       ServiceLevelAgreement');
    expect(out).toMatch(/objective\s+<Object> -required-/);
    expect(await ok(['explain', 'pods.spec.containers.resizePolicy'])).toContain('restartPolicy');
  });

  it('renders the kustomization in deploy/ and the server accepts it with --dry-run=server', async () => {
    const rendered = await ok(['kustomize', deployDir]);
    expect(await ok(['create', 'namespace', 'kosmos-system'])).toContain('namespace/kosmos-system created');
    const out = await ok(['apply', '--dry-run=server', '-f', '-'], rendered);
    expect(out).toContain('daemonset.apps/kosmos-agent created (server dry run)');
    expect(out).toContain('validatingadmissionpolicy.admissionregistration.k8s.io');
    const left = await ok(['get', 'daemonsets,deployments', '-n', 'kosmos-system', '-o', 'name']);
    expect(left.trim()).toBe('');
  });

  it('scales a deployment through the scale subresource and watches the pods appear with get -w', async () => {
    const watch = spawn(binary!, ['get', 'pods', '-w', '-l', 'app=web', '--no-headers'], {
      env: { ...process.env, KUBECONFIG: server.kubeconfigPath },
    });
    let seen = '';
    watch.stdout.on('data', (d: Buffer) => {
      seen += d.toString();
    });
    try {
      await ok(['scale', 'deploy/web', '--replicas=4']);
      await waitFor('4 web pods in the watch', () => new Set(seen.match(/web-\S+/g) ?? []).size >= 4, 10_000);
    } finally {
      watch.kill();
    }
  });

  it('resizes a running pod in place with patch --subresource resize', async () => {
    const name = (
      await ok(['get', 'pods', '-l', 'app=web', '-o', 'jsonpath={.items[0].metadata.name}'])
    ).trim();
    await waitFor(
      'pod running',
      async () => (await ok(['get', 'pod', name, '-o', 'jsonpath={.status.phase}'])) === 'Running',
    );
    const container = (await ok(['get', 'pod', name, '-o', 'jsonpath={.spec.containers[0].name}'])).trim();
    await ok([
      'patch',
      'pod',
      name,
      '--subresource',
      'resize',
      '-p',
      JSON.stringify({
        spec: { containers: [{ name: container, resources: { requests: { cpu: '150m' } } }] },
      }),
    ]);
    await waitFor(
      'resize enacted',
      async () =>
        (await ok([
          'get',
          'pod',
          name,
          '-o',
          'jsonpath={.status.containerStatuses[0].resources.requests.cpu}',
        ])) === '150m',
    );
  });

  it('deletes with --cascade=foreground: kubectl returns once the Deployment and its pods are gone', async () => {
    const out = await ok(['delete', 'deploy', 'web', '--cascade=foreground']);
    expect(out).toContain('deployment.apps "web" deleted');
    const left = await ok(['get', 'pods,replicasets', '-l', 'app=web', '-o', 'name']);
    expect(left.trim()).toBe('');
  });

  it('creates built-in kinds with kubectl create <kind>, whose typed clients send protobuf', async () => {
    const created = [
      ['create', 'configmap', 'settings', '--from-literal=mode=fast', '--from-literal=empty='],
      ['create', 'secret', 'generic', 'token', '--from-literal=key=s3cret'],
      ['create', 'serviceaccount', 'robot'],
      [
        'create',
        'deployment',
        'idle',
        '--image=nginx:1.27',
        '--port=8080',
        '--replicas=0',
        '--',
        'sleep',
        '1',
      ],
      ['create', 'service', 'nodeport', 'idle', '--tcp=80:8080', '--node-port=30080'],
      ['create', 'role', 'reader', '--verb=get,list', '--resource=pods,deployments.apps'],
      ['create', 'rolebinding', 'robot-reads', '--role=reader', '--serviceaccount=default:robot'],
      ['create', 'clusterrole', 'monitoring', '--aggregation-rule=example.com/aggregate=true'],
      ['create', 'priorityclass', 'low', '--value=10', '--preemption-policy=Never'],
      ['create', 'pdb', 'idle', '--selector=app=idle', '--min-available=50%'],
    ];
    for (const args of created) expect(await ok(args)).toContain('created');
    expect(await ok(['get', 'cm', 'settings', '-o', 'jsonpath={.data}'])).toBe('{"empty":"","mode":"fast"}');
    expect(await ok(['get', 'secret', 'token', '-o', 'jsonpath={.data.key}'])).toBe(btoa('s3cret'));
    expect(
      await ok([
        'get',
        'deploy',
        'idle',
        '-o',
        'jsonpath={.spec.replicas} {.spec.template.spec.containers[0].command}',
      ]),
    ).toBe('0 ["sleep","1"]');
    expect(
      await ok([
        'get',
        'svc',
        'idle',
        '-o',
        'jsonpath={.spec.ports[0].nodePort} {.spec.ports[0].targetPort}',
      ]),
    ).toBe('30080 8080');
    expect(
      await ok(['get', 'rolebinding', 'robot-reads', '-o', 'jsonpath={.subjects[0].name} {.roleRef.name}']),
    ).toBe('robot reader');
    expect(await ok(['get', 'role', 'reader', '-o', 'jsonpath={.rules[0].apiGroups}'])).toBe('[""]');
    expect(await ok(['get', 'pdb', 'idle', '-o', 'jsonpath={.spec.minAvailable}'])).toBe('50%');
    expect(await ok(['get', 'clusterrole', 'monitoring', '-o', 'jsonpath={.aggregationRule}'])).toBe(
      '{"clusterRoleSelectors":[{"matchLabels":{"example.com/aggregate":"true"}}]}',
    );
  });

  it('shows events.k8s.io/v1 Events in kubectl get events and kubectl events, and refuses invalid ones', async () => {
    const event = (type: string) =>
      [
        'apiVersion: events.k8s.io/v1',
        'kind: Event',
        `metadata: {name: scaled-${type.toLowerCase()}, namespace: default}`,
        `eventTime: "${new Date().toISOString().replace('Z', '000Z')}"`,
        'reportingController: autoscaling.kosmos.dev/hub',
        'reportingInstance: hub-0',
        'action: Scale',
        'reason: Scaled',
        'note: replicas 2 -> 3',
        `type: ${type}`,
        'regarding: {apiVersion: apps/v1, kind: Deployment, name: web, namespace: default}',
        '',
      ].join('\n');
    expect(await ok(['create', '-f', '-'], event('Normal'))).toContain(
      'event.events.k8s.io/scaled-normal created',
    );
    const table = await ok(['get', 'events', '-o', 'wide']);
    expect(table).toMatch(
      /Normal\s+Scaled\s+deployment\/web\s+autoscaling\.kosmos\.dev\/hub, hub-0\s+replicas 2 -> 3/,
    );
    expect(await ok(['events', '--for', 'deployment/web'])).toContain('replicas 2 -> 3');
    const refused = await kubectl(['create', '-f', '-'], { stdin: event('Bogus') });
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('type: Invalid value: "": has invalid value: Bogus');
  });

  it('answers kubectl auth can-i through SelfSubjectAccessReview (this server allows everything)', async () => {
    const r = await kubectl(['auth', 'can-i', 'patch', 'pods/resize', '-n', 'default']);
    expect([r.code, r.stdout.trim()]).toEqual([0, 'yes']);
  });
});
