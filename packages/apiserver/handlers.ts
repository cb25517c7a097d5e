// Verb handlers for resource routes: list (selectors, limit/continue), get, create, update,
// patch, delete, deletecollection, plus dispatch to subresources and watch.
import type { ServerResponse } from 'node:http';
import { isDeepStrictEqual } from 'node:util';
import type { UserInfo } from './auth.ts';
import { checkFields, checkKind, parseBody } from './decode.ts';
import { ApiError, badRequest, methodNotAllowed } from './errors.ts';
import { recordUpdate, serverSideApply, type Writer } from './managed-fields.ts';
import { type Json, type KObject, nowTimestamp } from './object-types.ts';
import type { DeleteOptions, ObjectApi, UpdateTarget } from './objects.ts';
import { continueExpired, decodeContinue, LATEST_RV, pageOf } from './paging.ts';
import { applyPatch, PatchType, parsePatchBody, patchTypeOf } from './patch.ts';
import { apiVersionOf, type ResourceType, storageKey } from './registry.ts';
import {
  listQuery,
  parseResourceVersion,
  tooLargeResourceVersion,
  type WriteQuery,
  writeQuery,
} from './request-options.ts';
import type { Route } from './routes.ts';
import { parseFieldSelector, parseLabelSelector, type Selection } from './selectors.ts';
import { bindPod, evictPod, scaleOf, updateScale } from './subresources.ts';
import { toTable, wantsTable } from './table.ts';
import type { WatchHub } from './watch.ts';

export type ResourceRoute = Extract<Route, { kind: 'resource' }>;

export interface ApiRequest {
  route: ResourceRoute;
  query: URLSearchParams;
  body: string;
  contentType?: string;
  accept?: string;
  userAgent?: string;
  /** The raw body, for the one protobuf message decoded (kubectl auth can-i's review). */
  rawBody?: Buffer;
  user: UserInfo;
}

export interface Reply {
  code: number;
  body: unknown;
  /** Sent as `Warning: 299 - "..."` headers (unknown fields under fieldValidation=Warn). */
  warnings?: string[];
}

export interface HandlerContext {
  api: ObjectApi;
  watches: WatchHub;
  /** Answers create on virtual resources (token and access reviews), for the requesting user. */
  virtualCreate(t: ResourceType, body: KObject, user: UserInfo): Reply;
}

function selectionOf(t: ResourceType, req: ApiRequest): Selection {
  const fields = parseFieldSelector(req.query.get('fieldSelector') ?? undefined, t.fieldSelectors);
  const labels = t.storedAs?.fieldLabels;
  return {
    namespace: req.route.namespace,
    labels: parseLabelSelector(req.query.get('labelSelector') ?? undefined),
    fields: labels ? fields.map((f) => ({ ...f, field: labels[f.field] ?? f.field })) : fields,
    fieldValue: t.fieldValue,
  };
}

function list(ctx: HandlerContext, req: ApiRequest): Reply {
  const t = req.route.type;
  const q = listQuery(req.query);
  const sel = selectionOf(t, req);
  const store = ctx.api.store;
  const current = store.currentRv();
  let rv = current;
  let start: string | undefined;
  if (q.continueToken) {
    const token = decodeContinue(q.continueToken);
    if (token.rv !== LATEST_RV) {
      if (token.rv > current) throw tooLargeResourceVersion(token.rv, current);
      if (token.rv < store.oldestResumableRv(storageKey(t))) throw continueExpired(token);
      rv = token.rv;
    }
    start = token.start;
  } else if (q.resourceVersion !== undefined && q.resourceVersion !== '' && q.resourceVersion !== '0') {
    const wanted = parseResourceVersion(q.resourceVersion);
    if (wanted > current) throw tooLargeResourceVersion(wanted, current);
    // Exact when asked, and for the first page of a paged list (the API's semantics table).
    if (q.resourceVersionMatch === 'Exact' || (q.limit > 0 && q.resourceVersionMatch === undefined))
      rv = wanted;
  }
  // Every page of a paged list (and an Exact list) is read at one resourceVersion.
  const all = rv === current ? ctx.api.list(t, sel) : ctx.api.listAt(t, sel, rv);
  const selected = sel.labels.length > 0 || sel.fields.length > 0;
  const page = pageOf(all, rv, q.limit, start, selected);
  const metadata: Record<string, unknown> = { resourceVersion: String(rv) };
  if (page.continue) metadata['continue'] = page.continue;
  if (page.remainingItemCount !== undefined) metadata['remainingItemCount'] = page.remainingItemCount;
  const items = page.items;
  if (wantsTable(req.accept)) {
    const table = toTable(t, items, String(rv), t.printerColumns);
    return { code: 200, body: { ...table, metadata: { ...table.metadata, ...metadata } } };
  }
  return { code: 200, body: { kind: `${t.kind}List`, apiVersion: apiVersionOf(t), metadata, items } };
}

