// The resource table: every served kind described as data (group, version, plural, scope,
// subresources), so discovery, routing, storage and CRDs all read one source.
import {
  CORE_EVENT_FIELD_LABELS,
  EVENTS_V1_FIELD_LABELS,
  eventFieldValue,
  eventFromCore,
  eventToCore,
} from './events.ts';
import type { FieldError, Json, KObject } from './object-types.ts';
import { SchemaCatalog } from './schemas.ts';

export type Subresource = 'status' | 'scale' | 'resize' | 'binding' | 'eviction';

/** Where a CRD keeps its scale fields (spec.scale of a CRD version). */
export interface ScalePaths {
  specReplicasPath: string;
  statusReplicasPath: string;
  labelSelectorPath?: string;
}

/** Schema validation and defaulting of a custom resource version. */
export interface CustomSchema {
  validate(obj: unknown, oldObj?: unknown): FieldError[];
  applyDefaults(obj: unknown): void;
}

/** Objects served in one version and stored in another's shape (events.k8s.io/v1 Events are core/v1 Events). */
export interface StoredAs {
  group: string;
  plural: string;
  toStored(obj: KObject): KObject;
  fromStored(obj: KObject): KObject;
  /** This version's field-selector labels → the stored shape's. */
  fieldLabels: Record<string, string>;
}

export interface ResourceType {
  group: string;
  version: string;
  plural: string;
  singular: string;
  kind: string;
  namespaced: boolean;
  shortNames: string[];
  subresources: Subresource[];
  /** Verbs on the collection/object, for discovery. */
  verbs: string[];
  /** Extra field-selector labels besides metadata.name / metadata.namespace. */
  fieldSelectors: string[];
  /** A field selector's value where it is not the plain path (events' `source`); undefined: the path. */
  fieldValue?: (stored: KObject, field: string) => string | undefined;
  storedAs?: StoredAs;
  categories?: string[];
  scale?: ScalePaths;
  schema?: CustomSchema;
  /** Create-only resources (tokenreviews): stored nowhere, answered by a handler. */
  virtual?: boolean;
  /** True for resources that came from a CRD. */
  custom?: boolean;
  /** The CRD version's openAPIV3Schema (custom resources). */
  openAPIV3Schema?: Json;
  /** The @kubernetes/client-node model class its schema is derived from (default V1<Kind>). */
  model?: string;
  /** PUT of a missing object creates it (kube's AllowCreateOnUpdate: leases, endpoints, RBAC). */
  createOnUpdate?: boolean;
  /** A CRD version's additionalPrinterColumns (for Table output). */
  printerColumns?: {
    name: string;
    type: string;
    jsonPath: string;
    priority?: number;
    description?: string;
  }[];
}

const ALL_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

function builtin(
  group: string,
  version: string,
  plural: string,
  kind: string,
  namespaced: boolean,
  extra: Partial<ResourceType> = {},
): ResourceType {
  return {
    group,
    version,
    plural,
    singular: kind.toLowerCase(),
    kind,
    namespaced,
    shortNames: [],
    subresources: [],
    verbs: ALL_VERBS,
    fieldSelectors: [],
    ...extra,
  };
}

