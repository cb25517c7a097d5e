// kosmos's own resources checked against deploy/crds (the schema of record), so the hub and
// tests reject exactly what the API server would.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { GROUP, type PodScale, type ServiceLevelAgreement, VERSION } from '../../lib/api/types.ts';
import {
  type CompiledCrd,
  compileCrd,
  type FieldError,
} from '../../packages/apiserver/crd/crd-validation.ts';

export type { FieldError };

/** deploy/crds of this checkout (or image). */
export const DEFAULT_CRD_DIR = fileURLToPath(new URL('../../deploy/crds/', import.meta.url));

export interface CustomResourceDefinition {
  apiVersion: 'apiextensions.k8s.io/v1';
  kind: 'CustomResourceDefinition';
  metadata: { name: string; [key: string]: unknown };
  spec: {
    group: string;
    names: { kind: string; plural: string; singular?: string; shortNames?: string[]; [key: string]: unknown };
    scope: 'Namespaced' | 'Cluster';
    versions: Array<{ name: string; served: boolean; storage: boolean; [key: string]: unknown }>;
    [key: string]: unknown;
  };
}

/** Every CustomResourceDefinition in the .yaml/.yml files of a directory, sorted by file name. */
export function loadCrds(dir: string = DEFAULT_CRD_DIR): CustomResourceDefinition[] {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.yaml') || f.endsWith('.yml'))
    .sort();
  const crds: CustomResourceDefinition[] = [];
  for (const file of files) {
    for (const doc of parseAllDocuments(readFileSync(join(dir, file), 'utf8'))) {
      if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors[0]!.message}`);
      const obj = doc.toJS() as CustomResourceDefinition | null;
      if (obj?.kind === 'CustomResourceDefinition') crds.push(obj);
    }
  }
  return crds;
}

let compiled: { sla: CompiledCrd; podScale: CompiledCrd } | undefined;

/** The compiled validators of kosmos's CRDs (loaded from deploy/crds once). */
export function kosmosCrds(): { sla: CompiledCrd; podScale: CompiledCrd } {
  if (!compiled) {
    const crds = loadCrds();
    const find = (kind: string) => {
      const crd = crds.find((c) => c.spec.group === GROUP && c.spec.names.kind === kind);
      if (!crd) throw new Error(`no CRD for ${kind}.${GROUP} in ${DEFAULT_CRD_DIR}`);
      return compileCrd(crd, VERSION);
    };
    compiled = { sla: find('ServiceLevelAgreement'), podScale: find('PodScale') };
  }
  return compiled;
}

function defaulted<T>(crd: CompiledCrd, obj: T): T {
  const copy = structuredClone(obj);
  crd.applyDefaults(copy);
  return copy;
}

/** A copy of the SLA as the API server would store it: unknown fields pruned, defaults applied. */
export function withSlaDefaults(obj: ServiceLevelAgreement): ServiceLevelAgreement {
  return defaulted(kosmosCrds().sla, obj);
}

/** A copy of the PodScale as the API server would store it. */
export function withPodScaleDefaults(obj: PodScale): PodScale {
  return defaulted(kosmosCrds().podScale, obj);
}

/** What the API server would reject in this SLA (defaults applied first); [] when valid. */
export function validateSla(obj: unknown, oldObj?: unknown): FieldError[] {
  const { sla } = kosmosCrds();
  return sla.validate(defaulted(sla, obj), oldObj === undefined ? undefined : defaulted(sla, oldObj));
}

/** What the API server would reject in this PodScale (defaults applied first); [] when valid. */
export function validatePodScale(obj: unknown, oldObj?: unknown): FieldError[] {
  const { podScale } = kosmosCrds();
  return podScale.validate(
    defaulted(podScale, obj),
    oldObj === undefined ? undefined : defaulted(podScale, oldObj),
  );
}
