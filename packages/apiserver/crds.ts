// CustomResourceDefinitions: loaded from deploy/crds/*.yaml or created through the API, each
// served version registered (with its schema + CEL validation, status and scale subresources).
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { Logger } from '../../lib/log.ts';
import { compileCrd } from './crd/crd-validation.ts';
import { CauseReason } from './errors.ts';
import { clone, type FieldError, type Json, type KObject, nowTimestamp } from './object-types.ts';
import type { ObjectApi, Strategy } from './objects.ts';
import { type Registry, type ResourceType, type Subresource, storageKey } from './registry.ts';
import type { StoreEvent } from './store.ts';

const CRD_KEY = 'apiextensions.k8s.io/customresourcedefinitions';

/** The resource types a CRD serves, one per served version. */
export function crdResourceTypes(crd: KObject): ResourceType[] {
  const spec = crd.spec ?? {};
  const names = spec.names ?? {};
  return (spec.versions ?? [])
    .filter((v: Json) => v.served !== false)
    .map((v: Json): ResourceType => {
      const subresources: Subresource[] = [];
      if (v.subresources?.status) subresources.push('status');
      if (v.subresources?.scale) subresources.push('scale');
      const compiled = compileCrd(crd, v.name);
      return {
        group: spec.group,
        version: v.name,
        plural: names.plural,
        singular: names.singular ?? names.kind.toLowerCase(),
        kind: names.kind,
        namespaced: spec.scope !== 'Cluster',
        shortNames: names.shortNames ?? [],
        categories: names.categories,
        subresources,
        verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
        fieldSelectors: (v.selectableFields ?? []).map((f: Json) => String(f.jsonPath).replace(/^\./, '')),
        scale: v.subresources?.scale,
        schema: {
          validate: (o, old) => compiled.validate(o, old),
          applyDefaults: (o) => compiled.applyDefaults(o),
        },
        custom: true,
        openAPIV3Schema: v.schema?.openAPIV3Schema,
        printerColumns: v.additionalPrinterColumns,
      };
    });
}

export const crdStrategy: Strategy = {
  prepareCreate(crd) {
    crd.status = { conditions: [], acceptedNames: crd.spec?.names ?? {}, storedVersions: [] };
  },
  validateCreate(crd): FieldError[] {
    const spec = crd.spec ?? {};
    const errors: FieldError[] = [];
    if (!spec.group)
      errors.push({ field: 'spec.group', reason: CauseReason.Required, message: 'Required value' });
    if (!spec.names?.plural || !spec.names?.kind) {
      errors.push({
        field: 'spec.names',
        reason: CauseReason.Required,
        message: 'Required value: plural and kind',
      });
    }
    if (crd.metadata.name !== `${spec.names?.plural}.${spec.group}`) {
      errors.push({
        field: 'metadata.name',
        reason: CauseReason.Invalid,
        message: `Invalid value: "${crd.metadata.name}": must be spec.names.plural+"."+spec.group`,
      });
    }
    if (errors.length > 0) return errors;
    try {
      crdResourceTypes(crd);
    } catch (err) {
      errors.push({
        field: 'spec.versions',
        reason: CauseReason.Invalid,
        message: `Invalid value: ${(err as Error).message}`,
      });
    }
    return errors;
  },
};

/** Registers/unregisters served resources as CRD objects come and go. */
export class CrdInstaller {
  private readonly api: ObjectApi;
  private readonly registry: Registry;
  private readonly log: Logger;
  private readonly onChange = (ev: StoreEvent) => this.observe(ev);

  constructor(api: ObjectApi, log: Logger) {
    this.api = api;
    this.registry = api.registry;
    this.log = log;
  }

  start(): void {
    this.api.store.on('change', this.onChange);
  }

  stop(): void {
    this.api.store.off('change', this.onChange);
  }

  private observe(ev: StoreEvent): void {
    if (ev.resource !== CRD_KEY) return;
    const crd = ev.object;
    if (ev.type === 'DELETED') {
      const types = crdResourceTypes(crd);
      this.registry.remove(crd.spec.group, crd.spec.names.plural);
      for (const t of types.slice(0, 1)) {
        for (const o of this.api.store.list(storageKey(t)))
          this.api.store.remove(storageKey(t), o.metadata.namespace, o.metadata.name!);
      }
      this.log.info({ crd: crd.metadata.name }, 'custom resource removed');
      return;
    }
    this.registry.remove(crd.spec.group, crd.spec.names.plural);
    for (const t of crdResourceTypes(crd)) this.registry.add(t);
    if (ev.type === 'ADDED') {
      this.log.info(
        { crd: crd.metadata.name, versions: crdResourceTypes(crd).map((t) => t.version) },
        'custom resource served',
      );
      setImmediate(() => this.markEstablished(crd.metadata.name!));
    }
  }

  private markEstablished(name: string): void {
    const t = this.registry.byPlural('apiextensions.k8s.io', 'customresourcedefinitions');
    const crd = this.api.tryGet(t, undefined, name);
    if (!crd) return;
    const next = clone(crd);
    const now = nowTimestamp();
    next.status = {
      ...crd.status,
      conditions: [
        {
          type: 'NamesAccepted',
          status: 'True',
          reason: 'NoConflicts',
          message: 'no conflicts found',
          lastTransitionTime: now,
        },
        {
          type: 'Established',
          status: 'True',
          reason: 'InitialNamesAccepted',
          message: 'the initial names have been accepted',
          lastTransitionTime: now,
        },
      ],
      storedVersions: (crd.spec.versions ?? []).filter((v: Json) => v.storage).map((v: Json) => v.name),
    };
    this.api.update(t, next, 'status');
  }
}

/** Read every CustomResourceDefinition document in `dir` (*.yaml, *.yml). */
export async function readCrdDir(dir: string): Promise<KObject[]> {
  const files = (await readdir(dir)).filter((f) => /\.ya?ml$/.test(f)).sort();
  const out: KObject[] = [];
  for (const f of files) {
    const text = await readFile(join(dir, f), 'utf8');
    for (const doc of parseAllDocuments(text)) {
      const obj = doc.toJS() as KObject | null;
      if (obj?.kind === 'CustomResourceDefinition') out.push(obj);
    }
  }
  return out;
}
