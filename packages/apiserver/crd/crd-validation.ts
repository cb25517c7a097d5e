// Validates custom objects against a CRD version the way the API server does: prune unknown
// fields, apply defaults, check the structural schema, then evaluate x-kubernetes-validations.
import { celEnv, isCelError, parse, plan } from '@bufbuild/cel';
import { Ajv, type ErrorObject } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { kubernetesCelFunctions } from './cel-library.ts';
import {
  applySchemaDefaults,
  childPath,
  correlateListItem,
  indexPath,
  isObject,
  type JSONSchemaProps,
  pruneUnknown,
  toCelValue,
  type ValidationRule,
} from './crd-schema.ts';

export type { JSONSchemaProps, ValidationRule };

export type FieldErrorReason =
  | 'FieldValueRequired'
  | 'FieldValueInvalid'
  | 'FieldValueNotSupported'
  | 'FieldValueTypeInvalid'
  | 'FieldValueForbidden'
  | 'FieldValueDuplicate'
  | 'FieldValueTooLong'
  | 'FieldValueTooMany';

/**
 * One rejected field. `field` is a Kubernetes field path (`spec.resources.min.cpu`, '' for the
 * object); `message` is the API server's error body ("Required value", "Invalid value: ...");
 * `${field}: ${message}` is the line the API server prints. `detail` is the bare explanation.
 */
export interface FieldError {
  field: string;
  message: string;
  reason: FieldErrorReason;
  detail?: string;
}

export interface CompiledCrd {
  /** The version's openAPIV3Schema. */
  readonly schema: JSONSchemaProps;
  /** Schema and CEL errors of an object (oldObj given on update: transition rules run). */
  validate(obj: unknown, oldObj?: unknown): FieldError[];
  /** Prunes unknown fields, drops disallowed nulls and applies schema defaults, in place. */
  applyDefaults(obj: unknown): void;
  /** Prunes unknown fields only, in place. */
  prune(obj: unknown): void;
}

/** Thrown when a CRD (or a rule in it) cannot be compiled. */
export class CrdCompileError extends Error {
  override name = 'CrdCompileError';
}

const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ??
  addFormatsModule) as unknown as (ajv: Ajv) => void;

// Schema errors after which the API server does not run CEL rules (their inputs are unusable).
const BLOCKING = new Set<FieldErrorReason>([
  'FieldValueNotSupported',
  'FieldValueRequired',
  'FieldValueTooLong',
  'FieldValueTooMany',
  'FieldValueTypeInvalid',
]);
const BLOCKED_MESSAGE =
  'some validation rules were not checked because the object was invalid; correct the existing errors to complete validation';

function quote(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (v === null || v === undefined) return 'null';
  if (Array.isArray(v)) return '"array"';
  if (typeof v === 'object') return '"object"';
  return String(v);
}

function jsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

export function invalid(field: string, value: unknown, detail: string): FieldError {
  return { field, reason: 'FieldValueInvalid', message: `Invalid value: ${quote(value)}: ${detail}`, detail };
}

function crdVersionSchema(crd: object, version: string): JSONSchemaProps {
  const spec = (crd as { spec?: { versions?: unknown[]; validation?: unknown } }).spec;
  const v = spec?.versions?.find((x) => isObject(x) && x['name'] === version) as
    | { schema?: { openAPIV3Schema?: JSONSchemaProps } }
    | undefined;
  if (!v) throw new CrdCompileError(`CRD has no version ${JSON.stringify(version)}`);
  const schema = v.schema?.openAPIV3Schema;
  if (!isObject(schema)) throw new CrdCompileError(`CRD version ${version} has no openAPIV3Schema`);
  return schema;
}

/** A copy for ajv: int-or-string nodes lose their `anyOf` of plain types (our keyword checks it). */
function ajvSchema(schema: JSONSchemaProps): unknown {
  const walk = (s: unknown): unknown => {
    if (Array.isArray(s)) return s.map(walk);
    if (!isObject(s)) return s;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(s)) {
      if (k === 'x-kubernetes-validations' || k === 'default') continue;
      out[k] = k === 'enum' ? v : walk(v);
    }
    if (s['x-kubernetes-int-or-string'] === true && Array.isArray(s['anyOf'])) delete out['anyOf'];
    return out;
  };
  return walk(schema);
}

function pointerToPath(pointer: string, root: unknown): string {
  let path = '';
  let node: unknown = root;
  for (const raw of pointer.split('/').slice(1)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(node)) {
      path = indexPath(path, Number(key));
      node = node[Number(key)];
    } else {
      path = childPath(path, key);
      node = isObject(node) ? node[key] : undefined;
    }
  }
  return path;
}

