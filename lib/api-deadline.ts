// Every Kubernetes API request made through a client of lib/kube.ts gets a deadline (logged when it
// expires) and honours the server's Retry-After on 429 for the object it names. It sits in the
// client's HTTP library, so every call — hub, agent, informer lists — has it; watches keep their
// own inactivity timeout (client-node Watch) and the informer's staleness watchdog.
import * as k8s from '@kubernetes/client-node';
import { reuseDispatchers } from './kube-dispatcher.ts';
import type { Logger } from './log.ts';

/** One API request, as a log line and the throttle gate name it. */
export interface ApiCall {
  /** get, list, watch, create, update, patch, delete, deletecollection. */
  verb: string;
  /** Plural resource, e.g. `pods`, `deployments`, `servicelevelagreements`. */
  resource: string;
  group: string;
  subresource?: string;
  namespace?: string;
  name?: string;
}

export interface ApiDeadlineOptions {
  /** Deadline of a request on one object (get, create, update, patch, delete), ms. */
  requestTimeoutMs: number;
  /** Deadline of a collection read (list), ms. */
  listTimeoutMs: number;
  log: Logger;
  now?: () => number;
  /** Called when a request's deadline expired (for a metric). */
  onTimeout?: (call: ApiCall, elapsedMs: number) => void;
  /** Called when the server answered 429 (for a metric). */
  onThrottled?: (call: ApiCall, retryAfterMs: number) => void;
}

/** A request that did not complete within its deadline. */
export class ApiTimeoutError extends Error {
  override name = 'ApiTimeoutError';
  readonly call: ApiCall;
  readonly timeoutMs: number;
  constructor(call: ApiCall, timeoutMs: number, cause: unknown) {
    super(`${callText(call)}: no answer from the API server within ${timeoutMs} ms`, { cause });
    this.call = call;
    this.timeoutMs = timeoutMs;
  }
}

/**
 * A request refused without being sent: the server answered 429 for this object and its
 * Retry-After has not passed. `code` is 429 so callers treat it like the server's own answer.
 */
export class ApiThrottledError extends Error {
  override name = 'ApiThrottledError';
  readonly code = 429;
  readonly call: ApiCall;
  /** How long until the object may be written again, ms. */
  readonly retryAfterMs: number;
  constructor(call: ApiCall, retryAfterMs: number) {
    super(`${callText(call)}: held for ${Math.ceil(retryAfterMs)} ms more (API server asked to retry later)`);
    this.call = call;
    this.retryAfterMs = retryAfterMs;
  }
}

function callText(c: ApiCall): string {
  const what = [c.namespace, c.name].filter(Boolean).join('/');
  return `${c.verb} ${c.resource}${c.subresource ? `/${c.subresource}` : ''}${what ? ` ${what}` : ''}`;
}

const VERBS: Record<string, [named: string, collection: string]> = {
  GET: ['get', 'list'],
  POST: ['create', 'create'],
  PUT: ['update', 'update'],
  PATCH: ['patch', 'patch'],
  DELETE: ['delete', 'deletecollection'],
};

/** The verb and object of a request URL (`/api/v1/namespaces/ns/pods/name/resize`). Pure. */
export function describeApiCall(method: string, url: string): ApiCall {
  const u = new URL(url, 'http://localhost');
  const parts = u.pathname.split('/').filter(Boolean);
  let rest: string[];
  let group = '';
  if (parts[0] === 'api') rest = parts.slice(2);
  else if (parts[0] === 'apis') {
    group = parts[1] ?? '';
    rest = parts.slice(3);
  } else rest = parts;
  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const [resource = '', name, subresource] = rest;
  const [named, collection] = VERBS[method.toUpperCase()] ?? [method.toLowerCase(), method.toLowerCase()];
  const verb = name ? named : u.searchParams.get('watch') === 'true' ? 'watch' : collection;
  return {
    verb,
    resource,
    group,
    ...(subresource ? { subresource } : {}),
    ...(namespace ? { namespace } : {}),
    ...(name ? { name } : {}),
  };
}

/** What a 429 holds back: the object (with its subresource), or the collection for creates. */
export function throttleKey(c: ApiCall): string {
  return `${c.group}/${c.resource}/${c.namespace ?? ''}/${c.name ?? ''}/${c.subresource ?? ''}`;
}

/** Retry-After in ms: delta-seconds or an HTTP date; 1 s when absent or unreadable. */
export function retryAfterMs(header: string | undefined, nowMs: number): number {
  if (header === undefined || header.trim() === '') return 1000;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(header);
  return Number.isNaN(at) ? 1000 : Math.max(0, at - nowMs);
}

/** The HTTP library of a kube client: deadline per request, Retry-After per object. */
export class DeadlineHttpLibrary implements k8s.PromiseHttpLibrary {
  readonly #inner = new k8s.IsomorphicFetchHttpLibrary();
  readonly #o: ApiDeadlineOptions;
  readonly #now: () => number;
  /** Throttle key → time (ms) before which requests to it are not sent. */
  readonly #heldUntil = new Map<string, number>();

