// The hub's configuration: command-line flags with environment fallbacks, validated, with every
// default documented here and in --help.
import { hostname } from 'node:os';
import type { Command } from 'commander';
import { ConfigError, defineConfig } from '../../lib/config.ts';
import { kubeTargetOptions, logLevelOption } from '../../lib/process-options.ts';

export type AgentAuthMode = 'none' | 'tokenreview';

export interface HubConfig {
  /** Explicit API server URL (embedded cluster, tests); otherwise kubeconfig / in-cluster. */
  kubeServer?: string;
  kubeToken?: string;
  kubeconfig?: string;
  inCluster: boolean;
  /** gRPC port the agents connect to (AgentHub). 0 = any free port. */
  grpcPort: number;
  /** gRPC port for HubStatus (kosmosctl). */
  statusPort: number;
  /** HTTP port for /metrics, /healthz, /readyz. */
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
  logLevel: string;
  /** Sustained and burst rate of the hub's writes to the API server. */
  writeQps: number;
  writeBurst: number;
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
    grpcPort: { flag: 'grpc-port', type: 'int', default: 7070, min: 0, help: 'agent gRPC port (AgentHub)' },
    statusPort: {
      flag: 'status-port',
      type: 'int',
      default: 7071,
      min: 0,
      help: 'status gRPC port (HubStatus, kosmosctl)',
    },
    metricsPort: {
      flag: 'metrics-port',
      type: 'int',
      default: 9090,
      min: 0,
      help: 'HTTP port for /metrics /healthz /readyz',
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
      choices: ['none', 'tokenreview'],
      default: 'none',
      help: 'how agents prove their node: none (trust hello) or tokenreview',
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
    nodeStaleAfterMs: {
      flag: 'node-stale-after',
      type: 'duration',
      default: '15s',
      min: 10,
      help: 'a node silent this long is stale',
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
  return { ...values, identity: values.identity || `${hostname()}-${process.pid}` };
}