function mapAjvError(e: ErrorObject, root: unknown): FieldError | undefined {
  const at = pointerToPath(e.instancePath, root);
  const shown = at === '' ? 'body' : at;
  switch (e.keyword) {
    case 'required': {
      const missing = (e.params as { missingProperty: string }).missingProperty;
      return { field: childPath(at, missing), reason: 'FieldValueRequired', message: 'Required value' };
    }
    case 'type':
    case 'x-kubernetes-int-or-string': {
      const want = e.keyword === 'type' ? String((e.params as { type: unknown }).type) : 'integer or string';
      const detail = `${shown} in body must be of type ${want}: "${jsonType(e.data)}"`;
      return {
        field: at,
        reason: 'FieldValueTypeInvalid',
        message: `Invalid value: "${jsonType(e.data)}": ${detail}`,
        detail,
      };
    }
    case 'enum': {
      const allowed = ((e.params as { allowedValues: unknown[] }).allowedValues ?? []).map(quote).join(', ');
      const detail = `supported values: ${allowed}`;
      return {
        field: at,
        reason: 'FieldValueNotSupported',
        message: `Unsupported value: ${quote(e.data)}: ${detail}`,
        detail,
      };
    }
    case 'pattern':
      return invalid(
        at,
        e.data,
        `${shown} in body should match '${(e.params as { pattern: string }).pattern}'`,
      );
    case 'maxLength':
    case 'maxItems':
    case 'maxProperties':
      return {
        field: at,
        reason: e.keyword === 'maxLength' ? 'FieldValueTooLong' : 'FieldValueTooMany',
        message: `Too long: ${e.message ?? 'too long'}`,
        detail: `${shown} ${e.message}`,
      };
    case 'anyOf':
    case 'oneOf':
    case 'if':
      return invalid(at, e.data, `${shown} ${e.message}`);
    default:
      return invalid(at, e.data, `${shown} in body ${e.message}`);
  }
}

interface CompiledRule {
  source: ValidationRule;
  usesOldSelf: boolean;
  evalRule: (bindings: Record<string, unknown>) => unknown;
  evalMessage?: (bindings: Record<string, unknown>) => unknown;
}

const env = celEnv({ funcs: kubernetesCelFunctions });

function compileExpr(expr: string, where: string): (bindings: Record<string, unknown>) => unknown {
  try {
    const run = plan(env, parse(expr)) as (ctx?: Record<string, unknown>) => unknown;
    return (bindings) => run(bindings as never);
  } catch (err) {
    throw new CrdCompileError(`${where}: compilation failed for ${JSON.stringify(expr)}: ${String(err)}`);
  }
}

function compileRules(schema: JSONSchemaProps, path: string, cache: Map<ValidationRule, CompiledRule>): void {
  for (const [i, rule] of (schema['x-kubernetes-validations'] ?? []).entries()) {
    const where = `${path || '<root>'}.x-kubernetes-validations[${i}]`;
    if (typeof rule?.rule !== 'string') throw new CrdCompileError(`${where}: rule must be a string`);
    cache.set(rule, {
      source: rule,
      usesOldSelf: /\boldSelf\b/.test(rule.rule),
      evalRule: compileExpr(rule.rule, where),
      evalMessage: rule.messageExpression ? compileExpr(rule.messageExpression, where) : undefined,
    });
  }
  for (const [k, p] of Object.entries(schema.properties ?? {})) compileRules(p, childPath(path, k), cache);
  if (schema.items) compileRules(schema.items, `${path}[*]`, cache);
  if (isObject(schema.additionalProperties)) {
    compileRules(schema.additionalProperties as JSONSchemaProps, `${path}[*]`, cache);
  }
}

function ruleField(path: string, fieldPath: string | undefined): string {
  if (!fieldPath) return path;
  const rel = fieldPath.startsWith('.') ? fieldPath.slice(1) : fieldPath;
  if (path === '') return rel;
  return rel.startsWith('[') ? `${path}${rel}` : `${path}.${rel}`;
}

const REASONS: Record<string, FieldErrorReason> = {
  FieldValueRequired: 'FieldValueRequired',
  FieldValueForbidden: 'FieldValueForbidden',
  FieldValueDuplicate: 'FieldValueDuplicate',
  FieldValueInvalid: 'FieldValueInvalid',
};

