// The embedded Kubernetes API server: an in-memory cluster that speaks the real REST protocol
// (discovery, list/watch, CRUD, patch types, status/scale/resize subresources, CRDs with CEL),
// with a scheduler, a minimal kubelet and workload controllers, for tests, the demo and benches.
//
// Test handle: startApiServer() → { url, kubeconfigPath, kubeConfig(), api/store, faults, tokens,
// kubelet, stop() }. The kubelet is pluggable: `kubelet: 'external'` leaves pod start and resize
// enactment to the caller, who listens to handle.kubelet events ('podBound', 'resizeRequested',
// 'podDeleted') and calls handle.kubelet.startPod / admitResize / completeResize when it decides.
import { randomUUID } from 'node:crypto';
import type { KubeConfig } from '@kubernetes/client-node';
import { type Logger, silentLogger } from '../../lib/log.ts';
import { accessReview, TokenRegistry, type UserInfo } from './auth.ts';
import { EventTtl } from './controllers/event-ttl.ts';
import { GarbageCollector } from './controllers/garbage-collector.ts';
import { Kubelet, type KubeletMode } from './controllers/kubelet.ts';
import { NamespaceController } from './controllers/namespaces.ts';
import { Scheduler } from './controllers/scheduler.ts';
import { WorkloadController } from './controllers/workloads.ts';
import { CrdInstaller, crdStrategy, readCrdDir } from './crds.ts';
import { Faults } from './faults.ts';
import { kubeConfigForServer, writeKubeconfig } from './kubeconfig.ts';
import { DEFAULT_KUBERNETES_VERSION, type KubernetesVersion } from './kubernetes-version.ts';
import { defaultNodes, type NodeSpec, nodeObject } from './nodes.ts';
import type { KObject } from './object-types.ts';
import { ObjectApi } from './objects.ts';
import { RbacAuthorizer } from './rbac.ts';
import { Registry, type ResourceType } from './registry.ts';
import { listen, type RequestRecord } from './server.ts';
import { Store } from './store.ts';
import { builtinStrategies } from './strategies.ts';
import { WatchHub } from './watch.ts';

export type { UserInfo } from './auth.ts';
export type { Kubelet, KubeletEvents, KubeletMode, ResizeDecision } from './controllers/kubelet.ts';
export type { DelayRule, FailRule } from './faults.ts';
export { type KubernetesVersion, parseKubernetesVersion, SUPPORTED_VERSIONS } from './kubernetes-version.ts';
export type { NodeSpec } from './nodes.ts';
export type { Json, KObject } from './object-types.ts';
export type { ObjectApi } from './objects.ts';
export { type QosClass, qosClass } from './pods.ts';
export type { ResourceType } from './registry.ts';
export type { RequestRecord } from './server.ts';

export interface ApiServerOptions {
  /** Port to listen on (default 0: an ephemeral port). */
  port?: number;
  /** Address to bind (default 127.0.0.1). */
  host?: string;
  /** Directory of CRD manifests to install at start (e.g. deploy/crds). */
  crdDir?: string;
  /** CRD objects to install at start. */
  crds?: KObject[];
  /** Nodes to create: a count (node-1..N, 4 CPU / 16Gi each) or specs. Default 1. */
  nodes?: number | NodeSpec[];
  /** Delay from binding to Running/Ready (builtin kubelet). Default 50 ms. */
  podStartDelayMs?: number;
  /** Delay from admitting a resize to enacting it (builtin kubelet). Default 50 ms. */
  resizeDelayMs?: number;
  /** How long a deleted pod stays Terminating (capped by its grace period). Default 100 ms. */
  podTerminationDelayMs?: number;
  /** 'builtin' (default) runs pods by itself; 'external' leaves it to simulated nodes. */
  kubelet?: KubeletMode;
  /** Pod IP for starting pods (default 127.0.0.1). */
  podIp?: (pod: KObject) => string | undefined;
  /** Events kept per resource for watch resumption (older → 410 Gone). Default 10000. */
  watchHistory?: number;
  /** Age after which events are compacted (as etcd; older → 410 Gone). Default 5 minutes. */
  watchHistoryMs?: number;
  /** How long an Event lives after its last write (kube-apiserver's --event-ttl). Default 1 h. */
  eventTtlMs?: number;
  /** Clock of the history's ages (default Date.now); tests move it to expire history. */
  historyClock?: () => number;
  /** Interval of BOOKMARK events on watches that allow them. Default 10 s. */
  bookmarkIntervalMs?: number;
  /** Where to write the kubeconfig (default: a new temporary directory). */
  kubeconfigPath?: string;
  /** A bearer token to put in the kubeconfig, registered as a cluster admin. */
  token?: string;
  /**
   * 'AlwaysAllow' (default): every request is allowed. 'RBAC': requests must be granted by the
   * Roles, ClusterRoles and bindings the server holds, as kube-apiserver's RBAC authorizer (the
   * kubeconfig then carries an admin token: one is made up unless `token` is given).
   */
  authorization?: 'AlwaysAllow' | 'RBAC';
  /**
   * The Kubernetes version to follow (1.33, 1.34, 1.35; default the newest): /version and the
   * rules that differ between them (memory-limit decreases in a resize).
   */
  kubernetesVersion?: KubernetesVersion;
  /** Serve HTTPS with this certificate (PEM); kubectl sends bearer tokens only over TLS. */
  tls?: { cert: string | Buffer; key: string | Buffer };
  log?: Logger;
}

