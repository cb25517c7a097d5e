// Request bodies as the real server decodes them: YAML or JSON, the apiVersion/kind checked
// against the endpoint (400), unknown fields dropped and, per fieldValidation, reported as a
// `Warning` header (Warn, the default) or refused with the strict decoder's 400 (Strict).
import { parse as parseYaml } from 'yaml';
import { ApiError, badRequest } from './errors.ts';
import type { Json, KObject } from './object-types.ts';
import { decodeProtobufObject } from './protobuf.ts';
import { apiVersionOf, type ResourceType } from './registry.ts';
import type { FieldValidation } from './request-options.ts';
import { type SchemaCatalog, unknownFields } from './schemas.ts';

/** Parse a request body: Kubernetes protobuf, YAML when the Content-Type says so, JSON otherwise. */
export function parseBody(body: string, contentType: string | undefined, raw?: Buffer): KObject {
  if ((contentType ?? '').includes('protobuf')) return decodeProtobufObject(raw ?? Buffer.from(body, 'utf8'));
  if (!body) throw badRequest('the request body is empty');
  let parsed: unknown;
  try {
    parsed = (contentType ?? '').toLowerCase().includes('yaml') ? parseYaml(body) : JSON.parse(body);
  } catch (err) {
    throw badRequest(`error decoding request body: ${(err as Error).message}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw badRequest(`the object provided is unrecognized (must be of type Object): ${body.slice(0, 30)}`);
  }
  return parsed as KObject;
}

/**
 * 400 when the body names another kind or group/version than the endpoint serves (the real
 * decoder refuses to convert); absent apiVersion/kind default to the endpoint's.
 */
export function checkKind(
  t: ResourceType,
  obj: KObject,
  expected = { kind: t.kind, apiVersion: apiVersionOf(t) },
): void {
  const kind = obj.kind;
  const apiVersion = obj.apiVersion;
  if (kind !== undefined && kind !== '' && kind !== expected.kind) {
    const version = typeof apiVersion === 'string' ? apiVersion.split('/').at(-1) : '';
    throw badRequest(
      `${String(kind)} in version "${version}" cannot be handled as a ${expected.kind}: no kind "${String(kind)}" is registered for version "${String(apiVersion ?? expected.apiVersion)}"`,
    );
  }
  if (apiVersion !== undefined && apiVersion !== '' && apiVersion !== expected.apiVersion) {
    throw badRequest(
      `the API version in the data (${String(apiVersion)}) does not match the expected API version (${expected.apiVersion})`,
    );
  }
}

/** Remove the fields at the given paths (`a.b[0].c`). */
function dropPaths(obj: Json, paths: string[]): void {
  for (const path of paths) {
    const parts = path.match(/[^.[\]]+/g) ?? [];
    let cur = obj;
    for (const p of parts.slice(0, -1)) cur = cur?.[/^\d+$/.test(p) ? Number(p) : p];
    if (cur && typeof cur === 'object') delete cur[parts.at(-1)!];
  }
}

/**
 * Drop fields the kind's schema does not know (in place) and return the warnings to send, or
 * throw the strict decoder's 400. Kinds without a schema keep everything.
 */
export function checkFields(
  catalog: SchemaCatalog,
  t: ResourceType,
  obj: KObject,
  mode: FieldValidation,
  schemaKind = { group: t.group, version: t.version, kind: t.kind },
): string[] {
  const schema = catalog.schemaOf(schemaKind);
  if (!schema) return [];
  const unknown = unknownFields(catalog, schema, obj);
  if (unknown.length === 0) return [];
  if (mode === 'Strict') {
    throw new ApiError(
      400,
      'BadRequest',
      `${schemaKind.kind} in version "${schemaKind.version}" cannot be handled as a ${schemaKind.kind}: strict decoding error: ${unknown.map((p) => `unknown field "${p}"`).join(', ')}`,
    );
  }
  dropPaths(obj, unknown);
  return mode === 'Warn' ? unknown.map((p) => `unknown field "${p}"`) : [];
}