function evaluateRule(
  rule: CompiledRule,
  schema: JSONSchemaProps,
  path: string,
  bindings: Record<string, unknown>,
) {
  const result = rule.evalRule(bindings);
  const typeName = schema.type ?? (schema['x-kubernetes-int-or-string'] ? 'integer-or-string' : 'object');
  if (isCelError(result)) return invalid(path, typeName, `rule evaluation error: ${result.message}`);
  if (result === true) return undefined;
  if (result !== false)
    return invalid(path, typeName, `rule did not evaluate to a bool: ${rule.source.rule}`);
  let detail = rule.source.message ?? `failed rule: ${rule.source.rule}`;
  if (rule.evalMessage) {
    const msg = rule.evalMessage(bindings);
    if (typeof msg === 'string' && msg.trim() !== '' && !msg.includes('\n')) detail = msg;
  }
  const field = ruleField(path, rule.source.fieldPath);
  const reason = REASONS[rule.source.reason ?? 'FieldValueInvalid'] ?? 'FieldValueInvalid';
  if (reason === 'FieldValueRequired') return { field, reason, message: `Required value: ${detail}`, detail };
  if (reason === 'FieldValueForbidden') return { field, reason, message: `Forbidden: ${detail}`, detail };
  if (reason === 'FieldValueDuplicate')
    return { field, reason, message: `Duplicate value: ${detail}`, detail };
  return { field, reason, message: `Invalid value: "${typeName}": ${detail}`, detail };
}

/** Compiles one version of a CRD into a validator; throws CrdCompileError on a bad schema or rule. */
export function compileCrd(crd: object, version: string): CompiledCrd {
  const schema = crdVersionSchema(crd, version);
  const ajv = new Ajv({ strict: false, allErrors: true, verbose: true, logger: false });
  addFormats(ajv);
  ajv.addKeyword({
    keyword: 'x-kubernetes-int-or-string',
    schemaType: 'boolean',
    validate: (enabled: boolean, data: unknown) =>
      !enabled || Number.isInteger(data) || typeof data === 'string',
  });
  let check: ReturnType<Ajv['compile']>;
  try {
    check = ajv.compile(ajvSchema(schema) as object);
  } catch (err) {
    throw new CrdCompileError(`CRD version ${version}: invalid openAPIV3Schema: ${String(err)}`);
  }
  const rules = new Map<ValidationRule, CompiledRule>();
  compileRules(schema, '', rules);

  const celErrors = (
    s: JSONSchemaProps,
    value: unknown,
    old: { found: boolean; old?: unknown },
    path: string,
  ) => {
    const out: FieldError[] = [];
    const walk = (
      node: JSONSchemaProps,
      v: unknown,
      o: { found: boolean; old?: unknown },
      at: string,
    ): void => {
      if (v === undefined || v === null) return;
      for (const raw of node['x-kubernetes-validations'] ?? []) {
        const rule = rules.get(raw)!;
        if (rule.usesOldSelf && !o.found) continue;
        const bindings: Record<string, unknown> = { self: toCelValue(node, v) };
        if (rule.usesOldSelf) bindings['oldSelf'] = toCelValue(node, o.old);
        const err = evaluateRule(rule, node, at, bindings);
        if (err) out.push(err);
      }
      if (Array.isArray(v) && node.items) {
        const items = node.items;
        for (const [i, item] of v.entries()) {
          walk(items, item, correlateListItem(node, item, o.old), indexPath(at, i));
        }
      } else if (isObject(v)) {
        const oldObj = o.found && isObject(o.old) ? o.old : undefined;
        const additional = isObject(node.additionalProperties)
          ? (node.additionalProperties as JSONSchemaProps)
          : undefined;
        for (const [k, child] of Object.entries(v)) {
          const childSchema = node.properties?.[k] ?? additional;
          if (!childSchema) continue;
          const childOld = oldObj && k in oldObj ? { found: true, old: oldObj[k] } : { found: false };
          walk(childSchema, child, childOld, childPath(at, k));
        }
      }
    };
    walk(s, value, old, path);
    return out;
  };

  return {
    schema,
    validate(obj, oldObj) {
      const errors: FieldError[] = [];
      if (!check(obj)) {
        const seen = new Set<string>();
        for (const e of check.errors ?? []) {
          const fe = mapAjvError(e, obj);
          const key = fe ? `${fe.field}\u0000${fe.message}` : '';
          if (fe && !seen.has(key)) {
            seen.add(key);
            errors.push(fe);
          }
        }
      }
      if (errors.some((e) => BLOCKING.has(e.reason))) {
        errors.push(invalid('', 'object', BLOCKED_MESSAGE));
        return errors;
      }
      const old = oldObj === undefined ? { found: false } : { found: true, old: oldObj };
      return [...errors, ...celErrors(schema, obj, old, '')];
    },
    applyDefaults(obj) {
      pruneUnknown(schema, obj);
      applySchemaDefaults(schema, obj);
    },
    prune(obj) {
      pruneUnknown(schema, obj);
    },
  };
}

/** The API server's one-line rendering of errors: `spec.x: Required value, spec.y: ...`. */
export function formatFieldErrors(errors: FieldError[]): string {
  return errors.map((e) => (e.field === '' ? e.message : `${e.field}: ${e.message}`)).join(', ');
}
