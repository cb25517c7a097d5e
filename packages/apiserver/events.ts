// Events: one store for core/v1 and events.k8s.io/v1 (objects are kept in the core/v1 shape and
// converted for the newer API, field by field as kube-apiserver's conversion), the selectable
// fields of both, and the validation of pkg/apis/core/validation/events.go.
import { isDeepStrictEqual } from 'node:util';
import { CauseReason } from './errors.ts';
import type { FieldError, Json, KObject } from './object-types.ts';
import type { Strategy } from './objects.ts';
import type { ResourceType } from './registry.ts';
import { isDns1123Subdomain, qualifiedNameErrors } from './validation.ts';

/** events.k8s.io/v1 field ↔ core/v1 field, for fields renamed between the two APIs. */
const RENAMED: [eventsV1: string, core: string][] = [
  ['regarding', 'involvedObject'],
  ['note', 'message'],
  ['reportingController', 'reportingComponent'],
  ['deprecatedSource', 'source'],
  ['deprecatedFirstTimestamp', 'firstTimestamp'],
  ['deprecatedLastTimestamp', 'lastTimestamp'],
  ['deprecatedCount', 'count'],
];

function rename(obj: KObject, pairs: [from: string, to: string][]): KObject {
  const out: KObject = { ...obj };
  for (const [from] of pairs) delete out[from];
  for (const [from, to] of pairs) {
    delete out[to];
    if (obj[from] !== undefined) out[to] = obj[from];
  }
  return out;
}

/** events.k8s.io/v1 Event → the stored core/v1 shape. */
export function eventToCore(event: KObject): KObject {
  return rename(event, RENAMED);
}

/** Stored core/v1 Event → events.k8s.io/v1. */
export function eventFromCore(core: KObject): KObject {
  return rename(
    core,
    RENAMED.map(([v1, c]) => [c, v1]),
  );
}

/** Field selectors of events.k8s.io/v1, mapped onto the stored core/v1 fields (AddFieldLabelConversionsForEvent). */
export const EVENTS_V1_FIELD_LABELS: Record<string, string> = {
  reason: 'reason',
  'regarding.kind': 'involvedObject.kind',
  'regarding.namespace': 'involvedObject.namespace',
  'regarding.name': 'involvedObject.name',
  'regarding.uid': 'involvedObject.uid',
  'regarding.apiVersion': 'involvedObject.apiVersion',
  'regarding.resourceVersion': 'involvedObject.resourceVersion',
  'regarding.fieldPath': 'involvedObject.fieldPath',
  reportingController: 'reportingComponent',
  source: 'source',
  type: 'type',
};

/** Field selectors of core/v1 Events. */
export const CORE_EVENT_FIELD_LABELS = [
  'involvedObject.kind',
  'involvedObject.namespace',
  'involvedObject.name',
  'involvedObject.uid',
  'involvedObject.apiVersion',
  'involvedObject.resourceVersion',
  'involvedObject.fieldPath',
  'reason',
  'reportingComponent',
  'source',
  'type',
];

/** The value a field selector compares (ToSelectableFields: `source` falls back to the reporting controller). */
export function eventFieldValue(core: KObject, field: string): string | undefined {
  if (field === 'source') return String(core.source?.component || core.reportingComponent || '');
  return undefined;
}

const REPORTING_INSTANCE_MAX = 128;
const ACTION_MAX = 128;
const REASON_MAX = 128;
const NOTE_MAX = 1024;

const required = (field: string): FieldError => ({
  field,
  reason: CauseReason.Required,
  message: 'Required value',
});

function invalid(field: string, value: unknown, detail: string): FieldError {
  return {
    field,
    reason: CauseReason.Invalid,
    message: `Invalid value: ${JSON.stringify(value ?? '')}: ${detail}`,
  };
}

function tooLong(field: string, value: string | undefined, max: number): FieldError[] {
  return (value ?? '').length > max ? [invalid(field, '', `can have at most ${max} characters`)] : [];
}

