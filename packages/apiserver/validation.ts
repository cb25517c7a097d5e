// Object-metadata validation shared by every kind: names, labels, annotations — the checks
// (and messages) of apimachinery's ValidateObjectMeta.
import { CauseReason } from './errors.ts';
import type { FieldError, KObject } from './object-types.ts';

const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const QUALIFIED_NAME =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

export function isDns1123Subdomain(s: string): boolean {
  return s.length <= 253 && DNS1123_SUBDOMAIN.test(s);
}

export function validateObjectMeta(obj: KObject, namespaced: boolean): FieldError[] {
  const errors: FieldError[] = [];
  const { name, namespace, labels, annotations } = obj.metadata;
  if (name && !isDns1123Subdomain(name)) {
    errors.push({
      field: 'metadata.name',
      reason: CauseReason.Invalid,
      message: `Invalid value: "${name}": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character`,
    });
  }
  if (namespaced && !namespace) {
    errors.push({ field: 'metadata.namespace', reason: CauseReason.Required, message: 'Required value' });
  }
  for (const [k, v] of Object.entries(labels ?? {})) {
    if (!QUALIFIED_NAME.test(k) || k.length > 316) {
      errors.push({
        field: 'metadata.labels',
        reason: CauseReason.Invalid,
        message: `Invalid value: "${k}": name part must consist of alphanumeric characters, '-', '_' or '.'`,
      });
    }
    if (typeof v !== 'string' || v.length > 63 || !LABEL_VALUE.test(v)) {
      errors.push({
        field: 'metadata.labels',
        reason: CauseReason.Invalid,
        message: `Invalid value: "${String(v)}": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character`,
      });
    }
  }
  for (const [k, v] of Object.entries(annotations ?? {})) {
    if (!QUALIFIED_NAME.test(k)) {
      errors.push({
        field: 'metadata.annotations',
        reason: CauseReason.Invalid,
        message: `Invalid value: "${k}": name part must consist of alphanumeric characters, '-', '_' or '.'`,
      });
    }
    if (typeof v !== 'string') {
      errors.push({
        field: `metadata.annotations[${k}]`,
        reason: CauseReason.Invalid,
        message: 'Invalid value: annotation values must be strings',
      });
    }
  }
  return errors;
}

const NAME_PART = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

/** IsQualifiedName: `[prefix/]name`, the prefix a DNS subdomain, the name at most 63 characters. */
export function qualifiedNameErrors(value: string): string[] {
  const parts = value.split('/');
  if (parts.length > 2) {
    return [
      "a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character, with an optional DNS subdomain prefix and '/'",
    ];
  }
  const errors: string[] = [];
  const name = parts.at(-1)!;
  if (parts.length === 2) {
    const prefix = parts[0]!;
    if (prefix.length === 0) errors.push('prefix part must be non-empty');
    else if (!isDns1123Subdomain(prefix)) {
      errors.push(
        "prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character",
      );
    }
  }
  if (name.length === 0) errors.push('name part must be non-empty');
  else if (name.length > 63) errors.push('name part must be no more than 63 characters');
  if (name.length > 0 && !NAME_PART.test(name)) {
    errors.push(
      "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
    );
  }
  return errors;
}
