// Structural schemas of the served kinds, one catalog for OpenAPI documents, unknown-field
// detection (fieldValidation) and server-side apply: built-in kinds are derived from the model
// classes of @kubernetes/client-node (field names and types, no descriptions), custom kinds are
// their CRD's openAPIV3Schema. Definitions are named as kube-apiserver names them.
import * as k8s from '@kubernetes/client-node';
import type { Json } from './object-types.ts';
import { mergeKeyFor } from './strategic-merge.ts';

/** A JSON schema node (OpenAPI v3 subset; `$ref` points into the catalog's definitions). */
export type Schema = Json;

interface Attribute {
  name: string;
  baseName: string;
  type: string;
  format: string;
}

type ModelClass = { attributeTypeMap?: Attribute[] };
const models = k8s as unknown as Record<string, ModelClass | undefined>;

/** apimachinery types: their definitions live under io.k8s.apimachinery.pkg.apis.meta.v1. */
const META_TYPES = new Set([
  'ObjectMeta',
  'OwnerReference',
  'ManagedFieldsEntry',
  'LabelSelector',
  'LabelSelectorRequirement',
  'ListMeta',
  'Condition',
  'Status',
  'StatusDetails',
  'StatusCause',
]);

/** Go package of a group, as used in definition names (io.k8s.api.<package>.<version>.<Kind>). */
function packageOf(group: string): string {
  if (group === '') return 'core';
  if (group === 'apiextensions.k8s.io') return 'apiextensions';
  return group.replace(/\.k8s\.io$/, '').replace(/\./g, '');
}

/** Strip the client's class prefix: V1PodSpec → PodSpec, CoreV1Event → Event. */
function bareName(cls: string): string {
  return cls.replace(/^(?:[A-Z][a-z]+)*V\d+(?:(?:alpha|beta)\d+)?/, '');
}

export interface Gvk {
  group: string;
  version: string;
  kind: string;
}

/** Definitions by name plus the root definition of each kind. */
export class SchemaCatalog {
  readonly definitions = new Map<string, Schema>();
  private readonly byClass = new Map<string, string>();
  private readonly roots = new Map<string, string>();

  private static gvkKey(g: Gvk): string {
    return `${g.group}/${g.version}/${g.kind}`;
  }

  /** Definition name of a kind's root schema. */
  rootOf(g: Gvk): string | undefined {
    return this.roots.get(SchemaCatalog.gvkKey(g));
  }

  /** The root schema of a kind (refs unresolved), if known. */
  schemaOf(g: Gvk): Schema | undefined {
    const name = this.rootOf(g);
    return name ? this.definitions.get(name) : undefined;
  }

  /** Follow `$ref`s (also inside allOf, as kube-openapi wraps refs with descriptions). */
  resolve(s: Schema | undefined): Schema | undefined {
    let cur = s;
    for (let i = 0; i < 8 && cur; i++) {
      const ref: string | undefined = cur.$ref ?? cur.allOf?.[0]?.$ref;
      if (!ref) return cur;
      cur = this.definitions.get(ref.slice(ref.lastIndexOf('/') + 1));
    }
    return cur;
  }

  /** Register a built-in kind from its client-node model class (e.g. 'V1Pod'). */
  addBuiltin(g: Gvk, cls: string): void {
    if (!models[cls]?.attributeTypeMap) throw new Error(`no client model ${cls} for ${g.kind}`);
    const name = this.classDefinition(cls, g.group, g.version);
    const def = this.definitions.get(name)!;
    const gvks: Gvk[] = def['x-kubernetes-group-version-kind'] ?? [];
    if (!gvks.some((x) => SchemaCatalog.gvkKey(x) === SchemaCatalog.gvkKey(g))) gvks.push(g);
    def['x-kubernetes-group-version-kind'] = gvks;
    this.roots.set(SchemaCatalog.gvkKey(g), name);
  }

  /** Register a custom kind from its CRD version's openAPIV3Schema. */
  addCustom(g: Gvk, openAPIV3Schema: Schema | undefined): void {
    const name = `${g.group.split('.').reverse().join('.')}.${g.version}.${g.kind}`;
    const schema: Schema = structuredClone(openAPIV3Schema ?? { type: 'object' });
    if (!openAPIV3Schema) schema['x-kubernetes-preserve-unknown-fields'] = true;
    schema.type ??= 'object';
    schema.properties = {
      apiVersion: { type: 'string' },
      kind: { type: 'string' },
      ...schema.properties,
      metadata: { $ref: this.ref(this.classDefinition('V1ObjectMeta', '', 'v1')) },
    };
    schema['x-kubernetes-group-version-kind'] = [g];
    this.definitions.set(name, schema);
    this.roots.set(SchemaCatalog.gvkKey(g), name);
  }

