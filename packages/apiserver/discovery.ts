// Discovery documents (/api, /apis, /apis/<g>/<v>, /version) built from the registry, in the
// legacy (unaggregated) format every client falls back to.
import { DEFAULT_KUBERNETES_VERSION, type KubernetesVersion } from './kubernetes-version.ts';
import type { Registry, ResourceType } from './registry.ts';

export function versionInfo(version: KubernetesVersion = DEFAULT_KUBERNETES_VERSION) {
  const [major, minor] = version.split('.');
  return {
    major,
    minor,
    gitVersion: `v${version}.0-kosmos`,
    gitCommit: '0000000000000000000000000000000000000000',
    gitTreeState: 'clean',
    buildDate: '2025-12-17T00:00:00Z',
    goVersion: 'go1.25.5',
    compiler: 'gc',
    platform: 'linux/amd64',
  };
}

export function apiVersions(serverAddress: string) {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

function groupDoc(group: string, versions: string[]) {
  const list = versions.map((version) => ({ groupVersion: `${group}/${version}`, version }));
  return { name: group, versions: list, preferredVersion: list[0]! };
}

export function apiGroupList(registry: Registry) {
  const groups = [...registry.groups()]
    .filter(([g]) => g !== '')
    .map(([g, versions]) => groupDoc(g, versions));
  return { kind: 'APIGroupList', apiVersion: 'v1', groups };
}

export function apiGroup(registry: Registry, group: string) {
  const versions = registry.groups().get(group);
  if (!versions || group === '') return undefined;
  return { kind: 'APIGroup', apiVersion: 'v1', ...groupDoc(group, versions) };
}

function subresourceVerbs(sub: string): string[] {
  if (sub === 'binding' || sub === 'eviction') return ['create'];
  return ['get', 'patch', 'update'];
}

function subresourceKind(t: ResourceType, sub: string): { kind: string; group?: string; version?: string } {
  if (sub === 'scale') return { kind: 'Scale', group: 'autoscaling', version: 'v1' };
  if (sub === 'binding') return { kind: 'Binding' };
  if (sub === 'eviction') return { kind: 'Eviction', group: 'policy', version: 'v1' };
  return { kind: t.kind };
}

export function apiResourceList(registry: Registry, group: string, version: string) {
  const types = registry.all().filter((t) => t.group === group && t.version === version);
  if (types.length === 0) return undefined;
  const resources = [];
  for (const t of types) {
    resources.push({
      name: t.plural,
      singularName: t.singular,
      namespaced: t.namespaced,
      kind: t.kind,
      verbs: t.verbs,
      ...(t.shortNames.length > 0 ? { shortNames: t.shortNames } : {}),
      ...(t.categories ? { categories: t.categories } : {}),
    });
    for (const sub of t.subresources) {
      resources.push({
        name: `${t.plural}/${sub}`,
        singularName: '',
        namespaced: t.namespaced,
        ...subresourceKind(t, sub),
        verbs: subresourceVerbs(sub),
      });
    }
  }
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: group ? `${group}/${version}` : version,
    resources,
  };
}
