// The agent's configuration: command-line flags with environment fallbacks, validated, with every
// default documented here and in --help.
import type { Command } from 'commander';
import { ConfigError, defineConfig } from '../../lib/config.ts';
import { kubeTargetOptions, logLevelOption } from '../../lib/process-options.ts';
import type { NodeStepSettings } from './actuator/node-step.ts';
import type { MemoryLimitDecrease } from './actuator/resize-plan.ts';

export interface AgentConfig {
  nodeName: string;
  /** host:port of the hub's AgentHub service; ignored in standalone mode. */
  hubAddress: string;
  hubTokenFile?: string;
  /** PEM CA that signed the hub's certificate: connect over TLS and verify the hub with it. */
  hubCaFile?: string;
  /** Send the token although the hub connection has no TLS. */
  allowPlaintextToken: boolean;
  /** No hub: report to the logs only, never resize. */
  standalone: boolean;
  cgroupRoot: string;
  /** The kubelet's --cgroup-root when not `/`; undefined = found by searching. */
  kubeletCgroupRoot?: string;
  tickMs: number;
  scrapeTimeoutMs: number;
  reserveCpuMilli: number;
  reserveMemoryBytes: number;
  kubeServer?: string;
  kubeToken?: string;
  kubeconfig?: string;
  inCluster: boolean;
  /** Deadline of one Kubernetes API call on one object, and of a list (lib/api-deadline.ts). */
  kubeTimeoutMs: number;
  kubeListTimeoutMs: number;
  healthPort: number;
  bindAddress: string;
  logLevel: string;
  writeQps: number;
  writeBurst: number;
  statusMinIntervalMs: number;
  deadbandPercent: number;
  deadbandCpuMilli: number;
  deadbandMemoryBytes: number;
  memoryLimitDecrease: MemoryLimitDecrease;
  directiveWaitMs: number;
  podScaleNodeFieldSelector: boolean;
}

