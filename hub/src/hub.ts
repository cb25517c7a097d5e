// Start-up wiring of the hub: informers, the cluster model, agent and status gRPC servers, metrics,
// Lease leader election and the control loop timer. main.ts and the integration tests call it.
import type * as k8s from '@kubernetes/client-node';
import {
  CACHED_PODSCALE_FIELDS,
  CACHED_SLA_FIELDS,
  type CachedPodScale,
  type CachedSla,
} from '../../lib/api/cached-objects.ts';
import { API_VERSION, PODSCALE_PLURAL, SLA_PLURAL } from '../../lib/api/types.ts';
import { apiDeadlineOptions, withApiDeadlines } from '../../lib/api-deadline.ts';
import { CACHED_POD_FIELDS, type CachedPod } from '../../lib/cached-pod.ts';
import { kosmosProto } from '../../lib/grpc/proto.ts';
import { type Informer, startInformer } from '../../lib/informer.ts';
import type { KeepList, Kept } from '../../lib/keep-list.ts';
import { KeyedWork, settleWithin } from '../../lib/keyed-work.ts';
import { kubeClients, kubeConfigFor } from '../../lib/kube.ts';
import { LeaderElector, leaseStoreFor } from '../../lib/leader.ts';
import type { Logger } from '../../lib/log.ts';
import { kubeTargetOf } from '../../lib/process-options.ts';
import { TokenBucket } from '../../lib/rate-limit.ts';
import { serverTlsCredentials } from '../../lib/tls.ts';
import { AgentServer, type NodeDirectory } from './agentserver/agent-server.ts';
import {
  type GrpcServerOptions,
  type RunningGrpcServer,
  startGrpcServer,
} from './agentserver/grpc-server.ts';
import {
  type AgentAuthenticator,
  insecureNoAuth,
  kubeTokenReviewer,
  tokenReviewAuth,
} from './auth/agent-auth.ts';
import { PodPlacements } from './auth/pod-placements.ts';
import { nodePodCapacity } from './auth/report-bounds.ts';
import type { HubConfig } from './config.ts';
import { planService } from './control/index.ts';
import type { PlanServiceFn, ServicePolicy } from './control/types.ts';
import { kubeScaleClient, ScaleWriter } from './horizontal/scale-writer.ts';
import { ControlLoop } from './loop/control-loop.ts';
import { PassScheduler } from './loop/pass-scheduler.ts';
import { policyOf } from './loop/policy-of.ts';
import { type RunningHttp, startMetricsServer } from './metrics/http-server.ts';
import { HubMetrics } from './metrics/hub-metrics.ts';
import { ClusterModel } from './model/cluster-model.ts';
import type { NodeSample } from './model/pod-sample.ts';
import { HttpPrometheusClient, type PrometheusQueryClient } from './prometheus/api-client.ts';
import { PrometheusSignals } from './prometheus/prometheus-signals.ts';
import { kubeSlaWriter } from './sla/kube-writer.ts';
import { SLA_LABEL } from './sla/podscale-plan.ts';
import { SlaController } from './sla/sla-controller.ts';
import { DEFAULT_STATUS_WRITE_POLICY } from './sla/status-write-gate.ts';
import { bearerTokenAuthorizer } from './status/status-auth.ts';
import { StatusBoard } from './status/status-board.ts';
import { statusHandlers } from './status/status-server.ts';

export interface HubOptions {
  config: HubConfig;
  log: Logger;
  /** The per-service control step and the SLA → policy mapping (default: hub/src/control). */
  planService?: PlanServiceFn;
  policyOf?: (sla: CachedSla) => ServicePolicy;
  /** Client config; default built from the config's kube flags. */
  kc?: k8s.KubeConfig;
  grpcOptions?: GrpcServerOptions;
  now?: () => number;
  /** How long to wait for the informers' first list at start. */
  syncTimeoutMs?: number;
  /** The Prometheus HTTP edge (default: HTTP with the --prometheus-* flags). */
  prometheusClient?: PrometheusQueryClient;
}

export interface RunningHub {
  hubId: string;
  grpcPort: number;
  statusPort: number;
  metricsPort: number;
  isLeader(): boolean;
  model: ClusterModel;
  board: StatusBoard;
  metrics: HubMetrics;
  /** One control-loop pass now (tests); the timer keeps running. */
  runOnce(): Promise<void>;
  stop(): Promise<void>;
}

