// Every manifest under deploy/ loads, built-in kinds validate against the Kubernetes OpenAPI
// schemas (kubernetes-models), and the workloads keep the pod-security promises of the README.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import jsonpatch, { type Operation } from 'fast-json-patch';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { parseAgentConfig } from '../../../agent/src/config.ts';
import { parseHubConfig } from '../../../hub/src/config.ts';

const deployDir = new URL('../../../deploy/', import.meta.url).pathname;

interface Manifest {
  file: string;
  obj: {
    apiVersion: string;
    kind: string;
    metadata?: { name?: string; namespace?: string };
    [k: string]: unknown;
  };
}

function yamlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) return yamlFiles(full);
    return /\.ya?ml$/.test(name) ? [full] : [];
  });
}

/** A kustomize JSON 6902 patch file (a YAML list of operations). */
interface PatchFile {
  file: string;
  ops: Operation[];
}

function load(file: string): Array<Manifest | PatchFile> {
  return parseAllDocuments(readFileSync(file, 'utf8')).flatMap((doc): Array<Manifest | PatchFile> => {
    if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors[0]!.message}`);
    const obj = doc.toJS();
    if (Array.isArray(obj)) return [{ file: relative(deployDir, file), ops: obj as Operation[] }];
    return obj ? [{ file: relative(deployDir, file), obj }] : [];
  });
}

const loaded = yamlFiles(deployDir).flatMap(load);
const patchFiles = loaded.filter((m): m is PatchFile => 'ops' in m);
const manifests = loaded.filter((m): m is Manifest => 'obj' in m);
const kustomizations = manifests.filter((m) => m.obj.kind === 'Kustomization' || m.obj.kind === 'Component');
const objects = manifests.filter((m) => !kustomizations.includes(m));

/** The kubernetes-models module for an apiVersion, or undefined for kinds it doesn't ship. */
async function modelFor(
  apiVersion: string,
  kind: string,
): Promise<(new (o: unknown) => { validate(): void }) | undefined> {
  const path = apiVersion.includes('/') ? apiVersion : `v1`;
  try {
    const mod = (await import(`kubernetes-models/${path}`)) as Record<string, unknown>;
    return mod[kind] as (new (o: unknown) => { validate(): void }) | undefined;
  } catch {
    return undefined;
  }
}

const OUR_OR_THIRD_PARTY = new Set([
  'autoscaling.kosmos.dev/v1alpha1',
  'monitoring.coreos.com/v1',
  'cert-manager.io/v1',
]);

describe('deploy/ manifests', () => {
  it('parse as YAML and every object has apiVersion, kind and a name', () => {
    expect(objects.length).toBeGreaterThan(10);
    for (const { file, obj } of objects) {
      expect(obj.apiVersion, file).toBeTruthy();
      expect(obj.kind, file).toBeTruthy();
      expect(obj.metadata?.name, `${file} ${obj.kind}`).toBeTruthy();
    }
  });

  it.each(
    objects
      .filter((m) => !OUR_OR_THIRD_PARTY.has(m.obj.apiVersion))
      .map((m) => [`${m.file} ${m.obj.kind}/${m.obj.metadata?.name}`, m]),
  )('%s validates against the Kubernetes schema', async (_name, m) => {
    const Model = await modelFor(m.obj.apiVersion, m.obj.kind);
    expect(Model, `no schema for ${m.obj.apiVersion} ${m.obj.kind}`).toBeDefined();
    expect(() => new Model!(m.obj).validate()).not.toThrow();
  });

  it('a schema violation is caught by the validator (the check can fail)', async () => {
    const Model = await modelFor('apps/v1', 'Deployment');
    const broken = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'x' },
      spec: { replicas: 'two' },
    };
    expect(() => new Model!(broken).validate()).toThrow(/replicas/);
  });

  it('every kustomization resource exists', () => {
    for (const k of kustomizations) {
      const base = join(deployDir, k.file, '..');
      for (const r of (k.obj['resources'] as string[] | undefined) ?? []) {
        expect(() => statSync(join(base, r)), `${k.file} -> ${r}`).not.toThrow();
      }
    }
  });
});

function workloads(): Manifest[] {
  return objects.filter(
    (m) => ['Deployment', 'DaemonSet'].includes(m.obj.kind) && m.file.match(/^(agent|hub)\//),
  );
}

import type { V1PodSpec } from '@kubernetes/client-node';

type PodSpec = V1PodSpec;
const podSpecOf = (m: Manifest) => (m.obj['spec'] as { template: { spec: PodSpec } }).template.spec;

describe('kosmos workloads follow the restricted pod-security profile', () => {
  it.each(workloads().map((m) => [m.obj.kind, m]))(
    '%s runs non-root, read-only, no capabilities, RuntimeDefault seccomp',
    (_k, m) => {
      const pod = podSpecOf(m);
      expect(pod.securityContext?.['runAsNonRoot']).toBe(true);
      expect(pod.securityContext?.['seccompProfile']).toEqual({ type: 'RuntimeDefault' });
      for (const c of pod.containers) {
        expect(c.securityContext?.['readOnlyRootFilesystem'], c.name).toBe(true);
        expect(c.securityContext?.['allowPrivilegeEscalation'], c.name).toBe(false);
        expect(c.securityContext?.['capabilities']?.drop, c.name).toEqual(['ALL']);
        expect(c.securityContext?.['privileged'], c.name).toBeUndefined();
      }
    },
  );

  it('the agent gets its node name from the downward API and reads cgroups read-only', () => {
    const ds = objects.find((m) => m.obj.kind === 'DaemonSet')!;
    const pod = podSpecOf(ds);
    const env = pod.containers[0]!.env!.find((e) => e.name === 'NODE_NAME');
    expect(env?.valueFrom?.fieldRef?.fieldPath).toBe('spec.nodeName');
    const cg = pod.volumes!.find((v) => v.hostPath?.path === '/sys/fs/cgroup');
    const mount = pod.containers[0]!.volumeMounts!.find((v) => v.name === cg?.name);
    expect(mount?.readOnly).toBe(true);
    expect(
      pod.volumes!.find((v) => v.projected)?.projected?.sources?.[0]?.serviceAccountToken?.audience,
    ).toBe('kosmos-hub');
  });
});

describe('RBAC is least privilege', () => {
  const rules = objects
    .filter((m) => m.obj.kind === 'ClusterRole' || m.obj.kind === 'Role')
    .flatMap((m) =>
      ((m.obj['rules'] as { verbs: string[]; resources: string[] }[]) ?? []).map((r) => ({
        role: m.obj.metadata!.name!,
        ...r,
      })),
    );

  it('grants no wildcard verbs or resources', () => {
    expect(rules.length).toBeGreaterThan(0);
    for (const r of rules) {
      expect(r.verbs, r.role).not.toContain('*');
      expect(r.resources, r.role).not.toContain('*');
    }
  });

  it('only the agent may resize pods, and only with patch', () => {
    const resize = rules.filter((r) => r.resources.includes('pods/resize'));
    expect(resize.map((r) => [r.role, r.verbs])).toEqual([['kosmos-agent', ['patch']]]);
  });

  it('only the hub changes replicas, and only through /scale', () => {
    const writesApps = rules.filter(
      (r) =>
        r.resources.some((x) => /^(deployments|statefulsets)/.test(x)) &&
        r.verbs.some((v) => ['update', 'patch', 'create', 'delete'].includes(v)),
    );
    for (const r of writesApps) {
      expect(r.role).toBe('kosmos-hub');
      expect(r.resources.every((x) => x.endsWith('/scale'))).toBe(true);
    }
  });
});

describe('components/tls-cert-manager', () => {
  const dir = 'components/tls-cert-manager';
  const component = kustomizations.find((k) => k.file === `${dir}/kustomization.yaml`)!;
  type Target = { kind: string; name: string };
  const patches = (component.obj['patches'] as { path: string; target: Target }[]).map((p) => ({
    target: p.target,
    ops: patchFiles.find((f) => f.file === `${dir}/${p.path}`)!.ops,
  }));
  const patched = (kind: string) => {
    const base = objects.find((m) => m.obj.kind === kind && m.file.match(/^(agent|hub)\//))!;
    const { ops } = patches.find((p) => p.target.kind === kind)!;
    return jsonpatch.applyPatch(structuredClone(base.obj), ops, true).newDocument as Manifest['obj'];
  };
  const fileArg = (args: string[], flag: string) =>
    args.find((a) => a.startsWith(`${flag}=`))!.split('=')[1]!;
  /** The Secret key a file path in the container resolves to, through its volume mounts. */
  const secretKeyOf = (pod: PodSpec, path: string) => {
    const mount = pod.containers[0]!.volumeMounts!.find((m) => path.startsWith(`${m.mountPath}/`))!;
    const secret = pod.volumes!.find((v) => v.name === mount.name)!.secret!;
    const item = secret.items!.find((i) => `${mount.mountPath}/${i.path}` === path)!;
    return { secret: secret.secretName, key: item.key, keys: secret.items!.map((i) => i.key) };
  };

  it('patches the hub to serve TLS and the agents to verify it, from one cert-manager Secret', async () => {
    const hub = patched('Deployment');
    const agent = patched('DaemonSet');
    for (const obj of [hub, agent]) {
      const Model = await modelFor(obj.apiVersion, obj.kind);
      expect(() => new Model!(obj).validate()).not.toThrow();
    }
    const hubPod = (hub['spec'] as { template: { spec: PodSpec } }).template.spec;
    const hubArgs = hubPod.containers[0]!.args!;
    expect(secretKeyOf(hubPod, fileArg(hubArgs, '--tls-cert-file'))).toMatchObject({
      secret: 'kosmos-hub-tls',
      key: 'tls.crt',
    });
    expect(secretKeyOf(hubPod, fileArg(hubArgs, '--tls-key-file'))).toMatchObject({
      secret: 'kosmos-hub-tls',
      key: 'tls.key',
    });
    const agentPod = (agent['spec'] as { template: { spec: PodSpec } }).template.spec;
    const agentArgs = agentPod.containers[0]!.args!;
    // The agents get the CA only: the hub's private key never lands on every node.
    expect(secretKeyOf(agentPod, fileArg(agentArgs, '--hub-ca-file'))).toEqual({
      secret: 'kosmos-hub-tls',
      key: 'ca.crt',
      keys: ['ca.crt'],
    });
    // The agents keep their other mounts (cgroups, token) and the certificate names the address they dial.
    expect(agentPod.containers[0]!.volumeMounts!.map((m) => m.name)).toEqual([
      'cgroup',
      'hub-token',
      'hub-ca',
    ]);
    const host = fileArg(agentArgs, '--hub-address').split(':')[0]!;
    const cert = objects.find(
      (m) => m.obj.kind === 'Certificate' && m.obj.metadata?.name === 'kosmos-hub-tls',
    )!;
    const spec = cert.obj['spec'] as { secretName: string; dnsNames: string[] };
    expect(spec.secretName).toBe('kosmos-hub-tls');
    expect(spec.dnsNames).toContain(host);
  });
});

describe('the default install (deploy/kustomization.yaml) fails closed', () => {
  const root = kustomizations.find((k) => k.file === 'kustomization.yaml')!;
  const components = (root.obj['components'] as string[] | undefined) ?? [];
  /** A base workload with the patches of every component the default install enables. */
  const installed = (kind: string) => {
    const base = objects.find((m) => m.obj.kind === kind && m.file.match(/^(agent|hub)\//))!;
    let doc = structuredClone(base.obj);
    for (const dir of components) {
      const component = kustomizations.find((k) => k.file === `${dir}/kustomization.yaml`)!;
      for (const p of component.obj['patches'] as { path: string; target: { kind: string } }[]) {
        if (p.target.kind !== kind) continue;
        const ops = patchFiles.find((f) => f.file === `${dir}/${p.path}`)!.ops;
        doc = jsonpatch.applyPatch(doc, ops, true).newDocument as Manifest['obj'];
      }
    }
    return (doc['spec'] as { template: { spec: PodSpec } }).template.spec.containers[0]!.args!.slice(1);
  };

  it('the hub authenticates agents with TokenReview over TLS, and its flags parse', () => {
    const args = installed('Deployment');
    const config = parseHubConfig(args, {});
    expect(config.agentAuth).toBe('tokenreview');
    expect(config.tlsCertFile).toBeTruthy();
    expect(config.allowPlaintextToken).toBe(false);
  });

  it('the agents send their token over TLS only, and their flags parse', () => {
    const args = installed('DaemonSet');
    const config = parseAgentConfig(args, { NODE_NAME: 'node-1' });
    expect(config.hubTokenFile).toBeTruthy();
    expect(config.hubCaFile).toBeTruthy();
    expect(config.allowPlaintextToken).toBe(false);
  });

  it('no manifest outside the component named insecure passes an insecure flag', () => {
    for (const m of [...objects, ...patchFiles]) {
      if (m.file.startsWith('components/insecure-')) continue;
      const text = JSON.stringify('obj' in m ? m.obj : m.ops);
      expect(text, m.file).not.toMatch(/insecure-none|allow-plaintext-token/);
    }
  });
});