export function builtinResources(): ResourceType[] {
  return [
    builtin('', 'v1', 'namespaces', 'Namespace', false, {
      shortNames: ['ns'],
      subresources: ['status'],
      fieldSelectors: ['status.phase'],
    }),
    builtin('', 'v1', 'nodes', 'Node', false, { shortNames: ['no'], subresources: ['status'] }),
    builtin('', 'v1', 'pods', 'Pod', true, {
      shortNames: ['po'],
      categories: ['all'],
      subresources: ['status', 'resize', 'binding', 'eviction'],
      fieldSelectors: [
        'spec.nodeName',
        'status.phase',
        'spec.schedulerName',
        'spec.restartPolicy',
        'status.podIP',
      ],
    }),
    builtin('', 'v1', 'services', 'Service', true, {
      shortNames: ['svc'],
      categories: ['all'],
      subresources: ['status'],
      fieldSelectors: ['spec.clusterIP', 'spec.type'],
    }),
    builtin('', 'v1', 'endpoints', 'Endpoints', true, { shortNames: ['ep'], createOnUpdate: true }),
    builtin('', 'v1', 'events', 'Event', true, {
      shortNames: ['ev'],
      model: 'CoreV1Event',
      createOnUpdate: true,
      fieldSelectors: CORE_EVENT_FIELD_LABELS,
      fieldValue: eventFieldValue,
    }),
    builtin('', 'v1', 'configmaps', 'ConfigMap', true, { shortNames: ['cm'] }),
    builtin('', 'v1', 'secrets', 'Secret', true, { fieldSelectors: ['type'] }),
    builtin('', 'v1', 'serviceaccounts', 'ServiceAccount', true, { shortNames: ['sa'] }),
    builtin('apps', 'v1', 'deployments', 'Deployment', true, {
      shortNames: ['deploy'],
      categories: ['all'],
      subresources: ['status', 'scale'],
    }),
    builtin('apps', 'v1', 'replicasets', 'ReplicaSet', true, {
      shortNames: ['rs'],
      categories: ['all'],
      subresources: ['status', 'scale'],
    }),
    builtin('apps', 'v1', 'statefulsets', 'StatefulSet', true, {
      shortNames: ['sts'],
      categories: ['all'],
      subresources: ['status', 'scale'],
    }),
    builtin('apps', 'v1', 'daemonsets', 'DaemonSet', true, {
      shortNames: ['ds'],
      categories: ['all'],
      subresources: ['status'],
    }),
    builtin('coordination.k8s.io', 'v1', 'leases', 'Lease', true, { createOnUpdate: true }),
    builtin('events.k8s.io', 'v1', 'events', 'Event', true, {
      shortNames: ['ev'],
      model: 'EventsV1Event',
      createOnUpdate: true,
      fieldSelectors: Object.keys(EVENTS_V1_FIELD_LABELS),
      fieldValue: eventFieldValue,
      storedAs: {
        group: '',
        plural: 'events',
        toStored: eventToCore,
        fromStored: eventFromCore,
        fieldLabels: EVENTS_V1_FIELD_LABELS,
      },
    }),
    builtin('rbac.authorization.k8s.io', 'v1', 'roles', 'Role', true, { createOnUpdate: true }),
    builtin('rbac.authorization.k8s.io', 'v1', 'rolebindings', 'RoleBinding', true, { createOnUpdate: true }),
    builtin('rbac.authorization.k8s.io', 'v1', 'clusterroles', 'ClusterRole', false, {
      createOnUpdate: true,
    }),
    builtin('rbac.authorization.k8s.io', 'v1', 'clusterrolebindings', 'ClusterRoleBinding', false, {
      createOnUpdate: true,
    }),
    builtin('scheduling.k8s.io', 'v1', 'priorityclasses', 'PriorityClass', false, { shortNames: ['pc'] }),
    builtin('policy', 'v1', 'poddisruptionbudgets', 'PodDisruptionBudget', true, {
      shortNames: ['pdb'],
      subresources: ['status'],
    }),
    builtin(
      'admissionregistration.k8s.io',
      'v1',
      'validatingadmissionpolicies',
      'ValidatingAdmissionPolicy',
      false,
      {
        subresources: ['status'],
      },
    ),
    builtin(
      'admissionregistration.k8s.io',
      'v1',
      'validatingadmissionpolicybindings',
      'ValidatingAdmissionPolicyBinding',
      false,
    ),
    builtin('apiextensions.k8s.io', 'v1', 'customresourcedefinitions', 'CustomResourceDefinition', false, {
      shortNames: ['crd', 'crds'],
      subresources: ['status'],
    }),
    builtin('authentication.k8s.io', 'v1', 'tokenreviews', 'TokenReview', false, {
      verbs: ['create'],
      virtual: true,
    }),
    builtin('authorization.k8s.io', 'v1', 'subjectaccessreviews', 'SubjectAccessReview', false, {
      verbs: ['create'],
      virtual: true,
    }),
    builtin('authorization.k8s.io', 'v1', 'selfsubjectaccessreviews', 'SelfSubjectAccessReview', false, {
      verbs: ['create'],
      virtual: true,
    }),
    builtin('authorization.k8s.io', 'v1', 'localsubjectaccessreviews', 'LocalSubjectAccessReview', true, {
      verbs: ['create'],
      virtual: true,
    }),
  ];
}

/** Storage identity: one bucket per group+plural, shared by all served versions. */
export function storageKey(t: Pick<ResourceType, 'group' | 'plural' | 'storedAs'>): string {
  const s = t.storedAs ?? t;
  return `${s.group}/${s.plural}`;
}

export function apiVersionOf(t: Pick<ResourceType, 'group' | 'version'>): string {
  return t.group ? `${t.group}/${t.version}` : t.version;
}

/** Lookup by (group, version, plural) and by kind; changes when CRDs are installed. */
export class Registry {
  private readonly types = new Map<string, ResourceType>();
  /** Schemas of every served kind (OpenAPI, field validation, server-side apply). */
  readonly schemas = new SchemaCatalog();

  constructor(initial: ResourceType[] = builtinResources()) {
    for (const t of initial) this.add(t);
  }

  add(t: ResourceType): void {
    this.types.set(`${t.group}/${t.version}/${t.plural}`, t);
    const gvk = { group: t.group, version: t.version, kind: t.kind };
    if (t.custom) this.schemas.addCustom(gvk, t.openAPIV3Schema);
    else this.schemas.addBuiltin(gvk, t.model ?? `V1${t.kind}`);
  }

  remove(group: string, plural: string): void {
    for (const [k, t] of this.types) {
      if (t.group !== group || t.plural !== plural) continue;
      this.types.delete(k);
      if (t.custom) this.schemas.removeCustom({ group: t.group, version: t.version, kind: t.kind });
    }
  }

  find(group: string, version: string, plural: string): ResourceType | undefined {
    return this.types.get(`${group}/${version}/${plural}`);
  }

  /** First registered version of a group+plural (controllers use this to name storage). */
  byPlural(group: string, plural: string): ResourceType {
    for (const t of this.types.values()) if (t.group === group && t.plural === plural) return t;
    throw new Error(`resource ${plural}.${group} is not registered`);
  }

  byKind(apiVersion: string, kind: string): ResourceType | undefined {
    for (const t of this.types.values()) if (apiVersionOf(t) === apiVersion && t.kind === kind) return t;
    return undefined;
  }

  all(): ResourceType[] {
    return [...this.types.values()];
  }

  /** Group name → served versions, in registration order. */
  groups(): Map<string, string[]> {
    const out = new Map<string, string[]>();
    for (const t of this.types.values()) {
      const versions = out.get(t.group) ?? [];
      if (!versions.includes(t.version)) versions.push(t.version);
      out.set(t.group, versions);
    }
    return out;
  }
}
