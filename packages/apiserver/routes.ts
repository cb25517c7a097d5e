// URL → route: which resource, namespace, name, subresource and verb a request addresses,
// following the real server's path layout (/api/v1/..., /apis/<group>/<version>/...).
import { ApiError } from './errors.ts';
import type { Registry, ResourceType } from './registry.ts';

export type Verb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete' | 'deletecollection';

export type Route =
  | { kind: 'root' | 'version' | 'healthz' | 'api' | 'apis' }
  | { kind: 'openapi'; path: string }
  | { kind: 'group'; group: string }
  | { kind: 'groupVersion'; group: string; version: string }
  | {
      kind: 'resource';
      type: ResourceType;
      verb: Verb;
      namespace?: string;
      name?: string;
      subresource?: string;
    };

function verbOf(method: string, hasName: boolean, watch: boolean): Verb {
  switch (method) {
    case 'GET':
    case 'HEAD':
      if (watch) return 'watch';
      return hasName ? 'get' : 'list';
    case 'POST':
      return 'create';
    case 'PUT':
      return 'update';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return hasName ? 'delete' : 'deletecollection';
    default:
      throw new ApiError(405, 'MethodNotAllowed', `method ${method} is not supported`);
  }
}

function notFoundPath(path: string): ApiError {
  return new ApiError(404, 'NotFound', `the server could not find the requested resource (${path})`);
}

export function resolveRoute(registry: Registry, method: string, url: URL): Route {
  const path = url.pathname.replace(/\/+$/, '');
  const segs = path
    .split('/')
    .filter((s) => s.length > 0)
    .map(decodeURIComponent);
  if (segs.length === 0) return { kind: 'root' };
  const [first] = segs;
  if (first === 'version') return { kind: 'version' };
  if (first === 'healthz' || first === 'readyz' || first === 'livez') return { kind: 'healthz' };
  if (first === 'openapi') return { kind: 'openapi', path: segs.slice(1).join('/') };
  let group: string;
  let version: string | undefined;
  let rest: string[];
  if (first === 'api') {
    if (segs.length === 1) return { kind: 'api' };
    group = '';
    version = segs[1];
    rest = segs.slice(2);
  } else if (first === 'apis') {
    if (segs.length === 1) return { kind: 'apis' };
    group = segs[1]!;
    if (segs.length === 2) return { kind: 'group', group };
    version = segs[2];
    rest = segs.slice(3);
  } else throw notFoundPath(path);
  if (rest.length === 0) return { kind: 'groupVersion', group, version: version! };
  let watch = url.searchParams.get('watch') === 'true' || url.searchParams.get('watch') === '1';
  if (rest[0] === 'watch') {
    watch = true;
    rest = rest.slice(1);
  }
  let namespace: string | undefined;
  const namespaceSub = rest.length === 3 && (rest[2] === 'status' || rest[2] === 'finalize');
  if (rest[0] === 'namespaces' && rest.length >= 3 && !namespaceSub) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const [plural, name, subresource, ...extra] = rest;
  const type = registry.find(group, version!, plural!);
  if (!type || extra.length > 0) throw notFoundPath(path);
  if (subresource && !type.subresources.includes(subresource as never)) throw notFoundPath(path);
  if (name === undefined && namespace !== undefined && !type.namespaced) throw notFoundPath(path);
  const verb = verbOf(method, name !== undefined, watch);
  // Namespaced kinds are created under /namespaces/<ns>/...; the cluster-wide path only lists.
  if (type.namespaced && namespace === undefined && !type.virtual && verb !== 'list' && verb !== 'watch') {
    throw new ApiError(
      405,
      'MethodNotAllowed',
      'the server does not allow this method on the requested resource',
    );
  }
  return {
    kind: 'resource',
    type,
    verb,
    namespace: type.namespaced ? namespace : undefined,
    name,
    subresource,
  };
}
