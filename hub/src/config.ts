// The hub's configuration: command-line flags with environment fallbacks, validated, with every
// default documented here and in --help.
import { hostname } from 'node:os';
import type { Command } from 'commander';
import { ConfigError, defineConfig } from '../../lib/config.ts';
import { kubeTargetOptions, logLevelOption } from '../../lib/process-options.ts';

export type AgentAuthMode = 'tokenreview' | 'insecure-none';

export interface HubConfig {
  /** Explicit API server URL (embedded cluster, tests); otherwise kubeconfig / in-cluster. */
  kubeServer?: string;
  kubeToken?: string;
  kubeconfig?: string;
  inCluster: boolean;
  /** Deadline of one Kubernetes API call on one object, and of a list (lib/api-deadline.ts). */
  kubeTimeoutMs: number;
  kubeListTimeoutMs: number;
  /** gRPC port the agents connect to (AgentHub). 0 = any free port. */
  grpcPort: number;
  /** gRPC port for HubStatus (kosmosctl): same TLS as the agent port, optional bearer token. */
  statusPort: number;
  /** HTTP port for /metrics, /healthz, /readyz: plaintext, no authentication. */
  metricsPort: number;
  bindAddress: string;
  /** Control loop period. */
  periodMs: number;
  leaderElect: boolean;
  leaseNamespace: string;
  leaseName: string;
  leaseDurationSeconds: number;
  identity: string;
  agentAuth: AgentAuthMode;
  /** Audience the agents' projected tokens are bound to. */
  agentAudience: string;
  /** Accept tokens (agents', kosmosctl's) on a port without TLS. */
  allowPlaintextToken: boolean;
  /** File holding the bearer token HubStatus requires; unset: HubStatus asks for none. */
  statusTokenFile?: string;
  /** A node silent this long (no report) is removed from the model and its stream closed. */
  nodeForgetAfterMs: number;
  logLevel: string;
  /** Sustained and burst rate of the hub's writes to the API server. */
  writeQps: number;
  writeBurst: number;
  /** Least time between two writes of one SLA's status (a condition change may go out once at once). */
  statusMinIntervalMs: number;
  /** A node silent for this long is stale even if its stream is still open. */
  nodeStaleAfterMs: number;
  /** Nodes are added for unschedulable pods (cluster autoscaler): scale out on node contention regardless of free room. */
  nodesAutoscaled: boolean;
  /** PEM certificate and key the agent port (AgentHub) serves TLS with; both or neither. */
  tlsCertFile?: string;
  tlsKeyFile?: string;
  /** Prometheus for SLAs with metrics.prometheus that name no url. */
  prometheusUrl?: string;
  /** Where SLAs' prometheus.bearerTokenFile and caFile are looked up; nothing outside it is read. */
  prometheusCredentialsDir: string;
  /** Prometheus queries in flight at once over all SLAs. */
  prometheusMaxInFlight: number;
}