export const agentConfig = defineConfig({
  name: 'kosmos-agent',
  description:
    'kosmos node agent: reads the cgroups and latency of the pods on its node, reports to the hub, ' +
    'arbitrates node contention and resizes pods in place.',
  envPrefix: 'KOSMOS',
  options: {
    nodeName: {
      flag: 'node-name',
      type: 'string',
      env: 'NODE_NAME',
      required: true,
      help: 'this node (downward API spec.nodeName)',
    },
    hubAddress: {
      flag: 'hub-address',
      type: 'string',
      default: 'kosmos-hub.kosmos-system.svc:7070',
      help: 'hub AgentHub gRPC address',
    },
    hubTokenFile: {
      flag: 'hub-token-file',
      type: 'string',
      help: 'identity token sent in Hello (projected ServiceAccount token)',
    },
    hubCaFile: {
      flag: 'hub-ca-file',
      type: 'string',
      help: 'PEM CA of the hub’s certificate: connect over TLS and verify the hub (re-read every minute)',
    },
    allowPlaintextToken: {
      flag: 'allow-plaintext-token',
      type: 'bool',
      default: false,
      help: 'send the --hub-token-file token to a hub without TLS (anyone on the network path can read and replay it); without it the agent refuses to start with a token but no --hub-ca-file',
    },
    standalone: {
      flag: 'standalone',
      type: 'bool',
      default: false,
      help: 'no hub: report to the logs only, never resize',
    },
    cgroupRoot: {
      flag: 'cgroup-root',
      type: 'string',
      default: '/sys/fs/cgroup',
      help: 'cgroup file system mount',
    },
    kubeletCgroupRoot: {
      flag: 'kubelet-cgroup-root',
      type: 'string',
      help: 'the kubelet’s --cgroup-root when it is not / (e.g. /kubelet); default: found below the mount',
    },
    tickMs: {
      flag: 'tick',
      type: 'duration',
      default: '1s',
      min: 50,
      help: 'report/control period (e.g. 1s, 500ms)',
    },
    scrapeTimeoutMs: {
      flag: 'scrape-timeout',
      type: 'duration',
      default: '2s',
      min: 10,
      help: 'deadline of one pod metrics scrape, connect to last byte (runs beside the tick, never holds it)',
    },
    reserveCpuMilli: {
      flag: 'reserve-cpu',
      type: 'cpu',
      default: '0',
      help: 'CPU kept free on top of untracked pods’ requests',
    },
    reserveMemoryBytes: {
      flag: 'reserve-memory',
      type: 'memory',
      default: '0',
      help: 'memory kept free on top of untracked pods’ requests',
    },
    ...kubeTargetOptions,
    healthPort: {
      flag: 'health-port',
      type: 'int',
      default: 9091,
      min: 0,
      help: 'HTTP port for /healthz /readyz /metrics (Prometheus: ticks and their steps, resize and PodScale status writes, hub connection, tracked and capped pods); plaintext, no authentication (0 = any free port)',
    },
    bindAddress: {
      flag: 'bind-address',
      type: 'string',
      default: '0.0.0.0',
      help: 'address the health server listens on',
    },
    writeQps: {
      flag: 'write-qps',
      type: 'number',
      default: 10,
      exclusiveMin: 0,
      help: 'sustained API writes per second (resizes + PodScale status)',
    },
    writeBurst: { flag: 'write-burst', type: 'int', default: 20, min: 1, help: 'API write burst' },
    statusMinIntervalMs: {
      flag: 'status-min-interval',
      type: 'duration',
      default: '60s',
      min: 0,
      help: 'least time between two writes of one PodScale status: quantities and messages wait for it, a condition changing state goes out at once',
    },
    deadbandPercent: {
      flag: 'deadband-percent',
      type: 'number',
      default: 5,
      exclusiveMin: 0,
      help: 'skip a resize smaller than this % of the current value ...',
    },
    deadbandCpuMilli: {
      flag: 'deadband-cpu',
      type: 'cpu',
      default: '10m',
      help: '... and smaller than this much CPU',
    },
    deadbandMemoryBytes: {
      flag: 'deadband-memory',
      type: 'memory',
      default: '4Mi',
      help: '... and smaller than this much memory',
    },
    memoryLimitDecrease: {
      flag: 'memory-limit-decrease',
      type: 'enum',
      choices: ['allowed', 'forbidden'],
      default: 'allowed',
      help: 'lower memory limits (never below usage) or never',
    },
    directiveWaitMs: {
      flag: 'directive-wait',
      type: 'duration',
      default: '600ms',
      min: 0,
      help: 'how long a tick waits for the hub’s answer to its own report: at once with its standing plans, or — when the report shows a pod over its objective or pegged — after a pass planned on it, so the growth is enacted this tick; 0: take the newest directive without waiting (it then reflects the previous report)',
    },
    podScaleNodeFieldSelector: {
      flag: 'podscale-node-field-selector',
      type: 'bool',
      default: true,
      help: 'watch only this node’s PodScales (field spec.nodeName, declared selectable by the PodScale CRD); false: watch all and filter here',
    },
    logLevel: logLevelOption,
  },
});

/** The agent's own terms of its node step, at the flags' defaults (for the simulator and tools). */
export function defaultNodeStepSettings(): NodeStepSettings {
  const d = <K extends keyof AgentConfig & keyof typeof agentConfig.definition.options>(key: K) => {
    const value = agentConfig.defaultOf(key);
    if (value === undefined) throw new Error(`agent option ${key} has no default`);
    return value;
  };
  return {
    reserve: { cpuMilli: d('reserveCpuMilli'), memoryBytes: d('reserveMemoryBytes') },
    deadband: {
      percent: d('deadbandPercent'),
      cpuMilli: d('deadbandCpuMilli'),
      memoryBytes: d('deadbandMemoryBytes'),
    },
    memoryLimitDecrease: d('memoryLimitDecrease'),
  };
}

/** The command behind the agent's flags (for --help and tooling). */
export function agentCommand(): Command {
  return agentConfig.command();
}

/**
 * Parses argv (without node and script) and the environment into a validated AgentConfig;
 * throws ConfigError on bad input and HelpRequested on --help (lib/config.ts).
 */
export function parseAgentConfig(
  argv: readonly string[],
  env: Record<string, string | undefined> = process.env,
): AgentConfig {
  const config = agentConfig.parse(argv, env);
  if (!config.standalone && config.hubTokenFile && !config.hubCaFile && !config.allowPlaintextToken) {
    throw new ConfigError(
      'kosmos-agent: --hub-token-file without --hub-ca-file would send the token to the hub in plaintext: ' +
        'give --hub-ca-file (the CA of the hub’s certificate; the hub serves TLS with --tls-cert-file), ' +
        'or pass --allow-plaintext-token if the network path is trusted',
    );
  }
  return config;
}
