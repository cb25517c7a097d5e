// OpenAPI documents built from the registry and its schema catalog: /openapi/v2 (JSON) and
// /openapi/v3 (root index + one document per group-version), with the operations kubectl reads
// (x-kubernetes-group-version-kind, the fieldValidation parameter that turns on server-side
// validation) and every kind's schema (kubectl explain).
import { createHash } from 'node:crypto';
import type { Json } from './object-types.ts';
import type { Registry, ResourceType } from './registry.ts';

const OPTION_PARAMETERS = ['dryRun', 'fieldManager', 'fieldValidation', 'force', 'pretty'].map((name) => ({
  name,
  in: 'query',
  uniqueItems: true,
  schema: { type: name === 'force' ? 'boolean' : 'string' },
}));

function prefix(t: ResourceType): string {
  return t.group ? `/apis/${t.group}/${t.version}` : `/api/${t.version}`;
}

function gvk(t: ResourceType) {
  return { group: t.group, version: t.version, kind: t.kind };
}

function operation(t: ResourceType, action: string, ref: string | undefined, v3: boolean, withBody: boolean) {
  const op: Json = {
    operationId: `${action}${t.kind}`,
    tags: [t.group || 'core'],
    'x-kubernetes-action': action,
    'x-kubernetes-group-version-kind': gvk(t),
    parameters: withBody ? OPTION_PARAMETERS : [],
    responses: { '200': { description: 'OK' } },
  };
  if (ref) {
    const schema = { $ref: ref };
    if (v3) op.responses['200'].content = { 'application/json': { schema } };
    else op.responses['200'].schema = schema;
    if (withBody && v3) op.requestBody = { content: { '*/*': { schema } }, required: true };
  }
  return op;
}

function pathsOf(registry: Registry, types: ResourceType[], v3: boolean): Json {
  const paths: Json = {};
  const refBase = v3 ? '#/components/schemas/' : '#/definitions/';
  for (const t of types) {
    const def = registry.schemas.rootOf(gvk(t));
    const ref = def ? refBase + def : undefined;
    const ns = t.namespaced ? '/namespaces/{namespace}' : '';
    if (t.virtual) {
      paths[`${prefix(t)}${ns}/${t.plural}`] = { post: operation(t, 'post', ref, v3, true) };
      continue;
    }
    paths[`${prefix(t)}${ns}/${t.plural}`] = {
      get: operation(t, 'list', undefined, v3, false),
      post: operation(t, 'post', ref, v3, true),
      delete: operation(t, 'deletecollection', undefined, v3, false),
    };
    paths[`${prefix(t)}${ns}/${t.plural}/{name}`] = {
      get: operation(t, 'get', ref, v3, false),
      put: operation(t, 'put', ref, v3, true),
      patch: operation(t, 'patch', ref, v3, true),
      delete: operation(t, 'delete', undefined, v3, false),
    };
    for (const sub of t.subresources) {
      if (sub === 'status' || sub === 'resize') {
        paths[`${prefix(t)}${ns}/${t.plural}/{name}/${sub}`] = {
          get: operation(t, 'get', ref, v3, false),
          put: operation(t, 'put', ref, v3, true),
          patch: operation(t, 'patch', ref, v3, true),
        };
      }
    }
  }
  return paths;
}

/** The definitions reachable from the given roots (the closure over $ref). */
function closure(registry: Registry, roots: string[]): Map<string, Json> {
  const out = new Map<string, Json>();
  const pending = [...roots];
  while (pending.length > 0) {
    const name = pending.pop()!;
    if (out.has(name)) continue;
    const def = registry.schemas.definitions.get(name);
    if (!def) continue;
    out.set(name, def);
    for (const m of JSON.stringify(def).matchAll(/"#\/definitions\/([^"]+)"/g)) pending.push(m[1]!);
  }
  return out;
}

function servedTypes(registry: Registry): ResourceType[] {
  return registry.all();
}

/** /openapi/v2: one Swagger 2.0 document of everything served. */
export function openApiV2(registry: Registry): Json {
  const types = servedTypes(registry);
  const roots = types.map((t) => registry.schemas.rootOf(gvk(t))).filter((n): n is string => !!n);
  return {
    swagger: '2.0',
    info: { title: 'Kubernetes', version: 'v1.35.0' },
    paths: pathsOf(registry, types, false),
    definitions: Object.fromEntries(closure(registry, roots)),
  };
}

function groupVersionPath(group: string, version: string): string {
  return group ? `apis/${group}/${version}` : `api/${version}`;
}

/** The v3 document of one group-version, or undefined if nothing is served there. */
export function openApiV3Document(registry: Registry, path: string): Json | undefined {
  const types = servedTypes(registry).filter((t) => groupVersionPath(t.group, t.version) === path);
  if (types.length === 0) return undefined;
  const roots = types.map((t) => registry.schemas.rootOf(gvk(t))).filter((n): n is string => !!n);
  const schemas = JSON.parse(
    JSON.stringify(Object.fromEntries(closure(registry, roots))).replaceAll(
      '"#/definitions/',
      '"#/components/schemas/',
    ),
  );
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: 'v1.35.0' },
    paths: pathsOf(registry, types, true),
    components: { schemas },
  };
}

/** /openapi/v3: the index of group-version documents, each URL carrying a content hash. */
export function openApiV3Root(registry: Registry): Json {
  const paths: Json = {};
  const seen = new Set<string>();
  for (const t of servedTypes(registry)) {
    const path = groupVersionPath(t.group, t.version);
    if (seen.has(path)) continue;
    seen.add(path);
    const hash = createHash('sha512')
      .update(JSON.stringify(openApiV3Document(registry, path)))
      .digest('hex')
      .slice(0, 128)
      .toUpperCase();
    paths[path] = { serverRelativeURL: `/openapi/v3/${path}?hash=${hash}` };
  }
  return { paths };
}