function targetOf(sub: string | undefined): UpdateTarget {
  if (sub === 'status') return 'status';
  if (sub === 'resize') return 'resize';
  return 'main';
}

function checkIdentity(req: ApiRequest, obj: KObject): void {
  const { name, namespace } = req.route;
  obj.metadata ??= {};
  if (obj.metadata.name && name && obj.metadata.name !== name) {
    throw badRequest(
      `the name of the object (${obj.metadata.name}) does not match the name on the URL (${name})`,
    );
  }
  if (name) obj.metadata.name = name;
  if (req.route.type.namespaced) {
    if (obj.metadata.namespace && namespace && obj.metadata.namespace !== namespace) {
      throw badRequest(
        'the namespace of the provided object does not match the namespace sent on the request',
      );
    }
    obj.metadata.namespace ??= namespace;
  }
}

/** Who writes: the fieldManager asked for, else the client's name from its User-Agent (as kube-apiserver). */
function writerOf(req: ApiRequest, q: WriteQuery): Writer {
  const t = req.route.type;
  return {
    manager: q.fieldManager ?? (req.userAgent?.split('/')[0] || 'unknown'),
    apiVersion: apiVersionOf(t),
    subresource: req.route.subresource ?? '',
    now: nowTimestamp(),
    schema: t.openAPIV3Schema,
  };
}

/** managedFields after a non-apply write from `before` to `after`. */
function ownership(req: ApiRequest, q: WriteQuery, before: KObject | undefined, after: KObject) {
  const t = req.route.type;
  // A write that sets managedFields itself (kubectl's client-side-apply upgrade) is taken as is.
  const asked = after.metadata?.managedFields;
  if (asked !== undefined && !isDeepStrictEqual(asked, before?.metadata.managedFields)) return asked;
  return recordUpdate(before, after, writerOf(req, q), t.subresources.includes('status')) as Json[];
}

/** Check the kind and the fields of a decoded body; returns the warnings to send. */
function decode(ctx: HandlerContext, req: ApiRequest, obj: KObject, q: WriteQuery): string[] {
  const t = req.route.type;
  if (req.route.subresource === 'scale') {
    checkKind(t, obj, { kind: 'Scale', apiVersion: 'autoscaling/v1' });
    return [];
  }
  checkKind(t, obj);
  return checkFields(ctx.api.registry.schemas, t, obj, q.fieldValidation);
}

function create(ctx: HandlerContext, req: ApiRequest): Reply {
  const { type: t, subresource, namespace, name } = req.route;
  const q = writeQuery('CreateOptions', req.query);
  // client-go posts built-in kinds as protobuf (the answer is JSON, which it accepts too).
  const body = parseBody(req.body, req.contentType, req.rawBody);
  if (subresource === 'binding') return { code: 201, body: bindPod(ctx.api, t, namespace!, name!, body) };
  if (subresource === 'eviction') return { code: 201, body: evictPod(ctx.api, t, namespace!, name!) };
  if (name !== undefined || subresource) throw methodNotAllowed();
  if (t.virtual) return ctx.virtualCreate(t, body, req.user);
  const warnings = decode(ctx, req, body, q);
  checkIdentity(req, body);
  const managedFields = ownership(req, q, undefined, body);
  return { code: 201, body: ctx.api.create(t, body, { dryRun: q.dryRun, managedFields }), warnings };
}

