// Structural-schema walks shared by CRD validation: pruning of unknown fields, defaulting,
// Kubernetes field paths, and conversion of JSON values to CEL values by schema type.

/** The subset of an OpenAPI v3 structural schema that the API server interprets. */
export interface JSONSchemaProps {
  type?: string;
  description?: string;
  properties?: Record<string, JSONSchemaProps>;
  additionalProperties?: JSONSchemaProps | boolean;
  items?: JSONSchemaProps;
  required?: string[];
  default?: unknown;
  nullable?: boolean;
  enum?: unknown[];
  format?: string;
  anyOf?: JSONSchemaProps[];
  allOf?: JSONSchemaProps[];
  oneOf?: JSONSchemaProps[];
  not?: JSONSchemaProps;
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-embedded-resource'?: boolean;
  'x-kubernetes-list-type'?: 'atomic' | 'set' | 'map';
  'x-kubernetes-list-map-keys'?: string[];
  'x-kubernetes-validations'?: ValidationRule[];
  [keyword: string]: unknown;
}

export interface ValidationRule {
  rule: string;
  message?: string;
  messageExpression?: string;
  reason?: string;
  fieldPath?: string;
  optionalOldSelf?: boolean;
}

type Json = Record<string, unknown>;

export function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Appends a property to a Kubernetes field path: `spec.resources`, `metadata.labels[a.b/c]`. */
export function childPath(path: string, key: string): string {
  if (!IDENT.test(key)) return `${path}[${key}]`;
  return path === '' ? key : `${path}.${key}`;
}

export function indexPath(path: string, index: number): string {
  return `${path}[${index}]`;
}

const ROOT_KEPT = new Set(['apiVersion', 'kind', 'metadata']);

/** Removes fields the schema does not declare (as the API server does on create/update). */
export function pruneUnknown(schema: JSONSchemaProps, value: unknown, isRoot = true): void {
  if (Array.isArray(value)) {
    if (schema.items) for (const item of value) pruneUnknown(schema.items, item, false);
    return;
  }
  if (!isObject(value)) return;
  const keepEmbedded = isRoot || schema['x-kubernetes-embedded-resource'] === true;
  const preserve = schema['x-kubernetes-preserve-unknown-fields'] === true;
  const additional = isObject(schema.additionalProperties) ? schema.additionalProperties : undefined;
  for (const key of Object.keys(value)) {
    if (keepEmbedded && ROOT_KEPT.has(key)) continue;
    const prop = schema.properties?.[key];
    if (prop) pruneUnknown(prop, value[key], false);
    else if (additional) pruneUnknown(additional, value[key], false);
    else if (!preserve && schema.additionalProperties !== true) delete value[key];
  }
}

/** Drops nulls the schema does not allow, then fills absent fields with their schema defaults. */
export function applySchemaDefaults(schema: JSONSchemaProps, value: unknown, isRoot = true): void {
  if (Array.isArray(value)) {
    if (schema.items) for (const item of value) applySchemaDefaults(schema.items, item, false);
    return;
  }
  if (!isObject(value)) return;
  for (const [key, prop] of Object.entries(schema.properties ?? {})) {
    if (isRoot && key === 'metadata') continue;
    if (value[key] === null && prop.nullable !== true) delete value[key];
    if (value[key] === undefined && prop.default !== undefined) value[key] = structuredClone(prop.default);
    if (value[key] !== undefined) applySchemaDefaults(prop, value[key], false);
  }
  const additional = isObject(schema.additionalProperties) ? schema.additionalProperties : undefined;
  if (additional) {
    for (const key of Object.keys(value)) {
      if (schema.properties?.[key]) continue;
      applySchemaDefaults(additional as JSONSchemaProps, value[key], false);
    }
  }
}

/** Converts a JSON value to its CEL value as the API server types it from the schema. */
export function toCelValue(schema: JSONSchemaProps | undefined, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') {
    const integral = schema?.type === 'integer' || schema?.['x-kubernetes-int-or-string'] === true;
    if (integral && Number.isInteger(value)) return BigInt(value);
    if (schema?.type === 'number') return value;
    return Number.isInteger(value) ? BigInt(value) : value;
  }
  if (Array.isArray(value)) return value.map((item) => toCelValue(schema?.items, item));
  if (isObject(value)) {
    const additional = isObject(schema?.additionalProperties) ? schema.additionalProperties : undefined;
    const out = new Map<string, unknown>();
    for (const [key, child] of Object.entries(value)) {
      if (child === undefined) continue;
      out.set(
        key,
        toCelValue(schema?.properties?.[key] ?? (additional as JSONSchemaProps | undefined), child),
      );
    }
    return out;
  }
  return value;
}

/** Correlated old value of a list item (only list-type=map items correlate, by their keys). */
export function correlateListItem(
  schema: JSONSchemaProps,
  item: unknown,
  oldList: unknown,
): { found: boolean; old?: unknown } {
  const keys = schema['x-kubernetes-list-map-keys'];
  if (schema['x-kubernetes-list-type'] !== 'map' || !keys || !Array.isArray(oldList) || !isObject(item)) {
    return { found: false };
  }
  const old = oldList.find((o) => isObject(o) && keys.every((k) => o[k] === item[k]));
  return old === undefined ? { found: false } : { found: true, old };
}
