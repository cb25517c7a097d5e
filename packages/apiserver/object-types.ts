// Shapes shared across the API server: stored objects are schemaless JSON checked at runtime.

// biome-ignore lint/suspicious/noExplicitAny: API objects are schemaless JSON, checked at runtime
export type Json = any;

export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  finalizers?: string[];
  ownerReferences?: OwnerReference[];
  managedFields?: Json[];
  [key: string]: unknown;
}

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export interface KObject {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  spec?: Json;
  status?: Json;
  [key: string]: Json;
}

/** A validation failure of one field (the shape crd/crd-validation.ts returns). */
export interface FieldError {
  field: string;
  message: string;
  reason: string;
}

export function clone<T>(v: T): T {
  return structuredClone(v);
}

/** RFC 3339 with second precision, as metav1.Time serializes. */
export function nowTimestamp(now: Date = new Date()): string {
  return now.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
