// The HTTP front: reads requests, authenticates, applies injected faults, routes to discovery or
// resource handlers and writes JSON (or Status) responses. Plain node:http on loopback.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../../lib/log.ts';
import type { TokenRegistry, UserInfo } from './auth.ts';
import { apiGroup, apiGroupList, apiResourceList, apiVersions, versionInfo } from './discovery.ts';
import { ApiError, type StatusBody } from './errors.ts';
import type { Faults, RequestInfo } from './faults.ts';
import { type HandlerContext, handleResource, type Reply } from './handlers.ts';
import type { KubernetesVersion } from './kubernetes-version.ts';
import { openApiV2, openApiV3Document, openApiV3Root } from './openapi.ts';
import type { RbacAuthorizer } from './rbac.ts';
import type { Registry } from './registry.ts';
import { resolveRoute } from './routes.ts';

export interface RequestRecord extends RequestInfo {
  code: number;
  user: string;
}

export interface HttpDeps {
  registry: Registry;
  handlers: HandlerContext;
  faults: Faults;
  tokens: TokenRegistry;
  /** Set under --authorization rbac: resource requests must be allowed by the RBAC objects held. */
  authorizer?: RbacAuthorizer;
  /** What /version reports. */
  kubernetesVersion?: KubernetesVersion;
  log: Logger;
  /** Called once per resource request with its outcome (request accounting). */
  onRequest(record: RequestRecord): void;
}

/** kube-apiserver's MaxRequestBodyBytes. */
export const MAX_REQUEST_BODY_BYTES = 3 * 1024 * 1024;

function send(res: ServerResponse, code: number, body: unknown, warnings: string[] = []): void {
  if (res.headersSent) {
    if (!res.writableEnded) res.end();
    return;
  }
  const text = JSON.stringify(body);
  const headers: Record<string, string | number> = {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-cache, private',
  };
  if (code === 429) headers['Retry-After'] = (body as StatusBody).details?.retryAfterSeconds ?? 1;
  if (warnings.length > 0)
    res.setHeader(
      'Warning',
      warnings.map((w) => `299 - ${JSON.stringify(w)}`),
    );
  res.writeHead(code, headers);
  res.end(text);
}

/** The request body; 413 above MAX_REQUEST_BODY_BYTES (the rest is read and discarded). */
async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size <= MAX_REQUEST_BODY_BYTES) chunks.push(chunk as Buffer);
  }
  if (size > MAX_REQUEST_BODY_BYTES) {
    throw new ApiError(
      413,
      'RequestEntityTooLarge',
      `Request entity too large: limit is ${MAX_REQUEST_BODY_BYTES}`,
    );
  }
  return Buffer.concat(chunks);
}

function openapi(deps: HttpDeps, path: string, accept: string | undefined): Reply {
  if (path === 'v2') {
    // client-go asks for the protobuf encoding of v2 first; only JSON is served.
    if (accept && !/json|\*\/\*/.test(accept)) {
      throw new ApiError(
        406,
        'NotAcceptable',
        `only application/json is served for /openapi/v2 (asked: ${accept})`,
      );
    }
    return { code: 200, body: openApiV2(deps.registry) };
  }
  if (path === 'v3') return { code: 200, body: openApiV3Root(deps.registry) };
  const doc = path.startsWith('v3/') ? openApiV3Document(deps.registry, path.slice(3)) : undefined;
  if (!doc) throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
  return { code: 200, body: doc };
}

function discovery(
  deps: HttpDeps,
  route: ReturnType<typeof resolveRoute>,
  host: string,
  accept?: string,
): Reply {
  const notFound = () => new ApiError(404, 'NotFound', 'the server could not find the requested resource');
  switch (route.kind) {
    case 'root':
      return { code: 200, body: { paths: ['/api', '/api/v1', '/apis', '/healthz', '/version'] } };
    case 'version':
      return { code: 200, body: versionInfo(deps.kubernetesVersion) };
    case 'healthz':
      return { code: 200, body: 'ok' };
    case 'api':
      return { code: 200, body: apiVersions(host) };
    case 'apis':
      return { code: 200, body: apiGroupList(deps.registry) };
    case 'group': {
      const doc = apiGroup(deps.registry, route.group);
      if (!doc) throw notFound();
      return { code: 200, body: doc };
    }
    case 'openapi':
      return openapi(deps, route.path, accept);
    case 'groupVersion': {
      const doc = apiResourceList(deps.registry, route.group, route.version);
      if (!doc) throw notFound();
      return { code: 200, body: doc };
    }
    default:
      throw notFound();
  }
}

async function handle(deps: HttpDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  let info: RequestInfo | undefined;
  let user: UserInfo | undefined;
  let code = 500;
  try {
    const rawBody = await readBody(req);
    const body = rawBody.toString('utf8');
    user = deps.tokens.authenticate(req.headers.authorization);
    const route = resolveRoute(deps.registry, req.method ?? 'GET', url);
    if (route.kind !== 'resource') {
      const reply = discovery(deps, route, req.headers.host ?? '127.0.0.1', req.headers.accept);
      code = reply.code;
      if (route.kind === 'healthz') {
        res.writeHead(200, { 'Content-Type': 'text/plain' }).end('ok');
        return;
      }
      send(res, reply.code, reply.body);
      return;
    }
    info = {
      verb: route.verb,
      resource: route.type.plural,
      subresource: route.subresource,
      namespace: route.namespace,
      name: route.name,
    };
    deps.authorizer?.check(user, { ...info, group: route.type.group });
    const delayMs = deps.faults.takeDelayMs(info);
    if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
    const fault = deps.faults.takeFailure(info);
    if (fault) {
      deps.log.debug({ verb: info.verb, resource: info.resource, code: fault.code }, 'injected fault');
      throw fault;
    }
    const reply = handleResource(
      deps.handlers,
      {
        route,
        query: url.searchParams,
        body,
        rawBody,
        user,
        contentType: req.headers['content-type'],
        accept: req.headers.accept,
        userAgent: req.headers['user-agent'],
      },
      res,
    );
    code = reply ? reply.code : 200;
    if (reply) send(res, reply.code, reply.body, reply.warnings);
  } catch (err) {
    const apiErr =
      err instanceof ApiError
        ? err
        : new ApiError(500, 'InternalError', `Internal error occurred: ${(err as Error).message}`);
    if (!(err instanceof ApiError))
      deps.log.error({ err, url: url.pathname, method: req.method }, 'request failed');
    code = apiErr.code;
    send(res, apiErr.code, apiErr.toStatus());
  } finally {
    if (info) deps.onRequest({ ...info, code, user: user?.username ?? 'system:anonymous' });
  }
}

export interface RunningHttp {
  server: Server;
  port: number;
  close(): Promise<void>;
}

/** Serve on plain HTTP, or HTTPS with `tls` (kubectl sends bearer tokens only over TLS). */
export async function listen(
  deps: HttpDeps,
  port: number,
  host: string,
  tls?: { cert: string | Buffer; key: string | Buffer },
): Promise<RunningHttp> {
  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    void handle(deps, req, res);
  };
  const server = tls
    ? createHttpsServer({ cert: tls.cert, key: tls.key }, onRequest)
    : createServer(onRequest);
  server.keepAliveTimeout = 5000;
  // Watches are long-lived and a busy simulation may stall the loop: no request deadline.
  server.requestTimeout = 0;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const actual = (server.address() as AddressInfo).port;
  return {
    server,
    port: actual,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