export interface ApiServer {
  url: string;
  port: number;
  kubeconfigPath: string;
  /** A client config for this server (anonymous, or the token given in the options). */
  kubeConfig(): KubeConfig;
  /** Typed access to stored objects with the server's semantics (validation, 409, GC). */
  api: ObjectApi;
  /** Looks up a served resource: resource('', 'pods'), resource('apps', 'deployments'). */
  resource(group: string, plural: string): ResourceType;
  faults: {
    failNext: Faults['failNext'];
    delay: Faults['delay'];
    clear(): void;
    /** Close open watches (cleanly, or `abrupt`ly by destroying the socket); returns how many. */
    dropWatches(opts?: { resource?: string; abrupt?: boolean }): number;
    /** Forget watch history: resuming from any older resourceVersion gets 410 Gone. */
    compact(): void;
  };
  tokens: { register(token: string, user: UserInfo): void; revoke(token: string): void };
  kubelet: Kubelet;
  addNode(spec: NodeSpec): KObject;
  /** Requests served so far, by `verb resource[/subresource]`. */
  requestCounts(): Map<string, number>;
  onRequest(listener: (r: RequestRecord) => void): void;
  stop(): Promise<void>;
}

export async function startApiServer(options: ApiServerOptions = {}): Promise<ApiServer> {
  const log = options.log ?? silentLogger();
  const store = new Store({
    watchHistory: options.watchHistory,
    watchHistoryMs: options.watchHistoryMs,
    now: options.historyClock,
  });
  const registry = new Registry();
  const kubernetesVersion = options.kubernetesVersion ?? DEFAULT_KUBERNETES_VERSION;
  const strategies = builtinStrategies(kubernetesVersion);
  strategies.set('apiextensions.k8s.io/customresourcedefinitions', crdStrategy);
  const api = new ObjectApi(store, registry, strategies);
  const watches = new WatchHub(options.bookmarkIntervalMs ?? 10_000);
  const faults = new Faults();
  const tokens = new TokenRegistry();
  const rbac = options.authorization === 'RBAC';
  const adminToken = options.token ?? (rbac ? randomUUID() : undefined);
  if (adminToken) tokens.register(adminToken, { username: 'kosmos-admin', groups: ['system:masters'] });
  const authorizer = rbac ? new RbacAuthorizer(store) : undefined;
  const counts = new Map<string, number>();
  const requestListeners: ((r: RequestRecord) => void)[] = [];

  const crds = new CrdInstaller(api, log.child({ component: 'crds' }));
  const namespaces = new NamespaceController(api, log.child({ component: 'namespaces' }));
  const gc = new GarbageCollector(api, log.child({ component: 'gc' }));
  const eventTtl = new EventTtl(api, log.child({ component: 'event-ttl' }), options.eventTtlMs);
  const workloads = new WorkloadController(api, log.child({ component: 'workloads' }));
  const scheduler = new Scheduler(api, log.child({ component: 'scheduler' }));
  const kubelet = new Kubelet(api, log.child({ component: 'kubelet' }), {
    mode: options.kubelet ?? 'builtin',
    podStartDelayMs: options.podStartDelayMs ?? 50,
    resizeDelayMs: options.resizeDelayMs ?? 50,
    podTerminationDelayMs: options.podTerminationDelayMs ?? 100,
    podIp: options.podIp,
  });
  crds.start();
  namespaces.start();
  for (const c of [gc, eventTtl, workloads, scheduler, kubelet]) c.start();

  const crdType = registry.byPlural('apiextensions.k8s.io', 'customresourcedefinitions');
  const crdObjects = [...(options.crds ?? []), ...(options.crdDir ? await readCrdDir(options.crdDir) : [])];
  for (const crd of crdObjects) api.create(crdType, crd);
  const nodeType = registry.byPlural('', 'nodes');
  const addNode = (spec: NodeSpec) => api.create(nodeType, nodeObject(spec));
  const nodes = options.nodes ?? 1;
  for (const spec of typeof nodes === 'number' ? defaultNodes(nodes) : nodes) addNode(spec);

  const http = await listen(
    {
      registry,
      faults,
      tokens,
      authorizer,
      kubernetesVersion,
      log: log.child({ component: 'http' }),
      handlers: {
        api,
        watches,
        virtualCreate: (t, body, user) => ({
          code: 201,
          body:
            t.plural === 'tokenreviews' ? tokens.review(body) : accessReview(t.kind, body, user, authorizer),
        }),
      },
      onRequest: (r) => {
        const key = `${r.verb} ${r.resource}${r.subresource ? `/${r.subresource}` : ''}`;
        counts.set(key, (counts.get(key) ?? 0) + 1);
        for (const l of requestListeners) l(r);
      },
    },
    options.port ?? 0,
    options.host ?? '127.0.0.1',
    options.tls,
  );
  const url = `${options.tls ? 'https' : 'http'}://${options.host ?? '127.0.0.1'}:${http.port}`;
  const kubeconfigPath = await writeKubeconfig(url, options.kubeconfigPath, adminToken);
  log.info({ url, kubeconfigPath, crds: crdObjects.length }, 'api server listening');

  return {
    url,
    port: http.port,
    kubeconfigPath,
    kubeConfig: () => kubeConfigForServer(url, adminToken),
    api,
    resource: (group, plural) => registry.byPlural(group, plural),
    faults: {
      failNext: (rule) => faults.failNext(rule),
      delay: (rule) => faults.delay(rule),
      clear: () => faults.clear(),
      dropWatches: (opts) => watches.drop(opts),
      compact: () => store.compact(),
    },
    tokens: { register: (t, u) => tokens.register(t, u), revoke: (t) => tokens.revoke(t) },
    kubelet,
    addNode,
    requestCounts: () => new Map(counts),
    onRequest: (l) => requestListeners.push(l),
    stop: async () => {
      for (const c of [kubelet, scheduler, workloads, eventTtl, gc, namespaces, crds]) c.stop();
      watches.drop();
      await http.close();
    },
  };
}