function update(ctx: HandlerContext, req: ApiRequest): Reply {
  const { type: t, subresource, namespace, name } = req.route;
  const q = writeQuery('UpdateOptions', req.query);
  const body = parseBody(req.body, req.contentType, req.rawBody);
  const warnings = decode(ctx, req, body, q);
  checkIdentity(req, body);
  const track = (before: KObject | undefined, after: KObject) => ownership(req, q, before, after);
  if (subresource === 'scale') return { code: 200, body: updateScale(ctx.api, t, namespace, body, track) };
  const existing = ctx.api.tryGet(t, namespace, name!);
  if (!subresource && t.createOnUpdate && !existing) {
    const managedFields = track(undefined, body);
    return { code: 201, body: ctx.api.create(t, body, { dryRun: q.dryRun, managedFields }), warnings };
  }
  const managedFields = existing ? track(existing, body) : undefined;
  return {
    code: 200,
    body: ctx.api.update(t, body, targetOf(subresource), { dryRun: q.dryRun, managedFields }),
    warnings,
  };
}

/** Server-side apply (application/apply-patch+yaml) to the object or its status. */
function apply(
  ctx: HandlerContext,
  req: ApiRequest,
  q: WriteQuery,
  body: Json,
  existing: KObject | undefined,
): Reply {
  const t = req.route.type;
  if (body === null || typeof body !== 'object' || Array.isArray(body))
    throw badRequest('apply configuration must be an object');
  const obj = body as KObject;
  checkKind(t, obj);
  checkIdentity(req, obj);
  const statusIsSubresource = t.subresources.includes('status');
  const { object, managedFields } = serverSideApply(
    existing,
    obj,
    writerOf(req, q),
    q.force,
    statusIsSubresource,
  );
  const warnings = decode(ctx, req, object, q);
  const opts = { dryRun: q.dryRun, managedFields: managedFields as Json[] };
  if (!existing) return { code: 201, body: ctx.api.create(t, object, opts), warnings };
  return { code: 200, body: ctx.api.update(t, object, targetOf(req.route.subresource), opts), warnings };
}

function patch(ctx: HandlerContext, req: ApiRequest): Reply {
  const { type: t, subresource, namespace, name } = req.route;
  const patchType = patchTypeOf(req.contentType);
  const q = writeQuery('PatchOptions', req.query, patchType === PatchType.Apply);
  const body: Json = parsePatchBody(patchType, req.body);
  const existing = ctx.api.tryGet(t, namespace, name!);
  const track = (before: KObject | undefined, after: KObject) => ownership(req, q, before, after);
  if (!existing) {
    if (patchType === PatchType.Apply && !subresource) return apply(ctx, req, q, body, undefined);
    ctx.api.get(t, namespace, name!);
  }
  if (subresource === 'scale') {
    const scale = applyPatch(scaleOf(t, existing!), patchType, body, true);
    return { code: 200, body: updateScale(ctx.api, t, namespace, scale, track) };
  }
  if (patchType === PatchType.Apply) return apply(ctx, req, q, body, existing);
  const patched = applyPatch(existing!, patchType, body, t.custom === true);
  if (!patched || typeof patched !== 'object') throw badRequest('patch produced a non-object');
  const warnings = decode(ctx, req, patched, q);
  checkIdentity(req, patched);
  const managedFields = track(existing, patched);
  return {
    code: 200,
    body: ctx.api.update(t, patched, targetOf(subresource), { dryRun: q.dryRun, managedFields }),
    warnings,
  };
}