/** legacyValidateEvent: every event, whichever API wrote it. */
function legacyErrors(e: Json): FieldError[] {
  const errors: FieldError[] = [];
  const namespace: string = e.metadata?.namespace ?? '';
  const involvedNs: string = e.involvedObject?.namespace ?? '';
  const mismatch = () => invalid('involvedObject.namespace', involvedNs, 'does not match event.namespace');
  if (!e.eventTime) {
    if (involvedNs === '' ? namespace !== '' && namespace !== 'default' : namespace !== involvedNs) {
      errors.push(mismatch());
    }
  } else {
    if (involvedNs === '' && namespace !== 'default' && namespace !== 'kube-system') errors.push(mismatch());
    const controller: string = e.reportingComponent ?? '';
    if (controller === '') errors.push(required('reportingController'));
    for (const msg of qualifiedNameErrors(controller))
      errors.push(invalid('reportingController', controller, msg));
    if (!e.reportingInstance) errors.push(required('reportingInstance'));
    errors.push(...tooLong('reportingInstance', e.reportingInstance, REPORTING_INSTANCE_MAX));
    if (!e.action) errors.push(required('action'));
    errors.push(...tooLong('action', e.action, ACTION_MAX));
    if (!e.reason) errors.push(required('reason'));
    errors.push(...tooLong('reason', e.reason, REASON_MAX));
    errors.push(...tooLong('message', e.message, NOTE_MAX));
  }
  if (!isDns1123Subdomain(namespace)) {
    errors.push(
      invalid(
        'namespace',
        namespace,
        'a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters',
      ),
    );
  }
  return errors;
}

function seriesErrors(e: Json): FieldError[] {
  if (!e.series) return [];
  const errors: FieldError[] = [];
  if (!(Number(e.series.count) >= 2)) errors.push(invalid('series.count', '', 'should be at least 2'));
  if (!e.series.lastObservedTime) errors.push(required('series.lastObservedTime'));
  return errors;
}

/** The API the request came through is strict for events.k8s.io/v1 and newer, lenient for core/v1. */
function strict(requestType: ResourceType | undefined): boolean {
  return requestType?.group === 'events.k8s.io';
}

export function validateEventCreate(e: Json, requestType?: ResourceType): FieldError[] {
  const errors = legacyErrors(e);
  if (!strict(requestType)) return errors;
  errors.push(...seriesErrors(e));
  if (!e.eventTime) errors.push(required('eventTime'));
  if (e.type !== 'Normal' && e.type !== 'Warning')
    errors.push(invalid('type', '', `has invalid value: ${e.type ?? ''}`));
  if (e.firstTimestamp) errors.push(invalid('firstTimestamp', '', 'needs to be unset'));
  if (e.lastTimestamp) errors.push(invalid('lastTimestamp', '', 'needs to be unset'));
  if (e.count) errors.push(invalid('count', '', 'needs to be unset'));
  if (e.source?.component || e.source?.host) errors.push(invalid('source', '', 'needs to be unset'));
  return errors;
}

const IMMUTABLE_THROUGH_EVENTS_V1 = [
  'involvedObject',
  'reason',
  'message',
  'source',
  'firstTimestamp',
  'lastTimestamp',
  'count',
  'type',
  'eventTime',
  'action',
  'related',
  'reportingComponent',
  'reportingInstance',
];

export function validateEventUpdate(e: Json, old: Json, requestType?: ResourceType): FieldError[] {
  const errors = legacyErrors(e);
  if (!strict(requestType)) return errors;
  if (!isDeepStrictEqual(e.series, old.series)) errors.push(...seriesErrors(e));
  for (const field of IMMUTABLE_THROUGH_EVENTS_V1) {
    if (!isDeepStrictEqual(e[field] ?? null, old[field] ?? null)) {
      errors.push(
        invalid(
          field === 'reportingComponent' ? 'reportingController' : field,
          e[field],
          'field is immutable',
        ),
      );
    }
  }
  return errors;
}

export const eventStrategy: Strategy = {
  validateCreate: validateEventCreate,
  validateUpdate: (e, old, _target, requestType) => validateEventUpdate(e, old, requestType),
};
