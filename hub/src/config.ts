// The hub's configuration: command-line flags with environment fallbacks, validated, with every
// default documented here and in --help.
import { hostname } from 'node:os';
import { Command, InvalidArgumentError, Option } from 'commander';

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
}

export const DEFAULTS = {
  grpcPort: 7070,
  statusPort: 7071,
  metricsPort: 9090,
  bindAddress: '0.0.0.0',
  periodMs: 1000,
  leaderElect: false,
  leaseNamespace: 'kosmos-system',
  leaseName: 'kosmos-hub',
  leaseDurationSeconds: 15,
  agentAuth: 'none' as AgentAuthMode,
  agentAudience: 'kosmos-hub',
  logLevel: 'info',
  writeQps: 20,
  writeBurst: 40,
  nodeStaleAfterMs: 15_000,
} as const;

function intArg(name: string, min: number): (v: string) => number {
  return (v) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min)
      throw new InvalidArgumentError(`${name} must be an integer >= ${min}`);
    return n;
  };
}

function positiveArg(name: string): (v: string) => number {
  return (v) => {
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`${name} must be a positive number`);
    return n;
  };
}

function boolArg(v: string): boolean {
  if (v === 'true' || v === '1' || v === '') return true;
  if (v === 'false' || v === '0') return false;
  throw new InvalidArgumentError('expected true or false');
}

function durationMsArg(v: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(v.trim());
  if (!m) throw new InvalidArgumentError('expected a duration like 1s, 500ms, 2m');
  const n = Number(m[1]);
  const ms = m[2] === 'ms' ? n : m[2] === 'm' ? n * 60_000 : n * 1000;
  if (ms < 10) throw new InvalidArgumentError('period must be at least 10ms');
  return ms;
}

export function hubCommand(): Command {
  return new Command('kosmos-hub')
    .description(
      'kosmos hub: SLA controller, recommender and horizontal scaler; serves agents and kosmosctl.',
    )
    .addOption(
      new Option('--kube-server <url>', 'API server URL (embedded cluster)').env('KOSMOS_KUBE_SERVER'),
    )
    .addOption(new Option('--kube-token <token>', 'bearer token for --kube-server').env('KOSMOS_KUBE_TOKEN'))
    .addOption(new Option('--kubeconfig <path>', 'kubeconfig file (default $KUBECONFIG, ~/.kube/config)'))
    .addOption(
      new Option('--in-cluster [bool]', 'use the pod ServiceAccount')
        .env('KOSMOS_IN_CLUSTER')
        .argParser(boolArg),
    )
    .addOption(
      new Option('--grpc-port <port>', 'agent gRPC port (AgentHub)')
        .env('KOSMOS_GRPC_PORT')
        .default(DEFAULTS.grpcPort)
        .argParser(intArg('--grpc-port', 0)),
    )
    .addOption(
      new Option('--status-port <port>', 'status gRPC port (HubStatus, kosmosctl)')
        .env('KOSMOS_STATUS_PORT')
        .default(DEFAULTS.statusPort)
        .argParser(intArg('--status-port', 0)),
    )
    .addOption(
      new Option('--metrics-port <port>', 'HTTP port for /metrics /healthz /readyz')
        .env('KOSMOS_METRICS_PORT')
        .default(DEFAULTS.metricsPort)
        .argParser(intArg('--metrics-port', 0)),
    )
    .addOption(
      new Option('--bind-address <addr>', 'address all servers listen on')
        .env('KOSMOS_BIND_ADDRESS')
        .default(DEFAULTS.bindAddress),
    )
    .addOption(
      new Option('--period <duration>', 'control loop period (e.g. 1s, 500ms)')
        .env('KOSMOS_PERIOD')
        .default(DEFAULTS.periodMs, '1s')
        .argParser(durationMsArg),
    )
    .addOption(
      new Option('--leader-elect [bool]', 'run Lease leader election (standbys take over on loss)')
        .env('KOSMOS_LEADER_ELECT')
        .default(DEFAULTS.leaderElect)
        .argParser(boolArg),
    )
    .addOption(
      new Option('--lease-namespace <ns>', 'namespace of the Lease')
        .env('KOSMOS_LEASE_NAMESPACE')
        .default(DEFAULTS.leaseNamespace),
    )
    .addOption(
      new Option('--lease-name <name>', 'name of the Lease')
        .env('KOSMOS_LEASE_NAME')
        .default(DEFAULTS.leaseName),
    )
    .addOption(
      new Option('--lease-duration <seconds>', 'Lease duration')
        .env('KOSMOS_LEASE_DURATION')
        .default(DEFAULTS.leaseDurationSeconds)
        .argParser(positiveArg('--lease-duration')),
    )
    .addOption(
      new Option('--identity <id>', 'holder identity in the Lease (default $POD_NAME or hostname-pid)').env(
        'POD_NAME',
      ),
    )
    .addOption(
      new Option('--agent-auth <mode>', 'how agents prove their node: none (trust hello) or tokenreview')
        .env('KOSMOS_AGENT_AUTH')
        .choices(['none', 'tokenreview'])
        .default(DEFAULTS.agentAuth),
    )
    .addOption(
      new Option('--agent-audience <aud>', 'audience of the agents’ projected tokens')
        .env('KOSMOS_AGENT_AUDIENCE')
        .default(DEFAULTS.agentAudience),
    )
    .addOption(
      new Option('--write-qps <n>', 'sustained API writes per second')
        .env('KOSMOS_WRITE_QPS')
        .default(DEFAULTS.writeQps)
        .argParser(positiveArg('--write-qps')),
    )
    .addOption(
      new Option('--write-burst <n>', 'API write burst')
        .env('KOSMOS_WRITE_BURST')
        .default(DEFAULTS.writeBurst)
        .argParser(intArg('--write-burst', 1)),
    )
    .addOption(
      new Option('--node-stale-after <duration>', 'a node silent this long is stale')
        .env('KOSMOS_NODE_STALE_AFTER')
        .default(DEFAULTS.nodeStaleAfterMs, '15s')
        .argParser(durationMsArg),
    )
    .addOption(
      new Option('--log-level <level>', 'trace, debug, info, warn, error')
        .env('KOSMOS_LOG_LEVEL')
        .choices(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'])
        .default(DEFAULTS.logLevel),
    );
}

/** Parses argv (without node and script) into a validated HubConfig; throws CommanderError on bad input. */
export function parseHubConfig(argv: string[], configure?: (cmd: Command) => void): HubConfig {
  const cmd = hubCommand();
  configure?.(cmd);
  cmd.parse(argv, { from: 'user' });
  const o = cmd.opts();
  return {
    kubeServer: o['kubeServer'],
    kubeToken: o['kubeToken'],
    kubeconfig: o['kubeconfig'],
    inCluster: o['inCluster'] === true,
    grpcPort: o['grpcPort'],
    statusPort: o['statusPort'],
    metricsPort: o['metricsPort'],
    bindAddress: o['bindAddress'],
    periodMs: o['period'],
    leaderElect: o['leaderElect'] === true,
    leaseNamespace: o['leaseNamespace'],
    leaseName: o['leaseName'],
    leaseDurationSeconds: o['leaseDuration'],
    identity: o['identity'] || `${hostname()}-${process.pid}`,
    agentAuth: o['agentAuth'],
    agentAudience: o['agentAudience'],
    logLevel: o['logLevel'],
    writeQps: o['writeQps'],
    writeBurst: o['writeBurst'],
    nodeStaleAfterMs: o['nodeStaleAfter'],
  };
}