export const hubConfig = defineConfig({
  name: 'kosmos-hub',
  description: 'kosmos hub: SLA controller, recommender and horizontal scaler; serves agents and kosmosctl.',
  envPrefix: 'KOSMOS',
  options: {
    ...kubeTargetOptions,
    grpcPort: {
      flag: 'grpc-port',
      type: 'int',
      default: 7070,
      min: 0,
      help: 'agent gRPC port (AgentHub: node reports in, resize directives out; TLS with --tls-cert-file, agents authenticated per --agent-auth)',
    },
    statusPort: {
      flag: 'status-port',
      type: 'int',
      default: 7071,
      min: 0,
      help: 'status gRPC port (HubStatus for kosmosctl: SLAs, pods, decisions, read-only; same TLS as the agent port, bearer token with --status-token-file)',
    },
    metricsPort: {
      flag: 'metrics-port',
      type: 'int',
      default: 9090,
      min: 0,
      help: 'HTTP port for /metrics (Prometheus: per-pod and per-service figures labelled with namespace, pod and SLA names; loop, decision, API-write and agent counters) /healthz /readyz; plaintext, no authentication',
    },
    bindAddress: {
      flag: 'bind-address',
      type: 'string',
      default: '0.0.0.0',
      help: 'address all servers listen on',
    },
    periodMs: {
      flag: 'period',
      type: 'duration',
      default: '1s',
      min: 10,
      help: 'control loop period (e.g. 1s, 500ms)',
    },
    leaderElect: {
      flag: 'leader-elect',
      type: 'bool',
      default: false,
      help: 'run Lease leader election (standbys take over on loss)',
    },
    leaseNamespace: {
      flag: 'lease-namespace',
      type: 'string',
      default: 'kosmos-system',
      help: 'namespace of the Lease',
    },
    leaseName: { flag: 'lease-name', type: 'string', default: 'kosmos-hub', help: 'name of the Lease' },
    leaseDurationSeconds: {
      flag: 'lease-duration',
      type: 'number',
      default: 15,
      exclusiveMin: 0,
      help: 'Lease duration in seconds',
    },
    identity: {
      flag: 'identity',
      type: 'string',
      env: 'POD_NAME',
      help: 'holder identity in the Lease (default $POD_NAME or hostname-pid)',
    },
    agentAuth: {
      flag: 'agent-auth',
      type: 'enum',
      choices: ['tokenreview', 'insecure-none'],
      default: 'tokenreview',
      retired: {
        none: 'use --agent-auth=tokenreview (agents send a projected ServiceAccount token), or --agent-auth=insecure-none to let any client act as any node (demo and tests only)',
      },
      help: 'how agents prove their node: tokenreview (a projected ServiceAccount token, checked with the API server) or insecure-none (trust the node name in the hello: any client can act as any node)',
    },
    allowPlaintextToken: {
      flag: 'allow-plaintext-token',
      type: 'bool',
      default: false,
      help: 'accept agents’ and kosmosctl’s tokens on ports without TLS (anyone on the network path can read and replay them); without it the hub refuses to start with tokens but no --tls-cert-file',
    },
    statusTokenFile: {
      flag: 'status-token-file',
      type: 'string',
      help: 'file holding the bearer token HubStatus requires of its clients (kosmosctl --token-file); re-read every minute; unset: no token asked',
    },
    agentAudience: {
      flag: 'agent-audience',
      type: 'string',
      default: 'kosmos-hub',
      help: 'audience of the agents’ projected tokens',
    },
    writeQps: {
      flag: 'write-qps',
      type: 'number',
      default: 20,
      exclusiveMin: 0,
      help: 'sustained API writes per second',
    },
    writeBurst: { flag: 'write-burst', type: 'int', default: 40, min: 1, help: 'API write burst' },
    statusMinIntervalMs: {
      flag: 'status-min-interval',
      type: 'duration',
      default: '60s',
      min: 0,
      help: 'least time between two writes of one SLA status: figures wait for it, a condition change goes out at once (at most once per interval)',
    },
    nodeStaleAfterMs: {
      flag: 'node-stale-after',
      type: 'duration',
      default: '15s',
      min: 10,
      help: 'a node silent this long is stale: its pods are not acted on and its free room is not counted',
    },
    nodeForgetAfterMs: {
      flag: 'node-forget-after',
      type: 'duration',
      default: '2m',
      min: 10,
      help: 'a node silent this long is removed from the model and its stream closed (nodes deleted from Kubernetes are removed at once)',
    },
    tlsCertFile: {
      flag: 'tls-cert-file',
      type: 'string',
      help: 'PEM certificate for TLS on the agent port (with --tls-key-file; re-read every minute, so rotation needs no restart)',
    },
    tlsKeyFile: {
      flag: 'tls-key-file',
      type: 'string',
      help: 'PEM private key for TLS on the agent port (with --tls-cert-file)',
    },
    prometheusUrl: {
      flag: 'prometheus-url',
      type: 'string',
      help: 'Prometheus HTTP API base URL for SLAs with metrics.prometheus that set no url (e.g. http://prometheus.monitoring:9090)',
    },
    prometheusCredentialsDir: {
      flag: 'prometheus-credentials-dir',
      type: 'string',
      default: '/etc/kosmos/prometheus',
      help: 'directory of the bearer-token and CA files SLAs name in metrics.prometheus (mount a Secret here); files outside it are refused',
    },
    prometheusMaxInFlight: {
      flag: 'prometheus-max-in-flight',
      type: 'int',
      default: 32,
      min: 1,
      help: 'Prometheus queries in flight at once (one query per SLA per refresh)',
    },
    nodesAutoscaled: {
      flag: 'nodes-autoscaled',
      type: 'bool',
      default: false,
      help: 'nodes are added for unschedulable pods (cluster autoscaler, Karpenter): node contention adds replicas even when no node has room, and Pending pods count as coming',
    },
    logLevel: logLevelOption,
  },
});

/** The command behind the hub's flags (for --help and tooling). */
export function hubCommand(): Command {
  return hubConfig.command();
}

/**
 * Parses argv (without node and script) and the environment into a validated HubConfig;
 * throws ConfigError on bad input and HelpRequested on --help (lib/config.ts).
 */
export function parseHubConfig(
  argv: readonly string[],
  env: Record<string, string | undefined> = process.env,
): HubConfig {
  const values = hubConfig.parse(argv, env);
  if (Boolean(values.tlsCertFile) !== Boolean(values.tlsKeyFile)) {
    throw new ConfigError('--tls-cert-file and --tls-key-file go together: give both (TLS) or neither');
  }
  if (values.nodeForgetAfterMs < values.nodeStaleAfterMs) {
    throw new ConfigError(
      `--node-forget-after (${values.nodeForgetAfterMs} ms) must be at least --node-stale-after (${values.nodeStaleAfterMs} ms): a node is stale before it is forgotten`,
    );
  }
  const receivesTokens = values.agentAuth === 'tokenreview' || values.statusTokenFile !== undefined;
  if (receivesTokens && !values.tlsCertFile && !values.allowPlaintextToken) {
    throw new ConfigError(
      `kosmos-hub: ${values.agentAuth === 'tokenreview' ? '--agent-auth=tokenreview' : '--status-token-file'} without TLS would receive tokens in plaintext: ` +
        'give --tls-cert-file and --tls-key-file (deploy/components/tls-cert-manager does), ' +
        'or pass --allow-plaintext-token if the network path is trusted',
    );
  }
  return { ...values, identity: values.identity || `${hostname()}-${process.pid}` };
}