function deleteOptions(req: ApiRequest): DeleteOptions {
  let body: Json = {};
  if (req.body) {
    try {
      body = JSON.parse(req.body);
    } catch {
      throw badRequest('error decoding DeleteOptions');
    }
  }
  const policy =
    req.query.get('propagationPolicy') ??
    body.propagationPolicy ??
    (body.orphanDependents === true ? 'Orphan' : undefined);
  const q = writeQuery('DeleteOptions', req.query);
  return {
    propagationPolicy: policy,
    preconditions: body.preconditions,
    dryRun: q.dryRun || (Array.isArray(body.dryRun) && body.dryRun.includes('All')),
    gracePeriodSeconds: numberOrUndefined(req.query.get('gracePeriodSeconds') ?? body.gracePeriodSeconds),
    orphanDependents: body.orphanDependents ?? queryBool(req.query.get('orphanDependents')),
  };
}

function queryBool(v: string | null): boolean | undefined {
  return v === null ? undefined : v === 'true';
}

function numberOrUndefined(v: unknown): number | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  const n = Number(v);
  if (!Number.isInteger(n)) throw badRequest(`invalid gracePeriodSeconds: ${String(v)}`);
  return n;
}

function remove(ctx: HandlerContext, req: ApiRequest): Reply {
  const { type: t, namespace, name, subresource } = req.route;
  if (subresource) throw methodNotAllowed();
  const opts = deleteOptions(req);
  const deleted = ctx.api.delete(t, namespace, name!, opts);
  // As kube-apiserver: 202 only when deletion is pending and orphanDependents=false was asked.
  const pending = deleted.metadata.deletionTimestamp && ctx.api.tryGet(t, namespace, name!);
  return { code: pending && opts.orphanDependents === false ? 202 : 200, body: deleted };
}

function removeCollection(ctx: HandlerContext, req: ApiRequest): Reply {
  const t = req.route.type;
  const opts = deleteOptions(req);
  const items = ctx.api
    .list(t, selectionOf(t, req))
    .map((o) => ctx.api.delete(t, o.metadata.namespace, o.metadata.name!, opts));
  return { code: 200, body: { kind: `${t.kind}List`, apiVersion: apiVersionOf(t), metadata: {}, items } };
}

function get(ctx: HandlerContext, req: ApiRequest): Reply {
  const { type: t, namespace, name, subresource } = req.route;
  const obj = ctx.api.get(t, namespace, name!);
  if (subresource === 'scale') return { code: 200, body: scaleOf(t, obj) };
  if (wantsTable(req.accept))
    return { code: 200, body: toTable(t, [obj], obj.metadata.resourceVersion!, t.printerColumns) };
  return { code: 200, body: obj };
}

/** Handle a resource request; returns undefined when the response was streamed (watch). */
export function handleResource(ctx: HandlerContext, req: ApiRequest, res: ServerResponse): Reply | undefined {
  const { type: t, verb } = req.route;
  if (t.virtual && verb !== 'create') throw methodNotAllowed();
  switch (verb) {
    case 'list':
      return list(ctx, req);
    case 'watch': {
      const timeout = req.query.get('timeoutSeconds');
      ctx.watches.serve(
        ctx.api,
        t,
        selectionOf(t, req),
        {
          resourceVersion: req.query.get('resourceVersion') ?? undefined,
          allowWatchBookmarks: req.query.get('allowWatchBookmarks') === 'true',
          sendInitialEvents: req.query.get('sendInitialEvents') === 'true',
          timeoutSeconds: timeout ? Number(timeout) : undefined,
          render: wantsTable(req.accept)
            ? (o) => toTable(t, [o], o.metadata.resourceVersion!, t.printerColumns)
            : undefined,
        },
        res,
      );
      return undefined;
    }
    case 'get':
      return get(ctx, req);
    case 'create':
      return create(ctx, req);
    case 'update':
      return update(ctx, req);
    case 'patch':
      return patch(ctx, req);
    case 'delete':
      return remove(ctx, req);
    case 'deletecollection':
      return removeCollection(ctx, req);
  }
  throw new ApiError(405, 'MethodNotAllowed', `verb ${verb} is not supported`);
}