  removeCustom(g: Gvk): void {
    const name = this.roots.get(SchemaCatalog.gvkKey(g));
    this.roots.delete(SchemaCatalog.gvkKey(g));
    if (name) this.definitions.delete(name);
  }

  private ref(name: string): string {
    return `#/definitions/${name}`;
  }

  private classDefinition(cls: string, group: string, version: string): string {
    const known = this.byClass.get(cls);
    if (known) return known;
    const bare = bareName(cls);
    const name = META_TYPES.has(bare)
      ? `io.k8s.apimachinery.pkg.apis.meta.v1.${bare}`
      : `io.k8s.api.${packageOf(group)}.${version}.${bare}`;
    this.byClass.set(cls, name);
    const def: Schema = { type: 'object', properties: {} };
    this.definitions.set(name, def);
    for (const a of models[cls]?.attributeTypeMap ?? []) {
      def.properties[a.baseName] = this.typeSchema(a.type, a.format, a.baseName, bare, group, version);
    }
    return name;
  }

  private typeSchema(
    type: string,
    format: string,
    field: string,
    parent: string,
    group: string,
    version: string,
  ): Schema {
    const array = /^Array<(.+)>$/.exec(type);
    if (array) {
      const items = this.typeSchema(array[1]!, format, field, parent, group, version);
      const out: Schema = { type: 'array', items };
      const key = mergeKeyFor(field, parentField(parent));
      if (key && !array[1]!.startsWith('Array')) {
        out['x-kubernetes-patch-merge-key'] = key;
        out['x-kubernetes-patch-strategy'] = 'merge';
        out['x-kubernetes-list-type'] = 'map';
        out['x-kubernetes-list-map-keys'] = [key];
      } else if (array[1] === 'string' && field === 'finalizers') {
        out['x-kubernetes-patch-strategy'] = 'merge';
        out['x-kubernetes-list-type'] = 'set';
      } else out['x-kubernetes-list-type'] = 'atomic';
      return out;
    }
    const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
    if (map) {
      const value = this.typeSchema(map[1]!, format, field, parent, group, version);
      return { type: 'object', additionalProperties: value };
    }
    switch (type) {
      case 'string':
        return format ? { type: 'string', format } : { type: 'string' };
      case 'number':
        return format.startsWith('int') ? { type: 'integer', format } : { type: 'number', format };
      case 'boolean':
        return { type: 'boolean' };
      case 'Date':
        return { type: 'string', format: 'date-time' };
      case 'IntOrString':
        return { 'x-kubernetes-int-or-string': true };
      case 'any':
        return { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
      default:
        if (!models[type]?.attributeTypeMap) return { 'x-kubernetes-preserve-unknown-fields': true };
        return { $ref: this.ref(this.classDefinition(type, group, version)) };
    }
  }
}

/** strategic-merge's merge keys are named by the enclosing field; map a type to that field. */
function parentField(typeName: string): string | undefined {
  if (typeName === 'Container' || typeName === 'EphemeralContainer') return 'containers';
  return undefined;
}

/**
 * Paths (`.spec.foo`, `.spec.containers[0].bar`) of the fields of `value` that `schema` does not
 * know, as the strict decoder reports them; nothing under x-kubernetes-preserve-unknown-fields.
 */
export function unknownFields(catalog: SchemaCatalog, schema: Schema | undefined, value: Json): string[] {
  const out: string[] = [];
  const walk = (s: Schema | undefined, v: Json, path: string, root: boolean): void => {
    const node = catalog.resolve(s);
    if (!node || v === null || typeof v !== 'object') return;
    if (Array.isArray(v)) {
      if (node.items) for (const [i, item] of v.entries()) walk(node.items, item, `${path}[${i}]`, false);
      return;
    }
    if (node['x-kubernetes-preserve-unknown-fields'] === true && !node.properties) return;
    const additional = typeof node.additionalProperties === 'object' ? node.additionalProperties : undefined;
    for (const [k, child] of Object.entries(v)) {
      if (root && (k === 'apiVersion' || k === 'kind')) continue;
      const prop = node.properties?.[k];
      const childPath = path ? `${path}.${k}` : k;
      if (prop) walk(prop, child, childPath, false);
      else if (additional) walk(additional, child, childPath, false);
      else if (node.additionalProperties !== true && node['x-kubernetes-preserve-unknown-fields'] !== true) {
        out.push(childPath);
      }
    }
  };
  walk(schema, value, '', true);
  return out;
}
