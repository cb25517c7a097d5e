// The agent's configuration: command-line flags with environment fallbacks, validated, with every
// default documented here and in --help.
import { Command, InvalidArgumentError, Option } from 'commander';
import { parseCpuMilli, parseMemoryBytes } from '../../lib/quantity.ts';
import type { MemoryLimitDecrease } from './actuator/resize-plan.ts';

export interface AgentConfig {
  nodeName: string;
  /** host:port of the hub's AgentHub service; ignored in standalone mode. */
  hubAddress: string;
  hubTokenFile?: string;
  /** No hub: report to the logs only, never resize. */
  standalone: boolean;
  cgroupRoot: string;
  tickMs: number;
  reserveCpuMilli: number;
  reserveMemoryBytes: number;
  kubeServer?: string;
  kubeToken?: string;
  kubeconfig?: string;
  inCluster: boolean;
  healthPort: number;
  bindAddress: string;
  logLevel: string;
  writeQps: number;
  writeBurst: number;
  deadbandPercent: number;
  deadbandCpuMilli: number;
  deadbandMemoryBytes: number;
  memoryLimitDecrease: MemoryLimitDecrease;
  directiveWaitMs: number;
  podScaleNodeFieldSelector: boolean;
}

export const DEFAULTS = {
  hubAddress: 'kosmos-hub.kosmos-system.svc:7070',
  cgroupRoot: '/sys/fs/cgroup',
  tickMs: 1000,
  reserveCpu: '0',
  reserveMemory: '0',
  healthPort: 9091,
  bindAddress: '0.0.0.0',
  logLevel: 'info',
  writeQps: 10,
  writeBurst: 20,
  deadbandPercent: 5,
  deadbandCpu: '10m',
  deadbandMemory: '4Mi',
  memoryLimitDecrease: 'allowed' as MemoryLimitDecrease,
  directiveWaitMs: 250,
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

function durationMsArg(min: number): (v: string) => number {
  return (v) => {
    const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(v.trim());
    if (!m) throw new InvalidArgumentError('expected a duration like 1s, 500ms, 2m');
    const n = Number(m[1]);
    const ms = m[2] === 'ms' ? n : m[2] === 'm' ? n * 60_000 : n * 1000;
    if (ms < min) throw new InvalidArgumentError(`must be at least ${min}ms`);
    return ms;
  };
}

function quantityArg(parse: (q: string) => number, example: string): (v: string) => number {
  return (v) => {
    try {
      return parse(v);
    } catch (err) {
      throw new InvalidArgumentError(`${(err as Error).message}; e.g. ${example}`);
    }
  };
}

const cpuArg = quantityArg(parseCpuMilli, '"250m" or "0.5"');
const memoryArg = quantityArg(parseMemoryBytes, '"256Mi" or "1Gi"');

export function agentCommand(): Command {
  return new Command('kosmos-agent')
    .description(
      'kosmos node agent: reads the cgroups and latency of the pods on its node, reports to the hub, ' +
        'arbitrates node contention and resizes pods in place.',
    )
    .addOption(new Option('--node-name <name>', 'this node (downward API spec.nodeName)').env('NODE_NAME'))
    .addOption(
      new Option('--hub-address <host:port>', 'hub AgentHub gRPC address')
        .env('KOSMOS_HUB_ADDRESS')
        .default(DEFAULTS.hubAddress),
    )
    .addOption(
      new Option(
        '--hub-token-file <path>',
        'identity token sent in Hello (projected ServiceAccount token)',
      ).env('KOSMOS_HUB_TOKEN_FILE'),
    )
    .addOption(
      new Option('--standalone [bool]', 'no hub: report to the logs only, never resize')
        .env('KOSMOS_STANDALONE')
        .default(false)
        .argParser(boolArg),
    )
    .addOption(
      new Option('--cgroup-root <path>', 'cgroup file system mount')
        .env('KOSMOS_CGROUP_ROOT')
        .default(DEFAULTS.cgroupRoot),
    )
    .addOption(
      new Option('--tick <duration>', 'report/control period (e.g. 1s, 500ms)')
        .env('KOSMOS_TICK')
        .default(DEFAULTS.tickMs, '1s')
        .argParser(durationMsArg(50)),
    )
    .addOption(
      new Option('--reserve-cpu <quantity>', 'CPU kept free on top of untracked pods’ requests')
        .env('KOSMOS_RESERVE_CPU')
        .default(0, DEFAULTS.reserveCpu)
        .argParser(cpuArg),
    )
    .addOption(
      new Option('--reserve-memory <quantity>', 'memory kept free on top of untracked pods’ requests')
        .env('KOSMOS_RESERVE_MEMORY')
        .default(0, DEFAULTS.reserveMemory)
        .argParser(memoryArg),
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
      new Option('--health-port <port>', 'HTTP port for /healthz /readyz /metrics (0 = any free port)')
        .env('KOSMOS_HEALTH_PORT')
        .default(DEFAULTS.healthPort)
        .argParser(intArg('--health-port', 0)),
    )
    .addOption(
      new Option('--bind-address <addr>', 'address the health server listens on')
        .env('KOSMOS_BIND_ADDRESS')
        .default(DEFAULTS.bindAddress),
    )
    .addOption(
      new Option('--write-qps <n>', 'sustained API writes per second (resizes + PodScale status)')
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
      new Option('--deadband-percent <pct>', 'skip a resize smaller than this % of the current value ...')
        .env('KOSMOS_DEADBAND_PERCENT')
        .default(DEFAULTS.deadbandPercent)
        .argParser(positiveArg('--deadband-percent')),
    )
    .addOption(
      new Option('--deadband-cpu <quantity>', '... and smaller than this much CPU')
        .env('KOSMOS_DEADBAND_CPU')
        .default(10, DEFAULTS.deadbandCpu)
        .argParser(cpuArg),
    )
    .addOption(
      new Option('--deadband-memory <quantity>', '... and smaller than this much memory')
        .env('KOSMOS_DEADBAND_MEMORY')
        .default(4 * 1024 * 1024, DEFAULTS.deadbandMemory)
        .argParser(memoryArg),
    )
    .addOption(
      new Option('--memory-limit-decrease <mode>', 'lower memory limits (never below usage) or never')
        .env('KOSMOS_MEMORY_LIMIT_DECREASE')
        .choices(['allowed', 'forbidden'])
        .default(DEFAULTS.memoryLimitDecrease),
    )
    .addOption(
      new Option('--directive-wait <duration>', 'how long a tick waits for the hub’s answer')
        .env('KOSMOS_DIRECTIVE_WAIT')
        .default(DEFAULTS.directiveWaitMs, '250ms')
        .argParser(durationMsArg(0)),
    )
    .addOption(
      new Option(
        '--podscale-node-field-selector [bool]',
        'watch only this node’s PodScales (field spec.nodeName; needs the CRD’s selectableFields)',
      )
        .env('KOSMOS_PODSCALE_NODE_FIELD_SELECTOR')
        .default(false)
        .argParser(boolArg),
    )
    .addOption(
      new Option('--log-level <level>', 'trace, debug, info, warn, error')
        .env('KOSMOS_LOG_LEVEL')
        .choices(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'])
        .default(DEFAULTS.logLevel),
    );
}

/** Parses argv (without node and script) into a validated AgentConfig; throws CommanderError on bad input. */
export function parseAgentConfig(argv: string[], configure?: (cmd: Command) => void): AgentConfig {
  const cmd = agentCommand();
  configure?.(cmd);
  cmd.parse(argv, { from: 'user' });
  const o = cmd.opts();
  if (!o['nodeName'])
    cmd.error('error: --node-name (or $NODE_NAME) is required: the node this agent runs on');
  return {
    nodeName: o['nodeName'],
    hubAddress: o['hubAddress'],
    hubTokenFile: o['hubTokenFile'],
    standalone: o['standalone'] === true,
    cgroupRoot: o['cgroupRoot'],
    tickMs: o['tick'],
    reserveCpuMilli: o['reserveCpu'],
    reserveMemoryBytes: o['reserveMemory'],
    kubeServer: o['kubeServer'],
    kubeToken: o['kubeToken'],
    kubeconfig: o['kubeconfig'],
    inCluster: o['inCluster'] === true,
    healthPort: o['healthPort'],
    bindAddress: o['bindAddress'],
    logLevel: o['logLevel'],
    writeQps: o['writeQps'],
    writeBurst: o['writeBurst'],
    deadbandPercent: o['deadbandPercent'],
    deadbandCpuMilli: o['deadbandCpu'],
    deadbandMemoryBytes: o['deadbandMemory'],
    memoryLimitDecrease: o['memoryLimitDecrease'],
    directiveWaitMs: o['directiveWait'],
    podScaleNodeFieldSelector: o['podscaleNodeFieldSelector'] === true,
  };
}