  constructor(options: ApiDeadlineOptions) {
    this.#o = options;
    this.#now = options.now ?? Date.now;
  }

  async send(request: k8s.RequestContext): Promise<k8s.ResponseContext> {
    const call = describeApiCall(request.getHttpMethod(), request.getUrl());
    const key = throttleKey(call);
    const startedMs = this.#now();
    const heldUntil = this.#heldUntil.get(key);
    if (heldUntil !== undefined) {
      if (startedMs < heldUntil) throw new ApiThrottledError(call, heldUntil - startedMs);
      this.#heldUntil.delete(key);
    }
    const timeoutMs = call.verb === 'list' ? this.#o.listTimeoutMs : this.#o.requestTimeoutMs;
    const deadline = AbortSignal.timeout(timeoutMs);
    const given = request.getSignal();
    request.setSignal(given ? AbortSignal.any([given, deadline]) : deadline);
    let response: k8s.ResponseContext;
    let text: string;
    try {
      response = await this.#inner.send(request).toPromise();
      // Read the body within the deadline too: a server that stalls mid-body is as hung as one that never answers.
      text = await response.body.text();
    } catch (err) {
      if (!deadline.aborted) throw err;
      const elapsedMs = this.#now() - startedMs;
      this.#o.log.warn(
        { ...call, elapsedMs, deadlineMs: timeoutMs },
        'Kubernetes API call timed out; abandoned',
      );
      this.#o.onTimeout?.(call, elapsedMs);
      throw new ApiTimeoutError(call, timeoutMs, err);
    }
    if (response.httpStatusCode === 429) {
      const waitMs = retryAfterMs(response.headers['retry-after'], this.#now());
      if (this.#heldUntil.size >= 1000) this.#prune();
      this.#heldUntil.set(key, Math.max(this.#heldUntil.get(key) ?? 0, this.#now() + waitMs));
      this.#o.log.warn(
        { ...call, retryAfterMs: waitMs },
        'Kubernetes API server throttled the call; requests to this object wait for Retry-After',
      );
      this.#o.onThrottled?.(call, waitMs);
    }
    const buffered = Buffer.from(text, 'utf8');
    return new k8s.ResponseContext(response.httpStatusCode, response.headers, {
      text: async () => text,
      binary: async () => buffered,
      stream: () => null,
    });
  }

  /** Drops throttle entries that have passed, so objects never requested again do not pile up. */
  #prune(): void {
    const nowMs = this.#now();
    for (const [key, until] of this.#heldUntil) if (until <= nowMs) this.#heldUntil.delete(key);
  }
}

/** A KubeConfig whose API clients send through a DeadlineHttpLibrary. */
class DeadlineKubeConfig extends k8s.KubeConfig {
  readonly http: DeadlineHttpLibrary;
  readonly #wrapped: k8s.HttpLibrary;

  constructor(http: DeadlineHttpLibrary) {
    super();
    this.http = http;
    this.#wrapped = k8s.wrapHttpLibrary(http);
    reuseDispatchers(this);
  }

  override makeApiClient<T extends k8s.ApiType>(apiClientType: k8s.ApiConstructor<T>): T {
    const cluster = this.getCurrentCluster();
    if (!cluster) throw new Error('No active cluster: check the kubeconfig or --kube-server');
    const config = k8s.createConfiguration({
      baseServer: new k8s.ServerConfiguration(cluster.server, {}),
      authMethods: { default: this },
      httpApi: this.#wrapped,
      middleware: [k8s.setHeaderMiddleware('User-Agent', 'kosmos')],
    });
    return new apiClientType(config);
  }
}

/**
 * The same cluster, user and context as `kc`, with every API client it makes bounded by the
 * deadlines of `options` and honouring Retry-After. Watches (k8s.Watch) are not affected.
 */
export function withApiDeadlines(kc: k8s.KubeConfig, options: ApiDeadlineOptions): k8s.KubeConfig {
  const out = new DeadlineKubeConfig(new DeadlineHttpLibrary(options));
  out.loadFromOptions({
    clusters: kc.clusters,
    users: kc.users,
    contexts: kc.contexts,
    currentContext: kc.currentContext,
  });
  return out;
}

/** Deadline options from the --kube-timeout / --kube-list-timeout values, counting failures with `count`. */
export function apiDeadlineOptions(
  config: { kubeTimeoutMs: number; kubeListTimeoutMs: number },
  log: Logger,
  count: (call: ApiCall, reason: 'timeout' | 'throttled') => void,
): ApiDeadlineOptions {
  return {
    requestTimeoutMs: config.kubeTimeoutMs,
    listTimeoutMs: config.kubeListTimeoutMs,
    log,
    onTimeout: (call) => count(call, 'timeout'),
    onThrottled: (call) => count(call, 'throttled'),
  };
}