/** The kube client config of the --kube-* / --in-cluster flags (lib/kube.ts kubeConfigFor). */
export function hubKubeConfig(config: HubConfig): k8s.KubeConfig {
  return kubeConfigFor(kubeTargetOf(config));
}

/**
 * The Node as the hub caches it: its name (the cache key, the agent's claim) and capacity (its pod
 * count bounds a report). A Node object also carries its images, addresses, conditions and system
 * info, often tens of KB, paid once per node of the cluster.
 */
const CACHED_NODE_FIELDS = {
  metadata: { name: true, resourceVersion: true },
  status: { capacity: true },
} as const satisfies KeepList<k8s.V1Node>;
type CachedNode = Kept<k8s.V1Node, typeof CACHED_NODE_FIELDS>;

function informerFor<T extends k8s.KubernetesObject>(
  kc: k8s.KubeConfig,
  log: Logger,
  path: string,
  listFn: () => Promise<k8s.KubernetesListObject<T>>,
  only: { labelSelector?: string; retain?: KeepList<T> } = {},
): Informer<T> {
  return startInformer<T>({ kc, path, listFn, log, ...only });
}

export async function startHub(options: HubOptions): Promise<RunningHub> {
  const { config } = options;
  const log = options.log.child({ component: 'hub', identity: config.identity });
  const now = options.now ?? Date.now;
  const metrics = new HubMetrics();
  const kc = withApiDeadlines(
    options.kc ?? hubKubeConfig(config),
    apiDeadlineOptions(config, log.child({ component: 'kube' }), (call, reason) =>
      metrics.apiCallFailures.inc({ verb: call.verb, resource: call.resource, reason }),
    ),
  );
  const clients = kubeClients(kc);
  const [group, version] = API_VERSION.split('/') as [string, string];

  // SLAs and PodScales are cached with only the fields the hub reads (lib/api/cached-objects.ts).
  const slas = informerFor<CachedSla>(
    kc,
    log,
    `/apis/${API_VERSION}/${SLA_PLURAL}`,
    () => clients.custom.listClusterCustomObject({ group, version, plural: SLA_PLURAL }) as never,
    { retain: CACHED_SLA_FIELDS },
  );
  // Every pod of the cluster: cached with only the fields kosmos reads (lib/cached-pod.ts).
  const pods = informerFor<CachedPod>(kc, log, '/api/v1/pods', () => clients.core.listPodForAllNamespaces(), {
    retain: CACHED_POD_FIELDS,
  });
  const podScales = informerFor<CachedPodScale>(
    kc,
    log,
    `/apis/${API_VERSION}/${PODSCALE_PLURAL}`,
    () =>
      clients.custom.listClusterCustomObject({
        group,
        version,
        plural: PODSCALE_PLURAL,
        labelSelector: SLA_LABEL,
      }) as never,
    { labelSelector: SLA_LABEL, retain: CACHED_PODSCALE_FIELDS },
  );

  // Only Kubernetes Nodes are served; a deleted Node's agent stream is closed and the node forgotten.
  const nodes = informerFor<CachedNode>(kc, log, '/api/v1/nodes', () => clients.core.listNode(), {
    retain: CACHED_NODE_FIELDS,
  });
  const nodeDirectory: NodeDirectory = {
    podCapacity: (name) => {
      const node = nodes.get(undefined, name);
      return node ? nodePodCapacity(node.status?.capacity?.['pods']) : undefined;
    },
  };

  const model = new ClusterModel();
  const board = new StatusBoard();
  // Where each pod runs, by uid: the agent server refuses reports about pods on other nodes.
  const podNodes = new PodPlacements();
  const indexPod = (p: CachedPod) => {
    if (p.metadata?.uid && p.spec?.nodeName) podNodes.place(p.metadata.uid, p.spec.nodeName);
  };
  pods.on('add', indexPod);
  pods.on('update', indexPod);
  pods.on('delete', (p) => {
    const uid = p.metadata?.uid;
    if (!uid) return;
    podNodes.remove(uid);
    model.forgetPod(uid);
  });

  const limiter = new TokenBucket({ qps: config.writeQps, burst: config.writeBurst });
  const countWrite = (resource: string, verb: string, result: string) =>
    metrics.apiWrites.inc({ resource, verb, result });
  const writer = kubeSlaWriter(kc, limiter, config.identity, countWrite);
  const scaleClient = kubeScaleClient(kc);
  // Every API call of the control loop runs here, one per object at a time: a hung call holds its
  // own object only, never the pass (each call has its own deadline, lib/api-deadline.ts).
  const work = new KeyedWork({ limit: 16, log: log.child({ component: 'loop' }) });
  const controller = new SlaController({
    pods,
    podScales,
    scale: scaleClient,
    writer,
    work,
    log: log.child({ component: 'sla' }),
    now,
  });
  const httpPrometheus = options.prometheusClient
    ? undefined
    : new HttpPrometheusClient({ credentialsDir: config.prometheusCredentialsDir, now });
  const prometheus = new PrometheusSignals({
    client: options.prometheusClient ?? (httpPrometheus as HttpPrometheusClient),
    log: log.child({ component: 'prometheus' }),
    now,
    ...(config.prometheusUrl ? { defaultUrl: config.prometheusUrl } : {}),
    maxInFlight: config.prometheusMaxInFlight,
    minRefreshMs: config.periodMs,
    onQuery: (failures) => {
      metrics.prometheusQueries.inc({ outcome: failures.size ? 'failed' : 'ok' });
      for (const reason of failures) metrics.prometheusQueryFailures.inc({ reason });
    },
  });
  const loop = new ControlLoop({
    slas,
    pods,
    controller,
    model,
    planService: options.planService ?? planService,
    policyOf: options.policyOf ?? policyOf,
    writer,
    scaleWriter: new ScaleWriter(scaleClient, limiter, countWrite),
    work,
    apiWaitMs: config.periodMs / 4,
    statusWrites: { ...DEFAULT_STATUS_WRITE_POLICY, minIntervalMs: config.statusMinIntervalMs },
    board,
    metrics,
    log: log.child({ component: 'loop' }),
    now,
    nodeStaleAfterMs: config.nodeStaleAfterMs,
    nodesAutoscaled: config.nodesAutoscaled,
    prometheus,
  });

  let leading = !config.leaderElect;
  let elector: LeaderElector | undefined;
  const isLeader = () => leading;
  const auth: AgentAuthenticator =
    config.agentAuth === 'tokenreview'
      ? tokenReviewAuth(kubeTokenReviewer(kc), config.agentAudience)
      : insecureNoAuth();
  // Set once the pass scheduler exists (below): reports that cannot wait pull a pass forward.
  let planNow: (sample: NodeSample) => Promise<void> | undefined = () => undefined;
  const agentServer = new AgentServer({
    model,
    auth,
    placement: podNodes.nodeOf,
    placementVersion: podNodes.version,
    nodes: nodeDirectory,
    takeoverAfterMs: config.nodeStaleAfterMs / 3,
    onRefused: (reason) => metrics.refusedAgents.inc({ reason }),
    isLeader,
    hubId: config.identity,
    tickPeriodMs: config.periodMs,
    now,
    log: log.child({ component: 'agentserver' }),
    policyFor: (node) => loop.policyFor(node),
    onReport: (node, refused) => {
      for (const r of refused) metrics.refusedPodReports.inc({ node, reason: r.reason });
    },
    planNow: (sample) => planNow(sample),
    answerWaitMs: config.periodMs / 2,
  });

  nodes.on('delete', (n) => {
    if (n.metadata?.name) agentServer.forgetNode(n.metadata.name, `Node ${n.metadata.name} was deleted`);
  });

  const proto = kosmosProto().kosmos.v1;
  const servers: Array<RunningGrpcServer | RunningHttp> = [];
  const stopInformers = () => Promise.all([slas.stop(), pods.stop(), podScales.stop(), nodes.stop()]);
  let grpcServer: RunningGrpcServer;
  let statusServer: RunningGrpcServer;
  let http: RunningHttp;
  try {
    const syncMs = options.syncTimeoutMs ?? 60_000;
    await Promise.all([slas, pods, podScales, nodes].map((informer) => informer.waitForSync(syncMs)));
    // The status port gets the agent port's TLS and, with --status-token-file, a bearer token.
    const tls =
      config.tlsCertFile && config.tlsKeyFile
        ? { credentials: serverTlsCredentials(config.tlsCertFile, config.tlsKeyFile) }
        : {};
    const authorize = config.statusTokenFile ? bearerTokenAuthorizer(config.statusTokenFile) : undefined;
    grpcServer = await startGrpcServer(
      config.bindAddress,
      config.grpcPort,
      [[agentServer.definition(), agentServer.handlers()]],
      { ...options.grpcOptions, ...tls },
    );
    servers.push(grpcServer);
    statusServer = await startGrpcServer(
      config.bindAddress,
      config.statusPort,
      [
        [
          proto.HubStatus.service,
          statusHandlers({ board, hubId: config.identity, isLeader, ...(authorize ? { authorize } : {}) }),
        ],
      ],
      tls,
    );
    servers.push(statusServer);
    http = await startMetricsServer(config.bindAddress, config.metricsPort, {
      registry: metrics.registry,
      ready: () => {
        if (!slas.synced() || !pods.synced() || !podScales.synced() || !nodes.synced())
          return { ok: false, reason: 'informers syncing' };
        return leading
          ? { ok: true, reason: 'leading' }
          : { ok: false, reason: 'standby: another hub leads' };
      },
    });
    servers.push(http);
  } catch (err) {
    await Promise.all(servers.map((s) => s.stop()));
    await stopInformers();
    throw err;
  }

  if (config.leaderElect) {
    const d = config.leaseDurationSeconds;
    elector = new LeaderElector({
      store: leaseStoreFor(clients.coordination),
      namespace: config.leaseNamespace,
      name: config.leaseName,
      identity: config.identity,
      log,
      timings: {
        leaseDurationSeconds: d,
        renewDeadlineSeconds: (d * 2) / 3,
        retryPeriodSeconds: Math.max(0.1, d / 7.5),
      },
      onStartedLeading: () => {
        leading = true;
        metrics.leader.set(1);
      },
      onStoppedLeading: () => {
        leading = false;
        metrics.leader.set(0);
        agentServer.closeAll('this hub lost leadership; reconnect to the leader');
      },
    });
    elector.start();
  } else {
    metrics.leader.set(1);
  }

  const tick = async () => {
    if (!leading) return;
    const end = metrics.stepSeconds.startTimer({ step: 'runOnce' });
    try {
      agentServer.sweep(now(), config.nodeForgetAfterMs);
      await loop.runOnce();
      agentServer.publishDirectives();
    } catch (err) {
      log.error({ err }, 'control loop pass failed');
    } finally {
      end();
      metrics.agentsConnected.set(agentServer.connectedNodes().length);
    }
  };
  // Passes start every periodMs (start to start), whatever one pass took, unless it took longer; a
  // report that cannot wait (urgency.ts) pulls the next one forward, at most one per quarter period.
  const scheduler = new PassScheduler({
    periodMs: config.periodMs,
    minGapMs: config.periodMs / 4,
    run: tick,
    now: Date.now,
    setTimer: (fn, ms) => setTimeout(fn, ms),
    clearTimer: (t) => clearTimeout(t as NodeJS.Timeout),
  });
  planNow = (sample) => {
    if (!leading || !loop.needsPlanNow(sample)) return undefined;
    metrics.urgentReports.inc();
    return scheduler.kick();
  };
  scheduler.start();
  log.info(
    {
      grpcPort: grpcServer.port,
      statusPort: statusServer.port,
      metricsPort: http.port,
      leaderElect: config.leaderElect,
      agentAuth: config.agentAuth,
      periodMs: config.periodMs,
    },
    'hub started',
  );

  return {
    hubId: config.identity,
    grpcPort: grpcServer.port,
    statusPort: statusServer.port,
    metricsPort: http.port,
    isLeader,
    model,
    board,
    metrics,
    runOnce: () => scheduler.runNow(),
    stop: async () => {
      await scheduler.stop();
      // Let the last pass's writes land while this hub still leads (each has its own deadline).
      await settleWithin([work.idle()], 2000);
      agentServer.closeAll('hub shutting down');
      await elector?.stop();
      leading = false;
      await Promise.all(servers.map((s) => s.stop()));
      await stopInformers();
      await prometheus.idle();
      httpPrometheus?.close();
      log.info('hub stopped');
    },
  };
}
